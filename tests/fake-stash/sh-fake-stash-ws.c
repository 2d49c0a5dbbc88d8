/* sh-fake-stash-ws.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * jobsSubscribe over graphql-transport-ws, the protocol of Stash's own web UI (gqlgen's
 * transport/websocket_graphql_transport_ws.go), and the job manager's event throttle:
 * at most one UPDATE per job every 100 ms, the latest state winning, and the REMOVE
 * only after a pending UPDATE.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

#define THROTTLE_USEC (100 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  ShFakeStash             *self;            /* (unowned) */
  SoupWebsocketConnection *connection;      /* (owned) */
  char                    *subscription_id; /* (owned) (nullable) jobsSubscribe */
  char                    *log_subscription_id; /* (owned) (nullable) loggingSubscribe */
  guint                    initialised : 1;
  guint                    closed : 1;
} ShFakeWebsocket;

typedef struct
{
  ShFakeStash *self;            /* (unowned) */
  guint        job_id;
  gint64       last_sent;       /* monotonic time of the last UPDATE */
  char        *pending_update;  /* (owned) (nullable) the newest UPDATE not yet sent */
  char        *pending_remove;  /* (owned) (nullable) a REMOVE waiting for it */
  GSource     *source;          /* (owned) (nullable) the end of the window */
} ShFakeThrottle;

static void
websocket_free (gpointer data)
{
  ShFakeWebsocket *ws = data;

  g_signal_handlers_disconnect_by_data (ws->connection, ws);
  g_clear_object (&ws->connection);
  g_free (ws->subscription_id);
  g_free (ws->log_subscription_id);
  g_free (ws);
}

static void
throttle_free (gpointer data)
{
  ShFakeThrottle *throttle = data;

  if (throttle->source != NULL)
    g_source_destroy (throttle->source);
  g_clear_pointer (&throttle->source, g_source_unref);
  g_free (throttle->pending_update);
  g_free (throttle->pending_remove);
  g_free (throttle);
}

void
sh_fake_stash_ws_init (ShFakeStash *self)
{
  self->websockets = g_ptr_array_new_with_free_func (websocket_free);
  self->throttles = g_hash_table_new_full (NULL, NULL, NULL, throttle_free);
}

void
sh_fake_stash_ws_clear (ShFakeStash *self)
{
  if (self->websockets != NULL)
    sh_fake_stash_ws_drop_all (self);
  g_clear_pointer (&self->websockets, g_ptr_array_unref);
  g_clear_pointer (&self->throttles, g_hash_table_unref);
}

static gboolean
is_open (ShFakeWebsocket *ws)
{
  return !ws->closed &&
         soup_websocket_connection_get_state (ws->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_message (ShFakeWebsocket *ws,
              const char      *type,
              const char      *id,
              const char      *payload)
{
  g_autoptr(GString) message = g_string_new ("{");

  if (!is_open (ws))
    return;

  if (id != NULL)
    {
      g_string_append (message, "\"id\":");
      sh_fake_json_append_string (message, id);
      g_string_append_c (message, ',');
    }
  g_string_append_printf (message, "\"type\":\"%s\"", type);
  if (payload != NULL)
    g_string_append_printf (message, ",\"payload\":%s", payload);
  g_string_append_c (message, '}');

  soup_websocket_connection_send_text (ws->connection, message->str);
}

static void
close_with (ShFakeWebsocket *ws,
            gushort          code,
            const char      *reason)
{
  if (is_open (ws))
    soup_websocket_connection_close (ws->connection, code, reason);
}

static void
handle_subscribe (ShFakeWebsocket *ws,
                  const char      *id,
                  JsonObject      *payload)
{
  const char *query = sh_fake_json_get_string (payload, "query");
  g_autofree char *reason = NULL;

  /* gqlgen closes the connection for a subscribe before connection_init. */
  if (!ws->initialised)
    {
      close_with (ws, 4401, "Unauthorized");
      return;
    }

  if (g_strcmp0 (ws->subscription_id, id) == 0 || g_strcmp0 (ws->log_subscription_id, id) == 0)
    {
      reason = g_strdup_printf ("Subscriber for %s already exists", id);
      close_with (ws, 4409, reason);
      return;
    }

  /* loggingSubscribe sends what is logged from now on, in batches; no past entries. */
  if (query != NULL && strstr (query, "loggingSubscribe") != NULL)
    {
      if (ws->log_subscription_id != NULL)
        {
          send_message (ws, "error", id,
                        "[{\"message\":\"the fake Stash serves one log subscription per "
                        "connection\"}]");
          return;
        }
      ws->log_subscription_id = g_strdup (id);
      return;
    }

  if (query == NULL || strstr (query, "jobsSubscribe") == NULL)
    {
      send_message (ws, "error", id,
                    "[{\"message\":\"the fake Stash only serves jobsSubscribe and "
                    "loggingSubscribe\"}]");
      return;
    }

  if (ws->subscription_id != NULL)
    {
      send_message (ws, "error", id,
                    "[{\"message\":\"the fake Stash serves one subscription per connection\"}]");
      return;
    }

  ws->subscription_id = g_strdup (id);
}

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *message,
            gpointer                 user_data)
{
  ShFakeWebsocket *ws = user_data;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = NULL;
  const char *kind = NULL;
  const char *id;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (json_parser_load_from_data (parser, data, size, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      object = json_node_get_object (json_parser_get_root (parser));
      kind = sh_fake_json_get_string (object, "type");
    }

  if (kind == NULL)
    {
      close_with (ws, 4400, "invalid message received");
      return;
    }

  id = sh_fake_json_get_string (object, "id");

  if (g_str_equal (kind, "connection_init"))
    {
      if (ws->initialised)
        {
          close_with (ws, 4429, "Too many initialisation requests");
          return;
        }
      /* Stash has no InitFunc: the payload (and any key in it) is ignored. */
      ws->initialised = TRUE;
      send_message (ws, "connection_ack", NULL, NULL);
    }
  else if (g_str_equal (kind, "ping"))
    {
      send_message (ws, "pong", NULL, NULL);
    }
  else if (g_str_equal (kind, "pong"))
    {
    }
  else if (g_str_equal (kind, "subscribe") && id != NULL)
    {
      handle_subscribe (ws, id, sh_fake_json_get_object (object, "payload"));
    }
  else if (g_str_equal (kind, "complete") && id != NULL)
    {
      if (g_strcmp0 (ws->subscription_id, id) == 0)
        g_clear_pointer (&ws->subscription_id, g_free);
      if (g_strcmp0 (ws->log_subscription_id, id) == 0)
        g_clear_pointer (&ws->log_subscription_id, g_free);
    }
  else
    {
      close_with (ws, 4400, "invalid message received");
    }
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  ShFakeWebsocket *ws = user_data;

  ws->closed = TRUE;
  g_clear_pointer (&ws->subscription_id, g_free);
}

void
sh_fake_stash_ws_handler (SoupServer              *server,
                          SoupServerMessage       *msg,
                          const char              *path,
                          SoupWebsocketConnection *connection,
                          gpointer                 user_data)
{
  ShFakeStash *self = user_data;
  ShFakeWebsocket *ws;

  g_assert (SH_IS_FAKE_STASH (self));

  /* Forget the connections that are gone; never from inside their own "closed". */
  for (guint i = self->websockets->len; i > 0; i--)
    {
      if (((ShFakeWebsocket *) g_ptr_array_index (self->websockets, i - 1))->closed)
        g_ptr_array_remove_index (self->websockets, i - 1);
    }

  ws = g_new0 (ShFakeWebsocket, 1);
  ws->self = self;
  ws->connection = g_object_ref (connection);
  g_ptr_array_add (self->websockets, ws);

  g_signal_connect (connection, "message", G_CALLBACK (on_message), ws);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), ws);
}

/* Like the server process dying: no close frame, the socket just goes. */
void
sh_fake_stash_ws_drop_all (ShFakeStash *self)
{
  for (guint i = 0; i < self->websockets->len; i++)
    {
      ShFakeWebsocket *ws = g_ptr_array_index (self->websockets, i);

      if (ws->closed)
        continue;

      ws->closed = TRUE;
      g_clear_pointer (&ws->subscription_id, g_free);
      g_io_stream_close (soup_websocket_connection_get_io_stream (ws->connection), NULL, NULL);
    }
}

void
sh_fake_stash_ws_send_nested (ShFakeStash *self,
                              guint        depth)
{
  g_autoptr(GString) payload = g_string_sized_new (depth + 32);

  g_string_append (payload, "{\"data\":{\"jobsSubscribe\":");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (payload, '[');

  for (guint i = 0; i < self->websockets->len; i++)
    {
      ShFakeWebsocket *ws = g_ptr_array_index (self->websockets, i);

      if (ws->subscription_id != NULL)
        send_message (ws, "next", ws->subscription_id, payload->str);
    }
}

guint
sh_fake_stash_ws_count (ShFakeStash *self)
{
  guint count = 0;

  for (guint i = 0; i < self->websockets->len; i++)
    count += is_open (g_ptr_array_index (self->websockets, i));

  return count;
}

static void
broadcast (ShFakeStash *self,
           const char  *event)
{
  g_autofree char *payload = g_strdup_printf ("{\"data\":{\"jobsSubscribe\":%s}}", event);

  for (guint i = 0; i < self->websockets->len; i++)
    {
      ShFakeWebsocket *ws = g_ptr_array_index (self->websockets, i);

      if (ws->subscription_id != NULL)
        send_message (ws, "next", ws->subscription_id, payload);
    }
}

static gboolean
throttle_cb (gpointer user_data)
{
  ShFakeThrottle *throttle = user_data;
  ShFakeStash *self = throttle->self;
  g_autofree char *update = g_steal_pointer (&throttle->pending_update);
  g_autofree char *remove = g_steal_pointer (&throttle->pending_remove);

  g_clear_pointer (&throttle->source, g_source_unref);

  if (update != NULL)
    {
      broadcast (self, update);
      throttle->last_sent = g_get_monotonic_time ();
    }

  /* The job is gone: so is its throttle. */
  if (remove != NULL)
    {
      broadcast (self, remove);
      g_hash_table_remove (self->throttles, GUINT_TO_POINTER (throttle->job_id));
    }

  return G_SOURCE_REMOVE;
}

void
sh_fake_stash_ws_job_event (ShFakeStash *self,
                            ShFakeJob   *job,
                            const char  *type)
{
  g_autoptr(GString) event = g_string_new (NULL);
  ShFakeThrottle *throttle;
  gint64 now = g_get_monotonic_time ();

  g_string_append_printf (event, "{\"type\":\"%s\",\"job\":", type);
  sh_fake_job_append_json (event, job);
  g_string_append_c (event, '}');

  throttle = g_hash_table_lookup (self->throttles, GUINT_TO_POINTER (job->id));

  if (g_str_equal (type, "ADD") || (g_str_equal (type, "REMOVE") && throttle == NULL))
    {
      broadcast (self, event->str);
      return;
    }

  if (throttle == NULL)
    {
      throttle = g_new0 (ShFakeThrottle, 1);
      throttle->self = self;
      throttle->job_id = job->id;
      g_hash_table_insert (self->throttles, GUINT_TO_POINTER (job->id), throttle);
    }

  if (g_str_equal (type, "REMOVE"))
    {
      if (throttle->source == NULL)
        {
          broadcast (self, event->str);
          g_hash_table_remove (self->throttles, GUINT_TO_POINTER (job->id));
        }
      else
        {
          g_free (throttle->pending_remove);
          throttle->pending_remove = g_string_free (g_steal_pointer (&event), FALSE);
        }
      return;
    }

  if (throttle->source == NULL && now - throttle->last_sent >= THROTTLE_USEC)
    {
      broadcast (self, event->str);
      throttle->last_sent = now;
      return;
    }

  /* Within the window: keep only the newest state, sent when the window ends. */
  g_free (throttle->pending_update);
  throttle->pending_update = g_string_free (g_steal_pointer (&event), FALSE);
  if (throttle->source == NULL)
    {
      gint64 wait = throttle->last_sent + THROTTLE_USEC - now;

      throttle->source = g_timeout_source_new ((guint) MAX (1, wait / 1000 + 1));
      g_source_set_callback (throttle->source, throttle_cb, throttle, NULL);
      g_source_set_static_name (throttle->source, "[fake-stash] job update throttle");
      g_source_attach (throttle->source, self->context);
    }
}

/* A restart forgets every job, and the updates it still owed. */
void
sh_fake_stash_ws_forget_jobs (ShFakeStash *self)
{
  g_hash_table_remove_all (self->throttles);
}

/* A batch of one entry to every log subscriber, at once (Stash batches what arrives
 * within a short time; one entry per batch is a valid batching). */
void
sh_fake_stash_ws_log_event (ShFakeStash          *self,
                            const ShFakeLogEntry *entry)
{
  g_autoptr(GString) payload = g_string_new ("{\"data\":{\"loggingSubscribe\":[");

  if (self->websockets == NULL)
    return;

  sh_fake_log_entry_append_json (payload, entry);
  g_string_append (payload, "]}}");

  for (guint i = 0; i < self->websockets->len; i++)
    {
      ShFakeWebsocket *ws = g_ptr_array_index (self->websockets, i);

      if (ws->log_subscription_id != NULL)
        send_message (ws, "next", ws->log_subscription_id, payload->str);
    }
}
