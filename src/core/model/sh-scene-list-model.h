/* sh-scene-list-model.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-scene-item.h"
#include "sh-scene-store.h"

G_BEGIN_DECLS

#define SH_TYPE_SCENE_LIST_MODEL (sh_scene_list_model_get_type ())

G_DECLARE_FINAL_TYPE (ShSceneListModel, sh_scene_list_model, SH, SCENE_LIST_MODEL, GObject)

ShSceneListModel  *sh_scene_list_model_new            (ShSceneStore      *store,
                                                       gint64             server_id);
ShSceneStore      *sh_scene_list_model_get_store      (ShSceneListModel  *self);
gint64             sh_scene_list_model_get_server_id  (ShSceneListModel  *self);

ShGeneratedFilter  sh_scene_list_model_get_generated  (ShSceneListModel  *self);
void               sh_scene_list_model_set_generated  (ShSceneListModel  *self,
                                                       ShGeneratedFilter  generated);
const char        *sh_scene_list_model_get_search     (ShSceneListModel  *self);
void               sh_scene_list_model_set_search     (ShSceneListModel  *self,
                                                       const char        *search);
const char        *sh_scene_list_model_get_job_id     (ShSceneListModel  *self);
void               sh_scene_list_model_set_job_id     (ShSceneListModel  *self,
                                                       const char        *job_id);
ShSceneSort        sh_scene_list_model_get_sort       (ShSceneListModel  *self);
gboolean           sh_scene_list_model_get_descending (ShSceneListModel  *self);
void               sh_scene_list_model_set_sort       (ShSceneListModel  *self,
                                                       ShSceneSort        sort,
                                                       gboolean           descending);

gboolean           sh_scene_list_model_get_loading    (ShSceneListModel  *self);
const GError      *sh_scene_list_model_get_error      (ShSceneListModel  *self);
gint64             sh_scene_list_model_get_id         (ShSceneListModel  *self,
                                                       guint              position);
guint              sh_scene_list_model_get_n_cached   (ShSceneListModel  *self);
void               sh_scene_list_model_reload         (ShSceneListModel  *self);

G_END_DECLS
