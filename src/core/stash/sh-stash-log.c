/* sh-stash-log.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stash's log, as the `logs` query and loggingSubscribe give it. A Generate's failed tasks
 * are told only here: the job itself ends FINISHED (shared/reference/stash-api.md §3).
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sh-stash-error.h"
#include "sh-stash-log.h"
#include "sh-stash-json.h"

/* A log line is shown to the user and kept with the job: never an unbounded one. */
#define MAX_MESSAGE_BYTES 2000

void
sh_stash_log_entry_free (ShStashLogEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->time);
  g_free (entry->level);
  g_free (entry->message);
  g_free (entry);
}

/**
 * sh_stash_log_entry_new_from_json:
 * @object: a `LogEntry` object of Stash's answer
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the entry, or %NULL with @error set when @object is not one
 */
ShStashLogEntry *
sh_stash_log_entry_new_from_json (JsonObject  *object,
                                  GError     **error)
{
  g_autoptr(ShStashLogEntry) entry = NULL;
  g_autoptr(GDateTime) time = NULL;
  const char *message;
  const char *level;

  g_return_val_if_fail (object != NULL, NULL);

  message = sh_stash_json_get_string (object, "message");
  level = sh_stash_json_get_string (object, "level");
  if (message == NULL || level == NULL)
    {
      g_set_error_literal (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                           _("A line of Stash’s log has no level or message."));
      return NULL;
    }

  entry = g_new0 (ShStashLogEntry, 1);
  entry->level = g_strdup (level);
  entry->time = g_strdup (sh_stash_json_get_string (object, "time"));
  entry->message = g_utf8_make_valid (message, MIN (strlen (message), MAX_MESSAGE_BYTES));
  if (entry->time != NULL && (time = g_date_time_new_from_iso8601 (entry->time, NULL)))
    entry->usec = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);

  return g_steal_pointer (&entry);
}

ShStashLogEntry *
sh_stash_log_entry_copy (const ShStashLogEntry *entry)
{
  ShStashLogEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (ShStashLogEntry, 1);
  copy->time = g_strdup (entry->time);
  copy->usec = entry->usec;
  copy->level = g_strdup (entry->level);
  copy->message = g_strdup (entry->message);

  return copy;
}

gboolean
sh_stash_log_entry_is_error (const ShStashLogEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  return g_ascii_strcasecmp (entry->level, "Error") == 0 ||
         g_ascii_strcasecmp (entry->level, "Warning") == 0;
}

/**
 * sh_stash_log_entries_from_json:
 * @node: (nullable): a list of `LogEntry` objects
 *
 * Reads what can be read; malformed entries are left out (a log is an explanation, not
 * the truth of anything).
 *
 * Returns: (transfer full) (element-type ShStashLogEntry): the entries, in order
 */
GPtrArray *
sh_stash_log_entries_from_json (JsonNode *node)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_stash_log_entry_free);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return entries;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      ShStashLogEntry *entry;

      if (element == NULL || !JSON_NODE_HOLDS_OBJECT (element))
        continue;
      if ((entry = sh_stash_log_entry_new_from_json (json_node_get_object (element), NULL)))
        g_ptr_array_add (entries, entry);
    }

  return entries;
}

static void
logs_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;

  data = sh_stash_client_execute_finish (SH_STASH_CLIENT (object), result, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task,
                         sh_stash_log_entries_from_json (JSON_NODE_HOLDS_OBJECT (data)
                                                         ? json_object_get_member (json_node_get_object (data), "logs")
                                                         : NULL),
                         (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sh_stash_client_logs_async:
 * @self: a #ShStashClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with Stash's log cache
 * @user_data: data for @callback
 *
 * Reads the lines Stash still keeps in its log cache, oldest first.
 */
void
sh_stash_client_logs_async (ShStashClient       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_stash_client_logs_async);
  sh_stash_client_execute_async (self, "Logs", NULL, cancellable, logs_cb, task);
}

/**
 * sh_stash_client_logs_finish:
 *
 * Returns: (transfer full) (element-type ShStashLogEntry): the lines, or %NULL with
 *   @error set
 */
GPtrArray *
sh_stash_client_logs_finish (ShStashClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
