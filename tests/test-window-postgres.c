/* test-window-postgres.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A window open across a restart of the shared PostgreSQL server: it shows "Database
 * unavailable — reconnecting" while the connection is lost, hides it when the database is
 * back, and then shows what other machines do again (a job another process creates after
 * the restart appears in the Jobs page). Needs the postgres suite's server and its pg_ctl
 * (STASHHOG_TEST_POSTGRES, STASHHOG_TEST_PG_CTL: build-aux/test sets both).
 */

#include "config.h"

#include "sh-fake-stash.h"
#include "sh-gui-test-utils.h"
#include "sh-job-manager.h"
#include "sh-session.h"
#include "sh-test-utils.h"
#include "sh-types.h"

#define SUBPROCESS_TIMEOUT (120 * G_USEC_PER_SEC)

typedef struct
{
  ShFakeStash   *fake;         /* (owned) */
  ShApplication *app;          /* (unowned) */
  GtkRevealer   *banner;       /* (unowned) */
  gboolean       banner_shown;
  gboolean       restarted;
  char          *other_job;    /* (owned) (nullable) created by another process */
} Fixture;

static gpointer
restart_thread (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_auto(GStrv) argv = NULL;
  int status = 0;

  command = g_strdup_printf ("%s -w -t 60 restart -m fast", g_getenv ("STASHHOG_TEST_PG_CTL"));
  g_assert_true (g_shell_parse_argv (command, NULL, &argv, &error));
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&fixture->restarted, TRUE);

  return NULL;
}

static void
on_banner (GtkRevealer *banner,
           GParamSpec  *pspec,
           Fixture     *fixture)
{
  if (gtk_revealer_get_reveal_child (banner))
    fixture->banner_shown = TRUE;
}

static gboolean
restarted (gpointer data)
{
  return g_atomic_int_get (&((Fixture *) data)->restarted);
}

static gboolean
banner_shown (gpointer data)
{
  return ((Fixture *) data)->banner_shown;
}

static gboolean
banner_hidden (gpointer data)
{
  return !gtk_revealer_get_reveal_child (((Fixture *) data)->banner);
}

static gboolean
other_job_listed (gpointer data)
{
  Fixture *fixture = data;
  ShSession *session = sh_application_get_session (fixture->app);
  GListModel *jobs = sh_job_manager_get_jobs (sh_session_get_job_manager (session));

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (g_strcmp0 (sh_job_get_id (job), fixture->other_job) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Another machine: its own connection, its own job. */
static char *
create_elsewhere (Fixture *fixture)
{
  g_autoptr(ShDatabase) db = sh_test_open_database (TRUE, NULL);
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShJobManager) manager = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;
  gint64 server_id;
  char *id;

  client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);
  sh_database_ensure_server_async (db, sh_fake_stash_get_url (fixture->fake), NULL,
                                   sh_test_store_result, &result);
  server_id = sh_database_ensure_server_finish (db, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  manager = sh_job_manager_new (db, client, server_id);
  sh_job_manager_create_async (manager, SH_JOB_TYPE_PROCESS_NEW, NULL, NULL, NULL,
                               sh_test_store_result, &result);
  job = sh_job_manager_create_finish (manager, sh_test_await (&result), &error);
  g_assert_no_error (error);
  id = g_strdup (sh_job_get_id (job));

  g_clear_object (&manager);
  sh_database_close (db);

  return id;
}

static void
check_restart (ShApplication *app,
               ShWindow      *window,
               gpointer       data)
{
  Fixture *fixture = data;

  fixture->app = app;
  sh_gui_wait (sh_gui_is_connected, app, "the connection");
  fixture->banner = GTK_REVEALER (sh_gui_child (window, SH_TYPE_WINDOW, "database_banner"));
  g_assert_false (gtk_revealer_get_reveal_child (fixture->banner));
  g_signal_connect (fixture->banner, "notify::reveal-child", G_CALLBACK (on_banner), fixture);

  /* The server restarts under the open window. */
  g_thread_unref (g_thread_new ("restart", restart_thread, fixture));
  sh_gui_wait (restarted, fixture, "the restart");
  sh_gui_wait (banner_shown, fixture, "the database banner");
  sh_gui_wait (banner_hidden, fixture, "the database back");

  /* And the window follows other machines again. */
  fixture->other_job = create_elsewhere (fixture);
  sh_gui_wait (other_job_listed, fixture, "the other machine's job");
}

static void
test_window_restart (void)
{
  if (g_getenv ("STASHHOG_TEST_PG_CTL") == NULL || g_getenv ("STASHHOG_TEST_POSTGRES") == NULL)
    {
      g_test_skip ("STASHHOG_TEST_POSTGRES and STASHHOG_TEST_PG_CTL are not set; "
                   "build-aux/test sets them");
      return;
    }

  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };
      g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = NULL;
      g_autofree char *unused = sh_gui_make_database_path (&dir);

      g_settings_set_boolean (settings, "notify-on-finish", FALSE);
      sh_gui_use_file_keyring (dir);
      sh_test_reset_postgres ();
      fixture.fake = sh_fake_stash_new ();
      sh_fake_stash_set_scene_count (fixture.fake, 10);
      sh_fake_stash_start (fixture.fake, 0, &error);
      g_assert_no_error (error);
      g_setenv ("STASHHOG_URL", sh_fake_stash_get_url (fixture.fake), TRUE);
      g_setenv ("STASHHOG_DATABASE", sh_test_postgres_url (), TRUE);
      g_setenv ("STASHHOG_API_KEY", "", TRUE);

      sh_gui_run (check_restart, &fixture);

      sh_fake_stash_stop (fixture.fake);
      g_clear_object (&fixture.fake);
      g_free (fixture.other_job);
      sh_gui_remove_dir (dir);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/window-postgres/restart", test_window_restart);

  return g_test_run ();
}
