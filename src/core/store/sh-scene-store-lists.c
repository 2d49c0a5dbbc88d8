/* sh-scene-store-lists.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShSceneStore's reads of the scene list: counts by the Generated filter, pages by key,
 * and the ordered ids and the rows the list models show.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-scene-store-private.h"

/* Count ------------------------------------------------------------------------------- */

typedef struct
{
  gint64            server_id;
  ShGeneratedFilter filter;
} CountData;

static const char *
generated_condition (ShGeneratedFilter filter)
{
  switch (filter)
    {
    case SH_GENERATED_YES:
      return " AND st.generated = TRUE";

    case SH_GENERATED_NO:
      return " AND st.generated = FALSE";

    case SH_GENERATED_FAILING:
      return " AND EXISTS (SELECT 1 FROM scene_failure f "
             "WHERE f.server_id = st.server_id AND f.scene_id = st.scene_id "
             "AND f.failed_generates >= ##threshold::gint64)";

    case SH_GENERATED_ANY:
    default:
      return "";
    }
}

static void
bind_generated_condition (ShDatabase        *db,
                          GdaSet            *params,
                          ShGeneratedFilter  filter)
{
  if (filter == SH_GENERATED_FAILING)
    sh_database_set_int64 (params, "threshold", sh_database_get_failing_threshold (db));
}

static gpointer
count_func (ShDatabase     *db,
            GdaConnection  *cnc,
            gpointer        data,
            GCancellable   *cancellable,
            GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  CountData *count = data;
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  guint64 n;

  sql = g_strconcat ("SELECT COUNT(*) FROM scene_state st "
                     "WHERE st.server_id = ##server_id::gint64",
                     generated_condition (count->filter), NULL);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  sh_database_set_int64 (params, "server_id", count->server_id);
  bind_generated_condition (db, params, count->filter);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  n = sh_database_model_get_int64 (model, 0, 0);

  return g_memdup2 (&n, sizeof n);
}

/**
 * sh_scene_store_count_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @filter: which scenes to count
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the count
 * @user_data: data for @callback
 *
 * Counts a server's scenes, by their generated flag.
 */
void
sh_scene_store_count_async (ShSceneStore        *self,
                            gint64               server_id,
                            ShGeneratedFilter    filter,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  CountData *count;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (filter <= SH_GENERATED_FAILING);

  count = g_new0 (CountData, 1);
  count->server_id = server_id;
  count->filter = filter;

  _sh_store_run (SH_STORE (self), sh_scene_store_count_async, count_func, count, g_free, g_free,
                 cancellable, callback, user_data);
}

/**
 * sh_scene_store_count_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @count: (out) (optional): the number of scenes
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
sh_scene_store_count_finish (ShSceneStore  *self,
                             GAsyncResult  *result,
                             guint64       *count,
                             GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), FALSE);

  return _sh_store_propagate_count (SH_STORE (self), result, sh_scene_store_count_async, count,
                                    error);
}

/* List -------------------------------------------------------------------------------- */

typedef struct
{
  gint64             server_id;
  ShGeneratedFilter  filter;
  char              *pattern;   /* (owned) (nullable) LIKE pattern, escaped with '!' */
  gint64             after_id;
  guint              limit;
} ListData;

static void
list_data_free (gpointer data)
{
  ListData *list = data;

  g_free (list->pattern);
  g_free (list);
}

/* "%search%" with LIKE's wildcards and the escape character itself taken literally. '!'
 * rather than '\\': a backslash in a string literal means different things to the two
 * databases and to libgda's tokenizer. */
static char *
like_pattern (const char *search)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = search; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '!')
        g_string_append_c (pattern, '!');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

static ShSceneRecord *
scene_from_row (GdaDataModel *model,
                int           row)
{
  ShSceneRecord *scene = sh_scene_record_new ();

  scene->id = sh_database_model_get_int64 (model, row, COL_ID);
  scene->title = sh_database_model_dup_string (model, row, COL_TITLE);
  scene->path = sh_database_model_dup_string (model, row, COL_PATH);
  scene->oshash = sh_database_model_dup_string (model, row, COL_OSHASH);
  scene->phash = sh_database_model_dup_string (model, row, COL_PHASH);
  scene->duration = sh_database_model_get_double (model, row, COL_DURATION);
  scene->organized = sh_database_model_get_boolean (model, row, COL_ORGANIZED);
  scene->interactive = sh_database_model_get_boolean (model, row, COL_INTERACTIVE);
  if (sh_database_model_is_null (model, row, COL_INTERACTIVE_SPEED))
    scene->interactive_speed = -1;
  else
    scene->interactive_speed = sh_database_model_get_int64 (model, row, COL_INTERACTIVE_SPEED);
  scene->markers_digest = sh_database_model_dup_string (model, row, COL_MARKERS_DIGEST);
  scene->stash_created_at = sh_database_model_dup_string (model, row, COL_STASH_CREATED_AT);
  scene->stash_updated_at = sh_database_model_dup_string (model, row, COL_STASH_UPDATED_AT);
  scene->generated = sh_database_model_get_boolean (model, row, COL_GENERATED);

  return scene;
}

/* A page's failure counts, by key from the sparse scene_failure (most scenes have none). */
#define FAILURE_COLUMNS \
  "(SELECT f.failed_generates FROM scene_failure f " \
  "  WHERE f.server_id = st.server_id AND f.scene_id = st.scene_id), " \
  "(SELECT f.last_reason FROM scene_failure f " \
  "  WHERE f.server_id = st.server_id AND f.scene_id = st.scene_id) "

static void
read_failure (ShSceneRecord *scene,
              GdaDataModel  *model,
              int            row,
              int            column)
{
  if (!sh_database_model_is_null (model, row, column))
    scene->failed_generates = (int) sh_database_model_get_int64 (model, row, column);
  scene->failure_reason = sh_database_model_dup_string (model, row, column + 1);
}

static gpointer
list_func (ShDatabase     *db,
           GdaConnection  *cnc,
           gpointer        data,
           GCancellable   *cancellable,
           GError        **error)
{
  static const GType types[] = {
    G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE,
    G_TYPE_BOOLEAN, G_TYPE_BOOLEAN, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
    G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_NONE,
  };
  ListData *list = data;
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autofree char *sql = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  int n_rows;

  /* lower() on both sides: each database folds case its own way (SQLite: ASCII only),
   * so the pattern must be folded by the same function as the titles. */
  /* The narrow scene_state outside, in id order, each scene looked up by its key. */
  sql = g_strconcat ("SELECT " SCENE_COLUMNS_S ", st.generated, " FAILURE_COLUMNS
                     "FROM scene_state st CROSS JOIN scene s "
                     "WHERE st.server_id = ##server_id::gint64 "
                     "AND st.scene_id > ##after_id::gint64",
                     generated_condition (list->filter),
                     " AND s.server_id = st.server_id AND s.id = st.scene_id",
                     list->pattern != NULL
                       ? " AND lower(s.title) LIKE lower(##pattern::string) ESCAPE '!'"
                       : "",
                     " ORDER BY st.scene_id LIMIT ##limit::gint64",
                     NULL);
  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  sh_database_set_int64 (params, "server_id", list->server_id);
  bind_generated_condition (db, params, list->filter);
  sh_database_set_int64 (params, "after_id", list->after_id);
  sh_database_set_int64 (params, "limit", list->limit);
  if (list->pattern != NULL)
    sh_database_set_string (params, "pattern", list->pattern);

  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  scenes = g_ptr_array_new_full (MAX (n_rows, 0), (GDestroyNotify) sh_scene_record_free);
  for (int row = 0; row < n_rows; row++)
    {
      ShSceneRecord *scene = scene_from_row (model, row);

      read_failure (scene, model, row, COL_GENERATED + 1);
      g_ptr_array_add (scenes, scene);
    }

  return g_steal_pointer (&scenes);
}

/**
 * sh_scene_store_list_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @filter: which scenes to list, by their generated flag
 * @search: (nullable): text the title must contain, case-insensitively (SQLite folds
 *   ASCII letters only); `%` and `_` are literal
 * @after_id: list scenes whose id is greater than this (0 for the first page)
 * @limit: at most this many scenes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the scenes
 * @user_data: data for @callback
 *
 * Reads one page of scenes ordered by id. The next page starts after the last id of this
 * one (keyset paging, as fast on the last page as on the first).
 */
void
sh_scene_store_list_async (ShSceneStore        *self,
                           gint64               server_id,
                           ShGeneratedFilter    filter,
                           const char          *search,
                           gint64               after_id,
                           guint                limit,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  ListData *list;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (filter <= SH_GENERATED_FAILING);
  g_return_if_fail (limit > 0);

  list = g_new0 (ListData, 1);
  list->server_id = server_id;
  list->filter = filter;
  list->pattern = search != NULL && *search != '\0' ? like_pattern (search) : NULL;
  list->after_id = after_id;
  list->limit = limit;

  _sh_store_run (SH_STORE (self), sh_scene_store_list_async, list_func, list, list_data_free,
                 (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * sh_scene_store_list_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShSceneRecord): the scenes, which the array
 *   frees; %NULL with @error set on failure
 */
GPtrArray *
sh_scene_store_list_finish (ShSceneStore  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_list_async, error);
}

/* Keys and rows for list models ------------------------------------------------------- */

typedef struct
{
  gint64             server_id;
  ShGeneratedFilter  filter;
  char              *pattern;     /* (owned) (nullable) LIKE pattern, escaped with '!' */
  char              *job_id;      /* (owned) (nullable) */
  ShSceneSort        sort;
  gboolean           descending;
} ListIdsData;

static void
list_ids_data_free (gpointer data)
{
  ListIdsData *list = data;

  g_free (list->pattern);
  g_free (list->job_id);
  g_free (list);
}

/* The order of a sort column. Text compares byte by byte (after lower()) on both
 * databases, so that a list sorts the same whichever holds it: PostgreSQL would
 * otherwise follow the collation of the database. */
static const char *
sort_expression (ShSceneSort sort,
                 gboolean    postgres)
{
  switch (sort)
    {
    case SH_SCENE_SORT_TITLE:
      return postgres ? "lower(COALESCE(title, '')) COLLATE \"C\"" : "lower(COALESCE(title, ''))";

    case SH_SCENE_SORT_PATH:
      return postgres ? "lower(COALESCE(path, '')) COLLATE \"C\"" : "lower(COALESCE(path, ''))";

    case SH_SCENE_SORT_GENERATED:
      return "st.generated";

    case SH_SCENE_SORT_LAST_SYNCED:
      return postgres ? "COALESCE(last_synced, '') COLLATE \"C\"" : "COALESCE(last_synced, '')";

    case SH_SCENE_SORT_ID:
    default:
      return NULL;
    }
}

/* The ids as one text, "3,1,2": a million rows through a libgda data model took 1.5 s and
 * 170 MB (a GdaRow with its GValues per row), against 0.1 s for one aggregated string
 * that is parsed here. Anything but a list of decimal numbers is skipped, not trusted. */
static GArray *
parse_id_list (const char *text)
{
  GArray *ids;
  const char *p = text;

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), text != NULL ? strlen (text) / 7 + 1 : 0);

  while (p != NULL && *p != '\0')
    {
      guint64 id = 0;
      guint n_digits = 0;

      /* By hand: g_ascii_strtoll() was a third of the time of a million ids. */
      while (*p >= '0' && *p <= '9' && n_digits < 18)
        {
          id = id * 10 + (guint64) (*p - '0');
          n_digits++;
          p++;
        }

      if (n_digits > 0 && (*p == ',' || *p == '\0'))
        {
          gint64 value = (gint64) id;

          g_array_append_val (ids, value);
        }

      /* On to the next separator. */
      while (*p != '\0' && *p != ',')
        p++;
      if (*p == ',')
        p++;
    }

  return ids;
}

static gpointer
list_ids_func (ShDatabase     *db,
               GdaConnection  *cnc,
               gpointer        data,
               GCancellable   *cancellable,
               GError        **error)
{
  static const GType types[] = { G_TYPE_STRING, G_TYPE_NONE };
  ListIdsData *list = data;
  const char *direction = list->descending ? " DESC" : " ASC";
  const char *expression = sort_expression (list->sort, sh_database_is_postgres (db));
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GString) where = g_string_new (NULL);
  g_autofree char *sql = NULL;
  g_autofree char *text = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  const char *role = NULL;
  const char *from;

  if (list->job_id != NULL && !(role = _sh_database_get_updated_role (db, list->job_id, error)))
    return NULL;

  if (expression != NULL)
    g_string_append_printf (order, "%s%s, ", expression, direction);
  g_string_append_printf (order, "st.scene_id%s", direction);

  g_string_append (where, "st.server_id = ##server_id::gint64");
  g_string_append (where, generated_condition (list->filter));
  if (list->job_id != NULL)
    g_string_append_printf (where, " AND st.scene_id IN (SELECT scene_id FROM job_scene_set "
                                   "WHERE job_key = " SH_JOB_KEY_OF_JOB_ID " "
                                   "AND role = %" G_GINT64_FORMAT ")",
                            _sh_database_role_code (role));

  /* By id or by the flag, the narrow scene_state alone answers; a search or a sort by
   * another column needs the scenes themselves. lower() on both sides, as in
   * list_func(). */
  if (list->pattern != NULL || (expression != NULL && list->sort != SH_SCENE_SORT_GENERATED))
    {
      from = "scene_state st CROSS JOIN scene s";
      g_string_append (where, " AND s.server_id = st.server_id AND s.id = st.scene_id");
      if (list->pattern != NULL)
        g_string_append (where, " AND (lower(s.title) LIKE lower(##pattern::string) ESCAPE '!'"
                                " OR lower(s.path) LIKE lower(##pattern::string) ESCAPE '!')");
    }
  else
    {
      from = "scene_state st";
    }

  /* SQLite before 3.44 has no ORDER BY inside an aggregate, but group_concat() keeps the
   * order of an ordered subquery; PostgreSQL says what it means. In id order, scene_state
   * alone is read in the order of its primary key, the only index it has, and needs no
   * subquery. group_concat() with its default separator (a comma) is twice as fast as
   * with one given: 65 ms against 135 ms for 1,000,000 ids. */
  if (sh_database_is_postgres (db))
    sql = g_strdup_printf ("SELECT string_agg(CAST(st.scene_id AS TEXT), ',' ORDER BY %s) "
                           "FROM %s WHERE %s",
                           order->str, from, where->str);
  else if (expression == NULL && !list->descending && list->pattern == NULL)
    sql = g_strdup_printf ("SELECT group_concat(st.scene_id) FROM %s WHERE %s",
                           from, where->str);
  else
    sql = g_strdup_printf ("SELECT group_concat(scene_id) FROM "
                           "(SELECT st.scene_id FROM %s WHERE %s ORDER BY %s)",
                           from, where->str, order->str);

  if (!(stmt = sh_database_prepare_full (db, sql, &params, error)))
    return NULL;
  sh_database_set_int64 (params, "server_id", list->server_id);
  bind_generated_condition (db, params, list->filter);
  if (list->pattern != NULL)
    sh_database_set_string (params, "pattern", list->pattern);
  if (list->job_id != NULL)
    sh_database_set_string (params, "job_id", list->job_id);
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;

  /* NULL when no scene matches. */
  text = sh_database_model_dup_string (model, 0, 0);
  g_clear_object (&model);

  return parse_id_list (text);
}

/**
 * sh_scene_store_list_ids_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @filter: which scenes to list, by their generated flag
 * @search: (nullable): text the title or the path must contain, case-insensitively
 *   (SQLite folds ASCII letters only); `%` and `_` are literal
 * @job_id: (nullable): only the scenes whose generated flag this job changed (its
 *   `updated` scenes)
 * @sort: the order
 * @descending: whether to reverse it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the ids
 * @user_data: data for @callback
 *
 * Lists the ids of every matching scene in order, with one query: the keys of a list
 * model, which then reads the rows it shows with sh_scene_store_get_scenes_async(). Eight
 * bytes per scene.
 */
void
sh_scene_store_list_ids_async (ShSceneStore        *self,
                               gint64               server_id,
                               ShGeneratedFilter    filter,
                               const char          *search,
                               const char          *job_id,
                               ShSceneSort          sort,
                               gboolean             descending,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  ListIdsData *list;

  g_return_if_fail (SH_IS_SCENE_STORE (self));
  g_return_if_fail (filter <= SH_GENERATED_FAILING);
  g_return_if_fail (sort <= SH_SCENE_SORT_LAST_SYNCED);

  list = g_new0 (ListIdsData, 1);
  list->server_id = server_id;
  list->filter = filter;
  list->pattern = search != NULL && *search != '\0' ? like_pattern (search) : NULL;
  list->job_id = job_id != NULL && *job_id != '\0' ? g_strdup (job_id) : NULL;
  list->sort = sort;
  list->descending = !!descending;

  _sh_store_run (SH_STORE (self), sh_scene_store_list_ids_async, list_ids_func, list,
                 list_ids_data_free, (GDestroyNotify) g_array_unref, cancellable, callback,
                 user_data);
}

/**
 * sh_scene_store_list_ids_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the ids in order, or %NULL with @error
 *   set
 */
GArray *
sh_scene_store_list_ids_finish (ShSceneStore  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_list_ids_async,
                                      error);
}

/* Ids per statement of get_scenes_func(), the page size of the scenes list model: one
 * statement shape, padded by repeating the last id. */
#define GET_CHUNK_ROWS 200

G_LOCK_DEFINE_STATIC (get_scenes_sql);

static const char *
get_scenes_sql (void)
{
  static char *sql;

  G_LOCK (get_scenes_sql);

  if (sql == NULL)
    {
      GString *text = g_string_new ("SELECT " SCENE_COLUMNS_S ", st.generated, s.last_synced, "
                                    FAILURE_COLUMNS
                                    "FROM scene s CROSS JOIN scene_state st "
                                    "WHERE s.server_id = ##server_id::gint64 "
                                    "AND st.server_id = s.server_id AND st.scene_id = s.id "
                                    "AND s.id IN (");

      for (guint i = 0; i < GET_CHUNK_ROWS; i++)
        g_string_append_printf (text, "%s##i%u::gint64", i > 0 ? ", " : "", i);
      g_string_append (text, ") ORDER BY s.id");
      sql = g_string_free (text, FALSE);
    }

  G_UNLOCK (get_scenes_sql);

  return sql;
}

static gpointer
get_scenes_func (ShDatabase     *db,
                 GdaConnection  *cnc,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  static const GType types[] = {
    G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE,
    G_TYPE_BOOLEAN, G_TYPE_BOOLEAN, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
    G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_NONE,
  };
  IdsData *ids = data;
  g_autoptr(GPtrArray) scenes = NULL;
  GdaHolder *holders[GET_CHUNK_ROWS];
  GdaStatement *stmt;
  GdaSet *params;

  if (!(stmt = sh_database_prepare_full (db, get_scenes_sql (), &params, error)))
    return NULL;
  for (guint i = 0; i < GET_CHUNK_ROWS; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "i%u", i);
      holders[i] = _sh_database_get_holder (params, name);
    }
  sh_database_set_int64 (params, "server_id", ids->server_id);

  scenes = g_ptr_array_new_full (ids->n_ids, (GDestroyNotify) sh_scene_record_free);
  for (guint start = 0; start < ids->n_ids; start += GET_CHUNK_ROWS)
    {
      g_autoptr(GdaDataModel) model = NULL;
      int n_rows;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      for (guint i = 0; i < GET_CHUNK_ROWS; i++)
        _sh_database_holder_set_int64 (holders[i], ids->ids[MIN (start + i, ids->n_ids - 1)]);

      if (!(model = sh_database_select (db, stmt, params, types, error)))
        return NULL;

      n_rows = gda_data_model_get_n_rows (model);
      for (int row = 0; row < n_rows; row++)
        {
          ShSceneRecord *scene = scene_from_row (model, row);

          scene->last_synced = sh_database_model_dup_string (model, row, COL_GENERATED + 1);
          read_failure (scene, model, row, COL_GENERATED + 2);
          g_ptr_array_add (scenes, scene);
        }
    }

  return g_steal_pointer (&scenes);
}

/**
 * sh_scene_store_get_scenes_async:
 * @self: a #ShSceneStore
 * @server_id: the server's row id
 * @ids: (array length=n_ids): scene ids; unknown ones are ignored
 * @n_ids: the number of ids
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the scenes
 * @user_data: data for @callback
 *
 * Reads scenes by id, each with its `last_synced`: the rows a list model shows. Without a
 * transaction, a statement per 200 ids; meant for a page of a list, not for a whole
 * library.
 */
void
sh_scene_store_get_scenes_async (ShSceneStore        *self,
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
      _sh_store_return (SH_STORE (self), sh_scene_store_get_scenes_async,
                        g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free),
                        (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
      return;
    }

  _sh_store_run (SH_STORE (self), sh_scene_store_get_scenes_async, get_scenes_func,
                 _sh_scene_store_ids_data_new (server_id, ids, n_ids),
                 _sh_scene_store_ids_data_free, (GDestroyNotify) g_ptr_array_unref, cancellable,
                 callback, user_data);
}

/**
 * sh_scene_store_get_scenes_finish:
 * @self: a #ShSceneStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShSceneRecord): the scenes that exist, ascending
 *   by id within each 200 ids asked for; %NULL with @error set on failure
 */
GPtrArray *
sh_scene_store_get_scenes_finish (ShSceneStore  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (self), NULL);

  return _sh_store_propagate_pointer (SH_STORE (self), result, sh_scene_store_get_scenes_async,
                                      error);
}
