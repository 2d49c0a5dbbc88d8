/* sh-process-new-job.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `process_new_scenes`: a workflow of child jobs — an incremental sync, a Generate for the
 * scenes the sync added, and a check of those scenes. The children are ordinary jobs linked
 * to this one; cancelling this job cancels the active child.
 *
 * New scenes are those Stash created after the newest update the mirror had seen before the
 * sync: any scene that existed then was created no later than that.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>

#include "sh-generate-options.h"
#include "sh-job-context.h"
#include "sh-job-types.h"
#include "sh-job-error.h"

#define N_STEPS 3


typedef struct
{
  ShJobContext *context;      /* (unowned) */
  ShJob        *job;          /* (owned) */
  GCancellable *cancellable;  /* (owned) the parent's */
  gulong        cancelled_id;
  ShJob        *child;        /* (owned) (nullable) the active step */
  gulong        child_notify_id;
  guint         step;         /* 1..N_STEPS */
  char         *watermark;    /* (owned) (nullable) */
  GArray       *new_ids;      /* (owned) (nullable) */
  JsonArray    *steps;        /* (owned) */
  gint64        generated;    /* scenes the Generate step marked; -1 before it ended */
  gint64        incomplete;   /* scenes it found still lacking media */
  ShText       *error_text;   /* (owned) (nullable) the failure, untranslated */
} ProcessData;

static void
process_data_free (ProcessData *data)
{
  if (data->child != NULL)
    g_clear_signal_handler (&data->child_notify_id, data->child);
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->child);
  g_clear_object (&data->job);
  g_clear_object (&data->cancellable);
  g_free (data->watermark);
  g_clear_pointer (&data->new_ids, g_array_unref);
  g_clear_pointer (&data->steps, json_array_unref);
  g_clear_pointer (&data->error_text, sh_text_free);
  g_free (data);
}

static gboolean
process_validate (JsonObject  *parameters,
                  GError     **error)
{
  JsonNode *options = json_object_get_member (parameters, "generate");

  if (options == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (options) ||
      json_object_has_member (json_node_get_object (options), "sceneIDs"))
    {
      g_set_error (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS,
                   _("“generate” must be an object of Generate options, without scene ids."));
      return FALSE;
    }

  return sh_generate_options_validate (json_node_get_object (options), error);
}

/* The step's label, untranslated. */
static const char *
step_msgid (guint step)
{
  switch (step)
    {
    case 1:
      return SH_TEXT_STEP_SYNC_NEW;
    case 2:
      return SH_TEXT_STEP_GENERATE_NEW;
    case 3:
      return SH_TEXT_STEP_CHECK_NEW;
    default:
      return NULL;
    }
}

static const char *
step_label (guint step)
{
  const char *msgid = step_msgid (step);

  return msgid != NULL ? _(msgid) : "";
}

static void
on_child_notify (ShJob       *child,
                 GParamSpec  *pspec,
                 GTask       *task)
{
  ProcessData *data = g_task_get_task_data (task);
  double child_progress = sh_job_get_progress (child);
  g_autofree char *message = NULL;
  double percent;

  percent = 100.0 * ((data->step - 1) + (child_progress >= 0 ? child_progress / 100.0 : 0))
            / N_STEPS;
  message = g_strdup_printf (_("Step %u/%u: %s — %s"), data->step, N_STEPS,
                             step_label (data->step),
                             sh_job_get_message (child) ? sh_job_get_message (child) : "");
  sh_job_set_progress (data->job, percent, message);
  sh_job_set_sub_task (data->job, sh_job_get_sub_task (child));
}

static void
record_step (ProcessData *data,
             ShJob       *child)
{
  JsonObject *step = json_object_new ();

  json_object_set_string_member (step, "type", sh_job_get_job_type (child));
  json_object_set_string_member (step, "job_id", sh_job_get_id (child));
  json_object_set_string_member (step, "status", sh_job_status_to_string (sh_job_get_status (child)));
  json_array_add_object_element (data->steps, step);
}

static void
return_result (GTask      *task,
               const char *status,
               const char *error)
{
  ProcessData *data = g_task_get_task_data (task);
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "status", status);
  json_object_set_int_member (result, "new_scenes", data->new_ids ? data->new_ids->len : 0);
  json_object_set_array_member (result, "steps", json_array_ref (data->steps));
  /* Every summary says how many scenes are still incomplete. */
  if (data->generated >= 0)
    {
      json_object_set_int_member (result, "scenes_generated", data->generated);
      json_object_set_int_member (result, "scenes_incomplete", data->incomplete);
    }
  if (error != NULL)
    json_object_set_string_member (result, "error", error);
  /* Kept for readers in other languages when it is what the error says. */
  if (error != NULL && sh_text_says (data->error_text, error))
    sh_job_result_set_error (result, data->error_text);

  g_task_return_pointer (task, result, (GDestroyNotify) json_object_unref);
}

static void run_step (GTask *task, guint step);

static void
child_run_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) child = g_steal_pointer (&data->child);

  g_clear_signal_handler (&data->child_notify_id, child);
  if (!sh_job_manager_run_finish (SH_JOB_MANAGER (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  record_step (data, child);

  if (g_strcmp0 (sh_job_get_job_type (child), SH_JOB_TYPE_GENERATE) == 0)
    {
      g_autoptr(JsonObject) child_result = sh_job_dup_result (child);

      if (child_result != NULL)
        {
          data->generated = json_object_get_int_member_with_default (child_result,
                                                                     "scenes_updated_count", 0);
          data->incomplete = json_object_get_int_member_with_default (child_result,
                                                                      "scenes_failed", 0);
        }
    }

  switch (sh_job_get_status (child))
    {
    case SH_JOB_COMPLETED:
      break;

    case SH_JOB_CANCELLED:
      return_result (task, "cancelled", NULL);
      return;

    case SH_JOB_FAILED:
      {
        g_autofree char *message = NULL;

        g_clear_pointer (&data->error_text, sh_text_free);
        data->error_text = sh_job_text_step_failed (child, data->step, step_msgid (data->step));
        message = sh_text_render (data->error_text);
        return_result (task, "failed", message);
      }
      return;

    case SH_JOB_PENDING:
    case SH_JOB_RUNNING:
    case SH_JOB_CANCELLING:
    default:
      g_assert_not_reached ();
    }

  if (g_cancellable_is_cancelled (data->cancellable))
    {
      return_result (task, "cancelled", NULL);
      return;
    }

  run_step (task, data->step + 1);
}

static void
child_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  ShJobManager *manager = SH_JOB_MANAGER (object);

  data->child = sh_job_manager_create_finish (manager, result, &error);
  if (data->child == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->child_notify_id = g_signal_connect_object (data->child, "notify",
                                                   G_CALLBACK (on_child_notify), task, 0);
  sh_job_manager_run_async (manager, data->child, NULL, child_run_cb, g_object_ref (task));
}

static void
create_child (GTask      *task,
              const char *type,
              JsonObject *parameters)
{
  ProcessData *data = g_task_get_task_data (task);
  g_autofree char *message = g_strdup_printf (_("Step %u/%u: %s"), data->step, N_STEPS,
                                              step_label (data->step));

  sh_job_set_progress (data->job, 100.0 * (data->step - 1) / N_STEPS, message);
  sh_job_set_counts (data->job, data->step - 1, N_STEPS);
  sh_job_context_log (data->context, "%s", message);
  sh_job_manager_create_async (sh_job_context_get_manager (data->context), type, parameters,
                               sh_job_get_id (data->job), NULL, child_created_cb,
                               g_steal_pointer (&task));
}

static JsonArray *
ids_to_json (GArray *ids)
{
  JsonArray *array = json_array_sized_new (ids->len);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, i));

      json_array_add_string_element (array, text);
    }

  return array;
}

static void
new_ids_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) parameters = NULL;
  JsonObject *options;

  data->new_ids = sh_scene_store_list_ids_created_after_finish (SH_SCENE_STORE (object), result,
                                                                &error);
  if (data->new_ids == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sh_job_context_log (data->context, "%u new scenes", data->new_ids->len);
  if (data->new_ids->len == 0)
    {
      sh_job_set_progress (data->job, 100, _("No new scenes"));
      return_result (g_steal_pointer (&task), "completed", NULL);
      return;
    }

  options = json_object_has_member (sh_job_context_get_parameters (data->context), "generate")
    ? json_object_get_object_member (sh_job_context_get_parameters (data->context), "generate")
    : NULL;
  if (options != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), options);
      g_autoptr(JsonNode) copy = json_node_copy (node);

      parameters = json_object_ref (json_node_get_object (copy));
    }
  else
    parameters = json_object_new ();

  /* Past the limit, Generate targets every scene that needs it instead of a list. */
  if (data->new_ids->len <= SH_GENERATE_MAX_LISTED_SCENES)
    json_object_set_array_member (parameters, "sceneIDs", ids_to_json (data->new_ids));

  data->step = 2;
  create_child (g_steal_pointer (&task), SH_JOB_TYPE_GENERATE, parameters);
}

static void
run_step (GTask *task,
          guint  step)
{
  ProcessData *data = g_task_get_task_data (task);

  data->step = step;
  switch (step)
    {
    case 1:
      {
        g_autoptr(JsonObject) parameters = json_object_new ();

        json_object_set_boolean_member (parameters, "full", FALSE);
        create_child (g_object_ref (task), SH_JOB_TYPE_SYNC, parameters);
      }
      break;

    case 2:
      /* Which scenes did the sync add? */
      sh_scene_store_list_ids_created_after_async (sh_job_context_get_scene_store (data->context),
                                                   sh_job_context_get_server_id (data->context),
                                                   data->watermark, NULL, new_ids_cb,
                                                   g_object_ref (task));
      break;

    case 3:
      {
        g_autoptr(JsonObject) parameters = json_object_new ();

        json_object_set_array_member (parameters, "scene_ids", ids_to_json (data->new_ids));
        create_child (g_object_ref (task), SH_JOB_TYPE_CHECK, parameters);
      }
      break;

    default:
      return_result (task, "completed", NULL);
      break;
    }
}

static void
watermark_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->watermark = sh_scene_store_get_last_updated_at_finish (SH_SCENE_STORE (object), result,
                                                               &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run_step (task, 1);
}

static void
on_cancelled (GCancellable *cancellable,
              ProcessData  *data)
{
  /* The active child stops the way its type stops (Generate waits for Stash). */
  if (data->child != NULL)
    sh_job_manager_cancel (sh_job_context_get_manager (data->context), data->child);
}

static void
process_run_async (ShJobContext        *context,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  /* No cancellable on the task: the outcome is the children's. */
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  ProcessData *data = g_new0 (ProcessData, 1);

  data->generated = -1;

  g_task_set_source_tag (task, process_run_async);
  data->context = context;
  data->job = g_object_ref (sh_job_context_get_job (context));
  data->cancellable = g_object_ref (cancellable);
  data->steps = json_array_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) process_data_free);
  data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), data, NULL);

  sh_job_set_counts (data->job, 0, N_STEPS);
  sh_scene_store_get_last_updated_at_async (sh_job_context_get_scene_store (context),
                                            sh_job_context_get_server_id (context), NULL,
                                            watermark_cb, g_steal_pointer (&task));
}

static JsonObject *
process_run_finish (GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const ShJobTypeInfo *
sh_process_new_job_get_info (void)
{
  static const ShJobTypeInfo info = {
    .name = SH_JOB_TYPE_PROCESS_NEW,
    .label = N_("Process New Scenes"),
    .icon_name = "starred-symbolic",
    .unit = N_("steps"),
    .exclusive = FALSE,
    .validate = process_validate,
    .run_async = process_run_async,
    .run_finish = process_run_finish,
  };

  return &info;
}
