/* sh-job-store-check.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's job_scene_set rules of a Check: the generated flags it found, set in one
 * transaction, and the scenes whose flag changed recorded as `updated`.
 */

#include "config.h"

#include <stdlib.h>

#include "sh-job-store-private.h"
#include "sh-scene-store-media.h"

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
  gint64 job_key;

  if (!_sh_database_ensure_job_key (db, scenes->job_id, &job_key, error))
    return -1;

  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO job_scene_set (job_key, role, scene_id) "
                                   "SELECT CAST(##job_key::gint64 AS INTEGER), "
                                   SH_ROLE_UPDATED ", scene_id "
                                   "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                   "AND generated = ##previous::boolean "
                                   "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ") "
                                   "ON CONFLICT DO NOTHING",
                                   &params, error);
  if (stmt == NULL)
    return -1;
  sh_database_set_int64 (params, "job_key", job_key);
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
  guint n_media = scenes->n_ids;
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

  /* Complete scenes are sorted and unique by now, and miss nothing. */
  if (scenes->checked_kinds != 0 &&
      !_sh_scene_media_write (db, scenes->server_id, scenes->checked_kinds,
                              scenes->media_ids, scenes->missing, scenes->missing ? n_media : 0,
                              scenes->complete, scenes->n_complete, cancellable, error))
    return NULL;

  if (!_sh_database_release_ids (db, error))
    return NULL;

  if (!sh_database_commit (db, error))
    return NULL;

  return _sh_store_new_count (changed);
}

/**
 * sh_job_store_apply_check_async:
 * @self: a #ShJobStore
 * @job_id: the Check job, which must be in the database
 * @server_id: the server's row id
 * @checked_kinds: the media kinds the Check asked for (a mask of `ShMediaKind`), or 0 to
 *   leave `scene_media` alone
 * @incomplete: (array length=n_incomplete) (nullable): scenes with generated media missing
 * @incomplete_missing: (array length=n_incomplete) (nullable): for each of @incomplete,
 *   the kinds it misses; needed when @checked_kinds is not 0
 * @n_incomplete: the number of @incomplete
 * @complete: (array length=n_complete) (nullable): scenes whose generated media is complete
 * @n_complete: the number of @complete
 * @cancellable: (nullable): a #GCancellable; the change is all or nothing
 * @callback: called with the number of scenes changed
 * @user_data: data for @callback
 *
 * Finishes a Check, in one transaction: the generated flag becomes false for @incomplete
 * and true for @complete scenes of the server, and the scenes whose flag changed are
 * recorded as `updated`; with @checked_kinds, what was found for each scene replaces its
 * `scene_media` row. Ids of other servers and unknown ids are ignored; an id in both
 * lists counts as incomplete. Any number of ids costs a few statements per 500.
 */
void
sh_job_store_apply_check_async (ShJobStore          *self,
                                const char          *job_id,
                                gint64               server_id,
                                guint                checked_kinds,
                                const gint64        *incomplete,
                                const guint         *incomplete_missing,
                                guint                n_incomplete,
                                const gint64        *complete,
                                guint                n_complete,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ScenesData *scenes;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (incomplete != NULL || n_incomplete == 0);
  g_return_if_fail (checked_kinds == 0 || incomplete_missing != NULL || n_incomplete == 0);
  g_return_if_fail (complete != NULL || n_complete == 0);

  if (n_incomplete == 0 && n_complete == 0)
    {
      _sh_store_return (SH_STORE (self), sh_job_store_apply_check_async, _sh_store_new_count (0),
                        g_free, cancellable, callback, user_data);
      return;
    }

  /* Copied: the caller's arrays may change while the worker runs, and are sorted there. */
  scenes = _sh_job_store_scenes_data_new (job_id, server_id);
  scenes->ids = g_memdup2 (incomplete, sizeof *incomplete * n_incomplete);
  scenes->n_ids = n_incomplete;
  scenes->complete = g_memdup2 (complete, sizeof *complete * n_complete);
  scenes->n_complete = n_complete;
  scenes->checked_kinds = checked_kinds;
  if (checked_kinds != 0)
    {
      scenes->media_ids = g_memdup2 (incomplete, sizeof *incomplete * n_incomplete);
      scenes->missing = g_memdup2 (incomplete_missing, sizeof *incomplete_missing * n_incomplete);
    }

  _sh_store_run (SH_STORE (self), sh_job_store_apply_check_async, apply_check_func, scenes,
                 _sh_job_store_scenes_data_free, g_free, cancellable, callback, user_data);
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

  return _sh_store_propagate_uint64 (SH_STORE (self), result, sh_job_store_apply_check_async,
                                     error);
}
