/* sh-stash-client-jobs.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client's operations on the server and its tasks: the connection test, starting
 * Generate and Scan, following, listing and stopping jobs, and Generate's defaults.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-stash-client-private.h"

void
sh_stash_server_info_free (ShStashServerInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->version);
  g_free (info->status);
  g_free (info);
}

static gpointer
parse_server_info (JsonObject    *data,
                   gconstpointer  parse_data,
                   GError       **error)
{
  g_autoptr(ShStashServerInfo) info = g_new0 (ShStashServerInfo, 1);
  JsonObject *version = sh_stash_json_get_object (data, "version");
  JsonObject *status = sh_stash_json_get_object (data, "systemStatus");
  const char *ffmpeg;
  const char *ffprobe;

  if (version == NULL || status == NULL || sh_stash_json_get_string (status, "status") == NULL)
    {
      sh_stash_error_set_bad_response (error, _("the version or system status is missing"));
      return NULL;
    }

  info->version = g_strdup (sh_stash_json_get_string (version, "version") ?: "");
  info->status = g_strdup (sh_stash_json_get_string (status, "status"));
  ffmpeg = sh_stash_json_get_string (status, "ffmpegPath");
  ffprobe = sh_stash_json_get_string (status, "ffprobePath");
  info->has_ffmpeg = ffmpeg != NULL && *ffmpeg != '\0' && ffprobe != NULL && *ffprobe != '\0';

  return g_steal_pointer (&info);
}

void
sh_stash_client_test_connection_async (ShStashClient       *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  _sh_stash_client_execute_typed (self, sh_stash_client_test_connection_async, "TestConnection",
                                  NULL, parse_server_info, NULL, NULL,
                                  (GDestroyNotify) sh_stash_server_info_free, cancellable, callback,
                                  user_data);
}

/**
 * sh_stash_client_test_connection_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the server's version and status, or %NULL with @error set
 */
ShStashServerInfo *
sh_stash_client_test_connection_finish (ShStashClient  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_test_connection_async, error);
}

/* A task that Stash queues: the mutation, the field of its answer that holds the job id,
 * and what to say when it is missing. */
typedef struct
{
  const char *operation_name;
  const char *field;
  const char *missing;
} TaskStart;

static const TaskStart generate_start = {
  "MetadataGenerate", "metadataGenerate", N_("Generate did not return a job id"),
};
static const TaskStart scan_start = {
  "MetadataScan", "metadataScan", N_("Scan did not return a job id"),
};

static gpointer
parse_job_id (JsonObject    *data,
              gconstpointer  parse_data,
              GError       **error)
{
  const TaskStart *start = parse_data;
  gint64 id;

  if (!sh_stash_json_get_id (data, start->field, G_MAXINT64, &id))
    {
      sh_stash_error_set_bad_response (error, _(start->missing));
      return NULL;
    }

  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* Sends @start's mutation with @input (owned) as its `input`; the answer is the job id. */
static void
start_task (ShStashClient       *self,
            gpointer             source_tag,
            const TaskStart     *start,
            JsonObject          *input,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_object_member (variables, "input", input);
  json_node_set_object (node, variables);

  _sh_stash_client_execute_typed (self, source_tag, start->operation_name, node,
                                  parse_job_id, (gpointer) start, NULL, g_free,
                                  cancellable, callback, user_data);
}

/**
 * sh_stash_client_metadata_generate_async:
 * @self: a #ShStashClient
 * @input: (transfer none): a `GenerateMetadataInput` object
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Queues Stash's Generate task.
 */
void
sh_stash_client_metadata_generate_async (ShStashClient       *self,
                                         JsonNode            *input,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (input != NULL && JSON_NODE_HOLDS_OBJECT (input));

  start_task (self, sh_stash_client_metadata_generate_async, &generate_start,
              json_node_dup_object (input), cancellable, callback, user_data);
}

/**
 * sh_stash_client_metadata_generate_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): Stash's job id, or %NULL with @error set
 */
char *
sh_stash_client_metadata_generate_finish (ShStashClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_metadata_generate_async, error);
}

/**
 * sh_stash_client_metadata_scan_async:
 * @self: a #ShStashClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Queues Stash's Scan task over every library path, with Stash's own defaults for
 * what the scan generates on the way.
 */
void
sh_stash_client_metadata_scan_async (ShStashClient       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  start_task (self, sh_stash_client_metadata_scan_async, &scan_start, json_object_new (),
              cancellable, callback, user_data);
}

/**
 * sh_stash_client_metadata_scan_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): Stash's job id, or %NULL with @error set
 */
char *
sh_stash_client_metadata_scan_finish (ShStashClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_metadata_scan_async, error);
}

static JsonNode *
id_variables (const char *name,
              const char *id)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, name, id);
  json_node_set_object (node, object);

  return node;
}

/* findJob's answer may be null (unknown id); a boxed wrapper tells that from an error. */
typedef struct
{
  ShStashJob *job;
} FoundJob;

static void
found_job_free (FoundJob *found)
{
  g_clear_pointer (&found->job, sh_stash_job_free);
  g_free (found);
}

static gpointer
parse_find_job (JsonObject    *data,
                gconstpointer  parse_data,
                GError       **error)
{
  g_autofree FoundJob *found = g_new0 (FoundJob, 1);
  JsonNode *node = json_object_get_member (data, "findJob");

  if (node == NULL)
    {
      sh_stash_error_set_bad_response (error, _("the job is missing"));
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&found);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sh_stash_error_set_bad_response (error, _("the job is not an object"));
      return NULL;
    }

  found->job = sh_stash_job_new_from_json (json_node_get_object (node), error);
  if (found->job == NULL)
    return NULL;

  return g_steal_pointer (&found);
}

void
sh_stash_client_find_job_async (ShStashClient       *self,
                                const char          *job_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonNode) variables = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  variables = id_variables ("id", job_id);
  _sh_stash_client_execute_typed (self, sh_stash_client_find_job_async, "FindJob", variables,
                                  parse_find_job, NULL, NULL, (GDestroyNotify) found_job_free,
                                  cancellable, callback, user_data);
}

/**
 * sh_stash_client_find_job_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @job: (out) (transfer full) (nullable): the job, or %NULL when Stash does not know it
 *   (it finished more than ten jobs ago, or Stash restarted)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when Stash answered
 */
gboolean
sh_stash_client_find_job_finish (ShStashClient  *self,
                                 GAsyncResult   *result,
                                 ShStashJob    **job,
                                 GError        **error)
{
  FoundJob *found = _sh_stash_client_finish_typed (self, result,
                                                   sh_stash_client_find_job_async, error);

  if (found == NULL)
    return FALSE;

  if (job != NULL)
    *job = g_steal_pointer (&found->job);
  found_job_free (found);

  return TRUE;
}

static gpointer
parse_job_queue (JsonObject    *data,
                 gconstpointer  parse_data,
                 GError       **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_stash_job_free);
  JsonNode *node = json_object_get_member (data, "jobQueue");
  JsonArray *array;

  /* Stash answers null, not [], when the queue is empty. */
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&jobs);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sh_stash_error_set_bad_response (error, _("the job queue is not a list"));
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      ShStashJob *job;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          sh_stash_error_set_bad_response (error, _("a job that is not an object"));
          return NULL;
        }
      job = sh_stash_job_new_from_json (json_node_get_object (element), error);
      if (job == NULL)
        return NULL;
      g_ptr_array_add (jobs, job);
    }

  return g_steal_pointer (&jobs);
}

void
sh_stash_client_job_queue_async (ShStashClient       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  _sh_stash_client_execute_typed (self, sh_stash_client_job_queue_async, "JobQueue", NULL,
                                  parse_job_queue, NULL, NULL, (GDestroyNotify) g_ptr_array_unref,
                                  cancellable, callback, user_data);
}

/**
 * sh_stash_client_job_queue_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShStashJob): the queued, running and stopping
 *   jobs (empty when the queue is empty), or %NULL with @error set
 */
GPtrArray *
sh_stash_client_job_queue_finish (ShStashClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_job_queue_async, error);
}

/* Copies @name from @from to @to when it is a value of @type (null: Stash has none). */
static void
copy_value (JsonObject *to,
            JsonObject *from,
            const char *name,
            GType       type)
{
  JsonNode *node = from != NULL ? json_object_get_member (from, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_object_has_member (to, name))
    return;
  if (json_node_get_value_type (node) == type ||
      (type == G_TYPE_DOUBLE && json_node_get_value_type (node) == G_TYPE_INT64))
    json_object_set_member (to, name, json_node_copy (node));
}

static gpointer
parse_generate_defaults (JsonObject    *data,
                         gconstpointer  parse_data,
                         GError       **error)
{
  static const char * const flags[] = {
    "covers", "sprites", "previews", "imagePreviews", "markers", "markerImagePreviews",
    "markerScreenshots", "transcodes", "phashes", "interactiveHeatmapsSpeeds",
    "imageThumbnails", "clipPreviews",
  };
  static const struct { const char *name; GType type; } preview_fields[] = {
    { "previewSegments", G_TYPE_INT64 },
    { "previewSegmentDuration", G_TYPE_DOUBLE },
    { "previewExcludeStart", G_TYPE_STRING },
    { "previewExcludeEnd", G_TYPE_STRING },
    { "previewPreset", G_TYPE_STRING },
  };
  JsonObject *configuration = sh_stash_json_get_object (data, "configuration");
  JsonObject *defaults = sh_stash_json_get_object (configuration, "defaults");
  JsonObject *generate = sh_stash_json_get_object (defaults, "generate");
  JsonObject *general = sh_stash_json_get_object (configuration, "general");
  JsonObject *saved_preview;
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObject *preview = json_object_new ();

  if (configuration == NULL)
    {
      json_object_unref (preview);
      sh_stash_error_set_bad_response (error, _("the configuration is missing"));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    copy_value (out, generate, flags[i], G_TYPE_BOOLEAN);

  /* The saved Generate defaults first; what they leave out, from the general settings. */
  saved_preview = sh_stash_json_get_object (generate, "previewOptions");
  for (guint i = 0; i < G_N_ELEMENTS (preview_fields); i++)
    {
      copy_value (preview, saved_preview, preview_fields[i].name, preview_fields[i].type);
      copy_value (preview, general, preview_fields[i].name, preview_fields[i].type);
    }
  json_object_set_object_member (out, "previewOptions", preview);

  return g_steal_pointer (&out);
}

/**
 * sh_stash_client_generate_defaults_async:
 * @self: a #ShStashClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the options
 * @user_data: data for @callback
 *
 * Asks for the Generate options saved in Stash, with the general preview settings for
 * the preview options they leave out.
 */
void
sh_stash_client_generate_defaults_async (ShStashClient       *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  _sh_stash_client_execute_typed (self, sh_stash_client_generate_defaults_async, "GenerateDefaults",
                                  NULL, parse_generate_defaults, NULL, NULL,
                                  (GDestroyNotify) json_object_unref, cancellable, callback,
                                  user_data);
}

/**
 * sh_stash_client_generate_defaults_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the options Stash has, as `stash_generate` parameters (its
 *   flags, and `previewOptions`), each only when Stash has a value; or %NULL with @error
 */
JsonObject *
sh_stash_client_generate_defaults_finish (ShStashClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_generate_defaults_async, error);
}

static gpointer
parse_stop_job (JsonObject    *data,
                gconstpointer  parse_data,
                GError       **error)
{
  JsonNode *node = json_object_get_member (data, "stopJob");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      sh_stash_error_set_bad_response (error, _("stopping the job did not return a result"));
      return NULL;
    }

  /* A non-NULL pointer for "answered"; Stash says true even for unknown ids. */
  return GINT_TO_POINTER (1);
}

void
sh_stash_client_stop_job_async (ShStashClient       *self,
                                const char          *job_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonNode) variables = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  variables = id_variables ("id", job_id);
  _sh_stash_client_execute_typed (self, sh_stash_client_stop_job_async, "StopJob", variables,
                                  parse_stop_job, NULL, NULL, NULL, cancellable, callback,
                                  user_data);
}

gboolean
sh_stash_client_stop_job_finish (ShStashClient  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_stop_job_async, error) != NULL;
}

