/* test-jobs-page.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Jobs page in a real window, against the fake Stash over loopback: a Generate started
 * from the Run menu runs to completion in its row; a slow one is cancelled from its row
 * (Stash receives stopJob once), a second Generate meanwhile is refused with a dialog, and
 * Retry in the job's details runs a new job.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash.h"
#include "sh-generate-dialog.h"
#include "sh-gui-test-utils.h"
#include "sh-job-details-window.h"
#include "sh-job-row.h"
#include "sh-test-utils.h"
#include "sh-jobs-page.h"
#include "sh-ui-util.h"

#define SUBPROCESS_TIMEOUT (40 * G_USEC_PER_SEC)
#define N_SCENES           24

typedef struct
{
  ShFakeStash *fake;        /* (owned) */
  ShGuiNotifications notifications;
  char        *dir;         /* (owned) the database's */
  char        *database;    /* (owned) */
  ShWindow    *window;      /* (unowned) */
  ShJobsPage  *page;        /* (unowned) */
  ShJobManager *manager;    /* (unowned) */
  guint        notified;    /* the id of the Generate's notification */
  const char  *type;        /* what find_job() looks for */
  const char  *other_than;  /* (nullable) a job id find_job() skips */
} Fixture;

static void
fixture_start (Fixture *fixture,
               guint    job_speed)
{
  g_autoptr(GError) error = NULL;
  const char *database;

  fixture->database = sh_gui_make_database_path (&fixture->dir);
  database = fixture->database;
  sh_gui_use_file_keyring (fixture->dir);

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_set_job_speed (fixture->fake, job_speed);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);
  sh_gui_notifications_start (&fixture->notifications);

  g_setenv ("STASHHOG_URL", sh_fake_stash_get_url (fixture->fake), TRUE);
  g_setenv ("STASHHOG_DATABASE", database, TRUE);
  g_setenv ("STASHHOG_API_KEY", "", TRUE);
}

static void
fixture_clear (Fixture *fixture)
{
  sh_fake_stash_stop (fixture->fake);
  g_clear_object (&fixture->fake);
  sh_gui_notifications_stop (&fixture->notifications);
  sh_gui_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->database, g_free);
}

/* The newest job of fixture->type (other than fixture->other_than). */
static ShJob *
find_job (Fixture *fixture)
{
  return sh_gui_find_job (fixture->manager, fixture->type, fixture->other_than);
}

static ShJob *
wait_job (Fixture     *fixture,
          const char  *type,
          ShJobStatus  status)
{
  fixture->type = type;
  return sh_gui_wait_job (fixture->manager, type, fixture->other_than, status);
}

static gboolean
job_is_stash_running (gpointer data)
{
  Fixture *fixture = data;
  ShJob *job = find_job (fixture);

  return job != NULL && sh_job_get_status (job) == SH_JOB_RUNNING &&
         sh_job_get_stash_job_id (job) != NULL;
}

static void
setup (Fixture       *fixture,
       ShApplication *app,
       ShWindow      *window)
{
  GtkStack *stack;

  sh_gui_wait (sh_gui_is_connected, app, "the session");
  sh_gui_flush ();

  fixture->window = window;
  fixture->page = SH_JOBS_PAGE (sh_gui_child (window, SH_TYPE_WINDOW, "jobs_page"));
  fixture->manager = sh_session_get_job_manager (sh_application_get_session (app));
  g_assert_true (sh_jobs_page_get_manager (fixture->page) == fixture->manager);

  /* A new database: no jobs yet, and the page offers the first one. */
  stack = GTK_STACK (sh_gui_child (fixture->page, SH_TYPE_JOBS_PAGE, "stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->page)));

  /* Sync Scenes, as the empty page's button and Ctrl+Shift+S do. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-scenes", NULL);
  wait_job (fixture, "sync_scenes", SH_JOB_COMPLETED);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
}

static GtkWidget *
row_for (Fixture *fixture,
         ShJob   *job)
{
  GtkWidget *row = sh_jobs_page_find_row (fixture->page, sh_job_get_id (job));

  g_assert_nonnull (row);
  g_assert_true (sh_job_row_get_job (SH_JOB_ROW (row)) == job);

  return row;
}

static GObject *
row_child (GtkWidget  *row,
           const char *name)
{
  return sh_gui_child (row, SH_TYPE_JOB_ROW, name);
}

static gboolean
in_list (Fixture    *fixture,
         GtkWidget  *row,
         const char *list)
{
  return gtk_widget_get_parent (row) == GTK_WIDGET (sh_gui_child (fixture->page,
                                                                  SH_TYPE_JOBS_PAGE, list));
}

static gboolean
generate_notified (gpointer data)
{
  Fixture *fixture = data;
  GPtrArray *summaries = fixture->notifications.summaries;

  for (guint i = 0; i < summaries->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (summaries, i), "Generate Metadata Finished"))
        {
          fixture->notified = i + 1;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
details_shown (gpointer data)
{
  Fixture *fixture = data;

  return sh_window_get_details_window (fixture->window) != NULL;
}

static void
check_generate (ShApplication *app,
                ShWindow      *window,
                gpointer       data)
{
  Fixture *fixture = data;
  GtkWindow *dialog;
  GtkWidget *row;
  GtkWindow *details;
  ShJob *job;
  int min_width = 0;

  setup (fixture, app, window);

  /* Run › Generate Metadata… opens the Generate dialog; Start runs the job. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL);
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  sh_generate_dialog_start (SH_GENERATE_DIALOG (dialog));

  fixture->type = "stash_generate";
  sh_gui_wait (job_is_stash_running, fixture, "the Generate to run in Stash");
  sh_gui_flush ();
  job = find_job (fixture);

  /* Its row is among the active jobs, live. */
  row = row_for (fixture, job);
  g_assert_true (in_list (fixture, row, "active_list"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row_child (row, "progress_bar"))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row_child (row, "cancel_button"))));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (row, "title_label"))), ==,
                   "Generate Metadata");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (row, "status_label"))), ==,
                   "Running");

  /* … until it completes, and moves to the history. */
  job = wait_job (fixture, "stash_generate", SH_JOB_COMPLETED);
  g_assert_cmpint (sh_job_get_scenes_updated (job), ==, N_SCENES);
  row = row_for (fixture, job);
  g_assert_true (in_list (fixture, row, "history_list"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (row, "status_label"))), ==,
                   "Completed");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (row_child (row, "progress_bar"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (row_child (row, "cancel_button"))));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (row_child (row, "subtitle_label"))),
                            "24 scenes"));

  /* The window is not focused (no window manager): the end was notified, and clicking
   * the notification opens the job. */
  g_assert_false (gtk_window_is_active (GTK_WINDOW (window)));
  sh_gui_wait (generate_notified, fixture, "the notification");
  /* Nothing failed: details to show, nothing to retry. */
  g_assert_nonnull (sh_gui_notifications_find_button (&fixture->notifications, fixture->notified,
                                                      "Show Details"));
  g_assert_null (sh_gui_notifications_find_button (&fixture->notifications, fixture->notified,
                                                   "Retry Failed Scenes"));
  sh_gui_notifications_click (&fixture->notifications, fixture->notified);
  sh_gui_wait (details_shown, fixture, "the job from the notification");
  details = sh_window_get_details_window (window);
  g_assert_true (sh_job_details_window_get_job (SH_JOB_DETAILS_WINDOW (details)) == job);
  gtk_window_destroy (details);
  sh_gui_flush ();

  /* Its details, from its row, offer the scenes it marked generated. */
  g_signal_emit_by_name (row, "activate");
  sh_gui_flush ();
  details = sh_window_get_details_window (window);
  g_assert_nonnull (details);
  g_assert_true (sh_job_details_window_get_job (SH_JOB_DETAILS_WINDOW (details)) == job);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (sh_gui_child (details,
                                                                   SH_TYPE_JOB_DETAILS_WINDOW,
                                                                   "impacted_button"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (sh_gui_child (details,
                                                                    SH_TYPE_JOB_DETAILS_WINDOW,
                                                                    "retry_button"))));

  /* A completed Generate's details, with every section filled, fit a 360 px screen. */
  gtk_widget_measure (adw_window_get_content (ADW_WINDOW (details)), GTK_ORIENTATION_HORIZONTAL,
                      -1, &min_width, NULL, NULL, NULL);
  g_test_message ("minimum width of the details window: %d px", min_width);
  g_assert_cmpint (min_width, <=, 360);

  /* In German too, whose words are longer. */
  {
    GtkWindow *german;

    sh_test_set_language ("de");
    german = GTK_WINDOW (sh_job_details_window_new (GTK_WINDOW (window)));
    sh_job_details_window_set_job (SH_JOB_DETAILS_WINDOW (german), job,
                                   sh_job_manager_lookup_type (sh_session_get_job_manager (sh_application_get_session (app)),
                                                               sh_job_get_job_type (job)));
    gtk_window_present (german);
    gtk_test_widget_wait_for_draw (GTK_WIDGET (german));
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (sh_gui_child (german,
                                                                   SH_TYPE_JOB_DETAILS_WINDOW,
                                                                   "status_label"))),
                     ==, "Abgeschlossen");
    gtk_widget_measure (adw_window_get_content (ADW_WINDOW (german)), GTK_ORIENTATION_HORIZONTAL,
                        -1, &min_width, NULL, NULL, NULL);
    sh_test_set_language (NULL);
    g_test_message ("minimum width of the details window in German: %d px", min_width);
    g_assert_cmpint (min_width, <=, 360);
    gtk_window_destroy (german);
  }

  /* The history filters: only failed jobs leaves none. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (sh_gui_child (fixture->page, SH_TYPE_JOBS_PAGE,
                                                           "status_filter")), 2);
  g_assert_cmpuint (g_list_model_get_n_items (sh_jobs_page_get_history_model (fixture->page)),
                    ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (sh_gui_child (fixture->page, SH_TYPE_JOBS_PAGE,
                                                           "status_filter")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (sh_gui_child (fixture->page, SH_TYPE_JOBS_PAGE,
                                                           "type_filter")), 1);
  g_assert_cmpuint (g_list_model_get_n_items (sh_jobs_page_get_history_model (fixture->page)),
                    ==, 1);

  /* Every button of both windows says what it does. */
  sh_gui_assert_buttons_labelled (GTK_WIDGET (window));
  sh_gui_assert_buttons_labelled (GTK_WIDGET (details));

  /* View Impacted Scenes: the Scenes view, and the details close. */
  sh_gui_click (sh_gui_child (details, SH_TYPE_JOB_DETAILS_WINDOW, "impacted_button"));
  sh_gui_flush ();
  g_assert_cmpstr (sh_window_get_visible_view (window), ==, "scenes");
  g_assert_null (sh_window_get_details_window (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "jobs");
}

static gboolean
message_dialog_shown (gpointer data)
{
  return sh_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
check_cancel_retry (ShApplication *app,
                    ShWindow      *window,
                    gpointer       data)
{
  Fixture *fixture = data;
  g_autofree char *cancelled_id = NULL;
  AdwMessageDialog *conflict;
  GtkWindow *details;
  GtkWidget *row;
  ShJob *job;
  ShJob *retried;

  setup (fixture, app, window);

  /* A slow Generate. */
  sh_window_run_job (window, "stash_generate", NULL);
  fixture->type = "stash_generate";
  sh_gui_wait (job_is_stash_running, fixture, "the Generate to run in Stash");
  job = find_job (fixture);

  /* A second one is refused, and the user told why. */
  sh_window_run_job (window, "stash_generate", NULL);
  sh_gui_wait (message_dialog_shown, NULL, "the conflict dialog");
  conflict = ADW_MESSAGE_DIALOG (sh_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (conflict), ==, "Could Not Start the Job");
  adw_message_dialog_response (conflict, "close");
  sh_gui_flush ();

  /* Cancel in its row: Stash is told to stop, once, and the row ends cancelled. */
  sh_gui_flush ();
  row = row_for (fixture, job);
  sh_gui_click (row_child (row, "cancel_button"));
  job = wait_job (fixture, "stash_generate", SH_JOB_CANCELLED);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "StopJob"), ==, 1);
  row = row_for (fixture, job);
  g_assert_true (in_list (fixture, row, "history_list"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (row, "status_label"))), ==,
                   "Cancelled");

  /* Retry, from the job's details: a new job, which the details then follow. */
  cancelled_id = g_strdup (sh_job_get_id (job));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-job", "s", cancelled_id);
  sh_gui_flush ();
  details = sh_window_get_details_window (window);
  g_assert_nonnull (details);
  sh_fake_stash_set_job_speed (fixture->fake, 5);
  sh_gui_click (sh_gui_child (details, SH_TYPE_JOB_DETAILS_WINDOW, "retry_button"));

  fixture->other_than = cancelled_id;
  retried = wait_job (fixture, "stash_generate", SH_JOB_COMPLETED);
  g_assert_cmpstr (sh_job_get_id (retried), !=, cancelled_id);
  g_assert_true (sh_job_details_window_get_job (SH_JOB_DETAILS_WINDOW (details)) == retried);
  g_assert_cmpint (sh_job_get_scenes_updated (retried), ==, N_SCENES);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "StopJob"), ==, 1);

  gtk_window_destroy (details);
}

/* Another StashHog process (stashhogctl, another desktop) on the same database. */
typedef struct
{
  ShDatabase    *database;  /* (owned) */
  ShStashClient *client;    /* (owned) */
  ShJobManager  *manager;   /* (owned) */
  ShJob         *job;       /* (owned) */
  GAsyncResult  *run;       /* (owned) (nullable) the run's end */
} OtherProcess;

static void
other_process_start_generate (OtherProcess *other,
                              Fixture      *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 server_id;

  other->database = sh_test_open_database (FALSE, fixture->database);
  other->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);
  sh_database_ensure_server_async (other->database, sh_fake_stash_get_url (fixture->fake),
                                   NULL, sh_test_store_result, &result);
  server_id = sh_database_ensure_server_finish (other->database, sh_test_await (&result),
                                                &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  other->manager = sh_job_manager_new (other->database, other->client, server_id);
  sh_job_manager_create_async (other->manager, "stash_generate", NULL, NULL, NULL,
                               sh_test_store_result, &result);
  other->job = sh_job_manager_create_finish (other->manager, sh_test_await (&result), &error);
  g_assert_no_error (error);
  sh_job_manager_run_async (other->manager, other->job, NULL, sh_test_store_result,
                            &other->run);
}

static void
other_process_clear (OtherProcess *other)
{
  g_autoptr(GError) error = NULL;

  sh_job_manager_run_finish (other->manager, sh_test_await (&other->run), &error);
  g_assert_no_error (error);
  g_clear_object (&other->run);
  g_clear_object (&other->job);
  g_clear_object (&other->manager);
  sh_database_close (other->database);
  g_clear_object (&other->database);
  g_clear_object (&other->client);
}

static void
check_cancel_other_process (ShApplication *app,
                            ShWindow      *window,
                            gpointer       data)
{
  Fixture *fixture = data;
  OtherProcess other = { 0 };
  GtkWidget *row;
  ShJob *job;

  setup (fixture, app, window);

  /* A Generate that another process runs shows up here, live… */
  other_process_start_generate (&other, fixture);
  fixture->type = "stash_generate";
  sh_gui_wait (job_is_stash_running, fixture, "the other process's Generate");
  sh_gui_flush ();
  job = find_job (fixture);
  g_assert_cmpstr (sh_job_get_id (job), ==, sh_job_get_id (other.job));
  g_assert_false (sh_job_manager_is_running_here (fixture->manager, job));
  row = row_for (fixture, job);
  g_assert_true (in_list (fixture, row, "active_list"));

  /* … and Cancel stops it in Stash, as `stashhogctl cancel` does; its owner records the
   * end, and this window sees it. */
  sh_gui_click (row_child (row, "cancel_button"));
  job = wait_job (fixture, "stash_generate", SH_JOB_CANCELLED);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "StopJob"), ==, 1);
  g_assert_cmpint (sh_job_get_status (other.job), ==, SH_JOB_CANCELLED);
  row = row_for (fixture, job);
  g_assert_true (in_list (fixture, row, "history_list"));

  other_process_clear (&other);
}

static void
test_jobs_cancel_other_process (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture, 2000);
      sh_gui_run (check_cancel_other_process, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_jobs_generate (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture, 20);
      sh_gui_run (check_generate, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_jobs_cancel_retry (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture, 2000);
      sh_gui_run (check_cancel_retry, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}


static gboolean
failure_notified (gpointer data)
{
  Fixture *fixture = data;
  GPtrArray *summaries = fixture->notifications.summaries;

  for (guint i = 0; i < summaries->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (summaries, i), "Generate Metadata Failed"))
        {
          fixture->notified = i + 1;
          return TRUE;
        }
    }

  return FALSE;
}

/* A Generate that left scenes without media is notified at high priority, with a button
 * that retries exactly those scenes. */
static void
check_failure_notification (ShApplication *app,
                            ShWindow      *window,
                            gpointer       data)
{
  Fixture *fixture = data;
  g_autofree char *first_id = NULL;
  const char *retry;
  GtkWindow *dialog;
  ShJob *job;
  ShJob *again;
  g_autoptr(JsonObject) parameters = NULL;

  setup (fixture, app, window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL);
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  sh_generate_dialog_start (SH_GENERATE_DIALOG (dialog));

  job = wait_job (fixture, "stash_generate", SH_JOB_FAILED);
  first_id = g_strdup (sh_job_get_id (job));
  sh_gui_wait (failure_notified, fixture, "the failure's notification");
  retry = sh_gui_notifications_find_button (&fixture->notifications, fixture->notified,
                                            "Retry Failed Scenes");
  g_assert_nonnull (retry);
  g_assert_nonnull (sh_gui_notifications_find_button (&fixture->notifications,
                                                      fixture->notified, "Show Details"));

  /* The button starts a Generate of the failed scene only. */
  sh_gui_notifications_click_button (&fixture->notifications, fixture->notified, retry);
  fixture->other_than = first_id;
  again = wait_job (fixture, "stash_generate", SH_JOB_FAILED);
  fixture->other_than = NULL;
  parameters = sh_job_dup_parameters (again);
  g_assert_cmpstr (json_object_get_string_member (parameters, "retry_failed_of"), ==, first_id);
  g_assert_cmpint (sh_job_get_total_items (again), ==, 1);
}

static void
test_jobs_failure_notification (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture, 5);
      sh_fake_stash_set_broken (fixture.fake, 4, SH_FAKE_ARTIFACT_PREVIEW);
      sh_gui_run (check_failure_notification, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  sh_test_allow_language_switch ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/jobs/generate", test_jobs_generate);
  g_test_add_func ("/ui/jobs/failure-notification", test_jobs_failure_notification);
  g_test_add_func ("/ui/jobs/cancel-retry", test_jobs_cancel_retry);
  g_test_add_func ("/ui/jobs/cancel-other-process", test_jobs_cancel_other_process);

  return g_test_run ();
}
