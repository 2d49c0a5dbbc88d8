/* sh-scene-thumbnail.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sh-scene-item.h"
#include "sh-thumbnail-loader.h"

G_BEGIN_DECLS

#define SH_TYPE_SCENE_THUMBNAIL (sh_scene_thumbnail_get_type ())

G_DECLARE_FINAL_TYPE (ShSceneThumbnail, sh_scene_thumbnail, SH, SCENE_THUMBNAIL, GtkWidget)

GtkWidget   *sh_scene_thumbnail_new          (int                width,
                                              int                height);
void         sh_scene_thumbnail_bind         (ShSceneThumbnail  *self,
                                              ShThumbnailLoader *loader,
                                              ShSceneItem       *item);
void         sh_scene_thumbnail_unbind       (ShSceneThumbnail  *self);
ShSceneItem *sh_scene_thumbnail_get_item     (ShSceneThumbnail  *self);
GdkTexture  *sh_scene_thumbnail_get_texture  (ShSceneThumbnail  *self);
gboolean     sh_scene_thumbnail_get_loading  (ShSceneThumbnail  *self);
gboolean     sh_scene_thumbnail_get_done     (ShSceneThumbnail  *self);

/* For ShThumbnailLoader: whether the thumbnail is in sight now. */
void         _sh_scene_thumbnail_set_seen    (ShSceneThumbnail  *self,
                                              gboolean           seen);

G_END_DECLS
