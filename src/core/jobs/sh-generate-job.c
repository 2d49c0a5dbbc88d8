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
 *     into job_scene_set, in one transaction;
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
 *
 * This file holds steps 1 to 4 and the end of a run; following the Stash job and
 * cancelling it are in sh-generate-job-follow.c, the verification in -verify.c.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sh-generate-job-private.h"
#include "sh-job-error.h"
#include "sh-generate-options.h"
#include "sh-job-types.h"


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

GenerateData *
_sh_generate_data_ref (GenerateData *data)
{
  return g_atomic_rc_box_acquire (data);
}

void
_sh_generate_data_unref (GenerateData *data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) generate_data_clear);
}


static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

/* Ends the run once. Stops the subscription and timers; the data goes with the task. */
void
_sh_generate_complete (GenerateData *data,
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

void
_sh_generate_fail (GenerateData *data,
                   int           code,
                   const char   *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  _sh_generate_complete (data, NULL, g_error_new_literal (SH_JOB_ERROR, code, message));
}

/* Fails the run with @text (whose ownership it takes), kept for the job's readers. */
void
_sh_generate_fail_text (GenerateData *data,
                        int           code,
                        ShText       *text)
{
  _sh_generate_complete (data, NULL, sh_job_error_new_text (code, text));
}

JsonObject *
_sh_generate_base_result (GenerateData *data,
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

/* Splits @ids into those that @checked listed (complete or not) and those it did not:
 * Stash no longer has the latter. The order is kept; either out array may be NULL. */
void
_sh_generate_split_listed (const ShMediaCheckResult  *checked,
                           GArray                    *ids,
                           GArray                   **listed,
                           GArray                   **vanished)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < checked->complete->len; i++)
    g_hash_table_add (seen, &g_array_index (checked->complete, gint64, i));
  for (guint i = 0; i < checked->incomplete->len; i++)
    g_hash_table_add (seen, &g_array_index (checked->incomplete, gint64, i));

  if (listed != NULL)
    *listed = g_array_sized_new (FALSE, FALSE, sizeof (gint64), g_hash_table_size (seen));
  if (vanished != NULL)
    *vanished = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      GArray **to = g_hash_table_contains (seen, &id) ? listed : vanished;

      if (to != NULL)
        g_array_append_val (*to, id);
    }
}

/* Takes the page of tracked ids that sh_job_store_list_job_scenes_async() read; without
 * one, the run ends with the error. */
gboolean
_sh_generate_take_page_ids (GenerateData *data,
                            GObject      *store,
                            GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&data->page_ids, g_array_unref);
  data->page_ids = sh_job_store_list_job_scenes_finish (SH_JOB_STORE (store), result, &error);
  if (data->page_ids == NULL)
    {
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return FALSE;
    }

  return TRUE;
}

/* Step 4: start the Stash job */

static void
start_monitoring (GenerateData *data)
{
  ShJobManager *manager = sh_job_context_get_manager (data->context);

  data->poll_delay_ms = sh_job_manager_get_poll_interval (manager);
  data->last_event = g_get_monotonic_time ();

  if (data->stop_requested)
    _sh_generate_send_stop (data);

  /* The first answer comes from findJob; the socket takes over when it is there. */
  _sh_generate_poll_now (data);
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
  else if (!_sh_generate_identify (data, stash_job))
    return;

  if (stash_job != NULL)
    _sh_generate_handle_stash_job (data, stash_job);
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  data->stash_job_id = g_steal_pointer (&stash_job_id);
  data->sent_at = g_get_real_time ();
  sh_job_context_log (data->context, "Started Stash job %s", data->stash_job_id);
  sh_job_set_stash_job (data->job, data->stash_job_id, NULL);
  sh_job_set_progress (data->job, -1, _("Waiting in Stash’s queue"));

  sh_stash_client_find_job_async (data->client, data->stash_job_id, data->io,
                                  initial_find_job_cb, _sh_generate_data_ref (data));
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
      g_autoptr(JsonObject) out = _sh_generate_base_result (data, "cancelled", 0);

      _sh_generate_complete (data, out, NULL);
      return;
    }

  input = sh_generate_options_to_input (sh_job_context_get_parameters (data->context),
                                        data->send_ids);
  data->generate_sent = TRUE;
  sh_job_set_progress (data->job, -1, _("Starting Generate in Stash"));
  sh_stash_client_metadata_generate_async (data->client, input, data->io,
                                           metadata_generate_cb, _sh_generate_data_ref (data));
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
    _sh_generate_on_subscription_connected (subscription, data);
}

static void
subscribe (GenerateData *data)
{
  data->subscription = sh_stash_subscription_new (data->client);
  sh_stash_subscription_set_follow_log (data->subscription, TRUE);
  data->log_id = g_signal_connect (data->subscription, "log-entries",
                                   G_CALLBACK (_sh_generate_on_log_entries), data);
  data->update_id = g_signal_connect (data->subscription, "job-update",
                                      G_CALLBACK (_sh_generate_on_job_update), data);
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
      g_autoptr(JsonObject) out = _sh_generate_base_result (data, "cancelled", 0);

      _sh_generate_complete (data, out, NULL);
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->removed > 0)
    sh_job_context_log (data->context, "Removed %" G_GUINT64_FORMAT " scenes that Stash no "
                        "longer has", data->removed);

  /* An empty target starts no Stash job: with no sceneIDs Stash would walk everything. */
  if (data->send_ids->len == 0)
    {
      g_autoptr(JsonObject) out = _sh_generate_base_result (data, "completed", 0);

      json_object_set_string_member (out, "reason", "nothing to do");
      sh_job_set_counts (data->job, 0, 0);
      sh_job_set_progress (data->job, 100, _("Nothing to do: Stash no longer has the targeted "
                                             "scenes"));
      _sh_generate_complete (data, out, NULL);
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
  g_autoptr(GArray) vanished = NULL;
  g_autoptr(GError) error = NULL;

  checked = sh_media_checker_run_finish (SH_MEDIA_CHECKER (object), result, &error);
  if (checked == NULL)
    {
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  _sh_generate_split_listed (checked, data->page_ids, &data->send_ids, &vanished);
  g_clear_pointer (&data->page_ids, g_array_unref);

  data->removed += vanished->len;
  data->tracked = data->send_ids->len;
  sh_job_set_counts (data->job, 0, data->tracked);

  sh_scene_store_delete_async (sh_job_context_get_scene_store (data->context),
                               sh_job_context_get_server_id (data->context),
                               (const gint64 *) vanished->data, vanished->len, data->io,
                               confirm_deleted_cb, _sh_generate_data_ref (data));
}

static void
confirm_list_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  g_autoptr(ShMediaChecker) checker = NULL;

  if (!_sh_generate_take_page_ids (data, object, result))
    return;

  /* Only whether Stash has them: the phash is in the answer itself, no file is probed. */
  sh_job_set_progress (data->job, -1, _("Confirming the scenes in Stash"));
  checker = sh_media_checker_new (data->client, SH_MEDIA_PHASH);
  sh_media_checker_run_async (checker, (const gint64 *) data->page_ids->data, data->page_ids->len,
                              NULL, NULL, data->io, confirm_checked_cb,
                              _sh_generate_data_ref (data));
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
                                      confirm_list_cb, _sh_generate_data_ref (data));
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (g_strcmp0 (info->status, "OK") != 0)
    {
      _sh_generate_fail_text (data, SH_JOB_ERROR_NOT_READY,
                              sh_text_new (SH_TEXT_NOT_READY, info->status, NULL));
      return;
    }
  if (!info->has_ffmpeg)
    {
      _sh_generate_fail_text (data, SH_JOB_ERROR_NOT_READY, sh_text_new (SH_TEXT_NO_FFMPEG, NULL));
      return;
    }

  if (data->stop_requested)
    {
      g_autoptr(JsonObject) out = _sh_generate_base_result (data, "cancelled", 0);

      _sh_generate_complete (data, out, NULL);
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  sh_job_context_log (data->context, "Found %" G_GUINT64_FORMAT
                      " scenes without generated attribute", data->tracked);
  sh_job_set_counts (data->job, 0, data->tracked);

  if (data->tracked == 0)
    {
      g_autoptr(JsonObject) out = _sh_generate_base_result (data, "completed", 0);

      json_object_set_string_member (out, "reason", "nothing to do");
      sh_job_set_progress (data->job, 100, _("Nothing to do: every targeted scene is already "
                                             "generated"));
      _sh_generate_complete (data, out, NULL);
      return;
    }

  if (data->stop_requested)
    {
      g_autoptr(JsonObject) out = _sh_generate_base_result (data, "cancelled", 0);

      _sh_generate_complete (data, out, NULL);
      return;
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Checking Stash for %" PRIu64 " scene",
                                          "Checking Stash for %" PRIu64 " scenes",
                                          data->tracked), data->tracked);
  sh_job_set_progress (data->job, -1, message);
  sh_stash_client_test_connection_async (data->client, data->io, test_connection_cb,
                                         _sh_generate_data_ref (data));
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
                                       data->io, snapshot_cb, _sh_generate_data_ref (data));
}

static void
get_ids_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;
  GArray *requested = data->targets;
  gboolean retry = json_object_has_member (sh_job_context_get_parameters (data->context),
                                           "retry_failed_of");
  g_autoptr(GArray) present = NULL;
  g_autoptr(GHashTable) known = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n_missing = 0;

  present = sh_scene_store_get_ids_finish (SH_SCENE_STORE (object), result, &error);
  if (present == NULL)
    {
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
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
      _sh_generate_fail (data, SH_JOB_ERROR_INVALID_PARAMETERS,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "Scene %s is not in StashHog’s copy of the library. Sync "
                                      "the scenes first, or check the id.",
                                      "Scenes %s are not in StashHog’s copy of the library. "
                                      "Sync the scenes first, or check the ids.", n_missing),
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->targets->len == 0)
    {
      _sh_generate_fail (data, SH_JOB_ERROR_INVALID_PARAMETERS,
                         _("The job %s has no failed scenes to retry."),
                         json_object_get_string_member (
                             sh_job_context_get_parameters (data->context), "retry_failed_of"));
      return;
    }

  sh_job_context_log (data->context, "Retrying %u failed scenes of job %s", data->targets->len,
                      json_object_get_string_member (sh_job_context_get_parameters (data->context),
                                                     "retry_failed_of"));
  sh_scene_store_get_ids_async (sh_job_context_get_scene_store (data->context),
                                sh_job_context_get_server_id (data->context),
                                (const gint64 *) data->targets->data, data->targets->len,
                                data->io, get_ids_cb, _sh_generate_data_ref (data));
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
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
                                         G_CALLBACK (_sh_generate_on_subscription_connected), data);
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

  /* The task holds the data, and the data the task until _sh_generate_complete() returns it. */
  g_task_set_task_data (data->task, data, (GDestroyNotify) _sh_generate_data_unref);
  data->cancelled_id = g_cancellable_connect (cancellable,
                                              G_CALLBACK (_sh_generate_on_cancelled_any_thread),
                                              data, NULL);

  if (sh_job_context_is_reattach (context))
    {
      data->stash_job_id = g_strdup (record->stash_job_id);
      data->add_time = g_strdup (record->stash_job_added_at);
      data->identify_failed = data->add_time == NULL;
      data->sent_at = record->started_at;
      sh_job_store_count_job_scenes_async (sh_job_context_get_job_store (context),
                                           sh_job_get_id (data->job), "tracked", data->io,
                                           count_tracked_cb, _sh_generate_data_ref (data));
      return;
    }

  if (json_object_has_member (sh_job_context_get_parameters (context), "retry_failed_of"))
    {
      sh_job_set_progress (data->job, -1, _("Reading the failed scenes"));
      sh_job_store_list_job_scenes_async (sh_job_context_get_job_store (context),
                                          json_object_get_string_member (sh_job_context_get_parameters (context),
                                                                         "retry_failed_of"),
                                          "failed", 0, 0, data->io, list_failed_cb,
                                          _sh_generate_data_ref (data));
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
                                    get_ids_cb, _sh_generate_data_ref (data));
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

