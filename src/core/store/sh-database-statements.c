/* sh-database-statements.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShDatabase's statements, on the worker thread: prepared with parameters and cached,
 * executed and selected without ever handing a dead connection to the provider, and the
 * transactions around them.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-database-private.h"
#include "sh-store-error.h"

/* Worker-side helpers ------------------------------------------------------------------ */

/**
 * sh_database_is_postgres:
 * @self: a #ShDatabase
 *
 * For the few statements whose syntax differs between the providers.
 *
 * Returns: %TRUE when connected to PostgreSQL
 */
gboolean
sh_database_is_postgres (ShDatabase *self)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);

  return self->is_postgres;
}

/**
 * sh_database_prepare_full:
 * @self: a #ShDatabase
 * @sql: one SQL statement, with parameters written `##name::type` (`::null` when the
 *   value may be %NULL), for example `WHERE id = ##id::gint64`
 * @params: (out) (optional) (transfer none) (nullable): the statement's parameters, shared
 *   by every user of this SQL text; set all of them before each execution
 * @error: return location for a #GError
 *
 * Parses @sql once and caches it by its text until the database closes. The SQL reaches
 * the server verbatim (only the parameters are replaced), so it may use syntax libgda does
 * not know, such as `ON CONFLICT`. Worker thread only.
 *
 * Returns: (transfer none) (nullable): the statement, or %NULL with @error set
 */
GdaStatement *
sh_database_prepare_full (ShDatabase  *self,
                          const char  *sql,
                          GdaSet     **params,
                          GError     **error)
{
  ShCachedStatement *cached;

  g_return_val_if_fail (SH_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (_sh_database_is_worker_thread (self), NULL);

  if (params != NULL)
    *params = NULL;

  if (self->lost)
    {
      _sh_database_set_lost_error (self, error);
      return NULL;
    }

  if (self->cnc == NULL)
    {
      _sh_database_set_not_open_error (self, error);
      return NULL;
    }

  cached = g_hash_table_lookup (self->statements, sql);
  if (cached == NULL)
    {
      g_autoptr(GdaStatement) stmt = NULL;
      g_autoptr(GdaSet) set = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *rest = NULL;

      stmt = gda_sql_parser_parse_string (self->parser, sql, &rest, &local_error);
      if (stmt == NULL
          || !gda_statement_get_parameters (stmt, &set, &local_error))
        {
          _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                        SH_STORE_ERROR_QUERY,
                                        _("Could not prepare a database statement"));
          return NULL;
        }

      /* Only one statement per call: a second one would be silently ignored. */
      g_return_val_if_fail (rest == NULL || strspn (rest, " \t\r\n;") == strlen (rest), NULL);

      /* Without this, every changed value emits validation signals through the set,
       * which doubled the cost of binding a page of scenes. Nothing here validates. */
      if (set != NULL)
        g_object_set (set, "validate-changes", FALSE, NULL);

      cached = g_new0 (ShCachedStatement, 1);
      cached->stmt = g_steal_pointer (&stmt);
      cached->params = g_steal_pointer (&set);
      g_object_set_qdata_full (G_OBJECT (cached->stmt), _sh_database_sql_quark (),
                               g_strdup (sql), g_free);
      g_hash_table_insert (self->statements, g_strdup (sql), cached);
    }

  if (params != NULL)
    *params = cached->params;

  return cached->stmt;
}

/**
 * sh_database_prepare:
 * @self: a #ShDatabase
 * @sql: one SQL statement (see sh_database_prepare_full())
 * @error: return location for a #GError
 *
 * Like sh_database_prepare_full(), for callers that get the parameters with
 * gda_statement_get_parameters() or have none. Worker thread only.
 *
 * Returns: (transfer none) (nullable): the cached statement, or %NULL with @error set
 */
GdaStatement *
sh_database_prepare (ShDatabase  *self,
                     const char  *sql,
                     GError     **error)
{
  return sh_database_prepare_full (self, sql, NULL, error);
}

/**
 * sh_database_execute:
 * @self: a #ShDatabase
 * @stmt: a statement from sh_database_prepare_full()
 * @params: (nullable): its parameters
 * @error: return location for a #GError
 *
 * Runs a statement that returns no rows. Worker thread only.
 *
 * Returns: the number of rows changed; -2 when the provider does not say (DDL); -1 with
 *   @error set on failure
 */
gint64
sh_database_execute (ShDatabase    *self,
                     GdaStatement  *stmt,
                     GdaSet        *params,
                     GError       **error)
{
  g_autoptr(GObject) result = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 rows = -2;

  g_return_val_if_fail (SH_IS_DATABASE (self), -1);
  g_return_val_if_fail (GDA_IS_STATEMENT (stmt), -1);
  g_return_val_if_fail (_sh_database_is_worker_thread (self), -1);

  if (!_sh_database_check_connection (self, stmt, error))
    return -1;

  /* Outside a transaction, or committing it, a change is made for good: running the op
   * again after a lost connection could make it twice. */
  if (!self->in_transaction || self->committing)
    self->op_unsafe = TRUE;

  result = gda_connection_statement_execute (self->cnc, stmt, params,
                                             GDA_STATEMENT_MODEL_RANDOM_ACCESS, NULL,
                                             &local_error);
  if (result == NULL)
    {
      if (_sh_database_is_connection_lost_error (self, local_error))
        {
          _sh_database_mark_lost (self, local_error->message);
          _sh_database_set_lost_error (self, error);
          return -1;
        }
      _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                    SH_STORE_ERROR_QUERY,
                                    _("A change to the database failed"));
      return -1;
    }

  /* SQLite answers a PRAGMA with a data model; it is dropped here, at once. */
  if (GDA_IS_SET (result))
    {
      GdaHolder *holder = gda_set_get_holder (GDA_SET (result), "IMPACTED_ROWS");
      const GValue *value = holder != NULL ? gda_holder_get_value (holder) : NULL;

      if (value != NULL && G_VALUE_HOLDS_INT (value))
        rows = g_value_get_int (value);
      else if (value != NULL && G_VALUE_HOLDS_INT64 (value))
        rows = g_value_get_int64 (value);
    }

  return rows;
}

/**
 * sh_database_execute_sql:
 * @self: a #ShDatabase
 * @sql: one SQL statement without parameters
 * @error: return location for a #GError
 *
 * Prepares (cached) and runs @sql. Worker thread only.
 *
 * Returns: %TRUE on success
 */
gboolean
sh_database_execute_sql (ShDatabase  *self,
                         const char  *sql,
                         GError     **error)
{
  GdaStatement *stmt;

  if (!(stmt = sh_database_prepare (self, sql, error)))
    return FALSE;

  return sh_database_execute (self, stmt, NULL, error) != -1;
}

/**
 * sh_database_select:
 * @self: a #ShDatabase
 * @stmt: a statement from sh_database_prepare_full()
 * @params: (nullable): its parameters
 * @col_types: (array zero-terminated=0) (nullable): the GType of each column, ended by
 *   %G_TYPE_NONE; SQLite otherwise reports small integers as `gint` and booleans as
 *   integers
 * @error: return location for a #GError
 *
 * Runs a query. The model must be freed before the function running on the worker thread
 * returns. Worker thread only.
 *
 * Returns: (transfer full) (nullable): the rows, or %NULL with @error set
 */
GdaDataModel *
sh_database_select (ShDatabase    *self,
                    GdaStatement  *stmt,
                    GdaSet        *params,
                    const GType   *col_types,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GdaDataModel *model;

  g_return_val_if_fail (SH_IS_DATABASE (self), NULL);
  g_return_val_if_fail (GDA_IS_STATEMENT (stmt), NULL);
  g_return_val_if_fail (_sh_database_is_worker_thread (self), NULL);

  if (!_sh_database_check_connection (self, stmt, error))
    return NULL;

  model = gda_connection_statement_execute_select_full (self->cnc, stmt, params,
                                                        GDA_STATEMENT_MODEL_RANDOM_ACCESS,
                                                        (GType *)col_types, &local_error);
  if (model == NULL && _sh_database_is_connection_lost_error (self, local_error))
    {
      _sh_database_mark_lost (self, local_error->message);
      _sh_database_set_lost_error (self, error);
    }
  else if (model == NULL)
    {
      _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                    SH_STORE_ERROR_QUERY, _("A database query failed"));
    }

  return model;
}

/*
 * _sh_database_select_ids:
 *
 * Runs a query of one BIGINT column (ids) and collects its values in order. Worker thread
 * only.
 *
 * Returns: (transfer full) (element-type gint64) (nullable): the ids, or %NULL with @error
 *   set
 */
GArray *
_sh_database_select_ids (ShDatabase    *self,
                         GdaStatement  *stmt,
                         GdaSet        *params,
                         GError       **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GArray *ids;
  int n_rows;

  if (!(model = sh_database_select (self, stmt, params, types, error)))
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), MAX (n_rows, 0));
  for (int row = 0; row < n_rows; row++)
    {
      gint64 id = sh_database_model_get_int64 (model, row, 0);

      g_array_append_val (ids, id);
    }

  return ids;
}

/**
 * sh_database_begin:
 * @self: a #ShDatabase
 * @error: return location for a #GError
 *
 * Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so that two processes never
 * deadlock upgrading read locks). Transactions do not nest. Worker thread only.
 *
 * Returns: %TRUE on success
 */
gboolean
sh_database_begin (ShDatabase  *self,
                   GError     **error)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (_sh_database_is_worker_thread (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  /* In the transaction already for the bookkeeping: BEGIN changes nothing. */
  self->in_transaction = TRUE;
  if (!sh_database_execute_sql (self, self->is_postgres ? "BEGIN" : "BEGIN IMMEDIATE", error))
    {
      self->in_transaction = FALSE;
      return FALSE;
    }

  return TRUE;
}

/**
 * sh_database_commit:
 * @self: a #ShDatabase
 * @error: return location for a #GError
 *
 * Commits the transaction; when that fails, it is rolled back. Worker thread only.
 *
 * Returns: %TRUE on success
 */
gboolean
sh_database_commit (ShDatabase  *self,
                    GError     **error)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (_sh_database_is_worker_thread (self), FALSE);
  g_return_val_if_fail (self->in_transaction || self->lost, FALSE);

  /* The connection may have been lost inside the transaction: the server undid it. */
  if (!self->in_transaction)
    {
      _sh_database_set_lost_error (self, error);
      return FALSE;
    }

  self->committing = TRUE;
  if (!sh_database_execute_sql (self, "COMMIT", error))
    {
      self->committing = FALSE;
      sh_database_rollback (self);
      return FALSE;
    }

  self->committing = FALSE;
  self->in_transaction = FALSE;

  return TRUE;
}

/**
 * sh_database_rollback:
 * @self: a #ShDatabase
 *
 * Rolls the transaction back, if one is open. Errors are ignored: SQLite may already
 * have rolled back by itself after a failure. Worker thread only.
 */
void
sh_database_rollback (ShDatabase *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (_sh_database_is_worker_thread (self));

  if (!self->in_transaction || self->lost)
    return;

  /* Still in it while ROLLBACK runs: undoing changes nothing for good. */
  if (!sh_database_execute_sql (self, "ROLLBACK", &error))
    g_debug ("Rollback failed: %s", error->message);
  self->in_transaction = FALSE;
}

/*
 * _sh_database_get_distinct_operator:
 *
 * The null-safe inequality: `IS DISTINCT FROM` on PostgreSQL and SQLite 3.39 or newer,
 * SQLite's own `IS NOT` before that.
 */
const char *
_sh_database_get_distinct_operator (ShDatabase *self)
{
  if (self->is_postgres || self->sqlite_version >= 3039000)
    return "IS DISTINCT FROM";

  return "IS NOT";
}

/*
 * _sh_database_read_applied:
 * @applied: (out): whether the Generate @job_id was applied
 * @count: (out): how many scenes it updated then; 0 when not applied
 *
 * On the worker thread: the `job_applied` row of a Generate, which says that its
 * `tracked` scenes are the scenes it updated (see sh_job_store_apply_generated_async()).
 */
gboolean
_sh_database_read_applied (ShDatabase  *self,
                           const char  *job_id,
                           gboolean    *applied,
                           guint64     *count,
                           GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (self,
                                   "SELECT scenes_updated FROM job_applied "
                                   "WHERE job_id = ##job_id::string",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_string (params, "job_id", job_id);
  if (!(model = sh_database_select (self, stmt, params, types, error)))
    return FALSE;

  *applied = gda_data_model_get_n_rows (model) > 0;
  *count = *applied ? (guint64) sh_database_model_get_int64 (model, 0, 0) : 0;

  return TRUE;
}

/*
 * _sh_database_get_updated_role:
 * @job_id: a job
 *
 * On the worker thread: the `job_scene_set` role that holds the scenes whose generated flag
 * @job_id changed. A Generate whose snapshot was applied keeps them as its `tracked`
 * scenes, every other job as `updated` rows.
 *
 * Returns: (transfer none): "tracked" or "updated"; %NULL with @error set on failure
 */
const char *
_sh_database_get_updated_role (ShDatabase  *self,
                               const char  *job_id,
                               GError     **error)
{
  gboolean applied = FALSE;
  guint64 count = 0;

  if (!_sh_database_read_applied (self, job_id, &applied, &count, error))
    return NULL;

  return applied ? "tracked" : "updated";
}

/*
 * _sh_database_role_code:
 * @role: `tracked` or `updated`
 *
 * Returns: the number that stands for @role in `job_scene_set`
 */
gint64
_sh_database_role_code (const char *role)
{
  g_assert (g_str_equal (role, "tracked") || g_str_equal (role, "updated"));

  return g_str_equal (role, "tracked") ? g_ascii_strtoll (SH_ROLE_TRACKED, NULL, 10)
                                       : g_ascii_strtoll (SH_ROLE_UPDATED, NULL, 10);
}

/*
 * _sh_database_ensure_job_key:
 * @job_id: a job in the database
 * @key: (out): its key in `job_scene_set`
 *
 * On the worker thread, inside a transaction: the compact key of @job_id, made when the
 * job records scenes for the first time.
 */
gboolean
_sh_database_ensure_job_key (ShDatabase  *self,
                             const char  *job_id,
                             gint64      *key,
                             GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  GdaStatement *select_stmt;
  GdaStatement *insert_stmt;
  GdaSet *select_params;
  GdaSet *insert_params;

  select_stmt = sh_database_prepare_full (self,
                                          "SELECT job_key FROM job_key "
                                          "WHERE job_id = ##job_id::string",
                                          &select_params, error);
  insert_stmt = sh_database_prepare_full (self,
                                          "INSERT INTO job_key (job_id) "
                                          "VALUES (##job_id::string) ON CONFLICT DO NOTHING",
                                          &insert_params, error);
  if (select_stmt == NULL || insert_stmt == NULL)
    return FALSE;

  /* Looked up first, so that PostgreSQL spends no number of its sequence on a job that
   * has its key already. */
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GdaDataModel) model = NULL;

      sh_database_set_string (select_params, "job_id", job_id);
      if (!(model = sh_database_select (self, select_stmt, select_params, types, error)))
        return FALSE;
      if (gda_data_model_get_n_rows (model) > 0)
        {
          *key = sh_database_model_get_int64 (model, 0, 0);
          return TRUE;
        }

      sh_database_set_string (insert_params, "job_id", job_id);
      if (sh_database_execute (self, insert_stmt, insert_params, error) < 0)
        return FALSE;
    }

  g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY,
               "%s", _("A database query failed"));
  return FALSE;
}
