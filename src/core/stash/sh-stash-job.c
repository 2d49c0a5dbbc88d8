/* sh-stash-job.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sh-stash-error.h"
#include "sh-stash-job.h"

G_DEFINE_BOXED_TYPE (ShStashJob, sh_stash_job, sh_stash_job_copy, sh_stash_job_free)

static const char * const status_names[] = {
  [SH_STASH_JOB_READY] = "READY",
  [SH_STASH_JOB_RUNNING] = "RUNNING",
  [SH_STASH_JOB_FINISHED] = "FINISHED",
  [SH_STASH_JOB_STOPPING] = "STOPPING",
  [SH_STASH_JOB_CANCELLED] = "CANCELLED",
  [SH_STASH_JOB_FAILED] = "FAILED",
};

const char *
sh_stash_job_status_to_string (ShStashJobStatus status)
{
  g_return_val_if_fail (status <= SH_STASH_JOB_FAILED, NULL);

  return status_names[status];
}

gboolean
sh_stash_job_status_from_string (const char       *string,
                                 ShStashJobStatus *status)
{
  for (guint i = 0; string != NULL && i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_str_equal (string, status_names[i]))
        {
          *status = i;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
sh_stash_job_update_type_from_string (const char           *string,
                                      ShStashJobUpdateType *type)
{
  if (g_strcmp0 (string, "ADD") == 0)
    *type = SH_STASH_JOB_UPDATE_ADD;
  else if (g_strcmp0 (string, "UPDATE") == 0)
    *type = SH_STASH_JOB_UPDATE_UPDATE;
  else if (g_strcmp0 (string, "REMOVE") == 0)
    *type = SH_STASH_JOB_UPDATE_REMOVE;
  else
    return FALSE;

  return TRUE;
}

/* A member that must be a string or null; anything else is a shape error. */
static gboolean
get_optional_string (JsonObject  *object,
                     const char  *name,
                     char       **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash sent a job whose “%s” is not a string."), name);
      return FALSE;
    }

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/**
 * sh_stash_job_new_from_json:
 * @object: a `Job` object from a GraphQL response
 * @error: return location for a #GError
 *
 * Parses a job, checking every field's type; never trusts the server.
 *
 * Returns: (transfer full): the job, or %NULL with @error set
 */
ShStashJob *
sh_stash_job_new_from_json (JsonObject  *object,
                            GError     **error)
{
  g_autoptr(ShStashJob) self = g_new0 (ShStashJob, 1);
  g_autofree char *status = NULL;
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);

  /* ID is a string in responses, but tolerate a number. */
  node = json_object_get_member (object, "id");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    self->id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (!get_optional_string (object, "id", &self->id, error))
    return NULL;

  if (!get_optional_string (object, "status", &status, error) ||
      !get_optional_string (object, "description", &self->description, error) ||
      !get_optional_string (object, "startTime", &self->start_time, error) ||
      !get_optional_string (object, "endTime", &self->end_time, error) ||
      !get_optional_string (object, "addTime", &self->add_time, error) ||
      !get_optional_string (object, "error", &self->error, error))
    return NULL;

  if (self->id == NULL || *self->id == '\0' ||
      !sh_stash_job_status_from_string (status, &self->status))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash sent a job without a valid id or status."));
      return NULL;
    }

  node = json_object_get_member (object, "progress");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        {
          g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                       _("Stash sent a job whose progress is not a number."));
          return NULL;
        }
      self->has_progress = TRUE;
      self->progress = CLAMP (json_node_get_double (node), 0.0, 1.0);
      if (isnan (self->progress))
        self->progress = 0.0;
    }

  node = json_object_get_member (object, "subTasks");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
      self->sub_tasks = g_strv_builder_end (builder);
    }

  return g_steal_pointer (&self);
}

ShStashJob *
sh_stash_job_copy (const ShStashJob *self)
{
  ShStashJob *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->id = g_strdup (self->id);
  copy->sub_tasks = g_strdupv (self->sub_tasks);
  copy->description = g_strdup (self->description);
  copy->start_time = g_strdup (self->start_time);
  copy->end_time = g_strdup (self->end_time);
  copy->add_time = g_strdup (self->add_time);
  copy->error = g_strdup (self->error);

  return copy;
}

void
sh_stash_job_free (ShStashJob *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_strfreev (self->sub_tasks);
  g_free (self->description);
  g_free (self->start_time);
  g_free (self->end_time);
  g_free (self->add_time);
  g_free (self->error);
  g_free (self);
}

/**
 * sh_stash_job_is_done:
 * @self: a job
 *
 * Returns: whether the job reached a final status (finished, cancelled or failed)
 */
gboolean
sh_stash_job_is_done (const ShStashJob *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->status == SH_STASH_JOB_FINISHED ||
         self->status == SH_STASH_JOB_CANCELLED ||
         self->status == SH_STASH_JOB_FAILED;
}
