/* sh-job-store-scenes.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's job_scene rules: a Generate's snapshot of tracked scenes and its
 * all-or-nothing finish, the verified outcome with its failed scenes and the failing
 * counts, a Check's flags, and the pages of a job's scenes ("View Impacted Scenes").
 */

#include "config.h"

#include "sh-types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh-job-store-private.h"
#include "sh-scene-store-media.h"

/* Tracked scenes per range when a Generate finishes on SQLite. What SQLite collects for
 * the IN list of an UPDATE holds one range: memory stays small whatever the number of
 * scenes, for 20 ranges (a boundary query and two statements each) per million scenes. */
#define GENERATED_CHUNK_ROWS 50000

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
  /* A Check's findings per scene, for scene_media: @media_ids (unsorted, as given) and
   * the kinds each misses; @checked_kinds 0 records nothing. */
  guint     checked_kinds;
  gint64   *media_ids;   /* (owned) (nullable) */
  guint    *missing;     /* (owned) (nullable) */
} ScenesData;

static void
scenes_data_free (gpointer data)
{
  ScenesData *scenes = data;

  g_free (scenes->job_id);
  g_free (scenes->ids);
  g_free (scenes->complete);
  g_free (scenes->media_ids);
  g_free (scenes->missing);
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
    return sh_database_commit (db, error) ? _sh_job_store_new_count (0) : NULL;

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

  return _sh_job_store_new_count (rows);
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

  _sh_job_store_run (self, task, snapshot_tracked_func, scenes, scenes_data_free, g_free);
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
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result,
                                                     sh_job_store_snapshot_tracked_async),
                        0);

  return _sh_job_store_propagate_count (result, error);
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

  now = _sh_job_store_time_to_text (g_get_real_time ());
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

  return sh_database_commit (db, error) ? _sh_job_store_new_count (updated) : NULL;
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

  _sh_job_store_run_idempotent (self, task, apply_generated_func, scenes_data_new (job_id,
                                server_id),
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
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result,
                                                     sh_job_store_apply_generated_async),
                        0);

  return _sh_job_store_propagate_count (result, error);
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

  return _sh_job_store_new_count (changed);
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
  g_autoptr(GTask) task = NULL;
  ScenesData *scenes;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (incomplete != NULL || n_incomplete == 0);
  g_return_if_fail (checked_kinds == 0 || incomplete_missing != NULL || n_incomplete == 0);
  g_return_if_fail (complete != NULL || n_complete == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_apply_check_async);

  if (n_incomplete == 0 && n_complete == 0)
    {
      g_task_return_pointer (task, _sh_job_store_new_count (0), g_free);
      return;
    }

  /* Copied: the caller's arrays may change while the worker runs, and are sorted there. */
  scenes = scenes_data_new (job_id, server_id);
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

  _sh_job_store_run (self, task, apply_check_func, scenes, scenes_data_free, g_free);
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
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result, sh_job_store_apply_check_async),
                        0);

  return _sh_job_store_propagate_count (result, error);
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
  g_return_if_fail (_sh_job_store_is_valid_role (role));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_list_job_scenes_async);

  job_scenes = job_scenes_data_new (job_id, role);
  job_scenes->after_id = after_id;
  job_scenes->limit = limit;

  _sh_job_store_run (self, task, list_job_scenes_func, job_scenes, job_scenes_data_free,
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
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result,
                                                     sh_job_store_list_job_scenes_async),
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

  return _sh_job_store_new_count (sh_database_model_get_int64 (model, 0, 0));
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
  g_return_if_fail (_sh_job_store_is_valid_role (role));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_count_job_scenes_async);

  _sh_job_store_run (self, task, count_job_scenes_func, job_scenes_data_new (job_id, role),
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
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result,
                                                     sh_job_store_count_job_scenes_async),
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

  return sh_database_commit (db, error) ? _sh_job_store_new_count (failures->failures->len) : NULL;
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

  _sh_job_store_run (self, task, add_failures_func, data, failures_data_free, g_free);
}

gboolean
sh_job_store_add_failures_finish (ShJobStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autofree guint64 *count = NULL;

  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result, sh_job_store_add_failures_async),
                        FALSE);

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

  _sh_job_store_run (self, task, list_failures_func, data, failures_data_free,
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
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result,
                                                     sh_job_store_list_failures_async),
                        NULL);

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
    return sh_database_commit (db, error) ? _sh_job_store_new_count (updated) : NULL;

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

  return sh_database_commit (db, error) ? _sh_job_store_new_count (updated) : NULL;
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

  _sh_job_store_run_idempotent (self, task, apply_verified_func, data, verified_data_free, g_free);
}

guint64
sh_job_store_apply_verified_finish (ShJobStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), 0);
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result,
                                                     sh_job_store_apply_verified_async),
                        0);

  return _sh_job_store_propagate_count (result, error);
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

  return _sh_job_store_new_count (rows);
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_store_clear_failures_async);
  _sh_job_store_run_idempotent (self, task, clear_failures_func, g_strdup (job_id), g_free,
                                g_free);
}

gboolean
sh_job_store_clear_failures_finish (ShJobStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_autofree guint64 *count = NULL;

  g_return_val_if_fail (SH_IS_JOB_STORE (self), FALSE);
  g_return_val_if_fail (_sh_job_store_task_is_valid (self, result,
                                                     sh_job_store_clear_failures_async), FALSE);

  count = g_task_propagate_pointer (G_TASK (result), error);

  return count != NULL;
}
