/* sh-job-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore, and one job at a time: adding it (with the conflict explained when another
 * active job of its type is in the way), writing its changes, reading it.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>

#include "sh-job-store-private.h"

/**
 * ShJobStore:
 *
 * The jobs of an #ShDatabase: the `job` table, and the `job_scene_set` table that records
 * which scenes a Generate tracked and which scenes a job changed. A Generate's changes
 * are its tracked scenes once `job_applied` says so: it never writes a row per updated
 * scene (see sh_job_store_apply_generated_async()).
 *
 * Every operation runs on the database's worker thread. Bulk work on scenes is set-based
 * (`INSERT … SELECT`, `UPDATE … WHERE id IN (SELECT …)`) in one transaction, so a
 * Generate of a million scenes costs a few dozen statements and no memory per scene.
 *
 * Times are stored as ISO 8601 UTC text with six decimals
 * (`2026-01-02T03:04:05.123456Z`): exact to the microsecond, and of fixed width, so that
 * comparing the text compares the times.
 */

G_DEFINE_FINAL_TYPE (ShJobStore, sh_job_store, SH_TYPE_STORE)

static void
sh_job_store_class_init (ShJobStoreClass *klass)
{
}

static void
sh_job_store_init (ShJobStore *self)
{
}

/**
 * sh_job_store_new:
 * @db: an open #ShDatabase
 *
 * Returns: (transfer full): a store for the jobs in @db
 */
ShJobStore *
sh_job_store_new (ShDatabase *db)
{
  g_return_val_if_fail (SH_IS_DATABASE (db), NULL);

  return g_object_new (SH_TYPE_JOB_STORE, "database", db, NULL);
}

/**
 * sh_job_store_get_database:
 * @self: a #ShJobStore
 *
 * Returns: (transfer none): the database
 */
ShDatabase *
sh_job_store_get_database (ShJobStore *self)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);

  return sh_store_get_database (SH_STORE (self));
}

/* Insert ------------------------------------------------------------------------------ */

typedef struct
{
  ShJobRecord *record;    /* (owned) */
  char        *owner;     /* (owned) (nullable) the process that owns the new job */
  ShJobRecord *conflict;  /* (owned) (nullable) set by the worker */
} InsertData;

static void
insert_data_free (gpointer data)
{
  InsertData *insert = data;

  g_clear_pointer (&insert->record, sh_job_record_free);
  g_clear_pointer (&insert->conflict, sh_job_record_free);
  g_free (insert->owner);
  g_free (insert);
}

static const char *
job_type_label (const char *type)
{
  if (g_strcmp0 (type, SH_JOB_TYPE_GENERATE) == 0)
    return C_("job type", "Generate");
  if (g_strcmp0 (type, SH_JOB_TYPE_CHECK) == 0)
    return C_("job type", "Check Generated Media");
  if (g_strcmp0 (type, SH_JOB_TYPE_SYNC) == 0)
    return C_("job type", "Sync Scenes");
  if (g_strcmp0 (type, SH_JOB_TYPE_PROCESS_NEW) == 0)
    return C_("job type", "Process New Scenes");

  return type;
}

static char *
format_local_time (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static void
set_conflict_error (const ShJobRecord  *conflict,
                    GError            **error)
{
  const char *label = job_type_label (conflict->type);
  g_autofree char *since = NULL;

  if (g_strcmp0 (conflict->status, "pending") == 0)
    {
      since = format_local_time (conflict->created_at);
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT,
                   /* Translators: a job type (“Generate Metadata”), its id, a date and time */
                   _("A %s job (id %s, waiting to start since %s) is already active for "
                     "this server. Wait for it to finish, or cancel it, then try again."),
                   label, conflict->id, since);
    }
  else if (g_strcmp0 (conflict->status, "cancelling") == 0)
    {
      since = format_local_time (conflict->updated_at);
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT,
                   /* Translators: a job type (“Generate Metadata”), its id, a date and time */
                   _("A %s job (id %s, being cancelled since %s) is already active for "
                     "this server. Wait for it to stop, then try again."),
                   label, conflict->id, since);
    }
  else
    {
      since = format_local_time (conflict->started_at != 0 ? conflict->started_at
                                                           : conflict->created_at);
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT,
                   /* Translators: a job type (“Generate Metadata”), its id, a date and time */
                   _("A %s job (id %s, running since %s) is already active for this "
                     "server. Wait for it to finish, or cancel it, then try again."),
                   label, conflict->id, since);
    }
}

static ShJobRecord *
get_record (ShDatabase  *db,
            const char  *id,
            GError     **error)
{
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "SELECT " JOB_COLUMNS " FROM job WHERE id = ##id::string",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "id", id);

  return _sh_job_store_select_record (db, stmt, params, error);
}

/* After a unique violation: which row was in the way. A job of the same id is reported
 * as such; otherwise it is the active job of the same exclusive type and server. When
 * neither is found (the other job ended meanwhile), @error is left as it was. */
static void
explain_conflict (ShDatabase         *db,
                  const ShJobRecord  *record,
                  ShJobRecord       **conflict,
                  GError            **error)
{
  g_autoptr(ShJobRecord) same_id = NULL;
  g_autoptr(GError) lookup_error = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  if ((same_id = get_record (db, record->id, &lookup_error)) != NULL)
    {
      g_clear_error (error);
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT,
                   _("A job with the id %s is already in the database."), record->id);
      return;
    }

  if (lookup_error != NULL || record->server_id <= 0)
    return;

  stmt = sh_database_prepare_full (db,
                                   "SELECT " JOB_COLUMNS " FROM job "
                                   "WHERE server_id = ##server_id::gint64 "
                                   "AND type = ##type::string "
                                   "AND status IN " ACTIVE_STATUSES " "
                                   "ORDER BY created_at LIMIT 1",
                                   &params, &lookup_error);
  if (stmt == NULL)
    return;
  sh_database_set_int64 (params, "server_id", record->server_id);
  sh_database_set_string (params, "type", record->type);

  if ((*conflict = _sh_job_store_select_record (db, stmt, params, &lookup_error)) != NULL)
    {
      g_clear_error (error);
      set_conflict_error (*conflict, error);
    }
}

static gpointer
insert_func (ShDatabase     *db,
             GdaConnection  *cnc,
             gpointer        data,
             GCancellable   *cancellable,
             GError        **error)
{
  InsertData *insert = data;
  const ShJobRecord *record = insert->record;
  g_autofree char *created_at = _sh_job_store_time_to_text (record->created_at);
  g_autofree char *started_at = _sh_job_store_time_to_text (record->started_at);
  g_autofree char *completed_at = _sh_job_store_time_to_text (record->completed_at);
  g_autofree char *updated_at = _sh_job_store_time_to_text (record->updated_at);
  g_autoptr(GError) local_error = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO job (" JOB_COLUMNS ") VALUES ("
                                   "##id::string, ##type::string, ##status::string, "
                                   "CAST(##server_id::string::null AS BIGINT), "
                                   "##progress::gdouble, "
                                   "CAST(##processed_items::string::null AS BIGINT), "
                                   "CAST(##total_items::string::null AS BIGINT), "
                                   "##message::string::null, ##parameters::string::null, "
                                   "##result::string::null, ##error::string::null, "
                                   "##stash_job_id::string::null, "
                                   "##stash_job_added_at::string::null, "
                                   "##parent_job_id::string::null, ##created_at::string, "
                                   "##started_at::string::null, "
                                   "##completed_at::string::null, ##updated_at::string)",
                                   &params, error);
  if (stmt == NULL)
    return NULL;

  sh_database_set_string (params, "id", record->id);
  sh_database_set_string (params, "type", record->type);
  sh_database_set_string (params, "status", record->status);
  _sh_job_store_set_optional_int64 (params, "server_id", record->server_id, record->server_id > 0);
  sh_database_set_double (params, "progress", _sh_job_store_clamp_progress (record->progress));
  _sh_job_store_set_optional_int64 (params, "processed_items", record->processed_items,
                                    record->processed_items >= 0);
  _sh_job_store_set_optional_int64 (params, "total_items", record->total_items,
                                    record->total_items >= 0);
  sh_database_set_string (params, "message", record->message);
  sh_database_set_string (params, "parameters", record->parameters);
  sh_database_set_string (params, "result", record->result);
  sh_database_set_string (params, "error", record->error);
  sh_database_set_string (params, "stash_job_id", record->stash_job_id);
  sh_database_set_string (params, "stash_job_added_at", record->stash_job_added_at);
  sh_database_set_string (params, "parent_job_id", record->parent_job_id);
  sh_database_set_string (params, "created_at", created_at);
  sh_database_set_string (params, "started_at", started_at);
  sh_database_set_string (params, "completed_at", completed_at);
  sh_database_set_string (params, "updated_at", updated_at);

  /* With an owner, the job and its owner row appear together: no other process may see
   * the new job without a live owner and take it for one a crash left behind. */
  if (insert->owner != NULL && !sh_database_begin (db, error))
    return NULL;

  if (sh_database_execute (db, stmt, params, &local_error) < 0)
    {
      /* Rolled back (or never in a transaction), the conflicting row can be read at
       * once. */
      if (insert->owner != NULL)
        sh_database_rollback (db);
      if (g_error_matches (local_error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT))
        explain_conflict (db, record, &insert->conflict, &local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (insert->owner != NULL)
    {
      g_autofree char *sql = g_strconcat ("INSERT INTO job_owner (job_id, owner, heartbeat_at) "
                                          "VALUES (##id::string, ##owner::string, ",
                                          _sh_job_store_db_now (db), ")", NULL);

      if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
        {
          sh_database_rollback (db);
          return NULL;
        }
      sh_database_set_string (params, "id", record->id);
      sh_database_set_string (params, "owner", insert->owner);
      if (sh_database_execute (db, stmt, params, error) < 0 || !sh_database_commit (db, error))
        {
          sh_database_rollback (db);
          return NULL;
        }
    }

  return GINT_TO_POINTER (TRUE);
}

/**
 * sh_job_store_insert_async:
 * @self: a #ShJobStore
 * @record: the new job; its @created_at and @updated_at must be set (sh_job_record_new()
 *   does)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the job is stored
 * @user_data: data for @callback
 *
 * Adds a job. The database allows one active (pending, running or cancelling) job of each
 * exclusive type (`stash_generate`, `check_stash_generate`, `sync_scenes`) per server,
 * also across processes sharing it; a second one is refused with
 * %SH_STORE_ERROR_CONSTRAINT and a message naming the active job.
 *
 * The `job` table keeps progress from 0 to 100: an indeterminate progress (-1) is
 * stored, and read back, as 0.
 */
void
sh_job_store_insert_async (ShJobStore          *self,
                           const ShJobRecord   *record,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  InsertData *insert;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (record->id != NULL && record->type != NULL && record->status != NULL);
  g_return_if_fail (record->created_at > 0 && record->updated_at > 0);

  insert = g_new0 (InsertData, 1);
  insert->record = sh_job_record_copy (record);

  _sh_store_run (SH_STORE (self), sh_job_store_insert_async, insert_func, insert, insert_data_free,
                 NULL, cancellable, callback, user_data);
}

/**
 * sh_job_store_insert_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @conflict: (out) (optional) (nullable) (transfer full): when another active job of
 *   the same exclusive type and server refused the insert, that job; %NULL otherwise
 * @error: return location for a #GError: %SH_STORE_ERROR_CONSTRAINT for a second active
 *   exclusive job or a job id already used
 *
 * Returns: %TRUE when the job was added
 */
gboolean
sh_job_store_insert_finish (ShJobStore    *self,
                            GAsyncResult  *result,
                            ShJobRecord  **conflict,
                            GError       **error)
{
  InsertData *insert;

  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);
  g_return_val_if_fail (_sh_store_is_valid (SH_STORE (self), result, sh_job_store_insert_async),
                        FALSE);

  insert = _sh_store_get_data (result);
  if (conflict != NULL)
    *conflict = g_steal_pointer (&insert->conflict);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_job_store_insert_async, error);
}

/**
 * sh_job_store_insert_owned_async:
 * @self: a #ShJobStore
 * @record: the new job, as for sh_job_store_insert_async()
 * @owner: the process that creates it, which keeps its heartbeat (see
 *   sh_job_store_claim_async())
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the job is stored; finish with sh_job_store_insert_finish()
 * @user_data: data for @callback
 *
 * Adds a job as sh_job_store_insert_async() does, and in the same transaction its
 * `job_owner` row with a heartbeat of the database's now: no other process can see the
 * new job without a live owner.
 */
void
sh_job_store_insert_owned_async (ShJobStore          *self,
                                 const ShJobRecord   *record,
                                 const char          *owner,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  InsertData *insert;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (record->id != NULL && record->type != NULL && record->status != NULL);
  g_return_if_fail (record->created_at > 0 && record->updated_at > 0);
  g_return_if_fail (owner != NULL);

  /* The same tag: sh_job_store_insert_finish() ends both. */

  insert = g_new0 (InsertData, 1);
  insert->record = sh_job_record_copy (record);
  insert->owner = g_strdup (owner);

  _sh_store_run (SH_STORE (self), sh_job_store_insert_async, insert_func, insert, insert_data_free,
                 NULL, cancellable, callback, user_data);
}

/* Update ------------------------------------------------------------------------------ */

static gpointer
update_func (ShDatabase     *db,
             GdaConnection  *cnc,
             gpointer        data,
             GCancellable   *cancellable,
             GError        **error)
{
  const ShJobRecord *record = data;
  g_autofree char *started_at = _sh_job_store_time_to_text (record->started_at);
  g_autofree char *completed_at = _sh_job_store_time_to_text (record->completed_at);
  g_autofree char *updated_at = _sh_job_store_time_to_text (record->updated_at);
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  /* No `IS DISTINCT FROM` guard on the status: a change that would make a second active
   * job of an exclusive type breaks the unique index, and that error is the answer. */
  stmt = sh_database_prepare_full (db,
                                   /* A cancel asked for by another process
                                    * (sh_job_store_request_cancel_async()) stays until
                                    * the owner has seen it. */
                                   "UPDATE job SET status = CASE "
                                   "WHEN job.status = 'cancelling' "
                                   "AND ##status::string IN ('pending', 'running') "
                                   "THEN 'cancelling' ELSE ##status::string END, "
                                   "progress = ##progress::gdouble, "
                                   "processed_items = "
                                   "CAST(##processed_items::string::null AS BIGINT), "
                                   "total_items = CAST(##total_items::string::null AS BIGINT), "
                                   "message = ##message::string::null, "
                                   "result = ##result::string::null, "
                                   "error = ##error::string::null, "
                                   "stash_job_id = ##stash_job_id::string::null, "
                                   "stash_job_added_at = ##stash_job_added_at::string::null, "
                                   "started_at = ##started_at::string::null, "
                                   "completed_at = ##completed_at::string::null, "
                                   "updated_at = ##updated_at::string "
                                   "WHERE id = ##id::string",
                                   &params, error);
  if (stmt == NULL)
    return NULL;

  sh_database_set_string (params, "status", record->status);
  sh_database_set_double (params, "progress", _sh_job_store_clamp_progress (record->progress));
  _sh_job_store_set_optional_int64 (params, "processed_items", record->processed_items,
                                    record->processed_items >= 0);
  _sh_job_store_set_optional_int64 (params, "total_items", record->total_items,
                                    record->total_items >= 0);
  sh_database_set_string (params, "message", record->message);
  sh_database_set_string (params, "result", record->result);
  sh_database_set_string (params, "error", record->error);
  sh_database_set_string (params, "stash_job_id", record->stash_job_id);
  sh_database_set_string (params, "stash_job_added_at", record->stash_job_added_at);
  sh_database_set_string (params, "started_at", started_at);
  sh_database_set_string (params, "completed_at", completed_at);
  sh_database_set_string (params, "updated_at", updated_at);
  sh_database_set_string (params, "id", record->id);

  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  if (rows == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The job %s is no longer in the database. It may have been deleted by "
                     "another program."),
                   record->id);
      return NULL;
    }

  return GINT_TO_POINTER (TRUE);
}

/**
 * sh_job_store_update_async:
 * @self: a #ShJobStore
 * @record: the job, found by its id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the job is stored
 * @user_data: data for @callback
 *
 * Writes a job's changing fields: status, progress, counts, message, result, error, Stash
 * job id and `addTime`, start, end and update times. Its type, server, parameters, parent
 * and creation time never change. A status change that would make it a second active job
 * of an exclusive type fails with %SH_STORE_ERROR_CONSTRAINT; a job that is not in the
 * database with %G_IO_ERROR_NOT_FOUND. As for sh_job_store_insert_async(), an
 * indeterminate progress is stored as 0.
 */
void
sh_job_store_update_async (ShJobStore          *self,
                           const ShJobRecord   *record,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (record->id != NULL && record->status != NULL);
  g_return_if_fail (record->updated_at > 0);

  _sh_store_run_idempotent (SH_STORE (self), sh_job_store_update_async, update_func,
                            sh_job_record_copy (record), (GDestroyNotify) sh_job_record_free, NULL,
                            cancellable, callback, user_data);
}

/**
 * sh_job_store_update_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the job was written
 */
gboolean
sh_job_store_update_finish (ShJobStore    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_job_store_update_async, error);
}

/* Get --------------------------------------------------------------------------------- */

static gpointer
get_func (ShDatabase     *db,
          GdaConnection  *cnc,
          gpointer        data,
          GCancellable   *cancellable,
          GError        **error)
{
  return get_record (db, data, error);
}

/**
 * sh_job_store_get_async:
 * @self: a #ShJobStore
 * @id: a job id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the job
 * @user_data: data for @callback
 *
 * Reads one job.
 */
void
sh_job_store_get_async (ShJobStore          *self,
                        const char          *id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (id != NULL);

  _sh_store_run (SH_STORE (self), sh_job_store_get_async, get_func, g_strdup (id), g_free,
                 (GDestroyNotify) sh_job_record_free, cancellable, callback, user_data);
}

/**
 * sh_job_store_get_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the job; %NULL without @error when there is no
 *   such job, %NULL with @error set on failure
 */
ShJobRecord *
sh_job_store_get_finish (ShJobStore    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_job_store_get_async, error);
}
