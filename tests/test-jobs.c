/* test-jobs.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The job engine and the job types against the fake Stash over loopback. Built twice: on
 * SQLite (`unit`) and, with SH_TEST_POSTGRES, on the PostgreSQL server of the `postgres`
 * suite.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-job-error.h"
#include "sh-job-context.h"
#include "sh-generate-options.h"
#include "sh-job-manager.h"
#include "sh-scene-sync.h"
#include "sh-session.h"
#include "sh-stash-error.h"
#include "sh-test-utils.h"
#include "sh-types.h"

#ifdef SH_TEST_POSTGRES
# define BACKEND  "postgres"
# define POSTGRES TRUE
#else
# define BACKEND  "sqlite"
# define POSTGRES FALSE
#endif

#define N_SCENES 40

typedef struct
{
  ShFakeStash   *fake;
  ShStashClient *client;
  ShDatabase    *db;
  ShJobManager  *manager;
  gint64         server_id;
  char          *db_path;
} Fixture;

static ShJobManager *
new_manager (Fixture    *fixture,
             ShDatabase *db)
{
  ShJobManager *manager = sh_job_manager_new (db, fixture->client, fixture->server_id);

  /* Fast tests: poll often, give up early. */
  sh_job_manager_set_poll_interval (manager, 100);
  sh_job_manager_set_grace_period (manager, 3);
  sh_job_manager_set_stop_timeout (manager, 10);
  return manager;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_core_init ();
  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_set_job_speed (fixture->fake, 5);
  /* Nothing generated yet: every scene is a task for Stash. */
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);
  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);

  fixture->db_path = g_build_filename (g_get_user_data_dir (), "jobs-test.db", NULL);
  fixture->db = sh_test_open_database (POSTGRES, fixture->db_path);
  sh_database_ensure_server_async (fixture->db, sh_fake_stash_get_url (fixture->fake), NULL,
                                   sh_test_store_result, &result);
  fixture->server_id = sh_database_ensure_server_finish (fixture->db, sh_test_await (&result),
                                                         &error);
  g_assert_no_error (error);
  fixture->manager = new_manager (fixture, fixture->db);
}

static void
flush (void)
{
  for (guint i = 0; i < 10; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  flush ();
  g_assert_finalize_object (fixture->manager);
  sh_database_close (fixture->db);
  g_assert_finalize_object (fixture->db);
  g_assert_finalize_object (fixture->client);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (fixture->fake);
  g_free (fixture->db_path);
  flush ();
}

static ShJob *
create_job (ShJobManager  *manager,
            const char    *type,
            const char    *parameters_json,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = parameters_json ? json_from_string (parameters_json, NULL) : NULL;

  sh_job_manager_create_async (manager, type, node ? json_node_get_object (node) : NULL, NULL,
                               NULL, sh_test_store_result, &result);
  return sh_job_manager_create_finish (manager, sh_test_await (&result), error);
}

static void
run_job (ShJobManager *manager,
         ShJob        *job)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_job_manager_run_async (manager, job, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_manager_run_finish (manager, sh_test_await (&result), &error));
  g_assert_no_error (error);
}

static ShJob *
create_and_run (Fixture    *fixture,
                const char *type,
                const char *parameters_json)
{
  g_autoptr(GError) error = NULL;
  ShJob *job = create_job (fixture->manager, type, parameters_json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  run_job (fixture->manager, job);

  return job;
}

static guint64
count (Fixture           *fixture,
       ShGeneratedFilter  filter)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShSceneStore *store = sh_job_manager_get_scene_store (fixture->manager);
  guint64 n = 0;

  sh_scene_store_count_async (store, fixture->server_id, filter, NULL, sh_test_store_result,
                              &result);
  g_assert_true (sh_scene_store_count_finish (store, sh_test_await (&result), &n, &error));
  g_assert_no_error (error);

  return n;
}

static void
sync_scenes (Fixture *fixture)
{
  g_autoptr(ShJob) job = create_and_run (fixture, "sync_scenes", "{\"full\": true}");

  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
}

static void
set_generated (Fixture      *fixture,
               const gint64 *ids,
               guint         n_ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShSceneStore *store = sh_job_manager_get_scene_store (fixture->manager);

  sh_scene_store_set_generated_async (store, fixture->server_id, ids, n_ids, TRUE, NULL,
                                      sh_test_store_result, &result);
  sh_scene_store_set_generated_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
}

static gint64
result_int (ShJob      *job,
            const char *member)
{
  g_autoptr(JsonObject) result = sh_job_dup_result (job);

  g_assert_nonnull (result);
  g_assert_true (json_object_has_member (result, member));
  return json_object_get_int_member (result, member);
}

static void
wait_until (gboolean (*predicate) (gpointer),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
stash_job_running (gpointer data)
{
  ShJob *job = data;
  const char *message = sh_job_get_message (job);

  return sh_job_get_stash_job_id (job) != NULL && sh_job_get_progress (job) > 0 &&
         message != NULL && strstr (message, "Generating") != NULL;
}

/* Starts a job without waiting for it; the result lands in *slot. */
static void
start_job (Fixture       *fixture,
           ShJob         *job,
           GAsyncResult **slot)
{
  sh_job_manager_run_async (fixture->manager, job, NULL, sh_test_store_result, slot);
}

/* The seed's testing checklist, backend lines: the handler runs, reports progress, can be
 * cancelled, completes with the expected result structure. */

static void
test_sync_job (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(ShJob) job = create_and_run (fixture, "sync_scenes", NULL);
  g_autoptr(JsonObject) parameters = sh_job_dup_parameters (job);

  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_false (json_object_get_boolean_member (parameters, "full"));
  g_assert_cmpint (sh_job_get_processed_items (job), ==, N_SCENES);
  g_assert_cmpint (sh_job_get_total_items (job), ==, N_SCENES);
  g_assert_cmpfloat (sh_job_get_progress (job), ==, 100);
  g_assert_cmpint (result_int (job, "synced"), ==, N_SCENES);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);
}

static void
test_generate_defaults (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) expected = NULL;
  JsonObject *input;

  sync_scenes (fixture);
  job = create_and_run (fixture, "stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);

  /* Exactly the seed's defaults, and the ids of the 40 not-generated scenes (few enough
   * to send, so that Stash does exactly what the window says). */
  sent = sh_fake_stash_dup_last_variables (fixture->fake, "MetadataGenerate");
  input = json_object_get_object_member (json_node_get_object (sent), "input");
  expected = json_from_string ("{\"covers\": true, \"sprites\": true, \"previews\": true,"
                               " \"imagePreviews\": false, \"markers\": true,"
                               " \"markerImagePreviews\": false, \"markerScreenshots\": true,"
                               " \"transcodes\": false, \"forceTranscodes\": false,"
                               " \"phashes\": true, \"interactiveHeatmapsSpeeds\": false,"
                               " \"clipPreviews\": true, \"imageThumbnails\": true,"
                               " \"overwrite\": false,"
                               " \"previewOptions\": {\"previewSegments\": 12,"
                               " \"previewSegmentDuration\": 0.75, \"previewExcludeStart\": \"0\","
                               " \"previewExcludeEnd\": \"0\", \"previewPreset\": \"slow\"},"
                               " \"sceneIDs\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\","
                               " \"11\",\"12\",\"13\",\"14\",\"15\",\"16\",\"17\",\"18\",\"19\",\"20\","
                               " \"21\",\"22\",\"23\",\"24\",\"25\",\"26\",\"27\",\"28\",\"29\",\"30\","
                               " \"31\",\"32\",\"33\",\"34\",\"35\",\"36\",\"37\",\"38\",\"39\",\"40\"]}",
                               NULL);
  {
    g_autoptr(JsonNode) input_node = json_node_init_object (json_node_alloc (), input);

    if (!json_node_equal (input_node, expected))
      {
        g_autofree char *text = json_to_string (input_node, FALSE);

        g_error ("Generate sent %s", text);
      }
  }

  /* The result of the seed, without an unbounded id list. */
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, N_SCENES);
  {
    g_autoptr(JsonObject) result = sh_job_dup_result (job);

    g_assert_cmpstr (json_object_get_string_member (result, "job_id"), ==, sh_job_get_id (job));
    g_assert_cmpstr (json_object_get_string_member (result, "stash_job_id"), ==, "1");
    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "completed");
    g_assert_true (json_object_has_member (result, "start_time"));
    g_assert_true (json_object_has_member (result, "end_time"));
    g_assert_false (json_object_has_member (result, "scenes_updated"));
  }
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 0);
}

static void
test_generate_tracked_only (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const gint64 done[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) sync_result = NULL;
  g_autoptr(GError) error = NULL;
  guint new_id;

  sync_scenes (fixture);
  set_generated (fixture, done, G_N_ELEMENTS (done));
  sh_fake_stash_set_job_speed (fixture->fake, 50);

  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  g_assert_no_error (error);
  start_job (fixture, job, &result);
  wait_until (stash_job_running, job);

  /* A scene that arrives in the mirror during the run is not the run's. */
  new_id = sh_fake_stash_add_scene (fixture->fake);
  sh_scene_sync_run_async (fixture->client, sh_job_manager_get_scene_store (fixture->manager),
                           fixture->server_id, FALSE, 0, NULL, NULL, NULL,
                           sh_test_store_result, &sync_result);
  g_assert_true (sh_scene_sync_run_finish (sh_test_await (&sync_result), NULL, &error));
  g_assert_no_error (error);

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (sh_job_get_total_items (job), ==, N_SCENES - 10);
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, N_SCENES - 10);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 1);
  g_assert_cmpuint (new_id, >, N_SCENES);
}

static void
test_generate_specific (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) unknown = NULL;
  g_autoptr(JsonNode) sent = NULL;
  JsonArray *ids;

  sync_scenes (fixture);
  job = create_and_run (fixture, "stash_generate", "{\"sceneIDs\": [\"3\", 5]}");
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, 2);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 2);

  sent = sh_fake_stash_dup_last_variables (fixture->fake, "MetadataGenerate");
  ids = json_object_get_array_member (json_object_get_object_member (json_node_get_object (sent),
                                                                     "input"), "sceneIDs");
  g_assert_cmpuint (json_array_get_length (ids), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, "3");
  g_assert_cmpstr (json_array_get_string_element (ids, 1), ==, "5");

  /* An id the mirror does not have: Stash would silently do nothing, so refuse. */
  unknown = create_and_run (fixture, "stash_generate", "{\"sceneIDs\": [\"4\", \"9999\"]}");
  g_assert_cmpint (sh_job_get_status (unknown), ==, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (unknown), "9999"));
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 1);
}

static void
test_generate_nothing_to_do (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(ShJob) first = NULL;
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  first = create_and_run (fixture, "stash_generate", NULL);
  job = create_and_run (fixture, "stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 1);
}

static void
test_generate_invalid (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const char *bad[] = {
    "{\"covers\": \"yes\"}",
    "{\"sceneIDs\": [\"x\"]}",
    "{\"sceneIDs\": []}",
    "{\"previewOptions\": {\"previewPreset\": \"fastest\"}}",
    "{\"previewOptions\": {\"previewSegments\": 0}}",
    "{\"previewOptions\": {\"previewExcludeStart\": \"abc\"}}",
    "{\"cover\": true}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShJob) job = create_job (fixture->manager, "stash_generate", bad[i], &error);

      g_assert_null (job);
      g_assert_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS);
    }
}

/* Every failure leaves every flag as it was. */
static void
assert_nothing_written (Fixture *fixture,
                        ShJob   *job,
                        int      expected_status)
{
  g_assert_cmpint (sh_job_get_status (job), ==, expected_status);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 0);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, N_SCENES);
}

/* The message id that the job's stored row keeps beside its @which (`error` or
 * `message`), for readers in other languages; NULL when there is none. */
static char *
kept_msgid (Fixture    *fixture,
            ShJob      *job,
            const char *which)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJobRecord) record = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *texts;

  record = sh_test_get_job_record (sh_job_manager_get_job_store (fixture->manager),
                                   sh_job_get_id (job));
  if (record->result == NULL)
    return NULL;
  node = json_from_string (record->result, &error);
  g_assert_no_error (error);
  texts = json_object_get_object_member (json_node_get_object (node), SH_JOB_RESULT_TEXTS);
  if (texts == NULL || !json_object_has_member (texts, which))
    return NULL;

  return g_strdup (json_object_get_string_member (json_object_get_object_member (texts, which),
                                                  "msgid"));
}

/* @job's @which is kept as the message whose id begins with @prefix. */
static void
assert_kept (Fixture    *fixture,
             ShJob      *job,
             const char *which,
             const char *prefix)
{
  g_autofree char *msgid = kept_msgid (fixture, job, which);

  g_assert_nonnull (msgid);
  if (!g_str_has_prefix (msgid, prefix))
    g_error ("The job's %s is kept as “%s”, not “%s…”", which, msgid, prefix);
}

static void
test_generate_stash_failed (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  sh_fake_stash_fail_next_job (fixture->fake);
  job = create_and_run (fixture, "stash_generate", NULL);
  assert_nothing_written (fixture, job, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "failed"));
  assert_kept (fixture, job, "error", "Stash reported that the Generate job failed");
  assert_kept (fixture, job, "message", "Failed");
}

static void
test_generate_restarted (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 100);
  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  start_job (fixture, job, &result);
  wait_until (stash_job_running, job);

  sh_fake_stash_restart (fixture->fake);
  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  assert_nothing_written (fixture, job, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "restarted"));
  /* Whichever of the ways to say it. */
  assert_kept (fixture, job, "error", "");
}

static void
test_generate_unreachable_at_start (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  sh_fake_stash_stop (fixture->fake);
  job = create_and_run (fixture, "stash_generate", NULL);
  assert_nothing_written (fixture, job, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "Cannot connect"));
  assert_kept (fixture, job, "error", "Cannot connect to Stash at %s: %s.");
}

static void
test_generate_unreachable_past_grace (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 100);
  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  start_job (fixture, job, &result);
  wait_until (stash_job_running, job);

  sh_fake_stash_stop (fixture->fake);
  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  assert_nothing_written (fixture, job, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "unreachable"));
  assert_kept (fixture, job, "error", "Stash was unreachable for more than %s second");
}

static void
test_generate_unauthorized (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_api_key (fixture->fake, "needed");
  job = create_and_run (fixture, "stash_generate", NULL);
  assert_nothing_written (fixture, job, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "API key"));
}

static void
test_generate_http_502 (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  sh_fake_stash_fail_requests (fixture->fake, 1, 502, "text/html",
                               "<html><h1>502 Bad Gateway</h1></html>");
  job = create_and_run (fixture, "stash_generate", NULL);
  assert_nothing_written (fixture, job, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "502"));
}

static void
test_generate_cancel (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 200);
  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  start_job (fixture, job, &result);
  wait_until (stash_job_running, job);

  sh_job_manager_cancel (fixture->manager, job);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_CANCELLING);

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  assert_nothing_written (fixture, job, SH_JOB_CANCELLED);
  assert_kept (fixture, job, "message", "Cancelled");
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "StopJob"), ==, 1);
  /* Never cancelled here while Stash still runs it. */
  status = sh_fake_stash_dup_job_status (fixture->fake, sh_job_get_stash_job_id (job));
  g_assert_cmpstr (status, ==, "CANCELLED");
}

typedef struct
{
  ShJobManager *manager;
  ShJob        *job;
  gboolean      cancelled;
} CancelOnFinish;

static void
on_fake_job_changed (ShFakeStash    *fake,
                     const char     *job_id,
                     const char     *status,
                     CancelOnFinish *data)
{
  /* The user presses Cancel just as Stash finishes: the stop comes too late. */
  if (g_str_equal (status, "FINISHED") && !data->cancelled)
    {
      data->cancelled = TRUE;
      sh_job_manager_cancel (data->manager, data->job);
    }
}

static void
test_generate_finished_before_stop (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CancelOnFinish data = { 0 };
  gulong handler;

  sync_scenes (fixture);
  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  data.manager = fixture->manager;
  data.job = job;
  handler = g_signal_connect (fixture->fake, "job-changed", G_CALLBACK (on_fake_job_changed),
                              &data);
  start_job (fixture, job, &result);

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  g_signal_handler_disconnect (fixture->fake, handler);
  g_assert_true (data.cancelled);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES);
}

static void
test_generate_websocket_drop (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 40);
  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  start_job (fixture, job, &result);
  wait_until (stash_job_running, job);

  /* No socket for the rest of the run: polling alone sees it to the end. */
  sh_fake_stash_set_websockets_enabled (fixture->fake, FALSE);
  sh_fake_stash_drop_websockets (fixture->fake);

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "FindJob"), >, 2);
}

typedef struct
{
  char   *job_id;
  gint64  seconds;
} AgeData;

static gpointer
age_owner_func (ShDatabase     *db,
                GdaConnection  *cnc,
                gpointer        data,
                GCancellable   *cancellable,
                GError        **error)
{
  AgeData *age = data;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "UPDATE job_owner SET heartbeat_at = heartbeat_at - "
                                   "##seconds::gint64 WHERE job_id = ##id::string",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "seconds", age->seconds);
  sh_database_set_string (params, "id", age->job_id);

  return sh_database_execute (db, stmt, params, error) == 1 ? GINT_TO_POINTER (TRUE) : NULL;
}

/* Moves the heartbeat of a job's owner @seconds into the past, by the database's own
 * value: as if the owner had died then. */
static void
age_owner (Fixture    *fixture,
           const char *job_id,
           gint64      seconds)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AgeData age = { (char *) job_id, seconds };

  sh_database_run_async (fixture->db, age_owner_func, &age, NULL, NULL, NULL,
                         sh_test_store_result, &result);
  g_assert_nonnull (sh_database_run_finish (fixture->db, sh_test_await (&result), &error));
  g_assert_no_error (error);
}

/* A crash is simulated by a job row left running, with an old heartbeat. */
static ShJob *
leave_running_job (Fixture    *fixture,
                   const char *stash_job_id,
                   const char *add_time)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) snapshot_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = create_job (fixture->manager, "stash_generate", NULL, &error);
  g_autoptr(ShJobRecord) record = NULL;
  ShJobStore *store = sh_job_manager_get_job_store (fixture->manager);

  g_assert_no_error (error);
  sh_job_store_snapshot_tracked_async (store, sh_job_get_id (job), fixture->server_id, NULL, 0,
                                       NULL, sh_test_store_result, &snapshot_result);
  sh_job_store_snapshot_tracked_finish (store, sh_test_await (&snapshot_result), &error);
  g_assert_no_error (error);

  record = sh_job_record_copy (sh_job_get_record (job));
  g_free (record->status);
  record->status = g_strdup ("running");
  record->stash_job_id = g_strdup (stash_job_id);
  record->stash_job_added_at = g_strdup (add_time);
  record->started_at = g_get_real_time () - 120 * G_USEC_PER_SEC;
  record->updated_at = g_get_real_time () - 60 * G_USEC_PER_SEC;
  sh_job_store_update_async (store, record, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_store_update_finish (store, sh_test_await (&result), &error));
  g_assert_no_error (error);
  /* Its owner (the manager that created it) went silent a minute ago. */
  age_owner (fixture, sh_job_get_id (job), 60);

  return g_object_ref (job);
}

static ShJob *
reload (Fixture    *fixture,
        const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShJob *job;

  sh_job_manager_get_job_async (fixture->manager, id, NULL, sh_test_store_result, &result);
  job = sh_job_manager_get_job_finish (fixture->manager, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return job;
}

static void
test_generate_reattach (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(JsonObject) options = json_object_new ();
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) load_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShStashJob) stash_job = NULL;
  g_autoptr(ShJob) left = NULL;
  g_autoptr(ShJob) lost = NULL;
  g_autoptr(ShJobManager) restarted = NULL;
  g_autofree char *stash_id = NULL;
  g_autofree char *lost_id = NULL;

  sync_scenes (fixture);

  /* A Stash job that StashHog started before it crashed, with the job's options (what
   * the re-attached job verifies). */
  g_assert_true (sh_generate_options_validate (options, NULL));
  input = sh_generate_options_to_input (options, NULL);
  sh_fake_stash_set_job_speed (fixture->fake, 50);
  sh_stash_client_metadata_generate_async (fixture->client, input, NULL, sh_test_store_result,
                                           &result);
  stash_id = sh_stash_client_metadata_generate_finish (fixture->client, sh_test_await (&result),
                                                       &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  sh_stash_client_find_job_async (fixture->client, stash_id, NULL, sh_test_store_result, &result);
  g_assert_true (sh_stash_client_find_job_finish (fixture->client, sh_test_await (&result),
                                                  &stash_job, &error));
  left = leave_running_job (fixture, stash_id, stash_job->add_time);

  /* It had begun verifying before it died: what it found then is not the outcome. */
  {
    g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_failure_free);
    g_autoptr(GAsyncResult) stale_result = NULL;
    ShJobStore *store = sh_job_manager_get_job_store (fixture->manager);

    g_ptr_array_add (stale, sh_scene_failure_new (1, "preview", NULL));
    sh_job_store_add_failures_async (store, sh_job_get_id (left), stale, NULL,
                                     sh_test_store_result, &stale_result);
    g_assert_true (sh_job_store_add_failures_finish (store, sh_test_await (&stale_result), &error));
  }

  /* The new process re-attaches and follows the same Stash job to the end. */
  restarted = new_manager (fixture, fixture->db);
  sh_job_manager_load_async (restarted, 0, TRUE, NULL, sh_test_store_result, &load_result);
  g_assert_true (sh_job_manager_load_finish (restarted, sh_test_await (&load_result), &error));
  g_assert_no_error (error);

  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (count (fixture, SH_GENERATED_YES) < N_SCENES)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
  /* The re-attached job is recorded as completed. */
  {
    g_autofree char *left_id = g_strdup (sh_job_get_id (left));
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    for (;;)
      {
        g_autoptr(ShJob) stored = NULL;

        flush ();
        stored = reload (fixture, left_id);
        if (sh_job_get_status (stored) == SH_JOB_COMPLETED)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (20000);
      }
  }
  g_clear_object (&restarted);

  /* A job whose Stash job no longer exists is failed, with the reason. */
  lost = leave_running_job (fixture, "77", "2026-01-01T00:00:00Z");
  lost_id = g_strdup (sh_job_get_id (lost));
  g_clear_object (&load_result);
  restarted = new_manager (fixture, fixture->db);
  sh_job_manager_load_async (restarted, 0, TRUE, NULL, sh_test_store_result, &load_result);
  g_assert_true (sh_job_manager_load_finish (restarted, sh_test_await (&load_result), &error));
  flush ();
  g_clear_object (&lost);
  lost = reload (fixture, lost_id);
  g_assert_cmpint (sh_job_get_status (lost), ==, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (lost), "no longer"));
  assert_kept (fixture, lost, "error", "StashHog stopped while this job was running");
  assert_kept (fixture, lost, "message", "Interrupted");
}

static void
load_manager (ShJobManager  *manager,
              ShJobRecovery  recovery)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_job_manager_load_async (manager, 0, recovery, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_manager_load_finish (manager, sh_test_await (&result), &error));
  g_assert_no_error (error);
  flush ();
}

/* A job left running: its row last written @row_age seconds ago by its writer's clock,
 * its owner's heartbeat @owner_age seconds old by the database's clock. */
static char *
leave_active_job (Fixture    *fixture,
                  const char *type,
                  gint64      row_age,
                  gint64      owner_age)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = create_job (fixture->manager, type, NULL, &error);
  g_autoptr(ShJobRecord) record = NULL;
  ShJobStore *store = sh_job_manager_get_job_store (fixture->manager);

  g_assert_no_error (error);
  record = sh_job_record_copy (sh_job_get_record (job));
  g_free (record->status);
  record->status = g_strdup ("running");
  record->started_at = g_get_real_time () - (row_age + 1) * G_USEC_PER_SEC;
  record->updated_at = g_get_real_time () - row_age * G_USEC_PER_SEC;
  sh_job_store_update_async (store, record, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_store_update_finish (store, sh_test_await (&result), &error));
  g_assert_no_error (error);
  if (owner_age > 0)
    age_owner (fixture, sh_job_get_id (job), owner_age);

  return g_strdup (sh_job_get_id (job));
}

/* Liveness is the owner's heartbeat by the database's clock, not the row's updated_at
 * (a writer's clock): a job whose owner beats is left alone however old its row, and
 * one whose owner fell silent is recovered however fresh its row. */
static void
test_liveness (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(ShJobManager) patient = NULL;
  g_autoptr(ShJobManager) restarted = NULL;
  g_autoptr(ShJob) beating = NULL;
  g_autoptr(ShJob) silent = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) orphaned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *beating_id = leave_active_job (fixture, "sync_scenes", 600, 0);
  g_autofree char *silent_id = leave_active_job (fixture, "check_stash_generate", 0, 60);
  ShJobStore *store = sh_job_manager_get_job_store (fixture->manager);

  /* Judged in SQL: only the silent one is orphaned. */
  sh_job_store_list_orphaned_async (store, fixture->server_id, 30, NULL, sh_test_store_result,
                                    &result);
  orphaned = sh_job_store_list_orphaned_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orphaned->len, ==, 1);
  g_assert_cmpstr (((ShJobRecord *) g_ptr_array_index (orphaned, 0))->id, ==, silent_id);

  /* With a longer threshold, a minute of silence is not death yet. */
  patient = new_manager (fixture, fixture->db);
  sh_job_manager_set_stale_after (patient, 120);
  load_manager (patient, SH_JOB_RECOVERY_REATTACH);
  silent = reload (fixture, silent_id);
  g_assert_cmpint (sh_job_get_status (silent), ==, SH_JOB_RUNNING);
  g_clear_object (&silent);

  restarted = new_manager (fixture, fixture->db);
  g_assert_cmpuint (sh_job_manager_get_stale_after (restarted), ==, 30);
  g_assert_cmpstr (sh_job_manager_get_owner (restarted), !=,
                   sh_job_manager_get_owner (fixture->manager));
  load_manager (restarted, SH_JOB_RECOVERY_FAIL);

  beating = reload (fixture, beating_id);
  g_assert_cmpint (sh_job_get_status (beating), ==, SH_JOB_RUNNING);
  silent = reload (fixture, silent_id);
  g_assert_cmpint (sh_job_get_status (silent), ==, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (silent), "stopped"));

  /* And the exclusive type is free again. */
  {
    g_autoptr(ShJob) check = create_job (fixture->manager, "check_stash_generate", NULL,
                                         &error);

    g_assert_no_error (error);
    g_assert_nonnull (check);
  }
}

/* Of two processes finding the same orphaned Generate, one re-attaches it. */
/* The Stash job a crashed process left behind, started with the options its job row has
 * (what the re-attached job verifies). */
static JsonNode *
default_generate_input (void)
{
  g_autoptr(JsonObject) options = json_object_new ();

  g_assert_true (sh_generate_options_validate (options, NULL));
  return sh_generate_options_to_input (options, NULL);
}

static void
test_reattach_once (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(JsonNode) input = default_generate_input ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) first_result = NULL;
  g_autoptr(GAsyncResult) second_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShStashJob) stash_job = NULL;
  g_autoptr(ShJob) left = NULL;
  g_autoptr(ShJobManager) first = NULL;
  g_autoptr(ShJobManager) second = NULL;
  g_autofree char *stash_id = NULL;
  guint running = 0;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 20);
  sh_stash_client_metadata_generate_async (fixture->client, input, NULL, sh_test_store_result,
                                           &result);
  stash_id = sh_stash_client_metadata_generate_finish (fixture->client, sh_test_await (&result),
                                                       &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  sh_stash_client_find_job_async (fixture->client, stash_id, NULL, sh_test_store_result, &result);
  g_assert_true (sh_stash_client_find_job_finish (fixture->client, sh_test_await (&result),
                                                  &stash_job, &error));
  left = leave_running_job (fixture, stash_id, stash_job->add_time);

  first = new_manager (fixture, fixture->db);
  second = new_manager (fixture, fixture->db);
  sh_job_manager_load_async (first, 0, SH_JOB_RECOVERY_REATTACH, NULL, sh_test_store_result,
                             &first_result);
  sh_job_manager_load_async (second, 0, SH_JOB_RECOVERY_REATTACH, NULL, sh_test_store_result,
                             &second_result);
  g_assert_true (sh_job_manager_load_finish (first, sh_test_await (&first_result), &error));
  g_assert_true (sh_job_manager_load_finish (second, sh_test_await (&second_result), &error));
  g_assert_no_error (error);

  running += sh_job_manager_is_running_here (first, left) ? 1 : 0;
  running += sh_job_manager_is_running_here (second, left) ? 1 : 0;
  g_assert_cmpuint (running, ==, 1);

  /* Wait for the one run to end. */
  {
    ShJobManager *owner = sh_job_manager_is_running_here (first, left) ? first : second;
    GListModel *jobs = sh_job_manager_get_jobs (owner);
    g_autoptr(ShJob) job = NULL;
    g_autoptr(GAsyncResult) wait_result = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (jobs) && job == NULL; i++)
      {
        g_autoptr(ShJob) item = g_list_model_get_item (jobs, i);

        if (g_strcmp0 (sh_job_get_id (item), sh_job_get_id (left)) == 0)
          job = g_steal_pointer (&item);
      }
    g_assert_nonnull (job);
    sh_job_manager_wait_async (owner, job, NULL, sh_test_store_result, &wait_result);
    g_assert_true (sh_job_manager_wait_finish (owner, sh_test_await (&wait_result), &error));
    g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  }
  flush ();
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES);
}

static gboolean
job_cancelling (gpointer data)
{
  return sh_job_get_status (data) == SH_JOB_CANCELLING;
}

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

/* Stash never confirms the stop: abandoning ends the job at once, failed, saying that
 * Stash may still be stopping its job; the Generate stops following it. */
static void
test_generate_abandon (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint polls;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 200);
  sh_fake_stash_set_stop_ignored (fixture->fake, TRUE);
  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  start_job (fixture, job, &result);
  wait_until (stash_job_running, job);

  sh_job_manager_cancel (fixture->manager, job);
  wait_until (job_cancelling, job);
  wait_ms (300);
  g_assert_null (result);

  g_assert_true (sh_job_manager_abandon (fixture->manager, job));
  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_FAILED);
  expected = g_strdup_printf ("Stash may still be stopping job %s", sh_job_get_stash_job_id (job));
  g_assert_nonnull (strstr (sh_job_get_error (job), expected));
  g_assert_false (sh_job_manager_is_running_here (fixture->manager, job));
  g_assert_false (sh_job_manager_abandon (fixture->manager, job));

  stored = reload (fixture, sh_job_get_id (job));
  g_assert_cmpint (sh_job_get_status (stored), ==, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (stored), expected));
  assert_kept (fixture, stored, "error", "StashHog stopped waiting for Stash to confirm the stop");
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 0);

  /* The Generate stopped polling Stash too. */
  wait_ms (500);
  polls = sh_fake_stash_get_request_count (fixture->fake, "FindJob");
  wait_ms (500);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "FindJob"), ==, polls);
}

static void
test_conflict (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) first = create_job (fixture->manager, "stash_generate", NULL, &error);
  g_autoptr(ShJob) second = NULL;
  g_autoptr(ShDatabase) other_db = NULL;
  g_autoptr(ShJobManager) other = NULL;

  g_assert_no_error (error);
  second = create_job (fixture->manager, "stash_generate", NULL, &error);
  g_assert_null (second);
  g_assert_error (error, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, sh_job_get_id (first)));
  g_clear_error (&error);

  /* So is a second maintenance run (the app's schedule and a systemd timer, say). */
  {
    g_autoptr(ShJob) run = create_job (fixture->manager, SH_JOB_TYPE_MAINTENANCE, NULL, &error);
    g_autoptr(ShJob) again = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (run);
    again = create_job (fixture->manager, SH_JOB_TYPE_MAINTENANCE, NULL, &error);
    g_assert_null (again);
    g_assert_error (error, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  /* Another process on the same database is refused too. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    other_db = sh_database_new (POSTGRES ? sh_test_postgres_url () : fixture->db_path, NULL);
    sh_database_open_async (other_db, NULL, sh_test_store_result, &result);
    g_assert_true (sh_database_open_finish (other_db, sh_test_await (&result), &error));
  }
  other = new_manager (fixture, other_db);
  second = create_job (other, "stash_generate", NULL, &error);
  g_assert_null (second);
  g_assert_error (error, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Other types are independent. */
  second = create_job (other, "sync_scenes", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&second);
  flush ();
  g_clear_object (&other);
  sh_database_close (other_db);
}

static void
test_retry (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(ShJob) failed = NULL;
  g_autoptr(ShJob) retried = NULL;
  g_autoptr(ShJob) completed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  sync_scenes (fixture);
  sh_fake_stash_fail_next_job (fixture->fake);
  failed = create_and_run (fixture, "stash_generate", "{\"sceneIDs\": [\"7\"], \"covers\": false}");
  g_assert_cmpint (sh_job_get_status (failed), ==, SH_JOB_FAILED);

  sh_job_manager_retry_async (fixture->manager, failed, NULL, sh_test_store_result, &result);
  retried = sh_job_manager_retry_finish (fixture->manager, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sh_job_get_id (retried), !=, sh_job_get_id (failed));
  a = sh_job_dup_parameters (failed);
  b = sh_job_dup_parameters (retried);
  g_assert_true (json_object_equal (a, b));
  run_job (fixture->manager, retried);
  g_assert_cmpint (sh_job_get_status (retried), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (retried, "scenes_updated_count"), ==, 1);

  /* A completed job is not retried. */
  g_clear_object (&result);
  sh_job_manager_retry_async (fixture->manager, retried, NULL, sh_test_store_result, &result);
  completed = sh_job_manager_retry_finish (fixture->manager, sh_test_await (&result), &error);
  g_assert_null (completed);
  g_assert_error (error, SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE);
}

/* A test job type that reports what the test asks for. */

static void
test_type_run_async (ShJobContext        *context,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  JsonObject *parameters = sh_job_context_get_parameters (context);
  const char *status = json_object_get_string_member_with_default (parameters, "status",
                                                                   "completed");
  g_autoptr(JsonObject) result = json_object_new ();

  /* A thousand updates in a row: the manager writes a few of them. */
  for (guint i = 1; i <= 1000; i++)
    {
      g_autofree char *message = g_strdup_printf ("Processed %u/1000", i);

      sh_job_set_progress (sh_job_context_get_job (context), i / 10.0, message);
    }

  json_object_set_string_member (result, "status", status);
  if (g_str_equal (status, "failed"))
    json_object_set_string_member (result, "error", "It broke.");
  if (g_str_equal (status, "completed_with_errors"))
    {
      JsonArray *errors = json_array_new ();

      json_array_add_string_element (errors, "one");
      json_array_add_string_element (errors, "two");
      json_object_set_array_member (result, "errors", errors);
    }
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) json_object_unref);
}

static JsonObject *
test_type_run_finish (GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static const ShJobTypeInfo test_type = {
  .name = "test_job",
  .label = "Test",
  .icon_name = "system-run-symbolic",
  .unit = "items",
  .exclusive = FALSE,
  .run_async = test_type_run_async,
  .run_finish = test_type_run_finish,
};

/* A job type that works until it is cancelled. */
static void
waiting_cancelled_cb (GCancellable *cancellable,
                      GTask        *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
}

static void
waiting_type_run_async (ShJobContext        *context,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_check_cancellable (task, FALSE);
  sh_job_set_progress (sh_job_context_get_job (context), 10, "Working");
  /* The task is returned, and freed, by the cancellation. */
  g_cancellable_connect (cancellable, G_CALLBACK (waiting_cancelled_cb), task, g_object_unref);
}

static const ShJobTypeInfo waiting_type = {
  .name = "waiting_job",
  .label = "Waiting",
  .icon_name = "system-run-symbolic",
  .unit = "items",
  .exclusive = FALSE,
  .run_async = waiting_type_run_async,
  .run_finish = test_type_run_finish,
};

static gboolean
job_ended (gpointer data)
{
  return !sh_job_is_active (data);
}

/* Issue 10: a job of another live process (another machine sharing the database) is
 * cancelled through the database, whatever its type: its owner sees the request on its
 * heartbeat and cancels its run. */
static void
test_cancel_elsewhere (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(ShJobManager) other = new_manager (fixture, fixture->db);
  g_autoptr(GAsyncResult) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) seen = NULL;
  g_autoptr(ShJob) stored = NULL;

  sh_job_manager_register_type (fixture->manager, &waiting_type);
  sh_job_manager_set_stale_after (fixture->manager, 3);
  job = create_job (fixture->manager, "waiting_job", NULL, &error);
  g_assert_no_error (error);
  sh_job_manager_run_async (fixture->manager, job, NULL, sh_test_store_result, &run);

  /* The other process knows the job from the database only. */
  sh_job_manager_get_job_async (other, sh_job_get_id (job), NULL, sh_test_store_result,
                                &result);
  seen = sh_job_manager_get_job_finish (other, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_false (sh_job_manager_is_running_here (other, seen));
  g_clear_object (&result);
  sh_job_manager_request_cancel_async (other, seen, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_manager_request_cancel_finish (other, sh_test_await (&result), &error));
  g_assert_no_error (error);

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&run), &error));
  g_assert_no_error (error);
  wait_until (job_ended, job);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_CANCELLED);
  stored = reload (fixture, sh_job_get_id (job));
  g_assert_cmpint (sh_job_get_status (stored), ==, SH_JOB_CANCELLED);

  /* An ended job cannot be cancelled. */
  g_clear_object (&result);
  sh_job_manager_request_cancel_async (other, stored, NULL, sh_test_store_result, &result);
  g_assert_false (sh_job_manager_request_cancel_finish (other, sh_test_await (&result), &error));
  g_assert_error (error, SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE);
}

static void
test_status_mapping (Fixture       *fixture,
                     gconstpointer  user_data)
{
  struct { const char *json; ShJobStatus status; } cases[] = {
    { "{\"status\": \"completed\"}", SH_JOB_COMPLETED },
    { "{\"status\": \"failed\"}", SH_JOB_FAILED },
    { "{\"status\": \"cancelled\"}", SH_JOB_CANCELLED },
    { "{\"status\": \"completed_with_errors\"}", SH_JOB_COMPLETED },
    { "{\"status\": \"whatever\"}", SH_JOB_COMPLETED },
  };

  sh_job_manager_register_type (fixture->manager, &test_type);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ShJob) job = create_and_run (fixture, "test_job", cases[i].json);

      g_assert_cmpint (sh_job_get_status (job), ==, cases[i].status);
      g_assert_cmpint (sh_job_get_processed_items (job), ==, 1000);
      g_assert_cmpint (sh_job_get_total_items (job), ==, 1000);
      if (cases[i].status == SH_JOB_FAILED)
        g_assert_cmpstr (sh_job_get_error (job), ==, "It broke.");
      if (i == 3)
        g_assert_cmpstr (sh_job_get_message (job), ==, "Completed with 2 errors");
    }
}

static void
test_progress_coalescing (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) stored = NULL;
  guint before;

  sh_job_manager_register_type (fixture->manager, &test_type);
  before = sh_job_manager_get_write_count (fixture->manager);
  job = create_and_run (fixture, "test_job", NULL);

  /* A thousand changes, a handful of writes: the start, at most one per interval, the end. */
  g_assert_cmpuint (sh_job_manager_get_write_count (fixture->manager) - before, <=, 4);
  g_assert_cmpuint (sh_job_manager_get_write_count (fixture->manager) - before, >=, 2);

  /* What is stored is the final state. */
  stored = reload (fixture, sh_job_get_id (job));
  g_assert_cmpint (sh_job_get_status (stored), ==, SH_JOB_COMPLETED);
  g_assert_cmpfloat (sh_job_get_progress (stored), ==, 100);
}

static void
test_check (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(ShJob) generate = NULL;
  g_autoptr(ShJob) check = NULL;
  g_autoptr(ShJob) again = NULL;
  g_autoptr(JsonObject) result = NULL;

  sync_scenes (fixture);

  /* A default Generate followed by a default check agree. */
  generate = create_and_run (fixture, "stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (generate), ==, SH_JOB_COMPLETED);
  check = create_and_run (fixture, "check_stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (check), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (check, "incomplete"), ==, 0);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 0);

  /* Known missing artifacts: exactly those scenes are found and marked. */
  sh_fake_stash_set_missing (fixture->fake, 4, SH_FAKE_ARTIFACT_PREVIEW, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 9, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 10, SH_FAKE_ARTIFACT_MARKER_SCREENSHOT, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 11, SH_FAKE_ARTIFACT_WEBP, TRUE);
  again = create_and_run (fixture, "check_stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (again), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (again, "incomplete"), ==, 3);
  g_assert_cmpint (result_int (again, "scenes_updated_count"), ==, 3);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 3);
  result = sh_job_dup_result (again);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result, "missing"),
                                               "preview"), ==, 1);
}

static void
test_process_new (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(ShJob) first = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonArray *steps;
  guint a;
  guint b;

  sync_scenes (fixture);
  first = create_and_run (fixture, "stash_generate", NULL);

  a = sh_fake_stash_add_scene (fixture->fake);
  b = sh_fake_stash_add_scene (fixture->fake);
  job = create_and_run (fixture, "process_new_scenes", NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);

  result = sh_job_dup_result (job);
  g_assert_cmpint (json_object_get_int_member (result, "new_scenes"), ==, 2);
  steps = json_object_get_array_member (result, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 0), "type"),
                   ==, "sync_scenes");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 1), "type"),
                   ==, "stash_generate");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 2), "type"),
                   ==, "check_stash_generate");
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES + 2);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 0);
  g_assert_cmpuint (a + 1, ==, b);

  /* The children are linked to the workflow. */
  {
    GListModel *jobs = sh_job_manager_get_jobs (fixture->manager);
    guint children = 0;

    for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
      {
        g_autoptr(ShJob) item = g_list_model_get_item (jobs, i);

        if (g_strcmp0 (sh_job_get_parent_id (item), sh_job_get_id (job)) == 0)
          children++;
      }
    g_assert_cmpuint (children, ==, 3);
  }
}

static gboolean
session_sees_job (gpointer user_data)
{
  gpointer *pair = user_data;
  ShSession *session = pair[0];
  ShJob *job = pair[1];
  GListModel *jobs = sh_job_manager_get_jobs (sh_session_get_job_manager (session));

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) item = g_list_model_get_item (jobs, i);

      if (g_str_equal (sh_job_get_id (item), sh_job_get_id (job)) &&
          sh_job_get_status (item) == SH_JOB_COMPLETED)
        return TRUE;
    }

  return FALSE;
}

static void
test_session (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(ShSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;
  gpointer pair[2];

  session = sh_session_new (sh_fake_stash_get_url (fixture->fake), NULL, NULL,
                            POSTGRES ? sh_test_postgres_url () : fixture->db_path, NULL);
  sh_session_set_refresh_interval (session, 100);
  sh_session_open_async (session, NULL, sh_test_store_result, &result);
  g_assert_true (sh_session_open_finish (session, sh_test_await (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_session_get_server_id (session), ==, fixture->server_id);
  g_assert_nonnull (sh_session_get_scene_store (session));

  /* A job that another process runs shows up, and its end too. */
  job = create_and_run (fixture, "sync_scenes", NULL);
  pair[0] = session;
  pair[1] = job;
  wait_until (session_sees_job, pair);

  sh_session_close (session);
  g_clear_object (&result);

  /* A refresh in flight holds the session until the database answers. */
  {
    ShSession *weak = g_steal_pointer (&session);
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
    g_object_unref (weak);
    while (weak != NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
  }
}


/* The truth of a Generate (issue: a flag you can trust). --------------------------------- */

static guint64
count_role (Fixture    *fixture,
            ShJob      *job,
            const char *role)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShJobStore *store = sh_job_manager_get_job_store (fixture->manager);
  guint64 n = 0;

  sh_job_store_count_job_scenes_async (store, sh_job_get_id (job), role, NULL,
                                       sh_test_store_result, &result);
  g_assert_true (sh_job_store_count_job_scenes_finish (store, sh_test_await (&result), &n, &error));
  g_assert_no_error (error);

  return n;
}

static GPtrArray *
list_failures (Fixture *fixture,
               ShJob   *job)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShJobStore *store = sh_job_manager_get_job_store (fixture->manager);
  GPtrArray *failures;

  sh_job_store_list_failures_async (store, sh_job_get_id (job), 0, 0, NULL,
                                    sh_test_store_result, &result);
  failures = sh_job_store_list_failures_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return failures;
}

static ShSceneFailure *
find_failure (GPtrArray *failures,
              gint64     id)
{
  for (guint i = 0; i < failures->len; i++)
    if (((ShSceneFailure *) g_ptr_array_index (failures, i))->scene_id == id)
      return g_ptr_array_index (failures, i);

  return NULL;
}

static JsonArray *
sent_scene_ids (Fixture *fixture)
{
  g_autoptr(JsonNode) sent = sh_fake_stash_dup_last_variables (fixture->fake, "MetadataGenerate");
  JsonObject *input = json_object_get_object_member (json_node_get_object (sent), "input");

  if (!json_object_has_member (input, "sceneIDs"))
    return NULL;
  return json_array_ref (json_object_get_array_member (input, "sceneIDs"));
}

/* Case 1: Stash fails the previews of three scenes and the cover of one, and still says
 * FINISHED. The job fails, nothing is marked, and the four scenes are recorded with what
 * they lack and Stash's lines about them. */
static void
test_generate_partial_failure (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GPtrArray) failures = NULL;
  g_autofree char *status = NULL;
  ShSceneFailure *failure;

  sync_scenes (fixture);
  sh_fake_stash_set_broken (fixture->fake, 3, SH_FAKE_ARTIFACT_PREVIEW);
  sh_fake_stash_set_broken (fixture->fake, 7, SH_FAKE_ARTIFACT_PREVIEW);
  sh_fake_stash_set_broken (fixture->fake, 9, SH_FAKE_ARTIFACT_PREVIEW);
  sh_fake_stash_set_broken (fixture->fake, 12, SH_FAKE_ARTIFACT_COVER);

  job = create_and_run (fixture, "stash_generate", NULL);

  /* Stash itself called it a success. */
  status = sh_fake_stash_dup_job_status (fixture->fake, sh_job_get_stash_job_id (job));
  g_assert_cmpstr (status, ==, "FINISHED");

  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "4 of 40 scenes still lack media"));
  g_assert_nonnull (strstr (sh_job_get_error (job), "nothing was marked"));
  assert_kept (fixture, job, "error", "%s of %s scene still lacks media");
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 0);
  g_assert_cmpint (result_int (job, "scenes_failed"), ==, 4);
  g_assert_cmpint (result_int (job, "scenes_verified"), ==, 36);
  g_assert_cmpuint (count_role (fixture, job, "failed"), ==, 4);

  failures = list_failures (fixture, job);
  g_assert_cmpuint (failures->len, ==, 4);
  failure = find_failure (failures, 7);
  g_assert_nonnull (failure);
  g_assert_cmpstr (failure->missing, ==, "preview");
  g_assert_nonnull (failure->errors);
  g_assert_nonnull (strstr (failure->errors, "failed to generate preview"));
  failure = find_failure (failures, 12);
  g_assert_nonnull (failure);
  g_assert_cmpstr (failure->missing, ==, "cover");
  g_assert_nonnull (failure->errors);

  /* One failed Generate is not yet failing. */
  g_assert_cmpuint (count (fixture, SH_GENERATED_FAILING), ==, 0);
}

/* Scenes 3 and 12 fail to generate (Stash cannot make their preview and sprite). */
static void
break_two_scenes (Fixture  *fixture,
                  gboolean  broken)
{
  sh_fake_stash_set_broken (fixture->fake, 3, broken ? SH_FAKE_ARTIFACT_PREVIEW : 0);
  sh_fake_stash_set_broken (fixture->fake, 12, broken ? SH_FAKE_ARTIFACT_SPRITE : 0);
}

/* @retry, of a Generate that left scenes 3 and 12 failed, sent exactly them and marked
 * every scene. */
static void
assert_retried_two (Fixture *fixture,
                    ShJob   *retry)
{
  g_autoptr(JsonArray) sent = sent_scene_ids (fixture);

  g_assert_cmpint (sh_job_get_status (retry), ==, SH_JOB_COMPLETED);
  g_assert_nonnull (sent);
  g_assert_cmpuint (json_array_get_length (sent), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (sent, 0), ==, "3");
  g_assert_cmpstr (json_array_get_string_element (sent, 1), ==, "12");
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES);
}

/* With "also mark the scenes that succeeded": exactly the verified scenes are marked, the
 * job completes with errors; a retry of the failed scenes (once Stash can make them)
 * marks the rest. */
static void
test_generate_mark_succeeded (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) retry = NULL;
  g_autofree char *parameters = NULL;

  sync_scenes (fixture);
  break_two_scenes (fixture, TRUE);

  job = create_and_run (fixture, "stash_generate", "{\"mark_succeeded\": true}");
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (job, "errors"), ==, 2);
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, 38);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 38);
  g_assert_cmpuint (count_role (fixture, job, "updated"), ==, 38);
  g_assert_cmpuint (count_role (fixture, job, "failed"), ==, 2);
  g_assert_nonnull (strstr (sh_job_get_message (job), "2 errors"));
  assert_kept (fixture, job, "message", "Completed with %s error");
  g_assert_null (kept_msgid (fixture, job, "error"));

  /* Stash can make them now: the retry targets exactly the two. */
  break_two_scenes (fixture, FALSE);
  parameters = g_strdup_printf ("{\"retry_failed_of\": \"%s\"}", sh_job_get_id (job));
  retry = create_and_run (fixture, "stash_generate", parameters);
  assert_retried_two (fixture, retry);
}

/* A pending Generate stored with @parameters_json as an earlier version wrote it. */
static ShJob *
insert_old_generate (Fixture    *fixture,
                     const char *parameters_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJobRecord) record = sh_job_record_new ();
  ShJobStore *store = sh_job_manager_get_job_store (fixture->manager);

  record->id = g_uuid_string_random ();
  record->type = g_strdup ("stash_generate");
  record->status = g_strdup ("pending");
  record->server_id = fixture->server_id;
  record->processed_items = record->total_items = -1;
  record->parameters = g_strdup (parameters_json);
  record->created_at = record->updated_at = g_get_real_time ();
  sh_job_store_insert_async (store, record, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_store_insert_finish (store, sh_test_await (&result), NULL, &error));
  g_assert_no_error (error);

  return reload (fixture, record->id);
}

/* Jobs stored by versions that spelled StashHog's own parameters in camelCase
 * (`markSucceeded`, `retryFailedOf`) run and retry as before, and read with the new names. */
static void
test_generate_old_parameter_names (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) retry = NULL;
  g_autoptr(JsonObject) parameters = NULL;
  g_autofree char *old_retry = NULL;

  sync_scenes (fixture);
  break_two_scenes (fixture, TRUE);

  job = insert_old_generate (fixture, "{\"markSucceeded\": true, \"covers\": true}");
  parameters = sh_job_dup_parameters (job);
  g_assert_true (json_object_get_boolean_member (parameters, "mark_succeeded"));
  g_assert_false (json_object_has_member (parameters, "markSucceeded"));
  run_job (fixture->manager, job);
  /* Marked what succeeded, as the old name asked. */
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (job, "errors"), ==, 2);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 38);

  break_two_scenes (fixture, FALSE);
  old_retry = g_strdup_printf ("{\"retryFailedOf\": \"%s\", \"markSucceeded\": false}",
                               sh_job_get_id (job));
  retry = insert_old_generate (fixture, old_retry);
  run_job (fixture->manager, retry);
  assert_retried_two (fixture, retry);
}

/* A scene that fails Generate after Generate becomes failing and leaves whole-library
 * runs, so the others are marked; a targeted run still takes it; a success clears it. */
static void
test_generate_failing_scene (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(ShJob) first = NULL;
  g_autoptr(ShJob) second = NULL;
  g_autoptr(ShJob) third = NULL;
  g_autoptr(ShJob) targeted = NULL;
  g_autoptr(ShJob) fixed = NULL;
  g_autoptr(JsonArray) sent = NULL;

  sh_database_set_failing_threshold (fixture->db, 2);
  sync_scenes (fixture);
  sh_fake_stash_set_broken (fixture->fake, 5, SH_FAKE_ARTIFACT_COVER);

  first = create_and_run (fixture, "stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (first), ==, SH_JOB_FAILED);
  g_assert_cmpuint (count (fixture, SH_GENERATED_FAILING), ==, 0);
  second = create_and_run (fixture, "stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (second), ==, SH_JOB_FAILED);
  g_assert_cmpuint (count (fixture, SH_GENERATED_FAILING), ==, 1);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 0);

  /* Left out: not a target, not part of the outcome. */
  third = create_and_run (fixture, "stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (third), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (third, "scenes_tracked"), ==, N_SCENES - 1);
  sent = sent_scene_ids (fixture);
  g_assert_nonnull (sent);
  g_assert_cmpuint (json_array_get_length (sent), ==, N_SCENES - 1);
  for (guint i = 0; i < json_array_get_length (sent); i++)
    g_assert_cmpstr (json_array_get_string_element (sent, i), !=, "5");
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES - 1);

  /* Chosen by hand, it is tried (and fails again). */
  targeted = create_and_run (fixture, "stash_generate", "{\"sceneIDs\": [\"5\"]}");
  g_assert_cmpint (sh_job_get_status (targeted), ==, SH_JOB_FAILED);
  g_assert_cmpint (result_int (targeted, "scenes_tracked"), ==, 1);

  /* Once it succeeds it is no longer failing. */
  sh_fake_stash_set_broken (fixture->fake, 5, 0);
  fixed = create_and_run (fixture, "stash_generate", "{\"sceneIDs\": [\"5\"]}");
  g_assert_cmpint (sh_job_get_status (fixed), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (count (fixture, SH_GENERATED_FAILING), ==, 0);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES);
}

/* Case 2: a repeated id makes Stash generate nothing; it is sent once. */
static void
test_generate_duplicate_ids (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonArray) sent = NULL;

  sync_scenes (fixture);
  job = create_and_run (fixture, "stash_generate",
                        "{\"sceneIDs\": [\"1\", \"2\", \"2\", \"3\"]}");
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  sent = sent_scene_ids (fixture);
  g_assert_nonnull (sent);
  g_assert_cmpuint (json_array_get_length (sent), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (sent, 0), ==, "1");
  g_assert_cmpstr (json_array_get_string_element (sent, 1), ==, "2");
  g_assert_cmpstr (json_array_get_string_element (sent, 2), ==, "3");
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 3);
  /* Stash really made them. */
  g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, 2) &
                    (SH_FAKE_ARTIFACT_COVER | SH_FAKE_ARTIFACT_SPRITE | SH_FAKE_ARTIFACT_PREVIEW |
                     SH_FAKE_ARTIFACT_PHASH), ==, 0);
}

/* Case 3: a scene deleted in Stash since the last sync is confirmed gone before the
 * start, removed from the mirror, never marked; alone, it starts no Stash job. */
static void
test_generate_deleted_scene (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) alone = NULL;
  g_autoptr(JsonArray) sent = NULL;
  guint generates;

  sync_scenes (fixture);
  sh_fake_stash_remove_scene (fixture->fake, 25);
  sh_fake_stash_remove_scene (fixture->fake, 30);

  job = create_and_run (fixture, "stash_generate", "{\"sceneIDs\": [\"25\", \"26\"]}");
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (job, "scenes_removed"), ==, 1);
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, 1);
  sent = sent_scene_ids (fixture);
  g_assert_cmpuint (json_array_get_length (sent), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (sent, 0), ==, "26");
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES - 1);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 1);

  generates = sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate");
  alone = create_and_run (fixture, "stash_generate", "{\"sceneIDs\": [\"30\"]}");
  g_assert_cmpint (sh_job_get_status (alone), ==, SH_JOB_COMPLETED);
  g_assert_cmpint (result_int (alone, "scenes_removed"), ==, 1);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==,
                    generates);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES - 2);
}

static gboolean
generate_sent (gpointer data)
{
  Fixture *fixture = data;

  return sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate") > 0;
}

/* Case 4: the first findJob fails, Stash restarts, a Scan gets the same id and finishes.
 * It is not our Generate: the job fails, nothing is marked. */
static void
test_generate_reused_id (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_websockets_enabled (fixture->fake, FALSE);
  sh_fake_stash_set_job_speed (fixture->fake, 200);
  sh_fake_stash_fail_operation (fixture->fake, "FindJob", 1, 502);

  job = create_job (fixture->manager, "stash_generate", NULL, &error);
  g_assert_no_error (error);
  start_job (fixture, job, &result);
  wait_until (generate_sent, fixture);
  /* Before the next poll: Stash restarts, and a Scan takes job id 1 and finishes. */
  while (sh_fake_stash_get_request_count (fixture->fake, "FindJob") < 1)
    g_main_context_iteration (NULL, TRUE);
  sh_fake_stash_restart (fixture->fake);
  sh_fake_stash_set_job_speed (fixture->fake, 1);
  g_assert_cmpuint (sh_fake_stash_add_foreign_job (fixture->fake, "Scanning...", 1), ==, 1);

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_FAILED);
  g_assert_nonnull (strstr (sh_job_get_error (job), "restarted"));
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 0);
}

/* A findJob that keeps failing while Stash is reachable is not "unreachable". */
static void
test_generate_find_job_fails (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_websockets_enabled (fixture->fake, FALSE);
  sh_fake_stash_set_job_speed (fixture->fake, 500);
  sh_fake_stash_fail_operation (fixture->fake, "FindJob", 1000, 502);

  job = create_and_run (fixture, "stash_generate", NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_FAILED);
  g_assert_null (strstr (sh_job_get_error (job), "unreachable"));
  g_assert_nonnull (strstr (sh_job_get_error (job), "kept failing"));
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, 0);
}


/* A process that dies while another one is open (a window, a long stashhogctl run): the
 * open one notices within the stale time, by the database's clock, and ends the job with
 * the reason; nothing waits for a restart. */
static void
test_session_notices_dead_owner (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(ShSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dead_id = NULL;
  gint64 deadline;

  g_setenv ("STASHHOG_STALE_AFTER", "2", TRUE);
  session = sh_session_new (sh_fake_stash_get_url (fixture->fake), NULL, NULL,
                            POSTGRES ? sh_test_postgres_url () : fixture->db_path, NULL);
  sh_session_set_refresh_interval (session, 100);
  sh_session_open_async (session, NULL, sh_test_store_result, &result);
  g_assert_true (sh_session_open_finish (session, sh_test_await (&result), &error));
  g_assert_no_error (error);
  g_unsetenv ("STASHHOG_STALE_AFTER");

  /* Owned by a process that then goes silent: its heartbeat is fresh now, stale soon. */
  dead_id = leave_active_job (fixture, SH_JOB_TYPE_CHECK, 0, 0);

  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(ShJob) job = reload (fixture, dead_id);

      if (sh_job_get_status (job) == SH_JOB_FAILED)
        {
          g_assert_nonnull (sh_job_get_error (job));
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      for (guint i = 0; i < 20; i++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (5000);
        }
    }

  /* And the exclusive type is free for everybody. */
  {
    g_autoptr(ShJob) check = create_job (fixture->manager, SH_JOB_TYPE_CHECK, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (check);
  }
  sh_session_close (session);
}


/* A probe that fails for a passing reason during the verification (a proxy's 503) is
 * made again: Stash's finished work is not thrown away for it. */
static void
test_generate_verify_retries (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 20);
  job = create_job (fixture->manager, SH_JOB_TYPE_GENERATE, NULL, &error);
  g_assert_no_error (error);
  start_job (fixture, job, &result);
  wait_until (stash_job_running, job);
  /* From now on the only media requests are the verification's probes. */
  sh_fake_stash_fail_media_requests (fixture->fake, 3, 503);

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/jobs/" BACKEND "/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("sync", test_sync_job);
  ADD ("generate/defaults", test_generate_defaults);
  ADD ("generate/tracked-only", test_generate_tracked_only);
  ADD ("generate/specific-scenes", test_generate_specific);
  ADD ("generate/nothing-to-do", test_generate_nothing_to_do);
  ADD ("generate/invalid-parameters", test_generate_invalid);
  ADD ("generate/stash-failed", test_generate_stash_failed);
  ADD ("generate/stash-restarted", test_generate_restarted);
  ADD ("generate/unreachable-at-start", test_generate_unreachable_at_start);
  ADD ("generate/unreachable-past-grace", test_generate_unreachable_past_grace);
  ADD ("generate/unauthorized", test_generate_unauthorized);
  ADD ("generate/http-502", test_generate_http_502);
  ADD ("generate/cancel", test_generate_cancel);
  ADD ("generate/finished-before-stop", test_generate_finished_before_stop);
  ADD ("generate/websocket-drop", test_generate_websocket_drop);
  ADD ("generate/reattach", test_generate_reattach);
  ADD ("generate/partial-failure", test_generate_partial_failure);
  ADD ("generate/mark-succeeded", test_generate_mark_succeeded);
  ADD ("generate/old-parameter-names", test_generate_old_parameter_names);
  ADD ("generate/failing-scene", test_generate_failing_scene);
  ADD ("generate/duplicate-ids", test_generate_duplicate_ids);
  ADD ("generate/deleted-scene", test_generate_deleted_scene);
  ADD ("generate/reused-id", test_generate_reused_id);
  ADD ("generate/find-job-fails", test_generate_find_job_fails);
  ADD ("generate/verify-retries", test_generate_verify_retries);
  ADD ("liveness", test_liveness);
  ADD ("generate/reattach-once", test_reattach_once);
  ADD ("generate/abandon", test_generate_abandon);
  ADD ("conflict", test_conflict);
  ADD ("retry", test_retry);
  ADD ("status-mapping", test_status_mapping);
  ADD ("cancel-elsewhere", test_cancel_elsewhere);
  ADD ("progress-coalescing", test_progress_coalescing);
  ADD ("check", test_check);
  ADD ("process-new", test_process_new);
  ADD ("session", test_session);
  ADD ("session-notices-dead-owner", test_session_notices_dead_owner);

#undef ADD

  return g_test_run ();
}
