/* test-scenes-page.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Scenes page and the Generate dialog in a real window, on a display: an SQLite mirror
 * filled through the store, and a fake Stash for the Generate jobs. Each test runs in a
 * subprocess, so that a crash or a hang stays contained.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-generate-dialog.h"
#include "sh-generate-options.h"
#include "sh-scene-selection.h"
#include "sh-scenes-page.h"
#include "sh-gui-test-utils.h"
#include "sh-test-utils.h"
#include "stashhog-ui-resources.h"

#define SUBPROCESS_TIMEOUT (60 * G_USEC_PER_SEC)
#define N_SCENES           1200
#define WAIT_TIMEOUT_S     20

static const char *impacted_job = "5b7c2e4a-9d1f-4c3b-8a6e-0f2d4c6b8a10";
/* None of them generated before the job. */
static const gint64 impacted_ids[] = { 4, 10, 11, 700, 1199 };
#define N_IMPACTED G_N_ELEMENTS (impacted_ids)

typedef struct
{
  ShFakeStash  *fake;       /* (owned) */
  char         *dir;        /* (owned) */
  ShSession    *session;    /* (owned) */
  GtkWindow    *window;     /* (unowned) */
  ShScenesPage *page;       /* (unowned) */
  char         *toast;      /* (owned) (nullable) the last toast */
  gboolean      undoable;   /* whether it offered Undo */
} Fixture;

/* Waiting ----------------------------------------------------------------------------- */

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition    condition,
          gpointer     data,
          const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_S * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
model_idle (gpointer data)
{
  ShScenesPage *page = data;
  ShSceneListModel *model = sh_scenes_page_get_model (page);

  return model != NULL && !sh_scene_list_model_get_loading (model);
}

static void
wait_model (Fixture *fixture)
{
  wait_for (model_idle, fixture->page, "the scenes");
}

/* A few frames, so that what changed is laid out and drawn. */
static void
flush (Fixture *fixture)
{
  for (guint i = 0; i < 3; i++)
    gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GObject *
page_object (Fixture    *fixture,
             const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (fixture->page),
                                                  SH_TYPE_SCENES_PAGE, name);

  g_assert_nonnull (child);
  return child;
}

static GtkWidget *
page_child (Fixture    *fixture,
            const char *name)
{
  return GTK_WIDGET (page_object (fixture, name));
}

static GtkColumnViewColumn *
page_column (Fixture    *fixture,
             const char *name)
{
  return GTK_COLUMN_VIEW_COLUMN (page_object (fixture, name));
}

static guint
n_items (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (sh_scenes_page_get_model (fixture->page)));
}

static const char *
count_label (Fixture *fixture)
{
  return gtk_label_get_label (GTK_LABEL (page_child (fixture, "count_label")));
}

static char *
expected_count (guint n)
{
  return g_strdup_printf (ngettext ("%'u scene", "%'u scenes", n), n);
}

static const char *
results_page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (page_child (fixture, "results_stack")));
}

/* A label showing @text drawn somewhere under @widget, or %NULL. */
static GtkWidget *
dig_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = dig_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  return dig_label (widget, text) != NULL;
}

/* A screen reader names a scene's row by its title (not "GtkListItemWidget"). */
static void
assert_row_named (Fixture    *fixture,
                  const char *title)
{
  GtkWidget *label = dig_label (GTK_WIDGET (fixture->page), title);
  GtkWidget *row;

  g_assert_nonnull (label);
  row = gtk_widget_get_parent (gtk_widget_get_parent (label));
  g_assert_cmpstr (gtk_widget_get_css_name (row), ==, "row");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title);
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return find_label (GTK_WIDGET (wait->fixture->page), wait->text);
}

static void
wait_label (Fixture    *fixture,
            const char *text)
{
  LabelWait wait = { fixture, text };

  wait_for (label_shown, &wait, text);
}

static GArray *
model_ids (Fixture *fixture)
{
  ShSceneListModel *model = sh_scenes_page_get_model (fixture->page);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < n_items (fixture); i++)
    {
      gint64 id = sh_scene_list_model_get_id (model, i);

      g_array_append_val (ids, id);
    }

  return ids;
}

/* Set-up ------------------------------------------------------------------------------ */

static gboolean
is_generated (gint64 id)
{
  return id % 3 == 0;
}

static void
fill_store (Fixture *fixture)
{
  ShSceneStore *store = sh_session_get_scene_store (fixture->session);
  gint64 server_id = sh_session_get_server_id (fixture->session);
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GArray) generated = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free);

  for (gint64 id = 1; id <= N_SCENES; id++)
    {
      ShSceneRecord *scene = sh_scene_record_new ();

      scene->id = id;
      scene->title = g_strdup_printf ("Scene %04u", (guint) id);
      scene->path = g_strdup_printf ("/videos/studio-%u/file-%04u.mp4", (guint)(id % 7),
                                     (guint) id);
      scene->oshash = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", id);
      scene->stash_created_at = g_strdup ("2024-01-01T00:00:00Z");
      scene->stash_updated_at = g_strdup ("2024-01-02T00:00:00Z");
      g_ptr_array_add (scenes, scene);
      if (is_generated (id))
        g_array_append_val (generated, id);
    }

  sh_scene_store_upsert_async (store, server_id, scenes, "2024-05-01T12:00:00Z", NULL,
                               sh_test_store_result, &result);
  g_assert_true (sh_scene_store_upsert_finish (store, sh_test_await (&result), NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  sh_scene_store_set_generated_async (store, server_id, (gint64 *)generated->data,
                                      generated->len, TRUE, NULL, sh_test_store_result, &result);
  sh_scene_store_set_generated_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
}

/* A finished Generate that updated impacted_ids, as the job store records it. */
static void
record_impacted_job (Fixture *fixture)
{
  ShJobManager *manager = sh_session_get_job_manager (fixture->session);
  ShJobStore *jobs = sh_job_manager_get_job_store (manager);
  gint64 server_id = sh_session_get_server_id (fixture->session);
  g_autoptr(ShJobRecord) record = sh_job_record_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) not_generated = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_free (record->id);
  record->id = g_strdup (impacted_job);
  record->type = g_strdup ("stash_generate");
  g_free (record->status);
  record->status = g_strdup ("completed");
  record->server_id = server_id;
  record->created_at = record->updated_at = g_get_real_time ();

  sh_job_store_insert_async (jobs, record, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_store_insert_finish (jobs, sh_test_await (&result), NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  sh_job_store_snapshot_tracked_async (jobs, impacted_job, server_id, impacted_ids,
                                       G_N_ELEMENTS (impacted_ids), NULL,
                                       sh_test_store_result, &result);
  sh_job_store_snapshot_tracked_finish (jobs, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  sh_job_store_apply_generated_async (jobs, impacted_job, server_id, NULL,
                                      sh_test_store_result, &result);
  sh_job_store_apply_generated_finish (jobs, sh_test_await (&result), &error);
  g_assert_no_error (error);
}

static void
toast_cb (ShScenesPage *page,
          const char   *message,
          gboolean      undoable,
          Fixture      *fixture)
{
  g_free (fixture->toast);
  fixture->toast = g_strdup (message);
  fixture->undoable = undoable;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  /* A Generate that runs long enough for a second one to conflict with it. */
  sh_fake_stash_set_job_speed (fixture->fake, 2000);
  g_assert_true (sh_fake_stash_start (fixture->fake, 0, &error));
  g_assert_no_error (error);

  fixture->dir = g_dir_make_tmp ("test-scenes-page-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "stashhog.db", NULL);

  fixture->session = sh_session_new (sh_fake_stash_get_url (fixture->fake), NULL, NULL, path,
                                     NULL);
  sh_session_open_async (fixture->session, NULL, sh_test_store_result, &result);
  g_assert_true (sh_session_open_finish (fixture->session, sh_test_await (&result), &error));
  g_assert_no_error (error);

  fill_store (fixture);
  record_impacted_job (fixture);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1000, 700);
  fixture->page = SH_SCENES_PAGE (sh_scenes_page_new ());
  g_signal_connect (fixture->page, "toast", G_CALLBACK (toast_cb), fixture);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->window);
  flush (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  gtk_window_destroy (fixture->window);
  sh_session_close (fixture->session);
  g_clear_object (&fixture->session);
  sh_fake_stash_stop (fixture->fake);
  g_clear_object (&fixture->fake);
  g_free (fixture->toast);
  g_free (fixture->dir);
}

static void
connect_page (Fixture *fixture)
{
  g_autofree char *count = expected_count (N_SCENES);

  sh_scenes_page_set_session (fixture->page, fixture->session);
  wait_model (fixture);
  g_assert_cmpuint (n_items (fixture), ==, N_SCENES);
  g_assert_cmpstr (count_label (fixture), ==, count);
  g_assert_cmpstr (results_page (fixture), ==, "list");
  /* The first rows are on screen, read from the database. */
  wait_label (fixture, "Scene 0001");
  wait_label (fixture, "/videos/studio-1/file-0001.mp4");
}

/* Tests ------------------------------------------------------------------------------- */

static void
test_not_connected (Fixture       *fixture,
                    gconstpointer  user_data)
{
  GtkStack *stack = GTK_STACK (page_child (fixture, "stack"));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "disconnected");
  g_assert_null (sh_scenes_page_get_model (fixture->page));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "scenes.search", NULL)
                  && gtk_widget_has_focus (page_child (fixture, "search_entry")));

  connect_page (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "scenes");

  sh_scenes_page_set_session (fixture->page, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "disconnected");
  g_assert_null (sh_scenes_page_get_model (fixture->page));
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  user_data)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (page_child (fixture, "generated_dropdown"));
  GtkEditable *search = GTK_EDITABLE (page_child (fixture, "search_entry"));
  g_autofree char *count = NULL;
  g_autoptr(GArray) ids = NULL;

  connect_page (fixture);

  /* Not generated: two scenes in three, but those the impacted job generated. */
  gtk_drop_down_set_selected (dropdown, 2);
  wait_model (fixture);
  flush (fixture);
  ids = model_ids (fixture);
  g_assert_cmpuint (ids->len, ==, N_SCENES - N_SCENES / 3 - N_IMPACTED);
  for (guint i = 0; i < ids->len; i++)
    g_assert_false (is_generated (g_array_index (ids, gint64, i)));
  count = expected_count (ids->len);
  g_assert_cmpstr (count_label (fixture), ==, count);
  wait_label (fixture, "Scene 0001");
  g_clear_pointer (&ids, g_array_unref);
  g_clear_pointer (&count, g_free);

  /* The search narrows further, by path here (after its delay). */
  gtk_editable_set_text (search, "FILE-011");
  while (sh_scene_list_model_get_search (sh_scenes_page_get_model (fixture->page)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  wait_model (fixture);
  flush (fixture);
  ids = model_ids (fixture);
  /* file-0110 … file-0119, not generated: neither 111 nor 114 nor 117. */
  g_assert_cmpuint (ids->len, ==, 7);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 110);
  count = expected_count (7);
  g_assert_cmpstr (count_label (fixture), ==, count);
  wait_label (fixture, "Scene 0110");
  assert_row_named (fixture, "Scene 0110");
  g_clear_pointer (&ids, g_array_unref);
  g_clear_pointer (&count, g_free);

  /* Generated only, same search. */
  gtk_drop_down_set_selected (dropdown, 1);
  wait_model (fixture);
  ids = model_ids (fixture);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 111);
  g_clear_pointer (&ids, g_array_unref);

  /* Nothing matches: the "no results" state. */
  gtk_editable_set_text (search, "no such scene");
  while (g_strcmp0 (sh_scene_list_model_get_search (sh_scenes_page_get_model (fixture->page)),
                    "no such scene") != 0)
    g_main_context_iteration (NULL, TRUE);
  wait_model (fixture);
  g_assert_cmpuint (n_items (fixture), ==, 0);
  g_assert_cmpstr (results_page (fixture), ==, "no-results");

  /* Clearing both shows everything again. */
  gtk_editable_set_text (search, "");
  gtk_drop_down_set_selected (dropdown, 0);
  while (sh_scene_list_model_get_search (sh_scenes_page_get_model (fixture->page)) != NULL)
    g_main_context_iteration (NULL, TRUE);
  wait_model (fixture);
  g_assert_cmpuint (n_items (fixture), ==, N_SCENES);
  g_assert_cmpstr (results_page (fixture), ==, "list");
}

static void
test_sort (Fixture       *fixture,
           gconstpointer  user_data)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (page_child (fixture, "column_view"));
  ShSceneListModel *model;

  connect_page (fixture);
  model = sh_scenes_page_get_model (fixture->page);

  /* What a click on a header does. */
  gtk_column_view_sort_by_column (view, page_column (fixture, "title_column"),
                                  GTK_SORT_DESCENDING);
  g_assert_cmpint (sh_scene_list_model_get_sort (model), ==, SH_SCENE_SORT_TITLE);
  g_assert_true (sh_scene_list_model_get_descending (model));
  wait_model (fixture);
  g_assert_cmpint (sh_scene_list_model_get_id (model, 0), ==, N_SCENES);
  wait_label (fixture, "Scene 1200");

  gtk_column_view_sort_by_column (view, page_column (fixture, "generated_column"),
                                  GTK_SORT_ASCENDING);
  g_assert_cmpint (sh_scene_list_model_get_sort (model), ==, SH_SCENE_SORT_GENERATED);
  g_assert_false (sh_scene_list_model_get_descending (model));
  wait_model (fixture);
  g_assert_cmpint (sh_scene_list_model_get_id (model, 0), ==, 1);

  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  g_assert_cmpint (sh_scene_list_model_get_sort (model), ==, SH_SCENE_SORT_ID);
  g_assert_false (sh_scene_list_model_get_descending (model));
}

static void
test_impacted (Fixture       *fixture,
               gconstpointer  user_data)
{
  GtkWidget *chip = page_child (fixture, "job_filter_button");
  g_autoptr(GArray) ids = NULL;

  connect_page (fixture);
  g_assert_false (gtk_widget_get_visible (chip));

  /* A search and a filter set before are cleared: exactly the job's scenes. */
  gtk_editable_set_text (GTK_EDITABLE (page_child (fixture, "search_entry")), "Scene 07");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (page_child (fixture, "generated_dropdown")), 2);
  sh_scenes_page_show_job (fixture->page, impacted_job);
  wait_model (fixture);
  flush (fixture);

  ids = model_ids (fixture);
  g_assert_cmpuint (ids->len, ==, G_N_ELEMENTS (impacted_ids));
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, impacted_ids[i]);
  g_assert_true (gtk_widget_get_visible (chip));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (page_child (fixture, "job_filter_label"))),
                   ==, "Updated by Job 5b7c2e4a");
  wait_label (fixture, "Scene 0700");

  /* The chip removes the filter. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "scenes.clear-job-filter", NULL));
  wait_model (fixture);
  g_assert_false (gtk_widget_get_visible (chip));
  g_assert_cmpuint (n_items (fixture), ==, N_SCENES);
}

static gboolean
toast_received (gpointer data)
{
  Fixture *fixture = data;

  return fixture->toast != NULL;
}

static guint64
count_generated (Fixture *fixture)
{
  ShSceneStore *store = sh_session_get_scene_store (fixture->session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 count = 0;

  sh_scene_store_count_async (store, sh_session_get_server_id (fixture->session),
                              SH_GENERATED_YES, NULL, sh_test_store_result, &result);
  g_assert_true (sh_scene_store_count_finish (store, sh_test_await (&result), &count, &error));
  g_assert_no_error (error);

  return count;
}

static gboolean
first_item_generated (gpointer data)
{
  Fixture *fixture = data;
  GListModel *model = G_LIST_MODEL (sh_scenes_page_get_model (fixture->page));
  g_autoptr(ShSceneItem) item = g_list_model_get_item (model, 0);

  return sh_scene_item_get_generated (item);
}

static void
test_mark (Fixture       *fixture,
           gconstpointer  user_data)
{
  GtkSelectionModel *selection;
  guint64 before;
  g_autofree char *label = NULL;

  connect_page (fixture);
  before = count_generated (fixture);
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (page_child (fixture, "column_view")));

  /* Nothing selected: nothing to do, no action bar. */
  g_assert_false (gtk_widget_is_sensitive (page_child (fixture, "mark_menu_button")));
  g_assert_false (gtk_action_bar_get_revealed (GTK_ACTION_BAR (page_child (fixture,
                                                                            "action_bar"))));

  /* Scenes 1, 2 (not generated) and 3 (generated). */
  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  g_assert_true (gtk_action_bar_get_revealed (GTK_ACTION_BAR (page_child (fixture, "action_bar"))));
  label = g_strdup_printf (ngettext ("%'lu scene selected", "%'lu scenes selected", 3), 3lu);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (page_child (fixture, "selection_label"))),
                   ==, label);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "scenes.mark-generated",
                                             NULL));
  wait_for (toast_received, fixture, "the toast");
  g_assert_cmpstr (fixture->toast, ==, "Marked 2 scenes as generated");
  g_assert_true (fixture->undoable);
  g_assert_cmpuint (count_generated (fixture), ==, before + 2);
  wait_model (fixture);

  /* Undo (the toast's button, Ctrl+Z) sets back exactly the two that changed: scene 3,
   * generated before, stays generated. */
  g_clear_pointer (&fixture->toast, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "scenes.undo-mark",
                                             NULL));
  wait_for (toast_received, fixture, "the toast");
  g_assert_cmpstr (fixture->toast, ==, "Undone: 2 scenes are as they were");
  g_assert_false (fixture->undoable);
  g_assert_cmpuint (count_generated (fixture), ==, before);
  wait_model (fixture);

  /* Undone once: nothing left to undo. */
  g_clear_pointer (&fixture->toast, g_free);
  sh_scenes_page_undo_mark (fixture->page);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (fixture->toast);
  g_assert_cmpuint (count_generated (fixture), ==, before);

  g_clear_pointer (&fixture->toast, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "scenes.mark-generated",
                                             NULL));
  wait_for (toast_received, fixture, "the toast");
  g_assert_cmpstr (fixture->toast, ==, "Marked 2 scenes as generated");
  g_assert_cmpuint (count_generated (fixture), ==, before + 2);

  /* Shown in place: same list, same selection, the flag updated. */
  wait_for (first_item_generated, fixture, "the row to update");
  g_assert_true (gtk_selection_model_is_selected (selection, 0));
  g_assert_true (gtk_selection_model_is_selected (selection, 2));
  wait_model (fixture);

  g_clear_pointer (&fixture->toast, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "scenes.mark-not-generated", NULL));
  wait_for (toast_received, fixture, "the toast");
  g_assert_cmpstr (fixture->toast, ==, "Marked 3 scenes as not generated");
  g_assert_true (fixture->undoable);
  g_assert_cmpuint (count_generated (fixture), ==, before - 1);
  wait_model (fixture);

  /* Many at once are asked about first: Cancel changes nothing, Mark marks them. */
  {
    guint64 generated = count_generated (fixture);
    AdwMessageDialog *confirm = NULL;
    GListModel *toplevels = gtk_window_get_toplevels ();

    g_assert_cmpuint (generated, >, 0);
    gtk_selection_model_select_range (selection, 0, N_SCENES, TRUE);
    g_clear_pointer (&fixture->toast, g_free);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                               "scenes.mark-not-generated", NULL));
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && confirm == NULL; i++)
      {
        g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (item))
          confirm = ADW_MESSAGE_DIALOG (item);
      }
    g_assert_nonnull (confirm);
    g_assert_nonnull (strstr (adw_message_dialog_get_heading (confirm), "Not Generated?"));
    adw_message_dialog_response (confirm, "cancel");
    gtk_window_destroy (GTK_WINDOW (confirm));
    for (guint i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE);
    g_assert_null (fixture->toast);
    g_assert_cmpuint (count_generated (fixture), ==, generated);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                               "scenes.mark-not-generated", NULL));
    confirm = NULL;
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && confirm == NULL; i++)
      {
        g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (item))
          confirm = ADW_MESSAGE_DIALOG (item);
      }
    g_assert_nonnull (confirm);
    adw_message_dialog_response (confirm, "mark");
    gtk_window_destroy (GTK_WINDOW (confirm));
    wait_for (toast_received, fixture, "the toast");
    g_assert_cmpuint (count_generated (fixture), ==, 0);
    wait_model (fixture);
  }
}

static ShGenerateDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  ShGenerateDialog *dialog = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (SH_IS_GENERATE_DIALOG (item))
        dialog = SH_GENERATE_DIALOG (item);
    }

  return dialog;
}

static GObject *
dialog_child (ShGenerateDialog *dialog,
              const char       *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (dialog), SH_TYPE_GENERATE_DIALOG,
                                                  name);

  g_assert_nonnull (child);
  return child;
}

static void
job_created_cb (ShGenerateDialog  *dialog,
                ShJob             *job,
                ShJob            **out)
{
  g_set_object (out, job);
}

static gboolean
job_known (gpointer data)
{
  return *(ShJob **)data != NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

static gboolean
error_shown (gpointer data)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (dialog_child (data, "error_revealer")));
}

static gboolean
job_running (gpointer data)
{
  return sh_job_get_status (data) == SH_JOB_RUNNING;
}

static gboolean
job_finished (gpointer data)
{
  return sh_job_is_finished (data);
}

static void
test_generate (Fixture       *fixture,
               gconstpointer  user_data)
{
  GtkSelectionModel *selection;
  ShGenerateDialog *dialog;
  AdwPreferencesRow *target_row;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonObject) parameters = NULL;
  JsonArray *scene_ids;

  connect_page (fixture);
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (page_child (fixture, "column_view")));

  /* Nothing selected: the action is off. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                              "scenes.generate-selected", NULL)
                  && find_dialog () != NULL);
  g_assert_null (find_dialog ());

  gtk_selection_model_select_item (selection, 4, TRUE);
  gtk_selection_model_select_item (selection, 6, FALSE);
  gtk_selection_model_select_item (selection, 41, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "scenes.generate-selected", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == fixture->window);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  target_row = ADW_PREFERENCES_ROW (dialog_child (dialog, "target_row"));
  g_assert_cmpstr (adw_preferences_row_get_title (target_row), ==, "3 Selected Scenes");
  g_assert_false (error_shown (dialog));

  /* Start creates the job with the selection and closes the dialog. */
  g_signal_connect (dialog, "job-created", G_CALLBACK (job_created_cb), &job);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.start", NULL));
  wait_for (job_known, &job, "the job");
  wait_for (no_dialog, NULL, "the dialog to close");

  g_assert_cmpstr (sh_job_get_job_type (job), ==, "stash_generate");
  parameters = sh_job_dup_parameters (job);
  scene_ids = json_object_get_array_member (parameters, "sceneIDs");
  g_assert_cmpuint (json_array_get_length (scene_ids), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (scene_ids, 0), ==, "5");
  g_assert_cmpstr (json_array_get_string_element (scene_ids, 1), ==, "7");
  g_assert_cmpstr (json_array_get_string_element (scene_ids, 2), ==, "42");
  /* The seed's defaults. */
  g_assert_true (json_object_get_boolean_member (parameters, "covers"));
  g_assert_false (json_object_get_boolean_member (parameters, "transcodes"));
  g_assert_false (json_object_get_boolean_member (parameters, "overwrite"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (parameters,
                                                                              "previewOptions"),
                                               "previewSegments"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (parameters,
                                                                                 "previewOptions"),
                                                  "previewPreset"), ==, "slow");
  wait_for (job_running, job, "the job to run");

  /* A second Generate while the first runs: refused, said in the dialog, which stays. */
  gtk_selection_model_select_item (selection, 9, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "scenes.generate-selected", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.start", NULL));
  wait_for (error_shown, dialog, "the conflict message");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (dialog_child (dialog, "error_title"))), ==,
                   "A Generate Job Is Already Active");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (dialog_child (dialog, "error_label"))),
                            sh_job_get_id (job)));
  g_assert_true (find_dialog () == dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  wait_for (no_dialog, NULL, "the dialog to close");

  /* Leave nothing running behind. */
  sh_job_manager_cancel (sh_session_get_job_manager (fixture->session), job);
  wait_for (job_finished, job, "the job to stop");
}

static gboolean
subtitle_counted (gpointer data)
{
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (data));

  return subtitle != NULL && strpbrk (subtitle, "0123456789") != NULL;
}

static void
test_generate_all (Fixture       *fixture,
                   gconstpointer  user_data)
{
  ShGenerateDialog *dialog;
  g_autoptr(JsonObject) parameters = NULL;
  g_autofree char *subtitle = NULL;
  GObject *target_row;
  guint n_not_generated = N_SCENES - N_SCENES / 3 - N_IMPACTED;
  int min_width = 0;

  connect_page (fixture);

  dialog = sh_generate_dialog_new (fixture->window, fixture->session, NULL, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  /* It fits a 360 px screen, as the main window does (test-window). */
  gtk_widget_measure (adw_window_get_content (ADW_WINDOW (dialog)), GTK_ORIENTATION_HORIZONTAL,
                      -1, &min_width, NULL, NULL, NULL);
  g_test_message ("minimum width of the Generate dialog: %d px", min_width);
  g_assert_cmpint (min_width, <=, 360);

  target_row = dialog_child (dialog, "target_row");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (target_row)), ==,
                   "All Scenes Without Generated Media");
  subtitle = g_strdup_printf (ngettext ("%'lu scene is not generated yet",
                                        "%'lu scenes are not generated yet", n_not_generated),
                              (gulong) n_not_generated);
  while (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (target_row)), subtitle) != 0)
    g_main_context_iteration (NULL, TRUE);

  /* In German too, whose words are longer, once the dialog has counted its scenes. */
  {
    ShGenerateDialog *german;
    GObject *german_row;

    sh_test_set_language ("de");
    german = sh_generate_dialog_new (fixture->window, fixture->session, NULL, 0);
    gtk_window_present (GTK_WINDOW (german));
    german_row = dialog_child (german, "target_row");
    wait_for (subtitle_counted, german_row, "the German dialog's count");
    gtk_test_widget_wait_for_draw (GTK_WIDGET (german));
    gtk_widget_measure (adw_window_get_content (ADW_WINDOW (german)),
                        GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    sh_test_set_language (NULL);
    g_test_message ("minimum width of the Generate dialog in German (“%s”): %d px",
                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (german_row)), min_width);
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (german_row)), !=,
                     "All Scenes Without Generated Media");
    g_assert_cmpint (min_width, <=, 360);
    gtk_window_destroy (GTK_WINDOW (german));
  }

  sh_gui_assert_switches_named_once (GTK_WIDGET (dialog));

  /* No sceneIDs: every scene that needs it. */
  parameters = sh_generate_dialog_dup_parameters (dialog);
  g_assert_false (json_object_has_member (parameters, "sceneIDs"));

  /* A mistake in an option is explained, and nothing is created. */
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "exclude_start_entry")), "soon");
  sh_generate_dialog_start (dialog);
  g_assert_true (error_shown (dialog));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (dialog_child (dialog, "error_title"))), ==,
                   "Check the Options");
  g_assert_true (find_dialog () == dialog);

  /* Restore Defaults puts the seed's values back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.restore-defaults",
                                             NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_child (dialog,
                                                                     "exclude_start_entry"))),
                   ==, "0");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Scenes past the fixture's, none generated, in one synthetic page of a sync. */
static void
add_scenes (Fixture *fixture,
            guint    n)
{
  ShSceneStore *store = sh_session_get_scene_store (fixture->session);
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free);
  for (gint64 id = N_SCENES + 1; id <= N_SCENES + n; id++)
    {
      ShSceneRecord *scene = sh_scene_record_new ();

      scene->id = id;
      scene->title = g_strdup_printf ("Scene %05u", (guint) id);
      scene->path = g_strdup_printf ("/videos/more/file-%05u.mp4", (guint) id);
      scene->stash_created_at = g_strdup ("2024-06-01T00:00:00Z");
      scene->stash_updated_at = g_strdup ("2024-06-01T00:00:00Z");
      g_ptr_array_add (scenes, scene);
    }

  sh_scene_store_upsert_async (store, sh_session_get_server_id (fixture->session), scenes,
                               "2024-06-01T12:00:00Z", NULL, sh_test_store_result, &result);
  g_assert_true (sh_scene_store_upsert_finish (store, sh_test_await (&result), NULL, &error));
  g_assert_no_error (error);
}

static void
select_all (Fixture *fixture)
{
  GtkWidget *view = page_child (fixture, "column_view");
  GtkSelectionModel *selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (view));
  g_autoptr(GtkBitset) selected = NULL;
  g_autofree char *label = NULL;
  GtkWidget *list = NULL;

  /* What Ctrl+A does: the action of the list view inside the column view. */
  for (GtkWidget *child = gtk_widget_get_first_child (view);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      list = child;
  g_assert_nonnull (list);
  g_assert_true (gtk_widget_activate_action (list, "list.select-all", NULL));
  selected = gtk_selection_model_get_selection (selection);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, n_items (fixture));

  /* A selection of positions: selecting everything reads no scene. GTK 4.8's
   * GtkMultiSelection asked the list for every item (87 s for a million). */
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (sh_scenes_page_get_model (fixture->page)),
                    <=, 1000);
  label = g_strdup_printf (ngettext ("%'lu scene selected", "%'lu scenes selected",
                                     n_items (fixture)),
                           (gulong) n_items (fixture));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (page_child (fixture, "selection_label"))),
                   ==, label);
}

/* Generate for Selected; returns the dialog it opened, drawn, and the title of its target. */
static ShGenerateDialog *
generate_selected (Fixture     *fixture,
                   const char **target)
{
  ShGenerateDialog *dialog;

  g_assert_null (find_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "scenes.generate-selected", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  *target = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (dialog_child (dialog,
                                                                             "target_row")));

  return dialog;
}

static void
close_dialog (ShGenerateDialog *dialog)
{
  gtk_window_close (GTK_WINDOW (dialog));
  wait_for (no_dialog, NULL, "the dialog to close");
}

static gboolean
total_known (gpointer data)
{
  return sh_job_get_total_items (data) >= 0;
}

static void
test_generate_every_not_generated (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (page_child (fixture, "generated_dropdown"));
  GtkEditable *search = GTK_EDITABLE (page_child (fixture, "search_entry"));
  GtkSelectionModel *selection;
  guint n_extra = SH_GENERATE_MAX_LISTED_SCENES + 100;
  guint n_not_generated = N_SCENES - N_SCENES / 3 - N_IMPACTED + n_extra;
  g_autofree char *subset_title = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonObject) parameters = NULL;
  ShGenerateDialog *dialog;
  GObject *target_row;
  const char *target;

  /* More scenes without media than a Generate lists, shown as “Not Generated”. */
  add_scenes (fixture, n_extra);
  gtk_drop_down_set_selected (dropdown, 2);
  sh_scenes_page_set_session (fixture->page, fixture->session);
  wait_model (fixture);
  g_assert_cmpuint (n_items (fixture), ==, n_not_generated);
  g_assert_cmpuint (n_items (fixture), >, SH_GENERATE_MAX_LISTED_SCENES);
  wait_label (fixture, "Scene 0001");
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (page_child (fixture, "column_view")));

  /* All but one: a real choice, which stays a list of ids. */
  select_all (fixture);
  gtk_selection_model_unselect_item (selection, 0);
  dialog = generate_selected (fixture, &target);
  subset_title = g_strdup_printf (ngettext ("%'u Selected Scene", "%'u Selected Scenes",
                                            n_not_generated - 1),
                                  n_not_generated - 1);
  g_assert_cmpstr (target, ==, subset_title);
  parameters = sh_generate_dialog_dup_parameters (dialog);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (parameters,
                                                                         "sceneIDs")),
                    ==, n_not_generated - 1);
  g_clear_pointer (&parameters, json_object_unref);
  close_dialog (dialog);

  /* Every row: that is every scene without media, and the dialog says how many. */
  select_all (fixture);
  dialog = generate_selected (fixture, &target);
  g_assert_cmpstr (target, ==, "All Scenes Without Generated Media");
  target_row = dialog_child (dialog, "target_row");
  subtitle = g_strdup_printf (ngettext ("%'lu scene is not generated yet",
                                        "%'lu scenes are not generated yet", n_not_generated),
                              (gulong) n_not_generated);
  while (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (target_row)), subtitle) != 0)
    g_main_context_iteration (NULL, TRUE);

  /* The job lists no scenes, and tracks every one of them. */
  g_signal_connect (dialog, "job-created", G_CALLBACK (job_created_cb), &job);
  g_clear_pointer (&fixture->toast, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.start", NULL));
  wait_for (job_known, &job, "the job");
  wait_for (no_dialog, NULL, "the dialog to close");
  parameters = sh_job_dup_parameters (job);
  g_assert_false (json_object_has_member (parameters, "sceneIDs"));
  /* No toast that it started: the window tells how it ends. */
  g_assert_null (fixture->toast);
  wait_for (total_known, job, "the job's snapshot");
  g_assert_cmpint (sh_job_get_total_items (job), ==, n_not_generated);
  sh_job_manager_cancel (sh_session_get_job_manager (fixture->session), job);
  wait_for (job_finished, job, "the job to stop");

  /* “Any”: every scene, whose not generated ones are the same target. */
  gtk_drop_down_set_selected (dropdown, 0);
  wait_model (fixture);
  g_assert_cmpuint (n_items (fixture), ==, N_SCENES + n_extra);
  select_all (fixture);
  dialog = generate_selected (fixture, &target);
  g_assert_cmpstr (target, ==, "All Scenes Without Generated Media");
  close_dialog (dialog);

  /* A search makes the list a part of them, however large: a list again. */
  gtk_editable_set_text (search, "Scene");
  while (sh_scene_list_model_get_search (sh_scenes_page_get_model (fixture->page)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  wait_model (fixture);
  g_assert_cmpuint (n_items (fixture), ==, N_SCENES + n_extra);
  select_all (fixture);
  dialog = generate_selected (fixture, &target);
  g_clear_pointer (&subset_title, g_free);
  subset_title = g_strdup_printf (ngettext ("%'u Selected Scene", "%'u Selected Scenes",
                                            N_SCENES + n_extra),
                                  N_SCENES + n_extra);
  g_assert_cmpstr (target, ==, subset_title);
  close_dialog (dialog);
}

/* Runs @func in a subprocess, in a fixture. */
typedef void (*FixtureFunc) (Fixture *fixture, gconstpointer user_data);

static void
run_test (gconstpointer data)
{
  FixtureFunc func = (FixtureFunc) data;

  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_setup (&fixture, NULL);
      func (&fixture, NULL);
      fixture_teardown (&fixture, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

typedef struct
{
  guint n_signals;
  guint position;
  guint n_items;
} SelectionChanged;

static void
selection_changed_cb (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      SelectionChanged  *changed)
{
  changed->n_signals++;
  changed->position = position;
  changed->n_items = n_items;
}

static char *
selected_text (GtkSelectionModel *model)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);
  GString *text = g_string_new (NULL);
  GtkBitsetIter iter;
  guint position;

  for (gboolean valid = gtk_bitset_iter_init_first (&iter, selected, &position);
       valid;
       valid = gtk_bitset_iter_next (&iter, &position))
    g_string_append_printf (text, "%s%u", text->len > 0 ? " " : "", position);

  return g_string_free (text, FALSE);
}

#define assert_selected(model, expected) \
  G_STMT_START { \
    g_autofree char *text_ = selected_text (model); \
    g_assert_cmpstr (text_, ==, expected); \
  } G_STMT_END

/* The selection of the Scenes page: positions in a bitset, as GtkSelectionModel says. */
static void
test_selection (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(ShSceneSelection) selection = NULL;
  g_autoptr(GtkBitset) before = NULL;
  g_autoptr(GtkBitset) range = NULL;
  GtkSelectionModel *model;
  SelectionChanged changed = { 0 };

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

      g_list_store_append (store, item);
    }
  selection = sh_scene_selection_new (G_LIST_MODEL (store));
  model = GTK_SELECTION_MODEL (selection);
  g_signal_connect (model, "selection-changed", G_CALLBACK (selection_changed_cb), &changed);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  assert_selected (model, "");

  g_assert_true (gtk_selection_model_select_range (model, 0, 6, TRUE));
  assert_selected (model, "0 1 2 3 4 5");
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.n_items, ==, 6);

  /* The selection handed out is a copy: it may come back as the mask. */
  before = gtk_selection_model_get_selection (model);
  range = gtk_bitset_new_range (3, 7);
  g_assert_true (gtk_selection_model_set_selection (model, range, before));
  assert_selected (model, "3 4 5");
  g_assert_cmpuint (gtk_bitset_get_size (before), ==, 6);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.n_items, ==, 3);

  /* Nothing changes: no signal. */
  g_assert_true (gtk_selection_model_select_item (model, 4, FALSE));
  g_assert_cmpuint (changed.n_signals, ==, 2);

  g_assert_true (gtk_selection_model_unselect_item (model, 4));
  assert_selected (model, "3 5");
  g_assert_cmpuint (changed.position, ==, 4);
  g_assert_cmpuint (changed.n_items, ==, 1);

  /* The selection moves with the positions. */
  g_list_store_splice (store, 0, 2, NULL, 0);
  assert_selected (model, "1 3");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 8);

  g_assert_true (gtk_selection_model_select_all (model));
  assert_selected (model, "0 1 2 3 4 5 6 7");
  g_assert_true (gtk_selection_model_unselect_all (model));
  assert_selected (model, "");

  /* Another list: nothing selected. */
  g_assert_true (gtk_selection_model_select_range (model, 0, 2, FALSE));
  sh_scene_selection_set_model (selection, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  sh_scene_selection_set_model (selection, G_LIST_MODEL (store));
  assert_selected (model, "");
}

int
main (int   argc,
      char *argv[])
{
  sh_test_allow_language_switch ();
  /* GTK's accessibility backend for tests: what a screen reader would be told, without
   * an accessibility bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  sh_core_init ();
  sh_ui_register_resource ();

  g_test_add_func ("/ui/scene-selection", test_selection);
  g_test_add_data_func ("/ui/scenes-page/not-connected", test_not_connected, run_test);
  g_test_add_data_func ("/ui/scenes-page/filters", test_filters, run_test);
  g_test_add_data_func ("/ui/scenes-page/sort", test_sort, run_test);
  g_test_add_data_func ("/ui/scenes-page/impacted", test_impacted, run_test);
  g_test_add_data_func ("/ui/scenes-page/mark", test_mark, run_test);
  g_test_add_data_func ("/ui/generate-dialog/selection", test_generate, run_test);
  g_test_add_data_func ("/ui/generate-dialog/all", test_generate_all, run_test);
  g_test_add_data_func ("/ui/generate-dialog/every-not-generated",
                        test_generate_every_not_generated, run_test);

  return g_test_run ();
}
