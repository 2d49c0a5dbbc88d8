/* sh-scene-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-scene-store-private.h"

/**
 * ShSceneStore:
 *
 * The mirror of a Stash server's scenes, in the `scene` table of an #ShDatabase.
 *
 * Writes are set-based: a page of scenes, or any number of ids, is staged in a
 * connection-private scratch table with multi-row INSERTs and applied with one statement,
 * all in one transaction. Reads page by id (keyset paging), never by offset.
 */

G_DEFINE_FINAL_TYPE (ShSceneStore, sh_scene_store, SH_TYPE_STORE)

static void
sh_scene_store_class_init (ShSceneStoreClass *klass)
{
}

static void
sh_scene_store_init (ShSceneStore *self)
{
}

/**
 * sh_scene_store_new:
 * @db: an open #ShDatabase
 *
 * Returns: (transfer full): a store for the scenes in @db
 */
ShSceneStore *
sh_scene_store_new (ShDatabase *db)
{
  g_return_val_if_fail (SH_IS_DATABASE (db), NULL);

  return g_object_new (SH_TYPE_SCENE_STORE, "database", db, NULL);
}

/**
 * sh_scene_store_get_database:
 * @self: a #ShSceneStore
 *
 * Returns: (transfer none): the database
 */
ShDatabase *
sh_scene_store_get_database (ShSceneStore *self)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return sh_store_get_database (SH_STORE (self));
}

/* Plumbing ---------------------------------------------------------------------------- */

/* A multi-row `INSERT … VALUES (…), (…)` into a scratch table. */
typedef struct
{
  guint               id;
  const char         *head;
  const char * const *types;
  guint               n_columns;
} RowsShape;

static const RowsShape scene_rows = {
  0, "INSERT INTO " SH_TMP_SCENE_TABLE " (" SCENE_COLUMNS ")", scene_param_types, N_SCENE_COLUMNS,
};

G_LOCK_DEFINE_STATIC (rows_sql);

/* The SQL text of @shape with @n_rows rows, built once per process: formatting it for
 * every chunk cost more than binding the chunk's values. */
static const char *
rows_sql (const RowsShape *shape,
          guint            n_rows)
{
  static GHashTable *cache;
  gpointer key = GUINT_TO_POINTER (shape->id * 65536 + n_rows);
  GString *sql;
  const char *text;

  G_LOCK (rows_sql);

  if (cache == NULL)
    cache = g_hash_table_new (NULL, NULL);

  if (!(text = g_hash_table_lookup (cache, key)))
    {
      sql = g_string_sized_new (strlen (shape->head) + n_rows * shape->n_columns * 24);
      g_string_append (sql, shape->head);
      g_string_append (sql, " VALUES ");
      for (guint row = 0; row < n_rows; row++)
        {
          g_string_append (sql, row > 0 ? ", (" : "(");
          for (guint col = 0; col < shape->n_columns; col++)
            g_string_append_printf (sql, "%s##r%uc%u::%s", col > 0 ? ", " : "", row, col,
                                    shape->types[col]);
          g_string_append_c (sql, ')');
        }
      text = g_string_free (sql, FALSE);
      g_hash_table_insert (cache, key, (gpointer)text);
    }

  G_UNLOCK (rows_sql);

  return text;
}

/* The values of a rows statement, each bound once to its holder (which then reads it
 * where it is, at every execution): binding a value is writing it into its GValue. Going
 * through gda_holder_set_value() for every value of every row copied it, compared it with
 * the old one, emitted two signals and set an attribute under a lock — more CPU than
 * SQLite's work on the row. The GValues keep the holders' types: a NULL is a string GValue
 * holding NULL, as _sh_database_holder_set_null() binds it. */
typedef struct
{
  guint      n_values;
  GValue    *values;   /* (owned) n_rows × n_columns */
  char     (*numbers)[24]; /* (owned) the text of a nullable number, one per row */
} RowsValues;

static void
rows_values_free (RowsValues *rows)
{
  for (guint i = 0; i < rows->n_values; i++)
    g_value_unset (&rows->values[i]);
  g_free (rows->values);
  g_free (rows->numbers);
  g_free (rows);
}

static RowsValues *
rows_values_bind (GdaSet          *params,
                  const RowsShape *shape,
                  guint            n_rows,
                  GError         **error)
{
  RowsValues *rows = g_new0 (RowsValues, 1);

  rows->values = g_new0 (GValue, n_rows * shape->n_columns);
  rows->numbers = g_malloc0 (n_rows * sizeof *rows->numbers);

  for (guint row = 0; row < n_rows; row++)
    for (guint col = 0; col < shape->n_columns; col++)
      {
        GValue *value = &rows->values[row * shape->n_columns + col];
        g_autoptr(GError) local_error = NULL;
        char name[32];
        GdaHolder *holder;
        GValue *previous;
        gboolean changed;

        g_snprintf (name, sizeof name, "r%uc%u", row, col);
        holder = _sh_database_get_holder (params, name);
        g_value_init (value, gda_holder_get_g_type (holder));
        rows->n_values++;

        /* The set listens to each holder only to re-emit its changes, which nobody
         * follows here. */
        g_signal_handlers_disconnect_matched (holder, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                              params);

        previous = gda_holder_take_static_value (holder, value, &changed, &local_error);
        if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            rows_values_free (rows);
            return NULL;
          }
        if (previous != NULL)
          gda_value_free (previous);
      }

  return rows;
}

/*
 * prepare_rows:
 * @params: (out) (transfer none): the statement's parameters
 * @values: (out) (transfer none): their values, row by row, bound to them
 *
 * Prepares @shape with @n_rows rows, once per shape and database.
 */
static GdaStatement *
prepare_rows (ShDatabase       *db,
              const RowsShape  *shape,
              guint             n_rows,
              GdaSet          **params,
              RowsValues      **values,
              GError          **error)
{
  GdaStatement *stmt;
  RowsValues *rows;

  if (!(stmt = sh_database_prepare_full (db, rows_sql (shape, n_rows), params, error)))
    return NULL;

  rows = g_object_get_data (G_OBJECT (*params), "sh-rows-values");
  if (rows == NULL)
    {
      if (!(rows = rows_values_bind (*params, shape, n_rows, error)))
        return NULL;
      g_object_set_data_full (G_OBJECT (*params), "sh-rows-values", rows,
                              (GDestroyNotify) rows_values_free);
    }

  *values = rows;

  return stmt;
}

/* Upsert ------------------------------------------------------------------------------ */

typedef struct
{
  gint64     server_id;
  GPtrArray *records;     /* (owned) of ShSceneRecord */
  char      *sync_stamp;  /* (owned) */

  /* A page of a full pass (see sh_scene_store_upsert_full_page_async()). */
  gboolean   full_page;
  gint64     after_id;
  gboolean   last;
  char      *sync_point;  /* (owned) (nullable) */
} UpsertData;

typedef struct
{
  guint   n_reset;
  guint64 n_removed;
} UpsertResult;

static void
upsert_data_free (gpointer data)
{
  UpsertData *upsert = data;

  g_clear_pointer (&upsert->records, g_ptr_array_unref);
  g_free (upsert->sync_stamp);
  g_free (upsert->sync_point);
  g_free (upsert);
}

/* Writes @scene into its row's bound values; the strings stay the record's, which lives
 * until the statement has run. */
static void
bind_scene (GValue              *values,
            char                *number,
            const ShSceneRecord *scene)
{
  g_value_set_int64 (&values[COL_ID], scene->id);
  g_value_set_static_string (&values[COL_TITLE], scene->title);
  g_value_set_static_string (&values[COL_PATH], scene->path);
  g_value_set_static_string (&values[COL_OSHASH], scene->oshash);
  g_value_set_static_string (&values[COL_PHASH], scene->phash);
  g_value_set_double (&values[COL_DURATION], scene->duration);
  g_value_set_boolean (&values[COL_ORGANIZED], !!scene->organized);
  g_value_set_boolean (&values[COL_INTERACTIVE], !!scene->interactive);
  if (scene->interactive_speed >= 0)
    {
      g_snprintf (number, 24, "%d", scene->interactive_speed);
      g_value_set_static_string (&values[COL_INTERACTIVE_SPEED], number);
    }
  else
    g_value_set_static_string (&values[COL_INTERACTIVE_SPEED], NULL);
  g_value_set_static_string (&values[COL_MARKERS_DIGEST], scene->markers_digest);
  g_value_set_static_string (&values[COL_STASH_CREATED_AT], scene->stash_created_at);
  g_value_set_static_string (&values[COL_STASH_UPDATED_AT], scene->stash_updated_at);
}

/* The page without repeated ids, the last copy winning: PostgreSQL refuses to touch a
 * row twice in one INSERT … ON CONFLICT. */
static GPtrArray *
unique_scenes (GPtrArray *records)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *scenes = g_ptr_array_sized_new (records->len);

  for (guint i = 0; i < records->len; i++)
    {
      ShSceneRecord *scene = g_ptr_array_index (records, i);
      gpointer index;

      if (g_hash_table_lookup_extended (seen, &scene->id, NULL, &index))
        {
          scenes->pdata[GPOINTER_TO_UINT (index)] = scene;
          continue;
        }

      g_hash_table_insert (seen, &scene->id, GUINT_TO_POINTER (scenes->len));
      g_ptr_array_add (scenes, scene);
    }

  return scenes;
}

static gboolean
stage_scenes (ShDatabase  *db,
              GPtrArray   *scenes,
              GError     **error)
{
  guint done = 0;

  /* One bound value for the whole page (sh-scene-store-write.c). */
  if (sh_database_is_postgres (db))
    return _sh_scene_store_stage_json (db, scenes, error);

  /* Each value bound in place, with SQLite's own API (sh-scene-store-write.c). */
  if (_sh_database_get_sqlite (db) != NULL)
    return _sh_scene_store_stage_sqlite (db, scenes, error);

  if (!sh_database_execute_sql (db, "DELETE FROM " SH_TMP_SCENE_TABLE, error))
    return FALSE;

  for (guint chunk = SCENE_CHUNK_ROWS; chunk > 0; chunk /= 2)
    {
      while (scenes->len - done >= chunk)
        {
          GdaStatement *stmt;
          RowsValues *values;
          GdaSet *params;

          stmt = prepare_rows (db, &scene_rows, chunk, &params, &values, error);
          if (stmt == NULL)
            return FALSE;

          for (guint row = 0; row < chunk; row++)
            bind_scene (values->values + row * N_SCENE_COLUMNS, values->numbers[row],
                        g_ptr_array_index (scenes, done + row));

          if (sh_database_execute (db, stmt, params, error) < 0)
            return FALSE;

          done += chunk;
        }
    }

  return TRUE;
}

/* Inside the upsert's transaction, with the page staged: forgets the failed Generates of
 * the scenes whose file or markers changed. scene_failure is sparse, usually empty: a
 * probe of its key first spares the join. */
static gboolean
clear_failures_of_changed (ShDatabase  *db,
                           gint64       server_id,
                           const char  *distinct,
                           GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "SELECT COUNT(*) FROM (SELECT 1 FROM scene_failure "
                                   "WHERE server_id = ##server_id::gint64 LIMIT 1) AS any_failure",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "server_id", server_id);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return FALSE;
  if (sh_database_model_get_int64 (model, 0, 0) == 0)
    return TRUE;

  sql = g_strdup_printf ("DELETE FROM scene_failure "
                         "WHERE server_id = ##server_id::gint64 AND scene_id IN ("
                         "  SELECT t.id FROM " SH_TMP_SCENE_TABLE " t "
                         "  CROSS JOIN scene s "
                         "  WHERE s.server_id = ##server_id::gint64 AND s.id = t.id "
                         "  AND (s.path %1$s t.path OR s.oshash %1$s t.oshash "
                         "  OR s.markers_digest %1$s t.markers_digest))",
                         distinct);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return FALSE;
  sh_database_set_int64 (params, "server_id", server_id);

  return sh_database_execute (db, stmt, params, error) >= 0;
}

/* Keeps where the next incremental sync starts, inside the caller's transaction or alone. */
static gboolean
write_sync_point (ShDatabase  *db,
                  gint64       server_id,
                  const char  *updated_at,
                  GError     **error)
{
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO server_sync (server_id, updated_after) "
                                   "VALUES (##server_id::gint64, ##updated_at::string) "
                                   "ON CONFLICT (server_id) "
                                   "DO UPDATE SET updated_after = excluded.updated_after",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "server_id", server_id);
  sh_database_set_string (params, "updated_at", updated_at);

  return sh_database_execute (db, stmt, params, error) >= 0;
}

/*
 * write_full_page_end:
 * @removed: (out): scenes deleted
 *
 * The part of a full pass's page that comes after its scenes are stored, in the same
 * transaction: the page is every scene Stash has with an id in (after_id, the page's last
 * id] — all of them above after_id for the last page — so the mirror's scenes in that
 * range that are not on the page are gone from Stash. Deleting range by range, rather
 * than every scene not stamped by this pass at its end, is what lets an interrupted pass
 * resume: the scenes below its cursor were seen by an earlier run with another stamp.
 * Then the cursor moves on to the page's last id, or, after the last page, goes away and
 * the sync point of the pass becomes the incremental one.
 */
static gboolean
write_full_page_end (ShDatabase  *db,
                     UpsertData  *upsert,
                     GPtrArray   *scenes,
                     guint64     *removed,
                     GError     **error)
{
  GdaStatement *stmt;
  GdaSet *params;
  gint64 last_id = upsert->after_id;
  gint64 rows;

  for (guint i = 0; i < scenes->len; i++)
    last_id = MAX (last_id, ((ShSceneRecord *) g_ptr_array_index (scenes, i))->id);

  /* The primary key (server_id, id) bounds the scan to the page's range. */
  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM scene WHERE server_id = ##server_id::gint64 "
                                   "AND id > ##after_id::gint64 AND id <= ##last_id::gint64 "
                                   "AND id NOT IN (SELECT id FROM " SH_TMP_SCENE_TABLE ")",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "server_id", upsert->server_id);
  sh_database_set_int64 (params, "after_id", upsert->after_id);
  sh_database_set_int64 (params, "last_id", upsert->last ? G_MAXINT64 : last_id);
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return FALSE;
  *removed = rows;

  if (!upsert->last)
    {
      stmt = sh_database_prepare_full (db,
                                       "INSERT INTO sync_cursor (server_id, after_id, sync_point) "
                                       "VALUES (##server_id::gint64, ##after_id::gint64, "
                                       "##sync_point::string::null) "
                                       "ON CONFLICT (server_id) DO UPDATE SET "
                                       "after_id = excluded.after_id, "
                                       "sync_point = excluded.sync_point",
                                       &params, error);
      if (stmt == NULL)
        return FALSE;
      sh_database_set_int64 (params, "server_id", upsert->server_id);
      sh_database_set_int64 (params, "after_id", last_id);
      sh_database_set_string (params, "sync_point", upsert->sync_point);

      return sh_database_execute (db, stmt, params, error) >= 0;
    }

  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM sync_cursor WHERE server_id = ##server_id::gint64",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_int64 (params, "server_id", upsert->server_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return FALSE;

  /* Without a point (Stash had no scene when the pass began) the next sync is full again. */
  if (upsert->sync_point == NULL)
    return TRUE;

  return write_sync_point (db, upsert->server_id, upsert->sync_point, error);
}

static gpointer
upsert_func (ShDatabase     *db,
             GdaConnection  *cnc,
             gpointer        data,
             GCancellable   *cancellable,
             GError        **error)
{
  UpsertData *upsert = data;
  const char *distinct = _sh_database_get_distinct_operator (db);
  g_autoptr(GPtrArray) scenes = unique_scenes (upsert->records);
  g_autofree char *reset_sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 n_reset;
  guint64 removed = 0;

  /* generated goes back to false when the primary file (path, oshash) or the markers
   * changed; a new title does not need new media. Compared null-safely: NULL to a value is
   * a change. Done before the upsert, which overwrites what is compared. */
  /* CROSS JOIN pins SQLite's join order, whatever its statistics say: the staged page
   * outside, each scene looked up by its primary key inside (never a scan of the server's
   * scenes per page). PostgreSQL plans it as a plain join. */
  reset_sql = g_strdup_printf ("UPDATE scene_state SET generated = FALSE "
                               "WHERE server_id = ##server_id::gint64 AND generated = TRUE "
                               "AND scene_id IN ("
                               "  SELECT t.id FROM " SH_TMP_SCENE_TABLE " t "
                               "  CROSS JOIN scene s "
                               "  WHERE s.server_id = ##server_id::gint64 AND s.id = t.id "
                               "  AND (s.path %1$s t.path OR s.oshash %1$s t.oshash "
                               "  OR s.markers_digest %1$s t.markers_digest))",
                               distinct);

  if (!sh_database_begin (db, error))
    return NULL;

  if (!stage_scenes (db, scenes, error))
    return NULL;

  if (!(stmt = sh_database_prepare_full (db, reset_sql, &params, error)))
    return NULL;
  sh_database_set_int64 (params, "server_id", upsert->server_id);
  if ((n_reset = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  /* A changed file is a new chance: its failed Generates no longer count. */
  if (!clear_failures_of_changed (db, upsert->server_id, distinct, error))
    return NULL;

  /* WHERE TRUE: without it SQLite reads ON CONFLICT as part of a join. The CASTs give
   * PostgreSQL the parameters' types, which it cannot infer in a select list. */
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene (server_id, " SCENE_COLUMNS ", "
                                   "last_synced) "
                                   "SELECT CAST(##server_id::gint64 AS BIGINT), id, title, "
                                   "path, oshash, phash, COALESCE(duration, 0), "
                                   "COALESCE(organized, FALSE), COALESCE(interactive, FALSE), "
                                   "interactive_speed, markers_digest, stash_created_at, "
                                   "stash_updated_at, CAST(##sync_stamp::string AS TEXT) "
                                   "FROM " SH_TMP_SCENE_TABLE " WHERE TRUE "
                                   "ON CONFLICT (server_id, id) DO UPDATE SET "
                                   "title = excluded.title, path = excluded.path, "
                                   "oshash = excluded.oshash, phash = excluded.phash, "
                                   "duration = excluded.duration, "
                                   "organized = excluded.organized, "
                                   "interactive = excluded.interactive, "
                                   "interactive_speed = excluded.interactive_speed, "
                                   "markers_digest = excluded.markers_digest, "
                                   "stash_created_at = excluded.stash_created_at, "
                                   "stash_updated_at = excluded.stash_updated_at, "
                                   "last_synced = excluded.last_synced",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", upsert->server_id);
  sh_database_set_string (params, "sync_stamp", upsert->sync_stamp);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  /* New scenes start not generated. */
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene_state (server_id, scene_id) "
                                   "SELECT CAST(##server_id::gint64 AS BIGINT), id "
                                   "FROM " SH_TMP_SCENE_TABLE " WHERE TRUE "
                                   "ON CONFLICT DO NOTHING",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", upsert->server_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  if (upsert->full_page && !write_full_page_end (db, upsert, scenes, &removed, error))
    return NULL;

  if (!sh_database_commit (db, error))
    return NULL;

  return g_memdup2 (&(UpsertResult) { n_reset, removed }, sizeof (UpsertResult));
}

/**
 * sh_scene_store_upsert_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @records: (element-type ShSceneRecord): one page of scenes from Stash; kept (and must
 *   not change) until the operation finishes
 * @sync_stamp: the sync's identifier, stored as `last_synced` on every scene of the page
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the page is stored
 * @user_data: data for @callback
 *
 * Stores a page of scenes in one transaction: new scenes are added as not generated,
 * known ones updated. A known scene goes back to not generated when its primary file
 * (path or oshash) or its markers changed. When an id appears twice, the last copy wins.
 */
void
sh_scene_store_upsert_async (ShSceneStore        *self,
                             gint64               server_id,
                             GPtrArray           *records,
                             const char          *sync_stamp,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  UpsertData *upsert;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (records != NULL);
  g_return_if_fail (sync_stamp != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (records->len == 0)
    {
      _sh_store_return (SH_STORE (self), sh_scene_store_upsert_async, g_new0 (UpsertResult, 1),
                        g_free, cancellable, callback, user_data);
      return;
    }

  upsert = g_new0 (UpsertData, 1);
  upsert->server_id = server_id;
  upsert->records = g_ptr_array_ref (records);
  upsert->sync_stamp = g_strdup (sync_stamp);

  _sh_store_run (SH_STORE (self), sh_scene_store_upsert_async, upsert_func, upsert,
                 upsert_data_free, g_free, cancellable, callback, user_data);
}

/**
 * sh_scene_store_upsert_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @n_reset: (out) (optional): how many known scenes went from generated to not generated
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the page was stored
 */
gboolean
sh_scene_store_upsert_finish (ShSceneStore  *self,
                              GAsyncResult  *result,
                              guint         *n_reset,
                              GError       **error)
{
  g_autofree UpsertResult *value = NULL;

  g_return_val_if_fail (SH_IS_SCENE_STORE (self), FALSE);

  value = _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_upsert_async,
                                       error);
  if (n_reset != NULL)
    *n_reset = value != NULL ? value->n_reset : 0;

  return value != NULL;
}

/**
 * sh_scene_store_upsert_full_page_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @records: (element-type ShSceneRecord): a page of a full pass: every scene Stash has
 *   with an id above @after_id, in id order, up to the last one's id; kept (and must not
 *   change) until the operation finishes
 * @sync_stamp: the sync's identifier, stored as `last_synced` on every scene of the page
 * @after_id: the id the page was read after: the pass's cursor, 0 for its first page
 * @last: whether this is the pass's last page (Stash has no scene above it), which may
 *   be empty
 * @sync_point: (nullable): Stash's newest `updated_at` when the pass first began, %NULL
 *   when it had no scene
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the page is stored
 * @user_data: data for @callback
 *
 * Stores a page of a full pass as sh_scene_store_upsert_async() does and, in the same
 * transaction, deletes the mirror's scenes in the page's id range that Stash no longer
 * has, then moves the pass's cursor (see sh_scene_store_get_cursor_async()) to the page's
 * last id. The last page deletes every scene above @after_id that it does not hold,
 * removes the cursor and keeps @sync_point as where the next incremental sync starts. So
 * a pass interrupted at any point resumes after its cursor and still removes exactly what
 * Stash no longer has.
 */
void
sh_scene_store_upsert_full_page_async (ShSceneStore        *self,
                                       gint64               server_id,
                                       GPtrArray           *records,
                                       const char          *sync_stamp,
                                       gint64               after_id,
                                       gboolean             last,
                                       const char          *sync_point,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  UpsertData *upsert;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (records != NULL);
  g_return_if_fail (records->len > 0 || last);
  g_return_if_fail (sync_stamp != NULL);
  g_return_if_fail (after_id >= 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  upsert = g_new0 (UpsertData, 1);
  upsert->server_id = server_id;
  upsert->records = g_ptr_array_ref (records);
  upsert->sync_stamp = g_strdup (sync_stamp);
  upsert->full_page = TRUE;
  upsert->after_id = after_id;
  upsert->last = last;
  upsert->sync_point = sync_point != NULL && *sync_point != '\0' ? g_strdup (sync_point) : NULL;

  _sh_store_run (SH_STORE (self), sh_scene_store_upsert_full_page_async, upsert_func, upsert,
                 upsert_data_free, g_free, cancellable, callback, user_data);
}

/**
 * sh_scene_store_upsert_full_page_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @n_reset: (out) (optional): how many known scenes went from generated to not generated
 * @n_removed: (out) (optional): how many scenes were deleted because Stash no longer has
 *   them
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the page, the deletions and the cursor were stored
 */
gboolean
sh_scene_store_upsert_full_page_finish (ShSceneStore  *self,
                                        GAsyncResult  *result,
                                        guint         *n_reset,
                                        guint64       *n_removed,
                                        GError       **error)
{
  g_autofree UpsertResult *value = NULL;

  g_return_val_if_fail (SH_IS_SCENE_STORE (self), FALSE);

  value = _sh_store_propagate_pointer (SH_STORE (self), result,
                                       sh_scene_store_upsert_full_page_async, error);
  if (n_reset != NULL)
    *n_reset = value != NULL ? value->n_reset : 0;
  if (n_removed != NULL)
    *n_removed = value != NULL ? value->n_removed : 0;

  return value != NULL;
}

/* Delete unseen ----------------------------------------------------------------------- */

typedef struct
{
  gint64  server_id;
  char   *sync_stamp;  /* (owned) */
} DeleteUnseenData;

static void
delete_unseen_data_free (gpointer data)
{
  DeleteUnseenData *delete = data;

  g_free (delete->sync_stamp);
  g_free (delete);
}

static gpointer
delete_unseen_func (ShDatabase     *db,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  DeleteUnseenData *delete = data;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  /* One statement is atomic; job_scene_set keeps its history of the deleted scenes. */
  stmt = sh_database_prepare_full (db,
                                   "DELETE FROM scene WHERE server_id = ##server_id::gint64 "
                                   "AND (last_synced IS NULL "
                                   "OR last_synced <> ##sync_stamp::string)",
                                   &params, error);
  if (stmt == NULL)
    return NULL;

  sh_database_set_int64 (params, "server_id", delete->server_id);
  sh_database_set_string (params, "sync_stamp", delete->sync_stamp);
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  return g_memdup2 (&(guint64) { rows }, sizeof (guint64));
}

/**
 * sh_scene_store_delete_unseen_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @sync_stamp: the identifier of the full sync that just ended
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Ends a full sync: deletes the server's scenes that the sync did not see (their
 * `last_synced` is not @sync_stamp). Their `job_scene_set` history is kept.
 */
void
sh_scene_store_delete_unseen_async (ShSceneStore        *self,
                                    gint64               server_id,
                                    const char          *sync_stamp,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  DeleteUnseenData *delete;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (sync_stamp != NULL);

  delete = g_new0 (DeleteUnseenData, 1);
  delete->server_id = server_id;
  delete->sync_stamp = g_strdup (sync_stamp);

  _sh_store_run (SH_STORE (self), sh_scene_store_delete_unseen_async, delete_unseen_func, delete,
                 delete_unseen_data_free, g_free, cancellable, callback, user_data);
}

/**
 * sh_scene_store_delete_unseen_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: how many scenes were deleted; 0 with @error set on failure
 */
guint64
sh_scene_store_delete_unseen_finish (ShSceneStore  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), 0);

  return _sh_store_propagate_uint64 (SH_STORE (self), result, sh_scene_store_delete_unseen_async,
                                     error);
}

/* The sync point is written here, by a full pass's last page (write_full_page_end()), and
 * in sh-scene-store-sync-state.c, after an incremental sync. */
gboolean
_sh_scene_store_write_sync_point (ShDatabase  *db,
                                  gint64       server_id,
                                  const char  *updated_at,
                                  GError     **error)
{
  return write_sync_point (db, server_id, updated_at, error);
}
