/* sh-scene-store-media.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `scene_media` table (schema 6): per scene, which media kinds the last Check asked
 * for and which of them it found missing, written set-based in the Check's transaction,
 * and read back for one scene together with its failure record.
 */

#include "config.h"

#include "sh-scene-store-media.h"
#include "sh-scene-store-private.h"

G_DEFINE_BOXED_TYPE (ShSceneMedia, sh_scene_media, sh_scene_media_copy, sh_scene_media_free)

/**
 * sh_scene_media_copy:
 * @self: an #ShSceneMedia
 *
 * Returns: (transfer full): a copy of @self
 */
ShSceneMedia *
sh_scene_media_copy (const ShSceneMedia *self)
{
  ShSceneMedia *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->failure_reason = g_strdup (self->failure_reason);

  return copy;
}

/**
 * sh_scene_media_free:
 * @self: (nullable): an #ShSceneMedia
 *
 * Frees @self.
 */
void
sh_scene_media_free (ShSceneMedia *self)
{
  if (self == NULL)
    return;

  g_free (self->failure_reason);
  g_free (self);
}

/* Writing ----------------------------------------------------------------------------- */

/* Replaces the rows of the staged scenes (those the mirror has) by one with @missing. */
static gboolean
write_group (ShDatabase    *db,
             gint64         server_id,
             guint          checked_kinds,
             guint          missing,
             gint64         checked_at,
             GArray        *ids,
             GCancellable  *cancellable,
             GError       **error)
{
  GdaStatement *stmt;
  GdaSet *params;

  if (!_sh_database_stage_ids (db, (const gint64 *) ids->data, ids->len, cancellable, error))
    return FALSE;

  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM scene_media WHERE server_id = ##server_id::gint64 "
                                   "AND scene_id IN (SELECT id FROM " SH_TMP_ID_TABLE ")",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "server_id", server_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return FALSE;

  /* Through `scene`: unknown ids are left out, and each scene comes once. */
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene_media (server_id, scene_id, checked_kinds, "
                                   "missing_kinds, checked_at) "
                                   "SELECT s.server_id, s.id, ##checked::gint64, "
                                   "##missing::gint64, ##checked_at::gint64 FROM scene s "
                                   "WHERE s.server_id = ##server_id::gint64 "
                                   "AND s.id IN (SELECT id FROM " SH_TMP_ID_TABLE ")",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "checked", checked_kinds);
  sh_database_set_int64 (params, "missing", missing);
  sh_database_set_int64 (params, "checked_at", checked_at);
  sh_database_set_int64 (params, "server_id", server_id);

  return sh_database_execute (db, stmt, params, error) >= 0;
}

/*
 * _sh_scene_media_write:
 * @incomplete: (array length=n_incomplete): scenes that miss some of @checked_kinds
 * @missing: (array length=n_incomplete): for each of @incomplete, the kinds it misses
 * @complete: (array length=n_complete): scenes that miss none
 *
 * On the worker, inside the caller's transaction: records what a Check found. One pair of
 * set-based statements per distinct @missing mask (a handful in practice), never one per
 * scene. A scene in both lists counts as incomplete. Leaves ids staged; the caller
 * releases them.
 */
gboolean
_sh_scene_media_write (ShDatabase    *db,
                       gint64         server_id,
                       guint          checked_kinds,
                       const gint64  *incomplete,
                       const guint   *missing,
                       guint          n_incomplete,
                       const gint64  *complete,
                       guint          n_complete,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (NULL, NULL, NULL,
                                                        (GDestroyNotify) g_array_unref);
  g_autoptr(GArray) complete_ids = NULL;
  gint64 checked_at = g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_assert (incomplete != NULL || n_incomplete == 0);
  g_assert (missing != NULL || n_incomplete == 0);
  g_assert (complete != NULL || n_complete == 0);

  /* Complete first, so that an id in both lists ends up incomplete. */
  if (n_complete > 0)
    {
      complete_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_complete);
      g_array_append_vals (complete_ids, complete, n_complete);
      if (!write_group (db, server_id, checked_kinds, 0, checked_at, complete_ids,
                        cancellable, error))
        return FALSE;
    }

  for (guint i = 0; i < n_incomplete; i++)
    {
      guint mask = missing[i] & checked_kinds;
      GArray *ids = g_hash_table_lookup (groups, GUINT_TO_POINTER (mask));

      if (ids == NULL)
        {
          ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (groups, GUINT_TO_POINTER (mask), ids);
        }
      g_array_append_val (ids, incomplete[i]);
    }

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!write_group (db, server_id, checked_kinds, GPOINTER_TO_UINT (key), checked_at,
                        value, cancellable, error))
        return FALSE;
    }

  return TRUE;
}

/* Reading ----------------------------------------------------------------------------- */

typedef struct
{
  gint64 server_id;
  gint64 scene_id;
} MediaQuery;

static gpointer
get_media_func (ShDatabase     *db,
                GdaConnection  *cnc,
                gpointer        data,
                GCancellable   *cancellable,
                GError        **error)
{
  static const GType types[] = {
    G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_NONE
  };
  MediaQuery *query = data;
  g_autoptr(GdaDataModel) model = NULL;
  ShSceneMedia *media;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "SELECT m.checked_kinds, m.missing_kinds, m.checked_at, "
                                   "f.failed_generates, f.last_reason FROM scene s "
                                   "LEFT JOIN scene_media m ON m.server_id = s.server_id "
                                   "AND m.scene_id = s.id "
                                   "LEFT JOIN scene_failure f ON f.server_id = s.server_id "
                                   "AND f.scene_id = s.id "
                                   "WHERE s.server_id = ##server_id::gint64 "
                                   "AND s.id = ##scene_id::gint64",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", query->server_id);
  sh_database_set_int64 (params, "scene_id", query->scene_id);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  media = g_new0 (ShSceneMedia, 1);
  media->scene_id = query->scene_id;
  if (gda_data_model_get_n_rows (model) > 0)
    {
      media->checked_kinds = (guint) sh_database_model_get_int64 (model, 0, 0);
      media->missing_kinds = (guint) sh_database_model_get_int64 (model, 0, 1);
      media->checked_at = sh_database_model_get_int64 (model, 0, 2);
      media->failed_generates = (int) sh_database_model_get_int64 (model, 0, 3);
      media->failure_reason = sh_database_model_dup_string (model, 0, 4);
    }

  return media;
}

/**
 * sh_scene_store_get_media_async:
 * @self: an #ShSceneStore
 * @server_id: the server's row id
 * @scene_id: Stash's scene id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the scene's #ShSceneMedia
 * @user_data: data for @callback
 *
 * Reads what the last Check found for the scene, and its failed Generates.
 */
void
sh_scene_store_get_media_async (ShSceneStore        *self,
                                gint64               server_id,
                                gint64               scene_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  MediaQuery *query;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  query = g_new0 (MediaQuery, 1);
  query->server_id = server_id;
  query->scene_id = scene_id;
  _sh_store_run (SH_STORE (self), sh_scene_store_get_media_async, get_media_func, query, g_free,
                 (GDestroyNotify) sh_scene_media_free, cancellable, callback, user_data);
}

/**
 * sh_scene_store_get_media_finish:
 * @self: an #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the scene's media status, with @checked_at 0 when
 *   no Check has recorded it (or the mirror does not have the scene); %NULL with @error
 *   set on failure
 */
ShSceneMedia *
sh_scene_store_get_media_finish (ShSceneStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_get_media_async,
                                      error);
}
