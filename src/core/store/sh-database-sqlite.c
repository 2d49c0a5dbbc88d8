/* sh-database-sqlite.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShDatabase's SQLite handle under libgda, for the writes that bind hundreds of thousands
 * of values: staging the pages of a sync, and lists of scene ids (sh-database-ids.c).
 * libgda 5 binds a value through a GdaHolder — a lookup by name, a GValue, reads under the
 * holder's lock — which cost more CPU than SQLite's own work on the row (half of the
 * database thread's time in a sync of 100,000 scenes). SQLite's prepared statements bind a
 * value in place.
 *
 * The handle is libgda's own, so its statements run in libgda's transaction and see the
 * connection's temporary tables. libgda 5 does not hand it out: its SQLite provider keeps
 * it in its connection data right after a pointer to the GdaConnection, as its PostgreSQL
 * provider keeps libpq's (see find_pgconn()). It is taken only when found there, when the
 * SQLite library linked here is the one libgda loaded (the same build: sqlite_source_id()),
 * and when the handle names the database file that was opened; otherwise the callers stay
 * with libgda.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sh-database-private.h"

#include <libgda/gda-connection-private.h>

static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  return a != NULL && b != NULL && g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0
         && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* On the worker, once SQLite's version is known (_sh_database_setup_sqlite()). */
void
_sh_database_find_sqlite (ShDatabase *self)
{
  g_autofree char *legacy_path = NULL;
  gpointer *cdata;
  sqlite3 *handle = NULL;

  self->sqlite = NULL;
  if (self->is_postgres || self->sqlite_direct_disabled || self->cnc == NULL)
    return;

  /* The same library, or the handle is not ours to use: the same build of SQLite. */
  if (g_strcmp0 (self->sqlite_source_id, sqlite3_sourceid ()) != 0)
    {
      g_debug ("libgda uses SQLite %u (%s), StashHog was linked with %s (%s): bulk writes "
               "bind their values through libgda", self->sqlite_version,
               self->sqlite_source_id != NULL ? self->sqlite_source_id : "?",
               sqlite3_libversion (), sqlite3_sourceid ());
      return;
    }

  cdata = gda_connection_internal_get_provider_data_error (self->cnc, NULL);
  for (guint i = 0; cdata != NULL && i < 4; i++)
    {
      if (cdata[i] == (gpointer) self->cnc)
        {
          handle = cdata[i + 1];
          break;
        }
    }

  /* The file given, or PATH.db that earlier versions made for PATH (sh-database-url.c). */
  legacy_path = g_strconcat (self->sqlite_path, ".db", NULL);
  if (handle == NULL
      || !(same_file (sqlite3_db_filename (handle, "main"), self->sqlite_path)
           || same_file (sqlite3_db_filename (handle, "main"), legacy_path)))
    {
      g_debug ("SQLite’s connection was not found under libgda’s: bulk writes bind their "
               "values through libgda");
      return;
    }

  self->sqlite = handle;
  self->sqlite_statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) sqlite3_finalize);
}

/* On the worker, before libgda closes the connection: SQLite does not close a connection
 * with statements left. */
void
_sh_database_forget_sqlite (ShDatabase *self)
{
  g_clear_pointer (&self->sqlite_statements, g_hash_table_unref);
  self->sqlite = NULL;
}

/**
 * _sh_database_get_sqlite:
 * @self: a #ShDatabase
 *
 * Worker thread only.
 *
 * Returns: (transfer none) (nullable): the `sqlite3 *` under the connection, or %NULL when
 *   the database is not SQLite or the handle was not found
 */
gpointer
_sh_database_get_sqlite (ShDatabase *self)
{
  g_return_val_if_fail (_sh_database_is_worker_thread (self), NULL);

  return self->lost ? NULL : self->sqlite;
}

static GQuark sh_sqlite_error_quark (void);
G_DEFINE_QUARK (sh-sqlite-error, sh_sqlite_error)

/* SQLite's message decides the code and the sentence, as libgda's does
 * (sh-database-errors.c). */
static void
propagate_sqlite_error (ShDatabase  *self,
                        int          rc,
                        GError     **error)
{
  _sh_database_propagate_error (self, error,
                                g_error_new_literal (sh_sqlite_error_quark (), rc,
                                                     sqlite3_errmsg (self->sqlite)),
                                SH_STORE_ERROR_QUERY, _("A change to the database failed"));
}

/**
 * _sh_database_sqlite_prepare:
 * @self: a #ShDatabase whose _sh_database_get_sqlite() is not %NULL
 * @sql: one SQL statement with `?` parameters
 * @error: return location for a #GError
 *
 * Prepares @sql once per connection. Worker thread only.
 *
 * Returns: (transfer none) (nullable): the cached `sqlite3_stmt *`, reset and with its
 *   bindings cleared, or %NULL with @error set
 */
gpointer
_sh_database_sqlite_prepare (ShDatabase  *self,
                             const char  *sql,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (_sh_database_get_sqlite (self) != NULL, NULL);

  if ((stmt = g_hash_table_lookup (self->sqlite_statements, sql)) != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->sqlite, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      propagate_sqlite_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->sqlite_statements, g_strdup (sql), stmt);

  return stmt;
}

/**
 * _sh_database_sqlite_run:
 * @self: a #ShDatabase
 * @stmt: a statement from _sh_database_sqlite_prepare(), its parameters bound
 * @bind_rc: the first failure of binding @stmt's values, or SQLITE_OK
 * @error: return location for a #GError
 *
 * Runs @stmt, which returns no rows, unless a value could not be bound, then resets it
 * and clears its bindings (the values bound may be the caller's, SQLITE_STATIC). Worker
 * thread only.
 *
 * Returns: %TRUE on success
 */
gboolean
_sh_database_sqlite_run (ShDatabase  *self,
                         gpointer     stmt,
                         int          bind_rc,
                         GError     **error)
{
  int rc = bind_rc != SQLITE_OK ? bind_rc : sqlite3_step (stmt);

  if (!self->in_transaction)
    self->op_unsafe = TRUE;

  if (rc != SQLITE_DONE)
    {
      /* sqlite3_reset() repeats the step's error; the message is read before it. */
      propagate_sqlite_error (self, rc, error);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return TRUE;
}
