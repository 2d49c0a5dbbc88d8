/* sh-scene-cells.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The text cells of the Scenes page's columns: id, title, path, Generated (with a failing
 * scene's reason) and last synced, each a plain label kept in step with its #ShSceneItem.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-core.h"
#include "sh-media-checker.h"
#include "sh-scene-cells.h"
#include "sh-scenes-page.h"
#include "sh-ui-util.h"

/* Cells are plain labels made by signal factories: after a filter change a GTK 4.8 list
 * view makes its 200 rows again (1,000 cells here), and a builder factory parsing its
 * template for each cell took longer than the database query. */

static GQuark cell_kind_quark;

static char *
format_last_synced (const char *last_synced)
{
  /* A sync stamps all the scenes it sees alike: most rows show the same time. The text
   * is relative to now ("Today at …"), so it is remembered for a minute only. */
  static char *last_input;
  static char *last_output;
  static gint64 last_when;
  g_autoptr(GDateTime) time = NULL;
  gint64 now = g_get_monotonic_time ();

  if (last_synced == NULL || *last_synced == '\0')
    return g_strdup ("");

  if (g_strcmp0 (last_synced, last_input) == 0 && now - last_when < 60 * G_USEC_PER_SEC)
    return g_strdup (last_output);

  time = g_date_time_new_from_iso8601 (last_synced, NULL);
  g_free (last_input);
  g_free (last_output);
  last_input = g_strdup (last_synced);
  last_when = now;
  if (time == NULL)
    last_output = g_strdup (last_synced);
  else
    last_output = sh_format_time (g_date_time_to_unix (time) * G_USEC_PER_SEC
                                  + g_date_time_get_microsecond (time));

  return g_strdup (last_output);
}

/* The session's: from this many failed Generates in a row a scene is failing. */
static guint
failing_threshold (GtkLabel *label)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (label), SH_TYPE_SCENES_PAGE);
  ShSceneListModel *model = page != NULL ? sh_scenes_page_get_model (SH_SCENES_PAGE (page)) : NULL;
  ShSceneStore *store;

  if (model == NULL || (store = sh_scene_list_model_get_store (model)) == NULL)
    return SH_DEFAULT_FAILING_THRESHOLD;

  return sh_database_get_failing_threshold (sh_scene_store_get_database (store));
}

static gboolean
failure_query_tooltip_cb (GtkLabel   *label,
                          int         x,
                          int         y,
                          gboolean    keyboard_mode,
                          GtkTooltip *tooltip)
{
  const char *text = g_object_get_data (G_OBJECT (label), "sh-failure");

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A screen reader names a row by its scene's title, not by GTK's internal row type.
 * GTK 4.12 has GtkColumnViewRow:accessible-label for this; 4.8 has no row object, so the
 * row widget (the parent of the title's cell) is labelled directly. */
static void
label_row (GtkLabel   *label,
           const char *title)
{
  GtkWidget *cell = gtk_widget_get_parent (GTK_WIDGET (label));
  GtkWidget *row = cell != NULL ? gtk_widget_get_parent (cell) : NULL;

  if (row != NULL && g_strcmp0 (gtk_widget_get_css_name (row), "row") == 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                    -1);
}

static void
update_cell (GtkLabel    *label,
             ShSceneItem *item)
{
  ShSceneCell kind = GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (label), cell_kind_quark));
  g_autofree char *text = NULL;
  gboolean loaded = sh_scene_item_get_loaded (item);

  switch (kind)
    {
    case SH_SCENE_CELL_ID:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, sh_scene_item_get_id (item));
      break;

    case SH_SCENE_CELL_TITLE:
      /* Rows not read yet show their id only. */
      text = sh_scene_item_dup_display_title (item);
      label_row (label, text);
      break;

    case SH_SCENE_CELL_PATH:
      text = g_strdup (sh_scene_item_get_path (item));
      break;

    case SH_SCENE_CELL_GENERATED:
      {
        int failed = loaded ? sh_scene_item_get_failed_generates (item) : 0;
        gboolean generated = sh_scene_item_get_generated (item);
        g_autofree char *description = NULL;

        if (!loaded)
          text = NULL;
        else if (generated)
          text = g_strdup (C_("generated media", "Yes"));
        else if (failed > 0)
          {
            const char *reason = sh_scene_item_get_failure_reason (item);
            g_autofree char *missing = sh_media_kind_dup_labels (reason != NULL ? reason : "");

            if ((guint) failed >= failing_threshold (label))
              /* Translators: a scene left out of Generates; %d is how many failed in a row,
               * %s the media it still lacks, such as “Failing (3×): preview video” */
              text = g_strdup_printf (C_("generated media", "Failing (%d×): %s"), failed,
                                      missing);
            else
              /* Translators: %d is how many Generates in a row failed for the scene */
              text = g_strdup_printf (C_("generated media", "No (failed %d×)"), failed);

            /* Translators: %d is a number of Generates, %s the media, such as “cover” */
            description = g_strdup_printf (_("Failed Generates in a row: %d. Still lacks: %s"),
                                           failed, missing);
          }
        else
          text = g_strdup (C_("generated media", "No"));

        /* Read on demand: a tooltip set on every bind costs a round trip to the server. */
        g_object_set_data_full (G_OBJECT (label), "sh-failure", g_strdup (description), g_free);
        gtk_widget_set_has_tooltip (GTK_WIDGET (label), description != NULL);
        if (description != NULL)
          gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                          -1);
        else
          gtk_accessible_reset_property (GTK_ACCESSIBLE (label),
                                         GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

        if (loaded && !generated)
          gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
        else
          gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
        if (loaded && failed > 0 && (guint) failed >= failing_threshold (label))
          gtk_widget_add_css_class (GTK_WIDGET (label), "error");
        else
          gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      }
      break;

    case SH_SCENE_CELL_LAST_SYNCED:
      text = format_last_synced (sh_scene_item_get_last_synced (item));
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_label_set_label (label, text != NULL ? text : "");
}

static void
cell_item_notify_cb (GtkLabel    *label,
                     GParamSpec  *pspec,
                     ShSceneItem *item)
{
  update_cell (label, item);
}

/* The properties each kind of cell shows. The model reuses the items a view shows for
 * other scenes when its list is replaced, so even the id changes. */
static const char * const cell_notify_signals[][5] = {
  [SH_SCENE_CELL_ID] = { "notify::id", NULL },
  [SH_SCENE_CELL_TITLE] = { "notify::title", "notify::path", "notify::loaded", NULL },
  [SH_SCENE_CELL_PATH] = { "notify::path", NULL },
  [SH_SCENE_CELL_GENERATED] = { "notify::generated", "notify::loaded", "notify::failed-generates",
                        "notify::failure-reason", NULL },
  [SH_SCENE_CELL_LAST_SYNCED] = { "notify::last-synced", NULL },
};

/* The whole path, when it is ellipsized. Asked for when needed: setting a tooltip text on
 * every bind cost a round trip to the X server each. */
static gboolean
path_query_tooltip_cb (GtkLabel   *label,
                       int         x,
                       int         y,
                       gboolean    keyboard_mode,
                       GtkTooltip *tooltip)
{
  const char *path = gtk_label_get_label (label);

  /* Only when it does not show in full already. */
  if (path == NULL || *path == '\0' || !pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;

  gtk_tooltip_set_text (tooltip, path);
  return TRUE;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  ShSceneCell kind = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  g_object_set_qdata (G_OBJECT (label), cell_kind_quark, GINT_TO_POINTER (kind));
  gtk_label_set_xalign (GTK_LABEL (label), kind == SH_SCENE_CELL_ID ? 1.0 : 0.0);

  switch (kind)
    {
    case SH_SCENE_CELL_ID:
    case SH_SCENE_CELL_LAST_SYNCED:
      gtk_widget_add_css_class (label, "numeric");
      break;

    case SH_SCENE_CELL_TITLE:
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 12);
      break;

    case SH_SCENE_CELL_PATH:
      /* The file's name is the end of the path, and what tells scenes apart. */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
      gtk_label_set_width_chars (GTK_LABEL (label), 12);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (path_query_tooltip_cb), NULL);
      break;

    case SH_SCENE_CELL_GENERATED:
      g_signal_connect (label, "query-tooltip", G_CALLBACK (failure_query_tooltip_cb), NULL);
      break;

    default:
      break;
    }

  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  ShSceneItem *item = gtk_list_item_get_item (list_item);
  ShSceneCell kind = GPOINTER_TO_INT (user_data);

  update_cell (label, item);

  /* Rows are filled in place when the database answers. */
  for (guint i = 0; cell_notify_signals[kind][i] != NULL; i++)
    g_signal_connect_object (item, cell_notify_signals[kind][i],
                             G_CALLBACK (cell_item_notify_cb), label, G_CONNECT_SWAPPED);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  ShSceneItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, cell_item_notify_cb, label);
}

/**
 * sh_scene_cells_setup:
 * @column: a column of the Scenes page's view
 * @kind: what its cells show
 *
 * Gives @column a factory of plain labels showing @kind of each #ShSceneItem.
 */
void
sh_scene_cells_setup (GtkColumnViewColumn *column,
                      ShSceneCell          kind)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  if (cell_kind_quark == 0)
    cell_kind_quark = g_quark_from_static_string ("sh-scene-cell-kind");

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), GINT_TO_POINTER (kind));
  gtk_column_view_column_set_factory (column, factory);
}
