/* sh-job-manager-create.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Creating jobs (validated parameters, one active exclusive job per server, enforced by
 * the database), starting them and retrying them.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-job-error.h"
#include "sh-job-manager-private.h"
#include "sh-store-error.h"

/* Creating */

typedef struct
{
  ShJobRecord *record;   /* (owned) */
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_clear_pointer (&data->record, sh_job_record_free);
  g_free (data);
}

static void
insert_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(ShJobRecord) conflict = NULL;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_insert_finish (SH_JOB_STORE (object), result, &conflict, &error))
    {
      if (g_error_matches (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT))
        g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT, "%s",
                                 error->message);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task,
                         g_object_ref (_sh_job_manager_track_record (self, data->record, TRUE)),
                         g_object_unref);
}

/**
 * sh_job_manager_create_async:
 * @self: a #ShJobManager
 * @type: the job type
 * @parameters: (nullable): the parameters; validated, defaults filled in
 * @parent_id: (nullable): the workflow job this one is a step of
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Creates a pending job and saves it. A second active job of an exclusive type for the
 * same server is refused (%SH_JOB_ERROR_CONFLICT, naming the active job), by the database,
 * so that two processes sharing it cannot both start one.
 */
void
sh_job_manager_create_async (ShJobManager        *self,
                             const char          *type,
                             JsonObject          *parameters,
                             const char          *parent_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) params = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const ShJobTypeInfo *info;
  CreateData *data;
  ShJobRecord *record;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_create_async);

  info = sh_job_manager_lookup_type (self, type);
  if (info == NULL)
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_UNKNOWN_TYPE,
                               _("There is no job type “%s”."), type);
      return;
    }

  /* Validation may fill in defaults: work on a copy. */
  node = json_node_init_object (json_node_alloc (), parameters ? parameters : json_object_new ());
  {
    g_autoptr(JsonNode) copy = json_node_copy (node);

    params = json_object_ref (json_node_get_object (copy));
  }
  sh_job_parameters_upgrade (params);
  if (info->validate != NULL && !info->validate (params, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (CreateData, 1);
  record = data->record = sh_job_record_new ();
  record->id = g_uuid_string_random ();
  record->type = g_strdup (type);
  record->status = g_strdup ("pending");
  record->server_id = self->server_id;
  record->progress = 0;
  record->processed_items = -1;
  record->total_items = -1;
  record->message = g_strdup (_("Waiting to start"));
  {
    g_autoptr(JsonNode) params_node = json_node_init_object (json_node_alloc (), params);

    record->parameters = json_to_string (params_node, FALSE);
  }
  record->parent_job_id = g_strdup (parent_id);
  record->created_at = record->updated_at = g_get_real_time ();
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);

  /* Owned from the start: a pending job is as alive as the process that will run it. */
  sh_job_store_insert_owned_async (self->job_store, record, self->owner, cancellable,
                                   insert_cb, g_steal_pointer (&task));
}

/**
 * sh_job_manager_create_finish:
 * @self: a #ShJobManager
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new pending job, also in the job list
 */
ShJob *
sh_job_manager_create_finish (ShJobManager  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
started_run_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* How the job ended is on the job; this is about running it at all, which a fresh job
   * always is. */
  if (!sh_job_manager_run_finish (SH_JOB_MANAGER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("A started job could not run: %s", error->message);
}

static void
start_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = SH_JOB_MANAGER (object);
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = sh_job_manager_create_finish (self, result, &error);
  if (job == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Not cancellable: once the job is in the database it must run, or it would block
   * every later job of its type. */
  sh_job_manager_run_async (self, job, NULL, started_run_cb, NULL);
  g_task_return_pointer (task, g_steal_pointer (&job), g_object_unref);
}

/**
 * sh_job_manager_start_async:
 * @self: a #ShJobManager
 * @type: a registered job type
 * @parameters: (nullable): its parameters, validated by the type
 * @cancellable: (nullable): a #GCancellable for the creation only
 * @callback: called once the job is created, and running
 * @user_data: data for @callback
 *
 * The one way to start a job, for the app, its dialogs, the scheduler and stashhogctl:
 * creates it (a second active job of an exclusive type is refused with
 * %SH_JOB_ERROR_CONFLICT) and runs it here. Its progress and outcome are on the job;
 * sh_job_manager_wait_async() waits for the run.
 */
void
sh_job_manager_start_async (ShJobManager        *self,
                            const char          *type,
                            JsonObject          *parameters,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_start_async);
  sh_job_manager_create_async (self, type, parameters, NULL, cancellable, start_created_cb,
                               g_steal_pointer (&task));
}

/**
 * sh_job_manager_start_finish:
 *
 * Returns: (transfer full): the job, now running; %NULL with @error set when it could not
 *   be created
 */
ShJob *
sh_job_manager_start_finish (ShJobManager  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sh_job_manager_retry_async:
 * @self: a #ShJobManager
 * @job: a failed or cancelled job
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Creates a new pending job of the same type with the same parameters.
 */
void
sh_job_manager_retry_async (ShJobManager        *self,
                            ShJob               *job,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) parameters = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  if (sh_job_get_status (job) != SH_JOB_FAILED && sh_job_get_status (job) != SH_JOB_CANCELLED)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, sh_job_manager_create_async);
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE,
                               _("Only failed and cancelled jobs can be retried; this one "
                                 "is %s."), sh_job_status_to_string (sh_job_get_status (job)));
      return;
    }

  parameters = sh_job_dup_parameters (job);
  sh_job_manager_create_async (self, sh_job_get_job_type (job), parameters, NULL, cancellable,
                               callback, user_data);
}

ShJob *
sh_job_manager_retry_finish (ShJobManager  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return sh_job_manager_create_finish (self, result, error);
}

