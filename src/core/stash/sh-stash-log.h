/* sh-stash-log.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-stash-client.h"

G_BEGIN_DECLS

/**
 * ShStashLogEntry:
 * @time: when Stash logged it, as Stash wrote it (RFC 3339)
 * @usec: @time in microseconds since the epoch, or 0 when it could not be read
 * @level: Trace, Debug, Info, Progress, Warning or Error
 * @message: the line
 *
 * One line of Stash's log.
 */
typedef struct
{
  char   *time;
  gint64  usec;
  char   *level;
  char   *message;
} ShStashLogEntry;

void             sh_stash_log_entry_free       (ShStashLogEntry  *entry);
ShStashLogEntry *sh_stash_log_entry_copy       (const ShStashLogEntry *entry);
ShStashLogEntry *sh_stash_log_entry_new_from_json (JsonObject    *object,
                                                GError          **error);
gboolean         sh_stash_log_entry_is_error   (const ShStashLogEntry *entry);
GPtrArray       *sh_stash_log_entries_from_json (JsonNode        *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShStashLogEntry, sh_stash_log_entry_free)

void       sh_stash_client_logs_async  (ShStashClient        *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
GPtrArray *sh_stash_client_logs_finish (ShStashClient        *self,
                                        GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
