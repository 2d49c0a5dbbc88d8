/* sh-scene-thumbnail.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-scene-thumbnail.h"

/**
 * ShSceneThumbnail:
 *
 * A scene's cover at a fixed size, cropped to fill it, with rounded corners; a
 * placeholder icon while it loads and when the scene has no cover.
 *
 * Bound to an #ShSceneItem, it loads only when its #ShThumbnailLoader finds it in sight,
 * and gives up its request when it is scrolled away, unbound or bound to another scene:
 * a late answer never lands in a row that shows another scene. Its accessible name is
 * the scene's title.
 */

#define CORNER_RADIUS 4
#define ICON_SIZE     16

struct _ShSceneThumbnail
{
  GtkWidget          parent_instance;

  ShThumbnailLoader *loader;       /* (owned) (nullable) */
  ShSceneItem       *item;         /* (owned) (nullable) */
  GCancellable      *cancellable;  /* (owned) (nullable) the request in flight */
  GdkTexture        *texture;      /* (owned) (nullable) */
  int                width;
  int                height;
  guint              done : 1;     /* the cover, or the lack of one, is known */
  guint              watched : 1;
};

G_DEFINE_FINAL_TYPE (ShSceneThumbnail, sh_scene_thumbnail, GTK_TYPE_WIDGET)

static void
cancel_request (ShSceneThumbnail *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

/* Watched again even when it was: its row was read, so the loader must look again. */
static void
set_watched (ShSceneThumbnail *self,
             gboolean          watched)
{
  if ((!watched && !self->watched) || self->loader == NULL)
    return;

  self->watched = !!watched;
  if (watched)
    _sh_thumbnail_loader_watch (self->loader, GTK_WIDGET (self));
  else
    _sh_thumbnail_loader_unwatch (self->loader, GTK_WIDGET (self));
}

static int
device_height (ShSceneThumbnail *self)
{
  return self->height * gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

static void
update_label (ShSceneThumbnail *self)
{
  g_autofree char *title = self->item != NULL ? sh_scene_item_dup_display_title (self->item)
                                              : NULL;

  if (title != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/* The item stands for another scene, or its row was read: start again. */
static void
reset (ShSceneThumbnail *self)
{
  g_autoptr(GdkTexture) texture = NULL;

  cancel_request (self);
  g_clear_object (&self->texture);
  self->done = FALSE;

  if (self->item != NULL && self->loader != NULL && sh_scene_item_get_loaded (self->item))
    {
      if (sh_thumbnail_loader_lookup (self->loader, sh_scene_item_get_id (self->item),
                                      sh_scene_item_get_updated_at (self->item),
                                      device_height (self), &texture))
        {
          self->texture = g_steal_pointer (&texture);
          self->done = TRUE;
        }
    }

  set_watched (self, self->item != NULL && !self->done);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
item_changed_cb (ShSceneThumbnail *self)
{
  reset (self);
  update_label (self);
}

static void
title_changed_cb (ShSceneThumbnail *self)
{
  update_label (self);
}

typedef struct
{
  ShSceneThumbnail *self;         /* (owned) */
  GCancellable     *cancellable;  /* (owned) the request's, to tell it is still wanted */
} LoadData;

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LoadData *data = user_data;
  ShSceneThumbnail *self = data->self;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = sh_thumbnail_loader_load_finish (SH_THUMBNAIL_LOADER (object), result, &error);

  /* Only the answer to the request the thumbnail still waits for. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      self->cancellable == data->cancellable)
    {
      if (error != NULL)
        g_debug ("No cover for scene %" G_GINT64_FORMAT ": %s",
                 sh_scene_item_get_id (self->item), error->message);

      g_clear_object (&self->cancellable);
      g_set_object (&self->texture, texture);
      self->done = TRUE;
      set_watched (self, FALSE);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }

  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data);
}

void
_sh_scene_thumbnail_set_seen (ShSceneThumbnail *self,
                              gboolean          seen)
{
  LoadData *data;

  g_assert (SH_IS_SCENE_THUMBNAIL (self));

  if (!seen)
    {
      /* Scrolled away before its cover came: not worth the bandwidth any more. */
      cancel_request (self);
      return;
    }

  if (self->done || self->cancellable != NULL || self->item == NULL ||
      !sh_scene_item_get_loaded (self->item) ||
      sh_thumbnail_loader_get_client (self->loader) == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cancellable);
  sh_thumbnail_loader_load_async (self->loader, sh_scene_item_get_id (self->item),
                                  sh_scene_item_get_updated_at (self->item),
                                  device_height (self), self->cancellable, load_cb, data);
}

/**
 * sh_scene_thumbnail_bind:
 * @self: a #ShSceneThumbnail
 * @loader: where covers come from
 * @item: the scene to show
 *
 * Shows @item's cover, loaded when the thumbnail comes in sight.
 */
void
sh_scene_thumbnail_bind (ShSceneThumbnail  *self,
                         ShThumbnailLoader *loader,
                         ShSceneItem       *item)
{
  static const char * const signals[] = {
    "notify::id", "notify::loaded", "notify::updated-at",
  };

  g_return_if_fail (SH_IS_SCENE_THUMBNAIL (self));
  g_return_if_fail (SH_IS_THUMBNAIL_LOADER (loader));
  g_return_if_fail (SH_IS_SCENE_ITEM (item));

  sh_scene_thumbnail_unbind (self);

  self->loader = g_object_ref (loader);
  self->item = g_object_ref (item);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_signal_connect_object (item, signals[i], G_CALLBACK (item_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::title", G_CALLBACK (title_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::path", G_CALLBACK (title_changed_cb), self,
                           G_CONNECT_SWAPPED);

  reset (self);
  update_label (self);
}

/**
 * sh_scene_thumbnail_unbind:
 * @self: a #ShSceneThumbnail
 *
 * Forgets the scene, giving up its request.
 */
void
sh_scene_thumbnail_unbind (ShSceneThumbnail *self)
{
  g_return_if_fail (SH_IS_SCENE_THUMBNAIL (self));

  cancel_request (self);
  set_watched (self, FALSE);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  g_clear_object (&self->loader);
  g_clear_object (&self->texture);
  self->done = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sh_scene_thumbnail_get_item:
 * @self: a #ShSceneThumbnail
 *
 * Returns: (transfer none) (nullable): the scene shown
 */
ShSceneItem *
sh_scene_thumbnail_get_item (ShSceneThumbnail *self)
{
  g_return_val_if_fail (SH_IS_SCENE_THUMBNAIL (self), NULL);

  return self->item;
}

/**
 * sh_scene_thumbnail_get_texture:
 * @self: a #ShSceneThumbnail
 *
 * Returns: (transfer none) (nullable): the cover shown, %NULL while the placeholder is
 */
GdkTexture *
sh_scene_thumbnail_get_texture (ShSceneThumbnail *self)
{
  g_return_val_if_fail (SH_IS_SCENE_THUMBNAIL (self), NULL);

  return self->texture;
}

/**
 * sh_scene_thumbnail_get_loading:
 * @self: a #ShSceneThumbnail
 *
 * Returns: whether a request for the cover is under way
 */
gboolean
sh_scene_thumbnail_get_loading (ShSceneThumbnail *self)
{
  g_return_val_if_fail (SH_IS_SCENE_THUMBNAIL (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * sh_scene_thumbnail_get_done:
 * @self: a #ShSceneThumbnail
 *
 * Returns: whether the cover (or that there is none) is known
 */
gboolean
sh_scene_thumbnail_get_done (ShSceneThumbnail *self)
{
  g_return_val_if_fail (SH_IS_SCENE_THUMBNAIL (self), FALSE);

  return self->done;
}

/* Widget -------------------------------------------------------------------------------- */

static void
get_color (GtkWidget *widget,
           GdkRGBA   *color)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}

static void
snapshot_placeholder (ShSceneThumbnail *self,
                      GtkSnapshot      *snapshot,
                      int               width,
                      int               height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));
  g_autoptr(GtkIconPaintable) icon = NULL;
  GdkRGBA color;
  GdkRGBA background;

  get_color (widget, &color);
  background = color;
  background.alpha *= 0.08;
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));

  icon = gtk_icon_theme_lookup_icon (theme, "image-x-generic-symbolic", NULL, ICON_SIZE,
                                     gtk_widget_get_scale_factor (widget),
                                     gtk_widget_get_direction (widget), 0);
  color.alpha *= 0.4;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT ((width - ICON_SIZE) / 2.0,
                                                (height - ICON_SIZE) / 2.0));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot, ICON_SIZE,
                                            ICON_SIZE, &color, 1);
  gtk_snapshot_restore (snapshot);
}

static void
sh_scene_thumbnail_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ShSceneThumbnail *self = SH_SCENE_THUMBNAIL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRoundedRect clip;

  gsk_rounded_rect_init_from_rect (&clip, &GRAPHENE_RECT_INIT (0, 0, width, height),
                                   CORNER_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);

  if (self->texture != NULL)
    {
      double texture_width = gdk_texture_get_width (self->texture);
      double texture_height = gdk_texture_get_height (self->texture);
      /* Cropped to fill, as covers are shown in Stash's own grid. */
      double scale = MAX (width / texture_width, height / texture_height);
      double shown_width = texture_width * scale;
      double shown_height = texture_height * scale;

      gtk_snapshot_append_texture (snapshot, self->texture,
                                   &GRAPHENE_RECT_INIT ((width - shown_width) / 2,
                                                        (height - shown_height) / 2,
                                                        shown_width, shown_height));
    }
  else
    snapshot_placeholder (self, snapshot, width, height);

  gtk_snapshot_pop (snapshot);
}

static void
sh_scene_thumbnail_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ShSceneThumbnail *self = SH_SCENE_THUMBNAIL (widget);

  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->width : self->height;
}

static void
sh_scene_thumbnail_map (GtkWidget *widget)
{
  ShSceneThumbnail *self = SH_SCENE_THUMBNAIL (widget);

  GTK_WIDGET_CLASS (sh_scene_thumbnail_parent_class)->map (widget);

  /* Look again once it shows: the loader's check skips unmapped widgets. */
  if (self->watched)
    _sh_thumbnail_loader_watch (self->loader, widget);
}

static void
sh_scene_thumbnail_dispose (GObject *object)
{
  sh_scene_thumbnail_unbind (SH_SCENE_THUMBNAIL (object));

  G_OBJECT_CLASS (sh_scene_thumbnail_parent_class)->dispose (object);
}

static void
sh_scene_thumbnail_class_init (ShSceneThumbnailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_scene_thumbnail_dispose;
  widget_class->snapshot = sh_scene_thumbnail_snapshot;
  widget_class->measure = sh_scene_thumbnail_measure;
  widget_class->map = sh_scene_thumbnail_map;

  gtk_widget_class_set_css_name (widget_class, "scene-thumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sh_scene_thumbnail_init (ShSceneThumbnail *self)
{
  self->width = 64;
  self->height = 36;
}

/**
 * sh_scene_thumbnail_new:
 * @width: the width shown, in pixels
 * @height: the height shown, in pixels
 *
 * Returns: (transfer full): a new #ShSceneThumbnail
 */
GtkWidget *
sh_scene_thumbnail_new (int width,
                        int height)
{
  ShSceneThumbnail *self;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_object_new (SH_TYPE_SCENE_THUMBNAIL, NULL);
  self->width = width;
  self->height = height;

  return GTK_WIDGET (self);
}
