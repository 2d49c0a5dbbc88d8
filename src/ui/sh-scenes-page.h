/* sh-scenes-page.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sh-scene-list-model.h"
#include "sh-session.h"
#include "sh-thumbnail-loader.h"

G_BEGIN_DECLS

#define SH_TYPE_SCENES_PAGE (sh_scenes_page_get_type ())

G_DECLARE_FINAL_TYPE (ShScenesPage, sh_scenes_page, SH, SCENES_PAGE, GtkWidget)

GtkWidget        *sh_scenes_page_new         (void);
ShSession        *sh_scenes_page_get_session (ShScenesPage *self);
void              sh_scenes_page_set_session (ShScenesPage *self,
                                              ShSession    *session);
void              sh_scenes_page_show_job    (ShScenesPage *self,
                                              const char   *job_id);
ShSceneListModel *sh_scenes_page_get_model   (ShScenesPage *self);
void              sh_scenes_page_reload      (ShScenesPage *self);
void              sh_scenes_page_undo_mark   (ShScenesPage *self);
gboolean          sh_scenes_page_generate_selected (ShScenesPage *self);
ShThumbnailLoader *sh_scenes_page_get_thumbnails (ShScenesPage *self);
void              sh_scenes_page_set_thumbnail_cache (ShScenesPage     *self,
                                                      ShThumbnailCache *cache);

G_END_DECLS
