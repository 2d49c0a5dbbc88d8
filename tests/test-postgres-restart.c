/* test-postgres-restart.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A shared PostgreSQL server restarts under StashHog: the connection is made again, work
 * cut by the restart is run again, a Generate finishes and records its outcome, a sync
 * completes; and several processes open a new, empty database at once. The tests restart
 * the throw-away server of the `postgres` suite with STASHHOG_TEST_PG_CTL (pg_ctl with its
 * -D and -l options, run as the server's user), which build-aux/test sets.
 */

#include "config.h"

#include "sh-core.h"
#include "sh-database-private.h"
#include "sh-fake-stash.h"
#include "sh-job-manager.h"
#include "sh-test-utils.h"

#define N_SCENES 40

static void
restart_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_auto(GStrv) argv = NULL;
  int status = 0;

  command = g_strdup_printf ("%s -w -t 60 restart -m fast", g_getenv ("STASHHOG_TEST_PG_CTL"));
  g_assert_true (g_shell_parse_argv (command, NULL, &argv, &error));
  g_assert_no_error (error);
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static gboolean
can_restart (void)
{
  const char *pg_ctl = g_getenv ("STASHHOG_TEST_PG_CTL");

  if (pg_ctl == NULL || *pg_ctl == '\0')
    {
      g_test_skip ("STASHHOG_TEST_PG_CTL is not set: these tests restart the PostgreSQL "
                   "server and need its pg_ctl command (with -D and -l, as the server's "
                   "user). build-aux/test sets it.");
      return FALSE;
    }

  return TRUE;
}

/* Restarts the server once, from the database's worker, before the first statement whose
 * SQL starts with the given text. */
typedef struct
{
  const char *prefix;
  guint       skip;       /* matching statements to let through first */
  gboolean    restarted;  /* atomic */
} RestartHook;

static void
restart_hook (ShDatabase *db,
              const char *sql,
              gpointer    user_data)
{
  RestartHook *hook = user_data;

  if (g_atomic_int_get (&hook->restarted) || sql == NULL || !g_str_has_prefix (sql, hook->prefix))
    return;
  if (hook->skip > 0)
    {
      hook->skip--;
      return;
    }

  g_test_message ("Restarting PostgreSQL before: %.60s…", sql);
  restart_server ();
  g_atomic_int_set (&hook->restarted, TRUE);
}

static gint64
ensure_server (ShDatabase  *db,
               const char  *url,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_database_ensure_server_async (db, url, NULL, sh_test_store_result, &result);
  return sh_database_ensure_server_finish (db, sh_test_await (&result), error);
}

static void
on_available (ShDatabase *db,
              GParamSpec *pspec,
              GPtrArray  *seen)
{
  g_ptr_array_add (seen, GINT_TO_POINTER (sh_database_get_available (db)));
}

/* Idle across a restart: the next statement finds the connection dead (libgda's provider
 * crashed on it), a new one is made, and the work runs on it. */
static void
test_reconnect_idle (void)
{
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!can_restart ())
    return;

  db = sh_test_open_database (TRUE, NULL);
  g_signal_connect (db, "notify::available", G_CALLBACK (on_available), seen);
  id = ensure_server (db, "http://stash.example:9999", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  restart_server ();

  g_assert_cmpint (ensure_server (db, "http://stash.example:9999", &error), ==, id);
  g_assert_no_error (error);
  g_assert_cmpint (ensure_server (db, "http://other.example:9999", &error), >, id);
  g_assert_no_error (error);
  g_assert_true (sh_database_get_available (db));

  /* Unavailable, then available again, as the window shows it. */
  while (seen->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (GPOINTER_TO_INT (seen->pdata[0]));
  g_assert_true (GPOINTER_TO_INT (seen->pdata[1]));

  g_signal_handlers_disconnect_by_data (db, seen);
  sh_database_close (db);
}

typedef struct
{
  guint runs;
  gboolean autocommit_first;
} CutData;

static gint64
count_servers (ShDatabase  *db,
               GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;

  if (!(stmt = sh_database_prepare (db, "SELECT COUNT(*) FROM server", error)))
    return -1;
  if (!(model = sh_database_select (db, stmt, NULL, types, error)))
    return -1;

  return sh_database_model_get_int64 (model, 0, 0);
}

static gpointer
cut_func (ShDatabase     *db,
          GdaConnection  *cnc,
          gpointer        data,
          GCancellable   *cancellable,
          GError        **error)
{
  CutData *cut = data;
  g_autofree char *name = g_strdup_printf ("s%u", ++cut->runs);

  if (cut->autocommit_first
      && !sh_database_execute_sql (db,
                                   "INSERT INTO server (id, name, url, created_at) "
                                   "VALUES (100, 'auto', 'http://auto', 'now')",
                                   error))
    return NULL;

  if (!sh_database_begin (db, error))
    return NULL;
  if (!sh_database_execute_sql (db,
                                "INSERT INTO server (id, name, url, created_at) "
                                "VALUES (1, 'a', 'http://a', 'now')",
                                error)
      || !sh_database_execute_sql (db,
                                   "INSERT INTO server (id, name, url, created_at) "
                                   "VALUES (2, 'b', 'http://b', 'now')",
                                   error))
    return NULL;
  if (!sh_database_commit (db, error))
    return NULL;

  return GINT_TO_POINTER (count_servers (db, error));
}

static gpointer
run_cut (ShDatabase  *db,
         CutData     *cut,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_database_run_async (db, cut_func, cut, NULL, NULL, NULL, sh_test_store_result, &result);
  return sh_database_run_finish (db, sh_test_await (&result), error);
}

/* A transaction cut by a restart was rolled back by the server: it runs again, whole, on
 * the new connection. Work that had already committed something is not run again; it
 * fails with an error that says the connection was lost. */
static void
test_transaction_cut (void)
{
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  RestartHook hook = { "INSERT INTO server (id, name, url, created_at) VALUES (2", 0, FALSE };
  CutData cut = { 0, FALSE };
  gpointer value;

  if (!can_restart ())
    return;

  db = sh_test_open_database (TRUE, NULL);
  _sh_database_set_execute_hook (db, restart_hook, &hook);

  value = run_cut (db, &cut, &error);
  g_assert_no_error (error);
  g_assert_true (g_atomic_int_get (&hook.restarted));
  g_assert_cmpuint (cut.runs, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (value), ==, 2);

  /* Now with a change committed before the cut. */
  sh_test_reset_postgres ();
  sh_database_close (db);
  g_clear_object (&db);
  db = sh_test_open_database (TRUE, NULL);
  g_atomic_int_set (&hook.restarted, FALSE);
  _sh_database_set_execute_hook (db, restart_hook, &hook);
  cut.runs = 0;
  cut.autocommit_first = TRUE;

  value = run_cut (db, &cut, &error);
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONNECTION_LOST);
  g_assert_null (value);
  g_assert_cmpuint (cut.runs, ==, 1);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* The database is usable again, and holds what was committed. */
  _sh_database_set_execute_hook (db, NULL, NULL);
  g_assert_cmpint (ensure_server (db, "http://auto", &error), ==, 100);
  g_assert_no_error (error);

  sh_database_close (db);
}

/* Jobs against the fake Stash ------------------------------------------------------------ */

typedef struct
{
  ShFakeStash   *fake;
  ShStashClient *client;
  ShDatabase    *db;
  ShJobManager  *manager;
  gint64         server_id;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sh_core_init ();
  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_set_job_speed (fixture->fake, 5);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);
  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);

  fixture->db = sh_test_open_database (TRUE, NULL);
  fixture->server_id = ensure_server (fixture->db, sh_fake_stash_get_url (fixture->fake),
                                      &error);
  g_assert_no_error (error);
  fixture->manager = sh_job_manager_new (fixture->db, fixture->client, fixture->server_id);
  sh_job_manager_set_poll_interval (fixture->manager, 100);
  sh_job_manager_set_grace_period (fixture->manager, 5);
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
  _sh_database_set_execute_hook (fixture->db, NULL, NULL);
  g_assert_finalize_object (fixture->manager);
  sh_database_close (fixture->db);
  g_assert_finalize_object (fixture->db);
  g_assert_finalize_object (fixture->client);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (fixture->fake);
  flush ();
}

static ShJob *
start_job (Fixture    *fixture,
           const char *type,
           const char *parameters_json,
           GAsyncResult **run_result)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = parameters_json ? json_from_string (parameters_json, NULL) : NULL;
  g_autoptr(GError) error = NULL;
  ShJob *job;

  sh_job_manager_create_async (fixture->manager, type,
                               node ? json_node_get_object (node) : NULL, NULL, NULL,
                               sh_test_store_result, &result);
  job = sh_job_manager_create_finish (fixture->manager, sh_test_await (&result), &error);
  g_assert_no_error (error);
  sh_job_manager_run_async (fixture->manager, job, NULL, sh_test_store_result, run_result);

  return job;
}

static void
finish_job (Fixture       *fixture,
            GAsyncResult **run_result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sh_job_manager_run_finish (fixture->manager, sh_test_await (run_result),
                                            &error));
  g_assert_no_error (error);
  g_clear_object (run_result);
}

static guint64
count_generated (Fixture           *fixture,
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

/* What the database holds, read by a new connection, as another machine would see it. */
static char *
stored_status (Fixture *fixture,
               ShJob   *job)
{
  g_autoptr(ShDatabase) other = sh_database_new (sh_test_postgres_url (), NULL);
  g_autoptr(ShJobStore) store = sh_job_store_new (other);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ShJobRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  char *status;

  sh_database_open_async (other, NULL, sh_test_store_result, &result);
  g_assert_true (sh_database_open_finish (other, sh_test_await (&result), &error));
  g_clear_object (&result);
  sh_job_store_get_async (store, sh_job_get_id (job), NULL, sh_test_store_result, &result);
  record = sh_job_store_get_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  status = g_strdup (record->status);
  g_clear_object (&result);
  sh_database_close (other);

  return status;
}

static void
sync_scenes (Fixture *fixture)
{
  g_autoptr(GAsyncResult) run = NULL;
  g_autoptr(ShJob) job = start_job (fixture, "sync_scenes", "{\"full\": true}", &run);

  finish_job (fixture, &run);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
}

/* The server restarts in the middle of a full sync's writes: the page is written again on
 * the new connection and the sync completes. */
static void
test_sync (Fixture       *fixture,
           gconstpointer  user_data)
{
  RestartHook hook = { "INSERT INTO scene (server_id", 0, FALSE };
  g_autoptr(GAsyncResult) run = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autofree char *status = NULL;

  if (!can_restart ())
    return;

  _sh_database_set_execute_hook (fixture->db, restart_hook, &hook);
  job = start_job (fixture, "sync_scenes", "{\"full\": true}", &run);
  finish_job (fixture, &run);
  g_assert_true (g_atomic_int_get (&hook.restarted));
  g_assert_cmpstr (sh_job_get_error (job), ==, NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (count_generated (fixture, SH_GENERATED_ANY), ==, N_SCENES);
  status = stored_status (fixture, job);
  g_assert_cmpstr (status, ==, "completed");
}

/* The server restarts inside the Generate's final update (libgda's provider crashed
 * there): no crash, the update runs again whole, the scenes are marked and the job's
 * outcome is recorded. */
static void
test_generate_final_update (Fixture       *fixture,
                            gconstpointer  user_data)
{
  RestartHook hook = { "INSERT INTO job_applied", 0, FALSE };
  g_autoptr(GAsyncResult) run = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autofree char *status = NULL;

  if (!can_restart ())
    return;

  sync_scenes (fixture);
  _sh_database_set_execute_hook (fixture->db, restart_hook, &hook);
  job = start_job (fixture, "stash_generate", NULL, &run);
  finish_job (fixture, &run);
  g_assert_true (g_atomic_int_get (&hook.restarted));
  g_assert_cmpstr (sh_job_get_error (job), ==, NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (count_generated (fixture, SH_GENERATED_NO), ==, 0);
  status = stored_status (fixture, job);
  g_assert_cmpstr (status, ==, "completed");
}

static gboolean
stash_job_known (gpointer data)
{
  return sh_job_get_stash_job_id (data) != NULL && sh_job_get_progress (data) > 0;
}

/* The server restarts while a Generate is followed in Stash: progress writes wait for the
 * new connection, and the job completes and marks its scenes. */
static void
test_generate_monitoring (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) run = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autofree char *status = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  if (!can_restart ())
    return;

  sync_scenes (fixture);
  sh_fake_stash_set_job_speed (fixture->fake, 1);
  job = start_job (fixture, "stash_generate", NULL, &run);
  while (!stash_job_known (job) && run == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_null (run);
  restart_server ();
  finish_job (fixture, &run);
  g_assert_cmpstr (sh_job_get_error (job), ==, NULL);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_cmpuint (count_generated (fixture, SH_GENERATED_NO), ==, 0);
  status = stored_status (fixture, job);
  g_assert_cmpstr (status, ==, "completed");
}

/* Six processes open a new, empty database at once ------------------------------------ */

#define N_OPENERS 6
#define N_ROUNDS  10

static void
wait_for_start (ShDatabase *db,
                const char *sql,
                gpointer    user_data)
{
  gint64 *start = user_data;

  while (g_get_real_time () < *start)
    g_usleep (MIN (1000, *start - g_get_real_time ()));
  *start = 0;
}

static int
open_only (void)
{
  g_autoptr(ShDatabase) db = sh_database_new (sh_test_postgres_url (), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_ascii_strtoll (g_getenv ("STASHHOG_TEST_OPEN_ONLY"), NULL, 10);

  /* Connected, every opener sends its first statement at the same time. */
  _sh_database_set_execute_hook (db, wait_for_start, &start);
  sh_database_open_async (db, NULL, sh_test_store_result, &result);
  if (!sh_database_open_finish (db, sh_test_await (&result), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  sh_database_close (db);

  return 0;
}

static void
test_open_concurrently (void)
{
  for (guint round = 0; round < N_ROUNDS; round++)
    {
      GSubprocess *procs[N_OPENERS];
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
      g_autoptr(GError) error = NULL;
      g_autofree char *start = NULL;

      sh_test_reset_postgres ();
      start = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () + 500 * G_TIME_SPAN_MILLISECOND);
      g_subprocess_launcher_setenv (launcher, "STASHHOG_TEST_OPEN_ONLY", start, TRUE);
      for (guint i = 0; i < N_OPENERS; i++)
        {
          procs[i] = g_subprocess_launcher_spawn (launcher, &error, "/proc/self/exe", NULL);
          g_assert_no_error (error);
        }
      for (guint i = 0; i < N_OPENERS; i++)
        {
          g_assert_true (g_subprocess_wait (procs[i], NULL, &error));
          g_assert_no_error (error);
          if (!g_subprocess_get_successful (procs[i]))
            g_error ("Round %u: opener %u of %u failed", round + 1, i + 1, N_OPENERS);
          g_object_unref (procs[i]);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("STASHHOG_TEST_OPEN_ONLY") != NULL)
    return open_only ();

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/postgres-restart/reconnect-idle", test_reconnect_idle);
  g_test_add_func ("/postgres-restart/transaction-cut", test_transaction_cut);
  g_test_add ("/postgres-restart/sync", Fixture, NULL, fixture_setup, test_sync,
              fixture_teardown);
  g_test_add ("/postgres-restart/generate/final-update", Fixture, NULL, fixture_setup,
              test_generate_final_update, fixture_teardown);
  g_test_add ("/postgres-restart/generate/monitoring", Fixture, NULL, fixture_setup,
              test_generate_monitoring, fixture_teardown);
  g_test_add_func ("/postgres-restart/open-concurrently", test_open_concurrently);

  return g_test_run ();
}
