/* sh-check-job.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `check_stash_generate`: asks Stash which of the selected artifact kinds really exist for
 * each scene (ShMediaChecker), then sets `generated` false for incomplete scenes and true
 * for complete ones in one transaction. Parameters: `kinds` (names, default: what a
 * default Generate produces) and `scene_ids` (default: every scene).
 */

#include "config.h"

#include "sh-types.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "sh-job-context.h"
#include "sh-job-types.h"
#include "sh-job-error.h"
#include "sh-media-checker.h"


typedef struct
{
  ShJobContext       *context;   /* (unowned) */
  ShJob              *job;       /* (owned) */
  ShMediaCheckResult *result;    /* (owned) (nullable) */
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->job);
  g_clear_pointer (&data->result, sh_media_check_result_free);
  g_free (data);
}

static gboolean
check_validate (JsonObject  *parameters,
                GError     **error)
{
  JsonNode *kinds = json_object_get_member (parameters, "kinds");
  JsonNode *ids = json_object_get_member (parameters, "scene_ids");
  g_autoptr(GList) members = json_object_get_members (parameters);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "kinds") && !g_str_equal (l->data, "scene_ids"))
      {
        g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                     _("“%s” is not a parameter of the check."), (const char *) l->data);
        return FALSE;
      }

  if (kinds == NULL)
    {
      JsonArray *defaults = json_array_new ();

      for (guint bit = 0; bit < SH_MEDIA_N_KINDS; bit++)
        if (SH_MEDIA_DEFAULT & (1u << bit))
          json_array_add_string_element (defaults, sh_media_kind_to_string (1u << bit));
      json_object_set_array_member (parameters, "kinds", defaults);
    }
  else
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      ShMediaKind parsed;
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (kinds))
        {
          g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                       _("“kinds” must be a list of artifact names."));
          return FALSE;
        }
      array = json_node_get_array (kinds);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                           _("“kinds” must be a list of artifact names."));
              return FALSE;
            }
          g_ptr_array_add (names, (gpointer) json_node_get_string (element));
        }
      g_ptr_array_add (names, NULL);
      if (!sh_media_kinds_from_strings ((const char * const *) names->pdata, &parsed, NULL))
        {
          g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                       _("Choose the kinds of media to check from cover, sprite, vtt, preview, "
                         "webp, phash, heatmap, marker_video, marker_screenshot and "
                         "marker_webp."));
          return FALSE;
        }
    }

  if (ids != NULL && !JSON_NODE_HOLDS_NULL (ids))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (ids))
        {
          g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                       _("“scene_ids” must be a list of scene ids."));
          return FALSE;
        }
      array = json_node_get_array (ids);
      if (json_array_get_length (array) == 0)
        {
          g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                       _("The list of scenes to check is empty; leave it out to check every "
                         "scene."));
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          guint64 value;

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING ||
              !g_ascii_string_to_unsigned (json_node_get_string (element), 10, 1, G_MAXINT32,
                                           &value, NULL))
            {
              g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                           _("Scene ids must be positive whole numbers, written as strings."));
              return FALSE;
            }
        }
    }

  return TRUE;
}

static void
check_progress (guint64  checked,
                guint64  total,
                gpointer user_data)
{
  ShJob *job = user_data;
  g_autofree char *message = NULL;

  /* The seed's "Processed X/Y" message convention. */
  message = g_strdup_printf (_("Processed %" PRIu64 "/%" PRIu64 " scenes"),
                             checked, total);
  sh_job_set_progress (job, total > 0 ? 100.0 * checked / total : -1, message);
  /* Set directly too: a translated message no longer carries them. */
  sh_job_set_counts (job, checked, total);
}

static void
apply_check_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *out;
  guint64 changed;

  changed = sh_job_store_apply_check_finish (SH_JOB_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  node = sh_media_check_result_to_json (data->result);
  out = json_node_get_object (node);
  json_object_set_string_member (out, "status", "completed");
  json_object_set_int_member (out, "scenes_updated_count", changed);
  sh_job_context_log (data->context, "Checked %" G_GUINT64_FORMAT " scenes: %u incomplete, "
                      "%" G_GUINT64_FORMAT " changed", data->result->checked,
                      data->result->incomplete->len, changed);

  g_task_return_pointer (task, json_object_ref (out), (GDestroyNotify) json_object_unref);
}

static void
checker_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->result = sh_media_checker_run_finish (SH_MEDIA_CHECKER (object), result, &error);
  if (data->result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sh_job_set_progress (data->job, 100, _("Recording the results"));
  /* The one write of the job, in one transaction; not interrupted by a late cancel. */
  sh_job_store_apply_check_async (sh_job_context_get_job_store (data->context),
                                  sh_job_get_id (data->job),
                                  sh_job_context_get_server_id (data->context),
                                  data->result->kinds,
                                  (const gint64 *) data->result->incomplete->data,
                                  (const guint *) data->result->incomplete_missing->data,
                                  data->result->incomplete->len,
                                  (const gint64 *) data->result->complete->data,
                                  data->result->complete->len,
                                  NULL, apply_check_cb, g_steal_pointer (&task));
}

static void
check_run_async (ShJobContext        *context,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(ShMediaChecker) checker = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  JsonObject *parameters = sh_job_context_get_parameters (context);
  JsonArray *kinds = json_object_get_array_member (parameters, "kinds");
  CheckData *data = g_new0 (CheckData, 1);
  ShMediaKind mask = 0;

  g_task_set_source_tag (task, check_run_async);
  data->context = context;
  data->job = g_object_ref (sh_job_context_get_job (context));
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);

  for (guint i = 0; i < json_array_get_length (kinds); i++)
    g_ptr_array_add (names, (gpointer) json_array_get_string_element (kinds, i));
  g_ptr_array_add (names, NULL);
  sh_media_kinds_from_strings ((const char * const *) names->pdata, &mask, NULL);

  if (json_object_has_member (parameters, "scene_ids") &&
      !json_object_get_null_member (parameters, "scene_ids"))
    {
      JsonArray *array = json_object_get_array_member (parameters, "scene_ids");

      ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), json_array_get_length (array));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          gint64 id = g_ascii_strtoll (json_array_get_string_element (array, i), NULL, 10);

          g_array_append_val (ids, id);
        }
    }

  sh_job_set_progress (data->job, -1, _("Asking Stash which media exist"));
  checker = sh_media_checker_new (sh_job_context_get_client (context), mask);
  sh_media_checker_run_async (checker,
                              ids ? (const gint64 *) ids->data : NULL, ids ? ids->len : 0,
                              check_progress, data->job, cancellable, checker_cb,
                              g_steal_pointer (&task));
}

static JsonObject *
check_run_finish (GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const ShJobTypeInfo *
sh_check_job_get_info (void)
{
  static const ShJobTypeInfo info = {
    .name = SH_JOB_TYPE_CHECK,
    .label = N_("Check Generated Media"),
    .icon_name = "edit-find-symbolic",
    .unit = N_("scenes"),
    .exclusive = TRUE,
    .validate = check_validate,
    .run_async = check_run_async,
    .run_finish = check_run_finish,
  };

  return &info;
}
