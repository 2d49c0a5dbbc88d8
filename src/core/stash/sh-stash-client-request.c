/* sh-stash-client-request.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One request to Stash, bounded in time and size; what a GraphQL answer means; the
 * typed operations built on it; and the ranged GET that probes a media file.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-stash-client-private.h"

/* A media probe asks for one byte; what else comes (an error page) is read up to this and
 * then dropped. */
#define MAX_PROBE_BYTES         (64 * 1024)
#define READ_CHUNK_BYTES        (64 * 1024)

/* Joins the messages of a GraphQL `errors` array; NULL when there are none. */
static char *
graphql_error_messages (JsonNode *errors)
{
  g_autoptr(GString) out = NULL;
  JsonArray *array;

  if (errors == NULL || !JSON_NODE_HOLDS_ARRAY (errors))
    return NULL;

  array = json_node_get_array (errors);
  if (json_array_get_length (array) == 0)
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *text = NULL;

      if (JSON_NODE_HOLDS_OBJECT (element))
        {
          JsonNode *node = json_object_get_member (json_node_get_object (element), "message");

          if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
              json_node_get_value_type (node) == G_TYPE_STRING)
            text = json_node_get_string (node);
        }
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, text != NULL ? text : _("unknown error"));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Decides what an HTTP answer means. Returns the `data` object on success. */
JsonNode *
_sh_stash_client_parse_graphql_response (ShStashClient  *self,
                                         const char     *operation_name,
                                         SoupMessage    *message,
                                         GBytes         *body,
                                         GError        **error)
{
  guint status = soup_message_get_status (message);
  gsize size = body ? g_bytes_get_size (body) : 0;
  const char *text = body ? g_bytes_get_data (body, NULL) : NULL;

  if (_sh_stash_client_status_error (self, message, error))
    return NULL;

  /* 422 and 400 carry GraphQL errors: our document is not valid for this server. */
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) &&
      status != SOUP_STATUS_UNPROCESSABLE_ENTITY && status != SOUP_STATUS_BAD_REQUEST)
    {
      const char *reason = soup_message_get_reason_phrase (message);

      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                   _("Stash’s %s request failed: the server answered %u %s. The server or a "
                     "proxy in front of it has a problem; try again later."),
                   operation_name, status, reason ? reason : "");
      return NULL;
    }

  return _sh_stash_client_parse_graphql_text (self, operation_name, status,
                                              soup_message_get_reason_phrase (message),
                                              text, size, error);
}

/* The body of an answer with @status, which is a success or carries GraphQL errors. */
JsonNode *
_sh_stash_client_parse_graphql_text (ShStashClient  *self,
                                     const char     *operation_name,
                                     guint           status,
                                     const char     *reason,
                                     const char     *text,
                                     gsize           size,
                                     GError        **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *messages = NULL;
  JsonObject *root;
  JsonNode *data;

  /* json-glib's parser recurses once per level: bound the depth before it sees the text. */
  if (!sh_stash_json_depth_ok (text, size, SH_STASH_JSON_MAX_DEPTH))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash’s answer to %s is nested too deeply to be read (more than %u "
                     "levels)."), operation_name, SH_STASH_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (size == 0 || !json_parser_load_from_data (parser, text, size, &local_error))
    {
      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                     _("Stash’s %s request failed: the server answered %u %s."),
                     operation_name, status, reason ?: "");
      else
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_JSON,
                     _("Stash’s %s request failed: the answer from %s is not JSON. Check "
                       "that the address leads to Stash and not to another service."),
                     operation_name, self->base_url);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash sent an unexpected answer to %s."), operation_name);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  messages = graphql_error_messages (json_object_get_member (root, "errors"));
  if (messages != NULL)
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_GRAPHQL,
                   _("Stash reported an error: %s"), messages);
      return NULL;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                   _("Stash’s %s request failed: the server answered %u %s."),
                   operation_name, status, reason ?: "");
      return NULL;
    }

  data = json_object_get_member (root, "data");
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash sent an answer to %s without data."), operation_name);
      return NULL;
    }

  return json_node_ref (data);
}

/* One request, bounded in time and size: the whole of it (connecting, sending, reading the
 * answer) must end before the deadline, and the answer is read in chunks that stop at a
 * cap instead of being gathered whole by libsoup. */
typedef struct
{
  SoupMessage  *message;            /* (owned) */
  char         *operation_name;     /* (owned) (nullable) NULL for a media probe */
  GCancellable *cancellable;        /* (owned) cancelled by the deadline or the caller */
  GCancellable *caller_cancellable; /* (owned) (nullable) */
  gulong        cancelled_id;
  GSource      *deadline;           /* (owned) */
  GInputStream *stream;             /* (owned) (nullable) the answer's body */
  GByteArray   *body;               /* (owned) */
  gsize         max_bytes;
  gint64        started_at;
  guint         timed_out : 1;
  guint         discard_excess : 1;
} Request;

/* The request has its outcome: neither the deadline nor the caller can change it now. */
static void
request_disarm (Request *request)
{
  g_source_destroy (request->deadline);
  g_clear_signal_handler (&request->cancelled_id, request->caller_cancellable);
}

static void
request_free (Request *request)
{
  request_disarm (request);
  g_clear_object (&request->caller_cancellable);
  g_clear_pointer (&request->deadline, g_source_unref);
  /* Cancelling first ends the message, so that dropping an unfinished stream does not
   * wait for the rest of the answer. */
  if (request->stream != NULL && !g_input_stream_is_closed (request->stream))
    g_cancellable_cancel (request->cancellable);
  g_clear_object (&request->stream);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->message);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request->operation_name);
  g_free (request);
}

static gboolean
request_deadline_cb (gpointer user_data)
{
  Request *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

static void
request_caller_cancelled_cb (GCancellable *caller_cancellable,
                             gpointer      user_data)
{
  Request *request = user_data;

  g_cancellable_cancel (request->cancellable);
}

static void
request_return_error (GTask        *task,
                      const GError *error)
{
  ShStashClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  request_disarm (request);
  g_debug ("%s: failed after %.0f ms: %s", request->operation_name ?: "probe",
           (g_get_monotonic_time () - request->started_at) / 1000.0, error->message);
  g_task_return_error (task, _sh_stash_client_classify_error (self, request->message,
                                                              request->operation_name,
                                                              request->timed_out, error));
}

static void
request_return_too_large (GTask *task)
{
  ShStashClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  guint mb = (guint) (request->max_bytes / (1024 * 1024));

  g_assert (request->operation_name != NULL);

  request_disarm (request);
  /* Stop the transfer now rather than when the task lets go of the stream. */
  g_cancellable_cancel (request->cancellable);
  g_debug ("%s: the answer is larger than %" G_GSIZE_FORMAT " bytes", request->operation_name,
           request->max_bytes);
  g_task_return_new_error (task, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                           _("Stash’s answer to %s is larger than %u MB. Stash at %s may be "
                             "broken, or it is not Stash."),
                           request->operation_name, mb, self->base_url);
}

static void
request_return_body (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  request_disarm (request);
  g_debug ("%s: answered %u after %.0f ms", request->operation_name ?: "probe",
           soup_message_get_status (request->message),
           (g_get_monotonic_time () - request->started_at) / 1000.0);
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&request->body)),
                         (GDestroyNotify) g_bytes_unref);
}

static void request_read_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data);

static void
request_read_next (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   request->cancellable, request_read_cb, task);
}

static void
request_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      request_return_error (task, error);
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      g_input_stream_close (request->stream, NULL, NULL);
      request_return_body (task);
      return;
    }

  if (size > request->max_bytes - request->body->len)
    {
      if (request->discard_excess)
        {
          request_return_body (task);
          return;
        }
      request_return_too_large (task);
      return;
    }

  g_byte_array_append (request->body, g_bytes_get_data (chunk, NULL), size);
  request_read_next (g_steal_pointer (&task));
}

static void
request_send_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      request_return_error (task, error);
      return;
    }

  /* No need to read what is announced too large (it may be compressed: a body within the
   * cap is still counted as it is read). */
  headers = soup_message_get_response_headers (request->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) request->max_bytes)
    {
      if (request->discard_excess)
        request_return_body (task);
      else
        request_return_too_large (task);
      return;
    }

  request_read_next (g_steal_pointer (&task));
}

/* Sends @message and reads its answer into a GBytes of at most @max_bytes, all before the
 * client's deadline. Past the cap the request fails, or with @discard_excess returns what
 * it has. Errors are SH_STASH_ERROR (or G_IO_ERROR_CANCELLED), named after
 * @operation_name. */
void
_sh_stash_client_send_async (ShStashClient       *self,
                             SoupMessage         *message,
                             const char          *operation_name,
                             gsize                max_bytes,
                             gboolean             discard_excess,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_assert (SH_IS_STASH_CLIENT (self));
  g_assert (SOUP_IS_MESSAGE (message));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _sh_stash_client_send_async);

  request = g_new0 (Request, 1);
  request->message = g_object_ref (message);
  request->operation_name = g_strdup (operation_name);
  request->cancellable = g_cancellable_new ();
  request->body = g_byte_array_new ();
  request->max_bytes = max_bytes;
  request->discard_excess = !!discard_excess;
  request->started_at = g_get_monotonic_time ();
  request->deadline = g_timeout_source_new (self->timeout_seconds * 1000);
  g_source_set_callback (request->deadline, request_deadline_cb, request, NULL);
  g_source_set_static_name (request->deadline, "[stashhog] request deadline");
  g_source_attach (request->deadline, g_main_context_get_thread_default ());
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (cancellable != NULL)
    {
      request->caller_cancellable = g_object_ref (cancellable);
      request->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                                G_CALLBACK (request_caller_cancelled_cb),
                                                request);
    }

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, request->cancellable,
                           request_send_cb, g_steal_pointer (&task));
}

GBytes *
_sh_stash_client_send_finish (ShStashClient  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == _sh_stash_client_send_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  SoupMessage *message;          /* (owned) */
  char        *operation_name;   /* (owned) */
} ExecuteData;

static void
execute_data_free (ExecuteData *data)
{
  g_clear_object (&data->message);
  g_free (data->operation_name);
  g_free (data);
}

static void
execute_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShStashClient *self = SH_STASH_CLIENT (object);
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  body = _sh_stash_client_send_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  node = _sh_stash_client_parse_graphql_response (self, data->operation_name, data->message, body,
                                                  &error);
  if (node == NULL)
    {
      g_debug ("%s: %s", data->operation_name, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

/**
 * sh_stash_client_execute_async:
 * @self: a #ShStashClient
 * @operation_name: the operation; its document is `queries/<name>.graphql`
 * @variables: (nullable) (transfer none): the variables object; values are only ever sent
 *   as variables, never pasted into the document
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the answer is there
 * @user_data: data for @callback
 *
 * Sends one GraphQL operation.
 */
void
sh_stash_client_execute_async (ShStashClient       *self,
                               const char          *operation_name,
                               JsonNode            *variables,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExecuteData *data;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (operation_name != NULL);
  g_return_if_fail (variables == NULL || JSON_NODE_HOLDS_OBJECT (variables));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_stash_client_execute_async);

  data = g_new0 (ExecuteData, 1);
  data->message = _sh_stash_client_new_graphql_message (self, operation_name, variables);
  data->operation_name = g_strdup (operation_name);
  g_task_set_task_data (task, data, (GDestroyNotify) execute_data_free);

  _sh_stash_client_send_async (self, data->message, operation_name, SH_STASH_MAX_RESPONSE_BYTES,
                               FALSE, cancellable, execute_cb, g_steal_pointer (&task));
}

/* A POST of @operation_name's document with @variables. */
SoupMessage *
_sh_stash_client_new_graphql_message (ShStashClient *self,
                                      const char    *operation_name,
                                      JsonNode      *variables)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *query = NULL;
  SoupMessage *message;
  char *text;
  gsize length;

  query = sh_stash_client_load_query (operation_name);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query);
  json_builder_set_member_name (builder, "operationName");
  json_builder_add_string_value (builder, operation_name);
  json_builder_set_member_name (builder, "variables");
  if (variables != NULL)
    json_builder_add_value (builder, json_node_copy (variables));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  body = g_bytes_new_take (text, length);

  url = sh_stash_client_dup_graphql_url (self, FALSE);
  message = sh_stash_client_new_message (self, SOUP_METHOD_POST, url);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  g_debug ("%s: sending to %s", operation_name, url);

  return message;
}

/**
 * sh_stash_client_execute_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the `data` object of the answer, or %NULL with @error set
 */
JsonNode *
sh_stash_client_execute_finish (ShStashClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The `filter` of a findScenes page read by key: the first page of @per_page scenes in
 * ascending id order. The scene filter says where the page starts. */
void
_sh_stash_client_add_find_filter (JsonBuilder *builder,
                                  guint        per_page)
{
  json_builder_set_member_name (builder, "filter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "per_page");
  json_builder_add_int_value (builder, per_page);
  json_builder_set_member_name (builder, "sort");
  json_builder_add_string_value (builder, "id");
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, "ASC");
  json_builder_end_object (builder);
}

/* Typed operations: execute, then turn `data` into C values in a parse function. */

typedef struct
{
  ShStashParseFunc  parse;
  gpointer          parse_data;       /* (owned) (nullable) */
  GDestroyNotify    parse_data_free;
  GDestroyNotify    free_func;
} TypedData;

static void
typed_data_free (TypedData *typed)
{
  if (typed->parse_data_free != NULL)
    g_clear_pointer (&typed->parse_data, typed->parse_data_free);
  g_free (typed);
}

static void
typed_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TypedData *typed = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  data = sh_stash_client_execute_finish (SH_STASH_CLIENT (object), result, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = typed->parse (json_node_get_object (data), typed->parse_data, &error);
  if (error != NULL)
    {
      g_assert (value == NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, value, typed->free_func);
}

void
_sh_stash_client_execute_typed (ShStashClient       *self,
                                gpointer             source_tag,
                                const char          *operation_name,
                                JsonNode            *variables,
                                ShStashParseFunc     parse,
                                gpointer             parse_data,
                                GDestroyNotify       parse_data_free,
                                GDestroyNotify       free_func,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  TypedData *typed;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  typed = g_new0 (TypedData, 1);
  typed->parse = parse;
  typed->parse_data = parse_data;
  typed->parse_data_free = parse_data_free;
  typed->free_func = free_func;
  g_task_set_task_data (task, typed, (GDestroyNotify) typed_data_free);

  sh_stash_client_execute_async (self, operation_name, variables, cancellable, typed_cb, task);
}

gpointer
_sh_stash_client_finish_typed (ShStashClient  *self,
                               GAsyncResult   *result,
                               gpointer        source_tag,
                               GError        **error)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  SoupMessage *message;
  guint        status;
  char        *content_type;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_clear_object (&data->message);
  g_free (data->content_type);
  g_free (data);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShStashClient *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *content_type;

  body = _sh_stash_client_send_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->status = soup_message_get_status (data->message);
  content_type = soup_message_headers_get_content_type (
      soup_message_get_response_headers (data->message), NULL);
  data->content_type = g_strdup (content_type);

  g_task_return_boolean (task, TRUE);
}

/**
 * sh_stash_client_probe_async:
 * @self: a #ShStashClient
 * @uri: a media URL on the server
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Asks for the first byte of a media file (`Range: bytes=0-0`): Stash answers 206 when it
 * exists and 404 when it does not. HEAD cannot be used; Stash refuses it with 405.
 */
void
sh_stash_client_probe_async (ShStashClient       *self,
                             const char          *uri,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ProbeData *data;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (uri != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_stash_client_probe_async);

  data = g_new0 (ProbeData, 1);
  data->message = sh_stash_client_new_message (self, SOUP_METHOD_GET, uri);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  soup_message_headers_set_range (soup_message_get_request_headers (data->message), 0, 0);

  _sh_stash_client_send_async (self, data->message, NULL, MAX_PROBE_BYTES, TRUE, cancellable,
                               probe_cb, g_steal_pointer (&task));
}

/**
 * sh_stash_client_probe_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @status: (out): the HTTP status
 * @content_type: (out) (optional) (transfer full) (nullable): the Content-Type
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server answered (whatever the status)
 */
gboolean
sh_stash_client_probe_finish (ShStashClient  *self,
                              GAsyncResult   *result,
                              guint          *status,
                              char          **content_type,
                              GError        **error)
{
  ProbeData *data;

  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (status != NULL)
    *status = data->status;
  if (content_type != NULL)
    *content_type = g_strdup (data->content_type);

  return TRUE;
}

