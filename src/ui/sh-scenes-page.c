/* sh-scenes-page.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-types.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "sh-generate-dialog.h"
#include "sh-generate-options.h"
#include "sh-media-checker.h"
#include "sh-scene-selection.h"
#include "sh-scene-panel.h"
#include "sh-scene-cells.h"
#include "sh-scene-thumbnail.h"
#include "sh-scenes-page.h"
#include "sh-thumbnail-loader.h"
#include "sh-ui-util.h"

/**
 * ShScenesPage:
 *
 * The Scenes view: every scene of the mirror in a #GtkColumnView over a lazy
 * #ShSceneListModel, with a search, the Generated filter, the "impacted by a job" filter,
 * sorting by any column (done by the database, not by GTK), and actions on a multiple
 * selection: Generate, and Mark As (Generated or Not Generated).
 *
 * Messages for the user go out through #ShScenesPage::toast; the window shows them.
 */

/* The job types whose end changes the scenes, and so the list. */
static const char * const scene_job_types[] = {
  SH_JOB_TYPE_SYNC, SH_JOB_TYPE_GENERATE, SH_JOB_TYPE_CHECK, SH_JOB_TYPE_PROCESS_NEW, NULL
};

#define RELOAD_DELAY_MS 300

/* Most reads take a fraction of a second: a spinner shown at once would only flicker
 * (and its animation would slow the read down). */
#define BUSY_DELAY_MS   500

typedef struct
{
  ShScenesPage *self;
  ShSceneSort   sort;
} SortProbe;

struct _ShScenesPage
{
  GtkWidget            parent_instance;

  ShSession           *session;        /* (owned) (nullable) */
  ShSceneListModel    *model;          /* (owned) (nullable) */
  ShThumbnailLoader   *thumbnails;     /* (owned) */
  GListModel          *jobs;           /* (owned) (nullable) the session's jobs, watched */
  GCancellable        *cancellable;    /* (owned) */
  char                *job_id;         /* (owned) (nullable) the "impacted by" filter */
  ShSceneSort          sort;
  gboolean             descending;
  guint                reload_source;
  guint                busy_source;
  gboolean             busy;
  gboolean             marking;
  GArray              *undo_ids;       /* (owned) (nullable) the scenes the last mark changed */
  gboolean             undo_generated; /* what undoing sets them back to */

  /* GTK 4.8 cannot say which column a GtkColumnView sorts by: each column's sorter notes
   * its column when the view's sorter compares two probe objects, whose order gives the
   * direction. */
  SortProbe            probes[SH_SCENE_SORT_LAST_SYNCED + 1];
  GObject             *probe_first;    /* (owned) */
  GObject             *probe_second;   /* (owned) */
  int                  probed_sort;

  /* Template widgets */
  GtkStack            *stack;
  GtkWidget           *flap;           /* AdwFlap, by its properties: deprecated after 1.2 */
  ShScenePanel        *panel;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *generated_dropdown;
  GtkButton           *job_filter_button;
  GtkLabel            *job_filter_label;
  GtkSpinner          *loading_spinner;
  GtkLabel            *count_label;
  GtkStack            *results_stack;
  GtkScrolledWindow   *scrolled_window;
  GtkColumnView       *column_view;
  ShSceneSelection    *selection;
  gboolean             scroll_to_top;  /* when the list is replaced next */
  GtkColumnViewColumn *cover_column;
  GtkColumnViewColumn *id_column;
  GtkColumnViewColumn *title_column;
  GtkColumnViewColumn *path_column;
  GtkColumnViewColumn *generated_column;
  GtkColumnViewColumn *last_synced_column;
  GtkSpinner          *big_spinner;
  AdwStatusPage       *error_page;
  GtkActionBar        *action_bar;
  GtkLabel            *selection_label;
  GtkButton           *generate_button;
  GtkMenuButton       *mark_menu_button;
};

G_DEFINE_FINAL_TYPE (ShScenesPage, sh_scenes_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_MODEL,
  N_PROPS
};

enum {
  TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_view (ShScenesPage *self);

/* Covers: thumbnails that load when they come in sight (see ShThumbnailLoader). */

#define THUMBNAIL_WIDTH  56
#define THUMBNAIL_HEIGHT 32

static void
cover_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                ShScenesPage             *self)
{
  GtkWidget *thumbnail = sh_scene_thumbnail_new (THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);

  gtk_widget_set_halign (thumbnail, GTK_ALIGN_CENTER);
  gtk_list_item_set_child (list_item, thumbnail);
}

static void
cover_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               ShScenesPage             *self)
{
  sh_scene_thumbnail_bind (SH_SCENE_THUMBNAIL (gtk_list_item_get_child (list_item)),
                           self->thumbnails, gtk_list_item_get_item (list_item));
}

static void
cover_unbind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ShScenesPage             *self)
{
  sh_scene_thumbnail_unbind (SH_SCENE_THUMBNAIL (gtk_list_item_get_child (list_item)));
}

static void
setup_covers (ShScenesPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(ShThumbnailCache) cache = NULL;
  g_autofree char *directory = sh_thumbnail_cache_dup_default_directory ();

  cache = sh_thumbnail_cache_new (directory, SH_THUMBNAIL_CACHE_DEFAULT_MAX_BYTES);
  self->thumbnails = sh_thumbnail_loader_new (cache);
  sh_thumbnail_loader_set_viewport (self->thumbnails, self->scrolled_window);
  sh_scene_panel_set_thumbnails (self->panel, self->thumbnails);

  g_signal_connect (factory, "setup", G_CALLBACK (cover_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (cover_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (cover_unbind_cb), self);
  gtk_column_view_column_set_factory (self->cover_column, factory);
}

/* The side panel ------------------------------------------------------------------------ */

static gboolean
flap_get_boolean (ShScenesPage *self,
                  const char   *property)
{
  gboolean value = FALSE;

  g_object_get (self->flap, property, &value, NULL);
  return value;
}

static void
reveal_panel (ShScenesPage *self,
              gboolean      reveal)
{
  g_object_set (self->flap, "reveal-flap", reveal, NULL);
}

/* One scene selected: the panel shows it; otherwise it goes. */
static void
update_panel (ShScenesPage *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(ShSceneItem) item = NULL;

  if (self->model != NULL)
    {
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      if (gtk_bitset_get_size (selected) == 1)
        item = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                      gtk_bitset_get_minimum (selected));
    }

  if (item != NULL)
    sh_scene_panel_set_item (self->panel, item);
  reveal_panel (self, item != NULL);
}

static void
column_view_activate_cb (ShScenesPage  *self,
                         guint          position,
                         GtkColumnView *column_view)
{
  g_autoptr(ShSceneItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item == NULL)
    return;

  sh_scene_panel_set_item (self->panel, item);
  reveal_panel (self, TRUE);
}

static void
flap_folded_cb (ShScenesPage *self)
{
  gboolean folded = flap_get_boolean (self, "folded");

  sh_scene_panel_set_folded (self->panel, folded);
  /* Folded, a flap that expands takes the whole width: the panel becomes a page. */
  gtk_widget_set_hexpand (GTK_WIDGET (self->panel), folded);
}

static void
flap_revealed_cb (ShScenesPage *self)
{
  /* Back from the panel's page: where the user was in the list. */
  if (!flap_get_boolean (self, "reveal-flap") && flap_get_boolean (self, "folded"))
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
close_panel (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  reveal_panel (SH_SCENES_PAGE (widget), FALSE);
}

/* Sorting ----------------------------------------------------------------------------- */

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  SortProbe *probe = user_data;

  probe->self->probed_sort = probe->sort;

  if (a == b)
    return GTK_ORDERING_EQUAL;

  return a == probe->self->probe_first ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

static void
apply_sort (ShScenesPage *self)
{
  if (self->model != NULL)
    {
      sh_scene_list_model_set_sort (self->model, self->sort, self->descending);
      /* Only when the filter really changed, which reads the list again. */
      self->scroll_to_top = sh_scene_list_model_get_loading (self->model);
    }
}

static void
column_view_sorter_changed_cb (ShScenesPage    *self,
                               GtkSorterChange  change,
                               GtkSorter       *sorter)
{
  GtkOrdering order;

  g_assert (SH_IS_SCENES_PAGE (self));

  self->probed_sort = -1;
  order = gtk_sorter_compare (sorter, self->probe_first, self->probe_second);

  if (self->probed_sort < 0 || order == GTK_ORDERING_EQUAL)
    {
      self->sort = SH_SCENE_SORT_ID;
      self->descending = FALSE;
    }
  else
    {
      self->sort = self->probed_sort;
      self->descending = order == GTK_ORDERING_LARGER;
    }

  apply_sort (self);
}

static void
setup_sorting (ShScenesPage *self)
{
  GtkColumnViewColumn *columns[] = {
    [SH_SCENE_SORT_ID] = self->id_column,
    [SH_SCENE_SORT_TITLE] = self->title_column,
    [SH_SCENE_SORT_PATH] = self->path_column,
    [SH_SCENE_SORT_GENERATED] = self->generated_column,
    [SH_SCENE_SORT_LAST_SYNCED] = self->last_synced_column,
  };

  self->probe_first = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_second = g_object_new (G_TYPE_OBJECT, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkSorter) sorter = NULL;

      self->probes[i].self = self;
      self->probes[i].sort = i;
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, &self->probes[i], NULL));
      gtk_column_view_column_set_sorter (columns[i], sorter);
    }

  gtk_column_view_sort_by_column (self->column_view, self->id_column, GTK_SORT_ASCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (column_view_sorter_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Filters ----------------------------------------------------------------------------- */

static gboolean
has_filter (ShScenesPage *self)
{
  return self->model != NULL
         && (sh_scene_list_model_get_search (self->model) != NULL
             || sh_scene_list_model_get_generated (self->model) != SH_GENERATED_ANY
             || sh_scene_list_model_get_job_id (self->model) != NULL);
}

static void
search_changed_cb (ShScenesPage   *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (self->model != NULL)
    {
      sh_scene_list_model_set_search (self->model, text);
      /* Only when the filter really changed, which reads the list again. */
      self->scroll_to_top = sh_scene_list_model_get_loading (self->model);
    }
}

static void
stop_search_cb (ShScenesPage   *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static ShGeneratedFilter
selected_generated_filter (ShScenesPage *self)
{
  switch (gtk_drop_down_get_selected (self->generated_dropdown))
    {
    case 1:
      return SH_GENERATED_YES;

    case 2:
      return SH_GENERATED_NO;

    case 3:
      return SH_GENERATED_FAILING;

    default:
      return SH_GENERATED_ANY;
    }
}

static void
generated_changed_cb (ShScenesPage *self,
                      GParamSpec   *pspec,
                      GtkDropDown  *dropdown)
{
  if (self->model != NULL)
    {
      sh_scene_list_model_set_generated (self->model, selected_generated_filter (self));
      /* Only when the filter really changed, which reads the list again. */
      self->scroll_to_top = sh_scene_list_model_get_loading (self->model);
    }
}

static void
set_job_filter (ShScenesPage *self,
                const char   *job_id)
{
  if (job_id != NULL && *job_id == '\0')
    job_id = NULL;

  g_free (self->job_id);
  self->job_id = g_strdup (job_id);

  if (job_id != NULL)
    {
      /* Job ids are UUIDs: their first group is enough to tell them apart. */
      g_autofree char *short_id = g_strndup (job_id, strcspn (job_id, "-"));
      g_autofree char *label = NULL;
      g_autofree char *description = NULL;

      /* Translators: a removable filter; %s is the start of a job's id */
      label = g_strdup_printf (_("Updated by Job %s"), short_id);
      gtk_label_set_label (self->job_filter_label, label);

      description = g_strdup_printf (_("Remove the filter “%s”"), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->job_filter_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                      -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->job_filter_button), job_id != NULL);

  if (self->model != NULL)
    {
      sh_scene_list_model_set_job_id (self->model, job_id);
      /* Only when the filter really changed, which reads the list again. */
      self->scroll_to_top = sh_scene_list_model_get_loading (self->model);
    }
}

/* The model keeps the rows a view shows and fills them with the scenes now at their
 * positions (see ShSceneListModel::replaced). */
static void
model_replaced_cb (ShScenesPage     *self,
                   ShSceneListModel *model)
{
  /* A selection by position would now pick other scenes. */
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));

  /* A new filter or order starts at the top; a reload keeps the place. An empty list
   * has no top to scroll to (GTK warns). */
  if (self->scroll_to_top)
    {
      self->scroll_to_top = FALSE;
      if (g_list_model_get_n_items (G_LIST_MODEL (model)) > 0)
        gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                                  0);
    }
}

/* State ------------------------------------------------------------------------------- */

static GArray *
dup_selected_ids (ShScenesPage *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  GArray *ids;
  guint position;

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (self->model == NULL)
    return ids;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean valid = gtk_bitset_iter_init_first (&iter, selected, &position);
       valid;
       valid = gtk_bitset_iter_next (&iter, &position))
    {
      gint64 id = sh_scene_list_model_get_id (self->model, position);

      if (id != 0)
        g_array_append_val (ids, id);
    }

  return ids;
}

static guint64
count_selected (ShScenesPage *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  if (self->model == NULL)
    return 0;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  return gtk_bitset_get_size (selected);
}

static void
update_actions (ShScenesPage *self)
{
  guint64 n_selected = count_selected (self);
  gboolean connected = self->model != NULL;
  gboolean can_mark;

  if (n_selected > 0)
    {
      g_autofree char *label = NULL;

      /* Translators: %'lu is a number of scenes, with thousands separators */
      label = g_strdup_printf (ngettext ("%'lu scene selected", "%'lu scenes selected",
                                         n_selected),
                               (gulong) n_selected);
      gtk_label_set_label (self->selection_label, label);
    }
  gtk_action_bar_set_revealed (self->action_bar, n_selected > 0);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scenes.generate-selected",
                                 n_selected > 0 && n_selected <= G_MAXUINT);
  can_mark = n_selected > 0 && n_selected <= G_MAXUINT && !self->marking;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scenes.mark-generated", can_mark);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scenes.mark-not-generated", can_mark);
  /* A menu button stays sensitive when its items are not; this one says so itself. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->mark_menu_button), can_mark);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scenes.search", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scenes.clear-job-filter",
                                 self->job_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scenes.undo-mark",
                                 self->undo_ids != NULL && !self->marking);
}

static void
update_view (ShScenesPage *self)
{
  const GError *error;
  gboolean loading;
  guint n_items;

  g_assert (SH_IS_SCENES_PAGE (self));

  if (self->model == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "disconnected");
      gtk_spinner_set_spinning (self->big_spinner, FALSE);
      gtk_spinner_set_spinning (self->loading_spinner, FALSE);
      update_actions (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "scenes");

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  loading = sh_scene_list_model_get_loading (self->model);
  error = sh_scene_list_model_get_error (self->model);

  {
    g_autofree char *count = NULL;

    /* Translators: %'u is a number of scenes, with thousands separators */
    count = g_strdup_printf (ngettext ("%'u scene", "%'u scenes", n_items), n_items);
    gtk_label_set_label (self->count_label, count);
  }

  gtk_spinner_set_spinning (self->loading_spinner, self->busy && n_items > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), self->busy && n_items > 0);
  gtk_spinner_set_spinning (self->big_spinner, self->busy && n_items == 0);

  if (error != NULL && n_items == 0)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->results_stack, "error");
    }
  else if (n_items > 0)
    gtk_stack_set_visible_child_name (self->results_stack, "list");
  else if (loading)
    gtk_stack_set_visible_child_name (self->results_stack, "loading");
  else if (has_filter (self))
    gtk_stack_set_visible_child_name (self->results_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->results_stack, "empty");

  update_actions (self);
}

static gboolean
busy_timeout_cb (gpointer user_data)
{
  ShScenesPage *self = user_data;

  self->busy_source = 0;
  self->busy = TRUE;
  update_view (self);

  return G_SOURCE_REMOVE;
}

static void
model_loading_cb (ShScenesPage     *self,
                  GParamSpec       *pspec,
                  ShSceneListModel *model)
{
  g_clear_handle_id (&self->busy_source, g_source_remove);
  self->busy = FALSE;

  if (sh_scene_list_model_get_loading (model))
    self->busy_source = g_timeout_add (BUSY_DELAY_MS, busy_timeout_cb, self);
  else
    /* The list was read: replaced (see model_replaced_cb()), the same, or an error. A
     * later reload keeps the place. */
    self->scroll_to_top = FALSE;

  update_view (self);
}

static void
model_error_cb (ShScenesPage     *self,
                GParamSpec       *pspec,
                ShSceneListModel *model)
{
  const GError *error = sh_scene_list_model_get_error (model);

  /* Shown in place of the list when there is none; otherwise as a toast. */
  if (error != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0)
    g_signal_emit (self, signals[TOAST], 0, error->message, FALSE);

  update_view (self);
}

/* Reloads ----------------------------------------------------------------------------- */

static gboolean
reload_timeout_cb (gpointer user_data)
{
  ShScenesPage *self = user_data;

  self->reload_source = 0;
  if (self->model != NULL)
    sh_scene_list_model_reload (self->model);

  return G_SOURCE_REMOVE;
}

static void
queue_reload (ShScenesPage *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);
}

static gboolean
job_changed_scenes (ShJob *job)
{
  const char *type = sh_job_get_job_type (job);

  return sh_job_is_finished (job) && type != NULL && g_strv_contains (scene_job_types, type);
}

static void
job_status_cb (ShScenesPage *self,
               GParamSpec   *pspec,
               ShJob        *job)
{
  if (job_changed_scenes (job))
    queue_reload (self);
}

static void
watch_jobs (ShScenesPage *self,
            guint         position,
            guint         n_items)
{
  for (guint i = position; i < position + n_items; i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (self->jobs, i);

      g_signal_handlers_disconnect_by_func (job, job_status_cb, self);
      g_signal_connect_object (job, "notify::status", G_CALLBACK (job_status_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
jobs_changed_cb (ShScenesPage *self,
                 guint         position,
                 guint         removed,
                 guint         added,
                 GListModel   *jobs)
{
  watch_jobs (self, position, added);

  /* A job another process ran (stashhogctl, say) may show up already finished. */
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (job_changed_scenes (job))
        queue_reload (self);
    }
}

static void
unwatch_jobs (ShScenesPage *self)
{
  guint n_items;

  if (self->jobs == NULL)
    return;

  n_items = g_list_model_get_n_items (self->jobs);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (self->jobs, i);

      g_signal_handlers_disconnect_by_func (job, job_status_cb, self);
    }
  g_signal_handlers_disconnect_by_func (self->jobs, jobs_changed_cb, self);
  g_clear_object (&self->jobs);
}

/* Actions ----------------------------------------------------------------------------- */

/* Whether the selection is the whole list, and the list the scenes a Generate of every
 * scene that is not generated takes: then that is the target, rather than a list of ids
 * that can reach a million (in the job's row, and in the request to Stash). With the
 * Generated filter at “Any” the list holds generated scenes too, but a Generate tracks
 * only those that are not, with a list as without. A smaller selection stays a list: it
 * says exactly what the user chose. */
static gboolean
selection_is_every_not_generated (ShScenesPage *self)
{
  guint64 n_selected = count_selected (self);

  return n_selected > SH_GENERATE_MAX_LISTED_SCENES
         && n_selected == g_list_model_get_n_items (G_LIST_MODEL (self->model))
         && sh_scene_list_model_get_search (self->model) == NULL
         && sh_scene_list_model_get_job_id (self->model) == NULL
         && sh_scene_list_model_get_generated (self->model) != SH_GENERATED_YES;
}

static void
generate_selected_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  ShScenesPage *self = SH_SCENES_PAGE (widget);
  g_autoptr(GArray) ids = NULL;
  ShGenerateDialog *dialog;
  GtkRoot *root;
  gboolean every;

  if (self->session == NULL || self->model == NULL)
    return;

  /* No ids: the dialog targets every scene that is not generated. */
  every = selection_is_every_not_generated (self);
  ids = every ? g_array_new (FALSE, FALSE, sizeof (gint64)) : dup_selected_ids (self);
  if (!every && ids->len == 0)
    return;

  root = gtk_widget_get_root (widget);
  dialog = sh_generate_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   self->session, (const gint64 *)ids->data, ids->len);
  /* No toast that it started: the Jobs tab shows it runs, and a toast how it ended. */
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * sh_scenes_page_generate_selected:
 * @self: a #ShScenesPage
 *
 * Opens the Generate dialog for the selected scenes, as Generate for Selected does.
 *
 * Returns: %TRUE if scenes were selected and the dialog opened
 */
gboolean
sh_scenes_page_generate_selected (ShScenesPage *self)
{
  g_return_val_if_fail (SH_IS_SCENES_PAGE (self), FALSE);

  if (self->session == NULL || self->model == NULL || count_selected (self) == 0)
    return FALSE;

  generate_selected_action (GTK_WIDGET (self), "scenes.generate-selected", NULL);
  return TRUE;
}

typedef struct
{
  ShScenesPage *self;       /* (owned) */
  gboolean      generated;
  gboolean      undoing;    /* setting back what the last mark changed */
  guint         n_ids;
} MarkData;

static void
mark_data_free (MarkData *mark)
{
  g_clear_object (&mark->self);
  g_free (mark);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarkData, mark_data_free)

static void
set_generated_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MarkData) mark = user_data;
  ShScenesPage *self = mark->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changed_ids = NULL;
  g_autofree char *message = NULL;
  guint64 changed;

  changed_ids = sh_scene_store_set_generated_finish_full (SH_SCENE_STORE (object), result, &error);
  changed = changed_ids != NULL ? changed_ids->len : 0;
  self->marking = FALSE;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          update_actions (self);
          return;
        }
      message = g_strdup_printf (_("Could not change the scenes: %s"), error->message);
    }
  else if (mark->undoing)
    /* Translators: %'lu is a number of scenes */
    message = g_strdup_printf (ngettext ("Undone: %'lu scene is as it was",
                                         "Undone: %'lu scenes are as they were", changed),
                               (gulong) changed);
  else if (changed == 0)
    message = g_strdup (mark->generated
                        ? _("The selected scenes were already marked as generated")
                        : _("The selected scenes were already marked as not generated"));
  else if (mark->generated)
    /* Translators: %'lu is a number of scenes */
    message = g_strdup_printf (ngettext ("Marked %'lu scene as generated",
                                         "Marked %'lu scenes as generated", changed),
                               (gulong) changed);
  else
    /* Translators: %'lu is a number of scenes */
    message = g_strdup_printf (ngettext ("Marked %'lu scene as not generated",
                                         "Marked %'lu scenes as not generated", changed),
                               (gulong) changed);

  /* Exactly the scenes that changed go back on Undo: those that already had the value
   * keep it. */
  g_clear_pointer (&self->undo_ids, g_array_unref);
  if (!mark->undoing && changed > 0)
    {
      self->undo_ids = g_steal_pointer (&changed_ids);
      self->undo_generated = !mark->generated;
    }
  update_actions (self);

  g_signal_emit (self, signals[TOAST], 0, message, self->undo_ids != NULL);

  if (self->model != NULL && changed > 0)
    sh_scene_list_model_reload (self->model);
}

static void
mark (ShScenesPage *self,
      gboolean      generated)
{
  g_autoptr(GArray) ids = NULL;
  MarkData *data;

  if (self->model == NULL || self->marking)
    return;

  ids = dup_selected_ids (self);
  if (ids->len == 0)
    return;

  self->marking = TRUE;
  update_actions (self);

  data = g_new0 (MarkData, 1);
  data->self = g_object_ref (self);
  data->generated = generated;
  data->n_ids = ids->len;

  sh_scene_store_set_generated_async (sh_scene_list_model_get_store (self->model),
                                      sh_scene_list_model_get_server_id (self->model),
                                      (const gint64 *)ids->data, ids->len, generated,
                                      self->cancellable, set_generated_cb, data);
}

/**
 * sh_scenes_page_undo_mark:
 * @self: a #ShScenesPage
 *
 * Sets the scenes the last Mark As changed back to what they were (the toast's Undo,
 * Ctrl+Z). Does nothing when there is nothing to undo.
 */
void
sh_scenes_page_undo_mark (ShScenesPage *self)
{
  g_autoptr(GArray) ids = NULL;
  MarkData *data;

  g_return_if_fail (SH_IS_SCENES_PAGE (self));

  if (self->model == NULL || self->marking || self->undo_ids == NULL)
    return;

  ids = g_steal_pointer (&self->undo_ids);
  self->marking = TRUE;
  update_actions (self);

  data = g_new0 (MarkData, 1);
  data->self = g_object_ref (self);
  data->generated = self->undo_generated;
  data->undoing = TRUE;
  data->n_ids = ids->len;

  sh_scene_store_set_generated_async (sh_scene_list_model_get_store (self->model),
                                      sh_scene_list_model_get_server_id (self->model),
                                      (const gint64 *)ids->data, ids->len, self->undo_generated,
                                      self->cancellable, set_generated_cb, data);
}

static void
undo_mark_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sh_scenes_page_undo_mark (SH_SCENES_PAGE (widget));
}

static void
mark_generated_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  mark (SH_SCENES_PAGE (widget), TRUE);
}

/* Marking many scenes not generated sends them all to the next Generate: asked first. */
#define CONFIRM_NOT_GENERATED_FROM 100

static void
confirm_not_generated_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          ShScenesPage     *self)
{
  if (g_strcmp0 (response, "mark") == 0)
    mark (self, FALSE);
}

static void
mark_not_generated_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ShScenesPage *self = SH_SCENES_PAGE (widget);
  guint64 n = count_selected (self);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  if (n < CONFIRM_NOT_GENERATED_FROM)
    {
      mark (self, FALSE);
      return;
    }

  /* Translators: %'lu is a number of scenes */
  heading = g_strdup_printf (ngettext ("Mark %'lu Scene as Not Generated?",
                                       "Mark %'lu Scenes as Not Generated?", n),
                             (gulong) n);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       heading,
                                                       _("Their media will count as missing, "
                                                         "and the next Generate will take "
                                                         "them all. Check finds what really "
                                                         "exists.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "mark", _("_Mark as Not Generated"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "mark", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_not_generated_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShScenesPage *self = SH_SCENES_PAGE (widget);

  if (self->model == NULL)
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
clear_job_filter_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ShScenesPage *self = SH_SCENES_PAGE (widget);

  set_job_filter (self, NULL);
  update_view (self);
}

/* GObject ----------------------------------------------------------------------------- */

static void
selection_changed_cb (ShScenesPage     *self,
                      guint             position,
                      guint             n_items,
                      GtkSelectionModel *selection)
{
  update_actions (self);
  update_panel (self);
}

static void
sh_scenes_page_dispose (GObject *object)
{
  ShScenesPage *self = (ShScenesPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->busy_source, g_source_remove);
  unwatch_jobs (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_SCENES_PAGE);

  g_clear_object (&self->thumbnails);
  g_clear_object (&self->model);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sh_scenes_page_parent_class)->dispose (object);
}

static void
sh_scenes_page_finalize (GObject *object)
{
  ShScenesPage *self = (ShScenesPage *)object;

  g_clear_object (&self->probe_first);
  g_clear_object (&self->probe_second);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->job_id, g_free);
  g_clear_pointer (&self->undo_ids, g_array_unref);

  G_OBJECT_CLASS (sh_scenes_page_parent_class)->finalize (object);
}

static void
sh_scenes_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ShScenesPage *self = SH_SCENES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scenes_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ShScenesPage *self = SH_SCENES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      sh_scenes_page_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scenes_page_class_init (ShScenesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_scenes_page_dispose;
  object_class->finalize = sh_scenes_page_finalize;
  object_class->get_property = sh_scenes_page_get_property;
  object_class->set_property = sh_scenes_page_set_property;

  /**
   * ShScenesPage:session:
   *
   * The open session whose scenes are shown, or %NULL when not connected.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SH_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShScenesPage:model:
   *
   * The list shown, or %NULL when not connected.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         SH_TYPE_SCENE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShScenesPage::toast:
   * @self: the page
   * @message: what to tell the user
   * @undoable: whether sh_scenes_page_undo_mark() undoes what @message tells
   *
   * Asks the window to show @message briefly, with an Undo button when @undoable.
   */
  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);


  g_type_ensure (SH_TYPE_SCENE_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sh-scenes-page.ui");
  g_type_ensure (SH_TYPE_SCENE_SELECTION);
  gtk_widget_class_set_css_name (widget_class, "scenes-page");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, flap);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, panel);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, generated_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, job_filter_button);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, job_filter_label);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, selection);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, cover_column);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, id_column);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, title_column);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, path_column);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, generated_column);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, last_synced_column);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, big_spinner);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, generate_button);
  gtk_widget_class_bind_template_child (widget_class, ShScenesPage, mark_menu_button);

  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, flap_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, flap_revealed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, generated_changed_cb);

  gtk_widget_class_install_action (widget_class, "scenes.generate-selected", NULL,
                                   generate_selected_action);
  gtk_widget_class_install_action (widget_class, "scenes.mark-generated", NULL,
                                   mark_generated_action);
  gtk_widget_class_install_action (widget_class, "scenes.mark-not-generated", NULL,
                                   mark_not_generated_action);
  gtk_widget_class_install_action (widget_class, "scenes.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "scenes.close-panel", NULL, close_panel);
  gtk_widget_class_install_action (widget_class, "scenes.clear-job-filter", NULL,
                                   clear_job_filter_action);
  gtk_widget_class_install_action (widget_class, "scenes.undo-mark", NULL, undo_mark_action);

  /* The action bar's buttons, from the keyboard (listed in the shortcuts window). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK,
                                       "scenes.mark-generated", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "scenes.mark-not-generated", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "scenes.undo-mark", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "scenes.close-panel",
                                       NULL);
}

static void
sh_scenes_page_init (ShScenesPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->sort = SH_SCENE_SORT_ID;

  gtk_widget_init_template (GTK_WIDGET (self));

  setup_covers (self);
  sh_scene_cells_setup (self->id_column, SH_SCENE_CELL_ID);
  sh_scene_cells_setup (self->title_column, SH_SCENE_CELL_TITLE);
  sh_scene_cells_setup (self->path_column, SH_SCENE_CELL_PATH);
  sh_scene_cells_setup (self->generated_column, SH_SCENE_CELL_GENERATED);
  sh_scene_cells_setup (self->last_synced_column, SH_SCENE_CELL_LAST_SYNCED);
  setup_sorting (self);

  /* Typing in the list searches, as in Files. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));

  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate",
                           G_CALLBACK (column_view_activate_cb), self, G_CONNECT_SWAPPED);
  flap_folded_cb (self);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  update_view (self);
}

/**
 * sh_scenes_page_new:
 *
 * Returns: (transfer full): a new, not connected, #ShScenesPage
 */
GtkWidget *
sh_scenes_page_new (void)
{
  return g_object_new (SH_TYPE_SCENES_PAGE, NULL);
}

/**
 * sh_scenes_page_get_thumbnails:
 * @self: a #ShScenesPage
 *
 * Returns: (transfer none): where the page's covers come from
 */
ShThumbnailLoader *
sh_scenes_page_get_thumbnails (ShScenesPage *self)
{
  g_return_val_if_fail (SH_IS_SCENES_PAGE (self), NULL);

  return self->thumbnails;
}

/**
 * sh_scenes_page_set_thumbnail_cache:
 * @self: a #ShScenesPage
 * @cache: where covers are kept on disk
 *
 * Keeps covers in @cache rather than in the user's cache directory, as tests do.
 */
void
sh_scenes_page_set_thumbnail_cache (ShScenesPage     *self,
                                    ShThumbnailCache *cache)
{
  g_autoptr(ShThumbnailLoader) loader = NULL;

  g_return_if_fail (SH_IS_SCENES_PAGE (self));
  g_return_if_fail (SH_IS_THUMBNAIL_CACHE (cache));
  g_return_if_fail (self->session == NULL);

  loader = sh_thumbnail_loader_new (cache);
  sh_thumbnail_loader_set_viewport (self->thumbnails, NULL);
  sh_thumbnail_loader_set_viewport (loader, self->scrolled_window);
  g_set_object (&self->thumbnails, loader);
  sh_scene_panel_set_thumbnails (self->panel, loader);
}

ShSession *
sh_scenes_page_get_session (ShScenesPage *self)
{
  g_return_val_if_fail (SH_IS_SCENES_PAGE (self), NULL);

  return self->session;
}

/**
 * sh_scenes_page_set_session:
 * @self: a #ShScenesPage
 * @session: (nullable): an open session, or %NULL when not connected
 *
 * Shows the scenes of @session's server, or the "not connected" state. The search, the
 * filters and the order are kept.
 */
void
sh_scenes_page_set_session (ShScenesPage *self,
                            ShSession    *session)
{
  g_autoptr(ShSceneListModel) model = NULL;
  ShSceneStore *store;

  g_return_if_fail (SH_IS_SCENES_PAGE (self));
  g_return_if_fail (session == NULL || SH_IS_SESSION (session));

  if (self->session == session)
    return;

  unwatch_jobs (self);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->busy_source, g_source_remove);
  self->busy = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->marking = FALSE;
  /* Another server's scenes: nothing of this one to undo. */
  g_clear_pointer (&self->undo_ids, g_array_unref);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);

  g_set_object (&self->session, session);
  sh_thumbnail_loader_set_client (self->thumbnails,
                                  session != NULL ? sh_session_get_client (session) : NULL);
  sh_scene_panel_set_session (self->panel, session);
  reveal_panel (self, FALSE);

  store = session != NULL ? sh_session_get_scene_store (session) : NULL;
  if (store != NULL)
    {
      ShJobManager *manager = sh_session_get_job_manager (session);

      model = sh_scene_list_model_new (store, sh_session_get_server_id (session));
      sh_scene_list_model_set_search (model,
                                      gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      sh_scene_list_model_set_generated (model, selected_generated_filter (self));
      sh_scene_list_model_set_job_id (model, self->job_id);
      sh_scene_list_model_set_sort (model, self->sort, self->descending);

      g_signal_connect_object (model, "notify::n-items", G_CALLBACK (update_view), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "notify::loading", G_CALLBACK (model_loading_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "notify::error", G_CALLBACK (model_error_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "replaced", G_CALLBACK (model_replaced_cb), self,
                               G_CONNECT_SWAPPED);
      model_loading_cb (self, NULL, model);

      if (manager != NULL)
        {
          self->jobs = g_object_ref (sh_job_manager_get_jobs (manager));
          g_signal_connect_object (self->jobs, "items-changed", G_CALLBACK (jobs_changed_cb),
                                   self, G_CONNECT_SWAPPED);
          watch_jobs (self, 0, g_list_model_get_n_items (self->jobs));
        }
    }

  g_set_object (&self->model, model);
  sh_scene_selection_set_model (self->selection, G_LIST_MODEL (model));

  update_view (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * sh_scenes_page_show_job:
 * @self: a #ShScenesPage
 * @job_id: (nullable): a job id, or %NULL to show every scene again
 *
 * Shows exactly the scenes whose generated flag the job changed ("View Impacted
 * Scenes"): the search and the Generated filter are cleared, and the job filter appears
 * as a button that removes it.
 */
void
sh_scenes_page_show_job (ShScenesPage *self,
                         const char   *job_id)
{
  g_return_if_fail (SH_IS_SCENES_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->generated_dropdown, 0);
  if (self->model != NULL)
    {
      sh_scene_list_model_set_search (self->model, NULL);
      sh_scene_list_model_set_generated (self->model, SH_GENERATED_ANY);
    }

  set_job_filter (self, job_id);
  update_view (self);
}

/**
 * sh_scenes_page_get_model:
 * @self: a #ShScenesPage
 *
 * Returns: (transfer none) (nullable): the list shown, %NULL when not connected
 */
ShSceneListModel *
sh_scenes_page_get_model (ShScenesPage *self)
{
  g_return_val_if_fail (SH_IS_SCENES_PAGE (self), NULL);

  return self->model;
}

/**
 * sh_scenes_page_reload:
 * @self: a #ShScenesPage
 *
 * Reads the scenes again, after something changed them (the page does so by itself when
 * one of the session's scene jobs ends).
 */
void
sh_scenes_page_reload (ShScenesPage *self)
{
  g_return_if_fail (SH_IS_SCENES_PAGE (self));

  if (self->model != NULL)
    sh_scene_list_model_reload (self->model);
}
