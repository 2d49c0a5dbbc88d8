/* sh-job-manager.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-database.h"
#include "sh-job.h"
#include "sh-job-type.h"
#include "sh-job-store.h"
#include "sh-scene-store.h"
#include "sh-stash-client.h"

G_BEGIN_DECLS

#define SH_TYPE_JOB_MANAGER (sh_job_manager_get_type ())

/**
 * ShJobRecovery:
 * @SH_JOB_RECOVERY_FAIL: fail orphaned jobs; leave an orphaned Generate whose Stash job
 *   still exists for a process that re-attaches
 * @SH_JOB_RECOVERY_REATTACH: also re-attach such a Generate and follow it to its end
 * @SH_JOB_RECOVERY_NONE: leave orphaned jobs alone (commands that only look)
 *
 * What loading does with the jobs that no live process owns. FAIL and REATTACH are 0 and
 * 1, what the boolean this replaces meant.
 */
typedef enum
{
  SH_JOB_RECOVERY_FAIL = 0,
  SH_JOB_RECOVERY_REATTACH = 1,
  SH_JOB_RECOVERY_NONE = 2,
} ShJobRecovery;

G_DECLARE_FINAL_TYPE (ShJobManager, sh_job_manager, SH, JOB_MANAGER, GObject)

ShJobManager        *sh_job_manager_new               (ShDatabase          *database,
                                                       ShStashClient       *client,
                                                       gint64               server_id);
ShStashClient       *sh_job_manager_get_client        (ShJobManager        *self);
ShDatabase          *sh_job_manager_get_database      (ShJobManager        *self);
ShSceneStore        *sh_job_manager_get_scene_store   (ShJobManager        *self);
ShJobStore          *sh_job_manager_get_job_store     (ShJobManager        *self);
gint64               sh_job_manager_get_server_id     (ShJobManager        *self);
GListModel          *sh_job_manager_get_jobs          (ShJobManager        *self);

void                 sh_job_manager_register_type     (ShJobManager        *self,
                                                       const ShJobTypeInfo *info);
const ShJobTypeInfo *sh_job_manager_lookup_type       (ShJobManager        *self,
                                                       const char          *name);

void                 sh_job_manager_set_poll_interval (ShJobManager        *self,
                                                       guint                msec);
guint                sh_job_manager_get_poll_interval (ShJobManager        *self);
void                 sh_job_manager_set_grace_period  (ShJobManager        *self,
                                                       guint                seconds);
guint                sh_job_manager_get_grace_period  (ShJobManager        *self);
void                 sh_job_manager_set_stop_timeout  (ShJobManager        *self,
                                                       guint                seconds);
guint                sh_job_manager_get_stop_timeout  (ShJobManager        *self);
void                 sh_job_manager_set_persist_interval (ShJobManager     *self,
                                                          guint             msec);
guint                sh_job_manager_get_write_count   (ShJobManager        *self);
void                 sh_job_manager_set_stale_after   (ShJobManager        *self,
                                                       guint                seconds);
guint                sh_job_manager_get_stale_after   (ShJobManager        *self);
const char          *sh_job_manager_get_owner         (ShJobManager        *self);

void                 sh_job_manager_load_async        (ShJobManager        *self,
                                                       guint                limit,
                                                       ShJobRecovery        recovery,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean             sh_job_manager_load_finish       (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void                 sh_job_manager_recover_async     (ShJobManager        *self,
                                                       ShJobRecovery        recovery,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean             sh_job_manager_recover_finish    (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void                 sh_job_manager_refresh_async     (ShJobManager        *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean             sh_job_manager_refresh_finish    (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void                 sh_job_manager_create_async      (ShJobManager        *self,
                                                       const char          *type,
                                                       JsonObject          *parameters,
                                                       const char          *parent_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
ShJob               *sh_job_manager_create_finish     (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void                 sh_job_manager_start_async       (ShJobManager        *self,
                                                       const char          *type,
                                                       JsonObject          *parameters,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
ShJob               *sh_job_manager_start_finish      (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                 sh_job_manager_run_async         (ShJobManager        *self,
                                                       ShJob               *job,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean             sh_job_manager_run_finish        (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                 sh_job_manager_cancel            (ShJobManager        *self,
                                                       ShJob               *job);
void                 sh_job_manager_request_cancel_async  (ShJobManager        *self,
                                                           ShJob               *job,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean             sh_job_manager_request_cancel_finish (ShJobManager        *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
gboolean             sh_job_manager_is_running_here   (ShJobManager        *self,
                                                       ShJob               *job);
gboolean             sh_job_manager_abandon           (ShJobManager        *self,
                                                       ShJob               *job);
void                 sh_job_manager_wait_async        (ShJobManager        *self,
                                                       ShJob               *job,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean             sh_job_manager_wait_finish       (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void                 sh_job_manager_retry_async       (ShJobManager        *self,
                                                       ShJob               *job,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
ShJob               *sh_job_manager_retry_finish      (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void                 sh_job_manager_get_job_async     (ShJobManager        *self,
                                                       const char          *id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
ShJob               *sh_job_manager_get_job_finish    (ShJobManager        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
