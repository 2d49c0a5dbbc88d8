/* sh-scene-panel.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sh-media-checker.h"
#include "sh-scene-panel.h"
#include "sh-scene-thumbnail.h"
#include "sh-ui-util.h"

/**
 * ShScenePanel:
 *
 * One scene, beside the Scenes list (or over it, as a page of its own, when the window is
 * narrow): its cover, title and file, per kind of media what the last Check found, why
 * its Generates failed if they did, and a button that opens it in Stash's web interface.
 */

/* 16:9, and with the margins narrower than the narrowest window (360 px). */
#define COVER_WIDTH  288
#define COVER_HEIGHT 162

typedef struct
{
  const char  *title;
  ShMediaKind  kinds;
} KindRow;

/* The kinds as Stash's Generate dialog groups them; the sprite needs its index. */
static const KindRow kind_rows[] = {
  { N_("Cover"), SH_MEDIA_COVER },
  { N_("Scrubber sprite"), SH_MEDIA_SPRITE | SH_MEDIA_VTT },
  { N_("Preview video"), SH_MEDIA_PREVIEW },
  { N_("Animated preview"), SH_MEDIA_WEBP },
  { N_("Perceptual hash"), SH_MEDIA_PHASH },
  { N_("Interactive heatmap"), SH_MEDIA_HEATMAP },
  { N_("Markers"), SH_MEDIA_MARKER_VIDEO | SH_MEDIA_MARKER_SCREENSHOT | SH_MEDIA_MARKER_WEBP },
};

struct _ShScenePanel
{
  GtkWidget           parent_instance;

  ShSession          *session;       /* (owned) (nullable) */
  ShSceneItem        *item;          /* (owned) (nullable) */
  ShThumbnailLoader  *thumbnails;    /* (owned) (nullable) */
  ShSceneMedia       *media;         /* (owned) (nullable) for @item, once read */
  GCancellable       *cancellable;   /* (owned) (nullable) the read under way */
  guint               reload_source;

  GtkWidget          *cover;
  GtkWidget          *status_labels[G_N_ELEMENTS (kind_rows)];
  GtkWidget          *status_icons[G_N_ELEMENTS (kind_rows)];

  /* Template widgets */
  GtkWidget          *back_bar;
  GtkBox             *cover_box;
  GtkLabel           *title_label;
  GtkLabel           *path_label;
  AdwPreferencesGroup *failure_group;
  AdwActionRow       *failure_row;
  GtkImage           *failure_icon;
  AdwPreferencesGroup *media_group;
  GtkButton          *open_button;
};

G_DEFINE_FINAL_TYPE (ShScenePanel, sh_scene_panel, GTK_TYPE_WIDGET)

/* Showing -------------------------------------------------------------------------------- */

static void
set_status (ShScenePanel *self,
            guint         i,
            const char   *text,
            const char   *icon_name,
            const char   *css_class)
{
  static const char * const classes[] = { "success", "error", "dim-label" };
  GtkWidget *label = self->status_labels[i];
  GtkWidget *icon = self->status_icons[i];

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_visible (icon, icon_name != NULL);
  if (icon_name != NULL)
    gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_name);

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      if (g_strcmp0 (classes[c], css_class) == 0)
        {
          gtk_widget_add_css_class (label, classes[c]);
          gtk_widget_add_css_class (icon, classes[c]);
        }
      else
        {
          gtk_widget_remove_css_class (label, classes[c]);
          gtk_widget_remove_css_class (icon, classes[c]);
        }
    }
}

static void
show_media (ShScenePanel *self)
{
  const ShSceneMedia *media = self->media;
  g_autofree char *description = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kind_rows); i++)
    {
      guint kinds = kind_rows[i].kinds;

      if (media == NULL || (media->checked_kinds & kinds) == 0)
        /* Translators: a kind of media the last Check did not look for */
        set_status (self, i, C_("media status", "Not checked"), NULL, "dim-label");
      else if ((media->missing_kinds & kinds) != 0)
        set_status (self, i, C_("media status", "Missing"), "dialog-warning-symbolic", "error");
      else
        set_status (self, i, C_("media status", "Present"), "object-select-symbolic", "success");
    }

  if (media != NULL && media->checked_at > 0)
    {
      g_autofree char *when = sh_format_time (media->checked_at * G_USEC_PER_SEC);

      /* Translators: %s is when, such as “Today at 13:50” */
      description = g_strdup_printf (_("Checked %s"), when);
    }
  else if (media != NULL)
    description = g_strdup (_("No Check has looked at this scene yet. Check finds which "
                              "media it has."));
  adw_preferences_group_set_description (self->media_group, description);
}

static void
show_failure (ShScenePanel *self)
{
  const ShSceneMedia *media = self->media;
  g_autofree char *missing = NULL;
  g_autofree char *subtitle = NULL;
  guint threshold = SH_DEFAULT_FAILING_THRESHOLD;
  ShDatabase *db;

  if (media == NULL || media->failed_generates <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->failure_group), FALSE);
      return;
    }

  if (self->session != NULL && (db = sh_session_get_database (self->session)) != NULL)
    threshold = sh_database_get_failing_threshold (db);

  missing = sh_media_kind_dup_labels (media->failure_reason != NULL ? media->failure_reason : "");
  if ((guint) media->failed_generates >= threshold)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->failure_row),
                                     _("Failing: Left Out of Generates for the Library"));
      gtk_widget_add_css_class (GTK_WIDGET (self->failure_icon), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->failure_icon), "warning");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->failure_row),
                                     _("The Last Generate Failed"));
      gtk_widget_add_css_class (GTK_WIDGET (self->failure_icon), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->failure_icon), "error");
    }

  /* Translators: %d is a number of Generates, %s the media, such as “preview video” */
  subtitle = g_strdup_printf (ngettext ("Failed %d time in a row. Still lacks: %s",
                                        "Failed %d times in a row. Still lacks: %s",
                                        media->failed_generates),
                              media->failed_generates, missing);
  adw_action_row_set_subtitle (self->failure_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->failure_group), TRUE);
}

static void
show_item (ShScenePanel *self)
{
  g_autofree char *title = self->item != NULL ? sh_scene_item_dup_display_title (self->item)
                                              : NULL;
  const char *path = self->item != NULL ? sh_scene_item_get_path (self->item) : NULL;

  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  gtk_label_set_label (self->path_label, path != NULL ? path : "");
  gtk_widget_set_visible (GTK_WIDGET (self->path_label), path != NULL && *path != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "panel.open-in-stash",
                                 self->item != NULL && self->session != NULL &&
                                 sh_session_get_client (self->session) != NULL);
}

/* Reading -------------------------------------------------------------------------------- */

static void
get_media_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ShScenePanel) self = user_data;
  g_autoptr(ShSceneMedia) media = NULL;
  g_autoptr(GError) error = NULL;

  media = sh_scene_store_get_media_finish (SH_SCENE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_warning ("Could not read the media of a scene: %s", error->message);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->media, sh_scene_media_free);
  self->media = g_steal_pointer (&media);
  show_media (self);
  show_failure (self);
}

static gboolean
reload_cb (gpointer user_data)
{
  ShScenePanel *self = user_data;
  ShSceneStore *store;

  self->reload_source = 0;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  show_item (self);

  store = self->session != NULL ? sh_session_get_scene_store (self->session) : NULL;
  if (self->item == NULL || store == NULL || !sh_scene_item_get_loaded (self->item))
    return G_SOURCE_REMOVE;

  self->cancellable = g_cancellable_new ();
  sh_scene_store_get_media_async (store, sh_session_get_server_id (self->session),
                                  sh_scene_item_get_id (self->item), self->cancellable,
                                  get_media_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

/* The item changed, or stands for another scene: read again, once for a burst. */
static void
queue_reload (ShScenePanel *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (reload_cb, self);
}

static void
open_in_stash (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShScenePanel *self = SH_SCENE_PANEL (widget);
  g_autofree char *uri = sh_scene_panel_dup_stash_uri (self);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (uri == NULL)
    return;

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);

    gtk_uri_launcher_launch (launcher, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL,
                             NULL, NULL);
  }
#else
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
#endif
}

/* Object --------------------------------------------------------------------------------- */

static void
sh_scene_panel_dispose (GObject *object)
{
  ShScenePanel *self = (ShScenePanel *)object;
  GtkWidget *child;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  g_clear_object (&self->session);
  g_clear_object (&self->thumbnails);
  g_clear_pointer (&self->media, sh_scene_media_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_SCENE_PANEL);
  /* The template's root is not one of its bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sh_scene_panel_parent_class)->dispose (object);
}

static void
sh_scene_panel_class_init (ShScenePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_scene_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sh-scene-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, back_bar);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, cover_box);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, path_label);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, failure_group);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, failure_row);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, failure_icon);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, media_group);
  gtk_widget_class_bind_template_child (widget_class, ShScenePanel, open_button);

  gtk_widget_class_install_action (widget_class, "panel.open-in-stash", NULL, open_in_stash);
  gtk_widget_class_set_css_name (widget_class, "scene-panel");
}

static void
sh_scene_panel_init (ShScenePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cover = sh_scene_thumbnail_new (COVER_WIDTH, COVER_HEIGHT);
  gtk_box_append (self->cover_box, self->cover);

  for (guint i = 0; i < G_N_ELEMENTS (kind_rows); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(kind_rows[i].title));
      self->status_icons[i] = gtk_image_new ();
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_icons[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      gtk_widget_set_visible (self->status_icons[i], FALSE);
      self->status_labels[i] = gtk_label_new (NULL);
      gtk_box_append (GTK_BOX (box), self->status_icons[i]);
      gtk_box_append (GTK_BOX (box), self->status_labels[i]);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
      adw_preferences_group_add (self->media_group, row);
    }

  show_item (self);
  show_media (self);
}

/**
 * sh_scene_panel_new:
 *
 * Returns: (transfer full): a new, empty #ShScenePanel
 */
GtkWidget *
sh_scene_panel_new (void)
{
  return g_object_new (SH_TYPE_SCENE_PANEL, NULL);
}

/**
 * sh_scene_panel_set_session:
 * @self: a #ShScenePanel
 * @session: (nullable): the session the scenes come from
 *
 * Sets where the panel reads what the last Check found, and which Stash it opens.
 */
void
sh_scene_panel_set_session (ShScenePanel *self,
                            ShSession    *session)
{
  g_return_if_fail (SH_IS_SCENE_PANEL (self));
  g_return_if_fail (session == NULL || SH_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    sh_scene_panel_set_item (self, NULL);
}

/**
 * sh_scene_panel_set_thumbnails:
 * @self: a #ShScenePanel
 * @loader: where the cover comes from
 *
 * Sets where the cover comes from; shared with the list, which has it in memory already
 * at another size, and on disk.
 */
void
sh_scene_panel_set_thumbnails (ShScenePanel      *self,
                               ShThumbnailLoader *loader)
{
  g_return_if_fail (SH_IS_SCENE_PANEL (self));
  g_return_if_fail (SH_IS_THUMBNAIL_LOADER (loader));

  g_set_object (&self->thumbnails, loader);
  if (self->item != NULL)
    sh_scene_thumbnail_bind (SH_SCENE_THUMBNAIL (self->cover), loader, self->item);
}

/**
 * sh_scene_panel_get_item:
 * @self: a #ShScenePanel
 *
 * Returns: (transfer none) (nullable): the scene shown
 */
ShSceneItem *
sh_scene_panel_get_item (ShScenePanel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_PANEL (self), NULL);

  return self->item;
}

/**
 * sh_scene_panel_set_item:
 * @self: a #ShScenePanel
 * @item: (nullable): the scene to show
 *
 * Shows @item. The panel follows it when its row is read again or stands for another
 * scene.
 */
void
sh_scene_panel_set_item (ShScenePanel *self,
                         ShSceneItem  *item)
{
  static const char * const signals[] = {
    "notify::id", "notify::loaded", "notify::title", "notify::path", "notify::generated",
    "notify::failed-generates", "notify::failure-reason", "notify::updated-at",
  };
  g_return_if_fail (SH_IS_SCENE_PANEL (self));
  g_return_if_fail (item == NULL || SH_IS_SCENE_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->item, item);
  g_clear_pointer (&self->media, sh_scene_media_free);

  if (item != NULL && self->thumbnails != NULL)
    sh_scene_thumbnail_bind (SH_SCENE_THUMBNAIL (self->cover), self->thumbnails, item);
  else
    sh_scene_thumbnail_unbind (SH_SCENE_THUMBNAIL (self->cover));

  if (item != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
      g_signal_connect_object (item, signals[i], G_CALLBACK (queue_reload), self,
                               G_CONNECT_SWAPPED);

  show_media (self);
  show_failure (self);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  reload_cb (self);
}

/**
 * sh_scene_panel_set_folded:
 * @self: a #ShScenePanel
 * @folded: whether the panel covers the list, as a page of its own
 *
 * Shows the way back to the list when the panel covers it.
 */
void
sh_scene_panel_set_folded (ShScenePanel *self,
                           gboolean      folded)
{
  g_return_if_fail (SH_IS_SCENE_PANEL (self));

  gtk_widget_set_visible (self->back_bar, folded);
}

/**
 * sh_scene_panel_get_media:
 * @self: a #ShScenePanel
 *
 * Returns: (nullable): what the mirror knows of the scene's media, once read
 */
const ShSceneMedia *
sh_scene_panel_get_media (ShScenePanel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_PANEL (self), NULL);

  return self->media;
}

/**
 * sh_scene_panel_dup_stash_uri:
 * @self: a #ShScenePanel
 *
 * Returns: (transfer full) (nullable): the scene's page in Stash's web interface
 */
char *
sh_scene_panel_dup_stash_uri (ShScenePanel *self)
{
  ShStashClient *client;

  g_return_val_if_fail (SH_IS_SCENE_PANEL (self), NULL);

  if (self->item == NULL || self->session == NULL ||
      (client = sh_session_get_client (self->session)) == NULL)
    return NULL;

  return g_strdup_printf ("%s/scenes/%" G_GINT64_FORMAT, sh_stash_client_get_base_url (client),
                          sh_scene_item_get_id (self->item));
}
