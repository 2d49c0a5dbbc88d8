/* sh-database-connection.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShDatabase's connection, on the worker thread: opening it (the provider's parser, the
 * statement cache, SQLite's settings, libpq's handle under libgda), noticing that it is
 * lost before libgda does, and making it again with backoff.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sql-parser/gda-sql-parser.h>
#include <stdio.h>
#include <string.h>

#ifdef SH_HAVE_LIBPQ
# include <libpq-fe.h>
# include <poll.h>
#endif

#include "sh-database-private.h"

#include <libgda/gda-connection-private.h>

/* Connecting -------------------------------------------------------------------------- */

static void
sh_cached_statement_free (gpointer data)
{
  ShCachedStatement *cached = data;

  g_clear_object (&cached->params);
  g_clear_object (&cached->stmt);
  g_free (cached);
}

gboolean
_sh_database_setup_sqlite (ShDatabase  *self,
                           GError     **error)
{
  /* Settings for a desktop application's database:
   * - WAL lets the GUI read while stashhogctl or a sync writes, and makes commits cheap;
   * - synchronous=NORMAL is safe with WAL (a power cut may lose the last commits, never
   *   corrupt the file) and avoids an fsync per transaction;
   * - busy_timeout makes a second process wait for the write lock instead of failing;
   * - temp_store=MEMORY keeps the scratch tables of bulk operations off the disk;
   * - foreign_keys is off by default in SQLite. */
  static const char * const pragmas[] = {
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA foreign_keys = ON",
  };
  static const GType version_types[] = { G_TYPE_STRING, G_TYPE_STRING, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *version = NULL;
  GdaStatement *stmt;
  guint major = 0, minor = 0, patch = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pragmas); i++)
    {
      if (!sh_database_execute_sql (self, pragmas[i], error))
        return FALSE;
    }

  /* ON CONFLICT … DO UPDATE needs SQLite 3.24. The source id tells which build of SQLite
   * libgda loaded (sh-database-sqlite.c). */
  if (!(stmt = sh_database_prepare (self, "SELECT sqlite_version(), sqlite_source_id()",
                                    error)))
    return FALSE;
  if (!(model = sh_database_select (self, stmt, NULL, version_types, error)))
    return FALSE;
  version = sh_database_model_dup_string (model, 0, 0);
  if (version == NULL || sscanf (version, "%u.%u.%u", &major, &minor, &patch) < 2
      || major < 3 || (major == 3 && minor < 24))
    {
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN,
                   _("Could not open the database %s: StashHog needs SQLite 3.24 or newer, "
                     "but libgda uses SQLite %s. Update SQLite or use a PostgreSQL database."),
                   self->location, version != NULL ? version : "?");
      return FALSE;
    }
  self->sqlite_version = major * 1000000 + minor * 1000 + patch;
  g_free (self->sqlite_source_id);
  self->sqlite_source_id = sh_database_model_dup_string (model, 0, 1);
  g_debug ("SQLite %s", version);

  return TRUE;
}

/* libgda 5 does not hand out libpq's connection. Its PostgreSQL provider keeps it in its
 * connection data right after a pointer to the GdaConnection (libgda 5 and 6 alike); it is
 * taken only when found there, and only to ask libpq whether it is still connected. */
static gpointer
find_pgconn (ShDatabase *self)
{
#ifdef SH_HAVE_LIBPQ
  gpointer *cdata = gda_connection_internal_get_provider_data_error (self->cnc, NULL);

  for (guint i = 0; cdata != NULL && i < 4; i++)
    {
      if (cdata[i] == (gpointer) self->cnc)
        {
          PGconn *pgconn = cdata[i + 1];

          g_autofree char *db_name = NULL;

          if (pgconn == NULL || PQstatus (pgconn) != CONNECTION_OK)
            break;
          db_name = g_strconcat ("DB_NAME=", PQdb (pgconn), NULL);
          if (strstr (self->url->cnc_string, db_name) != NULL)
            return pgconn;
          break;
        }
    }

  g_debug ("libpq's connection was not found; a lost connection is recognised by its "
           "errors only");
#endif

  return NULL;
}

/* On the worker: opens the connection and what goes with it (parser, statement cache). */
gboolean
_sh_database_connect (ShDatabase  *self,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *what = NULL;

  what = g_strdup_printf (_("Could not open the database %s"), self->location);
  auth = sh_database_url_get_auth_string (self->url);
  self->cnc = gda_connection_open_from_string (self->url->provider, self->url->cnc_string, auth,
                                               GDA_CONNECTION_OPTIONS_NONE, &local_error);
  if (auth != NULL)
    memset (auth, 0, strlen (auth));
  if (self->cnc == NULL)
    {
      _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                    SH_STORE_ERROR_OPEN, what);
      return FALSE;
    }

  /* The provider's own parser, in "delimit" mode: statements reach the server verbatim,
   * with only the ##name::type parameters replaced. libgda's full parser does not know
   * ON CONFLICT or IS DISTINCT FROM, and it rewrites some SQL it does know (`a IS NOT ?`
   * becomes `a IS (NOT ?)`). A raw BEGIN also keeps libgda from tracking the transaction,
   * which costs O(n) per statement in libgda 5. */
  self->parser = gda_connection_create_parser (self->cnc);
  if (self->parser == NULL)
    self->parser = gda_sql_parser_new ();
  g_object_set (self->parser, "mode", GDA_SQL_PARSER_MODE_DELIMIT, NULL);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            sh_cached_statement_free);

  if (self->is_postgres)
    self->pgconn = find_pgconn (self);

  return TRUE;
}

/* On the worker: closes the connection and what goes with it. */
void
_sh_database_worker_close (ShDatabase *self)
{
  if (self->in_transaction && !self->lost)
    sh_database_rollback (self);
  self->in_transaction = FALSE;
  self->pgconn = NULL;
  _sh_database_forget_sqlite (self);

  /* Statements and their parameter sets go first; libgda 5's PostgreSQL data models and
   * prepared statements still talk to the connection when they are finalized. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_object (&self->parser);

  if (self->cnc != NULL)
    {
      gda_connection_close (self->cnc);
      g_clear_object (&self->cnc);
    }
}

/* Liveness ---------------------------------------------------------------------------- */

/* On the worker: the connection is dead. It is not closed here (the running function may
 * still hold its data models) but after the function returns, and never used again. */
void
_sh_database_mark_lost (ShDatabase *self,
                        const char *reason)
{
  if (self->lost)
    return;

  g_message ("The connection to the database %s was lost: %s", self->location,
             reason != NULL ? reason : "?");
  self->lost = TRUE;
  g_free (self->lost_reason);
  self->lost_reason = g_strdup (reason);
  /* The server rolled the transaction back. */
  self->in_transaction = FALSE;
  self->committing = FALSE;
  self->next_attempt = g_get_monotonic_time ();
  self->backoff_ms = RECONNECT_BACKOFF_MIN_MS;
  _sh_database_set_available (self, FALSE);
}

/* For tests: see sh-database-private.h. */
void
_sh_database_set_execute_hook (ShDatabase            *self,
                               ShDatabaseExecuteHook  hook,
                               gpointer               user_data)
{
  self->execute_hook = hook;
  self->execute_hook_data = user_data;
}

void
_sh_database_disable_direct_sqlite (ShDatabase *self)
{
  self->sqlite_direct_disabled = TRUE;
}

/* On the worker, before each call into the provider: %FALSE (with @error set) when the
 * connection is gone. libpq learns it by reading what the server sent (its goodbye and
 * end of stream after a restart) without sending anything. */
gboolean
_sh_database_check_connection (ShDatabase    *self,
                               GdaStatement  *stmt,
                               GError       **error)
{
  if (self->execute_hook != NULL && stmt != NULL)
    self->execute_hook (self, g_object_get_qdata (G_OBJECT (stmt), _sh_database_sql_quark ()),
                        self->execute_hook_data);

  if (self->lost)
    {
      _sh_database_set_lost_error (self, error);
      return FALSE;
    }

  if (self->cnc == NULL)
    {
      _sh_database_set_not_open_error (self, error);
      return FALSE;
    }

#ifdef SH_HAVE_LIBPQ
  if (self->pgconn != NULL)
    {
      PGconn *pgconn = self->pgconn;
      struct pollfd pfd = { PQsocket (pgconn), POLLIN, 0 };

      /* Between statements the server sends nothing unasked, so anything to read is a
       * goodbye ("terminating connection…") or the end of the stream; the reads go on
       * until libpq has seen the end, which one read may not reach. */
      for (guint i = 0; i < 8 && pfd.fd >= 0 && PQstatus (pgconn) == CONNECTION_OK; i++)
        {
          if (poll (&pfd, 1, 0) <= 0 || (pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
            break;
          if (PQconsumeInput (pgconn) == 0)
            break;
        }

      if (PQstatus (pgconn) != CONNECTION_OK)
        {
          _sh_database_mark_lost (self, PQerrorMessage (pgconn));
          _sh_database_set_lost_error (self, error);
          return FALSE;
        }
    }
#endif

  return TRUE;
}

/* Reconnecting ------------------------------------------------------------------------ */

/* On the worker: one attempt to replace a lost connection, when its time has come. */
gboolean
_sh_database_try_reconnect (ShDatabase  *self,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!self->lost)
    return TRUE;

  /* What is left of the dead connection goes first, without a word to the server. */
  _sh_database_worker_close (self);

  if (g_get_monotonic_time () < self->next_attempt)
    {
      _sh_database_set_lost_error (self, error);
      return FALSE;
    }

  self->lost = FALSE;
  if (!_sh_database_connect (self, &local_error)
      || !_sh_database_create_scratch_tables (self, &local_error))
    {
      self->lost = TRUE;
      _sh_database_worker_close (self);
      self->next_attempt = g_get_monotonic_time () + self->backoff_ms * G_TIME_SPAN_MILLISECOND;
      self->backoff_ms = MIN (self->backoff_ms * 2, RECONNECT_BACKOFF_MAX_MS);
      g_debug ("Could not reconnect to the database %s: %s", self->location,
               local_error->message);
      _sh_database_set_lost_error (self, error);
      return FALSE;
    }

  g_message ("Reconnected to the database %s", self->location);
  g_clear_pointer (&self->lost_reason, g_free);
  self->backoff_ms = RECONNECT_BACKOFF_MIN_MS;
  _sh_database_set_available (self, TRUE);

  return TRUE;
}

/* On the worker, before an op that needs the connection: a new one if it was lost. An op
 * allowed to wait waits, with backoff, until @deadline. */
gboolean
_sh_database_ensure_connection (ShDatabase    *self,
                                GCancellable  *cancellable,
                                gint64         deadline,
                                GError       **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      if (_sh_database_try_reconnect (self, &local_error))
        return TRUE;

      if (self->next_attempt > deadline || sh_worker_thread_is_shut_down (self->worker)
          || !sh_worker_thread_sleep_until (self->worker, self->next_attempt, cancellable))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
}
