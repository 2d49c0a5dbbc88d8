/* sh-job-store.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-store.h"
#include "sh-job-record.h"

G_BEGIN_DECLS

#define SH_TYPE_JOB_STORE (sh_job_store_get_type ())

G_DECLARE_FINAL_TYPE (ShJobStore, sh_job_store, SH, JOB_STORE, ShStore)

ShJobStore   *sh_job_store_new                        (ShDatabase           *db);
ShDatabase   *sh_job_store_get_database               (ShJobStore           *self);

void          sh_job_store_insert_async               (ShJobStore           *self,
                                                       const ShJobRecord    *record,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_insert_finish              (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       ShJobRecord         **conflict,
                                                       GError              **error);

void          sh_job_store_update_async               (ShJobStore           *self,
                                                       const ShJobRecord    *record,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_update_finish              (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_get_async                  (ShJobStore           *self,
                                                       const char           *id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
ShJobRecord  *sh_job_store_get_finish                 (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_list_async                 (ShJobStore           *self,
                                                       gint64                server_id,
                                                       const char           *status,
                                                       const char           *type,
                                                       gint64                before_created_at,
                                                       guint                 limit,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray    *sh_job_store_list_finish                (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_list_active_async          (ShJobStore           *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray    *sh_job_store_list_active_finish         (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_list_changed_since_async   (ShJobStore           *self,
                                                       gint64                updated_after,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray    *sh_job_store_list_changed_since_finish  (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_snapshot_tracked_async     (ShJobStore           *self,
                                                       const char           *job_id,
                                                       gint64                server_id,
                                                       const gint64         *ids,
                                                       guint                 n_ids,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
guint64       sh_job_store_snapshot_tracked_finish    (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_apply_generated_async      (ShJobStore           *self,
                                                       const char           *job_id,
                                                       gint64                server_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
guint64       sh_job_store_apply_generated_finish     (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_apply_check_async          (ShJobStore           *self,
                                                       const char           *job_id,
                                                       gint64                server_id,
                                                       guint                 checked_kinds,
                                                       const gint64         *incomplete,
                                                       const guint          *incomplete_missing,
                                                       guint                 n_incomplete,
                                                       const gint64         *complete,
                                                       guint                 n_complete,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
guint64       sh_job_store_apply_check_finish         (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_list_job_scenes_async      (ShJobStore           *self,
                                                       const char           *job_id,
                                                       const char           *role,
                                                       gint64                after_id,
                                                       guint                 limit,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GArray       *sh_job_store_list_job_scenes_finish     (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_count_job_scenes_async     (ShJobStore           *self,
                                                       const char           *job_id,
                                                       const char           *role,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_count_job_scenes_finish    (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       guint64              *count,
                                                       GError              **error);

/**
 * ShSceneFailure:
 * @scene_id: a tracked scene of a Generate
 * @missing: the media kinds it still lacks after the Generate, space-separated names
 *   (see sh_media_kind_to_string())
 * @errors: (nullable): the lines of Stash's log that name it, one per line
 *
 * A scene that a Generate's verification found lacking.
 */
typedef struct
{
  gint64  scene_id;
  char   *missing;
  char   *errors;
} ShSceneFailure;

ShSceneFailure *sh_scene_failure_new                (gint64                scene_id,
                                                     const char           *missing,
                                                     const char           *errors);
void            sh_scene_failure_free               (ShSceneFailure       *failure);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSceneFailure, sh_scene_failure_free)

void          sh_job_store_add_failures_async         (ShJobStore           *self,
                                                       const char           *job_id,
                                                       GPtrArray            *failures,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_add_failures_finish        (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void          sh_job_store_clear_failures_async       (ShJobStore           *self,
                                                       const char           *job_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_clear_failures_finish      (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void          sh_job_store_list_failures_async        (ShJobStore           *self,
                                                       const char           *job_id,
                                                       gint64                after_id,
                                                       guint                 limit,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray    *sh_job_store_list_failures_finish       (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void          sh_job_store_apply_verified_async       (ShJobStore           *self,
                                                       const char           *job_id,
                                                       gint64                server_id,
                                                       gboolean              mark,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
guint64       sh_job_store_apply_verified_finish      (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_insert_owned_async         (ShJobStore           *self,
                                                       const ShJobRecord    *record,
                                                       const char           *owner,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);

void          sh_job_store_claim_async                (ShJobStore           *self,
                                                       const char           *job_id,
                                                       const char           *owner,
                                                       guint                 stale_after,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_claim_finish               (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_heartbeat_async            (ShJobStore           *self,
                                                       const char           *job_id,
                                                       const char           *owner,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_heartbeat_finish           (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_request_cancel_async       (ShJobStore           *self,
                                                       const char           *job_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_request_cancel_finish      (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void          sh_job_store_release_async              (ShJobStore           *self,
                                                       const char           *job_id,
                                                       const char           *owner,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      sh_job_store_release_finish             (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void          sh_job_store_list_orphaned_async        (ShJobStore           *self,
                                                       gint64                server_id,
                                                       guint                 stale_after,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray    *sh_job_store_list_orphaned_finish       (ShJobStore           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
