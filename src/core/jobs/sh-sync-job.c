/* sh-sync-job.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `sync_scenes`: the scene sync as a job. Parameters: `full` (boolean, default false):
 * true starts a fresh full pass; false resumes an interrupted full pass if there is one,
 * else syncs incrementally. The result's `resumed_after` names the scene a resumed pass
 * went on after.
 */

#include "config.h"

#include "sh-types.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "sh-job-context.h"
#include "sh-job-types.h"
#include "sh-job-error.h"
#include "sh-scene-sync.h"


static gboolean
sync_validate (JsonObject  *parameters,
               GError     **error)
{
  JsonNode *full = json_object_get_member (parameters, "full");

  if (full == NULL)
    {
      json_object_set_boolean_member (parameters, "full", FALSE);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (full) || json_node_get_value_type (full) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                   _("The parameter “full” must be true or false."));
      return FALSE;
    }

  return TRUE;
}

static void
sync_progress (guint64  processed,
               gint64   total,
               gpointer user_data)
{
  ShJob *job = user_data;
  g_autofree char *message = NULL;

  total = MAX (total, (gint64) processed);
  /* "Synced X/Y scenes" also carries the counts. */
  message = g_strdup_printf (_("Synced %" PRIu64 "/%" PRId64 " scenes"),
                             processed, total);
  sh_job_set_progress (job, total > 0 ? 100.0 * processed / total : -1, message);
  sh_job_set_counts (job, processed, total);
}

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  ShSceneSyncResult sync;

  if (!sh_scene_sync_run_finish (result, &sync, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  json_object_set_string_member (out, "status", "completed");
  json_object_set_string_member (out, "mode", sync.full ? "full" : "incremental");
  json_object_set_int_member (out, "synced", sync.synced);
  json_object_set_int_member (out, "total", MAX (sync.total, (gint64) sync.synced));
  json_object_set_int_member (out, "removed", sync.removed);
  json_object_set_int_member (out, "reset", sync.reset);
  json_object_set_int_member (out, "pages", sync.pages);
  if (sync.resumed_after > 0)
    json_object_set_int_member (out, "resumed_after", sync.resumed_after);

  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) json_object_unref);
}

static void
sync_run_async (ShJobContext        *context,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  JsonObject *parameters = sh_job_context_get_parameters (context);
  ShJob *job = sh_job_context_get_job (context);
  gboolean full = json_object_get_boolean_member_with_default (parameters, "full", FALSE);

  g_task_set_source_tag (task, sync_run_async);
  sh_job_set_progress (job, -1, full ? _("Reading every scene from Stash")
                                     : _("Reading the scenes changed since the last sync"));

  sh_scene_sync_run_async (sh_job_context_get_client (context),
                           sh_job_context_get_scene_store (context),
                           sh_job_context_get_server_id (context),
                           full, 0, sync_progress, job, cancellable, sync_cb, task);
}

static JsonObject *
sync_run_finish (GAsyncResult  *result,
                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const ShJobTypeInfo *
sh_sync_job_get_info (void)
{
  static const ShJobTypeInfo info = {
    .name = SH_JOB_TYPE_SYNC,
    .label = N_("Sync Scenes"),
    .icon_name = "emblem-synchronizing-symbolic",
    .unit = N_("scenes"),
    .exclusive = TRUE,
    .validate = sync_validate,
    .run_async = sync_run_async,
    .run_finish = sync_run_finish,
  };

  return &info;
}
