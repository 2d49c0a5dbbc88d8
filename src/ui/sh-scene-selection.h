/* sh-scene-selection.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SH_TYPE_SCENE_SELECTION (sh_scene_selection_get_type ())

G_DECLARE_FINAL_TYPE (ShSceneSelection, sh_scene_selection, SH, SCENE_SELECTION, GObject)

ShSceneSelection *sh_scene_selection_new       (GListModel       *model);
GListModel       *sh_scene_selection_get_model (ShSceneSelection *self);
void              sh_scene_selection_set_model (ShSceneSelection *self,
                                                GListModel       *model);

G_END_DECLS
