/* test-stash-subscription.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-stash-client.h"
#include "sh-stash-error.h"
#include "sh-stash-subscription.h"

/* Fails the test instead of hanging when something never happens. */
#define WAIT_UNTIL(condition, msec)                                                  \
  G_STMT_START {                                                                     \
    gint64 deadline_ = g_get_monotonic_time () + (msec) * G_TIME_SPAN_MILLISECOND;   \
    while (!(condition))                                                             \
      {                                                                              \
        if (g_get_monotonic_time () > deadline_)                                     \
          {                                                                          \
            g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,        \
                                 "timed out after " #msec " ms waiting for "         \
                                 #condition);                                        \
            break;                                                                   \
          }                                                                          \
        iterate ();                                                                  \
      }                                                                              \
  } G_STMT_END

/* How the scripted server behaves on one connection. */
typedef enum
{
  SCRIPT_NORMAL,    /* acks, answers pings */
  SCRIPT_NO_ACK,    /* never acks connection_init */
  SCRIPT_SILENT,    /* acks, then never says anything again */
  SCRIPT_JUNK,      /* sends malformed events, a ping, then one valid event */
  SCRIPT_ERROR,     /* answers subscribe with a GraphQL error */
  SCRIPT_COMPLETE,  /* answers subscribe with complete */
  SCRIPT_CLOSE_4401 /* closes with graphql-transport-ws's "Unauthorized" code */
} ScriptMode;

typedef struct
{
  ShStashJobUpdateType  type;
  ShStashJob           *job;
} Event;

/* The API keys of a fake-Stash test: the server's, then the client's. */
typedef struct
{
  const char *server_key;
  const char *client_key;
} Keys;

static const Keys no_keys = { NULL, NULL };
static const Keys right_key = { "hog-key-1", "hog-key-1" };
static const Keys wrong_key = { "hog-key-1", "not-the-key" };
static const Keys missing_key = { "hog-key-1", NULL };

typedef struct
{
  ShFakeStash         *fake;

  /* The scripted graphql-transport-ws server */
  SoupServer          *server;
  char                *url;
  GArray              *modes;          /* (element-type ScriptMode) one per connection */
  GPtrArray           *connections;    /* (element-type SoupWebsocketConnection) */
  GPtrArray           *received;       /* (element-type utf8) "N:type" per message */
  GPtrArray           *subscribes;     /* (element-type JsonNode) */
  char                *upgrade_api_key;
  guint                n_pongs_received;
  guint                n_pings_received;
  guint                n_closed;
  gushort              last_close_code;

  ShStashClient       *client;
  ShStashSubscription *subscription;

  /* What the subscription emitted */
  GPtrArray           *events;         /* (element-type Event) */
  guint                n_connected;
  guint                n_disconnected;
  guint                n_notify_connected;
  GError              *last_error;
  gint64               disconnected_times[8];
} Fixture;

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* One blocking iteration, woken at least every 10 ms so WAIT_UNTIL sees its deadline. */
static void
iterate (void)
{
  guint id = g_timeout_add (10, wake_up_cb, NULL);

  g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
run_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    iterate ();
}

static void
event_free (Event *event)
{
  sh_stash_job_free (event->job);
  g_free (event);
}

/* Scripted server ---------------------------------------------------------------------- */

static const char *valid_job =
  "{\"id\":\"7\",\"status\":\"RUNNING\",\"subTasks\":[\"Generating sprite for /x.mp4\"],"
  "\"description\":\"Generating...\",\"progress\":0.25,"
  "\"startTime\":\"2026-01-11T18:07:54+11:00\",\"endTime\":null,"
  "\"addTime\":\"2026-01-11T18:07:53.123456789+11:00\",\"error\":null}";

static void
script_send_junk (SoupWebsocketConnection *connection)
{
  g_autofree char *wrong_id = NULL;
  g_autofree char *bad_type = NULL;
  g_autofree char *valid = NULL;
  const char *junk[] = {
    "not json",
    "[1,2]",
    "{\"type\":42}",
    "{\"type\":\"weird\"}",
    "{\"type\":\"next\"}",
    "{\"id\":\"1\",\"type\":\"next\",\"payload\":\"x\"}",
    "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":null,"
      "\"errors\":[{\"message\":\"boom\"}]}}",
    "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"jobsSubscribe\":42}}}",
    "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"jobsSubscribe\":"
      "{\"type\":\"UPDATE\",\"job\":[]}}}}",
    "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"jobsSubscribe\":"
      "{\"type\":\"UPDATE\",\"job\":{\"id\":\"7\"}}}}}",
    "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"jobsSubscribe\":"
      "{\"type\":\"UPDATE\",\"job\":{\"id\":\"7\",\"status\":42}}}}}",
    "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"jobsSubscribe\":"
      "{\"job\":{\"id\":\"7\",\"status\":\"READY\",\"addTime\":\"t\"}}}}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    soup_websocket_connection_send_text (connection, junk[i]);

  wrong_id = g_strdup_printf ("{\"id\":\"2\",\"type\":\"next\",\"payload\":{\"data\":"
                              "{\"jobsSubscribe\":{\"type\":\"ADD\",\"job\":%s}}}}", valid_job);
  soup_websocket_connection_send_text (connection, wrong_id);
  bad_type = g_strdup_printf ("{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":"
                              "{\"jobsSubscribe\":{\"type\":\"BOGUS\",\"job\":%s}}}}", valid_job);
  soup_websocket_connection_send_text (connection, bad_type);
  soup_websocket_connection_send_binary (connection, "\x01\x02", 2);

  soup_websocket_connection_send_text (connection, "{\"type\":\"ping\"}");

  valid = g_strdup_printf ("{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":"
                           "{\"jobsSubscribe\":{\"type\":\"UPDATE\",\"job\":%s}}}}", valid_job);
  soup_websocket_connection_send_text (connection, valid);
}

static void
on_script_message (SoupWebsocketConnection *connection,
                   int                      type,
                   GBytes                  *bytes,
                   Fixture                 *fixture)
{
  ScriptMode mode = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (connection), "mode"));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (connection), "index"));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *kind;
  JsonObject *message;

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  message = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member (message, "type");
  g_ptr_array_add (fixture->received, g_strdup_printf ("%u:%s", index, kind));

  if (g_str_equal (kind, "connection_init"))
    {
      g_assert_true (json_object_has_member (message, "payload"));
      if (mode == SCRIPT_CLOSE_4401)
        soup_websocket_connection_close (connection, 4401, "Unauthorized");
      else if (mode != SCRIPT_NO_ACK)
        soup_websocket_connection_send_text (connection, "{\"type\":\"connection_ack\"}");
    }
  else if (g_str_equal (kind, "subscribe"))
    {
      g_ptr_array_add (fixture->subscribes, json_node_copy (json_parser_get_root (parser)));
      if (mode == SCRIPT_JUNK)
        script_send_junk (connection);
      else if (mode == SCRIPT_ERROR)
        soup_websocket_connection_send_text (connection,
                                             "{\"id\":\"1\",\"type\":\"error\",\"payload\":"
                                             "[{\"message\":\"Cannot query field\"},"
                                             "{\"message\":\"second problem\"}]}");
      else if (mode == SCRIPT_COMPLETE)
        soup_websocket_connection_send_text (connection, "{\"id\":\"1\",\"type\":\"complete\"}");
    }
  else if (g_str_equal (kind, "ping"))
    {
      fixture->n_pings_received++;
      if (mode != SCRIPT_SILENT)
        soup_websocket_connection_send_text (connection, "{\"type\":\"pong\"}");
    }
  else if (g_str_equal (kind, "pong"))
    {
      fixture->n_pongs_received++;
    }
}

static void
on_script_closed (SoupWebsocketConnection *connection,
                  Fixture                 *fixture)
{
  fixture->n_closed++;
  fixture->last_close_code = soup_websocket_connection_get_close_code (connection);
}

static void
on_script_websocket (SoupServer              *server,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *connection,
                     gpointer                 user_data)
{
  Fixture *fixture = user_data;
  guint index = fixture->connections->len;
  ScriptMode mode = index < fixture->modes->len ? g_array_index (fixture->modes, ScriptMode, index)
                                                : SCRIPT_NORMAL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  g_assert_cmpstr (soup_websocket_connection_get_protocol (connection), ==, "graphql-transport-ws");

  g_free (fixture->upgrade_api_key);
  fixture->upgrade_api_key = g_strdup (soup_message_headers_get_one (headers, "ApiKey"));

  g_object_set_data (G_OBJECT (connection), "mode", GINT_TO_POINTER (mode));
  g_object_set_data (G_OBJECT (connection), "index", GUINT_TO_POINTER (index));
  g_signal_connect (connection, "message", G_CALLBACK (on_script_message), fixture);
  g_signal_connect (connection, "closed", G_CALLBACK (on_script_closed), fixture);
  g_ptr_array_add (fixture->connections, g_object_ref (connection));
}

/* The modes of the next connections, in order, ending with -1; then SCRIPT_NORMAL. */
static void
script_set_modes (Fixture *fixture,
                  int      first,
                  ...)
{
  va_list args;

  g_array_set_size (fixture->modes, 0);
  va_start (args, first);
  for (int mode = first; mode != -1; mode = va_arg (args, int))
    {
      ScriptMode value = mode;

      g_array_append_val (fixture->modes, value);
    }
  va_end (args);
}

/* Fixture ------------------------------------------------------------------------------ */

static void
on_job_update (ShStashSubscription *subscription,
               guint                type,
               ShStashJob          *job,
               Fixture             *fixture)
{
  Event *event = g_new0 (Event, 1);

  event->type = type;
  event->job = sh_stash_job_copy (job);
  g_ptr_array_add (fixture->events, event);
}

static void
on_connected (ShStashSubscription *subscription,
              Fixture             *fixture)
{
  g_assert_true (sh_stash_subscription_get_connected (subscription));
  fixture->n_connected++;
}

static void
on_disconnected (ShStashSubscription *subscription,
                 const GError        *error,
                 Fixture             *fixture)
{
  g_assert_nonnull (error);
  g_assert_false (sh_stash_subscription_get_connected (subscription));

  if (fixture->n_disconnected < G_N_ELEMENTS (fixture->disconnected_times))
    fixture->disconnected_times[fixture->n_disconnected] = g_get_monotonic_time ();
  fixture->n_disconnected++;
  g_clear_error (&fixture->last_error);
  fixture->last_error = g_error_copy (error);
}

static void
on_notify_connected (ShStashSubscription *subscription,
                     GParamSpec          *pspec,
                     Fixture             *fixture)
{
  fixture->n_notify_connected++;
}

static void
fixture_create_subscription (Fixture    *fixture,
                             const char *url,
                             const char *api_key)
{
  g_autoptr(GError) error = NULL;

  fixture->client = sh_stash_client_new (url, api_key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->client);

  fixture->subscription = sh_stash_subscription_new (fixture->client);
  g_signal_connect (fixture->subscription, "job-update", G_CALLBACK (on_job_update), fixture);
  g_signal_connect (fixture->subscription, "connected", G_CALLBACK (on_connected), fixture);
  g_signal_connect (fixture->subscription, "disconnected", G_CALLBACK (on_disconnected), fixture);
  g_signal_connect (fixture->subscription, "notify::connected",
                    G_CALLBACK (on_notify_connected), fixture);
}

static void
fixture_init (Fixture *fixture)
{
  fixture->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  fixture->modes = g_array_new (FALSE, FALSE, sizeof (ScriptMode));
  fixture->connections = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->received = g_ptr_array_new_with_free_func (g_free);
  fixture->subscribes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

static void
fixture_setup_script (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char *protocols[] = { "graphql-transport-ws", NULL };
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture_init (fixture);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (fixture->server, "/graphql", NULL, (char **) protocols,
                                     on_script_websocket, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  g_assert_nonnull (uris);
  fixture->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fixture_create_subscription (fixture, fixture->url, user_data);
  /* Short enough to see timeouts quickly, long enough for a loaded test machine. */
  sh_stash_subscription_set_keepalive_interval (fixture->subscription, 150);
}

static void
fixture_setup_fake (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const Keys *keys = user_data;
  g_autoptr(GError) error = NULL;

  fixture_init (fixture);

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_api_key (fixture->fake, keys->server_key);
  sh_fake_stash_set_scene_count (fixture->fake, 3);
  /* So that a Generate has work to do and reports progress. */
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_set_job_speed (fixture->fake, 20);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);

  fixture_create_subscription (fixture, sh_fake_stash_get_url (fixture->fake), keys->client_key);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  if (fixture->subscription != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->subscription));
  g_clear_object (&fixture->client);

  /* Let closing connections finish before their server goes away. */
  run_for (20);

  g_clear_pointer (&fixture->connections, g_ptr_array_unref);
  if (fixture->server != NULL)
    soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  if (fixture->fake != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->fake));
  g_clear_pointer (&fixture->url, g_free);
  g_clear_pointer (&fixture->upgrade_api_key, g_free);
  g_clear_pointer (&fixture->modes, g_array_unref);
  g_clear_pointer (&fixture->received, g_ptr_array_unref);
  g_clear_pointer (&fixture->subscribes, g_ptr_array_unref);
  g_clear_pointer (&fixture->events, g_ptr_array_unref);
  g_clear_error (&fixture->last_error);
}

static SoupWebsocketConnection *
script_connection (Fixture *fixture,
                   guint    index)
{
  g_assert_cmpuint (index, <, fixture->connections->len);

  return g_ptr_array_index (fixture->connections, index);
}

/* Tests against the fake Stash ---------------------------------------------------------- */

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  char **job_id = user_data;
  g_autoptr(GError) error = NULL;

  *job_id = sh_stash_client_metadata_generate_finish (SH_STASH_CLIENT (object), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*job_id);
}

static gboolean
has_remove_for (Fixture    *fixture,
                const char *job_id)
{
  for (guint i = 0; job_id != NULL && i < fixture->events->len; i++)
    {
      Event *event = g_ptr_array_index (fixture->events, i);

      if (event->type == SH_STASH_JOB_UPDATE_REMOVE && g_str_equal (event->job->id, job_id))
        return TRUE;
    }

  return FALSE;
}

/* Runs a Generate and checks the events Stash sends for it: ADD (READY), UPDATEs (RUNNING,
 * progress never going back), REMOVE (FINISHED), in that order and for the same job. */
static void
assert_generate_events (Fixture *fixture)
{
  g_autoptr(JsonNode) input = json_from_string ("{\"covers\":true,\"sprites\":true}", NULL);
  g_autofree char *job_id = NULL;
  const char *add_time = NULL;
  guint n_updates = 0;
  guint n_events = 0;
  guint first = fixture->events->len;
  gboolean removed = FALSE;
  double progress = 0.0;

  sh_stash_client_metadata_generate_async (fixture->client, input, NULL, generate_cb, &job_id);
  WAIT_UNTIL (has_remove_for (fixture, job_id), 10000);

  for (guint i = first; i < fixture->events->len; i++)
    {
      Event *event = g_ptr_array_index (fixture->events, i);

      if (!g_str_equal (event->job->id, job_id))
        continue;

      /* Nothing after the REMOVE. */
      g_assert_false (removed);

      g_assert_nonnull (event->job->add_time);
      if (add_time == NULL)
        add_time = event->job->add_time;
      g_assert_cmpstr (event->job->add_time, ==, add_time);

      if (n_events == 0)
        {
          g_assert_cmpint (event->type, ==, SH_STASH_JOB_UPDATE_ADD);
          g_assert_cmpint (event->job->status, ==, SH_STASH_JOB_READY);
        }
      else if (event->type == SH_STASH_JOB_UPDATE_UPDATE)
        {
          g_assert_cmpint (event->job->status, ==, SH_STASH_JOB_RUNNING);
          g_assert_nonnull (event->job->start_time);
          if (event->job->has_progress)
            {
              g_assert_cmpfloat (event->job->progress, >=, progress);
              progress = event->job->progress;
            }
          n_updates++;
        }
      else
        {
          g_assert_cmpint (event->type, ==, SH_STASH_JOB_UPDATE_REMOVE);
          g_assert_cmpint (event->job->status, ==, SH_STASH_JOB_FINISHED);
          g_assert_nonnull (event->job->end_time);
          g_assert_null (event->job->sub_tasks);
          removed = TRUE;
        }
      n_events++;
    }

  g_assert_cmpuint (n_updates, >=, 1);
  g_assert_cmpuint (n_events, ==, n_updates + 2);
  g_assert_cmpfloat (progress, >, 0.0);
}

static void
test_fake_generate_events (Fixture       *fixture,
                           gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);
  g_assert_true (sh_stash_subscription_get_connected (fixture->subscription));
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 1);

  assert_generate_events (fixture);

  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
  g_assert_cmpuint (fixture->n_connected, ==, 1);
}

/* A message nested 100,000 levels deep used to overflow the stack of json-glib's parser:
 * now it is dropped unparsed, and the subscription goes on. */
static void
test_fake_nested_message (Fixture       *fixture,
                          gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);
  /* Events arrive: the fake has the subscription. */
  assert_generate_events (fixture);

  sh_fake_stash_send_nested_websocket_message (fixture->fake, 100000);
  run_for (200);

  g_assert_true (sh_stash_subscription_get_connected (fixture->subscription));
  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
  /* Work for another Generate, whose events still arrive. */
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  assert_generate_events (fixture);
  g_assert_cmpuint (fixture->n_connected, ==, 1);
}

static void
test_fake_right_key (Fixture       *fixture,
                     gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);

  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 1);
  assert_generate_events (fixture);
}

static void
test_fake_refused_key (Fixture       *fixture,
                       gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);

  /* Refused at the upgrade, and again on the retry 0.5 s later. */
  WAIT_UNTIL (fixture->n_disconnected == 2, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (fixture->n_connected, ==, 0);
  g_assert_cmpuint (fixture->n_notify_connected, ==, 0);
  g_assert_false (sh_stash_subscription_get_connected (fixture->subscription));
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 0);
}

static void
test_fake_drop (Fixture       *fixture,
                gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);

  sh_fake_stash_drop_websockets (fixture->fake);
  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT);
  g_assert_cmpuint (fixture->n_connected, ==, 1);

  WAIT_UNTIL (fixture->n_connected == 2, 5000);
  g_assert_true (sh_stash_subscription_get_connected (fixture->subscription));
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 1);

  /* Subscribed again, not just connected. */
  assert_generate_events (fixture);
}

static void
test_fake_restart (Fixture       *fixture,
                   gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);

  sh_fake_stash_restart (fixture->fake);
  WAIT_UNTIL (fixture->n_disconnected >= 1, 5000);
  g_assert_true (fixture->last_error->domain == SH_STASH_ERROR);

  WAIT_UNTIL (fixture->n_connected == 2, 5000);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 1);
  assert_generate_events (fixture);
}

static void
test_fake_websockets_disabled (Fixture       *fixture,
                               gconstpointer  user_data)
{
  sh_fake_stash_set_websockets_enabled (fixture->fake, FALSE);
  sh_stash_subscription_start (fixture->subscription);

  /* A proxy that does not pass upgrades on answers 400: not a network problem. */
  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP);
  g_assert_cmpuint (fixture->n_connected, ==, 0);

  sh_fake_stash_set_websockets_enabled (fixture->fake, TRUE);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);
}

static void
test_fake_stop (Fixture       *fixture,
                gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 1);

  sh_stash_subscription_stop (fixture->subscription);
  g_assert_false (sh_stash_subscription_get_connected (fixture->subscription));
  WAIT_UNTIL (sh_fake_stash_get_websocket_count (fixture->fake) == 0, 5000);

  run_for (700);
  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 0);
}

/* Scripted tests ----------------------------------------------------------------------- */

static void
test_script_handshake (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *document = sh_stash_client_load_query ("JobsSubscribe");
  JsonObject *subscribe;
  JsonObject *payload;

  g_assert_false (sh_stash_subscription_get_connected (fixture->subscription));

  sh_stash_subscription_start (fixture->subscription);
  /* Starting twice is harmless: still one connection. */
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1 && fixture->subscribes->len == 1, 5000);

  g_assert_true (sh_stash_subscription_get_connected (fixture->subscription));
  g_assert_cmpuint (fixture->n_notify_connected, ==, 1);
  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
  g_assert_cmpuint (fixture->connections->len, ==, 1);

  /* Without a key, no ApiKey header at all: Stash answers 401 to any non-empty wrong key. */
  g_assert_null (fixture->upgrade_api_key);

  g_assert_cmpuint (fixture->received->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->received, 0), ==, "0:connection_init");
  g_assert_cmpstr (g_ptr_array_index (fixture->received, 1), ==, "0:subscribe");

  subscribe = json_node_get_object (g_ptr_array_index (fixture->subscribes, 0));
  g_assert_cmpstr (json_object_get_string_member (subscribe, "id"), ==, "1");
  payload = json_object_get_object_member (subscribe, "payload");
  g_assert_cmpstr (json_object_get_string_member (payload, "operationName"), ==, "JobsSubscribe");
  g_assert_cmpstr (json_object_get_string_member (payload, "query"), ==, document);
  g_assert_nonnull (strstr (document, "jobsSubscribe"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (payload, "variables")));
}

static void
test_script_api_key_header (Fixture       *fixture,
                            gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);

  g_assert_cmpstr (fixture->upgrade_api_key, ==, "s3cret-key");
}

static void
test_script_stop_sends_complete (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  /* Pings would interleave with what we check below. */
  sh_stash_subscription_set_keepalive_interval (fixture->subscription, 10000);
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1 && fixture->subscribes->len == 1, 5000);

  sh_stash_subscription_stop (fixture->subscription);
  g_assert_false (sh_stash_subscription_get_connected (fixture->subscription));
  g_assert_cmpuint (fixture->n_notify_connected, ==, 2);

  WAIT_UNTIL (fixture->n_closed == 1, 5000);
  g_assert_cmpuint (fixture->received->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fixture->received, 2), ==, "0:complete");
  g_assert_cmpuint (fixture->last_close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);

  /* A deliberate stop is not a failure, and nothing reconnects. */
  run_for (600);
  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
  g_assert_cmpuint (fixture->connections->len, ==, 1);

  /* It can be started again. */
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 2, 5000);
  g_assert_cmpuint (fixture->connections->len, ==, 2);
}

static void
test_script_malformed_events (Fixture       *fixture,
                              gconstpointer  user_data)
{
  Event *event;

  script_set_modes (fixture, SCRIPT_JUNK, -1);
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->events->len == 1 && fixture->n_pongs_received == 1, 5000);

  /* Every bad message was skipped; the connection survived them all. */
  run_for (100);
  g_assert_cmpuint (fixture->events->len, ==, 1);
  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
  g_assert_true (sh_stash_subscription_get_connected (fixture->subscription));

  event = g_ptr_array_index (fixture->events, 0);
  g_assert_cmpint (event->type, ==, SH_STASH_JOB_UPDATE_UPDATE);
  g_assert_cmpstr (event->job->id, ==, "7");
  g_assert_cmpint (event->job->status, ==, SH_STASH_JOB_RUNNING);
  g_assert_true (event->job->has_progress);
  g_assert_cmpfloat_with_epsilon (event->job->progress, 0.25, 1e-9);
  g_assert_cmpstr (event->job->description, ==, "Generating...");
  g_assert_cmpstr (event->job->add_time, ==, "2026-01-11T18:07:53.123456789+11:00");
  g_assert_nonnull (event->job->sub_tasks);
  g_assert_cmpstr (event->job->sub_tasks[0], ==, "Generating sprite for /x.mp4");
  g_assert_null (event->job->end_time);
}

static void
test_script_graphql_error (Fixture       *fixture,
                           gconstpointer  user_data)
{
  script_set_modes (fixture, SCRIPT_ERROR, SCRIPT_NORMAL, -1);
  sh_stash_subscription_start (fixture->subscription);

  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_GRAPHQL);
  g_assert_nonnull (strstr (fixture->last_error->message, "Cannot query field"));
  g_assert_nonnull (strstr (fixture->last_error->message, "second problem"));
  g_assert_false (sh_stash_subscription_get_connected (fixture->subscription));

  /* It was acknowledged (connected) before the error, and comes back on its own. */
  WAIT_UNTIL (fixture->n_connected == 2 && fixture->subscribes->len == 2, 5000);
  g_assert_cmpuint (fixture->connections->len, ==, 2);
}

static void
test_script_server_complete (Fixture       *fixture,
                             gconstpointer  user_data)
{
  script_set_modes (fixture, SCRIPT_COMPLETE, SCRIPT_NORMAL, -1);
  sh_stash_subscription_start (fixture->subscription);

  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT);

  WAIT_UNTIL (fixture->n_connected == 2 && fixture->subscribes->len == 2, 5000);
}

static void
test_script_no_ack (Fixture       *fixture,
                    gconstpointer  user_data)
{
  gint64 started = g_get_monotonic_time ();

  script_set_modes (fixture, SCRIPT_NO_ACK, SCRIPT_NORMAL, -1);
  sh_stash_subscription_start (fixture->subscription);

  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_TIMEOUT);
  g_assert_cmpint (fixture->disconnected_times[0] - started, >=, 150 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (fixture->n_connected, ==, 0);
  g_assert_cmpuint (fixture->subscribes->len, ==, 0);

  /* The dead connection was closed, and the next one works. */
  WAIT_UNTIL (fixture->n_closed >= 1 && fixture->n_connected == 1, 5000);
  g_assert_cmpuint (fixture->connections->len, ==, 2);
}

static void
test_script_silent_peer (Fixture       *fixture,
                         gconstpointer  user_data)
{
  script_set_modes (fixture, SCRIPT_SILENT, SCRIPT_NORMAL, -1);
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);

  /* No pong and nothing else for two intervals: the connection is dead. */
  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_TIMEOUT);
  g_assert_cmpuint (fixture->n_pings_received, >=, 1);

  WAIT_UNTIL (fixture->n_connected == 2, 5000);

  /* A peer that answers keeps the connection alive across many intervals. */
  fixture->n_pings_received = 0;
  run_for (500);
  g_assert_cmpuint (fixture->n_pings_received, >=, 2);
  g_assert_cmpuint (fixture->n_disconnected, ==, 1);
  g_assert_true (sh_stash_subscription_get_connected (fixture->subscription));
}

static void
test_script_backoff (Fixture       *fixture,
                     gconstpointer  user_data)
{
  gint64 connected_at;

  /* Failures in a row wait 0.5 s, then 1 s (then 2 s…). */
  script_set_modes (fixture, SCRIPT_CLOSE_4401, SCRIPT_CLOSE_4401, SCRIPT_NORMAL, -1);
  sh_stash_subscription_start (fixture->subscription);

  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (fixture->n_connected, ==, 0);

  WAIT_UNTIL (fixture->n_disconnected == 2, 5000);
  g_assert_cmpint (fixture->disconnected_times[1] - fixture->disconnected_times[0], >=,
                   450 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (fixture->disconnected_times[1] - fixture->disconnected_times[0], <,
                   950 * G_TIME_SPAN_MILLISECOND);

  WAIT_UNTIL (fixture->n_connected == 1, 5000);
  connected_at = g_get_monotonic_time ();
  g_assert_cmpint (connected_at - fixture->disconnected_times[1], >=,
                   950 * G_TIME_SPAN_MILLISECOND);

  /* The server goes away after a success: the delay is back to 0.5 s, not 2 s. */
  soup_websocket_connection_close (script_connection (fixture, 2),
                                   SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  WAIT_UNTIL (fixture->n_disconnected == 3, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT);
  WAIT_UNTIL (fixture->n_connected == 2, 5000);
  g_assert_cmpint (g_get_monotonic_time () - fixture->disconnected_times[2], >=,
                   450 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (g_get_monotonic_time () - fixture->disconnected_times[2], <,
                   1500 * G_TIME_SPAN_MILLISECOND);
}

static void
test_script_unreachable (Fixture       *fixture,
                         gconstpointer  user_data)
{
  /* Nobody listens on the port any more. */
  soup_server_disconnect (fixture->server);

  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_disconnected == 1, 5000);
  g_assert_error (fixture->last_error, SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT);
  g_assert_cmpuint (fixture->n_connected, ==, 0);
  g_assert_cmpuint (fixture->n_notify_connected, ==, 0);
}

static void
test_script_dispose_while_connecting (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  /* Dropping the last reference with an attempt in flight: its callback must not touch
   * the finalized object, and the server's connection is closed. */
  sh_stash_subscription_start (fixture->subscription);
  g_assert_finalize_object (g_steal_pointer (&fixture->subscription));

  run_for (300);
  g_assert_cmpuint (fixture->n_connected, ==, 0);
  g_assert_cmpuint (fixture->n_disconnected, ==, 0);
}

static void
test_script_dispose_while_connected (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  sh_stash_subscription_start (fixture->subscription);
  WAIT_UNTIL (fixture->n_connected == 1, 5000);

  g_assert_finalize_object (g_steal_pointer (&fixture->subscription));
  WAIT_UNTIL (fixture->n_closed == 1, 5000);
  g_assert_cmpstr (g_ptr_array_index (fixture->received, fixture->received->len - 1), ==,
                   "0:complete");
  g_assert_cmpuint (fixture->last_close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
}

static void
test_new_destroy (void)
{
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(GError) error = NULL;
  ShStashSubscription *subscription;

  client = sh_stash_client_new ("http://127.0.0.1:9", NULL, &error);
  g_assert_no_error (error);

  subscription = sh_stash_subscription_new (client);
  g_assert_true (sh_stash_subscription_get_client (subscription) == client);
  g_assert_false (sh_stash_subscription_get_connected (subscription));
  g_assert_cmpuint (sh_stash_subscription_get_keepalive_interval (subscription), ==, 10000);
  sh_stash_subscription_stop (subscription);
  g_assert_finalize_object (subscription);
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG directories hide the system's GSettings schemas, which GNOME's proxy
   * resolver aborts without; these tests only talk to 127.0.0.1. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  sh_core_init ();

  g_test_add_func ("/stash-subscription/new-destroy", test_new_destroy);

#define ADD_FAKE_TEST(path, func, keys) \
  g_test_add ("/stash-subscription/fake/" path, Fixture, keys, \
              fixture_setup_fake, func, fixture_teardown)

  ADD_FAKE_TEST ("generate-events", test_fake_generate_events, &no_keys);
  ADD_FAKE_TEST ("right-key", test_fake_right_key, &right_key);
  ADD_FAKE_TEST ("wrong-key", test_fake_refused_key, &wrong_key);
  ADD_FAKE_TEST ("missing-key", test_fake_refused_key, &missing_key);
  ADD_FAKE_TEST ("drop", test_fake_drop, &no_keys);
  ADD_FAKE_TEST ("restart", test_fake_restart, &no_keys);
  ADD_FAKE_TEST ("websockets-disabled", test_fake_websockets_disabled, &no_keys);
  ADD_FAKE_TEST ("stop", test_fake_stop, &no_keys);
  ADD_FAKE_TEST ("nested-message", test_fake_nested_message, &no_keys);

#undef ADD_FAKE_TEST

#define ADD_SCRIPT_TEST(path, func, key) \
  g_test_add ("/stash-subscription/protocol/" path, Fixture, key, \
              fixture_setup_script, func, fixture_teardown)

  ADD_SCRIPT_TEST ("handshake", test_script_handshake, NULL);
  ADD_SCRIPT_TEST ("api-key-header", test_script_api_key_header, "s3cret-key");
  ADD_SCRIPT_TEST ("stop-sends-complete", test_script_stop_sends_complete, NULL);
  ADD_SCRIPT_TEST ("malformed-events", test_script_malformed_events, NULL);
  ADD_SCRIPT_TEST ("graphql-error", test_script_graphql_error, NULL);
  ADD_SCRIPT_TEST ("server-complete", test_script_server_complete, NULL);
  ADD_SCRIPT_TEST ("no-ack", test_script_no_ack, NULL);
  ADD_SCRIPT_TEST ("silent-peer", test_script_silent_peer, NULL);
  ADD_SCRIPT_TEST ("backoff", test_script_backoff, NULL);
  ADD_SCRIPT_TEST ("unreachable", test_script_unreachable, NULL);
  ADD_SCRIPT_TEST ("dispose-while-connecting", test_script_dispose_while_connecting, NULL);
  ADD_SCRIPT_TEST ("dispose-while-connected", test_script_dispose_while_connected, NULL);

#undef ADD_SCRIPT_TEST

  return g_test_run ();
}
