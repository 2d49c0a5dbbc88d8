/* sh-job-store-generate.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobStore's job_scene_set rules of a Generate: the snapshot of the scenes it tracks, its
 * all-or-nothing finish, and its verified outcome (failed scenes counted, the others
 * marked).
 */

#include "config.h"

#include "sh-job-store-private.h"

/* Tracked scenes per range when a Generate finishes on SQLite. What SQLite collects for
 * the IN list of an UPDATE holds one range: memory stays small whatever the number of
 * scenes, for 20 ranges (a boundary query and two statements each) per million scenes. */
#define GENERATED_CHUNK_ROWS 50000

/* Tracked scenes from which PostgreSQL finishes a Generate with hash joins. Its planner
 * does not know how many scenes a snapshot just added (the statistics are autovacuum's,
 * from before), guesses a few, and joins a million by a million index lookups: 2.7 s and
 * 4.9 s where hash joins take 1.1 s and 2.3 s. */
#define POSTGRES_BULK_ROWS 10000

/* Generate ---------------------------------------------------------------------------- */

void
_sh_job_store_scenes_data_free (gpointer data)
{
  ScenesData *scenes = data;

  g_free (scenes->job_id);
  g_free (scenes->ids);
  g_free (scenes->complete);
  g_free (scenes->media_ids);
  g_free (scenes->missing);
  g_free (scenes);
}

ScenesData *
_sh_job_store_scenes_data_new (const char *job_id,
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
  gint64 job_key;
  gint64 rows;

  if (!sh_database_begin (db, error))
    return NULL;

  if (!_sh_database_ensure_job_key (db, scenes->job_id, &job_key, error))
    return NULL;

  /* Taking the snapshot again replaces it. */
  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM job_scene_set WHERE job_key = ##job_key::gint64 "
                                   "AND role = " SH_ROLE_TRACKED,
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "job_key", job_key);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  if (scenes->targeted && scenes->n_ids == 0)
    return sh_database_commit (db, error) ? _sh_store_new_count (0) : NULL;

  if (scenes->targeted
      && !_sh_database_stage_ids (db, scenes->ids, scenes->n_ids, cancellable, error))
    return NULL;

  /* One statement, however many scenes: the rows stream from the narrow scene_state
   * into job_scene_set. The CAST gives PostgreSQL the type of a parameter in a select
   * list. */
  /* A whole-library Generate leaves the failing scenes out (one broken file must not fail
   * everybody's all-or-nothing outcome); a targeted one takes them. Most libraries have
   * none, and then the plain statement keeps the snapshot a single scan. */
  if (!scenes->targeted && !has_failing (db, scenes->server_id, &failing, error))
    return NULL;

  stmt = sh_database_prepare_full (db,
                                   scenes->targeted
                                   ? "INSERT INTO job_scene_set (job_key, role, scene_id) "
                                     "SELECT CAST(##job_key::gint64 AS INTEGER), "
                                     SH_ROLE_TRACKED ", scene_id "
                                     "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                     "AND generated = FALSE "
                                     "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ")"
                                   : failing
                                   ? "INSERT INTO job_scene_set (job_key, role, scene_id) "
                                     "SELECT CAST(##job_key::gint64 AS INTEGER), "
                                     SH_ROLE_TRACKED ", scene_id "
                                     "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                     "AND generated = FALSE "
                                     "AND NOT EXISTS (SELECT 1 FROM scene_failure f "
                                     "  WHERE f.server_id = ##server_id::gint64 "
                                     "  AND f.scene_id = scene_state.scene_id "
                                     "  AND f.failed_generates >= ##threshold::gint64)"
                                   : "INSERT INTO job_scene_set (job_key, role, scene_id) "
                                     "SELECT CAST(##job_key::gint64 AS INTEGER), "
                                     SH_ROLE_TRACKED ", scene_id "
                                     "FROM scene_state WHERE server_id = ##server_id::gint64 "
                                     "AND generated = FALSE",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "job_key", job_key);
  sh_database_set_int64 (params, "server_id", scenes->server_id);
  if (failing && !scenes->targeted)
    sh_database_set_int64 (params, "threshold", sh_database_get_failing_threshold (db));
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  if (scenes->targeted && !_sh_database_release_ids (db, error))
    return NULL;

  if (!sh_database_commit (db, error))
    return NULL;

  return _sh_store_new_count (rows);
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
  ScenesData *scenes;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (ids != NULL || n_ids == 0);

  scenes = _sh_job_store_scenes_data_new (job_id, server_id);
  scenes->targeted = ids != NULL;
  scenes->ids = g_memdup2 (ids, sizeof *ids * n_ids);
  scenes->n_ids = n_ids;

  _sh_store_run (SH_STORE (self), sh_job_store_snapshot_tracked_async, snapshot_tracked_func,
                 scenes, _sh_job_store_scenes_data_free, g_free, cancellable, callback, user_data);
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

  return _sh_store_propagate_uint64 (SH_STORE (self), result, sh_job_store_snapshot_tracked_async,
                                     error);
}

/* The scene id that ends the range of GENERATED_CHUNK_ROWS tracked scenes after @after;
 * FALSE in *@found when fewer remain. */
static gboolean
next_tracked_boundary (ShDatabase  *db,
                       gint64       job_key,
                       gint64       after,
                       gboolean    *found,
                       gint64      *boundary,
                       GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  /* OFFSET walks the primary key (job_key, role, scene_id): the whole loop reads it
   * once. */
  stmt = sh_database_prepare_full (db,
                                   "SELECT scene_id FROM job_scene_set "
                                   "WHERE job_key = ##job_key::gint64 "
                                   "AND role = " SH_ROLE_TRACKED " "
                                   "AND scene_id > ##after::gint64 "
                                   "ORDER BY scene_id LIMIT 1 OFFSET ##offset::gint64",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "job_key", job_key);
  sh_database_set_int64 (params, "after", after);
  sh_database_set_int64 (params, "offset", GENERATED_CHUNK_ROWS - 1);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return FALSE;

  *found = gda_data_model_get_n_rows (model) > 0;
  *boundary = *found ? sh_database_model_get_int64 (model, 0, 0) : G_MAXINT64;

  return TRUE;
}

/* The number of scenes @job_key tracks. */
static gboolean
count_tracked (ShDatabase  *db,
               gint64       job_key,
               gint64      *count,
               GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "SELECT COUNT(*) FROM job_scene_set "
                                   "WHERE job_key = ##job_key::gint64 "
                                   "AND role = " SH_ROLE_TRACKED,
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "job_key", job_key);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return FALSE;

  *count = sh_database_model_get_int64 (model, 0, 0);

  return TRUE;
}

/* Gives the tracked scenes of @job_key in (@after, @last] the flag; the number changed,
 * or -1. */
static gint64
update_tracked (ShDatabase    *db,
                ScenesData    *scenes,
                gint64         job_key,
                gint64         after,
                gint64         last,
                GError       **error)
{
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "UPDATE scene_state SET generated = TRUE "
                                   "WHERE server_id = ##server_id::gint64 "
                                   "AND generated = FALSE "
                                   "AND scene_id > ##after::gint64 "
                                   "AND scene_id <= ##last::gint64 "
                                   "AND scene_id IN (SELECT scene_id FROM job_scene_set "
                                   "  WHERE job_key = ##job_key::gint64 "
                                   "  AND role = " SH_ROLE_TRACKED " "
                                   "  AND scene_id > ##after::gint64 "
                                   "  AND scene_id <= ##last::gint64)",
                                   &params, error);
  if (stmt == NULL)
    return -1;
  sh_database_set_int64 (params, "job_key", job_key);
  sh_database_set_int64 (params, "after", after);
  sh_database_set_int64 (params, "last", last);
  sh_database_set_int64 (params, "server_id", scenes->server_id);

  return sh_database_execute (db, stmt, params, error);
}

/* Inside a transaction: gives the tracked scenes of @job_key that are still not
 * generated the flag; with @trim, first the tracked scenes that are no longer not
 * generated (marked meanwhile, or deleted) leave the snapshot. *@updated is how many
 * flags changed.
 *
 * On SQLite, range by range of tracked scene ids, so that what SQLite keeps for the IN
 * list of an UPDATE holds at most GENERATED_CHUNK_ROWS scenes. PostgreSQL keeps no
 * per-row state in memory for these statements beyond what it may (its hash tables spill
 * to disk), so it takes all the scenes in one range. */
static gboolean
update_all_tracked (ShDatabase    *db,
                    ScenesData    *scenes,
                    gint64         job_key,
                    gboolean       trim,
                    GCancellable  *cancellable,
                    guint64       *updated,
                    GError       **error)
{
  GdaStatement *trim_stmt;
  GdaSet *trim_params;
  gboolean more = TRUE;
  gint64 after = G_MININT64;

  trim_stmt = sh_database_prepare_full (db,
                                        "DELETE FROM job_scene_set "
                                        "WHERE job_key = ##job_key::gint64 "
                                        "AND role = " SH_ROLE_TRACKED " "
                                        "AND scene_id > ##after::gint64 "
                                        "AND scene_id <= ##last::gint64 "
                                        "AND NOT EXISTS (SELECT 1 FROM scene_state st "
                                        "  WHERE st.server_id = ##server_id::gint64 "
                                        "  AND st.scene_id = job_scene_set.scene_id "
                                        "  AND st.generated = FALSE)",
                                        &trim_params, error);
  if (trim_stmt == NULL)
    return FALSE;

  *updated = 0;
  while (more)
    {
      gint64 last;
      gint64 rows;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (sh_database_is_postgres (db))
        {
          more = FALSE;
          last = G_MAXINT64;
        }
      else if (!next_tracked_boundary (db, job_key, after, &more, &last, error))
        return FALSE;

      if (trim)
        {
          sh_database_set_int64 (trim_params, "job_key", job_key);
          sh_database_set_int64 (trim_params, "after", after);
          sh_database_set_int64 (trim_params, "last", last);
          sh_database_set_int64 (trim_params, "server_id", scenes->server_id);
          if (sh_database_execute (db, trim_stmt, trim_params, error) < 0)
            return FALSE;
        }

      if ((rows = update_tracked (db, scenes, job_key, after, last, error)) < 0)
        return FALSE;

      *updated += rows;
      after = last;
    }

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
  GdaStatement *stmt;
  GdaSet *params;
  guint64 updated = 0;
  gboolean done = FALSE;
  gint64 tracked = 0;
  gint64 job_key;

  if (!_sh_database_ensure_job_key (db, scenes->job_id, &job_key, error))
    return FALSE;

  /* The tracked scenes become the updated ones: those that are no longer not generated
   * leave the snapshot, the others get the flag, and the job_applied row says that the
   * snapshot now lists what the job changed. No `updated` row is written: a million of
   * them cost more than the whole rest (1.3 s of SQLite for 1,000,000 scenes).
   *
   * On PostgreSQL, a big snapshot gets hash joins, with the memory to hash a million
   * scene ids in one batch (55 MiB; 4 MiB, the default, spills them to disk in eight),
   * for this transaction only; a smaller one keeps the planner's choice. And mostly
   * every tracked scene is still not generated when a Generate finishes: then the UPDATE
   * changes as many flags as there are tracked scenes and nothing has to leave the
   * snapshot, so the statement that finds what has to (a join of the snapshot with the
   * scenes: 0.9 s of 3.2 s for 1,000,000 scenes) is left out. Otherwise the UPDATE is
   * undone and both run. Not on SQLite: there a savepoint keeps the old content of
   * every page it changes in memory (temp_store is MEMORY), 20 MiB more for 1,000,000
   * scenes, against 0.5 s of CPU saved. */
  if (sh_database_is_postgres (db))
    {
      if (!count_tracked (db, job_key, &tracked, error))
        return FALSE;
      if (tracked >= POSTGRES_BULK_ROWS
          && (!sh_database_execute_sql (db, "SET LOCAL enable_nestloop = off", error)
              || !sh_database_execute_sql (db, "SET LOCAL work_mem = '64MB'", error)))
        return FALSE;

      if (!sh_database_execute_sql (db, "SAVEPOINT sh_finish_at_once", error)
          || !update_all_tracked (db, scenes, job_key, FALSE, cancellable, &updated, error))
        return FALSE;
      done = (gint64) updated == tracked;
      if (!sh_database_execute_sql (db,
                                    done ? "RELEASE SAVEPOINT sh_finish_at_once"
                                         : "ROLLBACK TO SAVEPOINT sh_finish_at_once",
                                    error))
        return FALSE;
    }
  if (!done && !update_all_tracked (db, scenes, job_key, TRUE, cancellable, &updated, error))
    return FALSE;

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

  return sh_database_commit (db, error) ? _sh_store_new_count (updated) : NULL;
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
  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  _sh_store_run_idempotent (SH_STORE (self), sh_job_store_apply_generated_async,
                            apply_generated_func, _sh_job_store_scenes_data_new (job_id, server_id),
                            _sh_job_store_scenes_data_free, g_free, cancellable, callback,
                            user_data);
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

  return _sh_store_propagate_uint64 (SH_STORE (self), result, sh_job_store_apply_generated_async,
                                     error);
}

/* Verified outcome -------------------------------------------------------------------- */

typedef struct
{
  ScenesData *scenes;   /* (owned) */
  gboolean    mark;
} VerifiedData;

static void
verified_data_free (gpointer data)
{
  VerifiedData *verified = data;

  _sh_job_store_scenes_data_free (verified->scenes);
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
    return sh_database_commit (db, error) ? _sh_store_new_count (updated) : NULL;

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
                                   "AND EXISTS (SELECT 1 FROM job_scene_set j "
                                   "  WHERE j.job_key = " SH_JOB_KEY_OF_JOB_ID " "
                                   "  AND j.role = " SH_ROLE_TRACKED " "
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
                                       "DELETE FROM job_scene_set "
                                       "WHERE job_key = " SH_JOB_KEY_OF_JOB_ID " "
                                       "AND role = " SH_ROLE_TRACKED " "
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

  return sh_database_commit (db, error) ? _sh_store_new_count (updated) : NULL;
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
  VerifiedData *data;

  g_return_if_fail (SH_IS_JOB_STORE (self));
  g_return_if_fail (job_id != NULL);

  data = g_new0 (VerifiedData, 1);
  data->scenes = _sh_job_store_scenes_data_new (job_id, server_id);
  data->mark = mark;

  _sh_store_run_idempotent (SH_STORE (self), sh_job_store_apply_verified_async, apply_verified_func,
                            data, verified_data_free, g_free, cancellable, callback, user_data);
}

guint64
sh_job_store_apply_verified_finish (ShJobStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_STORE (self), 0);

  return _sh_store_propagate_uint64 (SH_STORE (self), result, sh_job_store_apply_verified_async,
                                     error);
}
