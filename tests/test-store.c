/* test-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store layer: ShDatabase (worker thread, migrations, servers), ShStore and ShSceneStore.
 * Built twice: as test-store on a fresh SQLite file per test (the `unit` suite), and with
 * SH_TEST_POSTGRES as test-store-postgres on the server named by STASHHOG_TEST_POSTGRES
 * (the `postgres` suite), whose tables are dropped before every test.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "sh-database-private.h"
#include "sh-database-url.h"
#include "sh-job-store.h"
#include "sh-scene-store.h"
#include "sh-scene-store-private.h"
#include "sh-scene-store-summary.h"
#include "sh-store-private.h"
#include "sh-test-utils.h"

#ifdef SH_TEST_POSTGRES
# define BACKEND "postgres"
#else
# define BACKEND "sqlite"
#endif

typedef struct
{
  char         *url;        /* (owned) (nullable) NULL: the default SQLite file */
  gboolean      gda_binding; /* never bind through SQLite's own handle */
  ShDatabase   *db;         /* (owned) */
  ShSceneStore *store;      /* (owned) */
  gint64        server_id;
} Fixture;

static const char *
test_url (void)
{
#ifdef SH_TEST_POSTGRES
  return g_getenv ("STASHHOG_TEST_POSTGRES");
#else
  return NULL;
#endif
}

/* Each test starts from an empty PostgreSQL database. */
static void
reset_postgres (void)
{
#ifdef SH_TEST_POSTGRES
  sh_test_reset_postgres ();
#endif
}

static gboolean
open_database (ShDatabase  *db,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_database_open_async (db, NULL, sh_test_store_result, &result);

  return sh_database_open_finish (db, sh_test_await (&result), error);
}

static gpointer
run_database (ShDatabase      *db,
              ShDatabaseFunc   func,
              gpointer         data,
              GDestroyNotify   result_free,
              GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_database_run_async (db, func, data, NULL, result_free, NULL, sh_test_store_result, &result);

  return sh_database_run_finish (db, sh_test_await (&result), error);
}

static gint64
ensure_server (ShDatabase  *db,
               const char  *url,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_database_ensure_server_async (db, url, NULL, sh_test_store_result, &result);

  return sh_database_ensure_server_finish (db, sh_test_await (&result), error);
}

static guint
upsert (ShSceneStore *store,
        gint64        server_id,
        GPtrArray    *records,
        const char   *stamp)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_reset = G_MAXUINT;

  sh_scene_store_upsert_async (store, server_id, records, stamp, NULL, sh_test_store_result, &result);
  g_assert_true (sh_scene_store_upsert_finish (store, sh_test_await (&result), &n_reset, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_reset, !=, G_MAXUINT);

  return n_reset;
}

static guint64
count (ShSceneStore      *store,
       gint64             server_id,
       ShGeneratedFilter  filter)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n = G_MAXUINT64;

  sh_scene_store_count_async (store, server_id, filter, NULL, sh_test_store_result, &result);
  g_assert_true (sh_scene_store_count_finish (store, sh_test_await (&result), &n, &error));
  g_assert_no_error (error);

  return n;
}

static GPtrArray *
list (ShSceneStore      *store,
      gint64             server_id,
      ShGeneratedFilter  filter,
      const char        *search,
      gint64             after_id,
      guint              limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *scenes;

  sh_scene_store_list_async (store, server_id, filter, search, after_id, limit, NULL,
                             sh_test_store_result, &result);
  scenes = sh_scene_store_list_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (scenes);

  return scenes;
}

static guint64
set_generated (ShSceneStore *store,
               gint64        server_id,
               const gint64 *ids,
               guint         n_ids,
               gboolean      generated)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rows;

  sh_scene_store_set_generated_async (store, server_id, ids, n_ids, generated, NULL,
                                      sh_test_store_result, &result);
  rows = sh_scene_store_set_generated_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return rows;
}

static GArray *
get_ids (ShSceneStore *store,
         gint64        server_id,
         const gint64 *ids,
         guint         n_ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GArray *found;

  sh_scene_store_get_ids_async (store, server_id, ids, n_ids, NULL, sh_test_store_result, &result);
  found = sh_scene_store_get_ids_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);

  return found;
}

static char *
last_updated_at (ShSceneStore *store,
                 gint64        server_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *value;

  sh_scene_store_get_last_updated_at_async (store, server_id, NULL, sh_test_store_result, &result);
  value = sh_scene_store_get_last_updated_at_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return value;
}

static guint64
delete_unseen (ShSceneStore *store,
               gint64        server_id,
               const char   *stamp)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rows;

  sh_scene_store_delete_unseen_async (store, server_id, stamp, NULL, sh_test_store_result, &result);
  rows = sh_scene_store_delete_unseen_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return rows;
}

static ShSceneRecord *
make_scene (gint64      id,
            const char *title,
            const char *path,
            const char *oshash,
            const char *markers_digest)
{
  ShSceneRecord *scene = sh_scene_record_new ();

  scene->id = id;
  scene->title = g_strdup (title);
  scene->path = g_strdup (path);
  scene->oshash = g_strdup (oshash);
  scene->markers_digest = g_strdup (markers_digest);
  scene->duration = id * 1.5;
  scene->stash_created_at = g_strdup ("2024-01-01T00:00:00Z");
  scene->stash_updated_at = g_strdup_printf ("2024-02-%02dT00:00:00Z", (int)(id % 28) + 1);

  return scene;
}

static GPtrArray *
new_page (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free);
}

static GPtrArray *
make_scenes (gint64 first,
             guint  n)
{
  GPtrArray *scenes = new_page ();

  for (guint i = 0; i < n; i++)
    {
      gint64 id = first + i;
      g_autofree char *title = g_strdup_printf ("Scene %" G_GINT64_FORMAT, id);
      g_autofree char *path = g_strdup_printf ("/media/scene-%" G_GINT64_FORMAT ".mp4", id);
      g_autofree char *oshash = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", id);

      g_ptr_array_add (scenes, make_scene (id, title, path, oshash, NULL));
    }

  return scenes;
}

static GPtrArray *
list_all (ShSceneStore      *store,
          gint64             server_id,
          ShGeneratedFilter  filter)
{
  return list (store, server_id, filter, NULL, 0, G_MAXINT);
}

static ShSceneRecord *
find_scene (GPtrArray *scenes,
            gint64     id)
{
  for (guint i = 0; i < scenes->len; i++)
    {
      ShSceneRecord *scene = g_ptr_array_index (scenes, i);

      if (scene->id == id)
        return scene;
    }

  return NULL;
}

/* Fixture ----------------------------------------------------------------------------- */

static void
fixture_open (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->db = sh_database_new (fixture->url, NULL);
  if (fixture->gda_binding)
    _sh_database_disable_direct_sqlite (fixture->db);
  open_database (fixture->db, &error);
  g_assert_no_error (error);

  fixture->store = sh_scene_store_new (fixture->db);
  fixture->server_id = ensure_server (fixture->db, "http://stash.test:9999", &error);
  g_assert_no_error (error);
  g_assert_cmpint (fixture->server_id, >, 0);
}

static void
fixture_close (Fixture *fixture)
{
  /* Results are delivered in idles; none may keep the objects alive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  g_assert_finalize_object (g_steal_pointer (&fixture->db));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->url = g_strdup (test_url ());
  reset_postgres ();
  fixture_open (fixture);
}

#ifndef SH_TEST_POSTGRES
/* The sync's pages staged through libgda's bound values, as when SQLite's handle is not
 * found under libgda's connection (sh-database-sqlite.c). */
static void
fixture_setup_gda_binding (Fixture       *fixture,
                           gconstpointer  data)
{
  fixture->gda_binding = TRUE;
  fixture_setup (fixture, data);
}
#endif

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->db != NULL)
    fixture_close (fixture);
  g_clear_pointer (&fixture->url, g_free);
}

/* Worker functions used by the tests --------------------------------------------------- */

static gpointer
schema_versions_func (ShDatabase     *db,
                      GdaConnection  *cnc,
                      gpointer        data,
                      GCancellable   *cancellable,
                      GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GArray *versions;
  GdaStatement *stmt;

  stmt = sh_database_prepare (db, "SELECT version FROM schema_version ORDER BY version", error);
  if (stmt == NULL)
    return NULL;
  if (!(model = sh_database_select (db, stmt, NULL, types, error)))
    return NULL;

  versions = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int row = 0; row < gda_data_model_get_n_rows (model); row++)
    {
      gint64 version = sh_database_model_get_int64 (model, row, 0);

      g_array_append_val (versions, version);
    }

  return versions;
}

static GArray *
schema_versions (ShDatabase *db)
{
  g_autoptr(GError) error = NULL;
  GArray *versions;

  versions = run_database (db, schema_versions_func, NULL, (GDestroyNotify) g_array_unref, &error);
  g_assert_no_error (error);

  return versions;
}

static gpointer
execute_func (ShDatabase     *db,
              GdaConnection  *cnc,
              gpointer        data,
              GCancellable   *cancellable,
              GError        **error)
{
  if (!sh_database_execute_sql (db, data, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static void
execute (ShDatabase *db,
         const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (run_database (db, execute_func, (gpointer)sql, NULL, &error));
  g_assert_no_error (error);
}

static gpointer
migrate_func (ShDatabase     *db,
              GdaConnection  *cnc,
              gpointer        data,
              GCancellable   *cancellable,
              GError        **error)
{
  return _sh_database_migrate (db, cancellable, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
count_rows_func (ShDatabase     *db,
                 GdaConnection  *cnc,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", (const char *)data);
  GdaStatement *stmt;
  gint64 n;

  if (!(stmt = sh_database_prepare (db, sql, error)))
    return NULL;
  if (!(model = sh_database_select (db, stmt, NULL, types, error)))
    return NULL;
  n = sh_database_model_get_int64 (model, 0, 0);

  return g_memdup2 (&n, sizeof n);
}

static gint64
count_rows (ShDatabase *db,
            const char *table)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *n = NULL;

  n = run_database (db, count_rows_func, (gpointer)table, g_free, &error);
  g_assert_no_error (error);
  g_assert_nonnull (n);

  return *n;
}

static gpointer
server_urls_func (ShDatabase     *db,
                  GdaConnection  *cnc,
                  gpointer        data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  static const GType types[] = { G_TYPE_STRING, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GString *urls = g_string_new (NULL);
  GdaStatement *stmt;

  if (!(stmt = sh_database_prepare (db, "SELECT url FROM server ORDER BY id", error))
      || !(model = sh_database_select (db, stmt, NULL, types, error)))
    {
      g_string_free (urls, TRUE);
      return NULL;
    }

  for (int row = 0; row < gda_data_model_get_n_rows (model); row++)
    {
      g_autofree char *url = sh_database_model_dup_string (model, row, 0);

      g_string_append_printf (urls, "%s\n", url);
    }

  return g_string_free (urls, FALSE);
}

/* Tests: database --------------------------------------------------------------------- */

static void
test_database_new_destroy (void)
{
  ShDatabase *db;

  db = sh_database_new (NULL, NULL);
  g_assert_cmpstr (sh_database_get_provider (db), ==, "SQLite");
  g_assert_true (g_str_has_prefix (sh_database_get_location (db), g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (sh_database_get_location (db), "/stashhog/stashhog.db"));
  g_assert_finalize_object (db);

  /* A password in the address never shows in messages. */
  db = sh_database_new ("postgresql://user:hunter2@db.example:5433/stash", NULL);
  g_assert_cmpstr (sh_database_get_provider (db), ==, "PostgreSQL");
  g_assert_null (strstr (sh_database_get_location (db), "hunter2"));
  g_assert_finalize_object (db);

  db = sh_database_new ("not a database address", NULL);
  g_assert_null (sh_database_get_provider (db));
  g_assert_finalize_object (db);
}

static void
test_database_invalid_url (void)
{
  g_autoptr(GError) error = NULL;
  ShDatabase *db = sh_database_new ("mysql://nope", NULL);

  g_assert_false (open_database (db, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "Preferences"));
  g_assert_finalize_object (db);
}

static void
test_database_migrate (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char * const tables[] = {
    "server", "scene", "scene_state", "job", "job_scene_set", "job_key", "job_applied",
    "server_sync",
  };
  g_autoptr(GArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  guint n_versions;
  gint64 id;

  /* From empty (the fixture): every version recorded once, up to the newest, every table
   * there. The numbers may have a gap where a migration went to another branch. */
  versions = schema_versions (fixture->db);
  n_versions = versions->len;
  g_assert_cmpuint (n_versions, >=, 1);
  g_assert_cmpuint (n_versions, <=, SH_DATABASE_SCHEMA_VERSION);
  g_assert_cmpint (g_array_index (versions, gint64, 0), ==, 1);
  for (guint i = 1; i < versions->len; i++)
    g_assert_cmpint (g_array_index (versions, gint64, i), >, g_array_index (versions, gint64, i - 1));
  g_assert_cmpint (g_array_index (versions, gint64, n_versions - 1), ==, SH_DATABASE_SCHEMA_VERSION);
  g_clear_pointer (&versions, g_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (count_rows (fixture->db, tables[i]), ==, i == 0 ? 1 : 0);

  /* Running the migrations again changes nothing. */
  g_assert_nonnull (run_database (fixture->db, migrate_func, NULL, NULL, &error));
  g_assert_no_error (error);
  versions = schema_versions (fixture->db);
  g_assert_cmpuint (versions->len, ==, n_versions);
  g_clear_pointer (&versions, g_array_unref);

  /* Reopening keeps the data. */
  fixture_close (fixture);
  fixture_open (fixture);
  versions = schema_versions (fixture->db);
  g_assert_cmpuint (versions->len, ==, n_versions);
  g_clear_pointer (&versions, g_array_unref);
  id = ensure_server (fixture->db, "http://stash.test:9999/", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, fixture->server_id);

  /* Every statement is idempotent: with the record lost, the migration runs again over
   * the existing tables. */
  execute (fixture->db, "DELETE FROM schema_version");
  fixture_close (fixture);
  fixture_open (fixture);
  versions = schema_versions (fixture->db);
  g_assert_cmpuint (versions->len, ==, n_versions);
  g_clear_pointer (&versions, g_array_unref);
  g_assert_cmpint (count_rows (fixture->db, "server"), ==, 1);

  /* Schema 8: on PostgreSQL, scene_state has no foreign key (a statement-level trigger
   * deletes a scene's row with it); SQLite keeps its key. */
#ifdef SH_TEST_POSTGRES
  g_assert_cmpint (count_rows (fixture->db, "pg_constraint WHERE conrelid = "
                                            "'scene_state'::regclass AND contype = 'f'"), ==, 0);
  g_assert_cmpint (count_rows (fixture->db, "pg_trigger WHERE tgname = 'scene_delete_state'"),
                   ==, 1);
#else
  g_assert_cmpint (count_rows (fixture->db, "pragma_foreign_key_list('scene_state')"), ==, 2);
#endif
}

/* A database of schema 2 kept the generated flag in `scene`: the upgrade carries it over
 * to scene_state and drops the index of the old column. */
static void
test_database_upgrade_generated (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 6);

  upsert (fixture->store, fixture->server_id, page, "sync");

  /* Back to how schema 2 left it. */
  execute (fixture->db, "DELETE FROM scene_state");
  execute (fixture->db, "DROP TABLE job_applied");
  execute (fixture->db, "UPDATE scene SET generated = (id IN (2, 4, 5))");
  execute (fixture->db, "CREATE INDEX scene_server_generated_idx "
                        "ON scene (server_id, generated, id)");
  execute (fixture->db, "DELETE FROM schema_version WHERE version >= 3");
  fixture_close (fixture);
  fixture_open (fixture);

  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_YES), ==, 3);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_NO), ==, 3);
  g_assert_cmpint (count_rows (fixture->db, "job_applied"), ==, 0);
  g_assert_cmpint (count_rows (fixture->db, "schema_version WHERE version = "
                               G_STRINGIFY (SH_DATABASE_SCHEMA_VERSION)), ==, 1);

  /* The flag lives in scene_state now: changing it leaves the old column alone. */
  g_assert_cmpuint (set_generated (fixture->store, fixture->server_id,
                                   (const gint64[]) { 1 }, 1, TRUE), ==, 1);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_YES), ==, 4);
}

static guint64
count_job_scenes (ShJobStore *jobs,
                  const char *job_id,
                  const char *role)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  sh_job_store_count_job_scenes_async (jobs, job_id, role, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_store_count_job_scenes_finish (jobs, sh_test_await (&result), &n,
                                                       &error));
  g_assert_no_error (error);

  return n;
}

static GArray *
list_job_scenes (ShJobStore *jobs,
                 const char *job_id,
                 const char *role)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GArray *ids;

  sh_job_store_list_job_scenes_async (jobs, job_id, role, 0, 0, NULL, sh_test_store_result,
                                      &result);
  ids = sh_job_store_list_job_scenes_finish (jobs, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (ids);

  return ids;
}

/* A database of schema 5 kept the scenes of a job in `job_scene`, by the job's text id
 * and the role's name: the upgrade moves them into `job_scene_set` under a key per job,
 * running it again loses nothing, and deleting a job deletes its scenes with it. */
static void
test_database_upgrade_job_scenes (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 6);
  g_autoptr(ShJobStore) jobs = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *insert_jobs = NULL;

  upsert (fixture->store, fixture->server_id, page, "sync");
  insert_jobs = g_strdup_printf ("INSERT INTO job (id, type, status, server_id, created_at, "
                                 "updated_at) VALUES "
                                 "('gen-a', 'stash_generate', 'completed', %" G_GINT64_FORMAT
                                 ", '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), "
                                 "('check-b', 'check_stash_generate', 'completed', %"
                                 G_GINT64_FORMAT ", '2026-01-01T00:00:00Z', "
                                 "'2026-01-01T00:00:00Z')",
                                 fixture->server_id, fixture->server_id);
  execute (fixture->db, insert_jobs);

  /* Back to how schema 5 left it: the Generate tracked 1..3 and was applied, the Check
   * changed 4 and 5 (and tracked nothing). */
  execute (fixture->db, "DROP TABLE job_scene_set");
  execute (fixture->db, "DROP TABLE job_key");
  execute (fixture->db, "CREATE TABLE job_scene ("
                        "  job_id TEXT NOT NULL REFERENCES job (id) ON DELETE CASCADE,"
                        "  scene_id BIGINT NOT NULL,"
                        "  role TEXT NOT NULL CHECK (role IN ('tracked', 'updated')),"
                        "  PRIMARY KEY (job_id, role, scene_id)"
                        ")");
  execute (fixture->db, "INSERT INTO job_scene (job_id, scene_id, role) VALUES "
                        "('gen-a', 1, 'tracked'), ('gen-a', 2, 'tracked'), "
                        "('gen-a', 3, 'tracked'), ('check-b', 4, 'updated'), "
                        "('check-b', 5, 'updated')");
  execute (fixture->db, "INSERT INTO job_applied (job_id, scenes_updated, applied_at) "
                        "VALUES ('gen-a', 3, '2026-01-01T00:00:00Z')");
  execute (fixture->db, "DELETE FROM schema_version WHERE version > 5");
  fixture_close (fixture);
  fixture_open (fixture);
  jobs = sh_job_store_new (fixture->db);

  g_assert_cmpint (count_rows (fixture->db, "job_key"), ==, 2);
  g_assert_cmpint (count_rows (fixture->db, "job_scene_set"), ==, 5);
  g_assert_cmpuint (count_job_scenes (jobs, "gen-a", "tracked"), ==, 3);
  g_assert_cmpuint (count_job_scenes (jobs, "gen-a", "updated"), ==, 3);
  g_assert_cmpuint (count_job_scenes (jobs, "check-b", "tracked"), ==, 0);
  ids = list_job_scenes (jobs, "check-b", "updated");
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 4);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 5);
  g_clear_pointer (&ids, g_array_unref);

  /* Every migration again, over the new tables: nothing lost, nothing doubled. */
  g_clear_object (&jobs);
  execute (fixture->db, "DELETE FROM schema_version");
  fixture_close (fixture);
  fixture_open (fixture);
  jobs = sh_job_store_new (fixture->db);
  g_assert_cmpint (count_rows (fixture->db, "job_key"), ==, 2);
  g_assert_cmpint (count_rows (fixture->db, "job_scene_set"), ==, 5);
  g_assert_cmpuint (count_job_scenes (jobs, "gen-a", "updated"), ==, 3);

  /* A deleted job takes its key and its scenes along; the other job keeps its own. */
  execute (fixture->db, "DELETE FROM job WHERE id = 'gen-a'");
  g_assert_cmpint (count_rows (fixture->db, "job_key"), ==, 1);
  g_assert_cmpint (count_rows (fixture->db, "job_scene_set"), ==, 2);
  g_assert_cmpuint (count_job_scenes (jobs, "check-b", "updated"), ==, 2);

  /* And deleting the server deletes them all. */
  execute (fixture->db, "DELETE FROM server");
  g_assert_cmpint (count_rows (fixture->db, "job_key"), ==, 0);
  g_assert_cmpint (count_rows (fixture->db, "job_scene_set"), ==, 0);
}

static void
test_database_newer_schema (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ShDatabase *db;

  execute (fixture->db, "INSERT INTO schema_version (version) VALUES (999)");
  fixture_close (fixture);

  db = sh_database_new (fixture->url, NULL);
  g_assert_false (open_database (db, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "newer version of StashHog"));
  g_test_message ("%s", error->message);
  g_assert_finalize_object (db);
}

#ifndef SH_TEST_POSTGRES
static void
test_database_not_a_database (void)
{
  static const char header[] = "SQLite format 3";
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "broken.db", NULL);
  g_autofree char *damaged = g_build_filename (g_get_user_data_dir (), "damaged.db", NULL);
  g_autoptr(GString) bytes = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  ShDatabase *db;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "This is not a database, just some text.\n"
                                      "It goes on for a while.\n", -1, &error));
  g_assert_no_error (error);

  db = sh_database_new (path, NULL);
  g_assert_false (open_database (db, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "Preferences"));
  g_clear_error (&error);
  g_assert_finalize_object (db);

  /* A file that starts like SQLite but is garbage after the header. */
  g_string_append_len (bytes, header, sizeof header);
  for (guint i = 0; i < 8192; i++)
    g_string_append_c (bytes, (char)(i * 7 + 3));
  g_assert_true (g_file_set_contents (damaged, bytes->str, bytes->len, &error));
  g_assert_no_error (error);

  db = sh_database_new (damaged, NULL);
  g_assert_false (open_database (db, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SH_STORE_ERROR);
  g_test_message ("%s", error->message);
  g_assert_finalize_object (db);
}

static void
test_database_default_location (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "stashhog", "stashhog.db",
                                           NULL);
  ShDatabase *db;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  db = sh_database_new (NULL, NULL);
  g_assert_true (open_database (db, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_finalize_object (db);
}
#else
static void
test_database_cannot_connect (void)
{
  g_autoptr(ShDatabaseUrl) url = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;
  ShDatabase *db;

  url = sh_database_url_parse (test_url (), &error);
  g_assert_no_error (error);

  /* The same server, a database that does not exist. */
  wrong = g_strdup_printf ("%s_missing", test_url ());
  db = sh_database_new (wrong, "secret-password");
  g_assert_false (open_database (db, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, "secret-password"));
  g_assert_nonnull (strstr (error->message, "Preferences"));
  g_assert_finalize_object (db);
}
#endif

static gpointer
thread_check_func (ShDatabase     *db,
                   GdaConnection  *cnc,
                   gpointer        data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  g_assert_true (GDA_IS_CONNECTION (cnc));
  /* libgda runs on the worker, never on the caller's thread. */
  g_assert_true (g_thread_self () != data);

  return g_strdup ("done");
}

static gpointer
failing_func (ShDatabase     *db,
              GdaConnection  *cnc,
              gpointer        data,
              GCancellable   *cancellable,
              GError        **error)
{
  GdaStatement *stmt;

  /* Left open on purpose: the worker rolls back after an error. */
  if (!sh_database_begin (db, error))
    return NULL;
  if (!(stmt = sh_database_prepare (db, "SELECT no_such_column FROM scene", error)))
    return NULL;
  g_assert_null (sh_database_select (db, stmt, NULL, NULL, error));

  return NULL;
}

static gpointer
must_not_run_func (ShDatabase     *db,
                   GdaConnection  *cnc,
                   gpointer        data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  g_assert_not_reached ();
}

static void
count_in_context_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GMainContext **context = user_data;

  g_assert_true (g_main_context_get_thread_default () == *context);
  *context = NULL;
}

static void
test_database_run (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *results[8] = { NULL, };
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GAsyncResult) late = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GMainContext *pending;

  text = run_database (fixture->db, thread_check_func, g_thread_self (), g_free, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "done");

  g_assert_null (run_database (fixture->db, failing_func, NULL, NULL, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY);
  g_test_message ("%s", error->message);
  /* The real cause, even from inside a PostgreSQL transaction. */
  g_assert_nonnull (strstr (error->message, "no_such_column"));
  g_clear_error (&error);

  /* The worker is still usable, and no transaction was left open. */
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 0);

  /* Cancelled before it starts: the function never runs. */
  g_cancellable_cancel (cancellable);
  sh_database_run_async (fixture->db, must_not_run_func, NULL, NULL, NULL, cancellable,
                         sh_test_store_result, &cancelled);
  g_assert_null (sh_database_run_finish (fixture->db, sh_test_await (&cancelled), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Results arrive on the caller's thread-default context. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  pending = context;
  sh_scene_store_count_async (fixture->store, fixture->server_id, SH_GENERATED_ANY, NULL,
                              count_in_context_cb, &pending);
  while (pending != NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  /* Closing finishes the queued work first; later work fails cleanly. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    sh_database_run_async (fixture->db, thread_check_func, g_thread_self (), NULL, g_free,
                           NULL, sh_test_store_result, &results[i]);
  sh_database_close (fixture->db);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *done = sh_database_run_finish (fixture->db, sh_test_await (&results[i]),
                                                      &error);

      g_assert_no_error (error);
      g_assert_cmpstr (done, ==, "done");
      g_clear_object (&results[i]);
    }

  sh_database_run_async (fixture->db, must_not_run_func, NULL, NULL, NULL, NULL,
                         sh_test_store_result, &late);
  g_assert_null (sh_database_run_finish (fixture->db, sh_test_await (&late), &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN);
}

/* Tests: servers ---------------------------------------------------------------------- */

static void
test_server_sanitize (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "http://localhost:9999", "http://localhost:9999" },
    { "http://localhost:9999/", "http://localhost:9999" },
    { "HTTPS://Stash.Example.COM/stash//", "https://stash.example.com/stash" },
    { "http://user:secret@stash.local:9999/", "http://stash.local:9999" },
    { "http://stash.local/?apikey=SECRET", "http://stash.local" },
    { "http://stash.local/?ApiKey=SECRET&x=1", "http://stash.local?x=1" },
    { "http://stash.local/?x=1&api_key=SECRET#frag", "http://stash.local?x=1" },
  };
  static const char * const invalid[] = { "ftp://stash.local", "stash.local:9999", "", "http://" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = sh_database_sanitize_server_url (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].out);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = sh_database_sanitize_server_url (invalid[i], &error);

      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_null (out);
    }
}

static void
test_server_ensure (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *urls = NULL;
  gint64 secret_id;
  gint64 other_id;

  /* Secrets in the address are stripped: the same server, nothing secret stored. */
  secret_id = ensure_server (fixture->db, "http://me:hunter2@STASH.test:9999/?apikey=KEY123",
                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (secret_id, ==, fixture->server_id);

  other_id = ensure_server (fixture->db, "https://other.test/", &error);
  g_assert_no_error (error);
  g_assert_cmpint (other_id, >, fixture->server_id);
  g_assert_cmpint (ensure_server (fixture->db, "https://other.test", &error), ==, other_id);

  urls = run_database (fixture->db, server_urls_func, NULL, g_free, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (urls, ==, "http://stash.test:9999\nhttps://other.test\n");
  g_assert_null (strstr (urls, "hunter2"));
  g_assert_null (strstr (urls, "KEY123"));

  g_assert_cmpint (ensure_server (fixture->db, "ftp://stash.test", &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Tests: scenes ----------------------------------------------------------------------- */

static void
test_scenes_upsert (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) page = new_page ();
  g_autoptr(GPtrArray) scenes = NULL;
  ShSceneRecord *scene;
  ShSceneRecord *stored;

  /* Every field, including ids beyond 32 bits and NULLs. */
  scene = make_scene (1, "First", "/a/1.mp4", "0000000000000001", "m1");
  scene->phash = g_strdup ("c3c3c3c3c3c3c3c3");
  scene->duration = 1234.5678;
  scene->organized = TRUE;
  scene->interactive = TRUE;
  scene->interactive_speed = 42;
  g_ptr_array_add (page, scene);
  g_ptr_array_add (page, make_scene (5000000000, NULL, NULL, NULL, NULL));
  g_ptr_array_add (page, make_scene (3, "Third", "/a/3.mp4", "3", NULL));
  g_assert_cmpuint (upsert (fixture->store, fixture->server_id, page, "sync-1"), ==, 0);

  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 3);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_NO), ==, 3);

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_ANY);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[0])->id, ==, 1);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[1])->id, ==, 3);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[2])->id, ==, 5000000000);

  stored = find_scene (scenes, 1);
  g_assert_cmpstr (stored->title, ==, "First");
  g_assert_cmpstr (stored->path, ==, "/a/1.mp4");
  g_assert_cmpstr (stored->oshash, ==, "0000000000000001");
  g_assert_cmpstr (stored->phash, ==, "c3c3c3c3c3c3c3c3");
  g_assert_cmpfloat_with_epsilon (stored->duration, 1234.5678, 1e-9);
  g_assert_true (stored->organized);
  g_assert_true (stored->interactive);
  g_assert_cmpint (stored->interactive_speed, ==, 42);
  g_assert_cmpstr (stored->markers_digest, ==, "m1");
  g_assert_cmpstr (stored->stash_created_at, ==, "2024-01-01T00:00:00Z");
  g_assert_cmpstr (stored->stash_updated_at, ==, "2024-02-02T00:00:00Z");
  g_assert_false (stored->generated);

  stored = find_scene (scenes, 5000000000);
  g_assert_null (stored->title);
  g_assert_null (stored->path);
  g_assert_null (stored->phash);
  g_assert_null (stored->markers_digest);
  g_assert_false (stored->organized);
  g_assert_cmpint (stored->interactive_speed, ==, -1);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  /* An update replaces every field. */
  scene = g_ptr_array_index (page, 0);
  g_free (scene->title);
  scene->title = g_strdup ("First, renamed");
  scene->organized = FALSE;
  scene->interactive_speed = -1;
  g_clear_pointer (&scene->phash, g_free);
  g_assert_cmpuint (upsert (fixture->store, fixture->server_id, page, "sync-2"), ==, 0);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 3);

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_ANY);
  stored = find_scene (scenes, 1);
  g_assert_cmpstr (stored->title, ==, "First, renamed");
  g_assert_false (stored->organized);
  g_assert_cmpint (stored->interactive_speed, ==, -1);
  g_assert_null (stored->phash);
}

static void
test_scenes_duplicate_ids (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) page = new_page ();
  g_autoptr(GPtrArray) scenes = NULL;

  g_ptr_array_add (page, make_scene (7, "old", "/7", "7", NULL));
  g_ptr_array_add (page, make_scene (8, "eight", "/8", "8", NULL));
  g_ptr_array_add (page, make_scene (7, "new", "/7", "7", NULL));
  upsert (fixture->store, fixture->server_id, page, "sync");

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_ANY);
  g_assert_cmpuint (scenes->len, ==, 2);
  g_assert_cmpstr (find_scene (scenes, 7)->title, ==, "new");
}

static void
test_scenes_generated_reset (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) page = new_page ();
  g_autoptr(GPtrArray) scenes = NULL;
  const gint64 all[] = { 1, 2, 3, 4, 5, 6 };
  ShSceneRecord *scene;

  g_ptr_array_add (page, make_scene (1, "title", "/1", "h1", NULL));
  g_ptr_array_add (page, make_scene (2, "title", "/2", "h2", NULL));
  g_ptr_array_add (page, make_scene (3, "title", "/3", "h3", NULL));
  g_ptr_array_add (page, make_scene (4, "title", "/4", "h4", NULL));
  g_ptr_array_add (page, make_scene (5, "title", "/5", "h5", "markers"));
  g_ptr_array_add (page, make_scene (6, "title", "/6", "h6", "markers"));
  g_ptr_array_add (page, make_scene (7, "title", "/7", "h7", NULL));
  upsert (fixture->store, fixture->server_id, page, "sync-1");
  g_assert_cmpuint (set_generated (fixture->store, fixture->server_id, all, G_N_ELEMENTS (all),
                                   TRUE), ==, 6);

  /* 1: new title only — stays generated. 2: path changed. 3: oshash changed.
   * 4: markers appeared (NULL → value). 5: markers disappeared (value → NULL).
   * 6: unchanged. 7: changed, but was not generated: not counted. */
  scene = page->pdata[0];
  g_free (scene->title);
  scene->title = g_strdup ("a new title");
  scene = page->pdata[1];
  g_free (scene->path);
  scene->path = g_strdup ("/2-moved");
  scene = page->pdata[2];
  g_free (scene->oshash);
  scene->oshash = g_strdup ("h3-new");
  scene = page->pdata[3];
  scene->markers_digest = g_strdup ("markers");
  scene = page->pdata[4];
  g_clear_pointer (&scene->markers_digest, g_free);
  scene = page->pdata[6];
  g_free (scene->path);
  scene->path = g_strdup ("/7-moved");

  g_assert_cmpuint (upsert (fixture->store, fixture->server_id, page, "sync-2"), ==, 4);

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_YES);
  g_assert_cmpuint (scenes->len, ==, 2);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[0])->id, ==, 1);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[1])->id, ==, 6);
  g_assert_cmpstr (((ShSceneRecord *)scenes->pdata[0])->title, ==, "a new title");

  /* The same page again resets nothing. */
  g_assert_cmpuint (upsert (fixture->store, fixture->server_id, page, "sync-3"), ==, 0);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_YES), ==, 2);
}

static void
test_scenes_delete_unseen (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) first = make_scenes (1, 5);
  g_autoptr(GPtrArray) second = make_scenes (3, 3);
  g_autoptr(GPtrArray) other = make_scenes (1, 4);
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *delete_sql = NULL;
  gint64 other_server;

  other_server = ensure_server (fixture->db, "http://other.test", &error);
  g_assert_no_error (error);

  upsert (fixture->store, fixture->server_id, first, "full-1");
  upsert (fixture->store, other_server, other, "full-1");
  upsert (fixture->store, fixture->server_id, second, "full-2");

  g_assert_cmpuint (delete_unseen (fixture->store, fixture->server_id, "full-2"), ==, 2);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 3);
  g_assert_cmpuint (count (fixture->store, other_server, SH_GENERATED_ANY), ==, 4);

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_ANY);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[0])->id, ==, 3);
  g_assert_cmpuint (delete_unseen (fixture->store, fixture->server_id, "full-2"), ==, 0);

  /* The generated flags went with their scenes. */
  g_assert_cmpint (count_rows (fixture->db, "scene_state"), ==, 3 + 4);

  /* A deleted server takes its scenes and their states along, the other keeps its own. */
  delete_sql = g_strdup_printf ("DELETE FROM server WHERE id = %" G_GINT64_FORMAT,
                                fixture->server_id);
  execute (fixture->db, delete_sql);
  g_assert_cmpint (count_rows (fixture->db, "scene"), ==, 4);
  g_assert_cmpint (count_rows (fixture->db, "scene_state"), ==, 4);
}

/* A page of a full pass: its removals, the cursor and, at the end, the sync point. */
static guint64
full_page (Fixture    *fixture,
           GPtrArray  *records,
           gint64      after_id,
           gboolean    last,
           const char *sync_point)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 removed = G_MAXUINT64;

  sh_scene_store_upsert_full_page_async (fixture->store, fixture->server_id, records, "pass",
                                         after_id, last, sync_point, NULL,
                                         sh_test_store_result, &result);
  g_assert_true (sh_scene_store_upsert_full_page_finish (fixture->store,
                                                         sh_test_await (&result), NULL,
                                                         &removed, &error));
  g_assert_no_error (error);

  return removed;
}

static gint64
get_cursor (Fixture  *fixture,
            char    **sync_point)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 after_id = -1;
  gboolean found;

  sh_scene_store_get_cursor_async (fixture->store, fixture->server_id, NULL,
                                   sh_test_store_result, &result);
  found = sh_scene_store_get_cursor_finish (fixture->store, sh_test_await (&result),
                                            &after_id, sync_point, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found, ==, after_id > 0);

  return after_id;
}

static char *
get_sync_point (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *point;

  sh_scene_store_get_sync_point_async (fixture->store, fixture->server_id, NULL,
                                       sh_test_store_result, &result);
  point = sh_scene_store_get_sync_point_finish (fixture->store, sh_test_await (&result),
                                                &error);
  g_assert_no_error (error);

  return point;
}

static GPtrArray *
scenes_with_ids (const gint64 *ids,
                 guint         n_ids)
{
  GPtrArray *page = new_page ();

  for (guint i = 0; i < n_ids; i++)
    g_ptr_array_add (page, make_scene (ids[i], NULL, NULL, NULL, NULL));

  return page;
}

static void
test_scenes_full_pass (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) mirror = make_scenes (1, 10);
  g_autoptr(GPtrArray) other = make_scenes (1, 4);
  g_autoptr(GPtrArray) page1 = scenes_with_ids ((gint64[]) { 1, 2, 4, 5 }, 4);
  g_autoptr(GPtrArray) page2 = scenes_with_ids ((gint64[]) { 6, 8 }, 2);
  g_autoptr(GPtrArray) page3 = scenes_with_ids ((gint64[]) { 9 }, 1);
  g_autoptr(GPtrArray) empty = new_page ();
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor_point = NULL;
  g_autofree char *point = NULL;
  gint64 other_server;

  other_server = ensure_server (fixture->db, "http://other.test", &error);
  g_assert_no_error (error);
  upsert (fixture->store, fixture->server_id, mirror, "old");
  upsert (fixture->store, other_server, other, "old");

  /* Not a completed sync: no point to be incremental from, however full the mirror. */
  g_assert_null (get_sync_point (fixture));
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 0);

  /* Each page removes what is missing from its own id range only. */
  g_assert_cmpuint (full_page (fixture, page1, 0, FALSE, "P0"), ==, 1);
  g_assert_cmpint (get_cursor (fixture, &cursor_point), ==, 5);
  g_assert_cmpstr (cursor_point, ==, "P0");
  g_assert_null (get_sync_point (fixture));
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 9);

  g_assert_cmpuint (full_page (fixture, page2, 5, FALSE, "P0"), ==, 1);
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 8);

  /* The last page removes everything above it, ends the pass and keeps its point. */
  g_assert_cmpuint (full_page (fixture, page3, 8, TRUE, "P0"), ==, 1);
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 0);
  point = get_sync_point (fixture);
  g_assert_cmpstr (point, ==, "P0");

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_ANY);
  g_assert_cmpuint (scenes->len, ==, 7);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[2])->id, ==, 4);
  g_assert_cmpint (((ShSceneRecord *)scenes->pdata[5])->id, ==, 8);
  g_assert_cmpuint (count (fixture->store, other_server, SH_GENERATED_ANY), ==, 4);
  g_assert_cmpint (count_rows (fixture->db, "scene_state"), ==, 7 + 4);

  /* An empty last page, of a pass that began when Stash had no scene: the scenes above
   * the cursor go, and the point of the last completed pass stays. */
  g_clear_pointer (&point, g_free);
  g_assert_cmpuint (full_page (fixture, empty, 5, TRUE, NULL), ==, 3);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 4);
  point = get_sync_point (fixture);
  g_assert_cmpstr (point, ==, "P0");

  /* A cursor without a point, and forgetting it. */
  g_clear_pointer (&cursor_point, g_free);
  g_assert_cmpuint (full_page (fixture, page1, 0, FALSE, NULL), ==, 0);
  g_assert_cmpint (get_cursor (fixture, &cursor_point), ==, 5);
  g_assert_null (cursor_point);
  sh_scene_store_clear_cursor_async (fixture->store, fixture->server_id, NULL,
                                     sh_test_store_result, &result);
  g_assert_true (sh_scene_store_clear_cursor_finish (fixture->store, sh_test_await (&result),
                                                     &error));
  g_assert_no_error (error);
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 0);
}

static void
test_scenes_counts (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 10);
  const gint64 some[] = { 2, 4, 6 };

  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 0);
  upsert (fixture->store, fixture->server_id, page, "sync");
  g_assert_cmpuint (set_generated (fixture->store, fixture->server_id, some, 3, TRUE), ==, 3);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 10);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_YES), ==, 3);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_NO), ==, 7);
  g_assert_cmpuint (count (fixture->store, fixture->server_id + 1000, SH_GENERATED_ANY), ==, 0);
}

static ShSceneSummary *
summarize (ShSceneStore *store,
           gint64        server_id,
           const gint64 *ids,
           guint         n_ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShSceneSummary *summary;

  sh_scene_store_summarize_async (store, server_id, ids, n_ids, NULL, sh_test_store_result,
                                  &result);
  summary = sh_scene_store_summarize_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);

  return summary;
}

static void
assert_summary (const ShSceneSummary *summary,
                guint64               scenes,
                guint64               checked,
                guint64               complete,
                guint64               incomplete,
                guint64               incomplete_unchecked,
                guint64               failing)
{
  g_assert_cmpuint (summary->scenes, ==, scenes);
  g_assert_cmpuint (summary->checked, ==, checked);
  g_assert_cmpuint (summary->complete, ==, complete);
  g_assert_cmpuint (summary->incomplete, ==, incomplete);
  g_assert_cmpuint (summary->incomplete_unchecked, ==, incomplete_unchecked);
  g_assert_cmpuint (summary->failing, ==, failing);
}

static void
test_scenes_summary (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 10);
  g_autoptr(ShSceneSummary) empty = NULL;
  g_autoptr(ShSceneSummary) all = NULL;
  g_autoptr(ShSceneSummary) some = NULL;
  g_autoptr(ShSceneSummary) none = NULL;
  g_autoptr(ShSceneSummary) other = NULL;
  g_autoptr(ShSceneSummary) unchecked = NULL;
  const gint64 generated[] = { 2, 4, 6 };
  const gint64 targets[] = { 1, 2, 5, 5, 99 };
  g_autofree char *media = NULL;
  g_autofree char *failures = NULL;

  empty = summarize (fixture->store, fixture->server_id, NULL, 0);
  assert_summary (empty, 0, 0, 0, 0, 0, 0);

  upsert (fixture->store, fixture->server_id, page, "sync");
  unchecked = summarize (fixture->store, fixture->server_id, NULL, 0);
  assert_summary (unchecked, 10, 0, 0, 10, 10, 0);

  /* Checked: 1, 2, 3; complete: 2, 4, 6; failing: 5 (7 failed once, under the threshold). */
  set_generated (fixture->store, fixture->server_id, generated, G_N_ELEMENTS (generated), TRUE);
  media = g_strdup_printf ("INSERT INTO scene_media (server_id, scene_id, checked_kinds, "
                           "missing_kinds, checked_at) SELECT server_id, id, 3, 0, 1 "
                           "FROM scene WHERE server_id = %" G_GINT64_FORMAT
                           " AND id IN (1, 2, 3)", fixture->server_id);
  execute (fixture->db, media);
  failures = g_strdup_printf ("INSERT INTO scene_failure (server_id, scene_id, "
                              "failed_generates) VALUES (%" G_GINT64_FORMAT ", 5, 3), "
                              "(%" G_GINT64_FORMAT ", 7, 1)",
                              fixture->server_id, fixture->server_id);
  execute (fixture->db, failures);

  all = summarize (fixture->store, fixture->server_id, NULL, 0);
  assert_summary (all, 10, 3, 3, 7, 5, 1);

  /* Of the scenes asked about, those the mirror has, each once. */
  some = summarize (fixture->store, fixture->server_id, targets, G_N_ELEMENTS (targets));
  assert_summary (some, 3, 2, 1, 2, 1, 1);

  /* An empty set is not the whole library. */
  none = summarize (fixture->store, fixture->server_id, targets, 0);
  assert_summary (none, 0, 0, 0, 0, 0, 0);

  other = summarize (fixture->store, fixture->server_id + 1000, NULL, 0);
  assert_summary (other, 0, 0, 0, 0, 0, 0);
}

static void
test_scenes_last_updated (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 40);
  g_autofree char *empty = NULL;
  g_autofree char *last = NULL;

  empty = last_updated_at (fixture->store, fixture->server_id);
  g_assert_null (empty);

  upsert (fixture->store, fixture->server_id, page, "sync");
  last = last_updated_at (fixture->store, fixture->server_id);
  g_assert_cmpstr (last, ==, "2024-02-28T00:00:00Z");
}

static void
test_scenes_list_paging (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 250);
  g_autoptr(GArray) generated = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 after = 0;
  guint total = 0;
  guint pages = 0;

  upsert (fixture->store, fixture->server_id, page, "sync");

  for (;;)
    {
      g_autoptr(GPtrArray) scenes = list (fixture->store, fixture->server_id, SH_GENERATED_ANY,
                                          NULL, after, 100);

      if (scenes->len == 0)
        break;
      for (guint i = 0; i < scenes->len; i++)
        {
          ShSceneRecord *scene = scenes->pdata[i];

          g_assert_cmpint (scene->id, ==, after + 1);
          after = scene->id;
        }
      total += scenes->len;
      pages++;
    }
  g_assert_cmpuint (total, ==, 250);
  g_assert_cmpuint (pages, ==, 3);

  /* Paging within a filter. */
  for (gint64 id = 1; id <= 250; id += 3)
    g_array_append_val (generated, id);
  set_generated (fixture->store, fixture->server_id, (gint64 *)generated->data, generated->len,
                 TRUE);
  after = 0;
  total = 0;
  for (;;)
    {
      g_autoptr(GPtrArray) scenes = list (fixture->store, fixture->server_id, SH_GENERATED_YES,
                                          NULL, after, 7);

      if (scenes->len == 0)
        break;
      for (guint i = 0; i < scenes->len; i++)
        {
          ShSceneRecord *scene = scenes->pdata[i];

          g_assert_true (scene->generated);
          g_assert_cmpint (scene->id, ==, g_array_index (generated, gint64, total + i));
        }
      after = ((ShSceneRecord *)scenes->pdata[scenes->len - 1])->id;
      total += scenes->len;
    }
  g_assert_cmpuint (total, ==, generated->len);
}

static void
assert_search (Fixture    *fixture,
               const char *search,
               gint64      after_id,
               const char *expected_ids)
{
  g_autoptr(GPtrArray) scenes = list (fixture->store, fixture->server_id, SH_GENERATED_ANY,
                                      search, after_id, 100);
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < scenes->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            ((ShSceneRecord *)scenes->pdata[i])->id);

  g_assert_cmpstr (ids->str, ==, expected_ids);
}

static void
test_scenes_search (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const titles[] = {
    "100% real",            /* 1 */
    "100 real",             /* 2 */
    "a_b",                  /* 3 */
    "axb",                  /* 4 */
    "Caps TITLE",           /* 5 */
    "Hello!",               /* 6 */
    "it's \"quoted\"",      /* 7 */
    "back\\slash",          /* 8 */
    "x%y_z!",               /* 9 */
  };
  g_autoptr(GPtrArray) page = new_page ();

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_ptr_array_add (page, make_scene (i + 1, titles[i], "/p", "h", NULL));
  upsert (fixture->store, fixture->server_id, page, "sync");

  assert_search (fixture, "100% ", 0, "1");
  assert_search (fixture, "100", 0, "1,2");
  assert_search (fixture, "a_b", 0, "3");
  assert_search (fixture, "_", 0, "3,9");
  assert_search (fixture, "%", 0, "1,9");
  assert_search (fixture, "caps title", 0, "5");
  assert_search (fixture, "CAPS", 0, "5");
  assert_search (fixture, "o!", 0, "6");
  assert_search (fixture, "!", 0, "6,9");
  assert_search (fixture, "'s \"q", 0, "7");
  assert_search (fixture, "k\\s", 0, "8");
  assert_search (fixture, "%y_z!", 0, "9");
  assert_search (fixture, "real", 1, "2");
  assert_search (fixture, "nothing like this", 0, "");
  assert_search (fixture, "", 7, "8,9");
}

static void
test_scenes_strings (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char * const titles[] = {
    "single ' quote",
    "double \" quote",
    "back\\slash \\\\ and \\n",
    "emoji 🦔🎬 and ünïcödé, 日本語",
    "tab\tnew\nline\r",
    "'; DROP TABLE scene; --",
    "##not_a_param::string",
    "",
  };
  g_autoptr(GPtrArray) page = new_page ();
  g_autoptr(GPtrArray) scenes = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      ShSceneRecord *scene = make_scene (i + 1, titles[i], titles[i], "h", titles[i]);

      g_ptr_array_add (page, scene);
    }
  upsert (fixture->store, fixture->server_id, page, "sync");

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_ANY);
  g_assert_cmpuint (scenes->len, ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      ShSceneRecord *scene = scenes->pdata[i];

      /* Byte for byte. */
      g_assert_cmpmem (scene->title, strlen (scene->title), titles[i], strlen (titles[i]));
      g_assert_cmpstr (scene->path, ==, titles[i]);
      g_assert_cmpstr (scene->markers_digest, ==, titles[i]);
    }

  assert_search (fixture, "🦔", 0, "4");
  assert_search (fixture, "DROP TABLE", 0, "6");
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==,
                    G_N_ELEMENTS (titles));
}

/* Strings with every ASCII control character, quotes, backslashes and characters outside
 * the BMP; numbers at their limits. */
static GPtrArray *
make_hostile_scenes (void)
{
  static const double durations[] = { 0.0, 0.1 + 0.2, 1234.5678, 1e300, 86399.999999999985 };
  g_autoptr(GString) controls = g_string_new ("");
  GPtrArray *page = new_page ();

  for (char c = 1; c < 0x20; c++)
    g_string_append_c (controls, c);
  g_string_append (controls, "\x7f \xe2\x80\xa8 \xe2\x80\xa9 \"quoted\" back\\\\slash \\u0041 / ");
  g_string_append (controls, "\xf0\x9f\xa6\x94 \xc3\xbc");

  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    {
      ShSceneRecord *scene = make_scene (i + 1, controls->str, "\\", "\"", i % 2 ? NULL : "}]");

      scene->phash = g_strdup ("{\"not\": \"an object\"}");
      scene->duration = durations[i];
      scene->organized = i % 2;
      scene->interactive = !scene->organized;
      scene->interactive_speed = i == 0 ? -1 : i == 1 ? 0 : G_MAXINT32 - (int) i;
      g_ptr_array_add (page, scene);
    }
  ((ShSceneRecord *) page->pdata[0])->id = G_MAXINT64;

  return page;
}

static void
assert_same_scene (const ShSceneRecord *stored,
                   const ShSceneRecord *sent)
{
  g_assert_cmpint (stored->id, ==, sent->id);
  g_assert_cmpstr (stored->title, ==, sent->title);
  g_assert_cmpstr (stored->path, ==, sent->path);
  g_assert_cmpstr (stored->oshash, ==, sent->oshash);
  g_assert_cmpstr (stored->phash, ==, sent->phash);
  /* Exactly the same double. */
  g_assert_true (stored->duration == sent->duration);
  g_assert_cmpint (stored->organized, ==, sent->organized);
  g_assert_cmpint (stored->interactive, ==, sent->interactive);
  g_assert_cmpint (stored->interactive_speed, ==, sent->interactive_speed);
  g_assert_cmpstr (stored->markers_digest, ==, sent->markers_digest);
  g_assert_cmpstr (stored->stash_created_at, ==, sent->stash_created_at);
  g_assert_cmpstr (stored->stash_updated_at, ==, sent->stash_updated_at);
}

static void
test_scenes_values (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_hostile_scenes ();
  g_autoptr(GPtrArray) scenes = NULL;

  upsert (fixture->store, fixture->server_id, page, "sync");

  scenes = list_all (fixture->store, fixture->server_id, SH_GENERATED_ANY);
  g_assert_cmpuint (scenes->len, ==, page->len);
  for (guint i = 0; i < page->len; i++)
    {
      const ShSceneRecord *sent = page->pdata[i];

      assert_same_scene (find_scene (scenes, sent->id), sent);
    }
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);

  return JSON_NODE_HOLDS_NULL (node) ? NULL : json_node_get_string (node);
}

/* The page as PostgreSQL receives it (sh-scene-store-write.c): JSON that any parser
 * reads back into the same values. */
static void
test_scenes_page_json (void)
{
  g_autoptr(GPtrArray) page = make_hostile_scenes ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ShSceneRecord *odd;
  JsonArray *array;

  /* Durations JSON has no number for go as the text PostgreSQL reads into a double. */
  odd = make_scene (7, NULL, NULL, NULL, NULL);
  odd->duration = INFINITY;
  g_ptr_array_add (page, odd);
  odd = make_scene (8, NULL, NULL, NULL, NULL);
  odd->duration = -INFINITY;
  g_ptr_array_add (page, odd);
  odd = make_scene (9, NULL, NULL, NULL, NULL);
  odd->duration = NAN;
  g_ptr_array_add (page, odd);

  text = _sh_scene_store_page_to_json (page);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, page->len);
  for (guint i = 0; i < page->len; i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      const ShSceneRecord *sent = page->pdata[i];
      g_autoptr(ShSceneRecord) read = sh_scene_record_new ();
      JsonNode *node;

      g_assert_cmpuint (json_object_get_size (object), ==, N_SCENE_COLUMNS);
      read->id = json_object_get_int_member (object, "id");
      read->title = g_strdup (member_string (object, "title"));
      read->path = g_strdup (member_string (object, "path"));
      read->oshash = g_strdup (member_string (object, "oshash"));
      read->phash = g_strdup (member_string (object, "phash"));
      read->organized = json_object_get_boolean_member (object, "organized");
      read->interactive = json_object_get_boolean_member (object, "interactive");
      node = json_object_get_member (object, "interactive_speed");
      read->interactive_speed = JSON_NODE_HOLDS_NULL (node) ? -1 : json_node_get_int (node);
      read->markers_digest = g_strdup (member_string (object, "markers_digest"));
      read->stash_created_at = g_strdup (member_string (object, "stash_created_at"));
      read->stash_updated_at = g_strdup (member_string (object, "stash_updated_at"));

      node = json_object_get_member (object, "duration");
      if (isfinite (sent->duration))
        {
          read->duration = json_node_get_double (node);
          assert_same_scene (read, sent);
        }
      else
        {
          g_assert_cmpstr (json_node_get_string (node), ==,
                           isnan (sent->duration) ? "NaN"
                           : sent->duration > 0 ? "Infinity" : "-Infinity");
        }
    }
}

#ifdef SH_TEST_POSTGRES
static void
count_staging (ShDatabase *db,
               const char *sql,
               gpointer    user_data)
{
  if (sql != NULL && g_str_has_prefix (sql, "INSERT INTO " SH_TMP_SCENE_TABLE))
    g_atomic_int_inc ((int *) user_data);
}

/* A page goes to PostgreSQL as one bound value: one statement stages it, whatever its
 * size (the multi-row INSERTs took one statement per 32 scenes). */
static void
test_scenes_one_statement_per_page (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 1000);
  int staged = 0;

  _sh_database_set_execute_hook (fixture->db, count_staging, &staged);
  upsert (fixture->store, fixture->server_id, page, "sync");
  _sh_database_set_execute_hook (fixture->db, NULL, NULL);

  g_assert_cmpint (g_atomic_int_get (&staged), ==, 1);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 1000);
}
#endif

static void
test_scenes_get_ids (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 1000);
  g_autoptr(GPtrArray) other = make_scenes (5000, 10);
  g_autoptr(GArray) wanted = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 other_server;

  other_server = ensure_server (fixture->db, "http://other.test", &error);
  g_assert_no_error (error);
  upsert (fixture->store, fixture->server_id, page, "sync");
  upsert (fixture->store, other_server, other, "sync");

  /* Over several chunks, in any order, with duplicates, unknown ids and ids of another
   * server. */
  for (gint64 id = 1201; id >= 1; id--)
    {
      g_array_append_val (wanted, id);
      if (id % 100 == 0)
        g_array_append_val (wanted, id);
    }
  for (gint64 id = 5000; id < 5010; id++)
    g_array_append_val (wanted, id);

  found = get_ids (fixture->store, fixture->server_id, (gint64 *)wanted->data, wanted->len);
  g_assert_cmpuint (found->len, ==, 1000);
  for (guint i = 0; i < found->len; i++)
    g_assert_cmpint (g_array_index (found, gint64, i), ==, i + 1);
  g_clear_pointer (&found, g_array_unref);

  found = get_ids (fixture->store, other_server, (gint64 *)wanted->data, 1);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_array_unref);

  found = get_ids (fixture->store, fixture->server_id, NULL, 0);
  g_assert_cmpuint (found->len, ==, 0);
}

static void
test_scenes_set_generated_100k (Fixture       *fixture,
                                gconstpointer  data)
{
  const guint n = 100000;
  const guint page_size = 1000;
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_autoptr(GTimer) timer = g_timer_new ();
  guint64 rows;

  for (guint start = 0; start < n; start += page_size)
    {
      g_autoptr(GPtrArray) page = make_scenes (start + 1, page_size);

      upsert (fixture->store, fixture->server_id, page, "sync");
    }
  g_test_message ("upserted %u scenes in %.2f s", n, g_timer_elapsed (timer, NULL));

  for (gint64 id = 1; id <= n; id++)
    g_array_append_val (ids, id);

  g_timer_start (timer);
  rows = set_generated (fixture->store, fixture->server_id, (gint64 *)ids->data, n, TRUE);
  g_test_message ("set_generated over %u ids in %.2f s", n, g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (rows, ==, n);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_YES), ==, n);

  /* Already set: nothing changes. Then half of them back. */
  g_assert_cmpuint (set_generated (fixture->store, fixture->server_id, (gint64 *)ids->data, n,
                                   TRUE), ==, 0);
  g_assert_cmpuint (set_generated (fixture->store, fixture->server_id, (gint64 *)ids->data, n / 2,
                                   FALSE), ==, n / 2);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_NO), ==, n / 2);
}

static void
test_scenes_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) page = make_scenes (1, 10);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  sh_scene_store_upsert_async (fixture->store, fixture->server_id, page, "sync", cancellable,
                               sh_test_store_result, &result);
  g_assert_false (sh_scene_store_upsert_finish (fixture->store, sh_test_await (&result), NULL,
                                                &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 0);
}

#ifndef SH_TEST_POSTGRES
/* A page that fails half-way through its staging leaves the mirror as it was, says why,
 * and the next page is written: the failed statement was reset and the transaction rolled
 * back. */
static void
test_scenes_stage_failure (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) before = make_scenes (1, 2);
  g_autoptr(GPtrArray) page = make_scenes (1, 40);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  upsert (fixture->store, fixture->server_id, before, "sync-1");
  execute (fixture->db,
           "CREATE TEMPORARY TRIGGER refuse_scene BEFORE INSERT ON " SH_TMP_SCENE_TABLE " "
           "WHEN NEW.id = 33 BEGIN SELECT RAISE(ABORT, 'scene 33 refused'); END");

  sh_scene_store_upsert_async (fixture->store, fixture->server_id, page, "sync-2", NULL,
                               sh_test_store_result, &result);
  g_assert_false (sh_scene_store_upsert_finish (fixture->store, sh_test_await (&result), NULL,
                                                &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "A change to the database failed: scene 33 "
                                            "refused."));
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 2);

  execute (fixture->db, "DROP TRIGGER refuse_scene");
  upsert (fixture->store, fixture->server_id, page, "sync-3");
  g_assert_cmpuint (count (fixture->store, fixture->server_id, SH_GENERATED_ANY), ==, 40);
}
#endif

/* Tests: jobs ------------------------------------------------------------------------- */

typedef struct
{
  const char *id;
  const char *type;
  const char *status;
  gint64      server_id;
  gboolean    transaction;
} JobRow;

static gpointer
insert_job_func (ShDatabase     *db,
                 GdaConnection  *cnc,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  JobRow *job = data;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO job (id, type, status, server_id, created_at, "
                                   "updated_at) VALUES (##id::string, ##type::string, "
                                   "##status::string, "
                                   "CAST(##server_id::string::null AS BIGINT), "
                                   "##now::string, ##now::string)",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "id", job->id);
  sh_database_set_string (params, "type", job->type);
  sh_database_set_string (params, "status", job->status);
  if (job->server_id > 0)
    sh_database_set_int64 (params, "server_id", job->server_id);
  else
    sh_database_set_null (params, "server_id");
  sh_database_set_string (params, "now", "2026-01-01T00:00:00Z");

  /* The jobs layer creates a job and its snapshot in one transaction. */
  if (job->transaction && !sh_database_begin (db, error))
    return NULL;
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;
  if (job->transaction && !sh_database_commit (db, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static gpointer
set_job_status_func (ShDatabase     *db,
                     GdaConnection  *cnc,
                     gpointer        data,
                     GCancellable   *cancellable,
                     GError        **error)
{
  JobRow *job = data;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "UPDATE job SET status = ##status::string "
                                   "WHERE id = ##id::string",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_string (params, "status", job->status);
  sh_database_set_string (params, "id", job->id);
  if (sh_database_execute (db, stmt, params, error) != 1)
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static gboolean
insert_job (Fixture     *fixture,
            const char  *id,
            const char  *type,
            const char  *status,
            gint64       server_id,
            GError     **error)
{
  JobRow job = { id, type, status, server_id, FALSE };

  return run_database (fixture->db, insert_job_func, &job, NULL, error) != NULL;
}

static void
test_jobs_one_active (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  JobRow done = { "gen-1", NULL, "completed", 0, FALSE };
  JobRow in_transaction = { "gen-2", "stash_generate", "pending", fixture->server_id, TRUE };
  gint64 server = fixture->server_id;
  gint64 other_server;

  other_server = ensure_server (fixture->db, "http://other.test", &error);
  g_assert_no_error (error);

  g_assert_true (insert_job (fixture, "gen-1", "stash_generate", "pending", server, &error));
  g_assert_no_error (error);

  /* A second active Generate for the same server is refused… */
  g_assert_false (insert_job (fixture, "gen-2", "stash_generate", "running", server, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (insert_job (fixture, "gen-2", "stash_generate", "cancelling", server, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_null (run_database (fixture->db, insert_job_func, &in_transaction, NULL, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* …but another server, another exclusive type, a finished job, or a type that may run
   * concurrently are fine. */
  g_assert_true (insert_job (fixture, "gen-other", "stash_generate", "running", other_server,
                             &error));
  g_assert_true (insert_job (fixture, "sync-1", "sync_scenes", "running", server, &error));
  g_assert_true (insert_job (fixture, "check-1", "check_stash_generate", "pending", server,
                             &error));
  g_assert_true (insert_job (fixture, "gen-old", "stash_generate", "failed", server, &error));
  g_assert_true (insert_job (fixture, "new-1", "process_new_scenes", "running", server, &error));
  g_assert_true (insert_job (fixture, "new-2", "process_new_scenes", "running", server, &error));
  g_assert_no_error (error);
  g_assert_false (insert_job (fixture, "sync-2", "sync_scenes", "pending", server, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Once the first completes, the next one may start. */
  g_assert_nonnull (run_database (fixture->db, set_job_status_func, &done, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (insert_job (fixture, "gen-2", "stash_generate", "pending", server, &error));
  g_assert_no_error (error);

  /* The same id twice is a constraint error too. */
  g_assert_false (insert_job (fixture, "gen-2", "stash_generate", "completed", server, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* An exclusive job needs a server (a NULL would slip through the unique index); other
   * jobs need not have one. */
  g_assert_false (insert_job (fixture, "orphan", "stash_generate", "pending", 0, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY);
  g_clear_error (&error);
  g_assert_true (insert_job (fixture, "serverless", "process_new_scenes", "pending", 0, &error));
  g_assert_no_error (error);
}

static void
test_postgres_configured (void)
{
  g_test_message ("STASHHOG_TEST_POSTGRES is not set. The postgres suite needs a running "
                  "PostgreSQL server: set STASHHOG_TEST_POSTGRES to "
                  "postgresql://user@host:port/database (the database is emptied by the "
                  "tests), or run build-aux/test, which starts one.");
  g_test_fail ();
}

/* ShStore, the base of both stores: the database property, and answers known from the
 * arguments alone, which still come later, on the main context, with the method's type. */
static void
test_store_base (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ShJobStore) jobs = sh_job_store_new (fixture->db);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GArray) ids = NULL;

  g_assert_true (G_TYPE_IS_ABSTRACT (SH_TYPE_STORE));
  g_assert_true (SH_IS_STORE (fixture->store));
  g_assert_true (SH_IS_STORE (jobs));
  g_assert_true (sh_store_get_database (SH_STORE (fixture->store)) == fixture->db);
  g_assert_true (sh_scene_store_get_database (fixture->store) == fixture->db);
  g_assert_true (sh_job_store_get_database (jobs) == fixture->db);
  g_object_get (jobs, "database", &db, NULL);
  g_assert_true (db == fixture->db);

  sh_scene_store_get_ids_async (fixture->store, fixture->server_id, NULL, 0, NULL,
                                sh_test_store_result, &result);
  g_assert_null (result);
  ids = sh_scene_store_get_ids_finish (fixture->store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, ==, 0);
  g_clear_object (&result);

  sh_scene_store_get_scenes_async (fixture->store, fixture->server_id, NULL, 0, NULL,
                                   sh_test_store_result, &result);
  g_assert_null (result);
  scenes = sh_scene_store_get_scenes_finish (fixture->store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (scenes);
  g_assert_cmpuint (scenes->len, ==, 0);
  g_clear_object (&result);

  sh_scene_store_set_generated_async (fixture->store, fixture->server_id, NULL, 0, TRUE, NULL,
                                      sh_test_store_result, &result);
  g_assert_null (result);
  g_assert_cmpuint (sh_scene_store_set_generated_finish (fixture->store, sh_test_await (&result),
                                                         &error), ==, 0);
  g_assert_no_error (error);

  /* A result is its store's and its method's only. */
  g_assert_true (_sh_store_is_valid (SH_STORE (fixture->store), result,
                                     sh_scene_store_set_generated_async));
  g_assert_false (_sh_store_is_valid (SH_STORE (fixture->store), result,
                                      sh_scene_store_get_ids_async));
  g_assert_false (_sh_store_is_valid (SH_STORE (jobs), result,
                                      sh_scene_store_set_generated_async));
}

#ifndef SH_TEST_POSTGRES
static gpointer
has_direct_sqlite_func (ShDatabase     *db,
                        GdaConnection  *cnc,
                        gpointer        data,
                        GCancellable   *cancellable,
                        GError        **error)
{
  return GINT_TO_POINTER (_sh_database_get_sqlite (db) != NULL ? 1 : 2);
}

/* Every stored value with its SQLite storage class, one line per scene. */
static gpointer
dump_scenes_func (ShDatabase     *db,
                  GdaConnection  *cnc,
                  gpointer        data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  static const GType types[] = { G_TYPE_STRING, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;

  stmt = sh_database_prepare (db,
                              "SELECT group_concat(line, char(10)) FROM ("
                              "SELECT s.id || ' ' || quote(s.title) || ' ' || quote(s.path) "
                              "|| ' ' || quote(s.oshash) || ' ' || quote(s.phash) || ' ' "
                              "|| quote(s.duration) || typeof(s.duration) || ' ' "
                              "|| quote(s.organized) || typeof(s.organized) || ' ' "
                              "|| quote(s.interactive) || typeof(s.interactive) || ' ' "
                              "|| quote(s.interactive_speed) || typeof(s.interactive_speed) "
                              "|| ' ' || quote(s.markers_digest) || ' ' "
                              "|| quote(s.stash_created_at) || ' ' || quote(s.stash_updated_at) "
                              "|| ' ' || quote(s.last_synced) || ' ' || quote(st.generated) "
                              "AS line FROM scene s JOIN scene_state st "
                              "ON st.server_id = s.server_id AND st.scene_id = s.id "
                              "ORDER BY s.id)",
                              error);
  if (stmt == NULL || !(model = sh_database_select (db, stmt, NULL, types, error)))
    return NULL;

  return sh_database_model_dup_string (model, 0, 0);
}

/* A database that an earlier version made at PATH.db for PATH is used with SQLite's own
 * binding too. */
static void
test_database_direct_binding_legacy_path (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "legacy", NULL);
  g_autofree char *made = g_strconcat (path, ".db", NULL);
  g_autoptr(GError) error = NULL;
  ShDatabase *db;

  db = sh_database_new (made, NULL);
  open_database (db, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (db);

  db = sh_database_new (path, NULL);
  open_database (db, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (GPOINTER_TO_INT (run_database (db, has_direct_sqlite_func, NULL, NULL,
                                                  &error)), ==, 1);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (db);
}

/* The page writes of a sync bind their values with SQLite's own API on libgda's
 * connection; the rows are the same, value for value and type for type, as when libgda
 * binds them. */
static void
test_scenes_direct_binding (Fixture       *fixture,
                            gconstpointer  data)
{
  /* In the test's own directories, which GLib removes. */
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "gda-binding.db", NULL);
  Fixture other = { path, TRUE };
  g_autofree char *direct = NULL;
  g_autofree char *bound = NULL;
  g_autoptr(GError) error = NULL;
  Fixture *fixtures[2] = { fixture, &other };

  fixture_open (&other);

  g_assert_cmpint (GPOINTER_TO_INT (run_database (fixture->db, has_direct_sqlite_func, NULL,
                                                  NULL, &error)), ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (run_database (other.db, has_direct_sqlite_func, NULL,
                                                  NULL, &error)), ==, 2);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr(GPtrArray) first = make_hostile_scenes ();
      ShSceneRecord *odd;

      odd = make_scene (7, NULL, NULL, NULL, NULL);
      odd->duration = INFINITY;
      odd->interactive_speed = 0;
      g_ptr_array_add (first, odd);
      odd = make_scene (8, NULL, NULL, NULL, NULL);
      odd->duration = NAN;
      odd->interactive_speed = G_MAXINT;
      g_ptr_array_add (first, odd);
      g_ptr_array_add (first, make_scene (9, "gone", "/gone", "9", NULL));
      upsert (fixtures[i]->store, fixtures[i]->server_id, first, "sync-1");
      set_generated (fixtures[i]->store, fixtures[i]->server_id,
                     (const gint64[]) { 1, 2, 3 }, 3, TRUE);
    }

  direct = run_database (fixture->db, dump_scenes_func, NULL, g_free, &error);
  g_assert_no_error (error);
  bound = run_database (other.db, dump_scenes_func, NULL, g_free, &error);
  g_assert_no_error (error);
  g_assert_nonnull (direct);
  g_assert_cmpstr (direct, ==, bound);
  /* The odd values were stored, and the same way. */
  g_assert_nonnull (strstr (direct, "\n7 NULL NULL NULL NULL Infreal "));
  g_assert_nonnull (strstr (direct, " 2147483647integer "));
  g_clear_pointer (&direct, g_free);
  g_clear_pointer (&bound, g_free);

  /* A changed file resets its scene's flag; a full pass of one page removes what it does
   * not hold. */
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr(GPtrArray) second = make_hostile_scenes ();

      g_free (((ShSceneRecord *) second->pdata[1])->path);
      ((ShSceneRecord *) second->pdata[1])->path = g_strdup ("/moved");
      g_assert_cmpuint (full_page (fixtures[i], second, 0, TRUE, NULL), ==, 3);
    }

  direct = run_database (fixture->db, dump_scenes_func, NULL, g_free, &error);
  g_assert_no_error (error);
  bound = run_database (other.db, dump_scenes_func, NULL, g_free, &error);
  g_assert_no_error (error);

  g_assert_nonnull (direct);
  g_assert_cmpstr (direct, ==, bound);
  /* Scene 2's flag went back, 3 kept its own (there is no scene 1); 7, 8 and 9 are
   * gone. */
  g_assert_nonnull (strstr (direct, "'pass' 0\n3 "));
  g_assert_nonnull (strstr (direct, "'pass' 1\n4 "));
  g_assert_null (strstr (direct, "\n7 "));
  g_assert_null (strstr (direct, "'gone'"));

  fixture_close (&other);
  other.url = NULL;
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#ifdef SH_TEST_POSTGRES
  if (test_url () == NULL || *test_url () == '\0')
    {
      g_test_add_func ("/store/postgres/configured", test_postgres_configured);
      return g_test_run ();
    }
#else
  (void)test_postgres_configured;
#endif

#define ADD(path, func) \
  g_test_add ("/store/" BACKEND path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/store/" BACKEND "/database/new-destroy", test_database_new_destroy);
  g_test_add_func ("/store/" BACKEND "/database/invalid-url", test_database_invalid_url);
#ifndef SH_TEST_POSTGRES
  g_test_add_func ("/store/" BACKEND "/database/not-a-database", test_database_not_a_database);
  g_test_add_func ("/store/" BACKEND "/database/default-location", test_database_default_location);
#else
  g_test_add_func ("/store/" BACKEND "/database/cannot-connect", test_database_cannot_connect);
#endif
  ADD ("/database/migrate", test_database_migrate);
  ADD ("/database/upgrade-generated", test_database_upgrade_generated);
  ADD ("/database/upgrade-job-scenes", test_database_upgrade_job_scenes);
  ADD ("/database/newer-schema", test_database_newer_schema);
  ADD ("/database/run", test_database_run);
  ADD ("/store/base", test_store_base);
  g_test_add_func ("/store/" BACKEND "/server/sanitize", test_server_sanitize);
  ADD ("/server/ensure", test_server_ensure);
  ADD ("/scenes/upsert", test_scenes_upsert);
  ADD ("/scenes/duplicate-ids", test_scenes_duplicate_ids);
  ADD ("/scenes/generated-reset", test_scenes_generated_reset);
  ADD ("/scenes/delete-unseen", test_scenes_delete_unseen);
  ADD ("/scenes/full-pass", test_scenes_full_pass);
  ADD ("/scenes/counts", test_scenes_counts);
  ADD ("/scenes/summary", test_scenes_summary);
  ADD ("/scenes/last-updated", test_scenes_last_updated);
  ADD ("/scenes/list-paging", test_scenes_list_paging);
  ADD ("/scenes/search", test_scenes_search);
  ADD ("/scenes/strings", test_scenes_strings);
  ADD ("/scenes/values", test_scenes_values);
  g_test_add_func ("/store/" BACKEND "/scenes/page-json", test_scenes_page_json);
#ifdef SH_TEST_POSTGRES
  ADD ("/scenes/one-statement-per-page", test_scenes_one_statement_per_page);
#endif
#ifndef SH_TEST_POSTGRES
  ADD ("/scenes/direct-binding", test_scenes_direct_binding);
  g_test_add_func ("/store/" BACKEND "/database/direct-binding-legacy-path",
                   test_database_direct_binding_legacy_path);
  ADD ("/scenes/stage-failure", test_scenes_stage_failure);
  /* The page writes again, staged through libgda (sh-database-sqlite.c). */
# define ADD_GDA(path, func) \
  g_test_add ("/store/" BACKEND "/gda-binding" path, Fixture, NULL, fixture_setup_gda_binding, \
              func, fixture_teardown)
  ADD_GDA ("/scenes/upsert", test_scenes_upsert);
  ADD_GDA ("/scenes/duplicate-ids", test_scenes_duplicate_ids);
  ADD_GDA ("/scenes/generated-reset", test_scenes_generated_reset);
  ADD_GDA ("/scenes/delete-unseen", test_scenes_delete_unseen);
  ADD_GDA ("/scenes/full-pass", test_scenes_full_pass);
  ADD_GDA ("/scenes/strings", test_scenes_strings);
  ADD_GDA ("/scenes/values", test_scenes_values);
  ADD_GDA ("/scenes/stage-failure", test_scenes_stage_failure);
  ADD_GDA ("/scenes/get-ids", test_scenes_get_ids);
  ADD_GDA ("/scenes/set-generated-100k", test_scenes_set_generated_100k);
# undef ADD_GDA
#endif
  ADD ("/scenes/get-ids", test_scenes_get_ids);
  ADD ("/scenes/set-generated-100k", test_scenes_set_generated_100k);
  ADD ("/scenes/cancelled", test_scenes_cancelled);
  ADD ("/jobs/one-active", test_jobs_one_active);

#undef ADD

  return g_test_run ();
}
