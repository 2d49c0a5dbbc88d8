/* sh-job-store-owners.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's owners of running jobs: which process runs a job and its heartbeat, judged
 * by the database server's clock, so that a job whose process died can be told from a
 * live one on another machine.
 */

#include "config.h"

#include "sh-types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh-job-store-private.h"

/* Owners and heartbeats ------------------------------------------------------------- */

typedef struct
{
  char   *job_id;       /* (owned) (nullable) */
  char   *owner;        /* (owned) (nullable) */
  gint64  server_id;
  guint   stale_after;
} OwnerData;

static void
owner_data_free (gpointer data)
{
  OwnerData *owner = data;

  g_free (owner->job_id);
  g_free (owner->owner);
  g_free (owner);
}

static OwnerData *
owner_data_new (const char *job_id,
                const char *owner,
                gint64      server_id,
                guint       stale_after)
{
  OwnerData *data = g_new0 (OwnerData, 1);

  data->job_id = g_strdup (job_id);
  data->owner = g_strdup (owner);
  data->server_id = server_id;
  data->stale_after = stale_after;

  return data;
}

static gpointer
claim_func (ShDatabase     *db,
            GdaConnection  *cnc,
            gpointer        data,
            GCancellable   *cancellable,
            GError        **error)
{
  OwnerData *claim = data;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *take_sql = NULL;
  g_autofree char *insert_sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  /* Ours already, or a stale owner's: take it over, in one statement, so that of two
   * processes judging the same owner dead only one wins. */
  take_sql = g_strconcat ("UPDATE job_owner SET owner = ##owner::string, heartbeat_at = ",
                          _sh_job_store_db_now (db), " "
                          "WHERE job_id = ##id::string "
                          "AND (owner = ##same_owner::string OR heartbeat_at < ",
                          _sh_job_store_db_now (db), " - ##stale::gint64) "
                          "AND job_id IN (SELECT id FROM job WHERE status IN "
                          ACTIVE_STATUSES ")",
                          NULL);
  if (!(stmt = sh_database_prepare_full (db, take_sql, &params, error)))
    return NULL;
  sh_database_set_string (params, "owner", claim->owner);
  sh_database_set_string (params, "id", claim->job_id);
  sh_database_set_string (params, "same_owner", claim->owner);
  sh_database_set_int64 (params, "stale", claim->stale_after);
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;
  if (rows > 0)
    return GINT_TO_POINTER (TRUE);

  /* No owner at all (a job of an older version, or one whose owner released it). Two
   * processes inserting at once: the primary key lets one in. */
  insert_sql = g_strconcat ("INSERT INTO job_owner (job_id, owner, heartbeat_at) "
                            "SELECT id, ##owner::string, ", _sh_job_store_db_now (db), " FROM job "
                            "WHERE id = ##id::string AND status IN " ACTIVE_STATUSES " "
                            "AND NOT EXISTS (SELECT 1 FROM job_owner "
                            "WHERE job_id = ##owned_id::string)",
                            NULL);
  if (!(stmt = sh_database_prepare_full (db, insert_sql, &params, error)))
    return NULL;
  sh_database_set_string (params, "owner", claim->owner);
  sh_database_set_string (params, "id", claim->job_id);
  sh_database_set_string (params, "owned_id", claim->job_id);
  if ((rows = sh_database_execute (db, stmt, params, &local_error)) < 0)
    {
      if (g_error_matches (local_error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return rows > 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * sh_job_store_claim_async:
 * @self: a #ShJobStore
 * @job_id: an active job
 * @owner: the process that claims it (unique per process)
 * @stale_after: seconds after which an owner's heartbeat is stale
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Makes @owner the owner of an active job, with a heartbeat of the database's now, when
 * the job has no owner, @owner already owns it, or its owner's heartbeat is older than
 * @stale_after seconds by the database's clock. Atomic: of several processes claiming
 * the same job, one gets it.
 */
void
sh_job_store_claim_async (ShJobStore          *self,
                          const char          *job_id,
                          const char          *owner,
                          guint                stale_after,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL && owner != NULL);

  _sh_store_run (SH_STORE (self), sh_job_store_claim_async, claim_func,
                 owner_data_new (job_id, owner, 0, stale_after), owner_data_free, NULL, cancellable,
                 callback, user_data);
}

/**
 * sh_job_store_claim_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the job is now the claimer's; %FALSE without @error when a live
 *   process owns it or it is no longer active
 */
gboolean
sh_job_store_claim_finish (ShJobStore    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_job_store_claim_async, error);
}

static gpointer
heartbeat_func (ShDatabase     *db,
                GdaConnection  *cnc,
                gpointer        data,
                GCancellable   *cancellable,
                GError        **error)
{
  OwnerData *beat = data;
  g_autofree char *sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  sql = g_strconcat ("UPDATE job_owner SET heartbeat_at = ", _sh_job_store_db_now (db), " "
                     "WHERE job_id = ##id::string AND owner = ##owner::string", NULL);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  sh_database_set_string (params, "id", beat->job_id);
  sh_database_set_string (params, "owner", beat->owner);
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  return rows > 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * sh_job_store_heartbeat_async:
 * @self: a #ShJobStore
 * @job_id: a job @owner runs
 * @owner: its owner
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Sets the heartbeat of @owner's job to the database's now.
 */
void
sh_job_store_heartbeat_async (ShJobStore          *self,
                              const char          *job_id,
                              const char          *owner,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL && owner != NULL);

  _sh_store_run (SH_STORE (self), sh_job_store_heartbeat_async, heartbeat_func,
                 owner_data_new (job_id, owner, 0, 0), owner_data_free, NULL, cancellable, callback,
                 user_data);
}

/**
 * sh_job_store_heartbeat_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the heartbeat was written; %FALSE without @error when @owner no
 *   longer owns the job (another process judged it dead and took it over)
 */
gboolean
sh_job_store_heartbeat_finish (ShJobStore    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_job_store_heartbeat_async, error);
}

static gpointer
release_func (ShDatabase     *db,
              GdaConnection  *cnc,
              gpointer        data,
              GCancellable   *cancellable,
              GError        **error)
{
  OwnerData *release = data;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM job_owner "
                                   "WHERE job_id = ##id::string AND owner = ##owner::string",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "id", release->job_id);
  sh_database_set_string (params, "owner", release->owner);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

/**
 * sh_job_store_release_async:
 * @self: a #ShJobStore
 * @job_id: a job
 * @owner: its owner
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes @owner's `job_owner` row of a job that has ended; another owner's row is left.
 */
void
sh_job_store_release_async (ShJobStore          *self,
                            const char          *job_id,
                            const char          *owner,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL && owner != NULL);

  _sh_store_run_idempotent (SH_STORE (self), sh_job_store_release_async, release_func,
                            owner_data_new (job_id, owner, 0, 0), owner_data_free, NULL,
                            cancellable, callback, user_data);
}

gboolean
sh_job_store_release_finish (ShJobStore    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_job_store_release_async, error);
}

static gpointer
request_cancel_func (ShDatabase     *db,
                     GdaConnection  *cnc,
                     gpointer        data,
                     GCancellable   *cancellable,
                     GError        **error)
{
  OwnerData *request = data;
  g_autofree char *sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  sql = g_strconcat ("UPDATE job SET status = 'cancelling', message = ##message::string, "
                     "updated_at = ##updated_at::string "
                     "WHERE id = ##id::string AND status IN ('pending', 'running')", NULL);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  sh_database_set_string (params, "id", request->job_id);
  sh_database_set_string (params, "message", request->owner);
  {
    g_autofree char *now = _sh_job_store_time_to_text (g_get_real_time ());

    sh_database_set_string (params, "updated_at", now);
    if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
      return NULL;
  }

  return _sh_store_new_count (rows);
}

/**
 * sh_job_store_request_cancel_async:
 * @self: a #ShJobStore
 * @job_id: an active job that another process runs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the request is written
 * @user_data: data for @callback
 *
 * Asks the process that runs a job to cancel it: the job's status becomes `cancelling`
 * in the database. Its owner reads it on its next heartbeat and stops the job; writing
 * its row never turns the request back into `running`.
 */
void
sh_job_store_request_cancel_async (ShJobStore          *self,
                                   const char          *job_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  /* The owner field carries the message the job shows until its owner answers. */
  _sh_store_run (SH_STORE (self), sh_job_store_request_cancel_async, request_cancel_func,
                 owner_data_new (job_id, _("Cancelling…"), 0, 0), owner_data_free, g_free,
                 cancellable, callback, user_data);
}

/**
 * sh_job_store_request_cancel_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the request was written; %FALSE without @error when the job was not
 *   pending or running any more
 */
gboolean
sh_job_store_request_cancel_finish (ShJobStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  guint64 rows;

  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_count (SH_STORE (self), result, sh_job_store_request_cancel_async,
                                    &rows, error)
         && rows > 0;
}

static gpointer
list_orphaned_func (ShDatabase     *db,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  OwnerData *list = data;
  g_autofree char *sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  sql = g_strconcat ("SELECT " JOB_COLUMNS " FROM job "
                     "WHERE status IN " ACTIVE_STATUSES " ",
                     list->server_id > 0 ? "AND server_id = ##server_id::gint64 " : "",
                     "AND NOT EXISTS (SELECT 1 FROM job_owner o WHERE o.job_id = job.id "
                     "AND o.heartbeat_at >= ", _sh_job_store_db_now (db), " - ##stale::gint64) "
                     "ORDER BY created_at, id",
                     NULL);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  if (list->server_id > 0)
    sh_database_set_int64 (params, "server_id", list->server_id);
  sh_database_set_int64 (params, "stale", list->stale_after);

  return _sh_job_store_select_records (db, stmt, params, error);
}

/**
 * sh_job_store_list_orphaned_async:
 * @self: a #ShJobStore
 * @server_id: only the jobs of this server; 0 or less for all
 * @stale_after: seconds after which an owner's heartbeat is stale
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the jobs
 * @user_data: data for @callback
 *
 * Reads the active jobs that no live process owns, oldest first: those whose owner's
 * heartbeat is older than @stale_after seconds by the database's clock, or that have no
 * owner. Such a job is *orphaned* until a process re-attaches it or fails it.
 */
void
sh_job_store_list_orphaned_async (ShJobStore          *self,
                                  gint64               server_id,
                                  guint                stale_after,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));

  _sh_store_run (SH_STORE (self), sh_job_store_list_orphaned_async, list_orphaned_func,
                 owner_data_new (NULL, NULL, server_id, stale_after), owner_data_free,
                 (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * sh_job_store_list_orphaned_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShJobRecord): the orphaned jobs; %NULL with
 *   @error set on failure
 */
GPtrArray *
sh_job_store_list_orphaned_finish (ShJobStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_job_store_list_orphaned_async,
                                      error);
}
