/* sh-thumbnail-loader.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sh-thumbnail-cache.h"

G_BEGIN_DECLS

#define SH_TYPE_THUMBNAIL_LOADER (sh_thumbnail_loader_get_type ())

G_DECLARE_FINAL_TYPE (ShThumbnailLoader, sh_thumbnail_loader, SH, THUMBNAIL_LOADER, GObject)

ShThumbnailLoader *sh_thumbnail_loader_new           (ShThumbnailCache    *cache);
ShThumbnailCache  *sh_thumbnail_loader_get_cache     (ShThumbnailLoader   *self);
ShStashClient     *sh_thumbnail_loader_get_client    (ShThumbnailLoader   *self);
void               sh_thumbnail_loader_set_client    (ShThumbnailLoader   *self,
                                                      ShStashClient       *client);
void               sh_thumbnail_loader_set_viewport  (ShThumbnailLoader   *self,
                                                      GtkScrolledWindow   *viewport);
gboolean           sh_thumbnail_loader_lookup        (ShThumbnailLoader   *self,
                                                      gint64               scene_id,
                                                      const char          *updated_at,
                                                      int                  height,
                                                      GdkTexture         **texture);
void               sh_thumbnail_loader_load_async    (ShThumbnailLoader   *self,
                                                      gint64               scene_id,
                                                      const char          *updated_at,
                                                      int                  height,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GdkTexture        *sh_thumbnail_loader_load_finish   (ShThumbnailLoader   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* For ShSceneThumbnail: thumbnails that wait to be seen. */
void               _sh_thumbnail_loader_watch        (ShThumbnailLoader   *self,
                                                      GtkWidget           *thumbnail);
void               _sh_thumbnail_loader_unwatch      (ShThumbnailLoader   *self,
                                                      GtkWidget           *thumbnail);

G_END_DECLS
