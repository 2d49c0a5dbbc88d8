/* test-background.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Run in the background", in a real window against the fake Stash: a scheduled
 * maintenance run (the schedule is due at start) is going when the user closes the window; StashHog keeps running without asking, the run
 * finishes and marks the library complete, and Quit then ends the application. Turning the
 * setting on writes the autostart entry (outside a sandbox), turning it off removes it; with
 * the setting off, closing the window ends the application.
 */

#include "config.h"

#include <string.h>

#include "sh-background.h"
#include "sh-fake-stash.h"
#include "sh-gui-test-utils.h"
#include "sh-test-utils.h"
#include "sh-types.h"

#define SUBPROCESS_TIMEOUT (90 * G_USEC_PER_SEC)
#define N_SCENES           20

typedef struct
{
  ShFakeStash   *fake;          /* (owned) */
  char          *dir;           /* (owned) */
  char          *database;      /* (owned) */
  ShApplication *app;           /* (unowned) */
  ShJob         *job;           /* (owned) (nullable) the maintenance run */
  gboolean       window_closed;
  gboolean       finished_without_window;
  gboolean       autostart_written;
  gboolean       autostart_removed;
} Fixture;

static gboolean
maintenance_ended (gpointer data)
{
  Fixture *fixture = data;
  ShJobStatus status = fixture->job ? sh_job_get_status (fixture->job) : SH_JOB_PENDING;

  return status == SH_JOB_COMPLETED || status == SH_JOB_FAILED || status == SH_JOB_CANCELLED;
}

/* The run the scheduler started, once the session is open. */
static gboolean
have_job (gpointer data)
{
  Fixture *fixture = data;
  ShSession *session = sh_application_get_session (fixture->app);
  GListModel *jobs;

  if (fixture->job != NULL)
    return TRUE;
  if (session == NULL)
    return FALSE;

  jobs = sh_job_manager_get_jobs (sh_session_get_job_manager (session));
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (g_str_equal (sh_job_get_job_type (job), SH_JOB_TYPE_MAINTENANCE))
        fixture->job = g_steal_pointer (&job);
    }

  return fixture->job != NULL;
}

static gboolean
job_running (gpointer data)
{
  Fixture *fixture = data;

  return sh_job_get_status (fixture->job) == SH_JOB_RUNNING;
}

static gboolean
close_and_follow (gpointer user_data)
{
  Fixture *fixture = user_data;
  ShApplication *app = fixture->app;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autofree char *autostart = sh_background_dup_autostart_path ();

  g_assert_true (SH_IS_WINDOW (window));
  sh_gui_wait (sh_gui_is_connected, app, "the connection");

  /* The user turns it on in Preferences; outside a sandbox that is an autostart entry. */
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  sh_gui_flush ();
  g_assert_true (sh_application_get_runs_in_background (app));
  fixture->autostart_written = g_file_test (autostart, G_FILE_TEST_IS_REGULAR);

  sh_gui_wait (have_job, fixture, "the scheduled maintenance run");
  sh_gui_wait (job_running, fixture, "the run to start");

  /* Closed while it runs: no question (the jobs go on), no window, still running. */
  gtk_window_close (window);
  sh_gui_flush ();
  g_assert_null ((gpointer) sh_gui_find_toplevel (SH_TYPE_WINDOW));
  g_assert_null (sh_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  fixture->window_closed = TRUE;

  sh_gui_wait (maintenance_ended, fixture, "the run to end without a window");
  /* Its run's own ending (the handler's callback) comes right after. */
  sh_gui_flush ();
  fixture->finished_without_window = (gpointer) sh_gui_find_toplevel (SH_TYPE_WINDOW) == NULL;

  /* Turned off again: the entry goes. Then Quit ends the application. */
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  fixture->autostart_removed = !g_file_test (autostart, G_FILE_TEST_EXISTS);
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static void
on_activate (ShApplication *app,
             Fixture       *fixture)
{
  static gboolean scheduled;

  if (!scheduled)
    g_timeout_add (100, close_and_follow, fixture);
  scheduled = TRUE;
}

static void
test_background (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };
      g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
      g_autoptr(GError) error = NULL;
      g_autofree char *autostart = sh_background_dup_autostart_path ();
      const char *argv[] = { "stashhog", NULL };
      ShApplication *app;

      g_settings_set_boolean (settings, "notify-on-finish", FALSE);
      /* Every hour, and never run yet: due as soon as StashHog is connected. */
      g_settings_set_string (settings, "schedule-mode", "hours");
      fixture.database = sh_gui_make_database_path (&fixture.dir);
      sh_gui_use_file_keyring (fixture.dir);
      fixture.fake = sh_fake_stash_new ();
      sh_fake_stash_set_scene_count (fixture.fake, N_SCENES);
      sh_fake_stash_set_all_missing (fixture.fake, SH_FAKE_ARTIFACT_ALL, TRUE);
      sh_fake_stash_set_job_speed (fixture.fake, 40);
      sh_fake_stash_start (fixture.fake, 0, &error);
      g_assert_no_error (error);
      g_setenv ("STASHHOG_URL", sh_fake_stash_get_url (fixture.fake), TRUE);
      g_setenv ("STASHHOG_DATABASE", fixture.database, TRUE);
      g_setenv ("STASHHOG_API_KEY", "", TRUE);

      app = sh_application_new ();
      fixture.app = app;
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &fixture);
      g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, (char **) argv), ==, 0);

      /* Without the hold, g_application_run() would have returned with the window. */
      g_assert_true (fixture.window_closed);
      g_assert_true (fixture.finished_without_window);
      g_assert_true (fixture.autostart_written);
      g_assert_true (fixture.autostart_removed);
      g_assert_cmpint (sh_job_get_status (fixture.job), ==, SH_JOB_COMPLETED);
      g_clear_object (&fixture.job);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_finalize_object (app);

      /* Left on: the entry stays for the next login. */
      g_assert_true (g_file_test (autostart, G_FILE_TEST_IS_REGULAR));
      g_settings_set_boolean (settings, "run-in-background", FALSE);

      sh_fake_stash_stop (fixture.fake);
      g_clear_object (&fixture.fake);
      sh_gui_remove_dir (fixture.dir);
      g_free (fixture.dir);
      g_free (fixture.database);
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

  g_test_add_func ("/ui/background", test_background);

  return g_test_run ();
}
