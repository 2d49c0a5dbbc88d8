/* sh-generate-job-follow.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Steps 5 and 7 of a Generate: following Stash's job (subscription events, findJob
 * polling, backoff while Stash cannot be reached, a restarted Stash told from ours) and
 * cancelling it (stopJob, then wait for Stash to say so).
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sh-generate-job-private.h"
#include "sh-job-error.h"
#include "sh-stash-error.h"

/* Step 5: following the job */

static void
show_stash_job (GenerateData     *data,
                const ShStashJob *stash_job)
{
  ShJob *job = data->job;

  switch (stash_job->status)
    {
    case SH_STASH_JOB_READY:
      sh_job_set_progress (job, -1, _("Waiting in Stash’s queue"));
      sh_job_set_sub_task (job, NULL);
      break;

    case SH_STASH_JOB_RUNNING:
    case SH_STASH_JOB_STOPPING:
      {
        g_autofree char *message = NULL;

        if (stash_job->has_progress)
          {
            double percent = 100.0 * stash_job->progress;

            /* Stash counts tasks, not scenes: the scene count is an estimate. */
            sh_job_set_counts (job, (gint64) (stash_job->progress * data->tracked + 0.5),
                               data->tracked);
            message = stash_job->status == SH_STASH_JOB_STOPPING
              ? g_strdup (_("Stopping…"))
              : g_strdup_printf (_("Generating… %.0f%%"), percent);
            sh_job_set_progress (job, percent, message);
          }
        else
          sh_job_set_progress (job, -1, stash_job->status == SH_STASH_JOB_STOPPING
                                          ? _("Stopping…")
                                          : _("Generating (Stash is counting the work)"));

        sh_job_set_sub_task (job, stash_job->sub_tasks ? stash_job->sub_tasks[0] : NULL);

        /* Time left from Stash's own start time and progress. */
        if (stash_job->has_progress && stash_job->progress > 0.001 && stash_job->start_time)
          {
            g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (stash_job->start_time, NULL);
            g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

            if (start != NULL)
              {
                double elapsed = g_date_time_difference (now, start) / (double) G_USEC_PER_SEC;
                double left = elapsed / stash_job->progress - elapsed;

                sh_job_set_eta (job, left >= 0 ? (gint64) left : -1);
              }
          }
        else
          sh_job_set_eta (job, -1);
      }
      break;

    case SH_STASH_JOB_FINISHED:
    case SH_STASH_JOB_CANCELLED:
    case SH_STASH_JOB_FAILED:
    default:
      break;
    }
}

void
_sh_generate_handle_stash_job (GenerateData     *data,
                               const ShStashJob *stash_job)
{
  if (data->done)
    return;

  data->unreachable_since = 0;
  sh_job_set_unreachable_since (data->job, 0);
  data->last_event = g_get_monotonic_time ();

  switch (stash_job->status)
    {
    case SH_STASH_JOB_FINISHED:
      /* Even when a stop was asked for: Stash finished first, and the truth wins. */
      sh_job_context_log (data->context, "Stash job %s finished", data->stash_job_id);
      _sh_generate_finish_success (data, stash_job);
      return;

    case SH_STASH_JOB_CANCELLED:
      {
        g_autoptr(JsonObject) out = _sh_generate_base_result (data, "cancelled", 0);

        if (!data->stop_requested)
          json_object_set_string_member (out, "reason", "cancelled in Stash");
        sh_job_context_log (data->context, "Stash job %s cancelled", data->stash_job_id);
        _sh_generate_complete (data, out, NULL);
      }
      return;

    case SH_STASH_JOB_FAILED:
      if (stash_job->error != NULL && *stash_job->error != '\0')
        _sh_generate_fail_text (data, SH_JOB_ERROR_STASH_FAILED,
                                sh_text_new (SH_TEXT_STASH_JOB_FAILED, stash_job->error, NULL));
      else
        _sh_generate_fail_text (data, SH_JOB_ERROR_STASH_FAILED,
                                sh_text_new (SH_TEXT_STASH_JOB_FAILED_SILENTLY, NULL));
      return;

    case SH_STASH_JOB_READY:
    case SH_STASH_JOB_RUNNING:
    case SH_STASH_JOB_STOPPING:
    default:
      show_stash_job (data, stash_job);
      break;
    }
}

static void
fail_lost (GenerateData *data)
{
  _sh_generate_fail_text (data, SH_JOB_ERROR_STASH_LOST,
                          sh_text_new (SH_TEXT_STASH_RESTARTED, NULL));
}

/* Whether @stash_job is ours: the same id, description and addTime as when we first saw
 * it. The first sighting pins addTime, but only of a Generate; one first seen after a
 * look-up failed must also have been added around the time we asked (a restarted Stash
 * numbers its jobs from 1 again). Fails the run and returns FALSE otherwise. */
gboolean
_sh_generate_identify (GenerateData     *data,
                       const ShStashJob *stash_job)
{
  if (g_strcmp0 (stash_job->description, GENERATE_DESCRIPTION) != 0)
    {
      sh_job_context_log (data->context, "Stash job %s is now “%s”: not ours",
                          data->stash_job_id, stash_job->description);
      fail_lost (data);
      return FALSE;
    }

  if (data->add_time != NULL)
    {
      if (g_strcmp0 (stash_job->add_time, data->add_time) == 0)
        return TRUE;
      fail_lost (data);
      return FALSE;
    }

  if (data->identify_failed && data->sent_at != 0)
    {
      gint64 added = _sh_generate_parse_time (stash_job->add_time);

      if (added == 0 || ABS (added - data->sent_at) > (gint64) IDENTIFY_WINDOW_S * G_USEC_PER_SEC)
        {
          sh_job_context_log (data->context, "Stash job %s was added at %s, not when we "
                              "asked: not ours", data->stash_job_id,
                              stash_job->add_time ? stash_job->add_time : "(unknown)");
          _sh_generate_fail_text (data, SH_JOB_ERROR_STASH_LOST,
                                  sh_text_new (SH_TEXT_COULD_NOT_TELL, data->stash_job_id,
                                               NULL));
          return FALSE;
        }
    }

  data->add_time = g_strdup (stash_job->add_time);
  sh_job_set_stash_job (data->job, data->stash_job_id, data->add_time);
  sh_job_context_persist_now (data->context);

  return TRUE;
}

void
_sh_generate_on_job_update (ShStashSubscription *subscription,
                            guint                type,
                            ShStashJob          *stash_job,
                            GenerateData        *data)
{
  if (data->done || data->stash_job_id == NULL ||
      g_strcmp0 (stash_job->id, data->stash_job_id) != 0)
    return;

  /* An event for our id with another addTime is a new job of a restarted Stash. */
  if (!_sh_generate_identify (data, stash_job))
    return;

  _sh_generate_handle_stash_job (data, stash_job);
}

gboolean
_sh_generate_is_transient (const GError *error)
{
  return g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT) ||
         g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_CONNECTION_LOST) ||
         g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_TIMEOUT) ||
         g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP) ||
         g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_JSON);
}

static gboolean
check_stop_deadline (GenerateData *data)
{
  /* StashHog stopped waiting (a second Ctrl-C): the manager ended the job already. */
  if (sh_job_context_is_abandoned (data->context))
    {
      _sh_generate_complete (data, NULL,
                             g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "abandoned"));
      return TRUE;
    }

  /* The manager stopped waiting (sh_job_manager_abandon()) and ended the job: stop too. */
  if (sh_job_context_is_abandoned (data->context))
    {
      _sh_generate_complete (data, NULL,
                             g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "abandoned"));
      return TRUE;
    }

  if (data->stop_requested && data->stop_deadline > 0 &&
      g_get_monotonic_time () > data->stop_deadline)
    {
      guint timeout = sh_job_manager_get_stop_timeout (sh_job_context_get_manager (data->context));
      g_autofree char *seconds = g_strdup_printf ("%u", timeout);

      _sh_generate_fail_text (data, SH_JOB_ERROR_STOP_TIMEOUT,
                              sh_text_new_plural (SH_TEXT_STOP_NOT_CONFIRMED, timeout, seconds,
                                                  data->stash_job_id, NULL));
      return TRUE;
    }

  return FALSE;
}

static void
find_job_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  ShJobManager *manager;
  g_autoptr(ShStashJob) stash_job = NULL;
  g_autoptr(GError) error = NULL;
  guint poll_ms;

  data->polling = FALSE;
  if (!sh_stash_client_find_job_finish (SH_STASH_CLIENT (object), result, &stash_job, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (data->done)
    return;

  manager = sh_job_context_get_manager (data->context);
  poll_ms = sh_job_manager_get_poll_interval (manager);

  if (error != NULL)
    {
      gint64 now = g_get_monotonic_time ();
      guint grace = sh_job_manager_get_grace_period (manager);
      g_autofree char *message = NULL;

      if (!_sh_generate_is_transient (error))
        {
          _sh_generate_complete (data, NULL, g_steal_pointer (&error));
          return;
        }

      if (data->add_time == NULL)
        data->identify_failed = TRUE;
      if (data->unreachable_since == 0)
        {
          data->unreachable_since = now;
          /* The row says since when; an estimate made before is stale now. */
          sh_job_set_unreachable_since (data->job, g_get_real_time ());
          sh_job_set_eta (data->job, -1);
        }
      /* "Unreachable" only when Stash cannot be reached; a proxy's 502 or a timeout is a
       * request that fails, and says so. */
      if (now - data->unreachable_since > (gint64) grace * G_USEC_PER_SEC)
        {
          g_autofree char *seconds = g_strdup_printf ("%u", grace);

          if (sh_stash_error_is_unreachable (error))
            _sh_generate_fail_text (data, SH_JOB_ERROR_STASH_UNREACHABLE,
                                    sh_text_new_plural (SH_TEXT_UNREACHABLE_TOO_LONG, grace,
                                                        seconds, error->message, NULL));
          else
            _sh_generate_fail_text (data, SH_JOB_ERROR_STASH_UNREACHABLE,
                                    sh_text_new_plural (SH_TEXT_POLL_FAILED_TOO_LONG, grace,
                                                        data->stash_job_id, seconds,
                                                        error->message, NULL));
          return;
        }
      if (check_stop_deadline (data))
        return;

      message = sh_stash_error_is_unreachable (error)
        ? g_strdup_printf (_("Stash is unreachable; retrying (%s)"), error->message)
        : g_strdup_printf (_("Stash’s answer about the job failed; retrying (%s)"), error->message);
      sh_job_set_progress (data->job, sh_job_get_progress (data->job), message);

      /* Back off: twice the last delay, up to half a minute. */
      data->poll_delay_ms = MIN (MAX (data->poll_delay_ms, poll_ms) * 2, MAX_BACKOFF_MS);
      _sh_generate_schedule_poll (data, data->poll_delay_ms);
      return;
    }

  data->poll_delay_ms = poll_ms;

  if (stash_job == NULL)
    {
      _sh_generate_fail_text (data, SH_JOB_ERROR_STASH_LOST,
                              sh_text_new (SH_TEXT_STASH_FORGOT_JOB, data->stash_job_id, NULL));
      return;
    }

  if (!_sh_generate_identify (data, stash_job))
    return;

  _sh_generate_handle_stash_job (data, stash_job);
  if (data->done)
    return;

  if (data->stop_requested && !data->stop_sent)
    _sh_generate_send_stop (data);
  if (check_stop_deadline (data))
    return;

  _sh_generate_schedule_poll (data, poll_ms);
}

void
_sh_generate_poll_now (GenerateData *data)
{
  if (data->polling || data->done || data->stash_job_id == NULL)
    return;

  data->polling = TRUE;
  sh_stash_client_find_job_async (data->client, data->stash_job_id, data->io, find_job_cb,
                                  _sh_generate_data_ref (data));
}

static gboolean
poll_timeout (gpointer user_data)
{
  GenerateData *data = user_data;
  ShJobManager *manager = sh_job_context_get_manager (data->context);
  gint64 quiet = (gint64) sh_job_manager_get_poll_interval (manager) * QUIET_FACTOR * 1000;

  data->poll_source = 0;

  /* A live, recently heard socket makes polling unnecessary; check again later. */
  if (data->subscription != NULL && sh_stash_subscription_get_connected (data->subscription) &&
      data->unreachable_since == 0 && !data->stop_requested &&
      g_get_monotonic_time () - data->last_event < quiet)
    {
      _sh_generate_schedule_poll (data, sh_job_manager_get_poll_interval (manager));
      return G_SOURCE_REMOVE;
    }

  _sh_generate_poll_now (data);
  return G_SOURCE_REMOVE;
}

void
_sh_generate_schedule_poll (GenerateData *data,
                            guint         delay_ms)
{
  g_clear_handle_id (&data->poll_source, g_source_remove);
  if (!data->done)
    data->poll_source = g_timeout_add (delay_ms, poll_timeout, data);
}

void
_sh_generate_on_subscription_connected (ShStashSubscription *subscription,
                                        GenerateData        *data)
{
  /* Events may have been missed while the socket was down: ask now. */
  if (data->stash_job_id != NULL)
    {
      g_clear_handle_id (&data->poll_source, g_source_remove);
      _sh_generate_poll_now (data);
    }
}

/* Step 7: cancel */

static void
stop_job_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_stash_client_stop_job_finish (SH_STASH_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || data->done)
        return;

      /* Try again with the next poll, until the stop deadline. */
      g_debug ("stopJob failed: %s", error->message);
      data->stop_sent = FALSE;
      return;
    }

  sh_job_context_log (data->context, "Asked Stash to stop job %s", data->stash_job_id);
  /* Stash sends no event for the stop itself: ask soon. */
  if (!data->done)
    _sh_generate_schedule_poll (data, 200);
}

void
_sh_generate_send_stop (GenerateData *data)
{
  if (data->stop_sent || data->stash_job_id == NULL || data->done)
    return;

  data->stop_sent = TRUE;
  sh_stash_client_stop_job_async (data->client, data->stash_job_id, data->io, stop_job_cb,
                                  _sh_generate_data_ref (data));
}

static void
on_cancelled (GCancellable *cancellable,
              GenerateData *data)
{
  guint timeout;

  if (data->stop_requested || data->done)
    return;

  data->stop_requested = TRUE;
  timeout = sh_job_manager_get_stop_timeout (sh_job_context_get_manager (data->context));
  data->stop_deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;

  /* Nothing sent to Stash yet: nothing to stop. */
  if (!data->generate_sent)
    return;

  _sh_generate_send_stop (data);
}

static gboolean
cancelled_idle (gpointer user_data)
{
  on_cancelled (NULL, user_data);
  return G_SOURCE_REMOVE;
}

void
_sh_generate_on_cancelled_any_thread (GCancellable *cancellable,
                                      GenerateData *data)
{
  /* The cancellable may be cancelled from another thread (a signal handler thread, say). */
  g_idle_add_full (G_PRIORITY_HIGH, cancelled_idle, _sh_generate_data_ref (data),
                   (GDestroyNotify) _sh_generate_data_unref);
}

