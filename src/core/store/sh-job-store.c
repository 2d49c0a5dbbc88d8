/* sh-job-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh-database-private.h"
#include "sh-job-store.h"

/**
 * ShJobStore:
 *
 * The jobs of an #ShDatabase: the `job` table, and the `job_scene` table that records
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

struct _ShJobStore
{
  GObject     parent_instance;

  ShDatabase *db;  /* (owned) */
};

G_DEFINE_FINAL_TYPE (ShJobStore, sh_job_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATABASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define ACTIVE_STATUSES "('pending', 'running', 'cancelling')"

/* The job columns, in the order of record_from_row(). */
#define JOB_COLUMNS \
  "id, type, status, server_id, progress, processed_items, total_items, message, " \
  "parameters, result, error, stash_job_id, stash_job_added_at, parent_job_id, " \
  "created_at, started_at, completed_at, updated_at"

enum {
  COL_ID,
  COL_TYPE,
  COL_STATUS,
  COL_SERVER_ID,
  COL_PROGRESS,
  COL_PROCESSED_ITEMS,
  COL_TOTAL_ITEMS,
  COL_MESSAGE,
  COL_PARAMETERS,
  COL_RESULT,
  COL_ERROR,
  COL_STASH_JOB_ID,
  COL_STASH_JOB_ADDED_AT,
  COL_PARENT_JOB_ID,
  COL_CREATED_AT,
  COL_STARTED_AT,
  COL_COMPLETED_AT,
  COL_UPDATED_AT,
  N_JOB_COLUMNS
};

static const GType job_column_types[N_JOB_COLUMNS + 1] = {
  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_DOUBLE, G_TYPE_INT64,
  G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
  G_TYPE_NONE,
};

/* Tracked scenes per range when a Generate finishes on SQLite. What SQLite collects for
 * the IN list of an UPDATE holds one range: memory stays small whatever the number of
 * scenes, for 20 ranges (a boundary query and two statements each) per million scenes. */
#define GENERATED_CHUNK_ROWS 50000

static void
sh_job_store_dispose (GObject *object)
{
  ShJobStore *self = (ShJobStore *)object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (sh_job_store_parent_class)->dispose (object);
}

static void
sh_job_store_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ShJobStore *self = SH_JOB_STORE (object);

  switch (prop_id)
    {
    case PROP_DATABASE:
      g_value_set_object (value, self->db);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_job_store_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ShJobStore *self = SH_JOB_STORE (object);

  switch (prop_id)
    {
    case PROP_DATABASE:
      self->db = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_job_store_class_init (ShJobStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_job_store_dispose;
  object_class->get_property = sh_job_store_get_property;
  object_class->set_property = sh_job_store_set_property;

  /**
   * ShJobStore:database:
   *
   * The database holding the jobs.
   */
  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL,
                         SH_TYPE_DATABASE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
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

  return self->db;
}

/* Plumbing ---------------------------------------------------------------------------- */

/* Runs @func on the database's worker with @data, which @task owns (so that the worker
 * may leave something in it for the _finish function), and completes @task with the
 * result. */
static void
store_run (ShJobStore     *self,
           GTask          *task,
           ShDatabaseFunc  func,
           gpointer        data,
           GDestroyNotify  data_free,
           GDestroyNotify  result_free)
{
  _sh_database_run_task (self->db, task, func, data, data_free, result_free);
}

/* The same, for work that may run twice to the effect of once: after a lost connection
 * it waits for the database and runs again (see _sh_database_run_idempotent_task()). */
static void
store_run_idempotent (ShJobStore     *self,
                      GTask          *task,
                      ShDatabaseFunc  func,
                      gpointer        data,
                      GDestroyNotify  data_free,
                      GDestroyNotify  result_free)
{
  _sh_database_run_idempotent_task (self->db, task, func, data, data_free, result_free);
}

static gboolean
store_task_is_valid (ShJobStore   *self,
                     GAsyncResult *result,
                     gpointer      source_tag)
{
  return g_task_is_valid (result, self) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

static guint64
propagate_count (GAsyncResult  *result,
                 GError       **error)
{
  g_autofree guint64 *count = g_task_propagate_pointer (G_TASK (result), error);

  return count != NULL ? *count : 0;
}

static gpointer
new_count (guint64 count)
{
  return g_memdup2 (&count, sizeof count);
}

/* The database server's clock, in whole seconds since the epoch: liveness is judged with
 * one clock for every process sharing the database, never with a reader's own. */
static const char *
db_now (ShDatabase *db)
{
  /* date_part() rather than EXTRACT(EPOCH FROM …): the same value, in a form libgda's
   * parser reads. */
  return sh_database_is_postgres (db)
    ? "CAST(date_part('epoch', now()) AS BIGINT)"
    : "CAST(strftime('%s', 'now') AS INTEGER)";
}

/* Values ------------------------------------------------------------------------------ */

/* Microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`; 0 is NULL. */
static char *
time_to_text (gint64 usec)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 seconds = usec / G_USEC_PER_SEC;
  gint64 micro = usec % G_USEC_PER_SEC;

  if (usec == 0)
    return NULL;

  if (micro < 0)
    {
      micro += G_USEC_PER_SEC;
      seconds--;
    }

  if (!(dt = g_date_time_new_from_unix_utc (seconds)))
    return NULL;

  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt),
                          (int)micro);
}

/* The inverse of time_to_text(); NULL and unreadable text (the database is not trusted)
 * are 0. GLib's ISO 8601 parser goes through a double and may be off by a microsecond,
 * so our own format is read field by field. */
static gint64
time_from_text (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  int year, month, day, hour, minute, second, micro;
  int end = -1;

  if (text == NULL)
    return 0;

  if (sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2d.%6dZ%n",
              &year, &month, &day, &hour, &minute, &second, &micro, &end) == 7
      && end == 27 && text[end] == '\0' && micro >= 0
      && (dt = g_date_time_new_utc (year, month, day, hour, minute, second)) != NULL)
    return g_date_time_to_unix (dt) * G_USEC_PER_SEC + micro;

  /* Written by something else: whatever GLib understands, at its precision. */
  if ((dt = g_date_time_new_from_iso8601 (text, NULL)) != NULL)
    return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);

  g_debug ("Ignoring the unreadable time “%s” of a job", text);

  return 0;
}

/* A nullable BIGINT parameter, declared `CAST(##name::string::null AS BIGINT)`. */
static void
set_optional_int64 (GdaSet     *params,
                    const char *name,
                    gint64      value,
                    gboolean    present)
{
  if (present)
    sh_database_set_int64 (params, name, value);
  else
    sh_database_set_null (params, name);
}

/* The `job` table allows 0 to 100 only: indeterminate progress is kept as 0. */
static double
clamp_progress (double progress)
{
  if (!(progress >= 0))  /* negative or NaN */
    return 0;

  return MIN (progress, 100);
}

static ShJobRecord *
record_from_row (GdaDataModel *model,
                 int           row)
{
  ShJobRecord *record = g_new0 (ShJobRecord, 1);
  g_autofree char *created_at = sh_database_model_dup_string (model, row, COL_CREATED_AT);
  g_autofree char *started_at = sh_database_model_dup_string (model, row, COL_STARTED_AT);
  g_autofree char *completed_at = sh_database_model_dup_string (model, row, COL_COMPLETED_AT);
  g_autofree char *updated_at = sh_database_model_dup_string (model, row, COL_UPDATED_AT);

  record->id = sh_database_model_dup_string (model, row, COL_ID);
  record->type = sh_database_model_dup_string (model, row, COL_TYPE);
  record->status = sh_database_model_dup_string (model, row, COL_STATUS);
  record->server_id = sh_database_model_get_int64 (model, row, COL_SERVER_ID);
  record->progress = sh_database_model_get_double (model, row, COL_PROGRESS);
  if (sh_database_model_is_null (model, row, COL_PROCESSED_ITEMS))
    record->processed_items = -1;
  else
    record->processed_items = sh_database_model_get_int64 (model, row, COL_PROCESSED_ITEMS);
  if (sh_database_model_is_null (model, row, COL_TOTAL_ITEMS))
    record->total_items = -1;
  else
    record->total_items = sh_database_model_get_int64 (model, row, COL_TOTAL_ITEMS);
  record->message = sh_database_model_dup_string (model, row, COL_MESSAGE);
  record->parameters = sh_database_model_dup_string (model, row, COL_PARAMETERS);
  record->result = sh_database_model_dup_string (model, row, COL_RESULT);
  record->error = sh_database_model_dup_string (model, row, COL_ERROR);
  record->stash_job_id = sh_database_model_dup_string (model, row, COL_STASH_JOB_ID);
  record->stash_job_added_at = sh_database_model_dup_string (model, row, COL_STASH_JOB_ADDED_AT);
  record->parent_job_id = sh_database_model_dup_string (model, row, COL_PARENT_JOB_ID);
  record->created_at = time_from_text (created_at);
  record->started_at = time_from_text (started_at);
  record->completed_at = time_from_text (completed_at);
  record->updated_at = time_from_text (updated_at);

  return record;
}

/* Runs a query of JOB_COLUMNS. */
static GPtrArray *
select_records (ShDatabase    *db,
                GdaStatement  *stmt,
                GdaSet        *params,
                GError       **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GPtrArray) records = NULL;
  int n_rows;

  if (!(model = sh_database_select (db, stmt, params, job_column_types, error)))
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  records = g_ptr_array_new_full (MAX (n_rows, 0), (GDestroyNotify) sh_job_record_free);
  for (int row = 0; row < n_rows; row++)
    g_ptr_array_add (records, record_from_row (model, row));

  return g_steal_pointer (&records);
}

/* The first record of a query of JOB_COLUMNS; NULL without @error when there is none. */
static ShJobRecord *
select_record (ShDatabase    *db,
               GdaStatement  *stmt,
               GdaSet        *params,
               GError       **error)
{
  g_autoptr(GPtrArray) records = select_records (db, stmt, params, error);

  if (records == NULL || records->len == 0)
    return NULL;

  return g_ptr_array_steal_index (records, 0);
}

static gboolean
is_valid_role (const char *role)
{
  return g_strcmp0 (role, "tracked") == 0 || g_strcmp0 (role, "updated") == 0 ||
         g_strcmp0 (role, "failed") == 0;
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

  return select_record (db, stmt, params, error);
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

  if ((*conflict = select_record (db, stmt, params, &lookup_error)) != NULL)
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
  g_autofree char *created_at = time_to_text (record->created_at);
  g_autofree char *started_at = time_to_text (record->started_at);
  g_autofree char *completed_at = time_to_text (record->completed_at);
  g_autofree char *updated_at = time_to_text (record->updated_at);
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
  set_optional_int64 (params, "server_id", record->server_id, record->server_id > 0);
  sh_database_set_double (params, "progress", clamp_progress (record->progress));
  set_optional_int64 (params, "processed_items", record->processed_items,
                      record->processed_items >= 0);
  set_optional_int64 (params, "total_items", record->total_items, record->total_items >= 0);
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
                                          db_now (db), ")", NULL);

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
  g_autoptr(GTask) task = NULL;
  InsertData *insert;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (record->id != NULL && record->type != NULL && record->status != NULL);
  g_return_if_fail (record->created_at > 0 && record->updated_at > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_insert_async);

  insert = g_new0 (InsertData, 1);
  insert->record = sh_job_record_copy (record);

  store_run (self, task, insert_func, insert, insert_data_free, NULL);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_insert_async), FALSE);

  insert = _sh_database_task_get_data (G_TASK (result));
  if (conflict != NULL)
    *conflict = g_steal_pointer (&insert->conflict);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
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
  g_autoptr(GTask) task = NULL;
  InsertData *insert;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (record->id != NULL && record->type != NULL && record->status != NULL);
  g_return_if_fail (record->created_at > 0 && record->updated_at > 0);
  g_return_if_fail (owner != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  /* The same tag: sh_job_store_insert_finish() ends both. */
  g_task_set_source_tag (task, sh_job_store_insert_async);

  insert = g_new0 (InsertData, 1);
  insert->record = sh_job_record_copy (record);
  insert->owner = g_strdup (owner);

  store_run (self, task, insert_func, insert, insert_data_free, NULL);
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
  g_autofree char *started_at = time_to_text (record->started_at);
  g_autofree char *completed_at = time_to_text (record->completed_at);
  g_autofree char *updated_at = time_to_text (record->updated_at);
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
  sh_database_set_double (params, "progress", clamp_progress (record->progress));
  set_optional_int64 (params, "processed_items", record->processed_items,
                      record->processed_items >= 0);
  set_optional_int64 (params, "total_items", record->total_items, record->total_items >= 0);
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (record->id != NULL && record->status != NULL);
  g_return_if_fail (record->updated_at > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_update_async);

  store_run_idempotent (self, task, update_func, sh_job_record_copy (record),
             (GDestroyNotify) sh_job_record_free, NULL);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_update_async), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_get_async);

  store_run (self, task, get_func, g_strdup (id), g_free, (GDestroyNotify) sh_job_record_free);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_get_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

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
      before = time_to_text (list->before_created_at);
      sh_database_set_string (params, "before", before);
    }
  if (list->limit > 0)
    sh_database_set_int64 (params, "limit", list->limit);

  return select_records (db, stmt, params, error);
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
  g_autoptr(GTask) task = NULL;
  ListData *list;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_list_async);

  list = g_new0 (ListData, 1);
  list->server_id = server_id;
  list->status = g_strdup (status);
  list->type = g_strdup (type);
  list->before_created_at = before_created_at;
  list->limit = limit;

  store_run (self, task, list_func, list, list_data_free, (GDestroyNotify) g_ptr_array_unref);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_list_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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

  return select_records (db, stmt, NULL, error);
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_list_active_async);

  store_run (self, task, list_active_func, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_list_active_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
list_changed_since_func (ShDatabase     *db,
                         GdaConnection  *cnc,
                         gpointer        data,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autofree char *after = time_to_text (MAX (*(gint64 *)data, 1));
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

  return select_records (db, stmt, params, error);
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_list_changed_since_async);

  store_run (self, task, list_changed_since_func,
             g_memdup2 (&updated_after, sizeof updated_after), g_free,
             (GDestroyNotify) g_ptr_array_unref);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_list_changed_since_async),
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Generate ---------------------------------------------------------------------------- */

typedef struct
{
  char     *job_id;      /* (owned) */
  gint64    server_id;
  gboolean  targeted;    /* only @ids, rather than every scene of the server */
  gint64   *ids;         /* (owned) (nullable) */
  guint     n_ids;
  gint64   *complete;    /* (owned) (nullable) */
  guint     n_complete;
} ScenesData;

static void
scenes_data_free (gpointer data)
{
  ScenesData *scenes = data;

  g_free (scenes->job_id);
  g_free (scenes->ids);
  g_free (scenes->complete);
  g_free (scenes);
}

static ScenesData *
scenes_data_new (const char *job_id,
                 gint64      server_id)
{
  ScenesData *scenes = g_new0 (ScenesData, 1);

  scenes->job_id = g_strdup (job_id);
  scenes->server_id = server_id;

  return scenes;
}

/* Whether any scene of the server is failing now. */
static gboolean
has_failing (ShDatabase  *db,
             gint64       server_id,
             gboolean    *failing,
             GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "SELECT COUNT(*) FROM scene_failure "
                                   "WHERE server_id = ##server_id::gint64 "
                                   "AND failed_generates >= ##threshold::gint64",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "server_id", server_id);
  sh_database_set_int64 (params, "threshold", sh_database_get_failing_threshold (db));
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return FALSE;

  *failing = sh_database_model_get_int64 (model, 0, 0) > 0;

  return TRUE;
}

static gpointer
snapshot_tracked_func (ShDatabase     *db,
                       GdaConnection  *cnc,
                       gpointer        data,
                       GCancellable   *cancellable,
                       GError        **error)
{
  ScenesData *scenes = data;
  GdaStatement *stmt;
  GdaSet *params;
  gboolean failing = FALSE;
  gint64 rows;

  if (!sh_database_begin (db, error))
    return NULL;

  /* Taking the snapshot again replaces it. */
  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM job_scene WHERE job_id = ##job_id::string "
                                   "AND role = 'tracked'",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", scenes->job_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  if (scenes->targeted && scenes->n_ids == 0)
    return sh_database_commit (db, error) ? new_count (0) : NULL;

  if (scenes->targeted
      && !_sh_database_stage_ids (db, scenes->ids, scenes->n_ids, cancellable, error))
    return NULL;

  /* One statement, however many scenes: SQLite streams the rows from the narrow
   * scene_state into job_scene. The CAST gives PostgreSQL the type of a parameter in a
   * select list. */
  /* A whole-library Generate leaves the failing scenes out (one broken file must not fail
   * everybody's all-or-nothing outcome); a targeted one takes them. Most libraries have
   * none, and then the plain statement keeps the snapshot a single scan. */
  if (!scenes->targeted && !has_failing (db, scenes->server_id, &failing, error))
    return NULL;

  stmt = sh_database_prepare_full (db,
                                   scenes->targeted
                                   ? "INSERT INTO job_scene (job_id, scene_id, role) "
                                     "SELECT CAST(##job_id::string AS TEXT), scene_id, 'tracked' "
                                     "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                     "AND generated = FALSE "
                                     "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ")"
                                   : failing
                                   ? "INSERT INTO job_scene (job_id, scene_id, role) "
                                     "SELECT CAST(##job_id::string AS TEXT), scene_id, 'tracked' "
                                     "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                     "AND generated = FALSE "
                                     "AND NOT EXISTS (SELECT 1 FROM scene_failure f "
                                     "  WHERE f.server_id = ##server_id::gint64 "
                                     "  AND f.scene_id = scene_state.scene_id "
                                     "  AND f.failed_generates >= ##threshold::gint64)"
                                   : "INSERT INTO job_scene (job_id, scene_id, role) "
                                     "SELECT CAST(##job_id::string AS TEXT), scene_id, 'tracked' "
                                     "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                     "AND generated = FALSE",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", scenes->job_id);
  sh_database_set_int64 (params, "server_id", scenes->server_id);
  if (failing && !scenes->targeted)
    sh_database_set_int64 (params, "threshold", sh_database_get_failing_threshold (db));
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  if (scenes->targeted && !_sh_database_release_ids (db, error))
    return NULL;

  if (!sh_database_commit (db, error))
    return NULL;

  return new_count (rows);
}

/**
 * sh_job_store_snapshot_tracked_async:
 * @self: a #ShJobStore
 * @job_id: the Generate job, which must be in the database
 * @server_id: the server's row id
 * @ids: (array length=n_ids) (nullable): the scenes the user targeted, or %NULL for every
 *   scene of the server; ids of other servers and unknown ids are ignored
 * @n_ids: the number of @ids
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the number of scenes tracked
 * @user_data: data for @callback
 *
 * Takes a Generate's snapshot, in one transaction: records as `tracked` every scene of
 * the target set whose generated flag is false. Taking it again replaces it.
 */
void
sh_job_store_snapshot_tracked_async (ShJobStore          *self,
                                     const char          *job_id,
                                     gint64               server_id,
                                     const gint64        *ids,
                                     guint                n_ids,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScenesData *scenes;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (ids != NULL || n_ids == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_snapshot_tracked_async);

  scenes = scenes_data_new (job_id, server_id);
  scenes->targeted = ids != NULL;
  scenes->ids = g_memdup2 (ids, sizeof *ids * n_ids);
  scenes->n_ids = n_ids;

  store_run (self, task, snapshot_tracked_func, scenes, scenes_data_free, g_free);
}

/**
 * sh_job_store_snapshot_tracked_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: how many scenes are tracked; 0 with @error set on failure
 */
guint64
sh_job_store_snapshot_tracked_finish (ShJobStore    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), 0);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_snapshot_tracked_async), 0);

  return propagate_count (result, error);
}

/* The scene id that ends the range of GENERATED_CHUNK_ROWS tracked scenes after @after;
 * FALSE in *@found when fewer remain. */
static gboolean
next_tracked_boundary (ShDatabase  *db,
                       const char  *job_id,
                       gint64       after,
                       gboolean    *found,
                       gint64      *boundary,
                       GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  /* OFFSET walks the primary key index (job_id, role, scene_id): the whole loop reads
   * it once. */
  stmt = sh_database_prepare_full (db,
                                   "SELECT scene_id FROM job_scene "
                                   "WHERE job_id = ##job_id::string AND role = 'tracked' "
                                   "AND scene_id > ##after::gint64 "
                                   "ORDER BY scene_id LIMIT 1 OFFSET ##offset::gint64",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_string (params, "job_id", job_id);
  sh_database_set_int64 (params, "after", after);
  sh_database_set_int64 (params, "offset", GENERATED_CHUNK_ROWS - 1);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return FALSE;

  *found = gda_data_model_get_n_rows (model) > 0;
  *boundary = *found ? sh_database_model_get_int64 (model, 0, 0) : G_MAXINT64;

  return TRUE;
}

/* Inside a transaction: the tracked scenes of @scenes's job get the flag and the job is
 * marked applied; *@updated is how many flags changed. */
static gboolean
apply_tracked (ShDatabase    *db,
               ScenesData    *scenes,
               GCancellable  *cancellable,
               guint64       *updated_out,
               GError       **error)
{
  g_autofree char *now = NULL;
  GdaStatement *drop_stmt;
  GdaStatement *update_stmt;
  GdaStatement *stmt;
  GdaSet *drop_params;
  GdaSet *update_params;
  GdaSet *params;
  guint64 updated = 0;
  gboolean more = TRUE;
  gint64 after = G_MININT64;

  /* The tracked scenes become the updated ones: those that are no longer not generated
   * (marked meanwhile, or deleted) leave the snapshot, the others get the flag, and the
   * job_applied row says that the snapshot now lists what the job changed. No `updated`
   * row is written: a million of them cost more than the whole rest (1.3 s of SQLite
   * for 1,000,000 scenes). */
  drop_stmt = sh_database_prepare_full (db,
                                        "DELETE FROM job_scene "
                                        "WHERE job_id = ##job_id::string AND role = 'tracked' "
                                        "AND scene_id > ##after::gint64 "
                                        "AND scene_id <= ##last::gint64 "
                                        "AND NOT EXISTS (SELECT 1 FROM scene_state st "
                                        "  WHERE st.server_id = ##server_id::gint64 "
                                        "  AND st.scene_id = job_scene.scene_id "
                                        "  AND st.generated = FALSE)",
                                        &drop_params, error);
  if (drop_stmt == NULL)
    return FALSE;

  update_stmt = sh_database_prepare_full (db,
                                          "UPDATE scene_state SET generated = TRUE "
                                          "WHERE server_id = ##server_id::gint64 "
                                          "AND generated = FALSE "
                                          "AND scene_id > ##after::gint64 "
                                          "AND scene_id <= ##last::gint64 "
                                          "AND scene_id IN (SELECT scene_id FROM job_scene "
                                          "  WHERE job_id = ##job_id::string "
                                          "  AND role = 'tracked' "
                                          "  AND scene_id > ##after::gint64 "
                                          "  AND scene_id <= ##last::gint64)",
                                          &update_params, error);
  if (update_stmt == NULL)
    return FALSE;

  /* On SQLite, range by range of tracked scene ids, so that what SQLite keeps for the
   * IN list of an UPDATE holds at most GENERATED_CHUNK_ROWS scenes; all in the one
   * transaction. */
  while (more)
    {
      gint64 last;
      gint64 rows;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      /* PostgreSQL keeps no per-row state in memory for these statements (its hash
       * tables spill to disk), so it takes all the scenes in one range. */
      if (sh_database_is_postgres (db))
        {
          more = FALSE;
          last = G_MAXINT64;
        }
      else if (!next_tracked_boundary (db, scenes->job_id, after, &more, &last, error))
        return FALSE;

      sh_database_set_string (drop_params, "job_id", scenes->job_id);
      sh_database_set_int64 (drop_params, "after", after);
      sh_database_set_int64 (drop_params, "last", last);
      sh_database_set_int64 (drop_params, "server_id", scenes->server_id);
      if (sh_database_execute (db, drop_stmt, drop_params, error) < 0)
        return FALSE;

      sh_database_set_string (update_params, "job_id", scenes->job_id);
      sh_database_set_int64 (update_params, "after", after);
      sh_database_set_int64 (update_params, "last", last);
      sh_database_set_int64 (update_params, "server_id", scenes->server_id);
      if ((rows = sh_database_execute (db, update_stmt, update_params, error)) < 0)
        return FALSE;

      updated += rows;
      after = last;
    }

  now = time_to_text (g_get_real_time ());
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO job_applied (job_id, scenes_updated, applied_at) "
                                   "VALUES (##job_id::string, ##count::gint64, ##now::string)",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_string (params, "job_id", scenes->job_id);
  sh_database_set_int64 (params, "count", (gint64) updated);
  sh_database_set_string (params, "now", now);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return FALSE;

  *updated_out = updated;

  return TRUE;
}

static gpointer
apply_generated_func (ShDatabase     *db,
                      GdaConnection  *cnc,
                      gpointer        data,
                      GCancellable   *cancellable,
                      GError        **error)
{
  ScenesData *scenes = data;
  gboolean applied = FALSE;
  guint64 updated = 0;

  if (!sh_database_begin (db, error))
    return NULL;

  /* Finishing twice changes nothing the second time and reports the same count. */
  if (!_sh_database_read_applied (db, scenes->job_id, &applied, &updated, error))
    return NULL;
  if (!applied && !apply_tracked (db, scenes, cancellable, &updated, error))
    return NULL;

  return sh_database_commit (db, error) ? new_count (updated) : NULL;
}

/**
 * sh_job_store_apply_generated_async:
 * @self: a #ShJobStore
 * @job_id: the Generate job whose snapshot to apply
 * @server_id: the server's row id
 * @cancellable: (nullable): a #GCancellable; the change is all or nothing
 * @callback: called with the number of scenes updated
 * @user_data: data for @callback
 *
 * Finishes a Generate that Stash reported `FINISHED`, in one transaction: the tracked
 * scenes whose generated flag is still false get the flag, the others leave the snapshot,
 * which from then on lists exactly the scenes the job updated (its `updated` scenes, for
 * sh_job_store_list_job_scenes_async() and the scene lists). Scenes added to the mirror
 * after the snapshot are not touched. Applying again changes nothing and reports the
 * count of the first time.
 */
void
sh_job_store_apply_generated_async (ShJobStore          *self,
                                    const char          *job_id,
                                    gint64               server_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_apply_generated_async);

  store_run_idempotent (self, task, apply_generated_func, scenes_data_new (job_id, server_id),
             scenes_data_free, g_free);
}

/**
 * sh_job_store_apply_generated_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: how many scenes went from not generated to generated; 0 with @error set on
 *   failure
 */
guint64
sh_job_store_apply_generated_finish (ShJobStore    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), 0);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_apply_generated_async), 0);

  return propagate_count (result, error);
}

/* Check ------------------------------------------------------------------------------- */

static int
compare_ids (const void *a,
             const void *b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

/* Sorts @ids and drops repeated ones; returns the new length. */
static guint
sort_unique (gint64 *ids,
             guint   n_ids)
{
  guint n = 0;

  if (n_ids == 0)
    return 0;

  qsort (ids, n_ids, sizeof *ids, compare_ids);
  for (guint i = 1; i < n_ids; i++)
    {
      if (ids[i] != ids[n])
        ids[++n] = ids[i];
    }

  return n + 1;
}

/* Drops from the sorted @ids those in the sorted @other; returns the new length. */
static guint
remove_sorted (gint64       *ids,
               guint         n_ids,
               const gint64 *other,
               guint         n_other)
{
  guint n = 0;
  guint j = 0;

  for (guint i = 0; i < n_ids; i++)
    {
      while (j < n_other && other[j] < ids[i])
        j++;
      if (j < n_other && other[j] == ids[i])
        continue;
      ids[n++] = ids[i];
    }

  return n;
}

/* Sets the generated flag of the staged scenes to @generated, recording those that
 * change as `updated`. Returns the number changed, or -1. */
static gint64
apply_flag (ShDatabase  *db,
            ScenesData  *scenes,
            gboolean     generated,
            GError     **error)
{
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO job_scene (job_id, scene_id, role) "
                                   "SELECT CAST(##job_id::string AS TEXT), scene_id, 'updated' "
                                   "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                   "AND generated = ##previous::boolean "
                                   "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ") "
                                   "ON CONFLICT DO NOTHING",
                                   &params, error);
  if (stmt == NULL)
    return -1;
  sh_database_set_string (params, "job_id", scenes->job_id);
  sh_database_set_int64 (params, "server_id", scenes->server_id);
  sh_database_set_boolean (params, "previous", !generated);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return -1;

  stmt = sh_database_prepare_full (db,
                                   "UPDATE scene_state SET generated = ##generated::boolean "
                                   "WHERE server_id = ##server_id::gint64 "
                                   "AND generated = ##previous::boolean "
                                   "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ")",
                                   &params, error);
  if (stmt == NULL)
    return -1;
  sh_database_set_boolean (params, "generated", generated);
  sh_database_set_int64 (params, "server_id", scenes->server_id);
  sh_database_set_boolean (params, "previous", !generated);

  return sh_database_execute (db, stmt, params, error);
}

static gpointer
apply_check_func (ShDatabase     *db,
                  GdaConnection  *cnc,
                  gpointer        data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  ScenesData *scenes = data;
  guint64 changed = 0;
  gint64 rows;

  /* Disjoint sets, so that each scene changes at most once; a scene reported both ways
   * counts as incomplete, the safe answer. */
  scenes->n_ids = sort_unique (scenes->ids, scenes->n_ids);
  scenes->n_complete = sort_unique (scenes->complete, scenes->n_complete);
  scenes->n_complete = remove_sorted (scenes->complete, scenes->n_complete,
                                      scenes->ids, scenes->n_ids);

  if (!sh_database_begin (db, error))
    return NULL;

  if (scenes->n_complete > 0)
    {
      if (!_sh_database_stage_ids (db, scenes->complete, scenes->n_complete, cancellable,
                                   error))
        return NULL;
      if ((rows = apply_flag (db, scenes, TRUE, error)) < 0)
        return NULL;
      changed += rows;
    }

  if (scenes->n_ids > 0)
    {
      if (!_sh_database_stage_ids (db, scenes->ids, scenes->n_ids, cancellable, error))
        return NULL;
      if ((rows = apply_flag (db, scenes, FALSE, error)) < 0)
        return NULL;
      changed += rows;
    }

  if (!_sh_database_release_ids (db, error))
    return NULL;

  if (!sh_database_commit (db, error))
    return NULL;

  return new_count (changed);
}

/**
 * sh_job_store_apply_check_async:
 * @self: a #ShJobStore
 * @job_id: the Check job, which must be in the database
 * @server_id: the server's row id
 * @incomplete: (array length=n_incomplete) (nullable): scenes with generated media missing
 * @n_incomplete: the number of @incomplete
 * @complete: (array length=n_complete) (nullable): scenes whose generated media is complete
 * @n_complete: the number of @complete
 * @cancellable: (nullable): a #GCancellable; the change is all or nothing
 * @callback: called with the number of scenes changed
 * @user_data: data for @callback
 *
 * Finishes a Check, in one transaction: the generated flag becomes false for @incomplete
 * and true for @complete scenes of the server, and the scenes whose flag changed are
 * recorded as `updated`. Ids of other servers and unknown ids are ignored; an id in both
 * lists counts as incomplete. Any number of ids costs a few statements per 500.
 */
void
sh_job_store_apply_check_async (ShJobStore          *self,
                                const char          *job_id,
                                gint64               server_id,
                                const gint64        *incomplete,
                                guint                n_incomplete,
                                const gint64        *complete,
                                guint                n_complete,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScenesData *scenes;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (incomplete != NULL || n_incomplete == 0);
  g_return_if_fail (complete != NULL || n_complete == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_apply_check_async);

  if (n_incomplete == 0 && n_complete == 0)
    {
      g_task_return_pointer (task, new_count (0), g_free);
      return;
    }

  /* Copied: the caller's arrays may change while the worker runs, and are sorted there. */
  scenes = scenes_data_new (job_id, server_id);
  scenes->ids = g_memdup2 (incomplete, sizeof *incomplete * n_incomplete);
  scenes->n_ids = n_incomplete;
  scenes->complete = g_memdup2 (complete, sizeof *complete * n_complete);
  scenes->n_complete = n_complete;

  store_run (self, task, apply_check_func, scenes, scenes_data_free, g_free);
}

/**
 * sh_job_store_apply_check_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: how many scenes' generated flag changed; 0 with @error set on failure
 */
guint64
sh_job_store_apply_check_finish (ShJobStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), 0);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_apply_check_async), 0);

  return propagate_count (result, error);
}

/* Job scenes -------------------------------------------------------------------------- */

typedef struct
{
  char   *job_id;    /* (owned) */
  char   *role;      /* (owned) */
  gint64  after_id;
  guint   limit;
} JobScenesData;

static void
job_scenes_data_free (gpointer data)
{
  JobScenesData *job_scenes = data;

  g_free (job_scenes->job_id);
  g_free (job_scenes->role);
  g_free (job_scenes);
}

static JobScenesData *
job_scenes_data_new (const char *job_id,
                     const char *role)
{
  JobScenesData *job_scenes = g_new0 (JobScenesData, 1);

  job_scenes->job_id = g_strdup (job_id);
  job_scenes->role = g_strdup (role);

  return job_scenes;
}

static gpointer
list_job_scenes_func (ShDatabase     *db,
                      GdaConnection  *cnc,
                      gpointer        data,
                      GCancellable   *cancellable,
                      GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  JobScenesData *job_scenes = data;
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GArray) ids = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  int n_rows;
  const char *role = job_scenes->role;

  if (g_str_equal (role, "updated")
      && !(role = _sh_database_get_updated_role (db, job_scenes->job_id, error)))
    return NULL;

  /* The failed scenes of a Generate have a table of their own (with what they lack). */
  if (g_str_equal (role, "failed"))
    stmt = sh_database_prepare_full (db,
                                     job_scenes->limit > 0
                                     ? "SELECT scene_id FROM job_scene_failure "
                                       "WHERE job_id = ##job_id::string "
                                       "AND ##role::string = 'failed' "
                                       "AND scene_id > ##after_id::gint64 "
                                       "ORDER BY scene_id LIMIT ##limit::gint64"
                                     : "SELECT scene_id FROM job_scene_failure "
                                       "WHERE job_id = ##job_id::string "
                                       "AND ##role::string = 'failed' "
                                       "AND scene_id > ##after_id::gint64 "
                                       "ORDER BY scene_id",
                                     &params, error);
  /* The primary key (job_id, role, scene_id) serves the page straight from the index. */
  else
    stmt = sh_database_prepare_full (db,
                                   job_scenes->limit > 0
                                   ? "SELECT scene_id FROM job_scene "
                                     "WHERE job_id = ##job_id::string AND role = ##role::string "
                                     "AND scene_id > ##after_id::gint64 "
                                     "ORDER BY scene_id LIMIT ##limit::gint64"
                                   : "SELECT scene_id FROM job_scene "
                                     "WHERE job_id = ##job_id::string AND role = ##role::string "
                                     "AND scene_id > ##after_id::gint64 "
                                     "ORDER BY scene_id",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", job_scenes->job_id);
  sh_database_set_string (params, "role", role);
  sh_database_set_int64 (params, "after_id", job_scenes->after_id);
  if (job_scenes->limit > 0)
    sh_database_set_int64 (params, "limit", job_scenes->limit);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), MAX (n_rows, 0));
  for (int row = 0; row < n_rows; row++)
    {
      gint64 id = sh_database_model_get_int64 (model, row, 0);

      g_array_append_val (ids, id);
    }

  return g_steal_pointer (&ids);
}

/**
 * sh_job_store_list_job_scenes_async:
 * @self: a #ShJobStore
 * @job_id: a job id
 * @role: `tracked` (a Generate's snapshot; once applied, the scenes it updated) or
 *   `updated` (scenes whose generated flag the job changed)
 * @after_id: list scene ids greater than this (0 for the first page)
 * @limit: at most this many ids; 0 for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the ids
 * @user_data: data for @callback
 *
 * Reads one page of the scenes a job tracked or changed, by ascending id: what "View
 * Impacted Scenes" shows. Scenes deleted from the mirror since are still listed.
 */
void
sh_job_store_list_job_scenes_async (ShJobStore          *self,
                                    const char          *job_id,
                                    const char          *role,
                                    gint64               after_id,
                                    guint                limit,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JobScenesData *job_scenes;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (is_valid_role (role));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_list_job_scenes_async);

  job_scenes = job_scenes_data_new (job_id, role);
  job_scenes->after_id = after_id;
  job_scenes->limit = limit;

  store_run (self, task, list_job_scenes_func, job_scenes, job_scenes_data_free,
             (GDestroyNotify) g_array_unref);
}

/**
 * sh_job_store_list_job_scenes_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the scene ids, ascending; %NULL with
 *   @error set on failure
 */
GArray *
sh_job_store_list_job_scenes_finish (ShJobStore    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_list_job_scenes_async),
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
count_job_scenes_func (ShDatabase     *db,
                       GdaConnection  *cnc,
                       gpointer        data,
                       GCancellable   *cancellable,
                       GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  JobScenesData *job_scenes = data;
  g_autoptr(GdaDataModel) model = NULL;
  const char *role = job_scenes->role;
  GdaStatement *stmt;
  GdaSet *params;

  if (g_str_equal (role, "updated")
      && !(role = _sh_database_get_updated_role (db, job_scenes->job_id, error)))
    return NULL;

  stmt = sh_database_prepare_full (db,
                                   g_str_equal (role, "failed")
                                   ? "SELECT COUNT(*) FROM job_scene_failure "
                                     "WHERE job_id = ##job_id::string "
                                     "AND ##role::string = 'failed'"
                                   : "SELECT COUNT(*) FROM job_scene "
                                     "WHERE job_id = ##job_id::string AND role = ##role::string",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", job_scenes->job_id);
  sh_database_set_string (params, "role", role);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  return new_count (sh_database_model_get_int64 (model, 0, 0));
}

/**
 * sh_job_store_count_job_scenes_async:
 * @self: a #ShJobStore
 * @job_id: a job id
 * @role: `tracked` or `updated`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the count
 * @user_data: data for @callback
 *
 * Counts the scenes a job tracked or changed.
 */
void
sh_job_store_count_job_scenes_async (ShJobStore          *self,
                                     const char          *job_id,
                                     const char          *role,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (is_valid_role (role));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_count_job_scenes_async);

  store_run (self, task, count_job_scenes_func, job_scenes_data_new (job_id, role),
             job_scenes_data_free, g_free);
}

/**
 * sh_job_store_count_job_scenes_finish:
 * @self: a #ShJobStore
 * @result: the #GAsyncResult
 * @count: (out) (optional): the number of scenes
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
sh_job_store_count_job_scenes_finish (ShJobStore    *self,
                                      GAsyncResult  *result,
                                      guint64       *count,
                                      GError       **error)
{
  g_autofree guint64 *value = NULL;

  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_count_job_scenes_async),
                        FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (count != NULL)
    *count = value != NULL ? *value : 0;

  return value != NULL;
}

/* Verified outcomes ------------------------------------------------------------------- */

/**
 * sh_scene_failure_new:
 * @scene_id: a scene
 * @missing: the media kinds it lacks, space-separated names
 * @errors: (nullable): the lines of Stash's log about it, one per line
 *
 * Returns: (transfer full): what a Generate's verification found about one scene
 */
ShSceneFailure *
sh_scene_failure_new (gint64      scene_id,
                      const char *missing,
                      const char *errors)
{
  ShSceneFailure *failure = g_new0 (ShSceneFailure, 1);

  failure->scene_id = scene_id;
  failure->missing = g_strdup (missing);
  failure->errors = g_strdup (errors);

  return failure;
}

void
sh_scene_failure_free (ShSceneFailure *failure)
{
  if (failure == NULL)
    return;

  g_free (failure->missing);
  g_free (failure->errors);
  g_free (failure);
}

typedef struct
{
  char      *job_id;    /* (owned) */
  GPtrArray *failures;  /* (owned) ShSceneFailure */
  gint64     after_id;
  guint      limit;
} FailuresData;

static void
failures_data_free (gpointer data)
{
  FailuresData *failures = data;

  g_free (failures->job_id);
  g_clear_pointer (&failures->failures, g_ptr_array_unref);
  g_free (failures);
}

static gpointer
add_failures_func (ShDatabase     *db,
                   GdaConnection  *cnc,
                   gpointer        data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  FailuresData *failures = data;
  GdaStatement *stmt;
  GdaSet *params;

  /* Verifying again (after a re-attach) replaces what was found before. */
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO job_scene_failure (job_id, scene_id, missing, errors) "
                                   "VALUES (##job_id::string, ##scene_id::gint64, "
                                   "##missing::string, ##errors::string::null) "
                                   "ON CONFLICT (job_id, scene_id) DO UPDATE SET "
                                   "missing = excluded.missing, errors = excluded.errors",
                                   &params, error);
  if (stmt == NULL)
    return NULL;

  if (!sh_database_begin (db, error))
    return NULL;

  for (guint i = 0; i < failures->failures->len; i++)
    {
      const ShSceneFailure *failure = g_ptr_array_index (failures->failures, i);

      sh_database_set_string (params, "job_id", failures->job_id);
      sh_database_set_int64 (params, "scene_id", failure->scene_id);
      sh_database_set_string (params, "missing", failure->missing ? failure->missing : "");
      if (failure->errors != NULL)
        sh_database_set_string (params, "errors", failure->errors);
      else
        sh_database_set_null (params, "errors");
      if (sh_database_execute (db, stmt, params, error) < 0)
        return NULL;
    }

  return sh_database_commit (db, error) ? new_count (failures->failures->len) : NULL;
}

/**
 * sh_job_store_add_failures_async:
 * @self: a #ShJobStore
 * @job_id: the Generate job
 * @failures: (element-type ShSceneFailure): what its verification found; not kept
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when written
 * @user_data: data for @callback
 *
 * Records, in one transaction, tracked scenes that still lack media after the Generate:
 * the job's `failed` scenes (see sh_job_store_list_job_scenes_async()). A scene recorded
 * again is replaced.
 */
void
sh_job_store_add_failures_async (ShJobStore          *self,
                                 const char          *job_id,
                                 GPtrArray           *failures,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FailuresData *data;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (failures != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_add_failures_async);

  data = g_new0 (FailuresData, 1);
  data->job_id = g_strdup (job_id);
  data->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_failure_free);
  for (guint i = 0; i < failures->len; i++)
    {
      const ShSceneFailure *failure = g_ptr_array_index (failures, i);

      g_ptr_array_add (data->failures, sh_scene_failure_new (failure->scene_id, failure->missing,
                                                             failure->errors));
    }

  store_run (self, task, add_failures_func, data, failures_data_free, g_free);
}

gboolean
sh_job_store_add_failures_finish (ShJobStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autofree guint64 *count = NULL;

  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_add_failures_async), FALSE);

  count = g_task_propagate_pointer (G_TASK (result), error);

  return count != NULL;
}

static gpointer
list_failures_func (ShDatabase     *db,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_NONE };
  FailuresData *failures = data;
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  int n_rows;

  stmt = sh_database_prepare_full (db,
                                   "SELECT scene_id, missing, errors FROM job_scene_failure "
                                   "WHERE job_id = ##job_id::string "
                                   "AND scene_id > ##after_id::gint64 "
                                   "ORDER BY scene_id LIMIT ##limit::gint64",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", failures->job_id);
  sh_database_set_int64 (params, "after_id", failures->after_id);
  sh_database_set_int64 (params, "limit", failures->limit > 0 ? failures->limit : G_MAXINT32);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  list = g_ptr_array_new_full (MAX (n_rows, 0), (GDestroyNotify) sh_scene_failure_free);
  for (int row = 0; row < n_rows; row++)
    {
      ShSceneFailure *failure = g_new0 (ShSceneFailure, 1);

      failure->scene_id = sh_database_model_get_int64 (model, row, 0);
      failure->missing = sh_database_model_dup_string (model, row, 1);
      failure->errors = sh_database_model_dup_string (model, row, 2);
      g_ptr_array_add (list, failure);
    }

  return g_steal_pointer (&list);
}

/**
 * sh_job_store_list_failures_async:
 * @self: a #ShJobStore
 * @job_id: a Generate job
 * @after_id: list scene ids greater than this (0 for the first page)
 * @limit: at most this many; 0 for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the failures
 * @user_data: data for @callback
 *
 * Reads one page of a Generate's failed scenes, by ascending id, with what each lacks and
 * the lines of Stash's log about it.
 */
void
sh_job_store_list_failures_async (ShJobStore          *self,
                                  const char          *job_id,
                                  gint64               after_id,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FailuresData *data;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_list_failures_async);

  data = g_new0 (FailuresData, 1);
  data->job_id = g_strdup (job_id);
  data->after_id = after_id;
  data->limit = limit;

  store_run (self, task, list_failures_func, data, failures_data_free,
             (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sh_job_store_list_failures_finish:
 *
 * Returns: (transfer full) (element-type ShSceneFailure): the failures; %NULL with
 *   @error set on failure
 */
GPtrArray *
sh_job_store_list_failures_finish (ShJobStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), NULL);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_list_failures_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  ScenesData *scenes;   /* (owned) */
  gboolean    mark;
} VerifiedData;

static void
verified_data_free (gpointer data)
{
  VerifiedData *verified = data;

  scenes_data_free (verified->scenes);
  g_free (verified);
}

static gpointer
apply_verified_func (ShDatabase     *db,
                     GdaConnection  *cnc,
                     gpointer        data,
                     GCancellable   *cancellable,
                     GError        **error)
{
  VerifiedData *verified = data;
  ScenesData *scenes = verified->scenes;
  gboolean applied = FALSE;
  guint64 updated = 0;
  GdaStatement *stmt;
  GdaSet *params;

  if (!sh_database_begin (db, error))
    return NULL;

  /* Applying twice changes nothing the second time. */
  if (!_sh_database_read_applied (db, scenes->job_id, &applied, &updated, error))
    return NULL;
  if (applied)
    return sh_database_commit (db, error) ? new_count (updated) : NULL;

  /* One more failed Generate for each failed scene still in the mirror, counted once per
   * job however often this runs. The CASTs give PostgreSQL the parameters' types. */
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene_failure (server_id, scene_id, "
                                   "  failed_generates, last_reason, last_job_id) "
                                   "SELECT CAST(##server_id::gint64 AS BIGINT), f.scene_id, 1, "
                                   "  f.missing, f.job_id "
                                   "FROM job_scene_failure f "
                                   "WHERE f.job_id = ##job_id::string "
                                   "AND EXISTS (SELECT 1 FROM scene s "
                                   "  WHERE s.server_id = ##server_id::gint64 "
                                   "  AND s.id = f.scene_id) "
                                   "ON CONFLICT (server_id, scene_id) DO UPDATE SET "
                                   "failed_generates = scene_failure.failed_generates + 1, "
                                   "last_reason = excluded.last_reason, "
                                   "last_job_id = excluded.last_job_id "
                                   "WHERE COALESCE(scene_failure.last_job_id, '') "
                                   "  <> excluded.last_job_id",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", scenes->server_id);
  sh_database_set_string (params, "job_id", scenes->job_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  /* A scene this Generate verified complete is no longer failing. scene_failure is small:
   * walk it, not the snapshot. */
  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM scene_failure "
                                   "WHERE server_id = ##server_id::gint64 "
                                   "AND EXISTS (SELECT 1 FROM job_scene j "
                                   "  WHERE j.job_id = ##job_id::string AND j.role = 'tracked' "
                                   "  AND j.scene_id = scene_failure.scene_id) "
                                   "AND NOT EXISTS (SELECT 1 FROM job_scene_failure f "
                                   "  WHERE f.job_id = ##job_id::string "
                                   "  AND f.scene_id = scene_failure.scene_id)",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", scenes->server_id);
  sh_database_set_string (params, "job_id", scenes->job_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  if (verified->mark)
    {
      /* The failed scenes leave the snapshot, which then lists what the job updated. */
      stmt = sh_database_prepare_full (db,
                                       "DELETE FROM job_scene "
                                       "WHERE job_id = ##job_id::string AND role = 'tracked' "
                                       "AND scene_id IN (SELECT scene_id FROM job_scene_failure "
                                       "  WHERE job_id = ##job_id::string)",
                                       &params, error);
      if (stmt == NULL)
        return NULL;
      sh_database_set_string (params, "job_id", scenes->job_id);
      if (sh_database_execute (db, stmt, params, error) < 0)
        return NULL;

      if (!apply_tracked (db, scenes, cancellable, &updated, error))
        return NULL;
    }

  return sh_database_commit (db, error) ? new_count (updated) : NULL;
}

/**
 * sh_job_store_apply_verified_async:
 * @self: a #ShJobStore
 * @job_id: a Generate that Stash reported `FINISHED` and whose scenes were verified, the
 *   failed ones recorded with sh_job_store_add_failures_async()
 * @server_id: the server's row id
 * @mark: whether to mark the tracked scenes that did not fail generated; %FALSE when the
 *   job fails as a whole
 * @cancellable: (nullable): a #GCancellable; the change is all or nothing
 * @callback: called with the number of scenes marked
 * @user_data: data for @callback
 *
 * Records a verified Generate's outcome in one transaction: each failed scene counts one
 * more failed Generate (see `scene_failure`), each verified scene is no longer failing,
 * and with @mark the other tracked scenes get the flag as in
 * sh_job_store_apply_generated_async(). Applying again changes nothing.
 */
void
sh_job_store_apply_verified_async (ShJobStore          *self,
                                   const char          *job_id,
                                   gint64               server_id,
                                   gboolean             mark,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VerifiedData *data;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_apply_verified_async);

  data = g_new0 (VerifiedData, 1);
  data->scenes = scenes_data_new (job_id, server_id);
  data->mark = mark;

  store_run_idempotent (self, task, apply_verified_func, data, verified_data_free, g_free);
}

guint64
sh_job_store_apply_verified_finish (ShJobStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), 0);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_apply_verified_async), 0);

  return propagate_count (result, error);
}

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
                          db_now (db), " "
                          "WHERE job_id = ##id::string "
                          "AND (owner = ##same_owner::string OR heartbeat_at < ",
                          db_now (db), " - ##stale::gint64) "
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
                            "SELECT id, ##owner::string, ", db_now (db), " FROM job "
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL && owner != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_claim_async);

  store_run (self, task, claim_func, owner_data_new (job_id, owner, 0, stale_after),
             owner_data_free, NULL);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_claim_async), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
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

  sql = g_strconcat ("UPDATE job_owner SET heartbeat_at = ", db_now (db), " "
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL && owner != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_heartbeat_async);

  store_run (self, task, heartbeat_func, owner_data_new (job_id, owner, 0, 0),
             owner_data_free, NULL);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_heartbeat_async),
                        FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL && owner != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_release_async);

  store_run_idempotent (self, task, release_func, owner_data_new (job_id, owner, 0, 0),
             owner_data_free, NULL);
}

gboolean
sh_job_store_release_finish (ShJobStore    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_release_async), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
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
    g_autofree char *now = time_to_text (g_get_real_time ());

    sh_database_set_string (params, "updated_at", now);
    if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
      return NULL;
  }

  return g_memdup2 (&rows, sizeof rows);
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_request_cancel_async);

  /* The owner field carries the message the job shows until its owner answers. */
  store_run (self, task, request_cancel_func,
             owner_data_new (job_id, _("Cancelling…"), 0, 0), owner_data_free, g_free);
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
  g_autofree gint64 *rows = NULL;

  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_request_cancel_async),
                        FALSE);

  rows = g_task_propagate_pointer (G_TASK (result), error);

  return rows != NULL && *rows > 0;
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
                     "AND o.heartbeat_at >= ", db_now (db), " - ##stale::gint64) "
                     "ORDER BY created_at, id",
                     NULL);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  if (list->server_id > 0)
    sh_database_set_int64 (params, "server_id", list->server_id);
  sh_database_set_int64 (params, "stale", list->stale_after);

  return select_records (db, stmt, params, error);
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_list_orphaned_async);

  store_run (self, task, list_orphaned_func, owner_data_new (NULL, NULL, server_id, stale_after),
             owner_data_free, (GDestroyNotify) g_ptr_array_unref);
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
  g_return_val_if_fail (store_task_is_valid (self, result, sh_job_store_list_orphaned_async),
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
