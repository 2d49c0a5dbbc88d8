/* sh-thumbnail-loader.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-scene-thumbnail.h"
#include "sh-thumbnail-loader.h"

/**
 * ShThumbnailLoader:
 *
 * Scene covers as textures for the Scenes page: fetched through an #ShThumbnailCache
 * (disk, then Stash), decoded at the size shown on a worker thread, and the most recent
 * textures kept in memory.
 *
 * A list view binds many more rows than it shows. Thumbnails therefore do not load when
 * bound: they ask to be watched, and after each painted frame in which something moved,
 * those inside the scrolled window's visible area start loading and those outside it
 * stop (their request is cancelled).
 */

/* About a few screens of rows, at 64×36 (twice that on a 2× display): a few MB. */
#define MAX_TEXTURES 400

struct _ShThumbnailLoader
{
  GObject            parent_instance;

  ShThumbnailCache  *cache;        /* (owned) */
  ShStashClient     *client;       /* (owned) (nullable) */
  GtkScrolledWindow *viewport;     /* (unowned) (nullable) */
  GdkFrameClock     *frame_clock;  /* (owned) (nullable) the viewport's, while realized */
  gulong             after_paint_id;
  GHashTable        *watched;      /* (owned) ShSceneThumbnail set (unowned) */
  gboolean           dirty;        /* something moved: look again after the next frame */

  GHashTable        *textures;     /* (owned) key → GList link of @recent */
  GQueue             recent;       /* (owned) Entry, the most recently used first */
};

G_DEFINE_FINAL_TYPE (ShThumbnailLoader, sh_thumbnail_loader, G_TYPE_OBJECT)

typedef struct
{
  char       *key;      /* (owned) */
  GdkTexture *texture;  /* (owned) (nullable) NULL: the scene has no cover */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->key);
  g_clear_object (&entry->texture);
  g_free (entry);
}

static char *
texture_key (gint64      scene_id,
             const char *updated_at,
             int         height)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "\n%s\n%d", scene_id,
                          updated_at != NULL ? updated_at : "", height);
}

static void
forget_textures (ShThumbnailLoader *self)
{
  g_hash_table_remove_all (self->textures);
  g_queue_clear_full (&self->recent, (GDestroyNotify) entry_free);
}

static void
remember (ShThumbnailLoader *self,
          const char        *key,
          GdkTexture        *texture)
{
  Entry *entry;

  if (g_hash_table_contains (self->textures, key))
    return;

  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->texture = texture != NULL ? g_object_ref (texture) : NULL;
  g_queue_push_head (&self->recent, entry);
  g_hash_table_insert (self->textures, entry->key, self->recent.head);

  while (self->recent.length > MAX_TEXTURES)
    {
      Entry *oldest = g_queue_pop_tail (&self->recent);

      g_hash_table_remove (self->textures, oldest->key);
      entry_free (oldest);
    }
}

/* Watching ------------------------------------------------------------------------------ */

static gboolean
is_visible (ShThumbnailLoader *self,
            GtkWidget         *thumbnail)
{
  GtkWidget *viewport = GTK_WIDGET (self->viewport);
  graphene_rect_t bounds;
  graphene_rect_t area;

  if (!gtk_widget_get_mapped (thumbnail))
    return FALSE;
  /* Not in a list: the side panel's cover, always wanted. */
  if (viewport == NULL || !gtk_widget_is_ancestor (thumbnail, viewport))
    return TRUE;
  if (!gtk_widget_compute_bounds (thumbnail, viewport, &bounds))
    return FALSE;

  graphene_rect_init (&area, 0, 0, gtk_widget_get_width (viewport),
                      gtk_widget_get_height (viewport));
  return graphene_rect_intersection (&bounds, &area, NULL);
}

static void
look (ShThumbnailLoader *self)
{
  g_autoptr(GPtrArray) thumbnails = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;

  self->dirty = FALSE;
  /* A copy: a thumbnail may be unwatched while it is told. */
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (thumbnails, g_object_ref (key));

  for (guint i = 0; i < thumbnails->len; i++)
    {
      GtkWidget *thumbnail = thumbnails->pdata[i];

      if (g_hash_table_contains (self->watched, thumbnail))
        _sh_scene_thumbnail_set_seen (SH_SCENE_THUMBNAIL (thumbnail),
                                      is_visible (self, thumbnail));
    }
}

static void
after_paint_cb (GdkFrameClock     *frame_clock,
                ShThumbnailLoader *self)
{
  if (self->dirty)
    look (self);
}

static void
mark_dirty (ShThumbnailLoader *self)
{
  self->dirty = TRUE;
  if (self->frame_clock != NULL)
    gdk_frame_clock_request_phase (self->frame_clock, GDK_FRAME_CLOCK_PHASE_PAINT);
  else
    /* No list to wait for: the panel's cover loads as soon as it is mapped. */
    look (self);
}

static void
disconnect_frame_clock (ShThumbnailLoader *self)
{
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_object (&self->frame_clock);
}

static void
viewport_realize_cb (GtkWidget         *viewport,
                     ShThumbnailLoader *self)
{
  disconnect_frame_clock (self);
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (viewport));
  self->after_paint_id = g_signal_connect (self->frame_clock, "after-paint",
                                           G_CALLBACK (after_paint_cb), self);
  mark_dirty (self);
}

static void
viewport_unrealize_cb (GtkWidget         *viewport,
                       ShThumbnailLoader *self)
{
  disconnect_frame_clock (self);
}

static void
viewport_moved_cb (ShThumbnailLoader *self)
{
  mark_dirty (self);
}

/**
 * sh_thumbnail_loader_set_viewport:
 * @self: a #ShThumbnailLoader
 * @viewport: (nullable): the scrolled window of the list whose thumbnails load when seen
 *
 * Sets the list whose visible area decides which thumbnails load.
 */
void
sh_thumbnail_loader_set_viewport (ShThumbnailLoader *self,
                                  GtkScrolledWindow *viewport)
{
  g_return_if_fail (SH_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (viewport == NULL || GTK_IS_SCROLLED_WINDOW (viewport));

  if (self->viewport == viewport)
    return;

  if (self->viewport != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->viewport, self);
      g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_vadjustment (self->viewport),
                                            self);
      g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_hadjustment (self->viewport),
                                            self);
      g_object_remove_weak_pointer (G_OBJECT (self->viewport), (gpointer *) &self->viewport);
      disconnect_frame_clock (self);
    }

  self->viewport = viewport;

  if (viewport != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (viewport), (gpointer *) &self->viewport);
      g_signal_connect (viewport, "realize", G_CALLBACK (viewport_realize_cb), self);
      g_signal_connect (viewport, "unrealize", G_CALLBACK (viewport_unrealize_cb), self);
      /* Scrolling, and the list's length or the window's size changing. */
      g_signal_connect_swapped (gtk_scrolled_window_get_vadjustment (viewport), "value-changed",
                                G_CALLBACK (viewport_moved_cb), self);
      g_signal_connect_swapped (gtk_scrolled_window_get_vadjustment (viewport), "changed",
                                G_CALLBACK (viewport_moved_cb), self);
      g_signal_connect_swapped (gtk_scrolled_window_get_hadjustment (viewport), "value-changed",
                                G_CALLBACK (viewport_moved_cb), self);
      if (gtk_widget_get_realized (GTK_WIDGET (viewport)))
        viewport_realize_cb (GTK_WIDGET (viewport), self);
    }
}

void
_sh_thumbnail_loader_watch (ShThumbnailLoader *self,
                            GtkWidget         *thumbnail)
{
  g_assert (SH_IS_THUMBNAIL_LOADER (self));

  g_hash_table_add (self->watched, thumbnail);
  mark_dirty (self);
}

void
_sh_thumbnail_loader_unwatch (ShThumbnailLoader *self,
                              GtkWidget         *thumbnail)
{
  g_assert (SH_IS_THUMBNAIL_LOADER (self));

  g_hash_table_remove (self->watched, thumbnail);
}

/* Object -------------------------------------------------------------------------------- */

static void
sh_thumbnail_loader_dispose (GObject *object)
{
  ShThumbnailLoader *self = (ShThumbnailLoader *)object;

  sh_thumbnail_loader_set_viewport (self, NULL);
  g_hash_table_remove_all (self->watched);
  forget_textures (self);

  G_OBJECT_CLASS (sh_thumbnail_loader_parent_class)->dispose (object);
}

static void
sh_thumbnail_loader_finalize (GObject *object)
{
  ShThumbnailLoader *self = (ShThumbnailLoader *)object;

  g_clear_object (&self->cache);
  g_clear_object (&self->client);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->textures, g_hash_table_unref);

  G_OBJECT_CLASS (sh_thumbnail_loader_parent_class)->finalize (object);
}

static void
sh_thumbnail_loader_class_init (ShThumbnailLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_thumbnail_loader_dispose;
  object_class->finalize = sh_thumbnail_loader_finalize;
}

static void
sh_thumbnail_loader_init (ShThumbnailLoader *self)
{
  self->watched = g_hash_table_new (NULL, NULL);
  self->textures = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->recent);
}

/**
 * sh_thumbnail_loader_new:
 * @cache: where covers are kept on disk
 *
 * Returns: (transfer full): a new #ShThumbnailLoader
 */
ShThumbnailLoader *
sh_thumbnail_loader_new (ShThumbnailCache *cache)
{
  ShThumbnailLoader *self;

  g_return_val_if_fail (SH_IS_THUMBNAIL_CACHE (cache), NULL);

  self = g_object_new (SH_TYPE_THUMBNAIL_LOADER, NULL);
  self->cache = g_object_ref (cache);

  return self;
}

/**
 * sh_thumbnail_loader_get_cache:
 * @self: a #ShThumbnailLoader
 *
 * Returns: (transfer none): the disk cache
 */
ShThumbnailCache *
sh_thumbnail_loader_get_cache (ShThumbnailLoader *self)
{
  g_return_val_if_fail (SH_IS_THUMBNAIL_LOADER (self), NULL);

  return self->cache;
}

/**
 * sh_thumbnail_loader_get_client:
 * @self: a #ShThumbnailLoader
 *
 * Returns: (transfer none) (nullable): the client covers come from
 */
ShStashClient *
sh_thumbnail_loader_get_client (ShThumbnailLoader *self)
{
  g_return_val_if_fail (SH_IS_THUMBNAIL_LOADER (self), NULL);

  return self->client;
}

/**
 * sh_thumbnail_loader_set_client:
 * @self: a #ShThumbnailLoader
 * @client: (nullable): the client of the server whose covers to show
 *
 * Sets the server the covers come from; without one, no cover loads.
 */
void
sh_thumbnail_loader_set_client (ShThumbnailLoader *self,
                                ShStashClient     *client)
{
  g_return_if_fail (SH_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (client == NULL || SH_IS_STASH_CLIENT (client));

  if (g_set_object (&self->client, client))
    forget_textures (self);
}

/**
 * sh_thumbnail_loader_lookup:
 * @self: a #ShThumbnailLoader
 * @scene_id: Stash's scene id
 * @updated_at: (nullable): the scene's `updated_at`
 * @height: the height in device pixels
 * @texture: (out) (transfer full) (nullable): the cover, or %NULL when the scene has none
 *
 * Looks for a cover among those in memory.
 *
 * Returns: whether it was there
 */
gboolean
sh_thumbnail_loader_lookup (ShThumbnailLoader  *self,
                            gint64              scene_id,
                            const char         *updated_at,
                            int                 height,
                            GdkTexture        **texture)
{
  g_autofree char *key = NULL;
  GList *link;
  Entry *entry;

  g_return_val_if_fail (SH_IS_THUMBNAIL_LOADER (self), FALSE);
  g_return_val_if_fail (texture != NULL, FALSE);

  key = texture_key (scene_id, updated_at, height);
  link = g_hash_table_lookup (self->textures, key);
  if (link == NULL)
    return FALSE;

  g_queue_unlink (&self->recent, link);
  g_queue_push_head_link (&self->recent, link);
  entry = link->data;
  *texture = entry->texture != NULL ? g_object_ref (entry->texture) : NULL;

  return TRUE;
}

/* Loading ------------------------------------------------------------------------------- */

typedef struct
{
  char   *key;     /* (owned) */
  GBytes *bytes;   /* (owned) (nullable) */
  int     height;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->key);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (data->bytes);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  /* Decoded straight to the size shown: a full-size cover is never held. */
  pixbuf = gdk_pixbuf_new_from_stream_at_scale (stream, -1, data->height, TRUE, cancellable,
                                                &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, gdk_texture_new_for_pixbuf (pixbuf), g_object_unref);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShThumbnailLoader *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->bytes = sh_thumbnail_cache_fetch_finish (SH_THUMBNAIL_CACHE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->bytes == NULL)
    {
      remember (self, data->key, NULL);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_task_run_in_thread (task, decode_thread);
}

/**
 * sh_thumbnail_loader_load_async:
 * @self: a #ShThumbnailLoader
 * @scene_id: Stash's scene id
 * @updated_at: (nullable): the scene's `updated_at`
 * @height: the height to decode to, in device pixels
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the texture
 * @user_data: data for @callback
 *
 * Loads a scene's cover at @height; it is kept in memory for sh_thumbnail_loader_lookup().
 */
void
sh_thumbnail_loader_load_async (ShThumbnailLoader   *self,
                                gint64               scene_id,
                                const char          *updated_at,
                                int                  height,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (SH_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (height > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_thumbnail_loader_load_async);
  data = g_new0 (LoadData, 1);
  data->key = texture_key (scene_id, updated_at, height);
  data->height = height;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "No server to load covers from");
      return;
    }

  sh_thumbnail_cache_fetch_async (self->cache, self->client, scene_id, updated_at, cancellable,
                                  fetch_cb, g_steal_pointer (&task));
}

/**
 * sh_thumbnail_loader_load_finish:
 * @self: a #ShThumbnailLoader
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the cover; %NULL without @error when the scene has
 *   none
 */
GdkTexture *
sh_thumbnail_loader_load_finish (ShThumbnailLoader  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  GdkTexture *texture;
  LoadData *data;

  g_return_val_if_fail (SH_IS_THUMBNAIL_LOADER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  texture = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (texture != NULL)
    remember (self, data->key, texture);

  return texture;
}
