/* sh-generate-job.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `stash_generate`: runs Stash's Generate task and records, all or nothing, which scenes
 * are complete. The workflow of DESIGN.md:
 *
 *  1. validate (scene ids deduplicated and in the mirror; or the failed scenes of an
 *     earlier Generate);
 *  2. snapshot the tracked scenes (not generated; for a whole-library run, not failing)
 *     into job_scene, in one transaction;
 *  3. check the connection (and ffmpeg), then confirm the targets in Stash when they are
 *     few enough to send: ids Stash no longer has leave the mirror, never get marked, and
 *     an empty target starts no Stash job;
 *  4. subscribe to jobsSubscribe (and Stash's log), then send metadataGenerate; keep
 *     Stash's job id, and its addTime from the first source that answers (findJob, an
 *     event): together with the description they identify the job across a restart;
 *  5. follow the job: subscription events, findJob polling when the socket is down or
 *     silent, retries with backoff while Stash cannot be reached (up to a grace period),
 *     and detection of a restarted Stash (id gone, another addTime or description);
 *  6. FINISHED is not proof (Stash calls a Generate FINISHED when tasks failed): read
 *     Stash's error lines, probe every tracked scene for the media the options asked for,
 *     record the scenes that lack some with the lines that name them, then in one
 *     transaction mark the tracked scenes generated, or nothing at all when one failed
 *     (unless the user chose to mark the scenes that succeeded);
 *  7. cancel → stopJob, then wait for Stash to say CANCELLED (or FINISHED: the truth wins).
 */

#include "config.h"

#include "sh-types.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include <string.h>

#include "sh-generate-options.h"
#include "sh-job-context.h"
#include "sh-job-types.h"
#include "sh-job-error.h"
#include "sh-media-checker.h"
#include "sh-stash-error.h"
#include "sh-stash-log.h"
#include "sh-stash-subscription.h"

#define MAX_BACKOFF_MS          30000
#define SUBSCRIBE_WAIT_MS       3000
/* With a live socket, poll anyway when it has been quiet this long (events can be lost). */
#define QUIET_FACTOR            5
/* Up to this many not-generated scenes are sent as sceneIDs (confirmed in Stash first), so
 * that Stash does exactly what the window says; more, and Stash walks its library. */
#define MAX_SENT_IDS            10000
/* Tracked scenes verified per step: bounded memory however large the snapshot. */
#define VERIFY_PAGE             2000
#define VERIFY_IN_FLIGHT        16
/* A page whose probes fail for a passing reason (a timeout, a dropped connection, a 5xx
 * of a proxy) is probed again, after 1, 2, 4… seconds: Stash's finished work is not thrown
 * away for one bad request among millions. */
#define VERIFY_ATTEMPTS         5
/* Lines of Stash's log kept per failed scene. */
#define MAX_ERRORS_PER_SCENE    5
#define MAX_LOG_LINES           20000
/* Failed scenes whose lines are looked for in the log: the search is lines × scenes, and a
 * Stash that failed everything needs no more examples than this. */
#define MAX_SCENES_WITH_ERRORS  5000
/* A job first seen after a failed look-up must have been added within this window of
 * our own metadataGenerate (Stash's clock against ours, generously). */
#define IDENTIFY_WINDOW_S       120
#define GENERATE_DESCRIPTION    "Generating..."


typedef struct
{
  ShJobContext        *context;         /* (unowned) valid for the run */
  ShJob               *job;             /* (owned) */
  ShStashClient       *client;          /* (owned) */
  GTask               *task;            /* (owned) until it returns */
  GCancellable        *cancellable;     /* (owned) the job's: a cancel request */
  gulong               cancelled_id;
  GCancellable        *io;              /* (owned) our own network and database work */

  ShStashSubscription *subscription;    /* (owned) (nullable) */
  gulong               update_id;
  gulong               connected_id;
  guint                subscribe_wait_source;

  char                *stash_job_id;    /* (owned) (nullable) */
  char                *add_time;        /* (owned) (nullable) */
  guint64              tracked;
  char                *start_time;      /* (owned) ISO 8601 */

  GArray              *targets;         /* (owned) (nullable) the scenes asked for */
  GArray              *send_ids;        /* (owned) (nullable) the sceneIDs sent */
  guint64              removed;         /* targets Stash no longer had */
  gboolean             identify_failed; /* a look-up failed before the job was known */
  gint64               sent_at;         /* real time when metadataGenerate answered */
  gulong               log_id;
  GPtrArray           *log_lines;       /* (owned) ShStashLogEntry: errors seen live */
  GHashTable          *log_seen;        /* (owned) "usec message" of log_lines */
  guint                scenes_with_errors;
  gint64               stash_start;     /* Stash's start and end of the job, µs */
  gint64               stash_end;

  /* Verification */
  ShMediaKind          kinds;
  gint64               verify_after;
  guint64              verified;
  guint64              failed;
  GArray              *page_ids;        /* (owned) (nullable) */
  ShMediaCheckResult  *page_result;     /* (owned) (nullable) */
  guint                page_attempts;
  guint                retry_source;

  guint                poll_source;
  guint                poll_delay_ms;
  gboolean             polling;
  gint64               last_event;      /* monotonic */
  gint64               unreachable_since; /* monotonic, 0 while reachable */

  gboolean             stop_requested;
  gboolean             stop_sent;
  gint64               stop_deadline;   /* monotonic */
  gboolean             generate_sent;
  gboolean             done;
} GenerateData;

static void schedule_poll (GenerateData *data, guint delay_ms);
static void send_stop (GenerateData *data);

/* The data is reference counted: the task holds it, and so does every operation in
 * flight, whose callback may come after the run has ended. */
static void
generate_data_clear (GenerateData *data)
{
  g_clear_handle_id (&data->poll_source, g_source_remove);
  g_clear_handle_id (&data->subscribe_wait_source, g_source_remove);
  g_clear_handle_id (&data->retry_source, g_source_remove);
  if (data->subscription != NULL)
    {
      g_clear_signal_handler (&data->update_id, data->subscription);
      g_clear_signal_handler (&data->connected_id, data->subscription);
      g_clear_signal_handler (&data->log_id, data->subscription);
      sh_stash_subscription_stop (data->subscription);
      g_clear_object (&data->subscription);
    }
  g_clear_pointer (&data->targets, g_array_unref);
  g_clear_pointer (&data->send_ids, g_array_unref);
  g_clear_pointer (&data->log_lines, g_ptr_array_unref);
  g_clear_pointer (&data->log_seen, g_hash_table_unref);
  g_clear_pointer (&data->page_ids, g_array_unref);
  g_clear_pointer (&data->page_result, sh_media_check_result_free);
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->io);
  g_clear_object (&data->job);
  g_clear_object (&data->client);
  g_clear_object (&data->task);
  g_free (data->stash_job_id);
  g_free (data->add_time);
  g_free (data->start_time);
}

static GenerateData *
data_ref (GenerateData *data)
{
  return g_atomic_rc_box_acquire (data);
}

static void
data_unref (GenerateData *data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) generate_data_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GenerateData, data_unref)

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

/* Ends the run once. Stops the subscription and timers; the data goes with the task. */
static void
complete (GenerateData *data,
          JsonObject   *result,
          GError       *error)
{
  GTask *task;

  if (data->done)
    {
      g_clear_error (&error);
      return;
    }
  data->done = TRUE;
  sh_job_set_unreachable_since (data->job, 0);

  g_clear_handle_id (&data->poll_source, g_source_remove);
  g_clear_handle_id (&data->subscribe_wait_source, g_source_remove);
  g_clear_handle_id (&data->retry_source, g_source_remove);
  if (data->subscription != NULL)
    {
      g_clear_signal_handler (&data->update_id, data->subscription);
      g_clear_signal_handler (&data->connected_id, data->subscription);
      g_clear_signal_handler (&data->log_id, data->subscription);
      sh_stash_subscription_stop (data->subscription);
    }
  /* Outstanding polls end quietly. */
  g_cancellable_cancel (data->io);

  task = g_steal_pointer (&data->task);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sh_job_context_log (data->context, "failed: %s", error->message);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, json_object_ref (result), (GDestroyNotify) json_object_unref);

  g_object_unref (task);
}

static void
fail (GenerateData *data,
      int           code,
      const char   *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
fail (GenerateData *data,
      int           code,
      const char   *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  complete (data, NULL, g_error_new_literal (SH_JOB_ERROR, code, message));
}

static JsonObject *
base_result (GenerateData *data,
             const char   *status,
             guint64       updated)
{
  JsonObject *result = json_object_new ();
  g_autofree char *end_time = now_iso8601 ();

  json_object_set_string_member (result, "job_id", sh_job_get_id (data->job));
  if (data->stash_job_id != NULL)
    json_object_set_string_member (result, "stash_job_id", data->stash_job_id);
  else
    json_object_set_null_member (result, "stash_job_id");
  json_object_set_string_member (result, "status", status);
  json_object_set_int_member (result, "scenes_tracked", data->tracked);
  json_object_set_int_member (result, "scenes_updated_count", updated);
  json_object_set_int_member (result, "scenes_verified", data->verified);
  json_object_set_int_member (result, "scenes_failed", data->failed);
  json_object_set_int_member (result, "scenes_removed", data->removed);
  json_object_set_string_member (result, "start_time", data->start_time);
  json_object_set_string_member (result, "end_time", end_time);

  return result;
}

/* Step 6: Stash says FINISHED. Verify, then record all or nothing. */

static void
apply_verified_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(JsonObject) out = NULL;
  g_autoptr(GError) error = NULL;
  guint64 updated;

  updated = sh_job_store_apply_verified_finish (SH_JOB_STORE (object), result, &error);
  if (error != NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->failed == 0)
    {
      sh_job_context_log (data->context, "Updated generated attribute for %" G_GUINT64_FORMAT
                          " scenes", updated);
      out = base_result (data, "completed", updated);
      complete (data, out, NULL);
      return;
    }

  if (updated > 0 || json_object_get_boolean_member_with_default (sh_job_context_get_parameters (data->context),
                                                                  "markSucceeded", FALSE))
    {
      g_autofree char *message = NULL;

      sh_job_context_log (data->context, "Updated generated attribute for %" G_GUINT64_FORMAT
                          " scenes; %" G_GUINT64_FORMAT " still lack media", updated,
                          data->failed);
      out = base_result (data, "completed_with_errors", updated);
      json_object_set_int_member (out, "errors", data->failed);
      complete (data, out, NULL);
      return;
    }

  {
    g_autofree char *message = NULL;

    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%" PRIu64 " of %" PRIu64 " scene still lacks media "
                                            "after Stash’s Generate; nothing was marked as "
                                            "generated. Retry the failed scenes, or see the "
                                            "job’s details for Stash’s errors.",
                                            "%" PRIu64 " of %" PRIu64 " scenes still lack media "
                                            "after Stash’s Generate; nothing was marked as "
                                            "generated. Retry the failed scenes, or see the "
                                            "job’s details for Stash’s errors.",
                                            data->failed),
                               data->failed, data->tracked);
    sh_job_context_log (data->context, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                        " scenes still lack media; nothing marked", data->failed, data->tracked);
    out = base_result (data, "failed", 0);
    json_object_set_string_member (out, "error", message);
    complete (data, out, NULL);
  }
}

static void
apply_outcome (GenerateData *data)
{
  gboolean mark = data->failed == 0 ||
                  json_object_get_boolean_member_with_default (sh_job_context_get_parameters (data->context),
                                                               "markSucceeded", FALSE);

  sh_job_set_progress (data->job, 100, _("Recording the generated scenes"));
  /* Not cancellable: Stash finished, and this is the one write that says so. */
  sh_job_store_apply_verified_async (sh_job_context_get_job_store (data->context),
                                     sh_job_get_id (data->job),
                                     sh_job_context_get_server_id (data->context),
                                     mark, NULL, apply_verified_cb, data_ref (data));
}

static void verify_next_page (GenerateData *data);

static void
show_verify_progress (GenerateData *data)
{
  guint64 done = data->verified + data->failed;
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("Verifying the generated media: %" PRIu64 " of %" PRIu64 " scenes"),
                             done, data->tracked);
  sh_job_set_counts (data->job, (gint64) done, (gint64) data->tracked);
  sh_job_set_progress (data->job, data->tracked > 0 ? 100.0 * done / data->tracked : 100, message);
}

static void
delete_removed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;
  guint64 n;

  n = sh_scene_store_delete_finish (SH_SCENE_STORE (object), result, &error);
  if (error != NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }
  /* Scenes removed before the start are counted already (and gone from the mirror). */
  if (n > 0)
    sh_job_context_log (data->context, "Removed %" G_GUINT64_FORMAT " scenes that Stash no "
                        "longer has", n);
  data->removed += n;
  data->tracked -= MIN (n, data->tracked);

  show_verify_progress (data);
  verify_next_page (data);
}

/* The tracked scenes of the page that Stash did not list are gone from Stash: out of the
 * mirror (and so out of the snapshot at the finish), never marked. */
static void
remove_vanished (GenerateData *data)
{
  ShMediaCheckResult *checked = data->page_result;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) vanished = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < checked->complete->len; i++)
    g_hash_table_add (seen, &g_array_index (checked->complete, gint64, i));
  for (guint i = 0; i < checked->incomplete->len; i++)
    g_hash_table_add (seen, &g_array_index (checked->incomplete, gint64, i));
  for (guint i = 0; i < data->page_ids->len; i++)
    if (!g_hash_table_contains (seen, &g_array_index (data->page_ids, gint64, i)))
      g_array_append_val (vanished, g_array_index (data->page_ids, gint64, i));

  data->verified += checked->complete->len;
  data->failed += checked->incomplete->len;

  sh_scene_store_delete_async (sh_job_context_get_scene_store (data->context),
                               sh_job_context_get_server_id (data->context),
                               (const gint64 *) vanished->data, vanished->len, data->io,
                               delete_removed_cb, data_ref (data));
}

static void
add_failures_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_add_failures_finish (SH_JOB_STORE (object), result, &error))
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  remove_vanished (data);
}

static char *
missing_names (guint missing)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint k = 0; k < SH_MEDIA_N_KINDS; k++)
    if (missing & (1u << k))
      g_string_append_printf (names, "%s%s", names->len ? " " : "",
                              sh_media_kind_to_string (1u << k));

  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The lines of Stash's log that name the scene: its file's path, or its title (covers). */
static char *
errors_about (GenerateData        *data,
              const ShSceneRecord *scene)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  guint n = 0;

  if (data->scenes_with_errors >= MAX_SCENES_WITH_ERRORS)
    return NULL;

  for (guint i = 0; data->log_lines != NULL && i < data->log_lines->len && n < MAX_ERRORS_PER_SCENE; i++)
    {
      const ShStashLogEntry *entry = g_ptr_array_index (data->log_lines, i);

      if ((scene->path != NULL && *scene->path != '\0' && strstr (entry->message, scene->path)) ||
          (scene->title != NULL && *scene->title != '\0' && strstr (entry->message, scene->title)))
        {
          g_string_append_printf (lines, "%s%s", lines->len ? "\n" : "", entry->message);
          n++;
        }
    }

  if (lines->len == 0)
    return NULL;
  data->scenes_with_errors++;

  return g_string_free (g_steal_pointer (&lines), FALSE);
}

static void
get_failed_scenes_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  ShMediaCheckResult *checked = data->page_result;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GError) error = NULL;

  scenes = sh_scene_store_get_scenes_finish (SH_SCENE_STORE (object), result, &error);
  if (scenes == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < scenes->len; i++)
    {
      ShSceneRecord *scene = g_ptr_array_index (scenes, i);

      g_hash_table_insert (by_id, &scene->id, scene);
    }

  failures = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_failure_free);
  for (guint i = 0; i < checked->incomplete->len; i++)
    {
      gint64 id = g_array_index (checked->incomplete, gint64, i);
      ShSceneRecord *scene = g_hash_table_lookup (by_id, &id);
      g_autofree char *missing = missing_names (g_array_index (checked->incomplete_missing, guint, i));
      g_autofree char *errors = scene != NULL ? errors_about (data, scene) : NULL;

      g_ptr_array_add (failures, sh_scene_failure_new (id, missing, errors));
    }

  sh_job_store_add_failures_async (sh_job_context_get_job_store (data->context),
                                   sh_job_get_id (data->job), failures, data->io,
                                   add_failures_cb, data_ref (data));
}

static gboolean is_transient (const GError *error);
static void     check_page     (GenerateData *data);

static gboolean
verify_page_again (gpointer user_data)
{
  GenerateData *data = user_data;

  data->retry_source = 0;
  if (!data->done)
    check_page (data);

  return G_SOURCE_REMOVE;
}

static void
verify_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&data->page_result, sh_media_check_result_free);
  data->page_result = sh_media_checker_run_finish (SH_MEDIA_CHECKER (object), result, &error);
  if (data->page_result == NULL && is_transient (error) &&
      ++data->page_attempts < VERIFY_ATTEMPTS && !data->done)
    {
      g_debug ("Verifying again in %u s: %s", 1u << (data->page_attempts - 1), error->message);
      data->retry_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                       1u << (data->page_attempts - 1),
                                                       verify_page_again,
                                                       data_ref (data),
                                                       (GDestroyNotify) data_unref);
      return;
    }
  data->page_attempts = 0;
  if (data->page_result == NULL)
    {
      g_prefix_error (&error, _("Stash finished, but its media could not be verified; nothing "
                                "was marked as generated: "));
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->page_result->incomplete->len == 0)
    {
      remove_vanished (data);
      return;
    }

  sh_scene_store_get_scenes_async (sh_job_context_get_scene_store (data->context),
                                   sh_job_context_get_server_id (data->context),
                                   (const gint64 *) data->page_result->incomplete->data,
                                   data->page_result->incomplete->len, data->io,
                                   get_failed_scenes_cb, data_ref (data));
}

static void
verify_page_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&data->page_ids, g_array_unref);
  data->page_ids = sh_job_store_list_job_scenes_finish (SH_JOB_STORE (object), result, &error);
  if (data->page_ids == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->page_ids->len == 0)
    {
      apply_outcome (data);
      return;
    }

  data->verify_after = g_array_index (data->page_ids, gint64, data->page_ids->len - 1);
  check_page (data);
}

static void
check_page (GenerateData *data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (data->client, data->kinds);

  sh_media_checker_set_max_in_flight (checker, VERIFY_IN_FLIGHT);
  sh_media_checker_run_async (checker, (const gint64 *) data->page_ids->data, data->page_ids->len,
                              NULL, NULL, data->io, verify_checked_cb, data_ref (data));
}

static void
verify_next_page (GenerateData *data)
{
  sh_job_store_list_job_scenes_async (sh_job_context_get_job_store (data->context),
                                      sh_job_get_id (data->job), "tracked", data->verify_after,
                                      VERIFY_PAGE, data->io, verify_page_cb, data_ref (data));
}

static void
clear_failures_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_clear_failures_finish (SH_JOB_STORE (object), result, &error))
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  verify_next_page (data);
}

static void
start_verification (GenerateData *data)
{
  data->kinds = sh_generate_options_get_kinds (sh_job_context_get_parameters (data->context));
  data->verify_after = 0;
  data->verified = data->failed = 0;

  /* Nothing that can be probed was asked for (transcodes only): Stash's word is all. */
  if (data->kinds == 0)
    {
      apply_outcome (data);
      return;
    }

  sh_job_context_log (data->context, "Verifying %" G_GUINT64_FORMAT " scenes (%u lines of "
                      "Stash’s error log)", data->tracked,
                      data->log_lines != NULL ? data->log_lines->len : 0);
  show_verify_progress (data);
  /* A verification cut short (StashHog stopped while it ran) starts again from nothing. */
  sh_job_store_clear_failures_async (sh_job_context_get_job_store (data->context),
                                     sh_job_get_id (data->job), data->io,
                                     clear_failures_cb, data_ref (data));
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC +
                        g_date_time_get_microsecond (time)
                      : 0;
}

static gboolean
keep_log_line (GenerateData          *data,
               const ShStashLogEntry *entry)
{
  if (!sh_stash_log_entry_is_error (entry))
    return FALSE;
  /* Only what Stash logged while our job ran (Stash's clock on both sides). */
  if (entry->usec != 0 && data->stash_start != 0 && entry->usec + G_USEC_PER_SEC < data->stash_start)
    return FALSE;
  if (entry->usec != 0 && data->stash_end != 0 && entry->usec > data->stash_end + G_USEC_PER_SEC)
    return FALSE;
  if (data->log_lines == NULL)
    {
      data->log_lines = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_stash_log_entry_free);
      data->log_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  if (data->log_lines->len >= MAX_LOG_LINES)
    return FALSE;

  /* The socket and the log cache tell the same lines: keep each once. */
  return g_hash_table_add (data->log_seen,
                           g_strdup_printf ("%" G_GINT64_FORMAT " %s", entry->usec, entry->message));
}

static void
logs_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  if (data->done)
    return;

  /* The log only explains; a Stash that cannot give it is verified all the same. */
  entries = sh_stash_client_logs_finish (SH_STASH_CLIENT (object), result, &error);
  if (entries == NULL)
    g_debug ("Could not read Stash’s log: %s", error->message);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      ShStashLogEntry *entry = g_ptr_array_index (entries, i);

      if (keep_log_line (data, entry))
        g_ptr_array_add (data->log_lines, g_ptr_array_steal_index (entries, i--));
    }

  start_verification (data);
}

static void
on_log_entries (ShStashSubscription *subscription,
                GPtrArray           *entries,
                GenerateData        *data)
{
  for (guint i = 0; i < entries->len; i++)
    {
      ShStashLogEntry *entry = g_ptr_array_index (entries, i);

      if (keep_log_line (data, entry))
        g_ptr_array_add (data->log_lines, sh_stash_log_entry_copy (entry));
    }
}

static void
finish_success (GenerateData     *data,
                const ShStashJob *stash_job)
{
  g_clear_handle_id (&data->poll_source, g_source_remove);
  data->stash_start = parse_time (stash_job->start_time);
  data->stash_end = parse_time (stash_job->end_time);
  if (data->subscription != NULL)
    g_clear_signal_handler (&data->log_id, data->subscription);

  /* Lines seen live before Stash started our job belong to the jobs ahead of it. */
  for (guint i = 0; data->log_lines != NULL && i < data->log_lines->len; i++)
    {
      const ShStashLogEntry *entry = g_ptr_array_index (data->log_lines, i);

      if (entry->usec != 0 && data->stash_start != 0 &&
          entry->usec + G_USEC_PER_SEC < data->stash_start)
        g_ptr_array_remove_index (data->log_lines, i--);
    }

  sh_job_set_progress (data->job, 100, _("Reading Stash’s log"));
  sh_job_set_sub_task (data->job, NULL);

  /* Lines the socket missed (a gap, a dropped batch) are in Stash's log cache. Not
   * cancellable from here on: Stash finished, and its outcome must be recorded. */
  g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  data->cancelled_id = 0;
  sh_stash_client_logs_async (data->client, data->io, logs_cb, data_ref (data));
}

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

static void
handle_stash_job (GenerateData     *data,
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
      finish_success (data, stash_job);
      return;

    case SH_STASH_JOB_CANCELLED:
      {
        g_autoptr(JsonObject) out = base_result (data, "cancelled", 0);

        if (!data->stop_requested)
          json_object_set_string_member (out, "reason", "cancelled in Stash");
        sh_job_context_log (data->context, "Stash job %s cancelled", data->stash_job_id);
        complete (data, out, NULL);
      }
      return;

    case SH_STASH_JOB_FAILED:
      if (stash_job->error != NULL && *stash_job->error != '\0')
        fail (data, SH_JOB_ERROR_STASH_FAILED,
              _("Stash reported that the Generate job failed: %s. No scene was marked as "
                "generated."), stash_job->error);
      else
        fail (data, SH_JOB_ERROR_STASH_FAILED,
              _("Stash reported that the Generate job failed without saying why; Stash’s log "
                "has the details. No scene was marked as generated."));
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
  fail (data, SH_JOB_ERROR_STASH_LOST,
        _("Stash restarted; its Generate was lost. No scene was marked as generated; run the "
          "job again (Stash keeps what it had already generated)."));
}

/* Whether @stash_job is ours: the same id, description and addTime as when we first saw
 * it. The first sighting pins addTime, but only of a Generate; one first seen after a
 * look-up failed must also have been added around the time we asked (a restarted Stash
 * numbers its jobs from 1 again). Fails the run and returns FALSE otherwise. */
static gboolean
identify (GenerateData     *data,
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
      gint64 added = parse_time (stash_job->add_time);

      if (added == 0 || ABS (added - data->sent_at) > (gint64) IDENTIFY_WINDOW_S * G_USEC_PER_SEC)
        {
          sh_job_context_log (data->context, "Stash job %s was added at %s, not when we "
                              "asked: not ours", data->stash_job_id,
                              stash_job->add_time ? stash_job->add_time : "(unknown)");
          fail (data, SH_JOB_ERROR_STASH_LOST,
                _("StashHog could not tell whether Stash’s job %s is the Generate it started "
                  "(Stash may have restarted). No scene was marked as generated; run the job "
                  "again (Stash keeps what it had already generated)."), data->stash_job_id);
          return FALSE;
        }
    }

  data->add_time = g_strdup (stash_job->add_time);
  sh_job_set_stash_job (data->job, data->stash_job_id, data->add_time);
  sh_job_context_persist_now (data->context);

  return TRUE;
}

static void
on_job_update (ShStashSubscription *subscription,
               guint                type,
               ShStashJob          *stash_job,
               GenerateData        *data)
{
  if (data->done || data->stash_job_id == NULL ||
      g_strcmp0 (stash_job->id, data->stash_job_id) != 0)
    return;

  /* An event for our id with another addTime is a new job of a restarted Stash. */
  if (!identify (data, stash_job))
    return;

  handle_stash_job (data, stash_job);
}

static gboolean
is_transient (const GError *error)
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
      complete (data, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "abandoned"));
      return TRUE;
    }

  /* The manager stopped waiting (sh_job_manager_abandon()) and ended the job: stop too. */
  if (sh_job_context_is_abandoned (data->context))
    {
      complete (data, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "abandoned"));
      return TRUE;
    }

  if (data->stop_requested && data->stop_deadline > 0 &&
      g_get_monotonic_time () > data->stop_deadline)
    {
      fail (data, SH_JOB_ERROR_STOP_TIMEOUT,
            _("Stash did not confirm the stop within %u seconds; its job %s may still be "
              "running. No scene was marked as generated."),
            sh_job_manager_get_stop_timeout (sh_job_context_get_manager (data->context)),
            data->stash_job_id);
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

      if (!is_transient (error))
        {
          complete (data, NULL, g_steal_pointer (&error));
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
          if (sh_stash_error_is_unreachable (error))
            fail (data, SH_JOB_ERROR_STASH_UNREACHABLE,
                  _("Stash was unreachable for more than %u seconds (%s). No scene was marked "
                    "as generated; when Stash is back, run the job again."), grace,
                  error->message);
          else
            fail (data, SH_JOB_ERROR_STASH_UNREACHABLE,
                  _("Asking Stash about its job %s kept failing for more than %u seconds (%s). "
                    "No scene was marked as generated; when Stash answers again, run the job "
                    "again."), data->stash_job_id, grace, error->message);
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
      schedule_poll (data, data->poll_delay_ms);
      return;
    }

  data->poll_delay_ms = poll_ms;

  if (stash_job == NULL)
    {
      fail (data, SH_JOB_ERROR_STASH_LOST,
            _("Stash no longer knows its job %s: Stash restarted, or more than ten jobs ran "
              "after it. The job was lost; no scene was marked as generated. Run it again "
              "(Stash keeps what it had already generated)."), data->stash_job_id);
      return;
    }

  if (!identify (data, stash_job))
    return;

  handle_stash_job (data, stash_job);
  if (data->done)
    return;

  if (data->stop_requested && !data->stop_sent)
    send_stop (data);
  if (check_stop_deadline (data))
    return;

  schedule_poll (data, poll_ms);
}

static void
poll_now (GenerateData *data)
{
  if (data->polling || data->done || data->stash_job_id == NULL)
    return;

  data->polling = TRUE;
  sh_stash_client_find_job_async (data->client, data->stash_job_id, data->io, find_job_cb, data_ref (data));
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
      schedule_poll (data, sh_job_manager_get_poll_interval (manager));
      return G_SOURCE_REMOVE;
    }

  poll_now (data);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (GenerateData *data,
               guint         delay_ms)
{
  g_clear_handle_id (&data->poll_source, g_source_remove);
  if (!data->done)
    data->poll_source = g_timeout_add (delay_ms, poll_timeout, data);
}

static void
on_subscription_connected (ShStashSubscription *subscription,
                           GenerateData        *data)
{
  /* Events may have been missed while the socket was down: ask now. */
  if (data->stash_job_id != NULL)
    {
      g_clear_handle_id (&data->poll_source, g_source_remove);
      poll_now (data);
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
    schedule_poll (data, 200);
}

static void
send_stop (GenerateData *data)
{
  if (data->stop_sent || data->stash_job_id == NULL || data->done)
    return;

  data->stop_sent = TRUE;
  sh_stash_client_stop_job_async (data->client, data->stash_job_id, data->io, stop_job_cb, data_ref (data));
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

  send_stop (data);
}

static gboolean
cancelled_idle (gpointer user_data)
{
  on_cancelled (NULL, user_data);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled_any_thread (GCancellable *cancellable,
                         GenerateData *data)
{
  /* The cancellable may be cancelled from another thread (a signal handler thread, say). */
  g_idle_add_full (G_PRIORITY_HIGH, cancelled_idle, data_ref (data), (GDestroyNotify) data_unref);
}

/* Step 4: start the Stash job */

static void
start_monitoring (GenerateData *data)
{
  ShJobManager *manager = sh_job_context_get_manager (data->context);

  data->poll_delay_ms = sh_job_manager_get_poll_interval (manager);
  data->last_event = g_get_monotonic_time ();

  if (data->stop_requested)
    send_stop (data);

  /* The first answer comes from findJob; the socket takes over when it is there. */
  poll_now (data);
}

static void
initial_find_job_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(ShStashJob) stash_job = NULL;
  g_autoptr(GError) error = NULL;

  if (data->done)
    return;

  /* The addTime pins the job; an event of the subscription may have pinned it already.
   * Without it (this look-up failed), the next answer pins it, if it is plausible. */
  if (!sh_stash_client_find_job_finish (SH_STASH_CLIENT (object), result, &stash_job, &error) ||
      stash_job == NULL)
    {
      if (data->add_time == NULL)
        data->identify_failed = TRUE;
      sh_job_set_stash_job (data->job, data->stash_job_id, data->add_time);
      sh_job_context_persist_now (data->context);
    }
  else if (!identify (data, stash_job))
    return;

  if (stash_job != NULL)
    handle_stash_job (data, stash_job);
  if (!data->done)
    start_monitoring (data);
}

static void
metadata_generate_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *stash_job_id = NULL;

  stash_job_id = sh_stash_client_metadata_generate_finish (SH_STASH_CLIENT (object), result,
                                                          &error);
  if (stash_job_id == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  data->stash_job_id = g_steal_pointer (&stash_job_id);
  data->sent_at = g_get_real_time ();
  sh_job_context_log (data->context, "Started Stash job %s", data->stash_job_id);
  sh_job_set_stash_job (data->job, data->stash_job_id, NULL);
  sh_job_set_progress (data->job, -1, _("Waiting in Stash’s queue"));

  sh_stash_client_find_job_async (data->client, data->stash_job_id, data->io,
                                  initial_find_job_cb, data_ref (data));
}

static void
send_generate (GenerateData *data)
{
  g_autoptr(JsonNode) input = NULL;

  g_clear_handle_id (&data->subscribe_wait_source, g_source_remove);
  if (data->done)
    return;

  if (data->stop_requested)
    {
      g_autoptr(JsonObject) out = base_result (data, "cancelled", 0);

      complete (data, out, NULL);
      return;
    }

  input = sh_generate_options_to_input (sh_job_context_get_parameters (data->context),
                                        data->send_ids);
  data->generate_sent = TRUE;
  sh_job_set_progress (data->job, -1, _("Starting Generate in Stash"));
  sh_stash_client_metadata_generate_async (data->client, input, data->io,
                                           metadata_generate_cb, data_ref (data));
}

static gboolean
subscribe_wait_timeout (gpointer user_data)
{
  GenerateData *data = user_data;

  data->subscribe_wait_source = 0;
  g_debug ("No subscription yet; starting with polling");
  send_generate (data);

  return G_SOURCE_REMOVE;
}

static void
on_first_connected (ShStashSubscription *subscription,
                    GenerateData        *data)
{
  if (data->subscribe_wait_source != 0)
    send_generate (data);
  else
    on_subscription_connected (subscription, data);
}

static void
subscribe (GenerateData *data)
{
  data->subscription = sh_stash_subscription_new (data->client);
  sh_stash_subscription_set_follow_log (data->subscription, TRUE);
  data->log_id = g_signal_connect (data->subscription, "log-entries",
                                   G_CALLBACK (on_log_entries), data);
  data->update_id = g_signal_connect (data->subscription, "job-update",
                                      G_CALLBACK (on_job_update), data);
  data->connected_id = g_signal_connect (data->subscription, "connected",
                                         G_CALLBACK (on_first_connected), data);
  sh_stash_subscription_start (data->subscription);
}

/* Step 3: connection check, then the targets confirmed */

static void
start_stash_job (GenerateData *data)
{
  if (data->stop_requested)
    {
      g_autoptr(JsonObject) out = base_result (data, "cancelled", 0);

      complete (data, out, NULL);
      return;
    }

  /* Subscribe first: Stash sends no snapshot, so events must not be missed. */
  subscribe (data);
  data->subscribe_wait_source = g_timeout_add (SUBSCRIBE_WAIT_MS, subscribe_wait_timeout, data);
}

static void
confirm_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;

  sh_scene_store_delete_finish (SH_SCENE_STORE (object), result, &error);
  if (error != NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->removed > 0)
    sh_job_context_log (data->context, "Removed %" G_GUINT64_FORMAT " scenes that Stash no "
                        "longer has", data->removed);

  /* An empty target starts no Stash job: with no sceneIDs Stash would walk everything. */
  if (data->send_ids->len == 0)
    {
      g_autoptr(JsonObject) out = base_result (data, "completed", 0);

      json_object_set_string_member (out, "reason", "nothing to do");
      sh_job_set_counts (data->job, 0, 0);
      sh_job_set_progress (data->job, 100, _("Nothing to do: Stash no longer has the targeted "
                                             "scenes"));
      complete (data, out, NULL);
      return;
    }

  start_stash_job (data);
}

static void
confirm_checked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(ShMediaCheckResult) checked = NULL;
  g_autoptr(GHashTable) present = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) vanished = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;

  checked = sh_media_checker_run_finish (SH_MEDIA_CHECKER (object), result, &error);
  if (checked == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < checked->complete->len; i++)
    g_hash_table_add (present, &g_array_index (checked->complete, gint64, i));
  for (guint i = 0; i < checked->incomplete->len; i++)
    g_hash_table_add (present, &g_array_index (checked->incomplete, gint64, i));

  data->send_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), g_hash_table_size (present));
  for (guint i = 0; i < data->page_ids->len; i++)
    {
      gint64 id = g_array_index (data->page_ids, gint64, i);

      if (g_hash_table_contains (present, &id))
        g_array_append_val (data->send_ids, id);
      else
        g_array_append_val (vanished, id);
    }
  g_clear_pointer (&data->page_ids, g_array_unref);

  data->removed += vanished->len;
  data->tracked = data->send_ids->len;
  sh_job_set_counts (data->job, 0, data->tracked);

  sh_scene_store_delete_async (sh_job_context_get_scene_store (data->context),
                               sh_job_context_get_server_id (data->context),
                               (const gint64 *) vanished->data, vanished->len, data->io,
                               confirm_deleted_cb, data_ref (data));
}

static void
confirm_list_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(ShMediaChecker) checker = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&data->page_ids, g_array_unref);
  data->page_ids = sh_job_store_list_job_scenes_finish (SH_JOB_STORE (object), result, &error);
  if (data->page_ids == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  /* Only whether Stash has them: the phash is in the answer itself, no file is probed. */
  sh_job_set_progress (data->job, -1, _("Confirming the scenes in Stash"));
  checker = sh_media_checker_new (data->client, SH_MEDIA_PHASH);
  sh_media_checker_run_async (checker, (const gint64 *) data->page_ids->data, data->page_ids->len,
                              NULL, NULL, data->io, confirm_checked_cb, data_ref (data));
}

/* Stash generates nothing for a list with an id it does not have, and walks the whole
 * library for no list: so a list is sent when it is small enough, after asking Stash
 * which of its scenes still exist. */
static void
confirm_targets (GenerateData *data)
{
  if (data->targets == NULL && data->tracked > MAX_SENT_IDS)
    {
      start_stash_job (data);
      return;
    }

  sh_job_store_list_job_scenes_async (sh_job_context_get_job_store (data->context),
                                      sh_job_get_id (data->job), "tracked", 0, 0, data->io,
                                      confirm_list_cb, data_ref (data));
}

static void
test_connection_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = sh_stash_client_test_connection_finish (SH_STASH_CLIENT (object), result, &error);
  if (info == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (g_strcmp0 (info->status, "OK") != 0)
    {
      fail (data, SH_JOB_ERROR_NOT_READY,
            _("Stash is not ready (its status is %s); finish its setup or migration first."),
            info->status);
      return;
    }
  if (!info->has_ffmpeg)
    {
      fail (data, SH_JOB_ERROR_NOT_READY,
            _("Stash cannot generate: it has no ffmpeg or ffprobe. Install them on the Stash "
              "server, or set their paths in Stash’s settings."));
      return;
    }

  if (data->stop_requested)
    {
      g_autoptr(JsonObject) out = base_result (data, "cancelled", 0);

      complete (data, out, NULL);
      return;
    }

  confirm_targets (data);
}

/* Step 2: snapshot */

static void
snapshot_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  data->tracked = sh_job_store_snapshot_tracked_finish (SH_JOB_STORE (object), result, &error);
  if (error != NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  sh_job_context_log (data->context, "Found %" G_GUINT64_FORMAT
                      " scenes without generated attribute", data->tracked);
  sh_job_set_counts (data->job, 0, data->tracked);

  if (data->tracked == 0)
    {
      g_autoptr(JsonObject) out = base_result (data, "completed", 0);

      json_object_set_string_member (out, "reason", "nothing to do");
      sh_job_set_progress (data->job, 100, _("Nothing to do: every targeted scene is already "
                                             "generated"));
      complete (data, out, NULL);
      return;
    }

  if (data->stop_requested)
    {
      g_autoptr(JsonObject) out = base_result (data, "cancelled", 0);

      complete (data, out, NULL);
      return;
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Checking Stash for %" PRIu64 " scene",
                                          "Checking Stash for %" PRIu64 " scenes",
                                          data->tracked), data->tracked);
  sh_job_set_progress (data->job, -1, message);
  sh_stash_client_test_connection_async (data->client, data->io, test_connection_cb, data_ref (data));
}

static void
take_snapshot (GenerateData *data,
               GArray       *ids)
{
  sh_job_set_progress (data->job, -1, _("Finding the scenes to generate"));
  sh_job_store_snapshot_tracked_async (sh_job_context_get_job_store (data->context),
                                       sh_job_get_id (data->job),
                                       sh_job_context_get_server_id (data->context),
                                       ids ? (const gint64 *) ids->data : NULL,
                                       ids ? ids->len : 0,
                                       data->io, snapshot_cb, data_ref (data));
}

static void
get_ids_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  GArray *requested = data->targets;
  gboolean retry = json_object_has_member (sh_job_context_get_parameters (data->context),
                                           "retryFailedOf");
  g_autoptr(GArray) present = NULL;
  g_autoptr(GHashTable) known = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n_missing = 0;

  present = sh_scene_store_get_ids_finish (SH_SCENE_STORE (object), result, &error);
  if (present == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < present->len; i++)
    g_hash_table_add (known, &g_array_index (present, gint64, i));
  for (guint i = 0; i < requested->len; i++)
    {
      gint64 id = g_array_index (requested, gint64, i);

      if (g_hash_table_contains (known, &id))
        continue;
      if (n_missing++ < 10)
        g_string_append_printf (missing, "%s%" G_GINT64_FORMAT, missing->len ? ", " : "", id);
    }

  /* Stash quietly does nothing for a list with an unknown id, so never send one. A
   * retry takes what is left of the failed scenes (the others were removed since). */
  if (retry)
    {
      g_clear_pointer (&data->targets, g_array_unref);
      data->targets = g_array_ref (present);
      requested = data->targets;
    }
  else if (n_missing > 0)
    {
      fail (data, SH_JOB_ERROR_INVALID_PARAMETERS,
            g_dngettext (GETTEXT_PACKAGE,
                         "Scene %s is not in StashHog’s copy of the library. Sync the scenes "
                         "first, or check the id.",
                         "Scenes %s are not in StashHog’s copy of the library. Sync the scenes "
                         "first, or check the ids.", n_missing),
            missing->str);
      return;
    }

  take_snapshot (data, requested);
}

static void
list_failed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;

  data->targets = sh_job_store_list_job_scenes_finish (SH_JOB_STORE (object), result, &error);
  if (data->targets == NULL)
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->targets->len == 0)
    {
      fail (data, SH_JOB_ERROR_INVALID_PARAMETERS,
            _("The job %s has no failed scenes to retry."),
            json_object_get_string_member (sh_job_context_get_parameters (data->context),
                                           "retryFailedOf"));
      return;
    }

  sh_job_context_log (data->context, "Retrying %u failed scenes of job %s", data->targets->len,
                      json_object_get_string_member (sh_job_context_get_parameters (data->context),
                                                     "retryFailedOf"));
  sh_scene_store_get_ids_async (sh_job_context_get_scene_store (data->context),
                                sh_job_context_get_server_id (data->context),
                                (const gint64 *) data->targets->data, data->targets->len,
                                data->io, get_ids_cb, data_ref (data));
}

/* Re-attach after a crash: the snapshot and the Stash job exist already. */
static void
count_tracked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(GError) error = NULL;
  guint64 count = 0;

  if (!sh_job_store_count_job_scenes_finish (SH_JOB_STORE (object), result, &count, &error))
    {
      complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  /* Once applied, the snapshot holds only the scenes the job updated (see
   * sh_job_store_apply_generated_async()): the total stored at the snapshot is the size
   * of the snapshot then. */
  if (sh_job_get_total_items (data->job) > 0)
    count = MAX (count, (guint64) sh_job_get_total_items (data->job));

  data->tracked = count;
  sh_job_context_log (data->context, "Re-attached to Stash job %s (%" G_GUINT64_FORMAT
                      " tracked scenes)", data->stash_job_id, count);
  data->generate_sent = TRUE;
  subscribe (data);
  g_clear_signal_handler (&data->connected_id, data->subscription);
  data->connected_id = g_signal_connect (data->subscription, "connected",
                                         G_CALLBACK (on_subscription_connected), data);
  start_monitoring (data);
}

static void
generate_run_async (ShJobContext        *context,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GenerateData *data = g_atomic_rc_box_new0 (GenerateData);
  const ShJobRecord *record;
  g_autoptr(GArray) ids = NULL;

  /* No cancellable on the task: a cancel is a request that Stash must confirm, and a
   * FINISHED that arrives first must still be reported as completed. */
  data->task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (data->task, generate_run_async);
  data->context = context;
  data->job = g_object_ref (sh_job_context_get_job (context));
  data->client = g_object_ref (sh_job_context_get_client (context));
  data->cancellable = g_object_ref (cancellable);
  data->io = g_cancellable_new ();
  record = sh_job_get_record (data->job);
  data->start_time = now_iso8601 ();

  /* The task holds the data, and the data the task until complete() returns it. */
  g_task_set_task_data (data->task, data, (GDestroyNotify) data_unref);
  data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_any_thread),
                                              data, NULL);

  if (sh_job_context_is_reattach (context))
    {
      data->stash_job_id = g_strdup (record->stash_job_id);
      data->add_time = g_strdup (record->stash_job_added_at);
      data->identify_failed = data->add_time == NULL;
      data->sent_at = record->started_at;
      sh_job_store_count_job_scenes_async (sh_job_context_get_job_store (context),
                                           sh_job_get_id (data->job), "tracked", data->io,
                                           count_tracked_cb, data_ref (data));
      return;
    }

  if (json_object_has_member (sh_job_context_get_parameters (context), "retryFailedOf"))
    {
      sh_job_set_progress (data->job, -1, _("Reading the failed scenes"));
      sh_job_store_list_job_scenes_async (sh_job_context_get_job_store (context),
                                          json_object_get_string_member (sh_job_context_get_parameters (context),
                                                                         "retryFailedOf"),
                                          "failed", 0, 0, data->io, list_failed_cb,
                                          data_ref (data));
      return;
    }

  ids = sh_generate_options_dup_scene_ids (sh_job_context_get_parameters (context));
  if (ids != NULL)
    {
      data->targets = g_array_ref (ids);
      sh_job_set_progress (data->job, -1, _("Checking the selected scenes"));
      sh_scene_store_get_ids_async (sh_job_context_get_scene_store (context),
                                    sh_job_context_get_server_id (context),
                                    (const gint64 *) ids->data, ids->len, data->io,
                                    get_ids_cb, data_ref (data));
      return;
    }

  take_snapshot (data, NULL);
}

static JsonObject *
generate_run_finish (GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const ShJobTypeInfo *
sh_generate_job_get_info (void)
{
  static const ShJobTypeInfo info = {
    .name = SH_JOB_TYPE_GENERATE,
    .label = N_("Generate Metadata"),
    .icon_name = "applications-multimedia-symbolic",
    .unit = N_("scenes"),
    .exclusive = TRUE,
    .validate = sh_generate_options_validate,
    .run_async = generate_run_async,
    .run_finish = generate_run_finish,
  };

  return &info;
}
