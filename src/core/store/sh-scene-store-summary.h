/* sh-scene-store-summary.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-scene-store.h"

G_BEGIN_DECLS

/**
 * ShSceneSummary:
 * @scenes: the scenes of the mirror (or of the ids asked about that it has)
 * @checked: of @scenes, those a Check has recorded (a `scene_media` row)
 * @complete: of @scenes, those whose generated media is complete
 * @incomplete: of @scenes, those with generated media missing
 * @incomplete_unchecked: of @incomplete, those no Check has recorded: Stash may well have
 *   their media already
 * @failing: of @scenes, those whose Generates failed so often in a row that whole-library
 *   runs leave them out (see sh_database_set_failing_threshold())
 *
 * What the mirror knows of a library, or of a set of its scenes, at a glance.
 */
typedef struct
{
  guint64 scenes;
  guint64 checked;
  guint64 complete;
  guint64 incomplete;
  guint64 incomplete_unchecked;
  guint64 failing;
} ShSceneSummary;

#define SH_TYPE_SCENE_SUMMARY (sh_scene_summary_get_type ())

GType           sh_scene_summary_get_type        (void) G_GNUC_CONST;
ShSceneSummary *sh_scene_summary_copy            (const ShSceneSummary *self);
void            sh_scene_summary_free            (ShSceneSummary       *self);

void            sh_scene_store_summarize_async   (ShSceneStore         *self,
                                                  gint64                server_id,
                                                  const gint64         *ids,
                                                  guint                 n_ids,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
ShSceneSummary *sh_scene_store_summarize_finish  (ShSceneStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSceneSummary, sh_scene_summary_free)

G_END_DECLS
