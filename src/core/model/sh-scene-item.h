/* sh-scene-item.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "sh-scene-record.h"

G_BEGIN_DECLS

#define SH_TYPE_SCENE_ITEM (sh_scene_item_get_type ())

G_DECLARE_FINAL_TYPE (ShSceneItem, sh_scene_item, SH, SCENE_ITEM, GObject)

ShSceneItem *sh_scene_item_new             (gint64               id);
gint64       sh_scene_item_get_id          (ShSceneItem         *self);
const char  *sh_scene_item_get_title       (ShSceneItem         *self);
const char  *sh_scene_item_get_path        (ShSceneItem         *self);
gboolean     sh_scene_item_get_generated   (ShSceneItem         *self);
const char  *sh_scene_item_get_last_synced (ShSceneItem         *self);
const char  *sh_scene_item_get_updated_at  (ShSceneItem         *self);
char        *sh_scene_item_dup_display_title (ShSceneItem       *self);
gboolean     sh_scene_item_get_loaded      (ShSceneItem         *self);
int          sh_scene_item_get_failed_generates (ShSceneItem    *self);
const char  *sh_scene_item_get_failure_reason   (ShSceneItem    *self);
void         sh_scene_item_load            (ShSceneItem         *self,
                                            const ShSceneRecord *record);
void         sh_scene_item_reuse           (ShSceneItem         *self,
                                            gint64               id,
                                            const ShSceneRecord *record);

G_END_DECLS
