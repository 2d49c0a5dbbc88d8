/* sh-scene-record.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SH_TYPE_SCENE_RECORD (sh_scene_record_get_type ())

/**
 * ShSceneRecord:
 * @id: Stash's numeric scene id
 * @title: (nullable): the title, or %NULL when Stash has none
 * @path: (nullable): the server-side path of the primary file
 * @oshash: (nullable): the primary file's oshash fingerprint
 * @phash: (nullable): the primary file's perceptual hash (hex), %NULL when not generated
 * @duration: the primary file's duration in seconds, 0 when unknown
 * @organized: Stash's organized flag
 * @interactive: whether the primary file has a funscript
 * @interactive_speed: the interactive speed, or -1 when Stash has none
 * @markers_digest: (nullable): a digest of the scene's markers (ids, seconds and update
 *   times), %NULL when it has none; a change means the marker media must be regenerated
 * @stash_created_at: Stash's `created_at`, verbatim
 * @stash_updated_at: Stash's `updated_at`, verbatim (the server's own string, used for
 *   incremental sync)
 * @generated: whether all generated media is known to exist
 * @last_synced: (nullable): the stamp of the last sync that saw the scene (ISO 8601); filled
 *   by the store's reads, ignored by its writes (a sync sets it)
 *
 * One scene as the mirror stores it. Plain data, shared between the Stash client, the store
 * and the list models.
 */
typedef struct
{
  gint64  id;
  char   *title;
  char   *path;
  char   *oshash;
  char   *phash;
  double  duration;
  gboolean organized;
  gboolean interactive;
  int     interactive_speed;
  char   *markers_digest;
  char   *stash_created_at;
  char   *stash_updated_at;
  gboolean generated;
  char   *last_synced;
  int     failed_generates;  /* consecutive failed Generates; 0 for most scenes */
  char   *failure_reason;    /* (nullable) what the last failed Generate left missing */
} ShSceneRecord;

GType          sh_scene_record_get_type (void) G_GNUC_CONST;
ShSceneRecord *sh_scene_record_new      (void);
ShSceneRecord *sh_scene_record_copy     (const ShSceneRecord *self);
void           sh_scene_record_free     (ShSceneRecord       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSceneRecord, sh_scene_record_free)

G_END_DECLS
