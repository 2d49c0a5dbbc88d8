/* sh-application-jobs.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Jobs started from the app: created through the job manager's one start path, then run in
 * the background by the application whatever window asked, and cancelled or retried by
 * the one rule of ShJobManager.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-application-private.h"
#include "sh-core.h"
#include "sh-job-error.h"

/* Jobs */

static gboolean
check_session (ShApplication  *self,
               GError        **error)
{
  if (self->session != NULL)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       _("StashHog is not connected to a Stash server. Connect to one in "
                         "Preferences."));
  return FALSE;
}

static void
job_run_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* How the job ended is on the job; this is about running it at all. */
  if (!sh_job_manager_run_finish (SH_JOB_MANAGER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sh_application_toast (self, error->message);
}

static void
run_in_background (ShApplication *self,
                   ShJobManager  *manager,
                   ShJob         *job)
{
  /* No cancellable: closing a window must not stop a job; Cancel does. */
  sh_job_manager_run_async (manager, job, NULL, job_run_cb, g_object_ref (self));
}

static void
job_retried_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShApplication *self = g_task_get_source_object (task);
  ShJobManager *manager = SH_JOB_MANAGER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  job = sh_job_manager_retry_finish (manager, result, &error);

  if (job == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run_in_background (self, manager, job);
  g_task_return_pointer (task, g_steal_pointer (&job), g_object_unref);
}

static void
job_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ShJob *job;

  job = sh_job_manager_start_finish (SH_JOB_MANAGER (object), result, &error);
  if (job == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, job, g_object_unref);
}

/**
 * sh_application_start_job_async:
 * @self: a #ShApplication
 * @type: a job type, such as `sync_scenes`
 * @parameters: (nullable): its parameters
 * @cancellable: (nullable): a #GCancellable for the creation
 * @callback: called once the job is created (it then runs in the background)
 * @user_data: data for @callback
 *
 * Creates a job and runs it. A second active job of an exclusive type is refused with
 * %SH_JOB_ERROR_CONFLICT.
 */
void
sh_application_start_job_async (ShApplication       *self,
                                const char          *type,
                                JsonObject          *parameters,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SH_IS_APPLICATION (self));
  g_return_if_fail (type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_application_start_job_async);

  if (!check_session (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sh_job_manager_start_async (sh_session_get_job_manager (self->session), type, parameters,
                              cancellable, job_started_cb, g_steal_pointer (&task));
}

/**
 * sh_application_start_job_finish:
 * @self: a #ShApplication
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the job, now running
 */
ShJob *
sh_application_start_job_finish (ShApplication  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sh_application_retry_job_async:
 * @self: a #ShApplication
 * @job: a failed or cancelled job
 * @cancellable: (nullable): a #GCancellable for the creation
 * @callback: called once the new job is created (it then runs in the background)
 * @user_data: data for @callback
 *
 * Runs @job again as a new job with the same parameters.
 */
void
sh_application_retry_job_async (ShApplication       *self,
                                ShJob               *job,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SH_IS_APPLICATION (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_application_retry_job_async);

  if (!check_session (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sh_job_manager_retry_async (sh_session_get_job_manager (self->session), job, cancellable,
                              job_retried_cb, g_steal_pointer (&task));
}

/**
 * sh_application_retry_job_finish:
 * @self: a #ShApplication
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new job, now running
 */
ShJob *
sh_application_retry_job_finish (ShApplication  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
request_cancel_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_manager_request_cancel_finish (SH_JOB_MANAGER (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sh_application_cancel_job_async:
 * @self: a #ShApplication
 * @job: an active job
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the cancellation is asked for
 * @user_data: data for @callback
 *
 * Cancels a job. One that runs here is cancelled through the job manager (a Generate is
 * stopped in Stash first); one that another process runs is asked to stop through the
 * database, as `stashhogctl cancel` does, and a Generate is also stopped in Stash.
 */
void
sh_application_cancel_job_async (ShApplication       *self,
                                 ShJob               *job,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ShJobManager *manager;

  g_return_if_fail (SH_IS_APPLICATION (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_application_cancel_job_async);
  g_task_set_task_data (task, g_object_ref (job), g_object_unref);

  if (!check_session (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  manager = sh_session_get_job_manager (self->session);

  /* The one cancel rule: here, elsewhere, a Generate stopped in Stash. */
  sh_job_manager_request_cancel_async (manager, job, cancellable, request_cancel_cb,
                                       g_steal_pointer (&task));
}

gboolean
sh_application_cancel_job_finish (ShApplication  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
