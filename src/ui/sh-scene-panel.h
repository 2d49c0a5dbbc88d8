/* sh-scene-panel.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sh-scene-item.h"
#include "sh-scene-store-media.h"
#include "sh-session.h"
#include "sh-thumbnail-loader.h"

G_BEGIN_DECLS

#define SH_TYPE_SCENE_PANEL (sh_scene_panel_get_type ())

G_DECLARE_FINAL_TYPE (ShScenePanel, sh_scene_panel, SH, SCENE_PANEL, GtkWidget)

GtkWidget          *sh_scene_panel_new            (void);
void                sh_scene_panel_set_session    (ShScenePanel      *self,
                                                   ShSession         *session);
void                sh_scene_panel_set_thumbnails (ShScenePanel      *self,
                                                   ShThumbnailLoader *loader);
ShSceneItem        *sh_scene_panel_get_item       (ShScenePanel      *self);
void                sh_scene_panel_set_item       (ShScenePanel      *self,
                                                   ShSceneItem       *item);
void                sh_scene_panel_set_folded     (ShScenePanel      *self,
                                                   gboolean           folded);
const ShSceneMedia *sh_scene_panel_get_media      (ShScenePanel      *self);
char               *sh_scene_panel_dup_stash_uri  (ShScenePanel      *self);

G_END_DECLS
