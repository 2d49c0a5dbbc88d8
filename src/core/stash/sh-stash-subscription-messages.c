/* sh-stash-subscription-messages.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The graphql-transport-ws messages of a subscription: what we send (connection_init,
 * subscribe, ping, pong, complete) and what Stash sends (connection_ack, next, error,
 * complete), read without trusting their shape.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-stash-error.h"
#include "sh-stash-json.h"
#include "sh-stash-log.h"
#include "sh-stash-subscription-private.h"

static gboolean
send_message (SoupWebsocketConnection *connection,
              JsonBuilder             *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  /* libsoup refuses (with a critical) to send once either side began closing. */
  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  text = json_to_string (node, FALSE);
  soup_websocket_connection_send_text (connection, text);

  return TRUE;
}

gboolean
_sh_stash_subscription_send_simple (SoupWebsocketConnection *connection,
                                    const char              *type,
                                    const char              *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (id != NULL)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
    }
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  if (g_str_equal (type, "connection_init"))
    {
      /* Stash has no InitFunc and ignores the payload; authentication is the ApiKey
       * header of the upgrade request. */
      json_builder_set_member_name (builder, "payload");
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return send_message (connection, builder);
}

static gboolean
send_subscribe (SoupWebsocketConnection *connection,
                const char              *id,
                const char              *operation_name,
                const char              *document)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "subscribe");
  json_builder_set_member_name (builder, "payload");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, document);
  json_builder_set_member_name (builder, "operationName");
  json_builder_add_string_value (builder, operation_name);
  json_builder_set_member_name (builder, "variables");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return send_message (connection, builder);
}

/* The messages of a GraphQL error list, or NULL when @node is not one. */
static char *
dup_graphql_errors (JsonNode *node)
{
  g_autoptr(GString) messages = NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *message;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      message = sh_stash_json_get_string (json_node_get_object (element), "message");
      if (message == NULL)
        continue;

      if (messages == NULL)
        messages = g_string_new (message);
      else
        g_string_append_printf (messages, "; %s", message);
    }

  return messages != NULL ? g_string_free (g_steal_pointer (&messages), FALSE) : NULL;
}

static void
sh_stash_subscription_handle_ack (ShStashSubscription *self)
{
  if (self->connected)
    {
      g_debug ("Ignoring a second connection_ack");
      return;
    }

  _sh_stash_subscription_clear_source (&self->ack_timeout);

  if (!send_subscribe (self->connection, SUBSCRIPTION_ID, OPERATION_NAME, self->document))
    return;
  if (self->log_document != NULL &&
      !send_subscribe (self->connection, LOG_SUBSCRIPTION_ID, LOG_OPERATION_NAME,
                       self->log_document))
    return;

  self->backoff = BACKOFF_MIN;
  self->keepalive = _sh_stash_subscription_add_timeout (self,
                                                        self->keepalive_interval,
                                                        _sh_stash_subscription_keepalive_cb,
                                                        "[stashhog] subscription keepalive");
  _sh_stash_subscription_set_connected (self, TRUE);

  g_debug ("Job subscription connected");
  g_signal_emit (self, _sh_stash_subscription_signals[CONNECTED], 0);
}

static void
sh_stash_subscription_handle_next (ShStashSubscription *self,
                                   JsonObject          *message)
{
  g_autoptr(ShStashJob) job = NULL;
  g_autoptr(GError) error = NULL;
  ShStashJobUpdateType type;
  JsonObject *payload;
  JsonObject *data = NULL;
  JsonObject *update = NULL;
  JsonObject *job_object = NULL;

  if (self->connected && self->log_document != NULL &&
      g_strcmp0 (sh_stash_json_get_string (message, "id"), LOG_SUBSCRIPTION_ID) == 0)
    {
      g_autoptr(GPtrArray) entries = NULL;

      payload = sh_stash_json_get_object (message, "payload");
      if (payload != NULL)
        data = sh_stash_json_get_object (payload, "data");
      entries = sh_stash_log_entries_from_json (data != NULL
                                                ? json_object_get_member (data, "loggingSubscribe")
                                                : NULL);
      if (entries->len > 0)
        g_signal_emit (self, _sh_stash_subscription_signals[LOG_ENTRIES], 0, entries);
      return;
    }

  if (!self->connected ||
      g_strcmp0 (sh_stash_json_get_string (message, "id"), SUBSCRIPTION_ID) != 0)
    {
      g_debug ("Ignoring an event for an unknown subscription");
      return;
    }

  payload = sh_stash_json_get_object (message, "payload");
  if (payload != NULL)
    data = sh_stash_json_get_object (payload, "data");
  if (data != NULL)
    update = sh_stash_json_get_object (data, "jobsSubscribe");
  if (update != NULL)
    job_object = sh_stash_json_get_object (update, "job");

  if (job_object == NULL)
    {
      g_autofree char *errors = NULL;

      if (payload != NULL)
        errors = dup_graphql_errors (json_object_get_member (payload, "errors"));
      g_debug ("Ignoring a job event without a job%s%s",
               errors != NULL ? ": " : "", errors != NULL ? errors : "");
      return;
    }

  if (!sh_stash_job_update_type_from_string (sh_stash_json_get_string (update, "type"), &type))
    {
      g_debug ("Ignoring a job event of an unknown type");
      return;
    }

  if (!(job = sh_stash_job_new_from_json (job_object, &error)))
    {
      g_debug ("Ignoring a malformed job event: %s", error->message);
      return;
    }

  g_signal_emit (self, _sh_stash_subscription_signals[JOB_UPDATE], 0, (guint) type, job);
}

static void
sh_stash_subscription_handle_error (ShStashSubscription *self,
                                    JsonObject          *message)
{
  g_autofree char *errors = NULL;

  /* The log is an explanation only: a Stash that refuses it still serves the jobs. */
  if (g_strcmp0 (sh_stash_json_get_string (message, "id"), LOG_SUBSCRIPTION_ID) == 0)
    {
      g_debug ("Stash refused the log subscription");
      g_clear_pointer (&self->log_document, g_free);
      return;
    }

  if (g_strcmp0 (sh_stash_json_get_string (message, "id"), SUBSCRIPTION_ID) != 0)
    {
      g_debug ("Ignoring an error for an unknown subscription");
      return;
    }

  errors = dup_graphql_errors (json_object_get_member (message, "payload"));
  _sh_stash_subscription_fail (self,
                               g_error_new (SH_STASH_ERROR,
                                            SH_STASH_ERROR_GRAPHQL,
                                            _("Stash refused the job subscription: %s"),
                                            errors != NULL ? errors : _("no reason given")));
}

static void
sh_stash_subscription_handle_complete (ShStashSubscription *self,
                                       JsonObject          *message)
{
  if (g_strcmp0 (sh_stash_json_get_string (message, "id"), SUBSCRIPTION_ID) != 0)
    {
      g_debug ("Ignoring the end of an unknown subscription");
      return;
    }

  /* Stash never ends jobsSubscribe on its own; treat it like a lost connection so that
   * callers re-query what they track and we subscribe again. */
  _sh_stash_subscription_fail (self,
                               g_error_new_literal (SH_STASH_ERROR,
                                                    SH_STASH_ERROR_CANNOT_CONNECT,
                                                    _("Stash ended the job subscription.")));
}

void
_sh_stash_subscription_on_message (SoupWebsocketConnection *connection,
                                   int                      type,
                                   GBytes                  *bytes,
                                   gpointer                 user_data)
{
  ShStashSubscription *self = user_data;
  g_autoptr(ShStashSubscription) hold = g_object_ref (self);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *message;
  JsonNode *root;
  const char *kind;
  const char *data;
  gsize size;

  g_assert (SH_IS_STASH_SUBSCRIPTION (self));
  g_assert (connection == self->connection);

  /* Any message proves that the connection is alive, not only a pong. */
  self->last_activity = g_get_monotonic_time ();

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("Ignoring a binary message on the job subscription");
      return;
    }

  data = g_bytes_get_data (bytes, &size);

  /* json-glib's parser recurses once per level: bound the depth before it sees the text. */
  if (!sh_stash_json_depth_ok (data, size, SH_STASH_JSON_MAX_DEPTH))
    {
      g_debug ("Ignoring a message nested more than %u levels deep", SH_STASH_JSON_MAX_DEPTH);
      return;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, &error))
    {
      g_debug ("Ignoring a message that is not JSON: %s", error->message);
      return;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Ignoring a message that is not a JSON object");
      return;
    }

  message = json_node_get_object (root);
  kind = sh_stash_json_get_string (message, "type");

  if (g_strcmp0 (kind, "next") == 0)
    sh_stash_subscription_handle_next (self, message);
  else if (g_strcmp0 (kind, "connection_ack") == 0)
    sh_stash_subscription_handle_ack (self);
  else if (g_strcmp0 (kind, "ping") == 0)
    _sh_stash_subscription_send_simple (connection, "pong", NULL);
  else if (g_strcmp0 (kind, "pong") == 0)
    ; /* gqlgen also sends unsolicited pongs as its keep-alive; nothing else to do. */
  else if (g_strcmp0 (kind, "error") == 0)
    sh_stash_subscription_handle_error (self, message);
  else if (g_strcmp0 (kind, "complete") == 0)
    sh_stash_subscription_handle_complete (self, message);
  else
    g_debug ("Ignoring a message of unknown type on the job subscription");
}
