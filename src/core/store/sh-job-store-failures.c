/* sh-job-store-failures.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's failed scenes of a Generate: what its verification found lacking for each
 * scene (job_scene_failure), recorded, read page by page, and forgotten.
 */

#include "config.h"

#include "sh-job-store-private.h"

/* Failures ---------------------------------------------------------------------------- */

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
                                   "INSERT INTO job_scene_failure "
                                   "(job_id, scene_id, missing, errors) "
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

  return sh_database_commit (db, error) ? _sh_store_new_count (failures->failures->len) : NULL;
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
  FailuresData *data;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (failures != NULL);

  data = g_new0 (FailuresData, 1);
  data->job_id = g_strdup (job_id);
  data->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_failure_free);
  for (guint i = 0; i < failures->len; i++)
    {
      const ShSceneFailure *failure = g_ptr_array_index (failures, i);

      g_ptr_array_add (data->failures, sh_scene_failure_new (failure->scene_id, failure->missing,
                                                             failure->errors));
    }

  _sh_store_run (SH_STORE (self), sh_job_store_add_failures_async, add_failures_func, data,
                 failures_data_free, g_free, cancellable, callback, user_data);
}

gboolean
sh_job_store_add_failures_finish (ShJobStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_job_store_add_failures_async,
                                      error);
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
  FailuresData *data;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  data = g_new0 (FailuresData, 1);
  data->job_id = g_strdup (job_id);
  data->after_id = after_id;
  data->limit = limit;

  _sh_store_run (SH_STORE (self), sh_job_store_list_failures_async, list_failures_func, data,
                 failures_data_free, (GDestroyNotify) g_ptr_array_unref, cancellable, callback,
                 user_data);
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

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_job_store_list_failures_async,
                                      error);
}

static gpointer
clear_failures_func (ShDatabase     *db,
                     GdaConnection  *cnc,
                     gpointer        data,
                     GCancellable   *cancellable,
                     GError        **error)
{
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM job_scene_failure WHERE job_id = ##job_id::string",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", data);
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  return _sh_store_new_count (rows);
}

/**
 * sh_job_store_clear_failures_async:
 * @self: a #ShJobStore
 * @job_id: a Generate job
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Forgets what an earlier verification of the job found: a re-attached Generate verifies
 * again from the start.
 */
void
sh_job_store_clear_failures_async (ShJobStore          *self,
                                   const char          *job_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  _sh_store_run_idempotent (SH_STORE (self), sh_job_store_clear_failures_async, clear_failures_func,
                            g_strdup (job_id), g_free, g_free, cancellable, callback, user_data);
}

gboolean
sh_job_store_clear_failures_finish (ShJobStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_job_store_clear_failures_async,
                                      error);
}
