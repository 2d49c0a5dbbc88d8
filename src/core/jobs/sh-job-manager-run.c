/* sh-job-manager-run.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running a job: the handler with its cancellable, the status from its result, every
 * change persisted (coalesced), the heartbeat in `job_owner`, and the one cancel rule
 * (here, through another process, or by abandoning a run).
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "sh-job-error.h"
#include "sh-job-manager-private.h"
#include "sh-stash-error.h"
#include "sh-store-error.h"

/* A running job's owner beats at least this often; one silent for the stale threshold
 * (by the database's clock) is dead. */
#define HEARTBEAT_S 5

static void
run_data_free (RunData *run)
{
  g_clear_handle_id (&run->persist_source, g_source_remove);
  g_clear_handle_id (&run->heartbeat_source, g_source_remove);
  g_clear_signal_handler (&run->notify_id, run->job);
  if (run->caller_cancellable != NULL && run->caller_cancelled_id != 0)
    g_cancellable_disconnect (run->caller_cancellable, run->caller_cancelled_id);
  g_clear_object (&run->caller_cancellable);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->waiters, g_ptr_array_unref);
  g_clear_pointer (&run->context.parameters, json_object_unref);
  g_clear_object (&run->job);
  g_clear_object (&run->manager);
  g_free (run);
}

/* Persistence */

static gboolean persist_timeout (gpointer user_data);

static void
persist_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunData *run = user_data;
  g_autoptr(GError) error = NULL;

  run->writing = FALSE;
  run->manager->write_count++;

  if (!sh_job_store_update_finish (SH_JOB_STORE (object), result, &error))
    {
      /* Lost while the database was being closed or never came back: the row is written
       * again, whole, later; the final outcome is never dropped while the database is
       * open. */
      if (g_error_matches (error, SH_STORE_ERROR, SH_STORE_ERROR_CONNECTION_LOST))
        {
          g_debug ("Could not save job %s yet: %s", sh_job_get_id (run->job), error->message);
          run->dirty = TRUE;
          g_clear_handle_id (&run->persist_source, g_source_remove);
          run->persist_source = g_timeout_add_seconds (1, persist_timeout, run);
          return;
        }
      g_warning ("Could not save job %s: %s", sh_job_get_id (run->job), error->message);
    }

  if (run->dirty || run->finishing)
    _sh_job_manager_persist (run);
}

static void
release_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunData *run = user_data;
  GTask *task = g_steal_pointer (&run->task);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&run->waiters);
  g_autoptr(GError) error = NULL;

  /* A row left behind is harmless: only active jobs are judged by it. */
  if (!sh_job_store_release_finish (SH_JOB_STORE (object), result, &error))
    g_debug ("Could not release job %s: %s", sh_job_get_id (run->job), error->message);

  g_hash_table_remove (run->manager->runs, sh_job_get_id (run->job));
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Writes the job's row now, or right after the write in flight. */
void
_sh_job_manager_persist (RunData *run)
{
  g_autoptr(ShJobRecord) record = NULL;

  g_clear_handle_id (&run->persist_source, g_source_remove);

  if (run->writing)
    {
      run->dirty = TRUE;
      return;
    }

  /* The final write has been made: the job is no longer ours, then the run is over. */
  if (run->finishing && !run->dirty)
    {
      if (!run->releasing)
        {
          run->releasing = TRUE;
          sh_job_store_release_async (run->manager->job_store, sh_job_get_id (run->job),
                                      run->manager->owner, NULL, release_cb, run);
        }
      return;
    }

  run->dirty = FALSE;
  run->writing = TRUE;
  record = sh_job_record_copy (sh_job_get_record (run->job));
  record->updated_at = g_get_real_time ();
  sh_job_store_update_async (run->manager->job_store, record, NULL, persist_cb, run);
}

static gboolean
persist_timeout (gpointer user_data)
{
  RunData *run = user_data;

  run->persist_source = 0;
  _sh_job_manager_persist (run);

  return G_SOURCE_REMOVE;
}

static void
on_job_notify (ShJob      *job,
               GParamSpec *pspec,
               RunData    *run)
{
  /* Coalesced: one write per interval at most, whatever the handler reports. */
  run->dirty = TRUE;
  if (run->persist_source == 0 && !run->writing && !run->finishing)
    run->persist_source = g_timeout_add (run->manager->persist_interval_ms, persist_timeout, run);
}

static void
heartbeat_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree char *id = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_heartbeat_finish (SH_JOB_STORE (object), result, &error))
    {
      if (error != NULL)
        g_warning ("Could not write the heartbeat of job %s: %s", id, error->message);
      else
        g_warning ("Job %s is no longer ours: another process judged this one dead and "
                   "took it over", id);
    }
}

/* Another process asked to cancel the job (sh_job_manager_request_cancel_async()): the
 * row says `cancelling` while this run did not cancel itself. */
static void
cancel_check_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ShJobManager) self = user_data;
  g_autoptr(ShJobRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  RunData *run;

  record = sh_job_store_get_finish (SH_JOB_STORE (object), result, &error);
  if (record == NULL)
    return;

  run = g_hash_table_lookup (self->runs, record->id);
  if (run == NULL || run->finishing || g_cancellable_is_cancelled (run->cancellable))
    return;

  if (g_strcmp0 (record->status, "cancelling") == 0)
    {
      g_debug ("Job %s: another process asked to cancel it", record->id);
      g_cancellable_cancel (run->cancellable);
    }
}

static gboolean
heartbeat (gpointer user_data)
{
  RunData *run = user_data;

  if (run->finishing)
    return G_SOURCE_CONTINUE;

  sh_job_store_heartbeat_async (run->manager->job_store, sh_job_get_id (run->job),
                                run->manager->owner, NULL, heartbeat_cb,
                                g_strdup (sh_job_get_id (run->job)));
  if (!g_cancellable_is_cancelled (run->cancellable))
    sh_job_store_get_async (run->manager->job_store, sh_job_get_id (run->job), NULL,
                            cancel_check_cb, g_object_ref (run->manager));
  /* The row too, so that other processes following the list see the job move. */
  if (run->persist_source == 0 && !run->writing)
    _sh_job_manager_persist (run);

  return G_SOURCE_CONTINUE;
}

static void
claim_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree char *id = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_claim_finish (SH_JOB_STORE (object), result, &error))
    g_warning ("Could not own job %s: %s", id,
               error ? error->message : "another live process owns it");
}

/* Running */

static const char *
result_status (JsonObject *result)
{
  if (result == NULL || !json_object_has_member (result, "status"))
    return NULL;

  return json_object_get_string_member_with_default (result, "status", NULL);
}

/* The message StashHog wrote into @error, whichever of its domains it is from. */
static const ShText *
error_text (const GError *error)
{
  const ShText *text = sh_job_error_get_text (error);

  return text != NULL ? text : sh_stash_error_get_text (error);
}

/* The message a handler left untranslated beside its result's `error`. */
static ShText *
result_error_text (JsonObject *result)
{
  JsonNode *texts = json_object_get_member (result, SH_JOB_RESULT_TEXTS);

  if (texts == NULL || !JSON_NODE_HOLDS_OBJECT (texts) ||
      !json_object_has_member (json_node_get_object (texts), "error"))
    return NULL;

  return sh_text_from_json (json_object_get_object_member (json_node_get_object (texts),
                                                           "error"));
}

/* Sets the job's message to @text in the current language, and keeps @text. */
static void
set_progress_text (ShJob   *job,
                   double   percent,
                   ShText  *text,
                   ShText **kept)
{
  g_autofree char *message = sh_text_render (text);

  sh_job_set_progress (job, percent, message);
  *kept = text;
}

static void
finish_run (RunData    *run,
            JsonObject *result,
            GError     *error)
{
  ShJob *job = run->job;
  const char *status = result_status (result);
  ShJobRecord *record = (ShJobRecord *) sh_job_get_record (job);
  g_autoptr(ShText) message_text = NULL;
  g_autoptr(ShText) failure_text = NULL;

  g_object_freeze_notify (G_OBJECT (job));

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sh_job_set_status (job, SH_JOB_CANCELLED);
      set_progress_text (job, sh_job_get_progress (job), sh_text_new (SH_TEXT_CANCELLED, NULL),
                         &message_text);
    }
  else if (error != NULL)
    {
      sh_job_set_status (job, SH_JOB_FAILED);
      sh_job_set_error (job, error->message);
      if (error_text (error) != NULL)
        failure_text = sh_text_copy (error_text (error));
      set_progress_text (job, sh_job_get_progress (job), sh_text_new (SH_TEXT_FAILED, NULL),
                         &message_text);
    }
  else if (g_strcmp0 (status, "failed") == 0)
    {
      const char *message = json_object_get_string_member_with_default (result, "error", NULL);

      sh_job_set_status (job, SH_JOB_FAILED);
      if (message != NULL)
        {
          sh_job_set_error (job, message);
          failure_text = result_error_text (result);
        }
      else
        {
          failure_text = sh_text_new (SH_TEXT_JOB_FAILED, NULL);
          sh_job_set_error (job, _(SH_TEXT_JOB_FAILED));
        }
      set_progress_text (job, sh_job_get_progress (job), sh_text_new (SH_TEXT_FAILED, NULL),
                         &message_text);
    }
  else if (g_strcmp0 (status, "cancelled") == 0)
    {
      sh_job_set_status (job, SH_JOB_CANCELLED);
      set_progress_text (job, sh_job_get_progress (job), sh_text_new (SH_TEXT_CANCELLED, NULL),
                         &message_text);
    }
  else if (g_strcmp0 (status, "completed_with_errors") == 0)
    {
      gint64 n_errors = 0;
      g_autofree char *count = NULL;

      if (json_object_has_member (result, "errors"))
        {
          JsonNode *errors = json_object_get_member (result, "errors");

          n_errors = JSON_NODE_HOLDS_ARRAY (errors)
            ? json_array_get_length (json_node_get_array (errors))
            : json_node_get_int (errors);
        }
      count = g_strdup_printf ("%" PRId64, n_errors);
      sh_job_set_status (job, SH_JOB_COMPLETED);
      set_progress_text (job, 100,
                         sh_text_new_plural (SH_TEXT_COMPLETED_WITH_ERRORS, MAX (n_errors, 0),
                                             count, NULL),
                         &message_text);
    }
  else
    {
      /* A workflow may say in a sentence what it did ("12 scenes generated, …"). */
      const char *summary = result != NULL
        ? json_object_get_string_member_with_default (result, "summary", NULL)
        : NULL;

      sh_job_set_status (job, SH_JOB_COMPLETED);
      if (sh_job_get_total_items (job) >= 0)
        sh_job_set_counts (job, sh_job_get_total_items (job), sh_job_get_total_items (job));
      if (summary != NULL)
        sh_job_set_progress (job, 100, summary);
      else
        set_progress_text (job, 100, sh_text_new (SH_TEXT_COMPLETED, NULL), &message_text);
    }

  if (result != NULL)
    sh_job_set_result (job, result);
  sh_job_set_texts (job, message_text, failure_text);
  sh_job_set_sub_task (job, NULL);
  sh_job_set_eta (job, -1);
  record->completed_at = g_get_real_time ();

  g_object_thaw_notify (G_OBJECT (job));

  g_debug ("Job %s (%s) ended %s", sh_job_get_id (job), sh_job_get_job_type (job),
           sh_job_status_to_string (sh_job_get_status (job)));

  run->finishing = TRUE;
  run->dirty = TRUE;
  g_clear_handle_id (&run->heartbeat_source, g_source_remove);
  if (!run->writing)
    _sh_job_manager_persist (run);
}

/* The handler holds the run's task (and so the run and its context) until it returns,
 * even after an abandoned run has ended without it. */
static void
handler_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *run = g_task_get_task_data (task);
  g_autoptr(JsonObject) value = NULL;
  g_autoptr(GError) error = NULL;

  value = run->info->run_finish (result, &error);
  if (run->abandoned)
    {
      g_debug ("Job %s: the handler of the abandoned run returned", sh_job_get_id (run->job));
      return;
    }
  finish_run (run, value, error);
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     RunData      *run)
{
  /* May run in another thread's emission; the handler's cancellable is thread-safe. */
  g_cancellable_cancel (run->cancellable);
}

static void
on_handler_cancelled (GCancellable *cancellable,
                      RunData      *run)
{
  if (sh_job_get_status (run->job) == SH_JOB_RUNNING || sh_job_get_status (run->job) == SH_JOB_PENDING)
    {
      sh_job_set_status (run->job, SH_JOB_CANCELLING);
      sh_job_set_progress (run->job, sh_job_get_progress (run->job), _("Cancelling…"));
    }
}

/* Several beats per stale period, so that one late beat does not make a live job stale. */
static guint
heartbeat_interval (ShJobManager *self)
{
  return CLAMP (self->stale_after_s / 3, 1, HEARTBEAT_S);
}

void
_sh_job_manager_start_run (ShJobManager *self,
                           ShJob        *job,
                           gboolean      reattach,
                           GCancellable *cancellable,
                           GTask        *task)
{
  const ShJobTypeInfo *info = sh_job_manager_lookup_type (self, sh_job_get_job_type (job));
  g_autoptr(GError) error = NULL;
  ShJobRecord *record;
  RunData *run;

  if (info == NULL)
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_UNKNOWN_TYPE,
                               _("This version of StashHog cannot run jobs of type “%s”."),
                               sh_job_get_job_type (job));
      return;
    }

  if (g_hash_table_contains (self->runs, sh_job_get_id (job)))
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT,
                               _("The job %s is already running."), sh_job_get_id (job));
      return;
    }

  run = g_new0 (RunData, 1);
  run->manager = g_object_ref (self);
  run->job = g_object_ref (job);
  run->task = g_object_ref (task);
  run->info = info;
  run->cancellable = g_cancellable_new ();
  run->context.manager = self;
  run->context.job = job;
  run->context.reattach = reattach;
  run->context.run = run;
  run->context.parameters = sh_job_dup_parameters (job);
  g_task_set_task_data (task, run, (GDestroyNotify) run_data_free);
  g_hash_table_insert (self->runs, (gpointer) sh_job_get_id (job), run);

  if (cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (cancellable);
      run->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (on_caller_cancelled),
                                                        run, NULL);
    }
  g_signal_connect (run->cancellable, "cancelled", G_CALLBACK (on_handler_cancelled), run);

  /* Parameters are validated again: a retried job or another process may hold old ones. */
  if (info->validate != NULL && !info->validate (run->context.parameters, &error))
    {
      finish_run (run, NULL, error);
      return;
    }

  record = (ShJobRecord *) sh_job_get_record (job);
  if (!reattach || record->started_at == 0)
    record->started_at = g_get_real_time ();
  sh_job_set_status (job, SH_JOB_RUNNING);
  run->notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), run);
  /* Ours since its creation or its recovery; claiming again refreshes the heartbeat, and
   * makes a job created without an owner ours. */
  sh_job_store_claim_async (self->job_store, sh_job_get_id (job), self->owner,
                            self->stale_after_s, NULL, claim_cb, g_strdup (sh_job_get_id (job)));
  run->heartbeat_source = g_timeout_add_seconds (heartbeat_interval (self), heartbeat, run);
  _sh_job_manager_persist (run);

  g_debug ("Job %s (%s) %s", sh_job_get_id (job), info->name, reattach ? "re-attached" : "started");
  info->run_async (&run->context, run->cancellable, handler_cb, g_object_ref (task));
}

/**
 * sh_job_manager_run_async:
 * @self: a #ShJobManager
 * @job: a pending job of this manager
 * @cancellable: (nullable): cancelling it cancels the job (as sh_job_manager_cancel())
 * @callback: called when the job has ended, whatever its status
 * @user_data: data for @callback
 *
 * Runs a job. The callback sees an error only when the job could not be run at all; the
 * job's own outcome is its status.
 */
void
sh_job_manager_run_async (ShJobManager        *self,
                          ShJob               *job,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_run_async);

  if (sh_job_get_status (job) != SH_JOB_PENDING)
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT,
                               _("The job %s has already run; retry it instead."),
                               sh_job_get_id (job));
      return;
    }

  _sh_job_manager_start_run (self, job, FALSE, cancellable, task);
}

gboolean
sh_job_manager_run_finish (ShJobManager  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_job_manager_cancel:
 * @self: a #ShJobManager
 * @job: a job this manager is running
 *
 * Asks the job to stop. Its status becomes `cancelling` at once and `cancelled` when the
 * work (and, for Generate, Stash) has really stopped.
 */
void
sh_job_manager_cancel (ShJobManager *self,
                       ShJob        *job)
{
  RunData *run;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  run = g_hash_table_lookup (self->runs, sh_job_get_id (job));
  if (run != NULL)
    g_cancellable_cancel (run->cancellable);
}

static void
stop_stash_job_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_stash_client_stop_job_finish (SH_STASH_CLIENT (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
request_cancel_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  ShJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_request_cancel_finish (SH_JOB_STORE (object), result, &error))
    {
      if (error == NULL)
        error = g_error_new (SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE,
                             _("The job is not running any more."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A Generate run elsewhere is also stopped in Stash at once: its owner sees CANCELLED
   * and records it (and a Generate whose owner died is stopped all the same). */
  if (g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) == 0 &&
      sh_job_get_stash_job_id (job) != NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      sh_stash_client_stop_job_async (self->client, sh_job_get_stash_job_id (job), cancellable,
                                      stop_stash_job_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * sh_job_manager_request_cancel_async:
 * @self: a #ShJobManager
 * @job: an active job, of any type, run here or by another process (on this machine or
 *   another one sharing the database)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the cancellation is asked for
 * @user_data: data for @callback
 *
 * The one cancel rule, for the app and stashhogctl: cancels a job wherever it runs. Here,
 * as sh_job_manager_cancel(). Elsewhere, the job's row turns `cancelling`; its owner sees
 * it on its next heartbeat (a few seconds) and cancels its run, which ends `cancelled` as
 * if cancelled there; a Generate is also stopped in Stash at once. A job that is not
 * active fails with %SH_JOB_ERROR_NOT_RETRYABLE.
 */
void
sh_job_manager_request_cancel_async (ShJobManager        *self,
                                     ShJob               *job,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_request_cancel_async);
  g_task_set_task_data (task, g_object_ref (job), g_object_unref);

  if (!sh_job_is_active (job))
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE,
                               _("The job is not running any more."));
      return;
    }

  if (sh_job_manager_is_running_here (self, job))
    {
      sh_job_manager_cancel (self, job);
      g_task_return_boolean (task, TRUE);
      return;
    }

  sh_job_store_request_cancel_async (self->job_store, sh_job_get_id (job), cancellable,
                                     request_cancel_cb, g_steal_pointer (&task));
}

gboolean
sh_job_manager_request_cancel_finish (ShJobManager  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sh_job_manager_is_running_here (ShJobManager *self,
                                ShJob        *job)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (SH_IS_JOB (job), FALSE);

  return g_hash_table_contains (self->runs, sh_job_get_id (job));
}

/**
 * sh_job_manager_abandon:
 * @self: a #ShJobManager
 * @job: a job this manager is running
 *
 * Stops waiting for a job to stop — when Stash never confirms a stop and the user insists.
 * The job is cancelled (if it was not yet), then ends at once as failed, its error saying
 * that StashHog stopped waiting and that Stash may still be stopping its job: a job shown
 * as cancelled never has a Stash job behind it. The handler learns it from
 * sh_job_context_is_abandoned(); whatever it returns later is ignored.
 *
 * Returns: %TRUE when the job was abandoned; %FALSE when it does not run here or has ended
 */
gboolean
sh_job_manager_abandon (ShJobManager *self,
                        ShJob        *job)
{
  g_autoptr(GError) error = NULL;
  const char *stash_job_id;
  RunData *run;

  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (SH_IS_JOB (job), FALSE);

  run = g_hash_table_lookup (self->runs, sh_job_get_id (job));
  if (run == NULL || run->finishing)
    return FALSE;

  /* Abandoned first: a handler that returns as soon as it is cancelled is ignored too. */
  run->abandoned = TRUE;
  g_cancellable_cancel (run->cancellable);

  stash_job_id = sh_job_get_stash_job_id (job);
  if (stash_job_id != NULL)
    error = sh_job_error_new_text (SH_JOB_ERROR_STOP_TIMEOUT,
                                   sh_text_new (SH_TEXT_STOPPED_WAITING_STASH, stash_job_id,
                                                NULL));
  else
    error = sh_job_error_new_text (SH_JOB_ERROR_STOP_TIMEOUT,
                                   sh_text_new (SH_TEXT_STOPPED_WAITING, NULL));
  finish_run (run, NULL, error);

  return TRUE;
}

/**
 * sh_job_manager_wait_async:
 * @self: a #ShJobManager
 * @job: a job
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when this manager's run of @job has ended (at once if it runs
 *   elsewhere or not at all)
 * @user_data: data for @callback
 *
 * Waits for a run started by someone else: a job re-attached at load, say.
 */
void
sh_job_manager_wait_async (ShJobManager        *self,
                           ShJob               *job,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *run;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_wait_async);

  run = g_hash_table_lookup (self->runs, sh_job_get_id (job));
  if (run == NULL || run->task == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (run->waiters == NULL)
    run->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (run->waiters, g_steal_pointer (&task));
}

gboolean
sh_job_manager_wait_finish (ShJobManager  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_job_manager_get_owner:
 * @self: a #ShJobManager
 *
 * Returns: the name this manager (this process) goes by in `job_owner`
 */
const char *
sh_job_manager_get_owner (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return self->owner;
}

/**
 * sh_job_manager_set_stale_after:
 * @self: a #ShJobManager
 * @seconds: how long a job's owner may go without a heartbeat before the job counts as
 *   orphaned (at least 1; 30 by default)
 *
 * Also sets how often this manager's own jobs beat (a third of it, at most every 5 s).
 * Processes sharing a database should agree on it; tests shorten it.
 */
void
sh_job_manager_set_stale_after (ShJobManager *self,
                                guint         seconds)
{
  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  self->stale_after_s = MAX (seconds, 1);
}

guint
sh_job_manager_get_stale_after (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), 0);
  return self->stale_after_s;
}

