/* test-generate-failures.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Generate that leaves scenes without media, in a real window against the fake Stash:
 * the job fails and its row says so; its details list the failed scenes with what they lack
 * and Stash's lines, and Retry Failed Scenes runs a Generate of those only; the Failing
 * After preference reaches the session's database, and the Scenes view's Failing filter
 * lists the scenes with their reason; the Generate dialog's "Also Mark Scenes That
 * Succeeded" is remembered and sent, and such a run completes with errors, which its row
 * shows.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash.h"
#include "sh-generate-dialog.h"
#include "sh-gui-test-utils.h"
#include "sh-job-details-window.h"
#include "sh-job-row.h"
#include "sh-jobs-page.h"
#include "sh-scenes-page.h"
#include "sh-test-utils.h"
#include "sh-ui-util.h"

#define SUBPROCESS_TIMEOUT (60 * G_USEC_PER_SEC)
#define N_SCENES           12

typedef struct
{
  ShFakeStash  *fake;        /* (owned) */
  char         *dir;         /* (owned) the database's */
  char         *database;    /* (owned) */
  ShWindow     *window;      /* (unowned) */
  ShJobsPage   *page;        /* (unowned) */
  ShJobManager *manager;     /* (unowned) */
  const char   *type;
  const char   *other_than;  /* (nullable) a job id find_job() skips */
  ShJobStatus   status;
  GtkWidget    *widget;      /* (unowned) for the wait conditions */
  guint         n_rows;
  const char   *prefix;
} Fixture;

static void
fixture_start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->database = sh_gui_make_database_path (&fixture->dir);
  sh_gui_use_file_keyring (fixture->dir);

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_set_job_speed (fixture->fake, 10);
  /* Stash says FINISHED, but these two still lack their previews. */
  sh_fake_stash_set_broken (fixture->fake, 3, SH_FAKE_ARTIFACT_PREVIEW);
  sh_fake_stash_set_broken (fixture->fake, 7, SH_FAKE_ARTIFACT_PREVIEW);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);

  g_setenv ("STASHHOG_URL", sh_fake_stash_get_url (fixture->fake), TRUE);
  g_setenv ("STASHHOG_DATABASE", fixture->database, TRUE);
  g_setenv ("STASHHOG_API_KEY", "", TRUE);
}

static void
fixture_clear (Fixture *fixture)
{
  sh_fake_stash_stop (fixture->fake);
  g_clear_object (&fixture->fake);
  sh_gui_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->database, g_free);
}

static ShJob *
find_job (Fixture *fixture)
{
  GListModel *jobs = sh_job_manager_get_jobs (fixture->manager);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (g_str_equal (sh_job_get_job_type (job), fixture->type) &&
          g_strcmp0 (sh_job_get_id (job), fixture->other_than) != 0)
        return job;  /* the model keeps it */
    }

  return NULL;
}

static gboolean
job_has_status (gpointer data)
{
  Fixture *fixture = data;
  ShJob *job = find_job (fixture);

  return job != NULL && sh_job_get_status (job) == fixture->status;
}

static ShJob *
wait_job (Fixture     *fixture,
          const char  *type,
          ShJobStatus  status)
{
  g_autofree char *what = g_strdup_printf ("a %s job %s", type,
                                           sh_job_status_to_string (status));

  fixture->type = type;
  fixture->status = status;
  sh_gui_wait (job_has_status, fixture, what);
  sh_gui_flush ();

  return find_job (fixture);
}

static GObject *
row_child (Fixture    *fixture,
           ShJob      *job,
           const char *name)
{
  GtkWidget *row = sh_jobs_page_find_row (fixture->page, sh_job_get_id (job));

  g_assert_nonnull (row);
  return sh_gui_child (row, SH_TYPE_JOB_ROW, name);
}

static GObject *
details_child (GtkWindow  *details,
               const char *name)
{
  return sh_gui_child (details, SH_TYPE_JOB_DETAILS_WINDOW, name);
}

/* The rows of the Failed Scenes group, in order. */
static GPtrArray *
failed_rows (GtkWindow *details)
{
  GtkWidget *group = GTK_WIDGET (details_child (details, "failed_group"));
  GPtrArray *rows = g_ptr_array_new ();
  GtkWidget *list = NULL;

  /* The group's rows are in its GtkListBox. */
  for (GtkWidget *w = gtk_widget_get_first_child (group); w != NULL && list == NULL; )
    {
      if (GTK_IS_LIST_BOX (w))
        list = w;
      else if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL && w != group)
            w = gtk_widget_get_parent (w);
          if (w == NULL || w == group)
            break;
          w = gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (list);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_PREFERENCES_ROW (row))
      g_ptr_array_add (rows, row);

  return rows;
}

static gboolean
failed_rows_shown (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GPtrArray) rows = NULL;

  if (!gtk_widget_get_visible (GTK_WIDGET (details_child (GTK_WINDOW (fixture->widget),
                                                          "failed_group"))))
    return FALSE;
  rows = failed_rows (GTK_WINDOW (fixture->widget));
  return rows->len == fixture->n_rows;
}

static void
wait_failed_rows (Fixture   *fixture,
                  GtkWindow *details,
                  guint      n)
{
  fixture->widget = GTK_WIDGET (details);
  fixture->n_rows = n;
  sh_gui_wait (failed_rows_shown, fixture, "the failed scenes");
  sh_gui_flush ();
}

static gboolean
find_label_prefix (GtkWidget  *widget,
                   const char *prefix)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_label_prefix (child, prefix))
      return TRUE;

  return FALSE;
}

static gboolean
label_shown (gpointer data)
{
  Fixture *fixture = data;

  return find_label_prefix (fixture->widget, fixture->prefix);
}

static gboolean
scenes_listed (gpointer data)
{
  Fixture *fixture = data;
  ShSceneListModel *model = sh_scenes_page_get_model (SH_SCENES_PAGE (fixture->widget));

  return model != NULL && !sh_scene_list_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == fixture->n_rows;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static ShGenerateDialog *
open_generate_dialog (Fixture *fixture)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.generate", NULL);
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);

  return SH_GENERATE_DIALOG (dialog);
}

static gboolean
mark_succeeded (ShGenerateDialog *dialog)
{
  g_autoptr(JsonObject) parameters = sh_generate_dialog_dup_parameters (dialog);

  return json_object_get_boolean_member (parameters, "mark_succeeded");
}

static void
check_failures (ShApplication *app,
                ShWindow      *window,
                gpointer       data)
{
  Fixture *fixture = data;
  GSettings *settings = sh_application_get_settings (app);
  ShSession *session;
  ShGenerateDialog *dialog;
  GtkSwitch *toggle;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *failed_id = NULL;
  GtkWindow *details;
  GtkWidget *scenes;
  const char *text;
  ShJob *job;

  sh_gui_wait (sh_gui_is_connected, app, "the session");
  sh_gui_flush ();
  session = sh_application_get_session (app);
  fixture->window = window;
  fixture->page = SH_JOBS_PAGE (sh_gui_child (window, SH_TYPE_WINDOW, "jobs_page"));
  fixture->manager = sh_session_get_job_manager (session);

  /* Failing After: the session's database follows the setting, also when it changes. */
  g_assert_cmpuint (sh_database_get_failing_threshold (sh_session_get_database (session)), ==,
                    3);
  g_settings_set_uint (settings, "failing-threshold", 1);
  g_assert_cmpuint (sh_database_get_failing_threshold (sh_session_get_database (session)), ==,
                    1);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-scenes", NULL);
  wait_job (fixture, "sync_scenes", SH_JOB_COMPLETED);

  /* A Generate with the dialog's defaults: two scenes fail, so nothing is marked. */
  dialog = open_generate_dialog (fixture);
  toggle = GTK_SWITCH (sh_gui_child (dialog, SH_TYPE_GENERATE_DIALOG, "mark_succeeded_switch"));
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (mark_succeeded (dialog));
  sh_gui_assert_buttons_labelled (GTK_WIDGET (dialog));
  sh_generate_dialog_start (dialog);

  job = wait_job (fixture, "stash_generate", SH_JOB_FAILED);
  g_assert_cmpint (sh_job_get_scenes_updated (job), ==, 0);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (fixture, job, "status_label"))),
                   ==, "Failed");
  text = gtk_label_get_label (GTK_LABEL (row_child (fixture, job, "subtitle_label")));
  g_assert_nonnull (strstr (text, "lack"));

  /* Its details: the two scenes, what they lack, the numbers in words. */
  failed_id = g_strdup (sh_job_get_id (job));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-job", "s", failed_id);
  sh_gui_flush ();
  details = sh_window_get_details_window (window);
  g_assert_nonnull (details);
  wait_failed_rows (fixture, details, 2);
  rows = failed_rows (details);
  /* Untitled scenes go by their file's name. */
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==,
                   "Scene 3 · scene-000003.mp4");
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (g_ptr_array_index (rows, 1)),
                                   "Scene 7"));
  if (ADW_IS_EXPANDER_ROW (g_ptr_array_index (rows, 0)))
    text = adw_expander_row_get_subtitle (g_ptr_array_index (rows, 0));
  else
    text = adw_action_row_get_subtitle (g_ptr_array_index (rows, 0));
  g_assert_nonnull (strstr (text, "preview"));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (
                     details_child (details, "failed_group"))),
                   ==, "10 verified, 2 failed, 0 removed");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (details_child (details,
                                                                    "retry_failed_button"))));
  sh_gui_assert_buttons_labelled (GTK_WIDGET (details));

  /* STASHHOG_SCREENSHOT=dir: pictures of the details, for looking at them. */
  if (g_getenv ("STASHHOG_SCREENSHOT") != NULL)
    {
      g_autofree char *command = NULL;

      if (ADW_IS_EXPANDER_ROW (g_ptr_array_index (rows, 0)))
        adw_expander_row_set_expanded (g_ptr_array_index (rows, 0), TRUE);
      /* Past the expander's animation. */
      for (gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;
           g_get_monotonic_time () < end; )
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (5000);
      command = g_strdup_printf ("import -window root %s/details.png",
                                 g_getenv ("STASHHOG_SCREENSHOT"));
      g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The Scenes view: with a threshold of 1 both are failing, and say why. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "scenes");
  scenes = find_widget (GTK_WIDGET (window), SH_TYPE_SCENES_PAGE);
  g_assert_nonnull (scenes);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (sh_gui_child (scenes, SH_TYPE_SCENES_PAGE,
                                                           "generated_dropdown")), 3);
  fixture->widget = scenes;
  fixture->n_rows = 2;
  sh_gui_wait (scenes_listed, fixture, "the failing scenes");
  fixture->prefix = "Failing (1×): preview";
  sh_gui_wait (label_shown, fixture, "a failing scene's reason");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "jobs");

  /* Retry Failed Scenes: a Generate of those two only. Scene 3 works now; 7 still fails. */
  sh_fake_stash_set_broken (fixture->fake, 3, 0);
  sh_gui_click (details_child (details, "retry_failed_button"));
  fixture->other_than = failed_id;
  job = wait_job (fixture, "stash_generate", SH_JOB_FAILED);
  g_assert_cmpstr (sh_job_get_id (job), !=, failed_id);
  g_assert_true (sh_job_details_window_get_job (SH_JOB_DETAILS_WINDOW (details)) == job);
  {
    g_autoptr(JsonObject) parameters = sh_job_dup_parameters (job);
    g_autoptr(JsonObject) result = sh_job_dup_result (job);

    g_assert_cmpstr (json_object_get_string_member (parameters, "retry_failed_of"), ==,
                     failed_id);
    g_assert_cmpint (json_object_get_int_member (result, "scenes_tracked"), ==, 2);
  }
  wait_failed_rows (fixture, details, 1);
  rows = failed_rows (details);
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)),
                                   "Scene 7"));
  gtk_window_destroy (details);
  sh_gui_flush ();

  /* Also Mark Scenes That Succeeded: remembered, and sent. */
  dialog = open_generate_dialog (fixture);
  toggle = GTK_SWITCH (sh_gui_child (dialog, SH_TYPE_GENERATE_DIALOG, "mark_succeeded_switch"));
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "generate-mark-succeeded"));
  g_assert_true (mark_succeeded (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  sh_gui_flush ();

  dialog = open_generate_dialog (fixture);
  toggle = GTK_SWITCH (sh_gui_child (dialog, SH_TYPE_GENERATE_DIALOG, "mark_succeeded_switch"));
  g_assert_true (gtk_switch_get_active (toggle));
  g_assert_true (mark_succeeded (dialog));

  /* A whole-library run leaves out failing scene 7; scene 5 lost its preview and cannot
   * make it again. The scenes that succeeded are marked and the job completes with errors,
   * which its row says. */
  sh_fake_stash_set_missing (fixture->fake, 5, SH_FAKE_ARTIFACT_PREVIEW, TRUE);
  sh_fake_stash_set_broken (fixture->fake, 5, SH_FAKE_ARTIFACT_PREVIEW);
  fixture->other_than = sh_job_get_id (job);
  sh_generate_dialog_start (dialog);
  job = wait_job (fixture, "stash_generate", SH_JOB_COMPLETED);
  g_assert_true (sh_job_completed_with_errors (job));
  g_assert_cmpint (sh_job_get_scenes_updated (job), ==, 10);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (fixture, job, "status_label"))),
                   ==, "Completed with Errors");
  text = gtk_label_get_label (GTK_LABEL (row_child (fixture, job, "subtitle_label")));
  g_assert_nonnull (strstr (text, "Completed with 1 error"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row_child (fixture, job, "status_label")),
                                           "warning"));
}

static void
test_generate_failures (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };
      g_autoptr(GSettings) settings = g_settings_new (BASE_ID);

      /* No notification server here; test-jobs-page.c checks notifications. */
      g_settings_set_boolean (settings, "notify-on-finish", FALSE);
      fixture_start (&fixture);
      sh_gui_run (check_failures, &fixture);
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
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/generate-failures", test_generate_failures);

  return g_test_run ();
}
