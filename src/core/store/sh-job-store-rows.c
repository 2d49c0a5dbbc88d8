/* sh-job-store-rows.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's jobs as rows: the columns of the `job` table, times as fixed-width text,
 * nullable numbers, the records read back, and the database server's clock.
 */

#include "config.h"

#include <stdio.h>

#include "sh-job-store-private.h"

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

/* The database server's clock, in whole seconds since the epoch: liveness is judged with
 * one clock for every process sharing the database, never with a reader's own. */
const char *
_sh_job_store_db_now (ShDatabase *db)
{
  /* date_part() rather than EXTRACT(EPOCH FROM …): the same value, in a form libgda's
   * parser reads. */
  return sh_database_is_postgres (db)
    ? "CAST(date_part('epoch', now()) AS BIGINT)"
    : "CAST(strftime('%s', 'now') AS INTEGER)";
}

/* Microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`; 0 is NULL. */
char *
_sh_job_store_time_to_text (gint64 usec)
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

/* The inverse of _sh_job_store_time_to_text(); NULL and unreadable text (the database is
 * not trusted) are 0. GLib's ISO 8601 parser goes through a double and may be off by a
 * microsecond, so our own format is read field by field. */
gint64
_sh_job_store_time_from_text (const char *text)
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
void
_sh_job_store_set_optional_int64 (GdaSet     *params,
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
double
_sh_job_store_clamp_progress (double progress)
{
  if (!(progress >= 0))  /* negative or NaN */
    return 0;

  return MIN (progress, 100);
}

ShJobRecord *
_sh_job_store_record_from_row (GdaDataModel *model,
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
  record->created_at = _sh_job_store_time_from_text (created_at);
  record->started_at = _sh_job_store_time_from_text (started_at);
  record->completed_at = _sh_job_store_time_from_text (completed_at);
  record->updated_at = _sh_job_store_time_from_text (updated_at);

  return record;
}

/* Runs a query of JOB_COLUMNS. */
GPtrArray *
_sh_job_store_select_records (ShDatabase    *db,
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
    g_ptr_array_add (records, _sh_job_store_record_from_row (model, row));

  return g_steal_pointer (&records);
}

/* The first record of a query of JOB_COLUMNS; NULL without @error when there is none. */
ShJobRecord *
_sh_job_store_select_record (ShDatabase    *db,
                             GdaStatement  *stmt,
                             GdaSet        *params,
                             GError       **error)
{
  g_autoptr(GPtrArray) records = _sh_job_store_select_records (db, stmt, params, error);

  if (records == NULL || records->len == 0)
    return NULL;

  return g_ptr_array_steal_index (records, 0);
}

gboolean
_sh_job_store_is_valid_role (const char *role)
{
  return g_strcmp0 (role, "tracked") == 0 || g_strcmp0 (role, "updated") == 0 ||
         g_strcmp0 (role, "failed") == 0;
}
