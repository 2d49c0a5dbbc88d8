/* sh-job-store-scenes.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's reads of a job's scenes: the pages and counts of the scenes it tracked,
 * changed or failed ("View Impacted Scenes").
 */

#include "config.h"

#include "sh-job-store-private.h"

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
  JobScenesData *job_scenes = data;
  GdaStatement *stmt;
  GdaSet *params;
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
                                       "AND scene_id > ##after_id::gint64 "
                                       "ORDER BY scene_id LIMIT ##limit::gint64"
                                     : "SELECT scene_id FROM job_scene_failure "
                                       "WHERE job_id = ##job_id::string "
                                       "AND scene_id > ##after_id::gint64 "
                                       "ORDER BY scene_id",
                                     &params, error);
  /* The primary key (job_key, role, scene_id) serves the page straight from the index. */
  else
    stmt = sh_database_prepare_full (db,
                                   job_scenes->limit > 0
                                   ? "SELECT scene_id FROM job_scene_set "
                                     "WHERE job_key = " SH_JOB_KEY_OF_JOB_ID " "
                                     "AND role = ##role::gint64 "
                                     "AND scene_id > ##after_id::gint64 "
                                     "ORDER BY scene_id LIMIT ##limit::gint64"
                                   : "SELECT scene_id FROM job_scene_set "
                                     "WHERE job_key = " SH_JOB_KEY_OF_JOB_ID " "
                                     "AND role = ##role::gint64 "
                                     "AND scene_id > ##after_id::gint64 "
                                     "ORDER BY scene_id",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", job_scenes->job_id);
  if (!g_str_equal (role, "failed"))
    sh_database_set_int64 (params, "role", _sh_database_role_code (role));
  sh_database_set_int64 (params, "after_id", job_scenes->after_id);
  if (job_scenes->limit > 0)
    sh_database_set_int64 (params, "limit", job_scenes->limit);
  return _sh_database_select_ids (db, stmt, params, error);
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
  JobScenesData *job_scenes;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (_sh_job_store_is_valid_role (role));

  job_scenes = job_scenes_data_new (job_id, role);
  job_scenes->after_id = after_id;
  job_scenes->limit = limit;

  _sh_store_run (SH_STORE (self), sh_job_store_list_job_scenes_async, list_job_scenes_func,
                 job_scenes, job_scenes_data_free, (GDestroyNotify) g_array_unref, cancellable,
                 callback, user_data);
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

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_job_store_list_job_scenes_async,
                                      error);
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
                                     "WHERE job_id = ##job_id::string"
                                   : "SELECT COUNT(*) FROM job_scene_set "
                                     "WHERE job_key = " SH_JOB_KEY_OF_JOB_ID " "
                                     "AND role = ##role::gint64",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "job_id", job_scenes->job_id);
  if (!g_str_equal (role, "failed"))
    sh_database_set_int64 (params, "role", _sh_database_role_code (role));
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  return _sh_store_new_count (sh_database_model_get_int64 (model, 0, 0));
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
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (_sh_job_store_is_valid_role (role));

  _sh_store_run (SH_STORE (self), sh_job_store_count_job_scenes_async, count_job_scenes_func,
                 job_scenes_data_new (job_id, role), job_scenes_data_free, g_free, cancellable,
                 callback, user_data);
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
  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);

  return _sh_store_propagate_count (SH_STORE (self), result, sh_job_store_count_job_scenes_async,
                                    count, error);
}
