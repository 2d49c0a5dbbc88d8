/* sh-scene-store-ids.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShSceneStore's work on sets of scene ids, any number of them staged in one scratch table:
 * which exist, the generated flag set by hand, deletion; and the ids of the scenes new
 * since a time.
 */

#include "config.h"

#include "sh-scene-store-private.h"

/* Ids --------------------------------------------------------------------------------- */

void
_sh_scene_store_ids_data_free (gpointer data)
{
  IdsData *ids = data;

  g_free (ids->ids);
  g_free (ids);
}

IdsData *
_sh_scene_store_ids_data_new (gint64        server_id,
                              const gint64 *ids,
                              guint         n_ids)
{
  IdsData *data = g_new0 (IdsData, 1);

  data->server_id = server_id;
  data->ids = g_memdup2 (ids, sizeof *ids * n_ids);
  data->n_ids = n_ids;

  return data;
}

static gpointer
get_ids_func (ShDatabase     *db,
              GdaConnection  *cnc,
              gpointer        data,
              GCancellable   *cancellable,
              GError        **error)
{
  IdsData *ids = data;
  g_autoptr(GArray) found = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  if (!sh_database_begin (db, error))
    return NULL;

  if (!_sh_database_stage_ids (db, ids->ids, ids->n_ids, cancellable, error))
    return NULL;

  stmt = sh_database_prepare_full (db,
                                   "SELECT id FROM scene "
                                   "WHERE server_id = ##server_id::gint64 "
                                   "AND id IN (SELECT id FROM " SH_TMP_ID_TABLE ") "
                                   "ORDER BY id",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", ids->server_id);
  if (!(found = _sh_database_select_ids (db, stmt, params, error)))
    return NULL;

  if (!_sh_database_release_ids (db, error) || !sh_database_commit (db, error))
    return NULL;

  return g_steal_pointer (&found);
}

/**
 * sh_scene_store_get_ids_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @ids: (array length=n_ids): scene ids, for example given by a user
 * @n_ids: the number of ids
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the ids that exist
 * @user_data: data for @callback
 *
 * Finds which of @ids are scenes of the server, with one query however many there are.
 */
void
sh_scene_store_get_ids_async (ShSceneStore        *self,
                              gint64               server_id,
                              const gint64        *ids,
                              guint                n_ids,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  if (n_ids == 0)
    {
      _sh_store_return (SH_STORE (self), sh_scene_store_get_ids_async,
                        g_array_new (FALSE, FALSE, sizeof (gint64)), (GDestroyNotify) g_array_unref,
                        cancellable, callback, user_data);
      return;
    }

  _sh_store_run (SH_STORE (self), sh_scene_store_get_ids_async, get_ids_func,
                 _sh_scene_store_ids_data_new (server_id, ids, n_ids),
                 _sh_scene_store_ids_data_free, (GDestroyNotify) g_array_unref, cancellable,
                 callback, user_data);
}

/**
 * sh_scene_store_get_ids_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the ids that exist, ascending, each
 *   once; %NULL with @error set on failure
 */
GArray *
sh_scene_store_get_ids_finish (ShSceneStore  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_get_ids_async, error);
}

static gpointer
set_generated_func (ShDatabase     *db,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  IdsData *ids = data;
  g_autoptr(GArray) changed = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  if (!sh_database_begin (db, error))
    return NULL;

  if (!_sh_database_stage_ids (db, ids->ids, ids->n_ids, cancellable, error))
    return NULL;

  /* The scenes that will change, so that the change can be undone exactly. PostgreSQL
   * reads each statement afresh: their rows stay locked until the UPDATE, so that another
   * process cannot change one in between (SQLite's transaction is one snapshot). */
#define CHANGING_SCENES \
  "SELECT scene_id FROM scene_state " \
  "WHERE server_id = ##server_id::gint64 " \
  "AND generated = ##previous::boolean " \
  "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ") " \
  "ORDER BY scene_id"
  stmt = sh_database_prepare_full (db,
                                   sh_database_is_postgres (db)
                                   ? CHANGING_SCENES " FOR UPDATE"
                                   : CHANGING_SCENES,
                                   &params, error);
#undef CHANGING_SCENES
  if (stmt == NULL)
    return NULL;
  sh_database_set_boolean (params, "previous", !ids->generated);
  sh_database_set_int64 (params, "server_id", ids->server_id);
  if (!(changed = _sh_database_select_ids (db, stmt, params, error)))
    return NULL;

  /* Only rows that change are written and counted. */
  stmt = sh_database_prepare_full (db,
                                   "UPDATE scene_state SET generated = ##generated::boolean "
                                   "WHERE server_id = ##server_id::gint64 "
                                   "AND generated = ##previous::boolean "
                                   "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ")",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_boolean (params, "generated", ids->generated);
  sh_database_set_boolean (params, "previous", !ids->generated);
  sh_database_set_int64 (params, "server_id", ids->server_id);
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  if (!_sh_database_release_ids (db, error) || !sh_database_commit (db, error))
    return NULL;

  /* The selected rows were locked (or one snapshot): the UPDATE changed exactly them. */
  g_warn_if_fail ((guint64) rows == changed->len);

  return g_steal_pointer (&changed);
}

static gpointer
delete_func (ShDatabase     *db,
             GdaConnection  *cnc,
             gpointer        data,
             GCancellable   *cancellable,
             GError        **error)
{
  IdsData *ids = data;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  if (!sh_database_begin (db, error))
    return NULL;

  if (!_sh_database_stage_ids (db, ids->ids, ids->n_ids, cancellable, error))
    return NULL;

  /* scene_state and scene_failure rows go with the scenes (ON DELETE CASCADE; for
   * scene_state on PostgreSQL, a trigger: schema 8). */
  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM scene WHERE server_id = ##server_id::gint64 "
                                   "AND id IN (SELECT id FROM " SH_TMP_ID_TABLE ")",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", ids->server_id);
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  if (!_sh_database_release_ids (db, error) || !sh_database_commit (db, error))
    return NULL;

  return g_memdup2 (&(guint64) { rows }, sizeof (guint64));
}

/**
 * sh_scene_store_delete_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @ids: (array length=n_ids): scenes that Stash no longer has; unknown ones are ignored
 * @n_ids: the number of ids
 * @cancellable: (nullable): a #GCancellable; the change is all or nothing
 * @callback: called with the number of scenes removed
 * @user_data: data for @callback
 *
 * Removes scenes from the mirror, in one transaction.
 */
void
sh_scene_store_delete_async (ShSceneStore        *self,
                             gint64               server_id,
                             const gint64        *ids,
                             guint                n_ids,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  if (n_ids == 0)
    {
      _sh_store_return (SH_STORE (self), sh_scene_store_delete_async, g_new0 (guint64, 1), g_free,
                        cancellable, callback, user_data);
      return;
    }

  _sh_store_run (SH_STORE (self), sh_scene_store_delete_async, delete_func,
                 _sh_scene_store_ids_data_new (server_id, ids, n_ids),
                 _sh_scene_store_ids_data_free, g_free, cancellable, callback, user_data);
}

guint64
sh_scene_store_delete_finish (ShSceneStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), 0);

  return _sh_store_propagate_uint64 (SH_STORE (self), result, sh_scene_store_delete_async, error);
}

/**
 * sh_scene_store_set_generated_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @ids: (array length=n_ids): scene ids; unknown ones are ignored
 * @n_ids: the number of ids
 * @generated: the new value of the flag
 * @cancellable: (nullable): a #GCancellable; the change is all or nothing
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Sets the generated flag of many scenes in one transaction, with one UPDATE however many
 * ids there are.
 */
void
sh_scene_store_set_generated_async (ShSceneStore        *self,
                                    gint64               server_id,
                                    const gint64        *ids,
                                    guint                n_ids,
                                    gboolean             generated,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  IdsData *data;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  if (n_ids == 0)
    {
      _sh_store_return (SH_STORE (self), sh_scene_store_set_generated_async,
                        g_array_new (FALSE, FALSE, sizeof (gint64)), (GDestroyNotify) g_array_unref,
                        cancellable, callback, user_data);
      return;
    }

  data = _sh_scene_store_ids_data_new (server_id, ids, n_ids);
  data->generated = !!generated;

  _sh_store_run (SH_STORE (self), sh_scene_store_set_generated_async, set_generated_func, data,
                 _sh_scene_store_ids_data_free, (GDestroyNotify) g_array_unref, cancellable,
                 callback, user_data);
}

/**
 * sh_scene_store_set_generated_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: how many scenes changed (scenes that already had the value do not count); 0
 *   with @error set on failure
 */
guint64
sh_scene_store_set_generated_finish (ShSceneStore  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(GArray) changed = NULL;

  g_return_val_if_fail (SH_IS_SCENE_STORE (self), 0);

  changed = sh_scene_store_set_generated_finish_full (self, result, error);

  return changed != NULL ? changed->len : 0;
}

/**
 * sh_scene_store_set_generated_finish_full:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the ids of the scenes that changed, in
 *   ascending order (setting them back undoes the change exactly); %NULL with @error set
 *   on failure
 */
GArray *
sh_scene_store_set_generated_finish_full (ShSceneStore  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_set_generated_async,
                                      error);
}

/* New scenes ------------------------------------------------------------------------- */

typedef struct
{
  gint64  server_id;
  char   *created_after;   /* (owned) (nullable) */
} CreatedAfterData;

static void
created_after_data_free (gpointer data)
{
  CreatedAfterData *created = data;

  g_free (created->created_after);
  g_free (created);
}

static gpointer
created_after_func (ShDatabase     *db,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  CreatedAfterData *created = data;
  GdaStatement *stmt;
  GdaSet *params;

  /* Stash's timestamps are compared as text, as Stash itself compares them. */
  stmt = sh_database_prepare_full (db,
                                   created->created_after != NULL
                                   ? "SELECT id FROM scene WHERE server_id = ##server_id::gint64 "
                                     "AND stash_created_at > ##after::string ORDER BY id"
                                   : "SELECT id FROM scene WHERE server_id = ##server_id::gint64 "
                                     "ORDER BY id",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", created->server_id);
  if (created->created_after != NULL)
    sh_database_set_string (params, "after", created->created_after);
  return _sh_database_select_ids (db, stmt, params, error);
}

/**
 * sh_scene_store_list_ids_created_after_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @created_after: (nullable): a Stash `created_at` string; %NULL for every scene
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the ids
 * @user_data: data for @callback
 *
 * Lists the scenes Stash created after a time, ordered by id: with the newest `updated_at`
 * seen before a sync, exactly the scenes that sync added.
 */
void
sh_scene_store_list_ids_created_after_async (ShSceneStore        *self,
                                             gint64               server_id,
                                             const char          *created_after,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  CreatedAfterData *data;

  g_return_if_fail (SH_IS_SCENE_STORE (self));

  data = g_new0 (CreatedAfterData, 1);
  data->server_id = server_id;
  data->created_after = g_strdup (created_after);

  _sh_store_run (SH_STORE (self), sh_scene_store_list_ids_created_after_async, created_after_func,
                 data, created_after_data_free, (GDestroyNotify) g_array_unref, cancellable,
                 callback, user_data);
}

/**
 * sh_scene_store_list_ids_created_after_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the ids, or %NULL with @error set
 */
GArray *
sh_scene_store_list_ids_created_after_finish (ShSceneStore  *self,
                                              GAsyncResult  *result,
                                              GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result,
                                      sh_scene_store_list_ids_created_after_async, error);
}
