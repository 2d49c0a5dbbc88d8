/* sh-generate-job-verify.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 6 of a Generate: FINISHED is not proof. Stash's error lines are kept, every tracked
 * scene is probed for the media the options asked for, the scenes that lack some are
 * recorded with the lines that name them, and then all or nothing is marked generated.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sh-generate-job-private.h"
#include "sh-generate-options.h"

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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
      return;
    }

  if (data->failed == 0)
    {
      sh_job_context_log (data->context, "Updated generated attribute for %" G_GUINT64_FORMAT
                          " scenes", updated);
      out = _sh_generate_base_result (data, "completed", updated);
      _sh_generate_complete (data, out, NULL);
      return;
    }

  if (updated > 0 || json_object_get_boolean_member_with_default (sh_job_context_get_parameters (data->context),
                                                                  "mark_succeeded", FALSE))
    {
      g_autofree char *message = NULL;

      sh_job_context_log (data->context, "Updated generated attribute for %" G_GUINT64_FORMAT
                          " scenes; %" G_GUINT64_FORMAT " still lack media", updated,
                          data->failed);
      out = _sh_generate_base_result (data, "completed_with_errors", updated);
      json_object_set_int_member (out, "errors", data->failed);
      _sh_generate_complete (data, out, NULL);
      return;
    }

  {
    g_autofree char *failed = g_strdup_printf ("%" G_GUINT64_FORMAT, data->failed);
    g_autofree char *tracked = g_strdup_printf ("%" G_GUINT64_FORMAT, data->tracked);
    g_autoptr(ShText) text = sh_text_new_plural (SH_TEXT_STILL_LACKING, data->failed, failed,
                                                 tracked, NULL);

    sh_job_context_log (data->context, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                        " scenes still lack media; nothing marked", data->failed, data->tracked);
    out = _sh_generate_base_result (data, "failed", 0);
    sh_job_result_set_error (out, text);
    _sh_generate_complete (data, out, NULL);
  }
}

static void
apply_outcome (GenerateData *data)
{
  gboolean mark = data->failed == 0 ||
                  json_object_get_boolean_member_with_default (sh_job_context_get_parameters (data->context),
                                                               "mark_succeeded", FALSE);

  sh_job_set_progress (data->job, 100, _("Recording the generated scenes"));
  /* Not cancellable: Stash finished, and this is the one write that says so. */
  sh_job_store_apply_verified_async (sh_job_context_get_job_store (data->context),
                                     sh_job_get_id (data->job),
                                     sh_job_context_get_server_id (data->context),
                                     mark, NULL, apply_verified_cb, _sh_generate_data_ref (data));
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
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
  g_autoptr(GArray) vanished = NULL;

  _sh_generate_split_listed (checked, data->page_ids, NULL, &vanished);

  data->verified += checked->complete->len;
  data->failed += checked->incomplete->len;

  sh_scene_store_delete_async (sh_job_context_get_scene_store (data->context),
                               sh_job_context_get_server_id (data->context),
                               (const gint64 *) vanished->data, vanished->len, data->io,
                               delete_removed_cb, _sh_generate_data_ref (data));
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
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
                                   add_failures_cb, _sh_generate_data_ref (data));
}

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
  if (data->page_result == NULL && _sh_generate_is_transient (error) &&
      ++data->page_attempts < VERIFY_ATTEMPTS && !data->done)
    {
      g_debug ("Verifying again in %u s: %s", 1u << (data->page_attempts - 1), error->message);
      data->retry_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                       1u << (data->page_attempts - 1),
                                                       verify_page_again,
                                                       _sh_generate_data_ref (data),
                                                       (GDestroyNotify) _sh_generate_data_unref);
      return;
    }
  data->page_attempts = 0;
  if (data->page_result == NULL)
    {
      g_prefix_error (&error, _("Stash finished, but its media could not be verified; nothing "
                                "was marked as generated: "));
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
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
                                   get_failed_scenes_cb, _sh_generate_data_ref (data));
}

static void
verify_page_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GenerateData) data = user_data;

  if (!_sh_generate_take_page_ids (data, object, result))
    return;

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
                              NULL, NULL, data->io, verify_checked_cb,
                              _sh_generate_data_ref (data));
}

static void
verify_next_page (GenerateData *data)
{
  sh_job_store_list_job_scenes_async (sh_job_context_get_job_store (data->context),
                                      sh_job_get_id (data->job), "tracked", data->verify_after,
                                      VERIFY_PAGE, data->io, verify_page_cb,
                                      _sh_generate_data_ref (data));
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
      _sh_generate_complete (data, NULL, g_steal_pointer (&error));
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
                                     clear_failures_cb, _sh_generate_data_ref (data));
}

gint64
_sh_generate_parse_time (const char *text)
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

void
_sh_generate_on_log_entries (ShStashSubscription *subscription,
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

void
_sh_generate_finish_success (GenerateData     *data,
                             const ShStashJob *stash_job)
{
  g_clear_handle_id (&data->poll_source, g_source_remove);
  data->stash_start = _sh_generate_parse_time (stash_job->start_time);
  data->stash_end = _sh_generate_parse_time (stash_job->end_time);
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
  sh_stash_client_logs_async (data->client, data->io, logs_cb, _sh_generate_data_ref (data));
}

