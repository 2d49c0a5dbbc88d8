/* sh-scene-store.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-store.h"
#include "sh-scene-record.h"

G_BEGIN_DECLS

#define SH_TYPE_SCENE_STORE (sh_scene_store_get_type ())

G_DECLARE_FINAL_TYPE (ShSceneStore, sh_scene_store, SH, SCENE_STORE, ShStore)

/**
 * ShGeneratedFilter:
 * @SH_GENERATED_ANY: every scene
 * @SH_GENERATED_YES: scenes whose generated media is complete
 * @SH_GENERATED_NO: scenes with generated media missing
 * @SH_GENERATED_FAILING: scenes whose Generates failed so often in a row that
 *   whole-library runs leave them out (see sh_database_set_failing_threshold())
 *
 * Which scenes a query returns, by their `generated` flag.
 */
typedef enum
{
  SH_GENERATED_ANY,
  SH_GENERATED_YES,
  SH_GENERATED_NO,
  SH_GENERATED_FAILING,
} ShGeneratedFilter;


/**
 * ShSceneSort:
 * @SH_SCENE_SORT_ID: by Stash's scene id
 * @SH_SCENE_SORT_TITLE: by title, ignoring case
 * @SH_SCENE_SORT_PATH: by path, ignoring case
 * @SH_SCENE_SORT_GENERATED: not generated first, then generated
 * @SH_SCENE_SORT_LAST_SYNCED: by the time a sync last saw the scene
 *
 * The order of sh_scene_store_list_ids_async(). Ties are broken by id, in the same
 * direction, so that the order is total.
 */
typedef enum
{
  SH_SCENE_SORT_ID,
  SH_SCENE_SORT_TITLE,
  SH_SCENE_SORT_PATH,
  SH_SCENE_SORT_GENERATED,
  SH_SCENE_SORT_LAST_SYNCED,
} ShSceneSort;


ShSceneStore *sh_scene_store_new                      (ShDatabase           *db);
ShDatabase   *sh_scene_store_get_database             (ShSceneStore         *self);

void          sh_scene_store_upsert_async             (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       GPtrArray            *records,
                                                       const char           *sync_stamp,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_scene_store_upsert_finish            (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       guint                *n_reset,
                                                       GError              **error);

void          sh_scene_store_upsert_full_page_async   (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       GPtrArray            *records,
                                                       const char           *sync_stamp,
                                                       gint64                after_id,
                                                       gboolean              last,
                                                       const char           *sync_point,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_scene_store_upsert_full_page_finish  (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       guint                *n_reset,
                                                       guint64              *n_removed,
                                                       GError              **error);

void          sh_scene_store_delete_unseen_async      (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       const char           *sync_stamp,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
guint64       sh_scene_store_delete_unseen_finish     (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_scene_store_count_async              (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       ShGeneratedFilter     filter,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_scene_store_count_finish             (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       guint64              *count,
                                                       GError              **error);

void          sh_scene_store_get_last_updated_at_async  (ShSceneStore       *self,
                                                         gint64              server_id,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
char         *sh_scene_store_get_last_updated_at_finish (ShSceneStore       *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);
void          sh_scene_store_get_sync_point_async       (ShSceneStore       *self,
                                                         gint64              server_id,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
char         *sh_scene_store_get_sync_point_finish      (ShSceneStore       *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);
void          sh_scene_store_set_sync_point_async       (ShSceneStore       *self,
                                                         gint64              server_id,
                                                         const char         *updated_at,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
gboolean      sh_scene_store_set_sync_point_finish      (ShSceneStore       *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

void          sh_scene_store_get_cursor_async           (ShSceneStore       *self,
                                                         gint64              server_id,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
gboolean      sh_scene_store_get_cursor_finish          (ShSceneStore       *self,
                                                         GAsyncResult       *result,
                                                         gint64             *after_id,
                                                         char              **sync_point,
                                                         GError            **error);
void          sh_scene_store_clear_cursor_async         (ShSceneStore       *self,
                                                         gint64              server_id,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
gboolean      sh_scene_store_clear_cursor_finish        (ShSceneStore       *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

void          sh_scene_store_list_async               (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       ShGeneratedFilter     filter,
                                                       const char           *search,
                                                       gint64                after_id,
                                                       guint                 limit,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray    *sh_scene_store_list_finish              (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_scene_store_get_ids_async            (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       const gint64         *ids,
                                                       guint                 n_ids,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GArray       *sh_scene_store_get_ids_finish           (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_scene_store_set_generated_async      (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       const gint64         *ids,
                                                       guint                 n_ids,
                                                       gboolean              generated,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
guint64       sh_scene_store_set_generated_finish     (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
GArray       *sh_scene_store_set_generated_finish_full (ShSceneStore       *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);

void          sh_scene_store_list_ids_created_after_async  (ShSceneStore         *self,
                                                            gint64                server_id,
                                                            const char           *created_after,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
GArray       *sh_scene_store_list_ids_created_after_finish (ShSceneStore         *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

void          sh_scene_store_list_ids_async           (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       ShGeneratedFilter     filter,
                                                       const char           *search,
                                                       const char           *job_id,
                                                       ShSceneSort           sort,
                                                       gboolean              descending,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GArray       *sh_scene_store_list_ids_finish          (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_scene_store_get_scenes_async         (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       const gint64         *ids,
                                                       guint                 n_ids,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray    *sh_scene_store_get_scenes_finish        (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_scene_store_delete_async             (ShSceneStore         *self,
                                                       gint64                server_id,
                                                       const gint64         *ids,
                                                       guint                 n_ids,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
guint64       sh_scene_store_delete_finish            (ShSceneStore         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS

#include "sh-core-enums.h"
