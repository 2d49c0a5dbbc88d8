/* sh-database-ids.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShDatabase's scratch ids: a list of scene ids staged into a connection-private table
 * by multi-row INSERTs, for set-based statements over any number of them. On SQLite, with
 * its handle found (sh-database-sqlite.c), one prepared single-row INSERT binds each id in
 * place instead.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "sh-database-private.h"
#include "sh-store-error.h"

/* Scratch ids ------------------------------------------------------------------------- */

/* Ids per multi-row INSERT into the scratch table. libgda builds a statement's parameter
 * set in O(n²) of its parameters (gda_statement_get_parameters() took 0.4 s for 2,000
 * parameters and 1.7 s for 4,000), so statements stay at 400, which is also under the
 * 999 variables of older SQLite builds. The last chunk is padded by repeating the last
 * id, which IN (…) does not mind, so that one statement shape serves every list. */
#define ID_CHUNK_ROWS 400

/*
 * _sh_database_clear_ids:
 *
 * On the worker thread: empties the id scratch table.
 */
gboolean
_sh_database_clear_ids (ShDatabase  *self,
                        GError     **error)
{
  /* A DELETE would leave PostgreSQL's table full of dead rows, which every later use in
   * the transaction would read again; SQLite truncates on a DELETE without WHERE. */
  return sh_database_execute_sql (self,
                                  self->is_postgres
                                  ? "TRUNCATE " SH_TMP_ID_TABLE
                                  : "DELETE FROM " SH_TMP_ID_TABLE,
                                  error);
}

/*
 * _sh_database_release_ids:
 *
 * On the worker thread, after a use of the staged ids: PostgreSQL empties the table at
 * commit by itself; SQLite would keep the ids in memory until the next bulk operation.
 */
gboolean
_sh_database_release_ids (ShDatabase  *self,
                          GError     **error)
{
  return self->is_postgres || _sh_database_clear_ids (self, error);
}

/* The multi-row INSERT of ID_CHUNK_ROWS ids, and its holders in order. */
static GdaStatement *
prepare_id_chunk (ShDatabase  *self,
                  GdaSet     **params,
                  GPtrArray  **holders,
                  GError     **error)
{
  static char *sql = NULL;
  GdaStatement *stmt;
  GPtrArray *array;

  if (g_once_init_enter (&sql))
    {
      GString *text = g_string_new ("INSERT INTO " SH_TMP_ID_TABLE " (id) VALUES ");

      for (guint i = 0; i < ID_CHUNK_ROWS; i++)
        g_string_append_printf (text, "%s(##i%u::gint64)", i > 0 ? ", " : "", i);

      g_once_init_leave (&sql, g_string_free (text, FALSE));
    }

  if (!(stmt = sh_database_prepare_full (self, sql, params, error)))
    return NULL;

  /* Looking each holder up by name for every id would cost more than binding it. */
  array = g_object_get_data (G_OBJECT (*params), "sh-database-id-holders");
  if (array == NULL)
    {
      array = g_ptr_array_sized_new (ID_CHUNK_ROWS);
      for (guint i = 0; i < ID_CHUNK_ROWS; i++)
        {
          char name[16];

          g_snprintf (name, sizeof name, "i%u", i);
          g_ptr_array_add (array, _sh_database_get_holder (*params, name));
        }
      g_object_set_data_full (G_OBJECT (*params), "sh-database-id-holders", array,
                              (GDestroyNotify) g_ptr_array_unref);
    }

  *holders = array;

  return stmt;
}

/* How many ids are staged between two looks at the cancellable, on SQLite. */
#define ID_CANCEL_EVERY 4096

static gboolean
stage_ids_sqlite (ShDatabase    *self,
                  const gint64  *ids,
                  guint          n_ids,
                  GCancellable  *cancellable,
                  GError       **error)
{
  sqlite3_stmt *insert;

  insert = _sh_database_sqlite_prepare (self, "INSERT INTO " SH_TMP_ID_TABLE " (id) VALUES (?)",
                                        error);
  if (insert == NULL)
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      if (i % ID_CANCEL_EVERY == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!_sh_database_sqlite_run (self, insert, sqlite3_bind_int64 (insert, 1, ids[i]),
                                    error))
        return FALSE;
    }

  return TRUE;
}

/*
 * _sh_database_stage_ids:
 * @ids: (array length=n_ids): the ids; duplicates allowed
 *
 * On the worker thread, in a transaction: replaces the content of the id scratch table
 * (SH_TMP_ID_TABLE) by @ids, for a set-based statement to use. Call
 * _sh_database_release_ids() after the use.
 */
gboolean
_sh_database_stage_ids (ShDatabase    *self,
                        const gint64  *ids,
                        guint          n_ids,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GdaStatement *stmt;
  GPtrArray *holders = NULL;
  GdaSet *params = NULL;

  if (!_sh_database_clear_ids (self, error))
    return FALSE;

  if (n_ids == 0)
    return TRUE;

  if (_sh_database_get_sqlite (self) != NULL)
    return stage_ids_sqlite (self, ids, n_ids, cancellable, error);

  if (!(stmt = prepare_id_chunk (self, &params, &holders, error)))
    return FALSE;

  for (guint start = 0; start < n_ids; start += ID_CHUNK_ROWS)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint i = 0; i < ID_CHUNK_ROWS; i++)
        _sh_database_holder_set_int64 (holders->pdata[i], ids[MIN (start + i, n_ids - 1)]);

      if (sh_database_execute (self, stmt, params, error) < 0)
        return FALSE;
    }

  return TRUE;
}
