/* test-stash-client.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShStashClient against the fake Stash over real HTTP on loopback: every operation and
 * every class of error, and the reading of what Stash says about scenes' media.
 */

#include "config.h"

#include <string.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-scene-record.h"
#include "sh-stash-client.h"
#include "sh-stash-error.h"
#include "sh-stash-media.h"

#define API_KEY "s3cr3t-KEY-for-tests-0123456789"

typedef struct
{
  ShFakeStash   *fake;
  ShStashClient *client;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sh_core_init ();
  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, 1234);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);

  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->client);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (fixture->fake);

  /* Let libsoup release what it still holds on the main context. */
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

static ShStashServerInfo *
test_connection (ShStashClient  *client,
                 GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_stash_client_test_connection_async (client, NULL, store_result, &result);

  return sh_stash_client_test_connection_finish (client, wait_result (&result), error);
}

static ShStashClient *
client_with_key (Fixture    *fixture,
                 const char *key)
{
  g_autoptr(GError) error = NULL;
  ShStashClient *client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), key,
                                               &error);

  g_assert_no_error (error);
  return client;
}

static void
test_connection_ok (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *api_key = NULL;

  info = test_connection (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info->version);
  g_assert_cmpstr (info->status, ==, "OK");
  g_assert_true (info->has_ffmpeg);

  accept = sh_fake_stash_dup_last_header (fixture->fake, "Accept");
  g_assert_cmpstr (accept, ==, "application/json");
  /* No key set: no header at all (Stash answers 401 to any non-empty wrong key). */
  api_key = sh_fake_stash_dup_last_header (fixture->fake, "ApiKey");
  g_assert_null (api_key);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "TestConnection"), ==, 1);
}

static void
test_connection_no_ffmpeg (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  sh_fake_stash_set_ffmpeg (fixture->fake, FALSE);
  info = test_connection (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_false (info->has_ffmpeg);
}

static void
test_invalid_url (void)
{
  const char *bad[] = { "", "localhost:9999", "ftp://host", "http://", "http://user:pw@host",
                        "http://host/?apikey=abc" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShStashClient) client = sh_stash_client_new (bad[i], NULL, &error);

      g_assert_null (client);
      g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH);
    }
}

static void
test_api_key (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(ShStashClient) good = client_with_key (fixture, API_KEY);
  g_autoptr(ShStashClient) wrong = client_with_key (fixture, "not-the-key");
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;

  sh_fake_stash_set_api_key (fixture->fake, API_KEY);

  /* Missing key. */
  info = test_connection (fixture->client, &error);
  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "API key"));
  g_clear_error (&error);

  /* Wrong key. */
  info = test_connection (wrong, &error);
  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* The right key, sent as the ApiKey header. */
  info = test_connection (good, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  header = sh_fake_stash_dup_last_header (fixture->fake, "ApiKey");
  g_assert_cmpstr (header, ==, API_KEY);
  g_assert_finalize_object (g_steal_pointer (&good));
  g_assert_finalize_object (g_steal_pointer (&wrong));
}

static void
test_key_without_auth (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(ShStashClient) client = client_with_key (fixture, "stale-key");
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* Stash without credentials still refuses a non-empty key that does not match "". */
  info = test_connection (client, &error);
  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED);
  g_clear_object (&client);
}

static void
assert_test_connection_fails (Fixture    *fixture,
                              int         code,
                              const char *needle)
{
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = test_connection (fixture->client, &error);
  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, needle);
}

static void
test_http_502_html (Fixture       *fixture,
                    gconstpointer  user_data)
{
  sh_fake_stash_fail_requests (fixture->fake, 1, 502, "text/html",
                               "<html><body><h1>502 Bad Gateway</h1></body></html>");
  assert_test_connection_fails (fixture, SH_STASH_ERROR_HTTP, "502");

  /* The next request goes through again. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ShStashServerInfo) info = test_connection (fixture->client, &error);

    g_assert_no_error (error);
    g_assert_nonnull (info);
  }
}

static void
test_not_stash (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *url = g_strconcat (sh_fake_stash_get_url (fixture->fake), "/elsewhere", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShStashServerInfo) info = NULL;

  /* An HTML page with 200. */
  sh_fake_stash_fail_requests (fixture->fake, 1, 200, "text/html", "<html>Welcome</html>");
  assert_test_connection_fails (fixture, SH_STASH_ERROR_NOT_STASH, NULL);

  /* A redirect to a login page is not followed. */
  sh_fake_stash_fail_requests (fixture->fake, 1, 302, "text/html", "");
  assert_test_connection_fails (fixture, SH_STASH_ERROR_NOT_STASH, "login");

  /* A path without /graphql: 404. */
  g_clear_object (&fixture->client);
  fixture->client = sh_stash_client_new (url, NULL, &error);
  g_assert_no_error (error);
  info = test_connection (fixture->client, &error);
  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH);
}

static void
test_not_json (Fixture       *fixture,
               gconstpointer  user_data)
{
  sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json", "{\"data\": {oops");
  assert_test_connection_fails (fixture, SH_STASH_ERROR_NOT_JSON, NULL);

  sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json", "");
  assert_test_connection_fails (fixture, SH_STASH_ERROR_NOT_JSON, NULL);

  sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json",
                               "\xff\xfe garbage \x01\x02");
  assert_test_connection_fails (fixture, SH_STASH_ERROR_NOT_JSON, NULL);
}

static void
test_bad_shape (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *bodies[] = {
    "[1, 2, 3]",
    "{\"data\": null}",
    "{\"data\": {\"version\": 42, \"systemStatus\": \"OK\"}}",
    "{\"data\": {\"version\": {\"version\": \"v1\"}}}",
    "{\"data\": {\"version\": {\"version\": \"v1\"}, \"systemStatus\": {\"status\": 7}}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json", bodies[i]);
      assert_test_connection_fails (fixture, SH_STASH_ERROR_BAD_RESPONSE, NULL);
    }
}

static void
test_graphql_error (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(JsonNode) input = json_from_string ("{\"covers\": true}", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *job_id = NULL;

  /* Stash refuses Generate without ffmpeg, with 200 and an errors array. */
  sh_fake_stash_set_ffmpeg (fixture->fake, FALSE);
  sh_stash_client_metadata_generate_async (fixture->client, input, NULL, store_result, &result);
  job_id = sh_stash_client_metadata_generate_finish (fixture->client, wait_result (&result),
                                                     &error);
  g_assert_null (job_id);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_GRAPHQL);
  g_assert_nonnull (strstr (error->message, "missing ffmpeg and/or ffprobe"));

  /* A 422 with validation errors also carries the server's message. */
  sh_fake_stash_fail_requests (fixture->fake, 1, 422, "application/json",
                               "{\"errors\": [{\"message\": \"Cannot query field \\\"x\\\"\","
                               " \"extensions\": {\"code\": \"GRAPHQL_VALIDATION_FAILED\"}}],"
                               " \"data\": null}");
  assert_test_connection_fails (fixture, SH_STASH_ERROR_GRAPHQL, "Cannot query field");
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  user_data)
{
  sh_fake_stash_set_latency (fixture->fake, 2500);
  sh_stash_client_set_timeout (fixture->client, 1);
  assert_test_connection_fails (fixture, SH_STASH_ERROR_TIMEOUT, NULL);
  sh_fake_stash_set_latency (fixture->fake, 0);
}

static void
test_cannot_connect (Fixture       *fixture,
                     gconstpointer  user_data)
{
  sh_fake_stash_stop (fixture->fake);
  assert_test_connection_fails (fixture, SH_STASH_ERROR_CANNOT_CONNECT,
                                sh_fake_stash_get_url (fixture->fake));
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  sh_fake_stash_set_latency (fixture->fake, 500);
  sh_stash_client_test_connection_async (fixture->client, cancellable, store_result, &result);
  g_cancellable_cancel (cancellable);
  info = sh_stash_client_test_connection_finish (fixture->client, wait_result (&result), &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A server that answers with JSON nested 100,000 levels deep used to overflow the stack of
 * json-glib's parser: now the depth is checked first. */
static void
test_nested (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  sh_fake_stash_answer_nested (fixture->fake, 1, 100000);
  assert_test_connection_fails (fixture, SH_STASH_ERROR_BAD_RESPONSE, "nested too deeply");

  /* Nesting that a parser copes with is only refused past the limit. */
  sh_fake_stash_answer_nested (fixture->fake, 1, 300);
  assert_test_connection_fails (fixture, SH_STASH_ERROR_BAD_RESPONSE, "TestConnection");

  info = test_connection (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
}

/* A byte a second keeps libsoup's idle timeout from ever firing; the deadline covers the
 * whole request. */
static void
test_trickle (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;
  double elapsed;

  sh_stash_client_set_timeout (fixture->client, 2);
  g_assert_cmpuint (sh_stash_client_get_timeout (fixture->client), ==, 2);
  sh_fake_stash_trickle_answers (fixture->fake, 1, 1000);

  started = g_get_monotonic_time ();
  info = test_connection (fixture->client, &error);
  elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_test_message ("The trickled request ended after %.2f s", elapsed);

  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==,
                   "Stash did not answer TestConnection within 2 seconds. The server may be "
                   "busy; try again later.");
  g_assert_false (sh_stash_error_is_unreachable (error));
  g_assert_cmpfloat (elapsed, >=, 1.9);
  g_assert_cmpfloat (elapsed, <, 2.0 + 1.5);
  g_clear_error (&error);

  /* The client is not stuck: the next request is answered. */
  info = test_connection (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
}

/* The peak resident set size of this process, in bytes. */
static guint64
peak_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);

  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10) * 1024;
}

/* A 200 MB answer used to be read whole (and then copied): now reading stops at the cap,
 * and memory stays bounded. */
static void
test_huge (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint64 before;
  guint64 after;

  /* Announced in Content-Length: refused before reading. */
  sh_fake_stash_answer_huge (fixture->fake, 1, 200 * 1000 * 1000, TRUE);
  before = peak_rss ();
  assert_test_connection_fails (fixture, SH_STASH_ERROR_BAD_RESPONSE, "larger than 64 MB");

  /* Chunked: read up to the cap, then dropped. */
  sh_fake_stash_answer_huge (fixture->fake, 1, 200 * 1000 * 1000, FALSE);
  info = test_connection (fixture->client, &error);
  after = peak_rss ();
  g_test_message ("Peak RSS grew by %" G_GUINT64_FORMAT " MB", (after - before) >> 20);

  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Stash’s answer to TestConnection is larger than 64 MB."));
  g_assert_cmpuint (after - before, <, 100 * 1024 * 1024);
  g_clear_error (&error);

  /* The client goes on working. */
  info = test_connection (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
}

/* Every failure says which request failed and how; only one where the server could not be
 * reached says so. */
static void
test_truthful_errors (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const struct {
    guint       status;
    const char *content_type;
    const char *body;
    int         code;
    const char *needle;
  } answers[] = {
    { 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>",
      SH_STASH_ERROR_HTTP,
      "Stash’s TestConnection request failed: the server answered 502 Bad Gateway" },
    { 503, "text/plain", "no healthy upstream",
      SH_STASH_ERROR_HTTP,
      "Stash’s TestConnection request failed: the server answered 503 Service Unavailable" },
    { 200, "text/plain", "hello",
      SH_STASH_ERROR_NOT_JSON,
      "Stash’s TestConnection request failed: the answer from " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(ShStashServerInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      sh_fake_stash_fail_requests (fixture->fake, 1, answers[i].status,
                                   answers[i].content_type, answers[i].body);
      info = test_connection (fixture->client, &error);
      g_assert_null (info);
      g_assert_error (error, SH_STASH_ERROR, answers[i].code);
      if (!g_str_has_prefix (error->message, answers[i].needle))
        g_error ("“%s” does not start with “%s”", error->message, answers[i].needle);
      g_assert_false (sh_stash_error_is_unreachable (error));
    }

  {
    g_autoptr(ShStashServerInfo) info = NULL;
    g_autoptr(GError) error = NULL;

    sh_fake_stash_stop (fixture->fake);
    info = test_connection (fixture->client, &error);
    g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT);
    g_assert_true (sh_stash_error_is_unreachable (error));
  }

  g_assert_false (sh_stash_error_is_unreachable (NULL));
}

static char *
certificate_sha256 (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static void
test_tls (void)
{
  g_autoptr(ShFakeStash) fake = sh_fake_stash_new ();
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GString) pretty = g_string_new (NULL);

  sh_core_init ();
  sh_fake_stash_start_tls (fake, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sh_fake_stash_get_url (fake), "https://"));
  fingerprint = certificate_sha256 (sh_fake_stash_get_certificate (fake));

  client = sh_stash_client_new (sh_fake_stash_get_url (fake), NULL, &error);
  g_assert_no_error (error);

  /* Self-signed and not trusted: a TLS error that shows the fingerprint to trust. */
  info = test_connection (client, &error);
  g_assert_null (info);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_TLS);
  for (guint i = 0; fingerprint[i] != '\0'; i += 2)
    g_string_append_printf (pretty, "%s%c%c", i ? ":" : "", g_ascii_toupper (fingerprint[i]),
                            g_ascii_toupper (fingerprint[i + 1]));
  g_assert_nonnull (strstr (error->message, "SHA-256"));
  g_assert_nonnull (strstr (error->message, pretty->str));
  g_clear_error (&error);
  /* And as data, for the dialog that offers to trust it. */
  {
    g_autofree char *untrusted = sh_stash_client_dup_untrusted_fingerprint (client);

    g_assert_cmpstr (untrusted, ==, pretty->str);
  }

  /* Another certificate's fingerprint does not help. */
  sh_stash_client_set_trusted_fingerprint (client,
    "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff");
  info = test_connection (client, &error);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_TLS);
  g_clear_error (&error);

  /* The user trusted this one. */
  sh_stash_client_set_trusted_fingerprint (client, fingerprint);
  info = test_connection (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->status, ==, "OK");

  g_assert_finalize_object (g_steal_pointer (&client));
  sh_fake_stash_stop (fake);
  g_assert_finalize_object (g_steal_pointer (&fake));
}

static ShStashScenePage *
find_scenes (ShStashClient  *client,
             gint64          after_id,
             guint           per_page,
             const char     *updated_after,
             gboolean        with_count,
             GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_stash_client_find_scenes_async (client, after_id, per_page, updated_after, with_count,
                                     NULL, store_result, &result);
  return sh_stash_client_find_scenes_finish (client, wait_result (&result), error);
}

static void
test_find_scenes (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(JsonNode) variables = NULL;
  gint64 after_id = 0;
  guint pages = 0;

  for (;;)
    {
      g_autoptr(ShStashScenePage) page = find_scenes (fixture->client, after_id, 500, NULL,
                                                      pages == 0, &error);

      g_assert_no_error (error);
      if (pages == 0)
        g_assert_cmpint (page->count, ==, 1234);
      else
        g_assert_cmpint (page->count, ==, -1);
      pages++;

      for (guint i = 0; i < page->scenes->len; i++)
        {
          ShSceneRecord *scene = g_ptr_array_index (page->scenes, i);

          g_assert_cmpint (scene->id, >, after_id);
          g_assert_false (g_hash_table_contains (seen, &scene->id));
          g_hash_table_add (seen, g_memdup2 (&scene->id, sizeof scene->id));
          g_assert_nonnull (scene->stash_updated_at);
          g_assert_nonnull (scene->path);
          g_assert_nonnull (scene->oshash);
          after_id = scene->id;
        }
      if (page->scenes->len < 500)
        break;
    }

  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1234);

  /* Keyset paging and a fixed sort, sent as variables. */
  variables = sh_fake_stash_dup_last_variables (fixture->fake, "FindScenes");
  g_assert_nonnull (variables);
  {
    JsonObject *object = json_node_get_object (variables);
    JsonObject *filter = json_object_get_object_member (object, "filter");
    JsonObject *scene_filter = json_object_get_object_member (object, "sceneFilter");
    JsonObject *id = json_object_get_object_member (scene_filter, "id");

    g_assert_cmpstr (json_object_get_string_member (filter, "sort"), ==, "id");
    g_assert_cmpint (json_object_get_int_member (filter, "per_page"), ==, 500);
    g_assert_cmpstr (json_object_get_string_member (id, "modifier"), ==, "GREATER_THAN");
    g_assert_cmpint (json_object_get_int_member (id, "value"), ==, 1000);
    g_assert_false (json_object_get_boolean_member (object, "withCount"));
  }
}

static void
test_find_scenes_fields (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShStashScenePage) page = find_scenes (fixture->client, 0, 10, NULL, TRUE, &error);
  ShSceneRecord *two;
  ShSceneRecord *three;
  ShSceneRecord *five;

  g_assert_no_error (error);
  g_assert_cmpuint (page->scenes->len, ==, 10);
  two = g_ptr_array_index (page->scenes, 1);
  three = g_ptr_array_index (page->scenes, 2);
  five = g_ptr_array_index (page->scenes, 4);

  /* Quotes, a backslash and non-ASCII come through byte for byte. */
  g_assert_cmpint (two->id, ==, 2);
  g_assert_nonnull (two->title);
  g_assert_true (g_utf8_validate (two->title, -1, NULL));
  g_assert_nonnull (strchr (two->title, '"'));
  g_assert_nonnull (strchr (two->title, '\\'));
  /* A scene without a title. */
  g_assert_cmpint (three->id, ==, 3);
  g_assert_null (three->title);
  /* Every fifth scene has markers; the others have none. */
  g_assert_nonnull (five->markers_digest);
  g_assert_null (three->markers_digest);
}

static void
test_find_scenes_updated_after (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShStashScenePage) all = find_scenes (fixture->client, 0, 2000, NULL, TRUE, &error);
  g_autoptr(ShStashScenePage) none = NULL;
  g_autoptr(ShStashScenePage) changed = NULL;
  g_autofree char *newest = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < all->scenes->len; i++)
    {
      ShSceneRecord *scene = g_ptr_array_index (all->scenes, i);

      if (newest == NULL || strcmp (scene->stash_updated_at, newest) > 0)
        {
          g_free (newest);
          newest = g_strdup (scene->stash_updated_at);
        }
    }

  none = find_scenes (fixture->client, 0, 500, newest, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->scenes->len, ==, 0);
  g_assert_cmpint (none->count, ==, 0);

  sh_fake_stash_touch_scene (fixture->fake, 77);
  sh_fake_stash_change_scene_file (fixture->fake, 500);
  changed = find_scenes (fixture->client, 0, 500, newest, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed->scenes->len, ==, 2);
  g_assert_cmpint (((ShSceneRecord *) g_ptr_array_index (changed->scenes, 0))->id, ==, 77);
  g_assert_cmpint (((ShSceneRecord *) g_ptr_array_index (changed->scenes, 1))->id, ==, 500);
}

static char *
latest_scene_update (Fixture  *fixture,
                     GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_stash_client_latest_scene_update_async (fixture->client, NULL, store_result, &result);

  return sh_stash_client_latest_scene_update_finish (fixture->client, wait_result (&result),
                                                     error);
}

/* Where Stash is now: the newest updated_at, as its text; "" without scenes; a clear
 * error for an answer of the wrong shape. */
static void
test_latest_scene_update (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const char *bodies[] = {
    "{\"data\": {\"findScenes\": null}}",
    "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"1\"}]}}}",
    "{\"data\": {\"findScenes\": {\"scenes\": [{\"updated_at\": 17}]}}}",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *latest = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(JsonNode) variables = NULL;
  JsonObject *filter;

  sh_fake_stash_touch_scene (fixture->fake, 77);
  expected = sh_fake_stash_dup_scene_updated_at (fixture->fake, 77);
  latest = latest_scene_update (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (latest, ==, expected);

  /* One scene, the newest first: Stash sorts the text itself. */
  variables = sh_fake_stash_dup_last_variables (fixture->fake, "LatestSceneUpdate");
  filter = json_object_get_object_member (json_node_get_object (variables), "filter");
  g_assert_cmpint (json_object_get_int_member (filter, "per_page"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (filter, "sort"), ==, "updated_at");
  g_assert_cmpstr (json_object_get_string_member (filter, "direction"), ==, "DESC");

  sh_fake_stash_set_scene_count (fixture->fake, 0);
  empty = latest_scene_update (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (empty, ==, "");

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *bad = NULL;

      sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json", bodies[i]);
      bad = latest_scene_update (fixture, &error);
      g_assert_null (bad);
      g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, "Stash sent an unexpected answer"));
      g_clear_error (&error);
    }
}

static void
wait_for_job_status (Fixture          *fixture,
                     const char       *job_id,
                     ShStashJobStatus  status)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(ShStashJob) job = NULL;
      g_autoptr(GError) error = NULL;

      sh_stash_client_find_job_async (fixture->client, job_id, NULL, store_result, &result);
      g_assert_true (sh_stash_client_find_job_finish (fixture->client, wait_result (&result),
                                                      &job, &error));
      g_assert_no_error (error);
      g_assert_nonnull (job);
      if (job->status == status)
        return;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

static void
test_jobs (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(JsonNode) input = json_from_string ("{\"covers\": true, \"sceneIDs\": [\"1\", \"2\"]}",
                                                NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(ShStashJob) job = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autofree char *job_id = NULL;

  /* An empty queue is null on the wire and an empty array here. */
  sh_stash_client_job_queue_async (fixture->client, NULL, store_result, &result);
  queue = sh_stash_client_job_queue_finish (fixture->client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 0);
  g_clear_object (&result);
  g_clear_pointer (&queue, g_ptr_array_unref);

  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_job_speed (fixture->fake, 200);
  sh_stash_client_metadata_generate_async (fixture->client, input, NULL, store_result, &result);
  job_id = sh_stash_client_metadata_generate_finish (fixture->client, wait_result (&result),
                                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job_id, ==, "1");
  g_clear_object (&result);

  sent = sh_fake_stash_dup_last_variables (fixture->fake, "MetadataGenerate");
  g_assert_true (json_object_get_boolean_member (
      json_object_get_object_member (json_node_get_object (sent), "input"), "covers"));

  sh_stash_client_job_queue_async (fixture->client, NULL, store_result, &result);
  queue = sh_stash_client_job_queue_finish (fixture->client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_assert_cmpstr (((ShStashJob *) g_ptr_array_index (queue, 0))->id, ==, "1");
  g_assert_nonnull (((ShStashJob *) g_ptr_array_index (queue, 0))->add_time);
  g_clear_object (&result);

  wait_for_job_status (fixture, job_id, SH_STASH_JOB_FINISHED);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 1) & SH_FAKE_ARTIFACT_COVER, ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 3) & SH_FAKE_ARTIFACT_COVER, !=, 0);

  /* Stop a running job: STOPPING, then CANCELLED. */
  g_clear_pointer (&job_id, g_free);
  g_clear_pointer (&input, json_node_unref);
  input = json_from_string ("{\"covers\": true}", NULL);
  sh_stash_client_metadata_generate_async (fixture->client, input, NULL, store_result, &result);
  job_id = sh_stash_client_metadata_generate_finish (fixture->client, wait_result (&result),
                                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job_id, ==, "2");
  g_clear_object (&result);
  wait_for_job_status (fixture, job_id, SH_STASH_JOB_RUNNING);

  sh_stash_client_stop_job_async (fixture->client, job_id, NULL, store_result, &result);
  g_assert_true (sh_stash_client_stop_job_finish (fixture->client, wait_result (&result),
                                                  &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_for_job_status (fixture, job_id, SH_STASH_JOB_CANCELLED);

  /* An unknown job is null, not an error. */
  sh_stash_client_find_job_async (fixture->client, "999", NULL, store_result, &result);
  g_assert_true (sh_stash_client_find_job_finish (fixture->client, wait_result (&result),
                                                  &job, &error));
  g_assert_no_error (error);
  g_assert_null (job);
}

static void
probe (Fixture     *fixture,
       const char  *path,
       guint       *status,
       char       **content_type)
{
  g_autofree char *uri = g_strconcat (sh_fake_stash_get_url (fixture->fake), path, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_stash_client_probe_async (fixture->client, uri, NULL, store_result, &result);
  g_assert_true (sh_stash_client_probe_finish (fixture->client, wait_result (&result), status,
                                               content_type, &error));
  g_assert_no_error (error);
}

static void
test_probe (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *type = NULL;
  guint status = 0;

  sh_fake_stash_set_missing (fixture->fake, 10, SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_COVER,
                             TRUE);

  probe (fixture, "/scene/11/preview", &status, NULL);
  g_assert_cmpuint (status, ==, 206);
  probe (fixture, "/scene/10/preview", &status, NULL);
  g_assert_cmpuint (status, ==, 404);

  /* The cover is always 200; a missing one is Stash's default SVG. */
  probe (fixture, "/scene/11/screenshot", &status, &type);
  g_assert_cmpuint (status / 100, ==, 2);
  g_assert_cmpstr (type, ==, "image/png");
  g_clear_pointer (&type, g_free);
  probe (fixture, "/scene/10/screenshot", &status, &type);
  g_assert_cmpuint (status / 100, ==, 2);
  g_assert_cmpstr (type, ==, "image/svg+xml");
}

/* Everything logged while the key is in use, to prove it never shows up. */
static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append (captured_log, fields[i].value);
      else
        g_string_append_len (captured_log, fields[i].value, fields[i].length);
      g_string_append_c (captured_log, ' ');
    }
  g_string_append_c (captured_log, '\n');

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  return G_LOG_WRITER_HANDLED;
}

static void
test_key_never_logged (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(ShFakeStash) fake = sh_fake_stash_new ();
      g_autoptr(ShStashClient) client = NULL;
      g_autoptr(ShStashServerInfo) info = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(ShStashScenePage) page = NULL;
      g_autofree char *redacted = NULL;

      captured_log = g_string_new (NULL);
      g_log_set_writer_func (capture_writer, NULL, NULL);
      /* Every debug message too. */
      g_log_set_debug_enabled (TRUE);
      sh_core_init ();

      sh_fake_stash_set_scene_count (fake, 10);
      sh_fake_stash_set_api_key (fake, API_KEY);
      sh_fake_stash_start (fake, 0, &error);
      g_assert_no_error (error);
      client = sh_stash_client_new (sh_fake_stash_get_url (fake), API_KEY, &error);
      g_assert_no_error (error);

      info = test_connection (client, &error);
      g_assert_no_error (error);
      page = find_scenes (client, 0, 10, NULL, TRUE, &error);
      g_assert_no_error (error);

      /* Failures too: their messages must not carry the key either. */
      sh_fake_stash_fail_requests (fake, 1, 502, "text/html", "<html>" API_KEY "</html>");
      g_clear_pointer (&info, sh_stash_server_info_free);
      info = test_connection (client, &error);
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, API_KEY));
      g_clear_error (&error);
      sh_fake_stash_stop (fake);
      info = test_connection (client, &error);
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, API_KEY));

      g_assert_cmpuint (captured_log->len, >, 0);
      g_assert_null (strstr (captured_log->str, API_KEY));

      redacted = sh_stash_redact ("GET http://h/scene/1/stream?apikey=" API_KEY "&x=1 key "
                                  API_KEY, API_KEY);
      g_assert_null (strstr (redacted, API_KEY));
      g_assert_nonnull (strstr (redacted, "x=1"));
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout_unmatched ("*" API_KEY "*");
  g_test_trap_assert_stderr_unmatched ("*" API_KEY "*");
}

static ShStashMediaPage *
find_media_scenes (Fixture             *fixture,
                   const gint64        *ids,
                   guint                n_ids,
                   gint64               first_id,
                   gint64               last_id,
                   guint                per_page,
                   ShStashMediaFields   fields,
                   GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_stash_client_find_media_scenes_async (fixture->client, ids, n_ids, first_id, last_id,
                                           per_page, fields, NULL, store_result, &result);

  return sh_stash_client_find_media_scenes_finish (fixture->client, wait_result (&result),
                                                   error);
}

static GArray *
find_missing_covers (Fixture  *fixture,
                     gint64    first_id,
                     gint64    last_id,
                     guint     per_page,
                     GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_stash_client_find_missing_covers_async (fixture->client, first_id, last_id, per_page,
                                             NULL, store_result, &result);

  return sh_stash_client_find_missing_covers_finish (fixture->client, wait_result (&result),
                                                     error);
}

static const ShStashMediaScene *
media_scene (const ShStashMediaPage *page,
             guint                   index)
{
  g_assert_cmpuint (index, <, page->scenes->len);

  return &g_array_index (page->scenes, ShStashMediaScene, index);
}

static void
test_media_scenes (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const gint64 given[] = { 2, 5 };
  static const gint64 unknown[] = { 5, 5000 };
  g_autoptr(ShStashMediaPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *preview = NULL;
  const ShStashMediaScene *scene;
  const ShStashMediaMarker *marker;

  sh_fake_stash_set_missing (fixture->fake, 5, SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_PHASH,
                             TRUE);

  /* Given ids: every address filled in, missing file or not; filters and count ignored. */
  page = find_media_scenes (fixture, given, G_N_ELEMENTS (given), 0, 0, 1,
                            SH_STASH_MEDIA_FIELDS_PATHS | SH_STASH_MEDIA_FIELDS_MARKERS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->scenes->len, ==, 2);
  g_assert_cmpint (page->count, ==, -1);
  scene = media_scene (page, 0);
  g_assert_cmpint (scene->id, ==, 2);
  g_assert_true (scene->has_file);
  g_assert_nonnull (scene->phash);
  g_assert_cmpfloat (scene->duration, >, 0);
  g_assert_nonnull (scene->markers);
  g_assert_cmpuint (scene->markers->len, ==, 0);
  scene = media_scene (page, 1);
  g_assert_cmpint (scene->id, ==, 5);
  g_assert_null (scene->phash);
  preview = g_strconcat (sh_fake_stash_get_url (fixture->fake), "/scene/5/preview", NULL);
  g_assert_cmpstr (scene->preview, ==, preview);
  g_assert_true (g_str_has_suffix (scene->vtt, "_thumbs.vtt"));
  g_assert_nonnull (scene->sprite);
  g_assert_nonnull (scene->webp);
  g_assert_cmpuint (scene->markers->len, ==, 2);
  marker = &g_array_index (scene->markers, ShStashMediaMarker, 0);
  g_assert_true (marker->has_seconds);
  g_assert_true (g_str_has_suffix (marker->screenshot, "/scene/5/scene_marker/5001/screenshot"));
  g_assert_nonnull (marker->stream);
  g_assert_nonnull (marker->preview);
  g_clear_pointer (&page, sh_stash_media_page_free);

  /* One unknown id fails the whole query. */
  page = find_media_scenes (fixture, unknown, G_N_ELEMENTS (unknown), 0, 0, 10,
                            SH_STASH_MEDIA_FIELDS_NONE, &error);
  g_assert_null (page);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_GRAPHQL);
  g_assert_nonnull (strstr (error->message, "scene with id 5000 not found"));
  g_clear_error (&error);

  /* A range, by key: the count on request; without the fields, no paths and no markers. */
  page = find_media_scenes (fixture, NULL, 0, 4, 9, 2, SH_STASH_MEDIA_FIELDS_COUNT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->count, ==, 6);
  g_assert_cmpuint (page->scenes->len, ==, 2);
  g_assert_cmpint (media_scene (page, 0)->id, ==, 4);
  g_assert_cmpint (media_scene (page, 1)->id, ==, 5);
  g_assert_null (media_scene (page, 1)->preview);
  g_assert_null (media_scene (page, 1)->markers);
  g_clear_pointer (&page, sh_stash_media_page_free);

  /* Interactive scenes (10, 20, …) have a heatmap address and a speed. */
  page = find_media_scenes (fixture, NULL, 0, 10, 10, 5, SH_STASH_MEDIA_FIELDS_PATHS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->scenes->len, ==, 1);
  g_assert_true (media_scene (page, 0)->interactive);
  g_assert_true (media_scene (page, 0)->has_interactive_speed);
  g_assert_nonnull (media_scene (page, 0)->interactive_heatmap);
}

static void
test_missing_covers (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  sh_fake_stash_set_missing (fixture->fake, 5, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 9, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 12, SH_FAKE_ARTIFACT_COVER, TRUE);

  ids = find_missing_covers (fixture, 6, 60, 250, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 9);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 12);
  g_clear_pointer (&ids, g_array_unref);

  /* A page by key: the first ones in id order. */
  ids = find_missing_covers (fixture, 1, 60, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 5);
}

/* What a broken or hostile answer about media does: never a crash, never a scene that was
 * not asked for (paging by key would not end), and the quirks of a valid one. */
static void
test_media_shape (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const gint64 given[] = { 2, 5 };
  static const struct {
    gboolean    given;
    const char *body;
  } bad[] = {
    { FALSE, "{\"data\": {\"findScenes\": {\"count\": 3}}}" },
    { FALSE, "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"5\"}, {\"id\": \"4\"}]}}}" },
    { FALSE, "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"4\"}, {\"id\": \"4\"}]}}}" },
    { FALSE, "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"11\"}]}}}" },
    { FALSE, "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"x\"}]}}}" },
    { FALSE, "{\"data\": {\"findScenes\": {\"scenes\": [7]}}}" },
    { TRUE, "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"3\"}]}}}" },
    { FALSE, "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"1\", \"files\": [{}],"
             " \"scene_markers\": [{\"seconds\": 1}, 2]}]}}}" },
  };
  g_autoptr(ShStashMediaPage) page = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  const ShStashMediaScene *scene;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json", bad[i].body);
      page = find_media_scenes (fixture, bad[i].given ? given : NULL,
                                bad[i].given ? G_N_ELEMENTS (given) : 0, 1, 10, 10,
                                SH_STASH_MEDIA_FIELDS_MARKERS, &error);
      g_test_message ("%s: %s", bad[i].body, error ? error->message : "no error");
      g_assert_null (page);
      g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE);
      g_clear_error (&error);
    }

  sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json",
                               "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"61\"}]}}}");
  ids = find_missing_covers (fixture, 1, 60, 10, &error);
  g_assert_null (ids);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  /* Without a primary file nothing else is read; a null speed is no speed, 0 is one; a
   * marker without a time or address is kept as such. */
  sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json",
                               "{\"data\": {\"findScenes\": {\"scenes\": ["
                               "{\"id\": \"1\", \"files\": [], \"scene_markers\": [3]},"
                               "{\"id\": \"2\", \"interactive\": true,"
                               " \"interactive_speed\": null, \"files\": [{\"phash\": null}]},"
                               "{\"id\": \"3\", \"interactive\": true, \"interactive_speed\": 0,"
                               " \"files\": [{\"duration\": 12.5}], \"paths\": null,"
                               " \"scene_markers\": [{\"seconds\": null}]}]}}}");
  page = find_media_scenes (fixture, NULL, 0, 1, 10, 10, SH_STASH_MEDIA_FIELDS_PATHS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->scenes->len, ==, 3);
  scene = media_scene (page, 0);
  g_assert_false (scene->has_file);
  g_assert_null (scene->markers);
  scene = media_scene (page, 1);
  g_assert_true (scene->has_file);
  g_assert_null (scene->phash);
  g_assert_cmpfloat (scene->duration, ==, -1);
  g_assert_true (scene->interactive);
  g_assert_false (scene->has_interactive_speed);
  scene = media_scene (page, 2);
  g_assert_true (scene->has_interactive_speed);
  g_assert_cmpfloat (scene->duration, ==, 12.5);
  g_assert_null (scene->sprite);
  g_assert_cmpuint (scene->markers->len, ==, 1);
  g_assert_false (g_array_index (scene->markers, ShStashMediaMarker, 0).has_seconds);
  g_assert_null (g_array_index (scene->markers, ShStashMediaMarker, 0).stream);
}

static void
test_media_uri (void)
{
  static const struct {
    const char *base;
    const char *address;
    const char *expected;   /* NULL: not a web address */
  } cases[] = {
    { "http://127.0.0.1:9999", "http://127.0.0.1:9999/scene/1/preview",
      "http://127.0.0.1:9999/scene/1/preview" },
    /* Stash's external_host, or the Host it was asked by: the key goes only to the
     * configured server, at the same path. */
    { "http://127.0.0.1:9999", "https://stash.example/scene/1/vtt/thumbs?t=1",
      "http://127.0.0.1:9999/scene/1/vtt/thumbs?t=1" },
    { "https://Stash.Example", "https://stash.example:443/scene/2/webp",
      "https://stash.example:443/scene/2/webp" },
    { "http://localhost:9999", "ftp://localhost:9999/scene/1/preview", NULL },
    { "http://localhost:9999", "/scene/1/preview", NULL },
    { "http://localhost:9999", "not an address", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ShStashClient) client = sh_stash_client_new (cases[i].base, "KEY", NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = sh_stash_client_dup_media_uri (client, cases[i].address, &error);

      g_assert_cmpstr (uri, ==, cases[i].expected);
      if (cases[i].expected == NULL)
        g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE);
      else
        g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/stash/client/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("test-connection", test_connection_ok);
  ADD ("test-connection-no-ffmpeg", test_connection_no_ffmpeg);
  g_test_add_func ("/stash/client/invalid-url", test_invalid_url);
  ADD ("api-key", test_api_key);
  ADD ("key-without-auth", test_key_without_auth);
  ADD ("error/http-502-html", test_http_502_html);
  ADD ("error/not-stash", test_not_stash);
  ADD ("error/not-json", test_not_json);
  ADD ("error/bad-shape", test_bad_shape);
  ADD ("error/graphql", test_graphql_error);
  ADD ("error/timeout", test_timeout);
  ADD ("error/cannot-connect", test_cannot_connect);
  ADD ("error/cancelled", test_cancelled);
  ADD ("error/nested", test_nested);
  ADD ("error/trickle", test_trickle);
  ADD ("error/huge", test_huge);
  ADD ("error/truthful", test_truthful_errors);
  g_test_add_func ("/stash/client/error/tls", test_tls);
  ADD ("find-scenes/paging", test_find_scenes);
  ADD ("find-scenes/fields", test_find_scenes_fields);
  ADD ("find-scenes/updated-after", test_find_scenes_updated_after);
  ADD ("latest-scene-update", test_latest_scene_update);
  ADD ("jobs", test_jobs);
  ADD ("probe", test_probe);
  ADD ("media/scenes", test_media_scenes);
  ADD ("media/missing-covers", test_missing_covers);
  ADD ("media/shape", test_media_shape);
  g_test_add_func ("/stash/client/media/uri", test_media_uri);
  g_test_add_func ("/stash/client/key-never-logged", test_key_never_logged);

#undef ADD

  return g_test_run ();
}
