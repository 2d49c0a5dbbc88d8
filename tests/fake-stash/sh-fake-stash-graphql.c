/* sh-fake-stash-graphql.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GraphQL transport of gqlgen as Stash runs it: JSON in, the resolver of the operation
 * out, and its status codes (400 for a body that is not JSON, 422 for a document it
 * cannot validate, 200 with "errors" when a resolver fails). Also what the client sent.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

static gboolean
resolve_test_connection (ShFakeStash  *self,
                         JsonObject   *variables,
                         const char   *query,
                         GString      *data,
                         GError      **error)
{
  const char *status = self->system_status;

  g_string_append (data, "\"version\":{\"version\":");
  sh_fake_json_append_string (data, self->version);
  g_string_append (data, ",\"hash\":\"cf3489ef\",\"build_time\":\"2026-01-11 18:07:53\"}");

  g_string_append (data, ",\"systemStatus\":{\"status\":");
  sh_fake_json_append_string (data, status);
  /* NEEDS_MIGRATION is databaseSchema < appSchema; a new system has no database yet. */
  if (g_str_equal (status, "SETUP"))
    g_string_append (data, ",\"databaseSchema\":null");
  else if (g_str_equal (status, "NEEDS_MIGRATION"))
    g_string_append (data, ",\"databaseSchema\":74");
  else
    g_string_append (data, ",\"databaseSchema\":75");
  g_string_append (data, ",\"appSchema\":75,\"ffmpegPath\":");
  sh_fake_json_append_string (data, self->has_ffmpeg ? "/usr/bin/ffmpeg" : "");
  g_string_append (data, ",\"ffprobePath\":");
  sh_fake_json_append_string (data, self->has_ffmpeg ? "/usr/bin/ffprobe" : "");
  g_string_append_c (data, '}');

  return TRUE;
}

/* What a user saved in Stash's Settings › Tasks › Generate: different from StashHog's own
 * defaults, so that a client that fills from them shows it. The saved options carry no
 * preview options, as Stash saves them; those are in the general settings. */
static gboolean
resolve_generate_defaults (ShFakeStash  *self,
                           JsonObject   *variables,
                           const char   *query,
                           GString      *data,
                           GError      **error)
{
  g_string_append (data,
                   "\"configuration\":{\"defaults\":{\"generate\":{"
                   "\"covers\":true,\"sprites\":true,\"previews\":true,"
                   "\"imagePreviews\":false,\"previewOptions\":null,\"markers\":false,"
                   "\"markerImagePreviews\":false,\"markerScreenshots\":false,"
                   "\"transcodes\":false,\"phashes\":true,"
                   "\"interactiveHeatmapsSpeeds\":false,\"imageThumbnails\":true,"
                   "\"clipPreviews\":false}},"
                   "\"general\":{\"previewSegments\":20,\"previewSegmentDuration\":1.5,"
                   "\"previewExcludeStart\":\"5%\",\"previewExcludeEnd\":\"0\","
                   "\"previewPreset\":\"medium\"}}");

  return TRUE;
}

static const struct {
  const char     *operation;
  const char     *root_field;
  ShFakeResolver  resolve;
} operations[] = {
  { "TestConnection", "systemStatus", resolve_test_connection },
  { "GenerateDefaults", "configuration", resolve_generate_defaults },
  { "FindScenes", "findScenes", sh_fake_stash_resolve_find_scenes },
  { "CheckMediaScenes", "findScenes", sh_fake_stash_resolve_check_media_scenes },
  { "FindSceneIds", "findScenes", sh_fake_stash_resolve_find_scene_ids },
  { "LatestSceneUpdate", "findScenes", sh_fake_stash_resolve_latest_scene_update },
  { "MetadataGenerate", "metadataGenerate", sh_fake_stash_resolve_metadata_generate },
  { "MetadataScan", "metadataScan", sh_fake_stash_resolve_metadata_scan },
  { "FindJob", "findJob", sh_fake_stash_resolve_find_job },
  { "JobQueue", "jobQueue", sh_fake_stash_resolve_job_queue },
  { "StopJob", "stopJob", sh_fake_stash_resolve_stop_job },
  { "Logs", "logs", sh_fake_stash_resolve_logs },
};

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

void
sh_fake_stash_record_request (ShFakeStash        *self,
                              SoupMessageHeaders *headers,
                              const char         *operation,
                              JsonNode           *variables)
{
  if (headers != NULL)
    {
      g_clear_pointer (&self->last_headers, soup_message_headers_unref);
      self->last_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      soup_message_headers_foreach (headers, copy_header, self->last_headers);
    }

  if (operation != NULL)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts, operation));

      g_hash_table_insert (self->request_counts, g_strdup (operation),
                           GUINT_TO_POINTER (count + 1));
      g_hash_table_insert (self->last_variables, g_strdup (operation),
                           variables ? json_node_copy (variables)
                                     : json_node_new (JSON_NODE_NULL));
    }
}

/* gqlgen answers in the type the client accepts; protocol errors are 422 only for JSON. */
static gboolean
accepts_json (SoupServerMessage *msg)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept");

  return accept == NULL || *accept == '\0' || strstr (accept, "application/json") != NULL;
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              GString           *body)
{
  gsize len = body->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg,
                                    accepts_json (msg) ? "application/json"
                                                       : "application/graphql-response+json",
                                    SOUP_MEMORY_TAKE, g_string_free (body, FALSE), len);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message,
               const char        *code,
               const char        *root_field)
{
  GString *body = g_string_new ("{\"errors\":[{\"message\":");

  sh_fake_json_append_string (body, message);
  if (root_field != NULL)
    g_string_append_printf (body, ",\"path\":[\"%s\"]", root_field);
  if (code != NULL)
    g_string_append_printf (body, ",\"extensions\":{\"code\":\"%s\"}", code);
  g_string_append (body, "}],\"data\":null}");

  /* A validation error for a client that accepts anything is a 400 (graphql-response+json). */
  if (status == SOUP_STATUS_UNPROCESSABLE_ENTITY && !accepts_json (msg))
    status = SOUP_STATUS_BAD_REQUEST;

  respond_json (msg, status, body);
}

void
sh_fake_stash_handle_graphql (ShFakeStash       *self,
                              SoupServerMessage *msg,
                              GHashTable        *params)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GString *data;
  JsonNode *variables = NULL;
  JsonObject *request;
  const char *query;
  const char *operation;

  if (g_str_equal (method, SOUP_METHOD_POST))
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
      SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (request_body);
      const char *type = soup_message_headers_get_content_type (headers, NULL);
      gsize size;
      const char *text = g_bytes_get_data (bytes, &size);

      if (g_strcmp0 (type, "application/json") != 0)
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, "transport not supported", NULL, NULL);
          return;
        }

      if (!json_parser_load_from_data (parser, text, size, &error) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_autofree char *message =
            g_strdup_printf ("json request body could not be decoded: %s",
                             error ? error->message : "not an object");

          respond_error (msg, SOUP_STATUS_BAD_REQUEST, message, NULL, NULL);
          return;
        }

      request = json_node_get_object (json_parser_get_root (parser));
      query = sh_fake_json_get_string (request, "query");
      operation = sh_fake_json_get_string (request, "operationName");
      variables = json_object_get_member (request, "variables");
    }
  else if (g_str_equal (method, SOUP_METHOD_GET))
    {
      const char *text = params ? g_hash_table_lookup (params, "variables") : NULL;

      query = params ? g_hash_table_lookup (params, "query") : NULL;
      operation = params ? g_hash_table_lookup (params, "operationName") : NULL;
      if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL))
        variables = json_parser_get_root (parser);
    }
  else
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "transport not supported", NULL, NULL);
      return;
    }

  sh_fake_stash_record_request (self, NULL, operation, variables);

  /* A proxy in front that fails one kind of request only (a 502 for findJob, say). */
  if (self->n_operation_failures > 0 && g_strcmp0 (operation, self->failing_operation) == 0)
    {
      static const char page[] = "<html><body><h1>502 Bad Gateway</h1></body></html>\n";

      self->n_operation_failures--;
      soup_server_message_set_status (msg, self->operation_failure_status, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page,
                                        sizeof page - 1);
      return;
    }

  if (variables != NULL && !JSON_NODE_HOLDS_OBJECT (variables) && !JSON_NODE_HOLDS_NULL (variables))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "variables must be an object", NULL, NULL);
      return;
    }

  if (query == NULL || *query == '\0')
    {
      respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "no operation provided",
                     "GRAPHQL_VALIDATION_FAILED", NULL);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      if (g_strcmp0 (operation, operations[i].operation) != 0 ||
          strstr (query, operations[i].operation) == NULL ||
          strstr (query, operations[i].root_field) == NULL)
        continue;

      data = g_string_new ("{\"data\":{");
      if (!operations[i].resolve (self,
                                  variables && JSON_NODE_HOLDS_OBJECT (variables)
                                  ? json_node_get_object (variables) : NULL,
                                  query, data, &error))
        {
          gboolean validation = g_error_matches (error, SH_FAKE_STASH_ERROR,
                                                 SH_FAKE_STASH_ERROR_VALIDATION);

          g_string_free (data, TRUE);
          respond_error (msg,
                         validation ? SOUP_STATUS_UNPROCESSABLE_ENTITY : SOUP_STATUS_OK,
                         error->message,
                         validation ? "GRAPHQL_VALIDATION_FAILED" : NULL,
                         validation ? NULL : operations[i].root_field);
          return;
        }

      g_string_append (data, "}}");
      respond_json (msg, SOUP_STATUS_OK, data);
      return;
    }

  {
    g_autofree char *message =
      operation == NULL ? g_strdup ("the fake Stash needs an operationName")
                        : g_strdup_printf ("the fake Stash does not know the operation %s, or "
                                           "it does not select the expected field", operation);

    respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, message,
                   "GRAPHQL_VALIDATION_FAILED", NULL);
  }
}

/* Requests that reached Stash's GraphQL handler, whatever their outcome. */
guint
sh_fake_stash_get_request_count (ShFakeStash *self,
                                 const char  *operation_name)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);
  g_return_val_if_fail (operation_name != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts, operation_name));
}

/**
 * sh_fake_stash_dup_last_variables:
 * @self: a #ShFakeStash
 * @operation_name: an operationName
 *
 * Returns: (transfer full) (nullable): the variables of the last such request
 */
JsonNode *
sh_fake_stash_dup_last_variables (ShFakeStash *self,
                                  const char  *operation_name)
{
  JsonNode *node;

  g_return_val_if_fail (SH_IS_FAKE_STASH (self), NULL);
  g_return_val_if_fail (operation_name != NULL, NULL);

  node = g_hash_table_lookup (self->last_variables, operation_name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return json_node_copy (node);
}

/* A header of the last request to /graphql, WebSocket upgrades included. */
char *
sh_fake_stash_dup_last_header (ShFakeStash *self,
                               const char  *header_name)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), NULL);
  g_return_val_if_fail (header_name != NULL, NULL);

  if (self->last_headers == NULL)
    return NULL;

  return g_strdup (soup_message_headers_get_list (self->last_headers, header_name));
}
