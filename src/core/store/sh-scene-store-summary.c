/* sh-scene-store-summary.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library at a glance: how many scenes the mirror has, how many a Check has seen,
 * how many are complete, incomplete or failing — for the whole library or for a set of
 * scenes, read in one statement.
 */

#include "config.h"

#include "sh-scene-store-summary.h"
#include "sh-scene-store-private.h"

G_DEFINE_BOXED_TYPE (ShSceneSummary, sh_scene_summary, sh_scene_summary_copy,
                     sh_scene_summary_free)

/**
 * sh_scene_summary_copy:
 * @self: an #ShSceneSummary
 *
 * Returns: (transfer full): a copy of @self
 */
ShSceneSummary *
sh_scene_summary_copy (const ShSceneSummary *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

/**
 * sh_scene_summary_free:
 * @self: (nullable): an #ShSceneSummary
 *
 * Frees @self.
 */
void
sh_scene_summary_free (ShSceneSummary *self)
{
  g_free (self);
}

typedef struct
{
  gint64    server_id;
  gint64   *ids;        /* (owned) (nullable) */
  guint     n_ids;
  gboolean  targeted;   /* only @ids, else the whole library */
} SummaryQuery;

static void
summary_query_free (SummaryQuery *query)
{
  g_free (query->ids);
  g_free (query);
}

/* Five counts in one statement, none of them a join: each reads one table (the narrow
 * scene_state, scene_media — whose rows exist only for scenes the mirror has, ON DELETE
 * CASCADE — and the sparse scene_failure) once. The incomplete scenes never checked are a
 * set difference, not NOT EXISTS: right after a Check wrote a million scene_media rows,
 * PostgreSQL's statistics still say the table is empty, and the anti-join planned from them
 * (a scan of scene_media for every incomplete scene) ran for more than 14 minutes at a
 * million scenes; EXCEPT reads both sides once whatever the statistics say. */
#define SUMMARY_SELECT \
  "SELECT st.scenes, " \
  "(SELECT COUNT(*) FROM scene_media m WHERE m.server_id = ##server_id::gint64%2$s), " \
  "st.complete, " \
  "(SELECT COUNT(*) FROM (SELECT st.scene_id FROM scene_state st " \
  "WHERE st.server_id = ##server_id::gint64 AND st.generated = FALSE%1$s " \
  "EXCEPT SELECT m.scene_id FROM scene_media m " \
  "WHERE m.server_id = ##server_id::gint64%2$s) AS unchecked), " \
  "(SELECT COUNT(*) FROM scene_failure f WHERE f.server_id = ##server_id::gint64 " \
  "AND f.failed_generates >= ##threshold::gint64%3$s) " \
  "FROM (SELECT COUNT(*) AS scenes, " \
  "COALESCE(SUM(CASE WHEN st.generated = TRUE THEN 1 ELSE 0 END), 0) AS complete " \
  "FROM scene_state st WHERE st.server_id = ##server_id::gint64%1$s) st"

#define SUMMARY_TARGETED " AND %s IN (SELECT id FROM " SH_TMP_ID_TABLE ")"

static gpointer
summarize_func (ShDatabase     *db,
                GdaConnection  *cnc,
                gpointer        data,
                GCancellable   *cancellable,
                GError        **error)
{
  static const GType types[] = {
    G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_NONE
  };
  SummaryQuery *query = data;
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *scenes_targeted = NULL;
  g_autofree char *media_targeted = NULL;
  g_autofree char *failing_targeted = NULL;
  g_autofree char *sql = NULL;
  ShSceneSummary *summary;
  GdaStatement *stmt;
  GdaSet *params;

  if (query->targeted)
    {
      if (!sh_database_begin (db, error))
        return NULL;
      if (!_sh_database_stage_ids (db, query->ids, query->n_ids, cancellable, error))
        return NULL;
      scenes_targeted = g_strdup_printf (SUMMARY_TARGETED, "st.scene_id");
      media_targeted = g_strdup_printf (SUMMARY_TARGETED, "m.scene_id");
      failing_targeted = g_strdup_printf (SUMMARY_TARGETED, "f.scene_id");
    }

  sql = g_strdup_printf (SUMMARY_SELECT,
                         query->targeted ? scenes_targeted : "",
                         query->targeted ? media_targeted : "",
                         query->targeted ? failing_targeted : "");
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  sh_database_set_int64 (params, "server_id", query->server_id);
  sh_database_set_int64 (params, "threshold", sh_database_get_failing_threshold (db));
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  /* Read before the ids are released: SQLite's model may still be a cursor on them. */
  summary = g_new0 (ShSceneSummary, 1);
  summary->scenes = sh_database_model_get_int64 (model, 0, 0);
  summary->checked = sh_database_model_get_int64 (model, 0, 1);
  summary->complete = sh_database_model_get_int64 (model, 0, 2);
  summary->incomplete = summary->scenes - summary->complete;
  summary->incomplete_unchecked = sh_database_model_get_int64 (model, 0, 3);
  summary->failing = sh_database_model_get_int64 (model, 0, 4);

  if (query->targeted &&
      (!_sh_database_release_ids (db, error) || !sh_database_commit (db, error)))
    {
      sh_scene_summary_free (summary);
      return NULL;
    }

  return summary;
}

/**
 * sh_scene_store_summarize_async:
 * @self: an #ShSceneStore
 * @server_id: the server's row id
 * @ids: (array length=n_ids) (nullable): scene ids to summarize; %NULL for the whole
 *   library
 * @n_ids: the number of @ids
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the #ShSceneSummary
 * @user_data: data for @callback
 *
 * Counts the scenes of a server, or those of @ids that the mirror has, by what is known
 * of their generated media: checked, complete, incomplete, failing. One statement over
 * the narrow state tables, so that it stays quick at a million scenes.
 */
void
sh_scene_store_summarize_async (ShSceneStore        *self,
                                gint64               server_id,
                                const gint64        *ids,
                                guint                n_ids,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SummaryQuery *query;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  query = g_new0 (SummaryQuery, 1);
  query->server_id = server_id;
  query->targeted = ids != NULL;
  query->ids = n_ids > 0 ? g_memdup2 (ids, sizeof *ids * n_ids) : NULL;
  query->n_ids = n_ids;
  _sh_store_run (SH_STORE (self), sh_scene_store_summarize_async, summarize_func, query,
                 (GDestroyNotify) summary_query_free, (GDestroyNotify) sh_scene_summary_free,
                 cancellable, callback, user_data);
}

/**
 * sh_scene_store_summarize_finish:
 * @self: an #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the counts; %NULL with @error set on failure
 */
ShSceneSummary *
sh_scene_store_summarize_finish (ShSceneStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_summarize_async,
                                      error);
}
