/* test-maintenance.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `maintenance` job against the fake Stash: it waits for Stash's queue, scans, syncs,
 * checks and generates until the library is complete; a broken scene fails runs until it
 * is *failing*, then is left out and the run completes.
 */

#include "config.h"

#include <string.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-job-manager.h"
#include "sh-test-utils.h"

#define N_SCENES 24
#define DEFAULT_KINDS (SH_FAKE_ARTIFACT_COVER | SH_FAKE_ARTIFACT_SPRITE | \
                       SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_PHASH | \
                       SH_FAKE_ARTIFACT_MARKER_VIDEO | SH_FAKE_ARTIFACT_MARKER_SCREENSHOT)

typedef struct
{
  ShFakeStash   *fake;
  ShStashClient *client;
  ShDatabase    *db;
  ShJobManager  *manager;
  gint64         server_id;
  char          *db_path;
} Fixture;

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
  /* A library with missing media. */
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);
  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);

  fixture->db_path = g_build_filename (g_get_user_data_dir (), "maintenance-test.db", NULL);
  fixture->db = sh_test_open_database (FALSE, fixture->db_path);
  sh_database_ensure_server_async (fixture->db, sh_fake_stash_get_url (fixture->fake), NULL,
                                   sh_test_store_result, &result);
  fixture->server_id = sh_database_ensure_server_finish (fixture->db, sh_test_await (&result),
                                                         &error);
  g_assert_no_error (error);
  fixture->manager = sh_job_manager_new (fixture->db, fixture->client, fixture->server_id);
  sh_job_manager_set_poll_interval (fixture->manager, 50);
  sh_job_manager_set_grace_period (fixture->manager, 3);
  sh_job_manager_set_stop_timeout (fixture->manager, 10);
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
create_job (Fixture    *fixture,
            const char *parameters_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (parameters_json, NULL);
  ShJob *job;

  sh_job_manager_create_async (fixture->manager, "maintenance", json_node_get_object (node),
                               NULL, NULL, sh_test_store_result, &result);
  job = sh_job_manager_create_finish (fixture->manager, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);

  return job;
}

static void
run_job (Fixture *fixture,
         ShJob   *job)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_job_manager_run_async (fixture->manager, job, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (&result), &error));
  g_assert_no_error (error);
}

static guint64
count (Fixture           *fixture,
       ShGeneratedFilter  filter)
{
  ShSceneStore *store = sh_job_manager_get_scene_store (fixture->manager);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  sh_scene_store_count_async (store, fixture->server_id, filter, NULL, sh_test_store_result,
                              &result);
  g_assert_true (sh_scene_store_count_finish (store, sh_test_await (&result), &n, &error));
  g_assert_no_error (error);

  return n;
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
on_message (ShJob      *job,
            GParamSpec *pspec,
            gboolean   *waited)
{
  if (g_strcmp0 (sh_job_get_message (job), "Waiting for Stash’s queue to empty") == 0)
    *waited = TRUE;
}

/* A cycle leaves a library with missing media complete, and waits for a job already in
 * Stash's queue before it adds its own. */
static void
test_complete (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonObject) result = NULL;
  gboolean waited = FALSE;

  sh_fake_stash_add_foreign_job (fixture->fake, "Cleaning...", 20);
  job = create_job (fixture, "{\"scan\": true, \"next_run\": \"2030-01-02T02:00:00Z\"}");
  g_signal_connect (job, "notify::message", G_CALLBACK (on_message), &waited);
  run_job (fixture, job);

  g_assert_true (waited);
  g_assert_cmpstr (sh_job_get_error (job), ==, NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  /* Our scan, after the foreign job. */
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataScan"), ==, 1);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 1);

  /* Every kind that a default Generate makes (not webp, heatmaps, marker webp). */
  for (guint id = 1; id <= N_SCENES; id++)
    g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, id) & DEFAULT_KINDS, ==, 0);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 0);
  g_assert_cmpuint (count (fixture, SH_GENERATED_YES), ==, N_SCENES);
  g_assert_cmpint (result_int (job, "scenes_generated"), ==, N_SCENES);
  g_assert_cmpint (result_int (job, "scenes_failing"), ==, 0);
  g_assert_true (g_str_has_prefix (sh_job_get_message (job), "24 scenes generated, next run "));

  result = sh_job_dup_result (job);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "steps")), ==, 4);

  /* A second cycle has nothing to do, and says so. */
  g_clear_object (&job);
  job = create_job (fixture, "{}");
  run_job (fixture, job);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 1);
  g_assert_cmpstr (sh_job_get_message (job), ==, "Nothing needed generating");
}

/* The step of type @type that @job ran. */
static ShJob *
find_step (Fixture    *fixture,
           ShJob      *job,
           const char *type)
{
  GListModel *jobs = sh_job_manager_get_jobs (fixture->manager);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) step = g_list_model_get_item (jobs, i);

      if (g_strcmp0 (sh_job_get_parent_id (step), sh_job_get_id (job)) == 0 &&
          g_strcmp0 (sh_job_get_job_type (step), type) == 0)
        return g_steal_pointer (&step);
    }
  g_assert_not_reached ();
}

/* A broken scene fails runs until its third failure; then it is failing, left out, and
 * the run completes, naming it. */
static void
test_broken_scene (Fixture       *fixture,
                   gconstpointer  user_data)
{
  sh_fake_stash_set_broken (fixture->fake, 5, SH_FAKE_ARTIFACT_PREVIEW);

  for (guint run = 1; run <= 3; run++)
    {
      g_autoptr(ShJob) job = create_job (fixture, "{}");

      run_job (fixture, job);
      g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_FAILED);
      g_assert_nonnull (strstr (sh_job_get_error (job), "Generating the missing media"));
      g_assert_cmpuint (count (fixture, SH_GENERATED_FAILING), ==, run < 3 ? 0 : 1);

      /* Read in German (as a desktop reads a run of a systemd timer in the C locale): the
       * step's label, and the Generate's own error, in the reader's language. */
      if (run == 1)
        {
          g_autofree char *shown = NULL;
          g_autofree char *generate_error = NULL;
          g_autoptr(ShJob) generate = NULL;

          generate = find_step (fixture, job, "stash_generate");
          sh_test_set_language ("de");
          shown = sh_job_dup_error_display (job);
          generate_error = sh_job_dup_error_display (generate);
          sh_test_set_language (NULL);
          g_test_message ("%s", shown);
          g_assert_nonnull (strstr (shown, "(Fehlende Medien werden erzeugt)"));
          g_assert_nonnull (strstr (shown, generate_error));
          g_assert_null (strstr (sh_job_get_error (job), "Fehlende"));
        }
    }

  {
    g_autoptr(ShJob) job = create_job (fixture, "{}");

    run_job (fixture, job);
    g_assert_cmpstr (sh_job_get_error (job), ==, NULL);
    g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
    g_assert_cmpint (result_int (job, "scenes_failing"), ==, 1);
    /* Stash made the others' media in the failed runs, and the Checks of runs 2 and 3
     * found them complete: no Generate was needed for what is left. */
    g_assert_cmpint (result_int (job, "scenes_generated"), ==, 0);
    g_assert_cmpstr (sh_job_get_message (job), ==, "Nothing needed generating, 1 still failing");
    g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 3);
    g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 1);
  }

  /* A new scene: generated, while the failing one stays left out. */
  {
    g_autoptr(ShJob) job = NULL;
    guint id = sh_fake_stash_add_scene (fixture->fake);

    sh_fake_stash_set_missing (fixture->fake, id, SH_FAKE_ARTIFACT_ALL, TRUE);
    job = create_job (fixture, "{}");
    run_job (fixture, job);
    g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
    g_assert_cmpstr (sh_job_get_message (job), ==, "1 scene generated, 1 still failing");
    g_assert_cmpuint (sh_fake_stash_get_missing (fixture->fake, id) & DEFAULT_KINDS, ==, 0);
    g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 1);
  }
}

static gboolean
cancel_soon (gpointer user_data)
{
  Fixture *fixture = ((gpointer *) user_data)[0];
  ShJob *job = ((gpointer *) user_data)[1];

  sh_job_manager_cancel (fixture->manager, job);
  return G_SOURCE_REMOVE;
}

/* Cancelled while it waits for Stash's queue: nothing of ours was queued. */
static void
test_cancel_while_waiting (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(ShJob) job = NULL;
  gpointer data[2];

  sh_fake_stash_add_foreign_job (fixture->fake, "Scanning...", 1000);
  job = create_job (fixture, "{}");
  data[0] = fixture;
  data[1] = job;
  g_timeout_add (300, cancel_soon, data);
  run_job (fixture, job);

  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_CANCELLED);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "JobQueue"), >=, 2);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 0);
}

static void
test_invalid (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"scan\": \"yes\"}", NULL);
  g_autoptr(ShJob) job = NULL;

  sh_job_manager_create_async (fixture->manager, "maintenance", json_node_get_object (node),
                               NULL, NULL, sh_test_store_result, &result);
  job = sh_job_manager_create_finish (fixture->manager, sh_test_await (&result), &error);
  g_assert_null (job);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  sh_test_allow_language_switch ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/maintenance/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("complete", test_complete);
  ADD ("broken-scene", test_broken_scene);
  ADD ("cancel-while-waiting", test_cancel_while_waiting);
  ADD ("invalid", test_invalid);

  return g_test_run ();
}
