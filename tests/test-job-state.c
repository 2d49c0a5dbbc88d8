/* test-job-state.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window says about jobs and about Stash, in a real window against the fake
 * Stash: a Generate whose Stash goes away says so in its row, since when, without a stale
 * estimate; it fails, a toast says so with its details, and the Jobs tab is marked until
 * the Jobs view is seen; the periodic check shows the bar that Stash cannot be reached,
 * and Try Again hides it once Stash is back. Ctrl+G with scenes selected opens the
 * Generate dialog for them, with Start focused, and its target can be switched; the job
 * it starts is counted on the Jobs tab while it runs, and a toast tells how it ended
 * rather than that it started.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash.h"
#include "sh-generate-dialog.h"
#include "sh-gui-test-utils.h"
#include "sh-job-row.h"
#include "sh-jobs-page.h"
#include "sh-scenes-page.h"
#include "sh-test-utils.h"

#define SUBPROCESS_TIMEOUT (90 * G_USEC_PER_SEC)
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
  ShJobStatus   status;
  const char   *text;        /* for the wait conditions */
  GtkWidget    *widget;      /* (unowned) for the wait conditions */
} Fixture;

static void
fixture_start (Fixture *fixture,
               guint    job_speed)
{
  g_autoptr(GError) error = NULL;

  fixture->database = sh_gui_make_database_path (&fixture->dir);
  sh_gui_use_file_keyring (fixture->dir);

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_set_job_speed (fixture->fake, job_speed);
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
  return sh_gui_find_job (fixture->manager, fixture->type, NULL);
}

static ShJob *
wait_job (Fixture     *fixture,
          const char  *type,
          ShJobStatus  status)
{
  fixture->type = type;
  return sh_gui_wait_job (fixture->manager, type, NULL, status);
}

static gboolean
job_is_stash_running (gpointer data)
{
  Fixture *fixture = data;
  ShJob *job = find_job (fixture);

  return job != NULL && sh_job_get_status (job) == SH_JOB_RUNNING &&
         sh_job_get_stash_job_id (job) != NULL && sh_job_get_progress (job) > 0;
}

static void
setup (Fixture       *fixture,
       ShApplication *app,
       ShWindow      *window)
{
  sh_gui_wait (sh_gui_is_connected, app, "the session");
  sh_gui_flush ();
  /* The toasts are the subject here; no notification server runs. */
  g_settings_set_boolean (sh_application_get_settings (app), "notify-on-finish", FALSE);

  fixture->window = window;
  fixture->page = SH_JOBS_PAGE (sh_gui_child (window, SH_TYPE_WINDOW, "jobs_page"));
  fixture->manager = sh_session_get_job_manager (sh_application_get_session (app));
  sh_job_manager_set_poll_interval (fixture->manager, 200);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-scenes", NULL);
  wait_job (fixture, "sync_scenes", SH_JOB_COMPLETED);
}

static AdwViewStackPage *
jobs_tab (Fixture *fixture)
{
  AdwViewStack *stack = ADW_VIEW_STACK (sh_gui_child (fixture->window, SH_TYPE_WINDOW,
                                                      "stack"));

  return adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, "jobs"));
}

static void
show_view (Fixture    *fixture,
           const char *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-view",
                                             "s", name));
  sh_gui_flush ();
  g_assert_cmpstr (sh_window_get_visible_view (fixture->window), ==, name);
}

/* Every label's text under @widget, one per line. */
static char *
toasts_text (Fixture *fixture)
{
  return sh_gui_dup_toasts_text (fixture->window);
}

static void
wait_toast (Fixture    *fixture,
            const char *text)
{
  sh_gui_wait_toast (fixture->window, text);
}

static const char *
row_label (Fixture    *fixture,
           ShJob      *job,
           const char *name)
{
  GtkWidget *row = sh_jobs_page_find_row (fixture->page, sh_job_get_id (job));

  g_assert_nonnull (row);
  return gtk_label_get_label (GTK_LABEL (sh_gui_child (row, SH_TYPE_JOB_ROW, name)));
}

typedef struct
{
  Fixture *fixture;
  ShJob   *job;
} RowWait;

static gboolean
row_says_unreachable (gpointer data)
{
  RowWait *wait = data;

  return strstr (row_label (wait->fixture, wait->job, "subtitle_label"),
                 "Stash unreachable — retrying (") != NULL;
}

static gboolean
banner_is (gpointer data)
{
  Fixture *fixture = data;
  GtkRevealer *banner = GTK_REVEALER (sh_gui_child (fixture->window, SH_TYPE_WINDOW,
                                                    "server_banner"));

  return gtk_revealer_get_reveal_child (banner) == (fixture->status != 0);
}

static void
wait_banner (Fixture  *fixture,
             gboolean  shown)
{
  fixture->status = shown;
  sh_gui_wait (banner_is, fixture, shown ? "the bar that Stash is unreachable"
                                         : "the bar to go");
}

static void
check_unreachable (ShApplication *app,
                   ShWindow      *window,
                   gpointer       data)
{
  Fixture *fixture = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *toasts = NULL;
  GtkWindow *dialog;
  RowWait wait;
  ShJob *job;

  setup (fixture, app, window);
  sh_job_manager_set_grace_period (fixture->manager, 3);
  wait_banner (fixture, FALSE);

  /* A Generate, started while the user looks at the scenes. */
  show_view (fixture, "scenes");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL);
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  sh_generate_dialog_start (SH_GENERATE_DIALOG (dialog));
  fixture->type = "stash_generate";
  sh_gui_wait (job_is_stash_running, fixture, "the Generate to run in Stash");
  job = find_job (fixture);
  sh_gui_flush ();

  /* The tab counts it; no toast says it started. */
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (jobs_tab (fixture)), ==, 1);
  g_assert_false (adw_view_stack_page_get_needs_attention (jobs_tab (fixture)));
  toasts = toasts_text (fixture);
  g_assert_null (strstr (toasts, "started"));
  g_clear_pointer (&toasts, g_free);

  /* Stash goes away: the row says so and since when, and no longer estimates. */
  uri = g_uri_parse (sh_fake_stash_get_url (fixture->fake), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  sh_fake_stash_stop (fixture->fake);
  wait.fixture = fixture;
  wait.job = job;
  sh_gui_wait (row_says_unreachable, &wait, "the row to say Stash is unreachable");
  g_assert_cmpint (sh_job_get_unreachable_since (job), >, 0);
  g_assert_null (strstr (row_label (fixture, job, "subtitle_label"), "left"));
  g_assert_nonnull (strstr (row_label (fixture, job, "detail_label"), "unreachable"));

  /* Past the grace period it fails: a toast with its details, a mark on the tab. */
  job = wait_job (fixture, "stash_generate", SH_JOB_FAILED);
  g_assert_cmpint (sh_job_get_unreachable_since (job), ==, 0);
  wait_toast (fixture, "Generate Metadata failed");
  toasts = toasts_text (fixture);
  g_assert_nonnull (strstr (toasts, "Details"));
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (jobs_tab (fixture)), ==, 0);
  g_assert_true (adw_view_stack_page_get_needs_attention (jobs_tab (fixture)));

  /* The periodic check, with no job running, finds Stash gone. */
  sh_window_set_server_check_interval (window, 1);
  wait_banner (fixture, TRUE);

  /* Seen: the mark goes. */
  show_view (fixture, "jobs");
  g_assert_false (adw_view_stack_page_get_needs_attention (jobs_tab (fixture)));

  /* Stash is back; Try Again hides the bar. */
  sh_window_set_server_check_interval (window, 0);
  g_assert_true (sh_fake_stash_start (fixture->fake, g_uri_get_port (uri), &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.check-server", NULL));
  wait_banner (fixture, FALSE);
}

static void
test_state_unreachable (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture, 2000);
      sh_gui_run (check_unreachable, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static gboolean
scenes_loaded (gpointer data)
{
  ShScenesPage *page = data;
  ShSceneListModel *model = sh_scenes_page_get_model (page);

  return model != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) == N_SCENES;
}

static GObject *
dialog_child (GtkWindow  *dialog,
              const char *name)
{
  return sh_gui_child (dialog, SH_TYPE_GENERATE_DIALOG, name);
}

static const char *
target_title (GtkWindow *dialog)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (dialog_child (dialog,
                                                                           "target_row")));
}

static gboolean
target_subtitle_is (gpointer data)
{
  Fixture *fixture = data;
  GtkWindow *dialog = GTK_WINDOW (fixture->widget);

  return g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog_child (dialog,
                                                                               "target_row"))),
                    fixture->text) == 0;
}

static void
check_ctrl_g (ShApplication *app,
              ShWindow      *window,
              gpointer       data)
{
  Fixture *fixture = data;
  g_autoptr(JsonObject) parameters = NULL;
  g_autofree char *toasts = NULL;
  GtkSelectionModel *selection;
  ShScenesPage *scenes;
  GtkDropDown *dropdown;
  GtkWindow *dialog;
  JsonArray *ids;
  ShJob *job;

  setup (fixture, app, window);

  /* Checked first, as the Jobs view suggests after a first sync: no scene for the Generate
   * dialog to warn about (test-first-run.c covers the warning). */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.check-media", NULL);
  wait_job (fixture, "check_stash_generate", SH_JOB_COMPLETED);

  /* Three scenes selected in the Scenes view. */
  show_view (fixture, "scenes");
  scenes = SH_SCENES_PAGE (adw_view_stack_get_child_by_name (ADW_VIEW_STACK (sh_gui_child (window,
                                                                                      SH_TYPE_WINDOW,
                                                                                      "stack")),
                                                             "scenes"));
  sh_gui_wait (scenes_loaded, scenes, "the scenes");
  sh_gui_flush ();
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (sh_gui_child (scenes,
                                                                       SH_TYPE_SCENES_PAGE,
                                                                       "column_view")));
  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  sh_gui_flush ();

  /* Ctrl+G (win.generate) is for them, and Enter starts. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (target_title (dialog), ==, "3 Selected Scenes");
  g_assert_true (gtk_window_get_focus (dialog) == GTK_WIDGET (dialog_child (dialog,
                                                                            "start_button")));
  g_assert_true (gtk_window_get_default_widget (dialog) ==
                 GTK_WIDGET (dialog_child (dialog, "start_button")));

  /* The target can be switched: every scene not generated, the failing ones (none yet:
   * nothing to start), and back. */
  dropdown = GTK_DROP_DOWN (dialog_child (dialog, "target_dropdown"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 3);
  gtk_drop_down_set_selected (dropdown, 1);
  g_assert_cmpstr (target_title (dialog), ==, "All Scenes Without Generated Media");
  parameters = sh_generate_dialog_dup_parameters (SH_GENERATE_DIALOG (dialog));
  g_assert_false (json_object_has_member (parameters, "sceneIDs"));
  g_clear_pointer (&parameters, json_object_unref);

  gtk_drop_down_set_selected (dropdown, 2);
  g_assert_cmpstr (target_title (dialog), ==, "Failing Scenes");
  fixture->widget = GTK_WIDGET (dialog);
  fixture->text = "No scene is failing";
  sh_gui_wait (target_subtitle_is, fixture, "the failing scenes to be counted");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (dialog_child (dialog, "start_button"))));

  gtk_drop_down_set_selected (dropdown, 0);
  g_assert_cmpstr (target_title (dialog), ==, "3 Selected Scenes");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (dialog_child (dialog, "start_button"))));
  parameters = sh_generate_dialog_dup_parameters (SH_GENERATE_DIALOG (dialog));
  ids = json_object_get_array_member (parameters, "sceneIDs");
  g_assert_nonnull (ids);
  g_assert_cmpuint (json_array_get_length (ids), ==, 3);

  /* Enter: the default widget starts. */
  gtk_widget_activate_default (GTK_WIDGET (dialog));
  job = wait_job (fixture, "stash_generate", SH_JOB_COMPLETED);
  g_assert_cmpint (sh_job_get_total_items (job), ==, 3);

  /* How it ended, with its count; never that it started. */
  wait_toast (fixture, "Generate Metadata completed: 3 scenes");
  toasts = toasts_text (fixture);
  g_assert_null (strstr (toasts, "started"));
  g_assert_null (strstr (toasts, "Generating media for"));
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (jobs_tab (fixture)), ==, 0);
  g_assert_false (adw_view_stack_page_get_needs_attention (jobs_tab (fixture)));
}

static void
test_state_ctrl_g (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture, 20);
      sh_gui_run (check_ctrl_g, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static gboolean
stash_defaults_filled (gpointer data)
{
  g_autoptr(JsonObject) parameters = sh_generate_dialog_dup_parameters (data);

  /* StashHog makes marker previews by default; the fake Stash's saved options do not. */
  return !json_object_get_boolean_member (parameters, "markers");
}

static void
assert_stash_options (GtkWindow *dialog)
{
  g_autoptr(JsonObject) parameters = NULL;
  JsonObject *preview;

  parameters = sh_generate_dialog_dup_parameters (SH_GENERATE_DIALOG (dialog));
  preview = json_object_get_object_member (parameters, "previewOptions");

  g_assert_false (json_object_get_boolean_member (parameters, "markers"));
  g_assert_false (json_object_get_boolean_member (parameters, "markerScreenshots"));
  g_assert_true (json_object_get_boolean_member (parameters, "covers"));
  g_assert_cmpint (json_object_get_int_member (preview, "previewSegments"), ==, 20);
  g_assert_cmpfloat (json_object_get_double_member (preview, "previewSegmentDuration"), ==, 1.5);
  g_assert_cmpstr (json_object_get_string_member (preview, "previewExcludeStart"), ==, "5%");
  g_assert_cmpstr (json_object_get_string_member (preview, "previewPreset"), ==, "medium");
}

static void
check_generate_options (ShApplication *app,
                        ShWindow      *window,
                        gpointer       data)
{
  Fixture *fixture = data;
  GtkWidget *start;
  GtkWidget *entry;
  GtkWindow *dialog;

  setup (fixture, app, window);

  /* Use Stash's Defaults fills the options from what Stash saved. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL);
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (stash_defaults_filled (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.stash-defaults",
                                             NULL));
  sh_gui_wait (stash_defaults_filled, dialog, "Stash's defaults");
  assert_stash_options (dialog);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "GenerateDefaults"), ==, 1);

  /* A skip Stash would refuse is flagged as typed, and Start waits. */
  start = GTK_WIDGET (dialog_child (dialog, "start_button"));
  entry = GTK_WIDGET (dialog_child (dialog, "exclude_start_entry"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "5 s");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_false (gtk_widget_is_sensitive (start));
  gtk_editable_set_text (GTK_EDITABLE (entry), "5%");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_true (gtk_widget_is_sensitive (start));

  sh_generate_dialog_start (SH_GENERATE_DIALOG (dialog));
  wait_job (fixture, "stash_generate", SH_JOB_COMPLETED);

  /* The next time, the dialog starts from the options of the last run. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL);
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  assert_stash_options (dialog);
  gtk_window_destroy (dialog);
  sh_gui_flush ();
}

static void
test_state_generate_options (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture, 20);
      sh_gui_run (check_generate_options, &fixture);
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

  g_test_add_func ("/ui/state/unreachable", test_state_unreachable);
  g_test_add_func ("/ui/state/ctrl-g", test_state_ctrl_g);
  g_test_add_func ("/ui/state/generate-options", test_state_generate_options);

  return g_test_run ();
}
