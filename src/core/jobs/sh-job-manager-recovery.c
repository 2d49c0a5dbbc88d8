/* sh-job-manager-recovery.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loading the jobs into the model, and recovering those whose owner is gone: re-attached
 * when their Stash job is still there and ours, failed with the reason otherwise.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-job-manager-private.h"

/* Loading and recovery */

typedef struct
{
  guint          limit;
  ShJobRecovery  recovery;
  guint          pending;    /* recoveries in flight */
  GError        *error;      /* (owned) (nullable) the first one */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
load_step_done (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    return;

  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
reattached_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sh_job_manager_run_finish (SH_JOB_MANAGER (object), result, &error))
    g_warning ("A re-attached job could not run: %s", error->message);
}

typedef enum
{
  RECOVER_FAIL,
  RECOVER_REATTACH,
} RecoverAction;

typedef struct
{
  GTask         *task;   /* (owned) */
  ShJob         *job;    /* (owned) */
  RecoverAction  action;
  ShText        *why;    /* (owned) (nullable) for RECOVER_FAIL */
} RecoverData;

static RecoverData *
recover_data_new (GTask *task,
                  ShJob *job)
{
  RecoverData *recover = g_new0 (RecoverData, 1);

  recover->task = g_object_ref (task);
  recover->job = g_object_ref (job);

  return recover;
}

/* Ends one recovery step. */
static void
recover_data_done (RecoverData *recover)
{
  load_step_done (recover->task);
  g_object_unref (recover->task);
  g_object_unref (recover->job);
  g_clear_pointer (&recover->why, sh_text_free);
  g_free (recover);
}

static void
recover_keep_error (RecoverData *recover,
                    GError      *error)
{
  LoadData *data = g_task_get_task_data (recover->task);

  if (data->error == NULL)
    data->error = error;
  else
    g_error_free (error);
}

static void
released_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RecoverData *recover = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_release_finish (SH_JOB_STORE (object), result, &error))
    g_debug ("Could not release job %s: %s", sh_job_get_id (recover->job), error->message);

  recover_data_done (recover);
}

static void
mark_failed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RecoverData *recover = user_data;
  ShJobManager *self = g_task_get_source_object (recover->task);
  GError *error = NULL;

  if (!sh_job_store_update_finish (SH_JOB_STORE (object), result, &error))
    {
      recover_keep_error (recover, error);
      recover_data_done (recover);
      return;
    }

  sh_job_store_release_async (self->job_store, sh_job_get_id (recover->job), self->owner, NULL,
                              released_cb, recover);
}

/* The job is ours (claimed): fail it with the reason. */
static void
mark_interrupted (RecoverData *recover)
{
  ShJobManager *self = g_task_get_source_object (recover->task);
  ShJob *job = recover->job;
  g_autoptr(ShJobRecord) record = NULL;
  g_autoptr(ShText) interrupted = sh_text_new (SH_TEXT_INTERRUPTED, NULL);
  g_autofree char *why = sh_text_render (recover->why);
  g_autofree char *message = sh_text_render (interrupted);

  g_debug ("Job %s (%s) orphaned: failing it", sh_job_get_id (job), sh_job_get_job_type (job));

  sh_job_set_status (job, SH_JOB_FAILED);
  sh_job_set_error (job, why);
  sh_job_set_progress (job, sh_job_get_progress (job), message);
  sh_job_set_texts (job, interrupted, recover->why);
  record = sh_job_record_copy (sh_job_get_record (job));
  record->completed_at = record->updated_at = g_get_real_time ();

  sh_job_store_update_async (self->job_store, record, NULL, mark_failed_cb, recover);
}

static void
recover_claim_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RecoverData *recover = user_data;
  ShJobManager *self = g_task_get_source_object (recover->task);
  GError *error = NULL;

  if (!sh_job_store_claim_finish (SH_JOB_STORE (object), result, &error))
    {
      /* Another process got there first (or the job ended meanwhile): its business. */
      if (error != NULL)
        recover_keep_error (recover, error);
      else
        g_debug ("Job %s was claimed by another process", sh_job_get_id (recover->job));
      recover_data_done (recover);
      return;
    }

  if (recover->action == RECOVER_FAIL)
    {
      mark_interrupted (recover);
      return;
    }

  /* Same id and addTime: the same Stash job. Follow it to the end. */
  {
    g_autoptr(GTask) run_task = g_task_new (self, NULL, reattached_cb, NULL);

    g_debug ("Job %s orphaned: re-attaching to Stash job %s", sh_job_get_id (recover->job),
             sh_job_get_stash_job_id (recover->job));
    g_task_set_source_tag (run_task, sh_job_manager_run_async);
    sh_job_set_status (recover->job, SH_JOB_PENDING);
    _sh_job_manager_start_run (self, recover->job, TRUE, NULL, run_task);
  }
  recover_data_done (recover);
}

/* Takes the job from its dead owner, then fails (with @why, whose ownership it takes) or
 * re-attaches it. */
static void
recover_claim (RecoverData   *recover,
               RecoverAction  action,
               ShText        *why)
{
  ShJobManager *self = g_task_get_source_object (recover->task);

  recover->action = action;
  recover->why = why;
  sh_job_store_claim_async (self->job_store, sh_job_get_id (recover->job), self->owner,
                            self->stale_after_s, NULL, recover_claim_cb, recover);
}

static void
find_stash_job_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RecoverData *recover = user_data;
  LoadData *data = g_task_get_task_data (recover->task);
  g_autoptr(ShStashJob) stash_job = NULL;
  g_autoptr(GError) error = NULL;
  const ShJobRecord *record = sh_job_get_record (recover->job);

  if (!sh_stash_client_find_job_finish (SH_STASH_CLIENT (object), result, &stash_job, &error))
    {
      /* Stash is unreachable: re-attach all the same; the job's own retry and grace period
       * decide, rather than failing a job that may still be running. */
      g_debug ("Could not ask Stash about job %s: %s", record->stash_job_id, error->message);
    }

  if (error == NULL &&
      (stash_job == NULL || g_strcmp0 (stash_job->add_time, record->stash_job_added_at) != 0))
    {
      recover_claim (recover, RECOVER_FAIL, sh_text_new (SH_TEXT_ORPHANED_GENERATE_GONE, NULL));
    }
  else if (data->recovery == SH_JOB_RECOVERY_REATTACH)
    recover_claim (recover, RECOVER_REATTACH, NULL);
  else
    {
      /* Left orphaned for a process that re-attaches (the app, a `generate`). */
      recover_data_done (recover);
    }
}

static void
recover (GTask *task,
         ShJob *job)
{
  ShJobManager *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  const ShJobRecord *record = sh_job_get_record (job);
  RecoverData *recover_data = recover_data_new (task, job);

  data->pending++;
  if (g_strcmp0 (record->type, SH_JOB_TYPE_GENERATE) == 0 && record->stash_job_id != NULL)
    {
      sh_stash_client_find_job_async (self->client, record->stash_job_id, NULL,
                                      find_stash_job_cb, recover_data);
      return;
    }

  recover_claim (recover_data, RECOVER_FAIL, sh_text_new (SH_TEXT_ORPHANED, NULL));
}

static void
list_orphaned_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  LoadData *data = g_task_get_task_data (task);

  records = sh_job_store_list_orphaned_finish (SH_JOB_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->pending = 1;
  for (guint i = 0; i < records->len; i++)
    {
      ShJobRecord *record = g_ptr_array_index (records, i);

      if (g_hash_table_contains (self->runs, record->id))
        continue;
      recover (task, _sh_job_manager_track_record (self, record, TRUE));
    }
  load_step_done (task);
}

static void
start_recovery (GTask *task)
{
  ShJobManager *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (data->recovery == SH_JOB_RECOVERY_NONE)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  sh_job_store_list_orphaned_async (self->job_store, self->server_id, self->stale_after_s,
                                    cancellable, list_orphaned_cb, task);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = sh_job_store_list_finish (SH_JOB_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < records->len; i++)
    _sh_job_manager_track_record (self, g_ptr_array_index (records, i), FALSE);

  start_recovery (g_steal_pointer (&task));
}

/**
 * sh_job_manager_load_async:
 * @self: a #ShJobManager
 * @limit: how many recent jobs to list (0 for all)
 * @recovery: what to do with orphaned jobs (%FALSE and %TRUE, as this argument was once a
 *   boolean, mean %SH_JOB_RECOVERY_FAIL and %SH_JOB_RECOVERY_REATTACH)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Fills the job list from the database, then recovers the orphaned jobs as
 * sh_job_manager_recover_async() does. Jobs another live process runs are left alone.
 * When it returns, re-attached jobs run here (sh_job_manager_is_running_here()).
 */
void
sh_job_manager_load_async (ShJobManager        *self,
                           guint                limit,
                           ShJobRecovery        recovery,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_load_async);
  data = g_new0 (LoadData, 1);
  data->limit = limit;
  data->recovery = recovery;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  sh_job_store_list_async (self->job_store, self->server_id, NULL, NULL, 0, limit,
                           cancellable, list_cb, g_steal_pointer (&task));
}

gboolean
sh_job_manager_load_finish (ShJobManager  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_job_manager_recover_async:
 * @self: a #ShJobManager
 * @recovery: %SH_JOB_RECOVERY_FAIL or %SH_JOB_RECOVERY_REATTACH
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Recovers this server's orphaned jobs: the active jobs whose owner's heartbeat is stale
 * by the database's clock (sh_job_manager_set_stale_after()). Each is first claimed, so
 * that of several processes one recovers it. A Generate whose Stash job still exists or
 * is still remembered (same id and addTime) is re-attached with
 * %SH_JOB_RECOVERY_REATTACH, and left orphaned otherwise; a Generate whose Stash job is
 * gone, and any other job, is marked failed with the reason.
 */
void
sh_job_manager_recover_async (ShJobManager        *self,
                              ShJobRecovery        recovery,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  LoadData *data;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_recover_async);
  data = g_new0 (LoadData, 1);
  data->recovery = recovery;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  start_recovery (task);
}

gboolean
sh_job_manager_recover_finish (ShJobManager  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

