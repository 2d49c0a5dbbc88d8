/* sh-scene-sync.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-scene-store.h"
#include "sh-stash-client.h"

G_BEGIN_DECLS

#define SH_SCENE_SYNC_DEFAULT_PAGE_SIZE 500

/**
 * ShSceneSyncProgress:
 * @processed: scenes synced so far
 * @total: scenes to sync, or -1 while unknown
 * @user_data: data passed to sh_scene_sync_run_async()
 *
 * Called on the caller's main context after every page.
 */
typedef void (*ShSceneSyncProgress) (guint64  processed,
                                     gint64   total,
                                     gpointer user_data);

/**
 * ShSceneSyncResult:
 * @full: whether this was a full pass, reading every scene (a full sync, or an incremental
 *   one that had nothing to start from or resumed an interrupted pass)
 * @synced: scenes read from Stash and stored
 * @total: what Stash counted at the start (above the cursor, for a resumed pass)
 * @removed: scenes deleted from the mirror because Stash no longer has them (full only)
 * @reset: scenes whose primary file or markers changed, now marked not generated
 * @pages: requests made
 * @resumed_after: for a full pass that an earlier sync began and did not complete, the
 *   last scene id that sync stored, after which this one went on; 0 otherwise
 */
typedef struct
{
  gboolean full;
  guint64  synced;
  gint64   total;
  guint64  removed;
  guint64  reset;
  guint    pages;
  gint64   resumed_after;
} ShSceneSyncResult;

void     sh_scene_sync_run_async  (ShStashClient        *client,
                                   ShSceneStore         *store,
                                   gint64                server_id,
                                   gboolean              full,
                                   guint                 page_size,
                                   ShSceneSyncProgress   progress,
                                   gpointer              progress_data,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean sh_scene_sync_run_finish (GAsyncResult         *result,
                                   ShSceneSyncResult    *out_result,
                                   GError              **error);

G_END_DECLS
