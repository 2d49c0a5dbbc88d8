/* sh-scene-store-media.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-database.h"
#include "sh-scene-store.h"

G_BEGIN_DECLS

/**
 * ShSceneMedia:
 * @scene_id: Stash's scene id
 * @checked_kinds: the media kinds the last Check asked for, as a mask with the bit
 *   positions of `ShMediaKind`; 0 when no Check has seen the scene
 * @missing_kinds: of @checked_kinds, those that Check found missing
 * @checked_at: when that Check recorded it, in seconds since the epoch; 0 if never
 * @failed_generates: consecutive Generates that failed the scene
 * @failure_reason: (nullable): the media kinds the last failed Generate left missing,
 *   space-separated names as sh_media_kind_to_string() writes them
 *
 * What the mirror knows of one scene's generated media.
 */
typedef struct
{
  gint64  scene_id;
  guint   checked_kinds;
  guint   missing_kinds;
  gint64  checked_at;
  int     failed_generates;
  char   *failure_reason;
} ShSceneMedia;

#define SH_TYPE_SCENE_MEDIA (sh_scene_media_get_type ())

GType         sh_scene_media_get_type            (void) G_GNUC_CONST;
ShSceneMedia *sh_scene_media_copy                (const ShSceneMedia  *self);
void          sh_scene_media_free                (ShSceneMedia        *self);

void          sh_scene_store_get_media_async     (ShSceneStore        *self,
                                                  gint64               server_id,
                                                  gint64               scene_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
ShSceneMedia *sh_scene_store_get_media_finish    (ShSceneStore        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* For ShJobStore's Check, on the database's worker inside its transaction. */
gboolean      _sh_scene_media_write              (ShDatabase          *db,
                                                  gint64               server_id,
                                                  guint                checked_kinds,
                                                  const gint64        *incomplete,
                                                  const guint         *missing,
                                                  guint                n_incomplete,
                                                  const gint64        *complete,
                                                  guint                n_complete,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSceneMedia, sh_scene_media_free)

G_END_DECLS
