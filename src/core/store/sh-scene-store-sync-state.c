/* sh-scene-store-sync-state.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShSceneStore's state of the sync of a server: where an incremental sync starts (the sync
 * point, or the newest scene), and where an interrupted full pass resumes (its cursor).
 */

#include "config.h"

#include "sh-scene-store-private.h"

/* Last updated ------------------------------------------------------------------------ */

/* One text of a server's, read by @sql with its ##server_id parameter. */
typedef struct
{
  gint64      server_id;
  const char *sql;       /* static */
} ServerTextQuery;

static gpointer
server_text_func (ShDatabase     *db,
                  GdaConnection  *cnc,
                  gpointer        data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  static const GType types[] = { G_TYPE_STRING, G_TYPE_NONE };
  ServerTextQuery *query = data;
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  if (!(stmt = sh_database_prepare_full (db, query->sql, &params, error)))
    return NULL;
  sh_database_set_int64 (params, "server_id", query->server_id);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  /* NULL without an error: nothing to read. */
  return sh_database_model_dup_string (model, 0, 0);
}

static void
run_server_text (ShSceneStore        *self,
                 gpointer             source_tag,
                 gint64               server_id,
                 const char          *sql,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  ServerTextQuery *query = g_new0 (ServerTextQuery, 1);

  query->server_id = server_id;
  query->sql = sql;
  _sh_store_run (SH_STORE (self), source_tag, server_text_func, query, g_free, g_free, cancellable,
                 callback, user_data);
}

/**
 * sh_scene_store_get_last_updated_at_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the time
 * @user_data: data for @callback
 *
 * Finds the newest Stash `updated_at` among the server's scenes, where an incremental
 * sync starts.
 */
void
sh_scene_store_get_last_updated_at_async (ShSceneStore        *self,
                                          gint64               server_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (SH_IS_SCENE_STORE (self));

  run_server_text (self, sh_scene_store_get_last_updated_at_async, server_id,
                   "SELECT MAX(stash_updated_at) FROM scene "
                   "WHERE server_id = ##server_id::gint64",
                   cancellable, callback, user_data);
}

/**
 * sh_scene_store_get_last_updated_at_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): `MAX(stash_updated_at)`, verbatim as Stash sent it;
 *   %NULL when the server has no scenes (without @error) or on failure (with @error)
 */
char *
sh_scene_store_get_last_updated_at_finish (ShSceneStore  *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result,
                                      sh_scene_store_get_last_updated_at_async, error);
}

/* Sync point -------------------------------------------------------------------------- */

/**
 * sh_scene_store_get_sync_point_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the point
 * @user_data: data for @callback
 *
 * Finds where an incremental sync starts: the newest Stash `updated_at` of the server
 * when the last successful sync began (see sh_scene_store_set_sync_point_async()).
 */
void
sh_scene_store_get_sync_point_async (ShSceneStore        *self,
                                     gint64               server_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (SH_IS_SCENE_STORE (self));

  /* An empty mirror has no point to continue from. Nor has a mirror without a kept
   * point, though it once fell back to its newest scene: such a mirror was filled by an
   * older StashHog, or by a full pass that never completed (the point is kept only at its
   * end), and its newest scene says nothing about what is missing below it. A first sync
   * stopped on page 10 of 40 has the newest scenes of pages 1–10; an incremental sync from
   * there never reads pages 11–40. Only a full pass is safe, once. */
  run_server_text (self, sh_scene_store_get_sync_point_async, server_id,
                   "SELECT CASE WHEN EXISTS (SELECT 1 FROM scene "
                   "  WHERE server_id = ##server_id::gint64) "
                   "THEN (SELECT updated_after FROM server_sync "
                   "  WHERE server_id = ##server_id::gint64) END",
                   cancellable, callback, user_data);
}

/**
 * sh_scene_store_get_sync_point_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): Stash's `updated_at` text to sync after; %NULL
 *   when no sync of the server has completed or its mirror is empty (without @error), or
 *   on failure (with @error)
 */
char *
sh_scene_store_get_sync_point_finish (ShSceneStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_get_sync_point_async,
                                      error);
}

typedef struct
{
  gint64  server_id;
  char   *updated_at;
} SyncPointData;

static void
sync_point_data_free (gpointer data)
{
  SyncPointData *point = data;

  g_free (point->updated_at);
  g_free (point);
}

static gpointer
set_sync_point_func (ShDatabase     *db,
                     GdaConnection  *cnc,
                     gpointer        data,
                     GCancellable   *cancellable,
                     GError        **error)
{
  SyncPointData *point = data;

  if (!_sh_scene_store_write_sync_point (db, point->server_id, point->updated_at, error))
    return NULL;

  return g_memdup2 (&(gboolean) { TRUE }, sizeof (gboolean));
}

/**
 * sh_scene_store_set_sync_point_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @updated_at: Stash's newest `updated_at` when a sync that has now succeeded began
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Keeps where the next incremental sync starts. Not the newest scene the sync read: a
 * scene changed while the sync ran may sort before it, and would never be read.
 */
void
sh_scene_store_set_sync_point_async (ShSceneStore        *self,
                                     gint64               server_id,
                                     const char          *updated_at,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  SyncPointData *point;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (updated_at != NULL && *updated_at != '\0');

  point = g_new0 (SyncPointData, 1);
  point->server_id = server_id;
  point->updated_at = g_strdup (updated_at);
  _sh_store_run (SH_STORE (self), sh_scene_store_set_sync_point_async, set_sync_point_func, point,
                 sync_point_data_free, g_free, cancellable, callback, user_data);
}

/**
 * sh_scene_store_set_sync_point_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
sh_scene_store_set_sync_point_finish (ShSceneStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_scene_store_set_sync_point_async,
                                      error);
}

/* Cursor ------------------------------------------------------------------------------ */

typedef struct
{
  gint64  after_id;
  char   *sync_point;  /* (owned) (nullable) */
} CursorValue;

static void
cursor_value_free (gpointer data)
{
  CursorValue *cursor = data;

  g_free (cursor->sync_point);
  g_free (cursor);
}

static gpointer
get_cursor_func (ShDatabase     *db,
                 GdaConnection  *cnc,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_STRING, G_TYPE_NONE };
  gint64 *server_id = data;
  g_autoptr(GdaDataModel) model = NULL;
  CursorValue *cursor;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "SELECT after_id, sync_point FROM sync_cursor "
                                   "WHERE server_id = ##server_id::gint64",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", *server_id);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  /* NULL without an error: no pass under way. */
  if (gda_data_model_get_n_rows (model) == 0)
    return NULL;

  cursor = g_new0 (CursorValue, 1);
  cursor->after_id = sh_database_model_get_int64 (model, 0, 0);
  if (!sh_database_model_is_null (model, 0, 1))
    cursor->sync_point = sh_database_model_dup_string (model, 0, 1);

  return cursor;
}

/**
 * sh_scene_store_get_cursor_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the cursor
 * @user_data: data for @callback
 *
 * Finds the cursor of a full pass that did not complete: where it resumes. Every page of
 * a full pass moves it in the page's transaction (sh_scene_store_upsert_full_page_async()),
 * so the scenes up to it are stored, and the pass's last page removes it.
 */
void
sh_scene_store_get_cursor_async (ShSceneStore        *self,
                                 gint64               server_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SH_IS_SCENE_STORE (self));

  _sh_store_run (SH_STORE (self), sh_scene_store_get_cursor_async, get_cursor_func,
                 g_memdup2 (&server_id, sizeof server_id), g_free, cursor_value_free, cancellable,
                 callback, user_data);
}

/**
 * sh_scene_store_get_cursor_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @after_id: (out) (optional): the last scene id the pass wrote
 * @sync_point: (out) (optional) (transfer full) (nullable): Stash's newest `updated_at`
 *   when the pass first began, %NULL when Stash had no scene then
 * @error: return location for a #GError
 *
 * Returns: %TRUE when a full pass is under way; %FALSE when none is (without @error) or
 *   on failure (with @error)
 */
gboolean
sh_scene_store_get_cursor_finish (ShSceneStore  *self,
                                  GAsyncResult  *result,
                                  gint64        *after_id,
                                  char         **sync_point,
                                  GError       **error)
{
  CursorValue *cursor;

  g_return_val_if_fail (SH_IS_SCENE_STORE (self), FALSE);

  if (after_id != NULL)
    *after_id = 0;
  if (sync_point != NULL)
    *sync_point = NULL;

  cursor = _sh_store_propagate_pointer (SH_STORE (self), result,
                                        sh_scene_store_get_cursor_async, error);
  if (cursor == NULL)
    return FALSE;

  if (after_id != NULL)
    *after_id = cursor->after_id;
  if (sync_point != NULL)
    *sync_point = g_steal_pointer (&cursor->sync_point);
  cursor_value_free (cursor);

  return TRUE;
}

static gpointer
clear_cursor_func (ShDatabase     *db,
                   GdaConnection  *cnc,
                   gpointer        data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  gint64 *server_id = data;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM sync_cursor WHERE server_id = ##server_id::gint64",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", *server_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  return g_memdup2 (&(gboolean) { TRUE }, sizeof (gboolean));
}

/**
 * sh_scene_store_clear_cursor_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Forgets a full pass under way, so that the next sync does not resume it: a full sync
 * asked for starts over.
 */
void
sh_scene_store_clear_cursor_async (ShSceneStore        *self,
                                   gint64               server_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (SH_IS_SCENE_STORE (self));

  _sh_store_run (SH_STORE (self), sh_scene_store_clear_cursor_async, clear_cursor_func,
                 g_memdup2 (&server_id, sizeof server_id), g_free, g_free, cancellable, callback,
                 user_data);
}

/**
 * sh_scene_store_clear_cursor_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
sh_scene_store_clear_cursor_finish (ShSceneStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), FALSE);

  return _sh_store_propagate_boolean (SH_STORE (self), result, sh_scene_store_clear_cursor_async,
                                      error);
}
