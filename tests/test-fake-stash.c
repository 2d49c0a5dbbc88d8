/* test-fake-stash.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fake Stash against raw HTTP and WebSocket requests, without StashHog's client: every
 * quirk of the real server that the other tests rely on (shared/reference/stash-api.md).
 */

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "sh-fake-stash.h"

#define API_KEY "k3y-for-the-fake"

typedef struct
{
  ShFakeStash *fake;
  SoupSession *session;
  const char  *api_key;   /* sent as the ApiKey header when set */
  const char  *url;       /* another server than fake's, when set */
} Fixture;

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} Response;

static void
response_free (Response *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, 60);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sh_fake_stash_get_url (fixture->fake), "http://127.0.0.1:"));

  fixture->session = soup_session_new ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_clear_object (&fixture->session);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (g_steal_pointer (&fixture->fake));

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until @condition holds, failing after @ms. */
#define WAIT_UNTIL(condition, ms) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + (ms) * G_TIME_SPAN_MILLISECOND; \
    guint wake_up_ = g_timeout_add (5, wake_up_cb, NULL); \
    while (!(condition)) \
      { \
        if (g_get_monotonic_time () > deadline_) \
          g_error ("Timed out waiting for %s", #condition); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (wake_up_); \
  } G_STMT_END

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  WAIT_UNTIL (g_get_monotonic_time () >= end, ms + 1000);
}

static Response *
send_message (Fixture     *fixture,
              SoupMessage *msg)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Response *response = g_new0 (Response, 1);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (fixture->api_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "ApiKey",
                                  fixture->api_key);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    store_result, &result);
  response->body = soup_session_send_and_read_finish (fixture->session, wait_result (&result),
                                                      &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return response;
}

static const char *
content_type (Response *response)
{
  return soup_message_headers_get_content_type (response->headers, NULL);
}

static char *
body_text (Response *response)
{
  return g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
}

static const char *
fixture_url (Fixture *fixture)
{
  return fixture->url != NULL ? fixture->url : sh_fake_stash_get_url (fixture->fake);
}

static Response *
http_request (Fixture    *fixture,
              const char *method,
              const char *path,
              gboolean    first_byte)
{
  g_autofree char *uri = g_strconcat (fixture_url (fixture), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);

  if (first_byte)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), 0, 0);

  return send_message (fixture, msg);
}

static Response *
post_graphql (Fixture    *fixture,
              const char *body,
              const char *accept)
{
  g_autofree char *uri = g_strconcat (fixture_url (fixture), "/graphql", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  if (accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);

  return send_message (fixture, msg);
}

/* The documents StashHog itself sends. */
static char *
load_query (const char *operation)
{
  g_autofree char *name = g_strconcat (operation, ".graphql", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "src", "core", "queries",
                                                 name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  return text;
}

static char *
request_body (const char *operation,
              const char *variables)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *query = load_query (operation);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "operationName");
  json_builder_add_string_value (builder, operation);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query);
  json_builder_set_member_name (builder, "variables");
  json_builder_add_value (builder, json_from_string (variables ? variables : "{}", NULL));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Sends one of StashHog's operations and checks the HTTP status; returns the JSON. */
static JsonNode *
graphql (Fixture    *fixture,
         const char *operation,
         const char *variables,
         guint       expected_status)
{
  g_autofree char *body = request_body (operation, variables);
  g_autoptr(Response) response = post_graphql (fixture, body, "application/json");
  g_autofree char *text = body_text (response);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_cmpuint (response->status, ==, expected_status);
  g_assert_cmpstr (content_type (response), ==, "application/json");
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return root;
}

static JsonObject *
get_data (JsonNode *root)
{
  JsonObject *object = json_node_get_object (root);

  g_assert_false (json_object_has_member (object, "errors"));
  return json_object_get_object_member (object, "data");
}

/* A resolver error: 200 with "errors", and data null. */
static const char *
get_error (JsonNode *root)
{
  JsonObject *object = json_node_get_object (root);
  JsonArray *errors = json_object_get_array_member (object, "errors");

  g_assert_true (json_object_has_member (object, "data"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "data")));
  g_assert_cmpuint (json_array_get_length (errors), >=, 1);

  return json_object_get_string_member (json_array_get_object_element (errors, 0), "message");
}

/* The members of @object, in order, are exactly @names (NULL-terminated). */
static void
assert_members (JsonObject *object,
                ...)
{
  g_autoptr(GList) members = json_object_get_members (object);
  const GList *l = members;
  const char *name;
  va_list args;

  va_start (args, object);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      g_assert_nonnull (l);
      g_assert_cmpstr (l->data, ==, name);
      l = l->next;
    }
  va_end (args);

  g_assert_null (l);
}

static void
test_connection (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(JsonNode) root = graphql (fixture, "TestConnection", NULL, 200);
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) migrating = NULL;
  g_autofree char *accept = NULL;
  JsonObject *version = json_object_get_object_member (get_data (root), "version");
  JsonObject *status = json_object_get_object_member (get_data (root), "systemStatus");

  assert_members (get_data (root), "version", "systemStatus", NULL);
  assert_members (version, "version", "hash", "build_time", NULL);
  assert_members (status, "status", "databaseSchema", "appSchema", "ffmpegPath", "ffprobePath",
                  NULL);
  g_assert_cmpstr (json_object_get_string_member (version, "version"), ==, "v0.30.1");
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "OK");
  g_assert_cmpstr (json_object_get_string_member (status, "ffmpegPath"), ==, "/usr/bin/ffmpeg");

  /* No ffmpeg: empty strings, not null. */
  sh_fake_stash_set_ffmpeg (fixture->fake, FALSE);
  missing = graphql (fixture, "TestConnection", NULL, 200);
  status = json_object_get_object_member (get_data (missing), "systemStatus");
  g_assert_cmpstr (json_object_get_string_member (status, "ffmpegPath"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (status, "ffprobePath"), ==, "");

  sh_fake_stash_set_version (fixture->fake, "");
  sh_fake_stash_set_system_status (fixture->fake, "NEEDS_MIGRATION");
  migrating = graphql (fixture, "TestConnection", NULL, 200);
  version = json_object_get_object_member (get_data (migrating), "version");
  status = json_object_get_object_member (get_data (migrating), "systemStatus");
  g_assert_cmpstr (json_object_get_string_member (version, "version"), ==, "");
  g_assert_cmpint (json_object_get_int_member (status, "databaseSchema"), <,
                   json_object_get_int_member (status, "appSchema"));

  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "TestConnection"), ==, 3);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "FindScenes"), ==, 0);
  accept = sh_fake_stash_dup_last_header (fixture->fake, "Accept");
  g_assert_cmpstr (accept, ==, "application/json");
}

static void
assert_unauthorized (Response *response)
{
  g_assert_cmpuint (response->status, ==, 401);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "WWW-Authenticate"), ==,
                   "FormBased");
}

static void
test_auth (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *body = request_body ("TestConnection", NULL);
  g_autofree char *oshash = sh_fake_stash_dup_scene_oshash (fixture->fake, 1);
  g_autofree char *vtt = g_strdup_printf ("/scene/%s_thumbs.vtt", oshash);
  g_autoptr(Response) missing = NULL;
  g_autoptr(Response) wrong = NULL;
  g_autoptr(Response) right = NULL;
  g_autoptr(Response) health = NULL;
  g_autoptr(Response) page = NULL;
  g_autoptr(Response) file = NULL;
  g_autoptr(Response) by_parameter = NULL;
  g_autoptr(Response) stale = NULL;
  g_autoptr(Response) none = NULL;
  g_autofree char *health_text = NULL;
  const char *location;

  sh_fake_stash_set_api_key (fixture->fake, API_KEY);

  missing = post_graphql (fixture, body, "application/json");
  assert_unauthorized (missing);
  fixture->api_key = "not-" API_KEY;
  wrong = post_graphql (fixture, body, "application/json");
  assert_unauthorized (wrong);
  fixture->api_key = API_KEY;
  right = post_graphql (fixture, body, "application/json");
  g_assert_cmpuint (right->status, ==, 200);
  fixture->api_key = NULL;

  /* The heartbeat comes before authentication. */
  health = http_request (fixture, SOUP_METHOD_GET, "/healthz", FALSE);
  health_text = body_text (health);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpstr (health_text, ==, ".");

  /* Pages without an extension redirect to the login page; files get 401. */
  page = http_request (fixture, SOUP_METHOD_GET, "/scene/1/preview", TRUE);
  g_assert_cmpuint (page->status, ==, 302);
  location = soup_message_headers_get_one (page->headers, "Location");
  g_assert_cmpstr (location, ==, "/login?returnURL=%2Fscene%2F1%2Fpreview");
  file = http_request (fixture, SOUP_METHOD_GET, vtt, TRUE);
  assert_unauthorized (file);
  by_parameter = http_request (fixture, SOUP_METHOD_GET, "/scene/1/preview?apikey=" API_KEY,
                               TRUE);
  g_assert_cmpuint (by_parameter->status, ==, 206);

  /* Without credentials, Stash still refuses any non-empty key. */
  sh_fake_stash_set_api_key (fixture->fake, NULL);
  fixture->api_key = "stale-key";
  stale = post_graphql (fixture, body, "application/json");
  assert_unauthorized (stale);
  fixture->api_key = NULL;
  none = post_graphql (fixture, body, "application/json");
  g_assert_cmpuint (none->status, ==, 200);
}

static void
test_protocol_errors (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(Response) unknown = NULL;
  g_autoptr(Response) unknown_any = NULL;
  g_autoptr(Response) no_name = NULL;
  g_autoptr(Response) not_json = NULL;
  g_autoptr(Response) elsewhere = NULL;
  g_autoptr(Response) index = NULL;
  g_autoptr(JsonNode) unknown_root = NULL;
  g_autoptr(JsonNode) queue = NULL;
  g_autofree char *unknown_text = NULL;
  g_autofree char *not_found = NULL;
  JsonObject *error;

  unknown = post_graphql (fixture,
                          "{\"operationName\":\"Nope\",\"query\":\"query Nope { nope }\"}",
                          "application/json");
  g_assert_cmpuint (unknown->status, ==, 422);
  g_assert_cmpstr (content_type (unknown), ==, "application/json");
  unknown_text = body_text (unknown);
  unknown_root = json_from_string (unknown_text, NULL);
  g_assert_nonnull (get_error (unknown_root));
  error = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (unknown_root), "errors"), 0);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (error, "extensions"), "code"), ==,
                   "GRAPHQL_VALIDATION_FAILED");

  /* gqlgen answers a client that accepts anything in graphql-response+json, with 400. */
  unknown_any = post_graphql (fixture,
                              "{\"operationName\":\"Nope\",\"query\":\"query Nope { nope }\"}",
                              "*/*");
  g_assert_cmpuint (unknown_any->status, ==, 400);
  g_assert_cmpstr (content_type (unknown_any), ==, "application/graphql-response+json");

  no_name = post_graphql (fixture, "{\"query\":\"query { jobQueue { id } }\"}",
                          "application/json");
  g_assert_cmpuint (no_name->status, ==, 422);

  not_json = post_graphql (fixture, "{\"query\": oops", "application/json");
  g_assert_cmpuint (not_json->status, ==, 400);

  elsewhere = http_request (fixture, SOUP_METHOD_POST, "/elsewhere/graphql", FALSE);
  not_found = body_text (elsewhere);
  g_assert_cmpuint (elsewhere->status, ==, 404);
  g_assert_cmpstr (not_found, ==, "404 page not found\n");

  index = http_request (fixture, SOUP_METHOD_GET, "/", FALSE);
  g_assert_cmpuint (index->status, ==, 200);
  g_assert_cmpstr (content_type (index), ==, "text/html");

  /* An empty queue is null, not []. */
  queue = graphql (fixture, "JobQueue", NULL, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (get_data (queue), "jobQueue")));
}

/* FindScenes with StashHog's document; returns the JSON root. */
static JsonNode *
find_scenes (Fixture    *fixture,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static JsonNode *
find_scenes (Fixture    *fixture,
             const char *format,
             ...)
{
  g_autofree char *variables = NULL;
  va_list args;

  va_start (args, format);
  variables = g_strdup_vprintf (format, args);
  va_end (args);

  return graphql (fixture, "FindScenes", variables, 200);
}

static JsonObject *
get_result (JsonNode *root)
{
  return json_object_get_object_member (get_data (root), "findScenes");
}

static JsonArray *
get_scenes (JsonNode *root)
{
  return json_object_get_array_member (get_result (root), "scenes");
}

static gint64
scene_id (JsonArray *scenes,
          guint      index)
{
  JsonObject *scene = json_array_get_object_element (scenes, index);

  return g_ascii_strtoll (json_object_get_string_member (scene, "id"), NULL, 10);
}

#define BY_PAGE "{\"filter\": {\"page\": %d, \"per_page\": %d, \"sort\": \"id\"," \
                " \"direction\": \"%s\"}, \"sceneFilter\": null, \"withCount\": %s}"
#define AFTER   "{\"filter\": {\"page\": 1, \"per_page\": %d, \"sort\": \"id\"}," \
                " \"sceneFilter\": {\"id\": {\"value\": %" G_GINT64_FORMAT "," \
                " \"modifier\": \"GREATER_THAN\"}}, \"withCount\": false}"

static void
test_find_scenes_paging (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(JsonNode) first = find_scenes (fixture, BY_PAGE, 1, 25, "ASC", "true");
  g_autoptr(JsonNode) zero = find_scenes (fixture, BY_PAGE, 0, 25, "ASC", "false");
  g_autoptr(JsonNode) last = find_scenes (fixture, BY_PAGE, 3, 25, "ASC", "true");
  g_autoptr(JsonNode) all = find_scenes (fixture, BY_PAGE, 1, -1, "ASC", "true");
  g_autoptr(JsonNode) none = find_scenes (fixture, BY_PAGE, 1, 0, "ASC", "true");
  g_autoptr(JsonNode) descending = find_scenes (fixture, BY_PAGE, 1, 5, "DESC", "false");
  g_autoptr(JsonNode) defaults = find_scenes (fixture, "{\"filter\": {}, \"withCount\": true}");
  g_autoptr(JsonNode) by_title = NULL;
  g_autoptr(JsonNode) random = NULL;
  g_autoptr(JsonNode) invalid = NULL;
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) variables = NULL;
  gint64 after = 0;
  gint64 sent = -1;
  guint n_pages = 0;
  guint n_seen = 0;

  g_assert_cmpint (json_object_get_int_member (get_result (first), "count"), ==, 60);
  g_assert_cmpuint (json_array_get_length (get_scenes (first)), ==, 25);
  g_assert_cmpint (scene_id (get_scenes (first), 0), ==, 1);
  g_assert_cmpint (scene_id (get_scenes (first), 24), ==, 25);
  /* Page 0 is page 1; the count is there only when selected. */
  g_assert_false (json_object_has_member (get_result (zero), "count"));
  g_assert_cmpint (scene_id (get_scenes (zero), 0), ==, 1);
  g_assert_cmpuint (json_array_get_length (get_scenes (last)), ==, 10);
  g_assert_cmpint (scene_id (get_scenes (last), 9), ==, 60);
  /* per_page -1 is everything, 0 nothing (but the count). */
  g_assert_cmpuint (json_array_get_length (get_scenes (all)), ==, 60);
  g_assert_cmpuint (json_array_get_length (get_scenes (none)), ==, 0);
  g_assert_cmpint (json_object_get_int_member (get_result (none), "count"), ==, 60);
  g_assert_cmpint (scene_id (get_scenes (descending), 0), ==, 60);
  g_assert_cmpuint (json_array_get_length (get_scenes (defaults)), ==, 25);

  /* Keyset paging, as StashHog does it: id > the last id, always page 1. */
  sh_fake_stash_remove_scene (fixture->fake, 30);
  for (;;)
    {
      g_autoptr(JsonNode) page = find_scenes (fixture, AFTER, 7, after);
      JsonArray *scenes = get_scenes (page);

      sent = after;
      n_pages++;
      for (guint i = 0; i < json_array_get_length (scenes); i++)
        {
          g_assert_cmpint (scene_id (scenes, i), >, after);
          g_assert_cmpint (scene_id (scenes, i), !=, 30);
          after = scene_id (scenes, i);
          n_seen++;
        }
      if (json_array_get_length (scenes) < 7)
        break;
    }
  g_assert_cmpuint (n_seen, ==, 59);
  g_assert_cmpuint (n_pages, ==, 9);
  g_assert_cmpuint (sh_fake_stash_get_scene_count (fixture->fake), ==, 59);

  variables = sh_fake_stash_dup_last_variables (fixture->fake, "FindScenes");
  g_assert_nonnull (variables);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (
                       json_object_get_object_member (json_node_get_object (variables),
                                                      "sceneFilter"), "id"), "value"), ==, sent);

  g_assert_cmpuint (sh_fake_stash_add_scene (fixture->fake), ==, 61);
  added = find_scenes (fixture, AFTER, 10, (gint64) 55);
  g_assert_cmpint (scene_id (get_scenes (added), 5), ==, 61);

  /* SQLite puts the null title (scene 3) first. */
  by_title = find_scenes (fixture, "{\"filter\": {\"per_page\": 2, \"sort\": \"title\"},"
                                   " \"withCount\": false}");
  g_assert_cmpint (scene_id (get_scenes (by_title), 0), ==, 3);
  random = find_scenes (fixture, "{\"filter\": {\"sort\": \"random_1234\"}, \"withCount\": false}");
  g_assert_cmpuint (json_array_get_length (get_scenes (random)), ==, 25);

  /* Sort names are checked (CVE-2024-32231): a resolver error, with 200. */
  invalid = find_scenes (fixture, "{\"filter\": {\"sort\": \"bogus\"}, \"withCount\": false}");
  g_assert_cmpstr (get_error (invalid), ==, "invalid sort: bogus");
}

static void
test_find_scenes_fields (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *nasty = "tab\tline\nfeed\x01 \"q\" \\ é 🐷";
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *oshash = sh_fake_stash_dup_scene_oshash (fixture->fake, 1);
  g_autofree char *marker_id = sh_fake_stash_dup_scene_marker_id (fixture->fake, 5, 1);
  g_autofree char *updated_at = sh_fake_stash_dup_scene_updated_at (fixture->fake, 1);
  JsonArray *scenes;
  JsonObject *scene;
  JsonObject *file;
  JsonArray *markers;

  sh_fake_stash_set_missing (fixture->fake, 1, SH_FAKE_ARTIFACT_PHASH, TRUE);
  root = find_scenes (fixture, AFTER, 10, (gint64) 0);
  scenes = get_scenes (root);
  g_assert_cmpuint (json_array_get_length (scenes), ==, 10);

  /* Exactly what FindScenes.graphql selects, aliases included. */
  scene = json_array_get_object_element (scenes, 0);
  assert_members (scene, "id", "title", "organized", "interactive", "interactive_speed",
                  "created_at", "updated_at", "files", "scene_markers", NULL);
  file = json_array_get_object_element (json_object_get_array_member (scene, "files"), 0);
  assert_members (file, "id", "path", "duration", "mod_time", "oshash", "phash", NULL);
  g_assert_cmpstr (json_object_get_string_member (scene, "title"), ==, "Scene 1");
  g_assert_false (json_object_get_boolean_member (scene, "organized"));
  g_assert_cmpstr (json_object_get_string_member (scene, "updated_at"), ==, updated_at);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+11:00$",
                                       updated_at, 0, 0));
  g_assert_cmpstr (json_object_get_string_member (file, "path"), ==,
                   "/data/videos/scene-000001.mp4");
  g_assert_cmpstr (json_object_get_string_member (file, "oshash"), ==, oshash);
  g_assert_cmpuint (strlen (oshash), ==, 16);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (file, "phash")));
  g_assert_nonnull (json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (
      json_array_get_object_element (scenes, 1), "files"), 0), "phash"));

  /* Quotes, a backslash and UTF-8 come through; scene 3 has no title. */
  scene = json_array_get_object_element (scenes, 1);
  g_assert_cmpstr (json_object_get_string_member (scene, "title"), ==,
                   "Quote \"this\" \\ back Ünïcødé 🐷");
  scene = json_array_get_object_element (scenes, 2);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (scene, "title")));

  /* Every fifth scene has two markers. */
  markers = json_object_get_array_member (json_array_get_object_element (scenes, 3),
                                          "scene_markers");
  g_assert_cmpuint (json_array_get_length (markers), ==, 0);
  markers = json_object_get_array_member (json_array_get_object_element (scenes, 4),
                                          "scene_markers");
  g_assert_cmpuint (json_array_get_length (markers), ==, 2);
  assert_members (json_array_get_object_element (markers, 1), "id", "seconds", "updated_at",
                  NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (markers, 1),
                                                  "id"), ==, marker_id);

  /* Every tenth is interactive; its speed exists once the heatmap does. */
  scene = json_array_get_object_element (scenes, 9);
  g_assert_true (json_object_get_boolean_member (scene, "interactive"));
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (scene, "interactive_speed")));
  sh_fake_stash_set_missing (fixture->fake, 10, SH_FAKE_ARTIFACT_HEATMAP, TRUE);
  sh_fake_stash_set_scene_title (fixture->fake, 4, nasty);
  again = find_scenes (fixture, AFTER, 10, (gint64) 0);
  scene = json_array_get_object_element (get_scenes (again), 9);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (scene, "interactive_speed")));
  scene = json_array_get_object_element (get_scenes (again), 3);
  g_assert_cmpstr (json_object_get_string_member (scene, "title"), ==, nasty);
}

#define UPDATED_AFTER "{\"filter\": {\"per_page\": 100, \"sort\": \"%s\", \"direction\": \"%s\"}," \
                      " \"sceneFilter\": {\"updated_at\": {\"value\": \"%s\"," \
                      " \"modifier\": \"GREATER_THAN\"}%s}, \"withCount\": true}"

static void
test_find_scenes_updated_at (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(JsonNode) all = find_scenes (fixture, BY_PAGE, 1, -1, "ASC", "false");
  g_autoptr(JsonNode) none = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) both = NULL;
  g_autoptr(JsonNode) newest_first = NULL;
  g_autofree char *newest = NULL;
  g_autofree char *old_oshash = sh_fake_stash_dup_scene_oshash (fixture->fake, 3);
  g_autofree char *new_oshash = NULL;
  g_autofree char *old_marker = sh_fake_stash_dup_scene_marker_id (fixture->fake, 5, 0);
  g_autofree char *new_marker = NULL;
  g_autofree char *updated_3 = NULL;
  g_autofree char *updated_7 = NULL;
  JsonArray *scenes = get_scenes (all);

  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      const char *updated_at = json_object_get_string_member (
        json_array_get_object_element (scenes, i), "updated_at");

      if (newest == NULL || strcmp (updated_at, newest) > 0)
        {
          g_free (newest);
          newest = g_strdup (updated_at);
        }
    }

  none = find_scenes (fixture, UPDATED_AFTER, "id", "ASC", newest, "");
  g_assert_cmpint (json_object_get_int_member (get_result (none), "count"), ==, 0);

  sh_fake_stash_touch_scene (fixture->fake, 7);
  sh_fake_stash_change_scene_file (fixture->fake, 3);
  sh_fake_stash_change_scene_markers (fixture->fake, 5);

  changed = find_scenes (fixture, UPDATED_AFTER, "id", "ASC", newest, "");
  scenes = get_scenes (changed);
  g_assert_cmpint (json_object_get_int_member (get_result (changed), "count"), ==, 3);
  g_assert_cmpint (scene_id (scenes, 0), ==, 3);
  g_assert_cmpint (scene_id (scenes, 1), ==, 5);
  g_assert_cmpint (scene_id (scenes, 2), ==, 7);

  /* Every change is later than everything before it, however fast they come. */
  updated_3 = sh_fake_stash_dup_scene_updated_at (fixture->fake, 3);
  updated_7 = sh_fake_stash_dup_scene_updated_at (fixture->fake, 7);
  g_assert_cmpint (strcmp (updated_7, newest), >, 0);
  g_assert_cmpint (strcmp (updated_3, updated_7), >, 0);

  /* A new file: new path and oshash. New markers: new ids. */
  new_oshash = sh_fake_stash_dup_scene_oshash (fixture->fake, 3);
  g_assert_cmpstr (new_oshash, !=, old_oshash);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (
                       json_object_get_array_member (json_array_get_object_element (scenes, 0),
                                                     "files"), 0), "oshash"), ==, new_oshash);
  new_marker = sh_fake_stash_dup_scene_marker_id (fixture->fake, 5, 0);
  g_assert_cmpstr (new_marker, !=, old_marker);

  /* Criteria are ANDed. */
  both = find_scenes (fixture, UPDATED_AFTER, "id", "ASC", newest,
                      ", \"id\": {\"value\": 5, \"modifier\": \"GREATER_THAN\"}");
  g_assert_cmpuint (json_array_get_length (get_scenes (both)), ==, 1);
  g_assert_cmpint (scene_id (get_scenes (both), 0), ==, 7);

  newest_first = find_scenes (fixture, UPDATED_AFTER, "updated_at", "DESC", newest, "");
  g_assert_cmpint (scene_id (get_scenes (newest_first), 0), ==, 5);
  g_assert_cmpint (scene_id (get_scenes (newest_first), 1), ==, 3);
  g_assert_cmpint (scene_id (get_scenes (newest_first), 2), ==, 7);
}

static char *
generate (Fixture    *fixture,
          const char *input)
{
  g_autofree char *variables = g_strdup_printf ("{\"input\": %s}", input);
  g_autoptr(JsonNode) root = graphql (fixture, "MetadataGenerate", variables, 200);

  return g_strdup (json_object_get_string_member (get_data (root), "metadataGenerate"));
}

static JsonNode *
find_job (Fixture    *fixture,
          const char *job_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) variables = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, job_id);
  json_builder_end_object (builder);
  variables = json_builder_get_root (builder);
  text = json_to_string (variables, FALSE);

  return graphql (fixture, "FindJob", text, 200);
}

/* The job in a FindJob answer, or NULL. */
static JsonObject *
get_job (JsonNode *root)
{
  JsonNode *node = json_object_get_member (get_data (root), "findJob");

  return JSON_NODE_HOLDS_NULL (node) ? NULL : json_node_get_object (node);
}

static gboolean
job_has_status (Fixture    *fixture,
                const char *job_id,
                const char *status)
{
  g_autoptr(JsonNode) root = find_job (fixture, job_id);

  return get_job (root) != NULL &&
         g_str_equal (json_object_get_string_member (get_job (root), "status"), status);
}

static gboolean
stop_job (Fixture    *fixture,
          const char *job_id)
{
  g_autofree char *variables = g_strdup_printf ("{\"id\": \"%s\"}", job_id);
  g_autoptr(JsonNode) root = graphql (fixture, "StopJob", variables, 200);

  return json_object_get_boolean_member (get_data (root), "stopJob");
}

static guint
count_missing (Fixture        *fixture,
               ShFakeArtifact  artifact)
{
  guint count = 0;

  for (guint id = 1; id <= 60; id++)
    count += (sh_fake_stash_get_missing (fixture->fake, id) & artifact) != 0;

  return count;
}

static void
job_changed_cb (ShFakeStash *fake,
                const char  *job_id,
                const char  *status,
                GPtrArray   *changes)
{
  g_ptr_array_add (changes, g_strdup_printf ("%s:%s", job_id, status));
}

/* The status changes of one job, in order, as "1:READY 1:RUNNING …". */
static void
assert_changes (GPtrArray  *changes,
                const char *job_id,
                const char *expected)
{
  g_autofree char *prefix = g_strconcat (job_id, ":", NULL);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      const char *change = g_ptr_array_index (changes, i);

      if (!g_str_has_prefix (change, prefix))
        continue;
      if (joined->len > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, change);
    }

  g_assert_cmpstr (joined->str, ==, expected);
}

static void
test_jobs_lifecycle (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) queue = NULL;
  g_autoptr(JsonNode) finished = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *nothing_id = NULL;
  g_autofree char *unknown_id = NULL;
  g_autofree char *preview_id = NULL;
  g_autofree char *heatmap_id = NULL;
  gboolean saw_indefinite = FALSE;
  gboolean saw_subtask = FALSE;
  double progress = -1;
  JsonObject *job;

  g_signal_connect (fixture->fake, "job-changed", G_CALLBACK (job_changed_cb), changes);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_COVER, TRUE);
  /* Slow enough to see every phase by polling. */
  sh_fake_stash_set_job_speed (fixture->fake, 100);

  job_id = generate (fixture, "{\"covers\": true, \"sceneIDs\": [\"1\", \"2\", \"3\"]}");
  g_assert_cmpstr (job_id, ==, "1");

  queue = graphql (fixture, "JobQueue", NULL, 200);
  job = json_array_get_object_element (
    json_object_get_array_member (get_data (queue), "jobQueue"), 0);
  assert_members (job, "id", "status", "subTasks", "description", "progress", "startTime",
                  "endTime", "addTime", "error", NULL);
  g_assert_cmpstr (json_object_get_string_member (job, "id"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (job, "description"), ==, "Generating...");

  /* RUNNING with null progress while Stash counts, then done/total with the subtasks. */
  for (;;)
    {
      g_autoptr(JsonNode) root = find_job (fixture, job_id);
      const char *status;

      job = get_job (root);
      status = json_object_get_string_member (job, "status");
      if (g_str_equal (status, "FINISHED"))
        break;

      if (g_str_equal (status, "RUNNING") &&
          JSON_NODE_HOLDS_NULL (json_object_get_member (job, "progress")))
        {
          g_assert_cmpfloat (progress, <, 0);
          saw_indefinite = TRUE;
        }
      else if (g_str_equal (status, "RUNNING"))
        {
          JsonArray *sub_tasks = json_object_get_array_member (job, "subTasks");

          g_assert_cmpfloat (json_object_get_double_member (job, "progress"), >=, progress);
          progress = json_object_get_double_member (job, "progress");
          g_assert_cmpuint (json_array_get_length (sub_tasks), ==, 1);
          g_assert_true (g_str_has_prefix (json_array_get_string_element (sub_tasks, 0),
                                           "Generating cover for "));
          saw_subtask = TRUE;
        }
      run_for (5);
    }
  g_assert_true (saw_indefinite);
  g_assert_true (saw_subtask);

  finished = find_job (fixture, job_id);
  job = get_job (finished);
  g_assert_cmpfloat (json_object_get_double_member (job, "progress"), ==, 1.0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (job, "subTasks")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (job, "error")));
  g_assert_nonnull (json_object_get_string_member (job, "startTime"));
  g_assert_nonnull (json_object_get_string_member (job, "endTime"));
  assert_changes (changes, "1", "1:READY 1:RUNNING 1:FINISHED");

  /* The covers were made, only for those scenes. */
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 1), ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 3), ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 4), ==, SH_FAKE_ARTIFACT_COVER);

  /* Nothing left to do: FINISHED, and the progress stays null. */
  nothing_id = generate (fixture, "{\"covers\": true, \"sceneIDs\": [\"1\", \"2\"]}");
  WAIT_UNTIL (job_has_status (fixture, nothing_id, "FINISHED"), 5000);
  {
    g_autoptr(JsonNode) root = find_job (fixture, nothing_id);

    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (get_job (root), "progress")));
  }

  /* One unknown id in sceneIDs and Stash does nothing at all. */
  unknown_id = generate (fixture, "{\"covers\": true, \"sceneIDs\": [\"4\", \"999\"]}");
  WAIT_UNTIL (job_has_status (fixture, unknown_id, "FINISHED"), 5000);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 4), ==, SH_FAKE_ARTIFACT_COVER);

  /* imagePreviews goes with previews; heatmaps only for interactive scenes. */
  sh_fake_stash_set_missing (fixture->fake, 10,
                             SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_WEBP |
                             SH_FAKE_ARTIFACT_HEATMAP | SH_FAKE_ARTIFACT_PHASH, TRUE);
  preview_id = generate (fixture, "{\"imagePreviews\": true, \"phashes\": true,"
                                  " \"sceneIDs\": [\"10\"]}");
  WAIT_UNTIL (job_has_status (fixture, preview_id, "FINISHED"), 5000);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 10), ==,
                    SH_FAKE_ARTIFACT_COVER | SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_WEBP |
                    SH_FAKE_ARTIFACT_HEATMAP);
  heatmap_id = generate (fixture, "{\"previews\": true, \"imagePreviews\": true,"
                                  " \"interactiveHeatmapsSpeeds\": true, \"covers\": true,"
                                  " \"sceneIDs\": [10]}");
  WAIT_UNTIL (job_has_status (fixture, heatmap_id, "FINISHED"), 5000);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 10), ==, 0);
}

typedef struct
{
  Fixture *fixture;
  guint    cleared_when_stopping;
} StopData;

static void
stopping_cb (ShFakeStash *fake,
             const char  *job_id,
             const char  *status,
             StopData    *data)
{
  if (g_str_equal (status, "STOPPING"))
    data->cleared_when_stopping = 60 - count_missing (data->fixture, SH_FAKE_ARTIFACT_COVER);
}

static void
test_jobs_stop (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) cancelled = NULL;
  g_autoptr(JsonNode) queue = NULL;
  g_autoptr(JsonNode) bad_stop = NULL;
  g_autoptr(JsonNode) bad_find = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  g_autofree char *running_id = NULL;
  g_autofree char *ready_id = NULL;
  StopData data = { fixture, 0 };
  JsonObject *job;

  g_signal_connect (fixture->fake, "job-changed", G_CALLBACK (job_changed_cb), changes);
  g_signal_connect (fixture->fake, "job-changed", G_CALLBACK (stopping_cb), &data);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_job_speed (fixture->fake, 60);

  running_id = generate (fixture, "{\"covers\": true}");
  ready_id = generate (fixture, "{\"covers\": true}");
  WAIT_UNTIL (job_has_status (fixture, running_id, "RUNNING"), 5000);
  g_assert_true (job_has_status (fixture, ready_id, "READY"));

  /* A READY job is removed at once, never having started. */
  g_assert_true (stop_job (fixture, ready_id));
  cancelled = find_job (fixture, ready_id);
  job = get_job (cancelled);
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "CANCELLED");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (job, "startTime")));
  g_assert_nonnull (json_object_get_string_member (job, "endTime"));
  queue = graphql (fixture, "JobQueue", NULL, 200);
  g_assert_cmpuint (json_array_get_length (
                      json_object_get_array_member (get_data (queue), "jobQueue")), ==, 1);

  /* A RUNNING one says STOPPING, finishes its task, then is CANCELLED. */
  WAIT_UNTIL (count_missing (fixture, SH_FAKE_ARTIFACT_COVER) < 60, 5000);
  g_assert_true (stop_job (fixture, running_id));
  g_assert_true (job_has_status (fixture, running_id, "STOPPING"));
  WAIT_UNTIL (job_has_status (fixture, running_id, "CANCELLED"), 5000);
  g_assert_cmpuint (60 - count_missing (fixture, SH_FAKE_ARTIFACT_COVER), ==,
                    data.cleared_when_stopping + 1);
  assert_changes (changes, "1", "1:READY 1:RUNNING 1:STOPPING 1:CANCELLED");
  assert_changes (changes, "2", "2:READY 2:CANCELLED");

  /* True for an unknown id; Atoi errors for one that is not a number. */
  g_assert_true (stop_job (fixture, "999"));
  bad_stop = graphql (fixture, "StopJob", "{\"id\": \"x\"}", 200);
  g_assert_true (g_str_has_prefix (get_error (bad_stop), "converting id: "));
  bad_find = graphql (fixture, "FindJob", "{\"id\": \"x\"}", 200);
  g_assert_nonnull (get_error (bad_find));
  unknown = find_job (fixture, "999");
  g_assert_null (get_job (unknown));
}

static void
test_jobs_fail (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *failing_id = NULL;
  g_autofree char *next_id = NULL;

  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_SPRITE, TRUE);
  sh_fake_stash_fail_next_job (fixture->fake);

  failing_id = generate (fixture, "{\"sprites\": true}");
  next_id = generate (fixture, "{\"sprites\": true, \"sceneIDs\": [\"60\"]}");
  WAIT_UNTIL (job_has_status (fixture, next_id, "FINISHED"), 5000);

  /* A panic: FAILED, with error null, after a task or two. */
  root = find_job (fixture, failing_id);
  g_assert_cmpstr (json_object_get_string_member (get_job (root), "status"), ==, "FAILED");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (get_job (root), "error")));
  g_assert_cmpuint (count_missing (fixture, SH_FAKE_ARTIFACT_SPRITE), >=, 57);
  g_assert_cmpuint (count_missing (fixture, SH_FAKE_ARTIFACT_SPRITE), <=, 59);
}

static void
test_jobs_restart (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(JsonNode) queue = NULL;
  g_autoptr(JsonNode) lost = NULL;
  g_autoptr(JsonNode) scenes = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *again_id = NULL;

  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_COVER, TRUE);
  first_id = generate (fixture, "{\"covers\": true}");
  second_id = generate (fixture, "{\"covers\": true}");
  WAIT_UNTIL (job_has_status (fixture, first_id, "RUNNING"), 5000);

  /* Jobs live in Stash's memory only; scenes are in its database. */
  sh_fake_stash_restart (fixture->fake);
  queue = graphql (fixture, "JobQueue", NULL, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (get_data (queue), "jobQueue")));
  lost = find_job (fixture, first_id);
  g_assert_null (get_job (lost));

  again_id = generate (fixture, "{\"covers\": true, \"sceneIDs\": [\"1\"]}");
  g_assert_cmpstr (again_id, ==, "1");
  WAIT_UNTIL (job_has_status (fixture, again_id, "FINISHED"), 5000);
  scenes = find_scenes (fixture, BY_PAGE, 1, 1, "ASC", "true");
  g_assert_cmpint (json_object_get_int_member (get_result (scenes), "count"), ==, 60);
}

static void
test_jobs_no_ffmpeg (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) queue = NULL;
  g_autoptr(JsonNode) sent = NULL;

  sh_fake_stash_set_ffmpeg (fixture->fake, FALSE);
  refused = graphql (fixture, "MetadataGenerate", "{\"input\": {\"covers\": true}}", 200);
  g_assert_cmpstr (get_error (refused), ==, "missing ffmpeg and/or ffprobe");

  queue = graphql (fixture, "JobQueue", NULL, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (get_data (queue), "jobQueue")));

  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 1);
  sent = sh_fake_stash_dup_last_variables (fixture->fake, "MetadataGenerate");
  g_assert_true (json_object_get_boolean_member (
    json_object_get_object_member (json_node_get_object (sent), "input"), "covers"));
}

typedef struct
{
  SoupWebsocketConnection *connection;
  GPtrArray               *messages;   /* (element-type JsonNode) */
  GArray                  *times;      /* (element-type gint64) when each arrived */
  gboolean                 closed;
} WsClient;

static void
ws_message_cb (SoupWebsocketConnection *connection,
               int                      type,
               GBytes                  *bytes,
               WsClient                *client)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);
  gint64 now = g_get_monotonic_time ();

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_ptr_array_add (client->messages, node);
  g_array_append_val (client->times, now);
}

static void
ws_closed_cb (SoupWebsocketConnection *connection,
              WsClient                *client)
{
  client->closed = TRUE;
}

static void
ws_client_free (WsClient *client)
{
  g_signal_handlers_disconnect_by_data (client->connection, client);
  if (soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&client->connection);
  g_ptr_array_unref (client->messages);
  g_array_unref (client->times);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsClient, ws_client_free)

/* Opens ws://…/graphql with graphql-transport-ws; NULL and the HTTP status if refused. */
static WsClient *
ws_connect (Fixture *fixture,
            guint   *status)
{
  const char *protocols[] = { "graphql-transport-ws", NULL };
  g_autofree char *uri = g_strconcat (fixture_url (fixture), "/graphql", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;
  WsClient *client;

  if (fixture->api_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "ApiKey",
                                  fixture->api_key);
  soup_session_websocket_connect_async (fixture->session, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, NULL, store_result, &result);
  connection = soup_session_websocket_connect_finish (fixture->session, wait_result (&result),
                                                      &error);
  *status = soup_message_get_status (msg);
  if (connection == NULL)
    {
      g_assert_nonnull (error);
      return NULL;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (soup_websocket_connection_get_protocol (connection), ==,
                   "graphql-transport-ws");

  client = g_new0 (WsClient, 1);
  client->connection = connection;
  client->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  client->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (connection, "message", G_CALLBACK (ws_message_cb), client);
  g_signal_connect (connection, "closed", G_CALLBACK (ws_closed_cb), client);

  return client;
}

static JsonObject *
ws_message (WsClient *client,
            guint     index)
{
  g_assert_cmpuint (index, <, client->messages->len);

  return json_node_get_object (g_ptr_array_index (client->messages, index));
}

static const char *
ws_type (WsClient *client,
         guint     index)
{
  return json_object_get_string_member (ws_message (client, index), "type");
}

/* connection_init, connection_ack, then subscribe to jobsSubscribe as id "1". */
static void
ws_subscribe (Fixture  *fixture,
              WsClient *client)
{
  g_autofree char *query = load_query ("JobsSubscribe");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) subscribe = NULL;
  g_autofree char *text = NULL;
  guint first = client->messages->len;

  soup_websocket_connection_send_text (client->connection, "{\"type\":\"connection_init\"}");
  WAIT_UNTIL (client->messages->len > first, 5000);
  g_assert_cmpstr (ws_type (client, first), ==, "connection_ack");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "1");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "subscribe");
  json_builder_set_member_name (builder, "payload");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query);
  json_builder_set_member_name (builder, "operationName");
  json_builder_add_string_value (builder, "JobsSubscribe");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  subscribe = json_builder_get_root (builder);
  text = json_to_string (subscribe, FALSE);
  soup_websocket_connection_send_text (client->connection, text);

  /* graphql-transport-ws does not acknowledge a subscribe. */
  run_for (50);
}

/* The jobsSubscribe payload of message @index, or NULL when it is not a "next". */
static JsonObject *
ws_event (WsClient *client,
          guint     index)
{
  JsonObject *message = ws_message (client, index);

  if (!g_str_equal (json_object_get_string_member (message, "type"), "next"))
    return NULL;

  g_assert_cmpstr (json_object_get_string_member (message, "id"), ==, "1");
  return json_object_get_object_member (
    json_object_get_object_member (json_object_get_object_member (message, "payload"), "data"),
    "jobsSubscribe");
}

static gboolean
ws_has_remove (WsClient *client)
{
  for (guint i = 0; i < client->messages->len; i++)
    {
      JsonObject *event = ws_event (client, i);

      if (event != NULL && g_str_equal (json_object_get_string_member (event, "type"), "REMOVE"))
        return TRUE;
    }

  return FALSE;
}

static void
test_websocket (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(WsClient) refused = NULL;
  g_autoptr(WsClient) wrong = NULL;
  g_autoptr(WsClient) client = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *quiet_id = NULL;
  g_autofree char *upgrade_key = NULL;
  JsonObject *last_update = NULL;
  gint64 first_update_time = 0;
  gint64 last_update_time = 0;
  gint64 remove_time = 0;
  guint n_updates = 0;
  guint n_events = 0;
  guint status = 0;
  guint n_messages;

  sh_fake_stash_set_api_key (fixture->fake, API_KEY);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_job_speed (fixture->fake, 20);

  /* Authenticated like any request, and refused before the upgrade. */
  refused = ws_connect (fixture, &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);
  fixture->api_key = "not-" API_KEY;
  wrong = ws_connect (fixture, &status);
  g_assert_null (wrong);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 0);

  fixture->api_key = API_KEY;
  client = ws_connect (fixture, &status);
  g_assert_nonnull (client);
  g_assert_cmpuint (status, ==, 101);
  upgrade_key = sh_fake_stash_dup_last_header (fixture->fake, "ApiKey");
  g_assert_cmpstr (upgrade_key, ==, API_KEY);
  WAIT_UNTIL (sh_fake_stash_get_websocket_count (fixture->fake) == 1, 5000);

  soup_websocket_connection_send_text (client->connection, "{\"type\":\"ping\"}");
  WAIT_UNTIL (client->messages->len == 1, 5000);
  g_assert_cmpstr (ws_type (client, 0), ==, "pong");
  ws_subscribe (fixture, client);
  n_messages = client->messages->len;

  /* ADD, UPDATEs at most every 100 ms, REMOVE; no snapshot of what came before. */
  job_id = generate (fixture, "{\"covers\": true, \"sceneIDs\": [1, 2, 3, 4, 5, 6, 7, 8, 9]}");
  WAIT_UNTIL (ws_has_remove (client), 5000);

  for (guint i = n_messages; i < client->messages->len; i++)
    {
      JsonObject *event = ws_event (client, i);
      const char *type = json_object_get_string_member (event, "type");
      JsonObject *job = json_object_get_object_member (event, "job");
      gint64 time = g_array_index (client->times, gint64, i);

      g_assert_cmpstr (json_object_get_string_member (job, "id"), ==, job_id);
      assert_members (job, "id", "status", "subTasks", "description", "progress", "startTime",
                      "endTime", "addTime", "error", NULL);

      if (n_events++ == 0)
        {
          g_assert_cmpstr (type, ==, "ADD");
          g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "READY");
        }
      else if (g_str_equal (type, "UPDATE"))
        {
          g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "RUNNING");
          /* The first UPDATE says it started, while the progress is still unknown. */
          if (n_updates++ == 0)
            {
              g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (job, "progress")));
              first_update_time = time;
            }
          else
            g_assert_cmpint (time - last_update_time, >=, 70 * G_TIME_SPAN_MILLISECOND);
          last_update = job;
          last_update_time = time;
        }
      else
        {
          g_assert_cmpstr (type, ==, "REMOVE");
          g_assert_cmpuint (i, ==, client->messages->len - 1);
          g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "FINISHED");
          g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (job, "subTasks")));
          g_assert_nonnull (json_object_get_string_member (job, "endTime"));
          remove_time = time;
        }
    }

  /* Eleven state changes in about 200 ms, coalesced; the last one is never lost. */
  g_assert_cmpuint (n_updates, >=, 2);
  g_assert_cmpuint (n_updates, <=, 2 + (remove_time - first_update_time) / (100 * 1000));
  g_assert_cmpfloat (json_object_get_double_member (last_update, "progress"), ==, 1.0);

  /* After complete, no more events for that subscription. */
  soup_websocket_connection_send_text (client->connection, "{\"id\":\"1\",\"type\":\"complete\"}");
  run_for (50);
  n_messages = client->messages->len;
  quiet_id = generate (fixture, "{\"covers\": true, \"sceneIDs\": [\"10\"]}");
  WAIT_UNTIL (job_has_status (fixture, quiet_id, "FINISHED"), 5000);
  run_for (150);
  g_assert_cmpuint (client->messages->len, ==, n_messages);

  /* Something that is not a graphql-transport-ws message closes the connection. */
  soup_websocket_connection_send_text (client->connection, "this is not JSON");
  WAIT_UNTIL (client->closed, 5000);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client->connection), ==, 4400);
  WAIT_UNTIL (sh_fake_stash_get_websocket_count (fixture->fake) == 0, 5000);
}

static void
test_websocket_drop (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(WsClient) dropped = NULL;
  g_autoptr(WsClient) refused = NULL;
  g_autoptr(WsClient) restarted = NULL;
  guint status = 0;

  dropped = ws_connect (fixture, &status);
  ws_subscribe (fixture, dropped);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 1);

  /* Gone without a close frame, as when the server dies. */
  sh_fake_stash_drop_websockets (fixture->fake);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 0);
  WAIT_UNTIL (dropped->closed, 5000);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (dropped->connection), !=,
                    SOUP_WEBSOCKET_CLOSE_NORMAL);

  sh_fake_stash_set_websockets_enabled (fixture->fake, FALSE);
  refused = ws_connect (fixture, &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 400);
  sh_fake_stash_set_websockets_enabled (fixture->fake, TRUE);

  restarted = ws_connect (fixture, &status);
  g_assert_nonnull (restarted);
  WAIT_UNTIL (sh_fake_stash_get_websocket_count (fixture->fake) == 1, 5000);
  sh_fake_stash_restart (fixture->fake);
  WAIT_UNTIL (restarted->closed, 5000);
  g_assert_cmpuint (sh_fake_stash_get_websocket_count (fixture->fake), ==, 0);
}

static void
assert_probe (Fixture    *fixture,
              const char *path,
              guint       status,
              const char *type)
{
  g_autoptr(Response) response = http_request (fixture, SOUP_METHOD_GET, path, TRUE);

  if (status == 200)
    g_assert_cmpuint (response->status / 100, ==, 2);
  else
    g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (content_type (response), ==, type);

  if (status == 206)
    {
      goffset start;
      goffset end;
      goffset total;

      g_assert_cmpuint (g_bytes_get_size (response->body), ==, 1);
      g_assert_true (soup_message_headers_get_content_range (response->headers, &start, &end,
                                                             &total));
      g_assert_cmpint (start, ==, 0);
      g_assert_cmpint (end, ==, 0);
      g_assert_cmpint (total, >, 1);
    }
  else if (status == 404)
    {
      g_autofree char *text = body_text (response);

      g_assert_cmpstr (text, ==, "404 page not found\n");
    }
}

static void
test_media (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *hash_11 = sh_fake_stash_dup_scene_oshash (fixture->fake, 11);
  g_autofree char *hash_12 = sh_fake_stash_dup_scene_oshash (fixture->fake, 12);
  g_autofree char *marker_5 = sh_fake_stash_dup_scene_marker_id (fixture->fake, 5, 0);
  g_autofree char *marker_15 = sh_fake_stash_dup_scene_marker_id (fixture->fake, 15, 1);
  g_autoptr(Response) head = NULL;
  g_autoptr(Response) whole = NULL;
  g_autoptr(Response) cover = NULL;
  g_autoptr(GBytes) expected_cover = NULL;
  guint id = 0;
  const struct {
    const char *path;
    guint       status;
    const char *type;
  } probes[] = {
    { "/scene/11/preview", 206, "video/mp4" },
    { "/scene/12/preview", 404, "text/plain" },
    { "/scene/11/webp", 206, "image/webp" },
    { "/scene/11/screenshot", 200, "image/png" },
    { "/scene/12/screenshot", 200, "image/svg+xml" },
    { "/scene/10/interactive_heatmap", 206, "image/png" },
    { "/scene/11/interactive_heatmap", 404, "text/plain" },
    { "/scene/999/preview", 404, "text/plain" },
    { "/scene/abc/screenshot", 404, "text/plain" },
    { "/scene/5/scene_marker/999999/stream", 404, "text/plain" },
  };
  const struct {
    const char *prefix;
    const char *value;
    const char *suffix;
    guint       status;
    const char *type;
  } by_value[] = {
    { "/scene/", hash_11, "_thumbs.vtt", 206, "text/vtt" },
    { "/scene/", hash_11, "_sprite.jpg", 206, "image/jpeg" },
    { "/scene/", hash_12, "_sprite.jpg", 404, "text/plain" },
    { "/scene/", "0123456789abcdef", "_thumbs.vtt", 404, "text/plain" },
    { "/scene/5/scene_marker/", marker_5, "/stream", 206, "video/mp4" },
    { "/scene/5/scene_marker/", marker_5, "/preview", 206, "image/webp" },
    { "/scene/5/scene_marker/", marker_5, "/screenshot", 206, "image/jpeg" },
    { "/scene/15/scene_marker/", marker_15, "/stream", 404, "text/plain" },
    { "/scene/15/scene_marker/", marker_15, "/preview", 200, "image/png" },
    { "/scene/15/scene_marker/", marker_15, "/screenshot", 200, "image/png" },
  };

  sh_fake_stash_set_missing (fixture->fake, 12,
                             SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_COVER |
                             SH_FAKE_ARTIFACT_SPRITE, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 15, SH_FAKE_ARTIFACT_ALL, TRUE);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 12), ==,
                    SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_COVER | SH_FAKE_ARTIFACT_SPRITE);
  /* No heatmap on a scene that is not interactive, even when everything is missing. */
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 15), ==,
                    SH_FAKE_ARTIFACT_ALL & ~SH_FAKE_ARTIFACT_HEATMAP);

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    assert_probe (fixture, probes[i].path, probes[i].status, probes[i].type);

  for (guint i = 0; i < G_N_ELEMENTS (by_value); i++)
    {
      g_autofree char *path = g_strconcat (by_value[i].prefix, by_value[i].value,
                                           by_value[i].suffix, NULL);

      assert_probe (fixture, path, by_value[i].status, by_value[i].type);
    }

  /* chi routes GET only; without a Range, the whole file. */
  head = http_request (fixture, SOUP_METHOD_HEAD, "/scene/11/preview", FALSE);
  g_assert_cmpuint (head->status, ==, 405);
  whole = http_request (fixture, SOUP_METHOD_GET, "/scene/11/preview", FALSE);
  g_assert_cmpuint (whole->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (whole->body), >, 1);

  /* A cover is a whole image, one per scene; each request is counted. */
  cover = http_request (fixture, SOUP_METHOD_GET, "/scene/11/screenshot", FALSE);
  g_assert_cmpuint (cover->status, ==, 200);
  expected_cover = sh_fake_stash_dup_cover (11);
  g_assert_true (g_bytes_equal (cover->body, expected_cover));
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 11), ==, 2);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 12), ==, 1);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 0), ==, 3);
  g_assert_true (sh_fake_stash_cover_color_to_id (11, 0x50, &id) && id == 11);
  g_assert_true (sh_fake_stash_cover_color_to_id (0x34, 0x52, &id) && id == 0x234);
  g_assert_false (sh_fake_stash_cover_color_to_id (11, 0x20, &id));
}

static gboolean
count_tick_cb (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static void
test_latency (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *body = request_body ("TestConnection", NULL);
  g_autofree char *uri = g_strconcat (sh_fake_stash_get_url (fixture->fake), "/graphql", NULL);
  g_autofree char *health_uri = g_strconcat (sh_fake_stash_get_url (fixture->fake), "/healthz",
                                             NULL);
  g_autoptr(SoupMessage) graphql_msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(SoupMessage) health_msg = soup_message_new (SOUP_METHOD_GET, health_uri);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GAsyncResult) graphql_result = NULL;
  g_autoptr(GAsyncResult) health_result = NULL;
  g_autoptr(GBytes) graphql_body = NULL;
  g_autoptr(GBytes) health_body = NULL;
  g_autoptr(Response) fast = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  gint64 elapsed;
  guint ticks = 0;
  guint tick_id;

  /* Both answers come late, together: the server waits without blocking anything. */
  sh_fake_stash_set_latency (fixture->fake, 300);
  tick_id = g_timeout_add (20, count_tick_cb, &ticks);
  start = g_get_monotonic_time ();
  soup_message_set_request_body_from_bytes (graphql_msg, "application/json", request);
  soup_session_send_and_read_async (fixture->session, graphql_msg, G_PRIORITY_DEFAULT, NULL,
                                    store_result, &graphql_result);
  soup_session_send_and_read_async (fixture->session, health_msg, G_PRIORITY_DEFAULT, NULL,
                                    store_result, &health_result);
  graphql_body = soup_session_send_and_read_finish (fixture->session,
                                                    wait_result (&graphql_result), &error);
  g_assert_no_error (error);
  health_body = soup_session_send_and_read_finish (fixture->session,
                                                   wait_result (&health_result), &error);
  g_assert_no_error (error);
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (tick_id);

  g_assert_cmpuint (soup_message_get_status (graphql_msg), ==, 200);
  g_assert_cmpuint (soup_message_get_status (health_msg), ==, 200);
  g_assert_cmpint (elapsed, >=, 300 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (elapsed, <, 550 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (ticks, >=, 10);

  sh_fake_stash_set_latency (fixture->fake, 0);
  start = g_get_monotonic_time ();
  fast = http_request (fixture, SOUP_METHOD_GET, "/healthz", FALSE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 200 * G_TIME_SPAN_MILLISECOND);
}

static void
test_fail_requests (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *body = request_body ("TestConnection", NULL);
  g_autoptr(Response) redirect_1 = NULL;
  g_autoptr(Response) redirect_2 = NULL;
  g_autoptr(Response) gateway = NULL;
  g_autoptr(Response) ok = NULL;
  g_autofree char *gateway_text = NULL;

  sh_fake_stash_fail_requests (fixture->fake, 2, 302, "text/html", "");
  redirect_1 = post_graphql (fixture, body, "application/json");
  redirect_2 = post_graphql (fixture, body, "application/json");
  g_assert_cmpuint (redirect_1->status, ==, 302);
  g_assert_cmpuint (redirect_2->status, ==, 302);
  g_assert_cmpstr (soup_message_headers_get_one (redirect_2->headers, "Location"), ==, "/login");
  g_assert_cmpuint (g_bytes_get_size (redirect_2->body), ==, 0);

  sh_fake_stash_fail_requests (fixture->fake, 1, 502, "text/html", "<html>502</html>");
  gateway = post_graphql (fixture, body, "application/json");
  gateway_text = body_text (gateway);
  g_assert_cmpuint (gateway->status, ==, 502);
  g_assert_cmpstr (content_type (gateway), ==, "text/html");
  g_assert_cmpstr (gateway_text, ==, "<html>502</html>");

  ok = post_graphql (fixture, body, "application/json");
  g_assert_cmpuint (ok->status, ==, 200);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       ShFakeStash          *fake)
{
  return g_tls_certificate_is_same (certificate, sh_fake_stash_get_certificate (fake));
}

static void
test_tls (void)
{
  g_autoptr(ShFakeStash) fake = sh_fake_stash_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) untrusted = NULL;
  g_autoptr(SoupMessage) trusted = NULL;
  g_autoptr(GAsyncResult) untrusted_result = NULL;
  g_autoptr(GAsyncResult) trusted_result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  sh_fake_stash_start_tls (fake, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sh_fake_stash_get_url (fake), "https://127.0.0.1:"));
  g_assert_nonnull (sh_fake_stash_get_certificate (fake));
  uri = g_strconcat (sh_fake_stash_get_url (fake), "/healthz", NULL);

  /* Self-signed: a plain GnuTLS client refuses it. */
  untrusted = soup_message_new (SOUP_METHOD_GET, uri);
  soup_session_send_and_read_async (session, untrusted, G_PRIORITY_DEFAULT, NULL, store_result,
                                    &untrusted_result);
  body = soup_session_send_and_read_finish (session, wait_result (&untrusted_result), &error);
  g_assert_null (body);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_true (soup_message_get_tls_peer_certificate_errors (untrusted) &
                 G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_clear_error (&error);

  /* Trusting that very certificate is enough. */
  trusted = soup_message_new (SOUP_METHOD_GET, uri);
  g_signal_connect (trusted, "accept-certificate", G_CALLBACK (accept_certificate_cb), fake);
  soup_session_send_and_read_async (session, trusted, G_PRIORITY_DEFAULT, NULL, store_result,
                                    &trusted_result);
  body = soup_session_send_and_read_finish (session, wait_result (&trusted_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (trusted), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 1);

  g_clear_object (&session);
  sh_fake_stash_stop (fake);
  g_assert_finalize_object (g_steal_pointer (&fake));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* stashhog-fake-stash, as the benchmark runs it. */
static void
test_standalone (void)
{
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "fake-stash",
                                                    "stashhog-fake-stash", NULL);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(JsonNode) refused_root = NULL;
  g_autoptr(JsonNode) scenes = NULL;
  g_autoptr(Response) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *body = request_body ("TestConnection", NULL);
  Fixture fixture = { NULL, soup_session_new (), NULL, NULL };
  JsonObject *file;

  g_subprocess_launcher_setenv (launcher, "STASHHOG_FAKE_API_KEY", API_KEY, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, program, "--scenes", "1234",
                                         "--missing", "all", "--job-speed", "5", NULL);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "Listening on http://127.0.0.1:"));
  fixture.url = line + strlen ("Listening on ");

  /* The key comes from the environment. */
  refused = post_graphql (&fixture, body, "application/json");
  g_assert_cmpuint (refused->status, ==, 401);
  fixture.api_key = API_KEY;
  scenes = find_scenes (&fixture, BY_PAGE, 1, 1, "ASC", "true");
  g_assert_cmpint (json_object_get_int_member (get_result (scenes), "count"), ==, 1234);
  file = json_array_get_object_element (
    json_object_get_array_member (json_array_get_object_element (get_scenes (scenes), 0),
                                  "files"), 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (file, "phash")));

  g_clear_object (&fixture.session);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/fake-stash/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("test-connection", test_connection);
  ADD ("auth", test_auth);
  ADD ("protocol-errors", test_protocol_errors);
  ADD ("find-scenes/paging", test_find_scenes_paging);
  ADD ("find-scenes/fields", test_find_scenes_fields);
  ADD ("find-scenes/updated-at", test_find_scenes_updated_at);
  ADD ("jobs/lifecycle", test_jobs_lifecycle);
  ADD ("jobs/stop", test_jobs_stop);
  ADD ("jobs/fail", test_jobs_fail);
  ADD ("jobs/restart", test_jobs_restart);
  ADD ("jobs/no-ffmpeg", test_jobs_no_ffmpeg);
  ADD ("websocket/events", test_websocket);
  ADD ("websocket/drop", test_websocket_drop);
  ADD ("media", test_media);
  ADD ("latency", test_latency);
  ADD ("fail-requests", test_fail_requests);
  g_test_add_func ("/fake-stash/tls", test_tls);
  g_test_add_func ("/fake-stash/standalone", test_standalone);

#undef ADD

  return g_test_run ();
}
