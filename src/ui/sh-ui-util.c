/* sh-ui-util.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How jobs, times and durations read in the interface.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-ui-util.h"

/**
 * sh_format_duration:
 * @seconds: a duration
 *
 * Returns: (transfer full): “0:42”, “12:05” or “1:02:03”
 */
char *
sh_format_duration (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int) (seconds / 60 % 60), (int) (seconds % 60));

  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

/**
 * sh_format_duration_words:
 * @seconds: a duration
 *
 * Returns: (transfer full): “under a second”, “12 seconds”, “3 minutes” or “2 h 5 min”
 */
char *
sh_format_duration_words (gint64 seconds)
{
  if (seconds < 1)
    return g_strdup (_("under a second"));

  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds", seconds),
                            (int) seconds);

  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes",
                                         seconds / 60),
                            (int) (seconds / 60));

  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %d min"), (int) (seconds / 3600), (int) (seconds / 60 % 60));
}

/**
 * sh_format_eta:
 * @seconds: the estimated time left
 *
 * Returns: (transfer full): a rounded, human estimate such as “About 5 minutes left”
 */
char *
sh_format_eta (gint64 seconds)
{
  gint64 minutes;
  gint64 hours;

  if (seconds < 60)
    return g_strdup (_("Less than a minute left"));

  minutes = (seconds + 30) / 60;
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %d minute left",
                                         "About %d minutes left", minutes),
                            (int) minutes);

  hours = (seconds + 1800) / 3600;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %d hour left",
                                       "About %d hours left", hours),
                          (int) hours);
}

/**
 * sh_format_time:
 * @usec: microseconds since the Unix epoch
 *
 * Returns: (transfer full): the local time, relative to today when that reads better
 */
char *
sh_format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) yesterday = NULL;

  if (usec <= 0)
    return g_strdup (_("Never"));

  time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  now = g_date_time_new_now_local ();
  yesterday = g_date_time_add_days (now, -1);

  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    /* Translators: a time today, in strftime format */
    return g_date_time_format (time, _("Today at %H:%M"));

  if (g_date_time_get_year (time) == g_date_time_get_year (yesterday) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (yesterday))
    /* Translators: a time yesterday, in strftime format */
    return g_date_time_format (time, _("Yesterday at %H:%M"));

  if (g_date_time_get_year (time) == g_date_time_get_year (now))
    /* Translators: a date and time this year, in strftime format */
    return g_date_time_format (time, _("%-d %b at %H:%M"));

  /* Translators: a date in another year, in strftime format */
  return g_date_time_format (time, _("%-d %b %Y"));
}

const char *
sh_job_status_label (ShJobStatus status)
{
  switch (status)
    {
    case SH_JOB_PENDING:
      return C_("job status", "Waiting");
    case SH_JOB_RUNNING:
      return C_("job status", "Running");
    case SH_JOB_CANCELLING:
      return C_("job status", "Cancelling");
    case SH_JOB_COMPLETED:
      return C_("job status", "Completed");
    case SH_JOB_FAILED:
      return C_("job status", "Failed");
    case SH_JOB_CANCELLED:
      return C_("job status", "Cancelled");
    default:
      return "";
    }
}

/**
 * sh_job_status_css_class:
 * @status: a job status
 *
 * Returns: the CSS class that colours a status label (see style.css)
 */
const char *
sh_job_status_css_class (ShJobStatus status)
{
  switch (status)
    {
    case SH_JOB_PENDING:
    case SH_JOB_RUNNING:
    case SH_JOB_CANCELLING:
      return "running";
    case SH_JOB_COMPLETED:
      return "completed";
    case SH_JOB_FAILED:
      return "failed";
    case SH_JOB_CANCELLED:
    default:
      return "cancelled";
    }
}

/**
 * sh_job_completed_with_errors:
 * @job: a job
 *
 * Returns: whether @job completed, but with errors (a Generate that marked the scenes that
 *   succeeded while others still lack media)
 */
gboolean
sh_job_completed_with_errors (ShJob *job)
{
  g_autoptr(JsonObject) result = NULL;

  g_return_val_if_fail (SH_IS_JOB (job), FALSE);

  if (sh_job_get_status (job) != SH_JOB_COMPLETED || sh_job_get_record (job)->result == NULL)
    return FALSE;

  result = sh_job_dup_result (job);
  return result != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (result, "status", NULL),
                    "completed_with_errors") == 0;
}

/**
 * sh_job_outcome_label:
 * @job: a job
 *
 * Returns: the job's status as its tag shows it: sh_job_status_label(), or “Completed with
 *   Errors”
 */
const char *
sh_job_outcome_label (ShJob *job)
{
  g_return_val_if_fail (SH_IS_JOB (job), "");

  if (sh_job_completed_with_errors (job))
    return C_("job status", "Completed with Errors");

  return sh_job_status_label (sh_job_get_status (job));
}

/**
 * sh_job_outcome_css_class:
 * @job: a job
 *
 * Returns: the CSS class of the job's status tag: sh_job_status_css_class(), or `warning`
 *   for a job that completed with errors
 */
const char *
sh_job_outcome_css_class (ShJob *job)
{
  g_return_val_if_fail (SH_IS_JOB (job), "");

  if (sh_job_completed_with_errors (job))
    return "warning";

  return sh_job_status_css_class (sh_job_get_status (job));
}

/**
 * sh_job_type_css_class:
 * @type: a job type
 *
 * Returns: the CSS class that gives a job type its colour (see style.css)
 */
const char *
sh_job_type_css_class (const char *type)
{
  if (g_strcmp0 (type, SH_JOB_TYPE_SYNC) == 0)
    return "sync";
  if (g_strcmp0 (type, SH_JOB_TYPE_GENERATE) == 0)
    return "generate";
  if (g_strcmp0 (type, SH_JOB_TYPE_CHECK) == 0)
    return "check";
  if (g_strcmp0 (type, SH_JOB_TYPE_PROCESS_NEW) == 0)
    return "process";

  return "other";
}

const char *
sh_job_type_label (const ShJobTypeInfo *info,
                   ShJob               *job)
{
  if (info != NULL && info->label != NULL)
    return _(info->label);

  return sh_job_get_job_type (job);
}

const char *
sh_job_type_icon_name (const ShJobTypeInfo *info)
{
  if (info != NULL && info->icon_name != NULL)
    return info->icon_name;

  return "system-run-symbolic";
}

/**
 * sh_format_count:
 * @count: a number of things
 *
 * Returns: (transfer full): @count with the locale's thousands separators (“19,993”)
 */
char *
sh_format_count (gint64 count)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

/**
 * sh_job_format_counts:
 * @job: a job
 * @info: (nullable): its type
 *
 * Returns: (transfer full) (nullable): “45 / 100 scenes” when the job counts items, else
 *   its percentage when it is known
 */
char *
sh_job_format_counts (ShJob               *job,
                      const ShJobTypeInfo *info)
{
  gint64 processed = sh_job_get_processed_items (job);
  gint64 total = sh_job_get_total_items (job);
  double progress = sh_job_get_progress (job);

  if (total > 0 && processed >= 0)
    {
      g_autofree char *done = sh_format_count (processed);
      g_autofree char *all = sh_format_count (total);

      /* A job that did it all: “3000 scenes”. */
      if (!sh_job_is_active (job) && processed == total && info != NULL && info->unit != NULL)
        /* Translators: “3000 scenes”: how many items, and what they are */
        return g_strdup_printf (_("%s %s"), all, _(info->unit));

      if (info != NULL && info->unit != NULL)
        /* Translators: “45 / 100 scenes”: items done, all items, and what they are */
        return g_strdup_printf (_("%s / %s %s"), done, all, _(info->unit));

      return g_strdup_printf ("%s / %s", done, all);
    }

  if (progress >= 0 && sh_job_is_active (job))
    /* Translators: a job's progress */
    return g_strdup_printf (_("%.0f %%"), progress);

  return NULL;
}

/**
 * sh_job_get_scenes_updated:
 * @job: a job
 *
 * Returns: how many scenes the job changed (its result's `scenes_updated_count`), or 0
 */
gint64
sh_job_get_scenes_updated (ShJob *job)
{
  g_autoptr(JsonObject) result = sh_job_dup_result (job);
  JsonNode *node;

  if (result == NULL)
    return 0;

  node = json_object_get_member (result, "scenes_updated_count");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  return json_node_get_int (node);
}
