/* test-first-run.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The guided first run, in the real application against the fake Stash over loopback,
 * with most media already made in Stash: after the first sync the Jobs view summarizes the
 * library (every scene unchecked) and offers Check Media, and a toast points to it; after
 * a real Check the counts are what Stash has and the next step is Generate Missing Media.
 * The Generate dialog warns about scenes never checked and its Check First checks the
 * same target. Everything fits 360 px, in German too.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash.h"
#include "sh-generate-dialog.h"
#include "sh-gui-test-utils.h"
#include "sh-jobs-page.h"
#include "sh-library-summary.h"
#include "sh-scene-item.h"
#include "sh-scenes-page.h"
#include "sh-test-utils.h"
#include "sh-types.h"

#define SUBPROCESS_TIMEOUT (60 * G_USEC_PER_SEC)
#define N_SCENES           40
/* Stash lacks the preview of the last four scenes: 90 % of the library is complete. */
#define FIRST_INCOMPLETE   37
#define N_INCOMPLETE       (N_SCENES - FIRST_INCOMPLETE + 1)
#define NARROWEST_WIDTH    360
#define NBSP               "\u00a0"

typedef struct
{
  ShFakeStash      *fake;      /* (owned) */
  char             *dir;       /* (owned) */
  char             *database;  /* (owned) */
  ShWindow         *window;    /* (unowned) */
  ShJobsPage       *page;      /* (unowned) */
  ShLibrarySummary *summary;   /* (unowned) */
  ShJobManager     *manager;   /* (unowned) */
  guint64           checked;   /* what wait_checked() and wait_read() wait for */
  guint             reads;     /* the summary's reads so far */
} Fixture;

static void
fixture_start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->database = sh_gui_make_database_path (&fixture->dir);
  sh_gui_use_file_keyring (fixture->dir);

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  for (guint id = FIRST_INCOMPLETE; id <= N_SCENES; id++)
    sh_fake_stash_set_missing (fixture->fake, id, SH_FAKE_ARTIFACT_PREVIEW, TRUE);
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

/* The summary has read the library with @fixture->checked scenes checked. */
static gboolean
summary_checked (gpointer data)
{
  Fixture *fixture = data;
  const ShSceneSummary *summary = sh_library_summary_get_summary (fixture->summary);

  return summary != NULL && summary->scenes == N_SCENES && summary->checked == fixture->checked;
}

static void
wait_checked (Fixture *fixture,
              guint64  checked)
{
  fixture->checked = checked;
  sh_gui_wait (summary_checked, fixture, "the library summary");
  sh_gui_flush ();
}

static void
on_summary_read (Fixture *fixture)
{
  fixture->reads++;
}

static gboolean
read_again (gpointer data)
{
  Fixture *fixture = data;

  return fixture->reads > fixture->checked;
}

/* Waits for the summary's next read, after something changed the library. */
static void
wait_read (Fixture *fixture,
           guint    reads)
{
  fixture->checked = reads;
  sh_gui_wait (read_again, fixture, "the summary to be read again");
  sh_gui_flush ();
}

static GObject *
summary_child (Fixture    *fixture,
               const char *name)
{
  return sh_gui_child (fixture->summary, SH_TYPE_LIBRARY_SUMMARY, name);
}

static void
show_view (Fixture    *fixture,
           const char *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-view",
                                             "s", name));
  sh_gui_flush ();
}

static int
minimum_width (GtkWidget *widget)
{
  int minimum = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

/* Connected, the first sync run as a new user runs it, and its summary read. */
static void
setup (Fixture       *fixture,
       ShApplication *app,
       ShWindow      *window)
{
  sh_gui_wait (sh_gui_is_connected, app, "the session");
  sh_gui_flush ();
  g_settings_set_boolean (sh_application_get_settings (app), "notify-on-finish", FALSE);

  fixture->window = window;
  fixture->page = SH_JOBS_PAGE (sh_gui_child (window, SH_TYPE_WINDOW, "jobs_page"));
  fixture->summary = sh_jobs_page_get_summary (fixture->page);
  fixture->manager = sh_session_get_job_manager (sh_application_get_session (app));
  g_signal_connect_swapped (fixture->summary, "notify::summary", G_CALLBACK (on_summary_read),
                            fixture);
  show_view (fixture, "jobs");

  /* A new mirror: nothing to summarize yet. */
  g_assert_cmpint (sh_library_summary_get_step (fixture->summary), ==, SH_LIBRARY_STEP_NONE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->summary)));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-scenes", NULL);
  sh_gui_wait_job (fixture->manager, SH_JOB_TYPE_SYNC, NULL, SH_JOB_COMPLETED);
  wait_checked (fixture, 0);
}

static GtkWindow *
open_generate_dialog (Fixture *fixture)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.generate",
                                             NULL));
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);

  return dialog;
}

static gboolean
unchecked_known (gpointer data)
{
  return sh_generate_dialog_get_unchecked (SH_GENERATE_DIALOG (data)) != G_MAXUINT64;
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
no_dialog (gpointer data)
{
  return sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG) == NULL;
}

/* The dialog, once it knows the target's unchecked scenes: warns about @unchecked of them
 * (none: no warning) with Check First as the default, or has Start as the default. */
static void
assert_dialog_unchecked (GtkWindow *dialog,
                         guint64    unchecked,
                         const char *warning)
{
  GtkWidget *start = GTK_WIDGET (dialog_child (dialog, "start_button"));
  GtkWidget *check_first = GTK_WIDGET (dialog_child (dialog, "check_first_button"));
  GtkRevealer *revealer = GTK_REVEALER (dialog_child (dialog, "unchecked_revealer"));

  sh_gui_wait (unchecked_known, dialog, "the target's unchecked scenes");
  sh_gui_flush ();
  g_assert_cmpuint (sh_generate_dialog_get_unchecked (SH_GENERATE_DIALOG (dialog)), ==,
                    unchecked);
  g_assert_cmpint (gtk_revealer_get_reveal_child (revealer), ==, unchecked > 0);

  if (unchecked > 0)
    {
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (dialog_child (dialog,
                                                                     "unchecked_label"))),
                       ==, warning);
      g_assert_true (gtk_window_get_default_widget (dialog) == check_first);
      g_assert_true (gtk_widget_has_css_class (check_first, "suggested-action"));
      g_assert_false (gtk_widget_has_css_class (start, "suggested-action"));
      g_assert_true (gtk_widget_is_sensitive (check_first));
      /* Start stays possible. */
      g_assert_true (gtk_widget_is_sensitive (start));
      sh_gui_assert_buttons_labelled (GTK_WIDGET (dialog));
    }
  else
    {
      g_assert_true (gtk_window_get_default_widget (dialog) == start);
      g_assert_true (gtk_widget_has_css_class (start, "suggested-action"));
    }
}

/* Tests ------------------------------------------------------------------------------- */

static void
check_next_step (ShApplication *app,
                 ShWindow      *window,
                 gpointer       data)
{
  Fixture *fixture = data;
  const ShSceneSummary *summary;
  GtkWidget *button;
  GtkWindow *dialog;
  ShJob *check;

  setup (fixture, app, window);

  /* Every scene not generated for the mirror, none checked: Check comes next. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->summary)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (summary_child (fixture, "counts_label"))),
                   ==, "40" NBSP "scenes · 0" NBSP "checked · 0" NBSP "complete · 0" NBSP
                   "incomplete · 40" NBSP "unknown · 0" NBSP "failing");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (summary_child (fixture, "advice_label"))),
                   ==, "StashHog does not know yet which of these scenes already have their "
                   "media in Stash. Check Media asks Stash, without generating anything.");
  g_assert_cmpint (sh_library_summary_get_step (fixture->summary), ==, SH_LIBRARY_STEP_CHECK);
  button = GTK_WIDGET (summary_child (fixture, "action_button"));
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Check Media");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "win.check-media");
  g_assert_true (gtk_widget_has_css_class (button, "suggested-action"));
  sh_gui_assert_buttons_labelled (GTK_WIDGET (fixture->summary));

  /* The toast points to Check instead of just saying the sync completed. */
  sh_gui_wait_toast (fixture->window, "Synced 40 scenes — check which media Stash already has");
  sh_gui_wait_toast (fixture->window, "_Check Media");

  /* Nothing was checked on the user's behalf. */
  g_assert_null (sh_gui_find_job (fixture->manager, SH_JOB_TYPE_CHECK, NULL));

  /* Check Media runs a real Check (Stash slow to answer, so that it is seen running: not
   * offered twice meanwhile). Stash lacks the previews of the last scenes. */
  sh_fake_stash_set_latency (fixture->fake, 200);
  sh_gui_click (button);
  sh_gui_wait_job (fixture->manager, SH_JOB_TYPE_CHECK, NULL, SH_JOB_RUNNING);
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (summary_child (fixture,
                                                                           "advice_label"))),
                            "A Check is running; the counts follow when it ends."));
  sh_fake_stash_set_latency (fixture->fake, 0);
  check = sh_gui_wait_job (fixture->manager, SH_JOB_TYPE_CHECK, NULL, SH_JOB_COMPLETED);
  g_assert_nonnull (check);
  wait_checked (fixture, N_SCENES);
  summary = sh_library_summary_get_summary (fixture->summary);
  g_assert_cmpuint (summary->complete, ==, N_SCENES - N_INCOMPLETE);
  g_assert_cmpuint (summary->incomplete, ==, N_INCOMPLETE);
  g_assert_cmpuint (summary->incomplete_unchecked, ==, 0);
  g_assert_cmpuint (summary->failing, ==, 0);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (summary_child (fixture, "counts_label"))),
                   ==, "40" NBSP "scenes · 40" NBSP "checked · 36" NBSP "complete · 4" NBSP
                   "incomplete · 0" NBSP "failing");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (summary_child (fixture, "advice_label"))),
                   ==, "4 scenes lack some of their generated media.");
  g_assert_true (gtk_widget_is_sensitive (button));

  /* Now Generate comes next, for what is really missing. */
  g_assert_cmpint (sh_library_summary_get_step (fixture->summary), ==,
                   SH_LIBRARY_STEP_GENERATE);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Generate Missing Media");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "win.generate");
  g_assert_true (gtk_widget_has_css_class (button, "suggested-action"));
  sh_gui_assert_buttons_labelled (GTK_WIDGET (fixture->summary));

  /* Its dialog has nothing to warn about: Start is the default. */
  sh_gui_click (button);
  sh_gui_flush ();
  dialog = sh_gui_find_toplevel (SH_TYPE_GENERATE_DIALOG);
  g_assert_nonnull (dialog);
  assert_dialog_unchecked (dialog, 0, NULL);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (dialog_child (dialog, "start_button"))));
  gtk_window_destroy (dialog);
  sh_gui_flush ();
}

static void
test_next_step (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture);
      sh_gui_run (check_next_step, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static gboolean
scenes_loaded (gpointer data)
{
  ShSceneListModel *model = sh_scenes_page_get_model (data);

  return model != NULL && !sh_scene_list_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == N_SCENES;
}

/* Marks scenes generated by hand, as the Scenes view's Mark as Generated does. */
static void
mark_generated (Fixture      *fixture,
                const gint64 *ids,
                guint         n_ids)
{
  ShSession *session = sh_application_get_session (SH_APPLICATION (g_application_get_default ()));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_scene_store_set_generated_async (sh_session_get_scene_store (session),
                                      sh_session_get_server_id (session), ids, n_ids, TRUE,
                                      NULL, sh_test_store_result, &result);
  sh_scene_store_set_generated_finish (sh_session_get_scene_store (session),
                                       sh_test_await (&result), &error);
  g_assert_no_error (error);
}

static void
check_check_first (ShApplication *app,
                   ShWindow      *window,
                   gpointer       data)
{
  Fixture *fixture = data;
  g_autoptr(JsonObject) parameters = NULL;
  g_autoptr(GArray) selected = g_array_new (FALSE, FALSE, sizeof (gint64));
  const gint64 marked[] = { 20, 21 };
  const ShSceneSummary *summary;
  GtkSelectionModel *selection;
  AdwViewStack *stack;
  ShScenesPage *scenes;
  GtkDropDown *dropdown;
  GtkWindow *dialog;
  JsonArray *ids;
  ShJob *check;
  guint reads;

  setup (fixture, app, window);

  /* Three scenes selected in the Scenes view, never checked. */
  show_view (fixture, "scenes");
  stack = ADW_VIEW_STACK (sh_gui_child (window, SH_TYPE_WINDOW, "stack"));
  scenes = SH_SCENES_PAGE (adw_view_stack_get_child_by_name (stack, "scenes"));
  sh_gui_wait (scenes_loaded, scenes, "the scenes");
  sh_gui_flush ();
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (sh_gui_child (scenes,
                                                                       SH_TYPE_SCENES_PAGE,
                                                                       "column_view")));
  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  sh_gui_flush ();
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(ShSceneItem) item = g_list_model_get_item (G_LIST_MODEL (selection), i);
      gint64 id = sh_scene_item_get_id (item);

      g_array_append_val (selected, id);
    }

  /* Generate for them warns; Check First checks exactly them and closes the dialog. */
  dialog = open_generate_dialog (fixture);
  g_assert_cmpstr (target_title (dialog), ==, "3 Selected Scenes");
  assert_dialog_unchecked (dialog, 3, "3 of these scenes were never checked; Stash may already "
                           "have their media.");

  /* The failing scenes' media is known: no warning for them. */
  dropdown = GTK_DROP_DOWN (dialog_child (dialog, "target_dropdown"));
  gtk_drop_down_set_selected (dropdown, 2);
  assert_dialog_unchecked (dialog, 0, NULL);
  gtk_drop_down_set_selected (dropdown, 0);
  assert_dialog_unchecked (dialog, 3, "3 of these scenes were never checked; Stash may already "
                           "have their media.");

  sh_gui_click (dialog_child (dialog, "check_first_button"));
  sh_gui_wait (no_dialog, NULL, "the dialog to close");
  check = sh_gui_wait_job (fixture->manager, SH_JOB_TYPE_CHECK, NULL, SH_JOB_COMPLETED);
  parameters = sh_job_dup_parameters (check);
  ids = json_object_get_array_member (parameters, "scene_ids");
  g_assert_nonnull (ids);
  g_assert_cmpuint (json_array_get_length (ids), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             g_array_index (selected, gint64, i));

      g_assert_cmpstr (json_array_get_string_element (ids, i), ==, id);
    }
  g_assert_null (sh_gui_find_job (fixture->manager, SH_JOB_TYPE_GENERATE, NULL));
  wait_checked (fixture, 3);

  /* Two more scenes marked generated by hand: not generated, never checked, are 35. The
   * Jobs view reads the counts again when it is shown. */
  mark_generated (fixture, marked, G_N_ELEMENTS (marked));
  reads = fixture->reads;
  show_view (fixture, "jobs");
  wait_read (fixture, reads);
  summary = sh_library_summary_get_summary (fixture->summary);
  g_assert_cmpuint (summary->checked, ==, 3);
  g_assert_cmpuint (summary->complete, ==, 5);
  g_assert_cmpuint (summary->incomplete_unchecked, ==, N_SCENES - 5);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (summary_child (fixture, "counts_label"))),
                   ==, "40" NBSP "scenes · 3" NBSP "checked · 5" NBSP "complete · 0" NBSP
                   "incomplete · 35" NBSP "unknown · 0" NBSP "failing");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (summary_child (fixture, "advice_label"))),
                   ==, "37 scenes were never checked: StashHog does not know yet whether Stash "
                   "has their media. Check Media asks Stash, without generating anything.");

  /* Generate for every scene not generated warns about those 35; Check First checks the
   * whole library. */
  dialog = open_generate_dialog (fixture);
  g_assert_cmpstr (target_title (dialog), ==, "All Scenes Without Generated Media");
  assert_dialog_unchecked (dialog, N_SCENES - 5, "35 of these scenes were never checked; Stash "
                           "may already have their media.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.check-first", NULL));
  sh_gui_wait (no_dialog, NULL, "the dialog to close");
  check = sh_gui_wait_job (fixture->manager, SH_JOB_TYPE_CHECK, sh_job_get_id (check),
                           SH_JOB_COMPLETED);
  g_clear_pointer (&parameters, json_object_unref);
  parameters = sh_job_dup_parameters (check);
  g_assert_false (json_object_has_member (parameters, "scene_ids"));
  g_assert_null (sh_gui_find_job (fixture->manager, SH_JOB_TYPE_GENERATE, NULL));
  wait_checked (fixture, N_SCENES);
  g_assert_cmpuint (sh_library_summary_get_summary (fixture->summary)->incomplete, ==,
                    N_INCOMPLETE);
}

static void
test_check_first (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture);
      sh_gui_run (check_check_first, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

typedef struct
{
  Fixture *fixture;
  char    *first;  /* (owned) (nullable) the first toast's text */
} FirstToast;

static gboolean
any_toast (gpointer data)
{
  FirstToast *first = data;
  g_autofree char *text = sh_gui_dup_toasts_text (first->fixture->window);

  if (*text == '\0')
    return FALSE;
  first->first = g_steal_pointer (&text);
  return TRUE;
}

static void
check_workflow_sync (ShApplication *app,
                     ShWindow      *window,
                     gpointer       data)
{
  Fixture *fixture = data;
  FirstToast first = { fixture, NULL };

  sh_gui_wait (sh_gui_is_connected, app, "the session");
  sh_gui_flush ();
  g_settings_set_boolean (sh_application_get_settings (app), "notify-on-finish", FALSE);
  fixture->window = window;
  fixture->manager = sh_session_get_job_manager (sh_application_get_session (app));

  /* Process New Scenes on a new mirror: its sync is a step of the workflow, which goes on
   * by itself; the first toast is that step's outcome, not an invitation to Check. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.process-new", NULL));
  sh_gui_wait (any_toast, &first, "a toast");
  g_assert_nonnull (strstr (first.first, "Sync Scenes completed"));
  g_assert_null (strstr (first.first, "check which media"));
  g_free (first.first);
  sh_gui_wait_job (fixture->manager, SH_JOB_TYPE_PROCESS_NEW, NULL, SH_JOB_COMPLETED);
}

static void
test_workflow_sync (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_start (&fixture);
      sh_gui_run (check_workflow_sync, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The Jobs view with the summary, and the dialog with its warning, at 360 px. */
static void
assert_narrow (Fixture    *fixture,
               const char *language)
{
  AdwApplicationWindow *window = ADW_APPLICATION_WINDOW (fixture->window);
  GtkWidget *content = adw_application_window_get_content (window);
  GtkRevealer *revealer;
  GtkWindow *dialog;
  int width;

  show_view (fixture, "jobs");
  width = minimum_width (content);
  g_test_message ("%s: minimum width of the Jobs view with the summary: %d px", language, width);
  g_assert_cmpint (width, <=, NARROWEST_WIDTH);
  width = minimum_width (GTK_WIDGET (fixture->summary));
  g_test_message ("%s: minimum width of the summary: %d px", language, width);
  g_assert_cmpint (width, <=, NARROWEST_WIDTH - 24);

  dialog = open_generate_dialog (fixture);
  sh_gui_wait (unchecked_known, dialog, "the target's unchecked scenes");
  sh_gui_flush ();
  revealer = GTK_REVEALER (dialog_child (dialog, "unchecked_revealer"));
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  width = minimum_width (adw_window_get_content (ADW_WINDOW (dialog)));
  g_test_message ("%s: minimum width of the Generate dialog with its warning: %d px", language,
                  width);
  g_assert_cmpint (width, <=, NARROWEST_WIDTH);
  gtk_window_destroy (dialog);
  sh_gui_flush ();
}

static void
check_narrow (ShApplication *app,
              ShWindow      *window,
              gpointer       data)
{
  Fixture *fixture = data;
  guint reads;

  setup (fixture, app, window);
  assert_narrow (fixture, "English");

  /* German's longer words, in what is built from now on and in the summary read again. */
  sh_test_set_language ("de");
  reads = fixture->reads;
  sh_library_summary_refresh (fixture->summary);
  wait_read (fixture, reads);
  assert_narrow (fixture, "German");
  sh_test_set_language (NULL);
}

static void
test_narrow (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
      fixture_start (&fixture);
      sh_gui_run (check_narrow, &fixture);
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

  g_test_add_func ("/ui/first-run/next-step", test_next_step);
  g_test_add_func ("/ui/first-run/check-first", test_check_first);
  g_test_add_func ("/ui/first-run/workflow-sync", test_workflow_sync);
  g_test_add_func ("/ui/first-run/narrow", test_narrow);

  return g_test_run ();
}
