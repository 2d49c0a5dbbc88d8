/* sh-fake-stash-log.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stash's log as its API shows it (pkg/logger): a bounded cache of the newest entries that
 * the `logs` query returns, oldest first, and loggingSubscribe, which sends the entries
 * added after it subscribed, nothing of the past. The only place a Generate's failures are
 * told: its tasks log them and the job still ends FINISHED.
 */

#include "config.h"

#include "sh-fake-stash-private.h"

static void
log_entry_free (gpointer data)
{
  ShFakeLogEntry *entry = data;

  g_free (entry->level);
  g_free (entry->message);
  g_free (entry);
}

void
sh_fake_stash_log_add (ShFakeStash *self,
                       const char  *level,
                       const char  *format,
                       ...)
{
  ShFakeLogEntry *entry = g_new0 (ShFakeLogEntry, 1);
  va_list args;

  va_start (args, format);
  entry->message = g_strdup_vprintf (format, args);
  va_end (args);
  entry->level = g_strdup (level);
  entry->time = g_get_real_time ();

  g_queue_push_tail (&self->log, entry);
  while (g_queue_get_length (&self->log) > MAX (self->log_capacity, 1))
    log_entry_free (g_queue_pop_head (&self->log));

  sh_fake_stash_ws_log_event (self, entry);
}

void
sh_fake_stash_log_clear (ShFakeStash *self)
{
  g_queue_clear_full (&self->log, log_entry_free);
}

void
sh_fake_log_entry_append_json (GString              *out,
                               const ShFakeLogEntry *entry)
{
  g_string_append (out, "{\"time\":");
  sh_fake_json_append_time_usec (out, entry->time);
  g_string_append (out, ",\"level\":");
  sh_fake_json_append_string (out, entry->level);
  g_string_append (out, ",\"message\":");
  sh_fake_json_append_string (out, entry->message);
  g_string_append_c (out, '}');
}

gboolean
sh_fake_stash_resolve_logs (ShFakeStash  *self,
                            JsonObject   *variables,
                            const char   *query,
                            GString      *data,
                            GError      **error)
{
  gboolean first = TRUE;

  g_string_append (data, "\"logs\":[");
  for (GList *l = self->log.head; l != NULL; l = l->next)
    {
      if (!first)
        g_string_append_c (data, ',');
      first = FALSE;
      sh_fake_log_entry_append_json (data, l->data);
    }
  g_string_append_c (data, ']');

  return TRUE;
}

guint
sh_fake_stash_get_log_length (ShFakeStash *self)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  return g_queue_get_length (&self->log);
}

/* How many entries the cache keeps; older ones are gone for the `logs` query. */
void
sh_fake_stash_set_log_capacity (ShFakeStash *self,
                                guint        n)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->log_capacity = MAX (n, 1);
  while (g_queue_get_length (&self->log) > self->log_capacity)
    log_entry_free (g_queue_pop_head (&self->log));
}
