/* sh-job-store-lists.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's reads of many jobs: the history page by page, the active jobs, and the
 * jobs changed since a time.
 */

#include "config.h"

#include "sh-job-store-private.h"

/* Lists ------------------------------------------------------------------------------- */

typedef struct
{
  gint64  server_id;
  char   *status;             /* (owned) (nullable) */
  char   *type;               /* (owned) (nullable) */
  gint64  before_created_at;
  guint   limit;
} ListData;

static void
list_data_free (gpointer data)
{
  ListData *list = data;

  g_free (list->status);
  g_free (list->type);
  g_free (list);
}

static gpointer
list_func (ShDatabase     *db,
           GdaConnection  *cnc,
           gpointer        data,
           GCancellable   *cancellable,
           GError        **error)
{
  ListData *list = data;
  g_autofree char *before = NULL;
  g_autofree char *sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  /* One statement per combination of filters (at most 32, each prepared once), rather
   * than `(? IS NULL OR …)`, which no index can serve. */
  sql = g_strconcat ("SELECT " JOB_COLUMNS " FROM job WHERE TRUE",
                     list->server_id > 0 ? " AND server_id = ##server_id::gint64" : "",
                     list->status != NULL ? " AND status = ##status::string" : "",
                     list->type != NULL ? " AND type = ##type::string" : "",
                     list->before_created_at > 0 ? " AND created_at < ##before::string" : "",
                     " ORDER BY created_at DESC, id DESC",
                     list->limit > 0 ? " LIMIT ##limit::gint64" : "",
                     NULL);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;

  if (list->server_id > 0)
    sh_database_set_int64 (params, "server_id", list->server_id);
  if (list->status != NULL)
    sh_database_set_string (params, "status", list->status);
  if (list->type != NULL)
    sh_database_set_string (params, "type", list->type);
  if (list->before_created_at > 0)
    {
      before = _sh_job_store_time_to_text (list->before_created_at);
      sh_database_set_string (params, "before", before);
    }
  if (list->limit > 0)
    sh_database_set_int64 (params, "limit", list->limit);

  return _sh_job_store_select_records (db, stmt, params, error);
}

/**
 * sh_job_store_list_async:
 * @self: a #ShJobStore
 * @server_id: only the jobs of this server; 0 or less for all
 * @status: (nullable): only jobs with this status
 * @type: (nullable): only jobs of this type
 * @before_created_at: only jobs created before this time (microseconds); 0 to start from
 *   the newest
 * @limit: at most this many jobs; 0 for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the jobs
 * @user_data: data for @callback
 *
 * Reads the job history, newest first. The next page starts before the @created_at of
 * the last job of this one (keyset paging, as fast deep in a long history as at its
 * start). Jobs created in the same microsecond as a page's last job would be skipped;
 * times come from the system clock at microsecond resolution, so that does not happen
 * in practice.
 */
void
sh_job_store_list_async (ShJobStore          *self,
                         gint64               server_id,
                         const char          *status,
                         const char          *type,
                         gint64               before_created_at,
                         guint                limit,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  ListData *list;

  g_return_if_fail (SH_IS_JOB_STORE (self));

  list = g_new0 (ListData, 1);
  list->server_id = server_id;
  list->status = g_strdup (status);
  list->type = g_strdup (type);
  list->before_created_at = before_created_at;
  list->limit = limit;

  _sh_store_run (SH_STORE (self), sh_job_store_list_async, list_func, list, list_data_free,
                 (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * sh_job_store_list_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShJobRecord): the jobs, which the array frees;
 *   %NULL with @error set on failure
 */
GPtrArray *
sh_job_store_list_finish (ShJobStore    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_job_store_list_async, error);
}

static gpointer
list_active_func (ShDatabase     *db,
                  GdaConnection  *cnc,
                  gpointer        data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  GdaStatement *stmt;

  stmt = sh_database_prepare (db,
                              "SELECT " JOB_COLUMNS " FROM job "
                              "WHERE status IN " ACTIVE_STATUSES " "
                              "ORDER BY created_at, id",
                              error);
  if (stmt == NULL)
    return NULL;

  return _sh_job_store_select_records (db, stmt, NULL, error);
}

/**
 * sh_job_store_list_active_async:
 * @self: a #ShJobStore
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the jobs
 * @user_data: data for @callback
 *
 * Reads the jobs that are pending, running or cancelling, oldest first: at start-up,
 * those a crash left behind. Jobs of other processes sharing the database are included.
 */
void
sh_job_store_list_active_async (ShJobStore          *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));

  _sh_store_run (SH_STORE (self), sh_job_store_list_active_async, list_active_func, NULL, NULL,
                 (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * sh_job_store_list_active_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShJobRecord): the active jobs; %NULL with
 *   @error set on failure
 */
GPtrArray *
sh_job_store_list_active_finish (ShJobStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_job_store_list_active_async,
                                      error);
}

static gpointer
list_changed_since_func (ShDatabase     *db,
                         GdaConnection  *cnc,
                         gpointer        data,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autofree char *after = _sh_job_store_time_to_text (MAX (*(gint64 *)data, 1));
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "SELECT " JOB_COLUMNS " FROM job "
                                   "WHERE updated_at > ##after::string "
                                   "ORDER BY updated_at, id",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "after", after);

  return _sh_job_store_select_records (db, stmt, params, error);
}

/**
 * sh_job_store_list_changed_since_async:
 * @self: a #ShJobStore
 * @updated_after: list jobs whose @updated_at is later than this (microseconds); 0 for
 *   every job
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the jobs
 * @user_data: data for @callback
 *
 * Reads the jobs changed since a time, oldest change first, with one indexed query: how
 * a program notices what other processes sharing the database did. Times come from each
 * writer's clock and a row becomes visible only when its writer commits, so a poller
 * should overlap its windows by a few seconds rather than pass the newest time it saw.
 */
void
sh_job_store_list_changed_since_async (ShJobStore          *self,
                                       gint64               updated_after,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));

  _sh_store_run (SH_STORE (self), sh_job_store_list_changed_since_async, list_changed_since_func,
                 g_memdup2 (&updated_after, sizeof updated_after), g_free,
                 (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * sh_job_store_list_changed_since_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShJobRecord): the changed jobs; %NULL with
 *   @error set on failure
 */
GPtrArray *
sh_job_store_list_changed_since_finish (ShJobStore    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result,
                                      sh_job_store_list_changed_since_async, error);
}
