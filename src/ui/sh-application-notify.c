/* sh-application-notify.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How the application tells that a job ended: the job-ended signal for the window, and a
 * desktop notification (with Show Details and Retry Failed Scenes) when no window of
 * StashHog has the focus.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-application-private.h"
#include "sh-core.h"
#include "sh-job-error.h"

/* Watching jobs for notifications */

typedef struct
{
  ShJob       *job;      /* (owned) */
  gulong       handler;
  ShJobStatus  status;
} JobWatch;

static void
job_watch_free (JobWatch *watch)
{
  g_clear_signal_handler (&watch->handler, watch->job);
  g_clear_object (&watch->job);
  g_free (watch);
}

static const char *
job_type_label (ShApplication *self,
                ShJob         *job)
{
  const ShJobTypeInfo *info = NULL;

  if (self->session != NULL)
    info = sh_job_manager_lookup_type (sh_session_get_job_manager (self->session),
                                       sh_job_get_job_type (job));

  return info != NULL ? _(info->label) : sh_job_get_job_type (job);
}

/* The Generate whose failed scenes a retry would take: the job itself, or the Generate
 * step of a maintenance run; %NULL when no scene failed. */
static char *
generate_with_failures (ShJob *job)
{
  g_autoptr(JsonObject) result = sh_job_dup_result (job);
  JsonArray *steps;

  if (result == NULL)
    return NULL;
  if (g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) == 0)
    return json_object_get_int_member_with_default (result, "scenes_failed", 0) > 0
           ? g_strdup (sh_job_get_id (job)) : NULL;
  if (json_object_get_int_member_with_default (result, "scenes_incomplete", 0) <= 0 ||
      !json_object_has_member (result, "steps"))
    return NULL;

  steps = json_object_get_array_member (result, "steps");
  for (guint i = 0; steps != NULL && i < json_array_get_length (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);

      if (step != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (step, "type", NULL),
                     SH_JOB_TYPE_GENERATE) == 0 &&
          json_object_has_member (step, "job_id"))
        return g_strdup (json_object_get_string_member (step, "job_id"));
    }

  return NULL;
}

static void
sh_application_job_ended (ShApplication *self,
                          ShJob         *job)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;
  g_autofree char *failed_of = NULL;
  g_autofree char *body = NULL;
  const char *label = job_type_label (self, job);
  GtkWindow *window;

  if (!g_settings_get_boolean (self->settings, "notify-on-finish"))
    return;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL && gtk_window_is_active (window))
    return;

  switch (sh_job_get_status (job))
    {
    case SH_JOB_COMPLETED:
      /* Translators: %s is a job type, such as “Generate Metadata” */
      title = g_strdup_printf (_("%s Finished"), label);
      body = sh_job_dup_message_display (job);
      break;

    case SH_JOB_FAILED:
      /* Translators: %s is a job type, such as “Generate Metadata” */
      title = g_strdup_printf (_("%s Failed"), label);
      body = sh_job_dup_error_display (job);
      break;

    case SH_JOB_CANCELLED:
      /* Translators: %s is a job type, such as “Generate Metadata” */
      title = g_strdup_printf (_("%s Cancelled"), label);
      body = sh_job_dup_message_display (job);
      break;

    case SH_JOB_PENDING:
    case SH_JOB_RUNNING:
    case SH_JOB_CANCELLING:
    default:
      return;
    }

  /* A scheduled run that found nothing to do is not worth an interruption. */
  failed_of = generate_with_failures (job);
  if (sh_job_get_status (job) == SH_JOB_COMPLETED && failed_of == NULL &&
      g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_MAINTENANCE) == 0)
    {
      g_autoptr(JsonObject) result = sh_job_dup_result (job);

      if (result != NULL && json_object_get_int_member_with_default (result, "scenes_generated", 0) == 0 &&
          json_object_get_int_member_with_default (result, "scenes_failing", 0) == 0)
        return;
    }

  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  if (sh_job_get_status (job) == SH_JOB_FAILED || failed_of != NULL)
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.show-job", "s",
                                                sh_job_get_id (job));
  g_notification_add_button_with_target (notification, _("Show Details"), "app.show-job", "s",
                                         sh_job_get_id (job));
  if (failed_of != NULL)
    g_notification_add_button_with_target (notification, _("Retry Failed Scenes"),
                                           "app.retry-failed", "s", failed_of);

  id = g_strconcat ("job-", sh_job_get_id (job), NULL);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static gboolean
status_is_active (ShJobStatus status)
{
  return status == SH_JOB_PENDING || status == SH_JOB_RUNNING || status == SH_JOB_CANCELLING;
}

static void
on_job_status (ShJob         *job,
               GParamSpec    *pspec,
               ShApplication *self)
{
  JobWatch *watch = g_hash_table_lookup (self->watches, job);
  ShJobStatus status = sh_job_get_status (job);
  ShJobStatus before;

  if (watch == NULL)
    return;

  before = watch->status;
  watch->status = status;

  if (status_is_active (before) && !status_is_active (status))
    {
      sh_application_job_ended (self, job);
      g_signal_emit_by_name (self, "job-ended", job);
    }
}

static void
on_jobs_changed (GListModel    *model,
                 guint          position,
                 guint          removed,
                 guint          added,
                 ShApplication *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;

  /* The list is short (the newest jobs); look at all of it. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (model, i);

      g_hash_table_add (present, job);
      if (!g_hash_table_contains (self->watches, job))
        {
          JobWatch *watch = g_new0 (JobWatch, 1);

          watch->job = g_object_ref (job);
          watch->status = sh_job_get_status (job);
          watch->handler = g_signal_connect (job, "notify::status",
                                             G_CALLBACK (on_job_status), self);
          g_hash_table_insert (self->watches, job, watch);
        }
    }

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (present, key))
        g_hash_table_iter_remove (&iter);
    }
}

/* Follows the jobs of @jobs (the session's, or %NULL for none) to announce their end. */
void
_sh_application_watch_jobs (ShApplication *self,
                           GListModel    *jobs)
{
  if (self->watches == NULL)
    self->watches = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) job_watch_free);

  if (self->jobs != NULL)
    {
      g_clear_signal_handler (&self->jobs_changed_id, self->jobs);
      g_clear_object (&self->jobs);
    }
  g_hash_table_remove_all (self->watches);

  if (jobs == NULL)
    return;

  self->jobs = g_object_ref (jobs);
  self->jobs_changed_id = g_signal_connect (jobs, "items-changed",
                                            G_CALLBACK (on_jobs_changed), self);
  on_jobs_changed (jobs, 0, 0, g_list_model_get_n_items (jobs), self);
}
