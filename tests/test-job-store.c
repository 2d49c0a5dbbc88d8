/* test-job-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShJobRecord and ShJobStore: the job table, the one-active-job rule, and the job_scene
 * bookkeeping of Generate and Check. Built twice: as test-job-store on a fresh SQLite file
 * per test (the `unit` suite), and with SH_TEST_POSTGRES as test-job-store-postgres on the
 * server named by STASHHOG_TEST_POSTGRES (the `postgres` suite), emptied before each test.
 */

#include "config.h"

#include <string.h>

#include "sh-database-private.h"
#include "sh-job-store.h"
#include "sh-scene-store-media.h"
#include "sh-test-utils.h"

#ifdef SH_TEST_POSTGRES
# define BACKEND  "postgres"
# define POSTGRES TRUE
#else
# define BACKEND  "sqlite"
# define POSTGRES FALSE
#endif

/* 2026-01-02T03:04:05.123456Z */
#define T0 G_GINT64_CONSTANT (1767323045123456)

typedef struct
{
  char       *db_path;       /* (owned) the SQLite file */
  ShDatabase *db;            /* (owned) */
  ShJobStore *store;         /* (owned) */
  gint64      server_id;
  gint64      other_server_id;
} Fixture;

/* Plain SQL on the worker, for setting scenes up and looking at rows --------------------- */

typedef struct
{
  const char *sql;
  const char *names[4];
  gint64      values[4];
  gboolean    select;
} SqlData;

static gpointer
sql_func (ShDatabase     *db,
          GdaConnection  *cnc,
          gpointer        data,
          GCancellable   *cancellable,
          GError        **error)
{
  static const GType types[] = { G_TYPE_STRING, G_TYPE_NONE };
  SqlData *sql = data;
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GString) text = NULL;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  if (!(stmt = sh_database_prepare_full (db, sql->sql, &params, error)))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sql->names) && sql->names[i] != NULL; i++)
    sh_database_set_int64 (params, sql->names[i], sql->values[i]);

  if (!sql->select)
    {
      if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
        return NULL;
      return g_strdup_printf ("%" G_GINT64_FORMAT, rows);
    }

  /* Every value of the first column, as text, separated by spaces. */
  if (!(model = sh_database_select (db, stmt, params, types, error)))
    return NULL;
  text = g_string_new (NULL);
  for (int row = 0; row < gda_data_model_get_n_rows (model); row++)
    {
      g_autofree char *value = sh_database_model_dup_string (model, row, 0);

      if (row > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, value != NULL ? value : "NULL");
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Runs @sql with up to four gint64 parameters (name, value pairs, ended by NULL); returns
 * the rows changed, or for a query its first column as text. */
static char *
run_sql_valist (ShDatabase *db,
                gboolean    select,
                const char *sql,
                va_list     args)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SqlData data = { sql, { NULL }, { 0 }, select };
  const char *name;
  char *value;

  for (guint i = 0; (name = va_arg (args, const char *)) != NULL; i++)
    {
      g_assert_cmpuint (i, <, G_N_ELEMENTS (data.names));
      data.names[i] = name;
      data.values[i] = va_arg (args, gint64);
    }

  sh_database_run_async (db, sql_func, &data, NULL, g_free, NULL, sh_test_store_result, &result);
  value = sh_database_run_finish (db, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (value);

  return value;
}

static G_GNUC_NULL_TERMINATED gint64
execute (ShDatabase *db,
         const char *sql,
         ...)
{
  g_autofree char *rows = NULL;
  va_list args;

  va_start (args, sql);
  rows = run_sql_valist (db, FALSE, sql, args);
  va_end (args);

  return g_ascii_strtoll (rows, NULL, 10);
}

static G_GNUC_NULL_TERMINATED char *
query (ShDatabase *db,
       const char *sql,
       ...)
{
  char *text;
  va_list args;

  va_start (args, sql);
  text = run_sql_valist (db, TRUE, sql, args);
  va_end (args);

  return text;
}

/* Adds scenes @first..@last to a server; the even ones generated when @even_generated. */
static void
add_scenes (Fixture  *fixture,
            gint64    server_id,
            gint64    first,
            gint64    last,
            gboolean  even_generated)
{
  gint64 rows;

  rows = execute (fixture->db,
                  "INSERT INTO scene (server_id, id, title) "
                  "WITH RECURSIVE n(i) AS ("
                  "  SELECT CAST(##first::gint64 AS BIGINT) "
                  "  UNION ALL SELECT i + 1 FROM n WHERE i < ##last::gint64"
                  ") "
                  "SELECT CAST(##server_id::gint64 AS BIGINT), i, 'Scene' FROM n",
                  "first", first, "last", last, "server_id", server_id, NULL);
  g_assert_cmpint (rows, ==, last - first + 1);

  /* Every scene has its row of scene_state, as the scene store adds it. */
  rows = execute (fixture->db,
                  "INSERT INTO scene_state (server_id, scene_id, generated) "
                  "SELECT server_id, id, (##even::gint64 = 1 AND id % 2 = 0) FROM scene "
                  "WHERE server_id = ##server_id::gint64 AND id >= ##first::gint64 "
                  "AND id <= ##last::gint64",
                  "first", first, "last", last, "server_id", server_id,
                  "even", (gint64) !!even_generated, NULL);
  g_assert_cmpint (rows, ==, last - first + 1);
}

static void
set_scene_generated (Fixture  *fixture,
                     gint64    server_id,
                     gint64    id,
                     gboolean  generated)
{
  g_assert_cmpint (execute (fixture->db,
                            "UPDATE scene_state SET generated = (##generated::gint64 = 1) "
                            "WHERE server_id = ##server_id::gint64 AND scene_id = ##id::gint64",
                            "generated", (gint64) !!generated, "server_id", server_id,
                            "id", id, NULL),
                   ==, 1);
}

/* The generated flags of a server's scenes @first..@last, as a string of T and F. */
static char *
scene_flags (Fixture *fixture,
             gint64   server_id,
             gint64   first,
             gint64   last)
{
  g_autofree char *flags = NULL;
  g_auto(GStrv) values = NULL;
  GString *text = g_string_new (NULL);

  flags = query (fixture->db,
                 "SELECT CASE WHEN generated THEN 'T' ELSE 'F' END FROM scene_state "
                 "WHERE server_id = ##server_id::gint64 AND scene_id >= ##first::gint64 "
                 "AND scene_id <= ##last::gint64 ORDER BY scene_id",
                 "server_id", server_id, "first", first, "last", last, NULL);
  values = g_strsplit (flags, " ", -1);
  for (guint i = 0; values[i] != NULL; i++)
    g_string_append (text, values[i]);

  return g_string_free (text, FALSE);
}

static gint64
count_generated (Fixture  *fixture,
                 gint64    server_id,
                 gboolean  generated)
{
  g_autofree char *count = NULL;

  count = query (fixture->db,
                 "SELECT CAST(COUNT(*) AS TEXT) FROM scene_state "
                 "WHERE server_id = ##server_id::gint64 AND generated = (##generated::gint64 = 1)",
                 "server_id", server_id, "generated", (gint64) !!generated, NULL);

  return g_ascii_strtoll (count, NULL, 10);
}

/* Async wrappers ----------------------------------------------------------------------- */

static gint64
ensure_server (ShDatabase *db,
               const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  sh_database_ensure_server_async (db, url, NULL, sh_test_store_result, &result);
  id = sh_database_ensure_server_finish (db, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static gboolean
insert_job (ShJobStore         *store,
            const ShJobRecord  *record,
            ShJobRecord       **conflict,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_job_store_insert_async (store, record, NULL, sh_test_store_result, &result);

  return sh_job_store_insert_finish (store, sh_test_await (&result), conflict, error);
}

static void
insert_ok (ShJobStore        *store,
           const ShJobRecord *record)
{
  g_autoptr(ShJobRecord) conflict = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (insert_job (store, record, &conflict, &error));
  g_assert_no_error (error);
  g_assert_null (conflict);
}

static gboolean
update_job (ShJobStore         *store,
            const ShJobRecord  *record,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_job_store_update_async (store, record, NULL, sh_test_store_result, &result);

  return sh_job_store_update_finish (store, sh_test_await (&result), error);
}

static ShJobRecord *
get_job (ShJobStore *store,
         const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShJobRecord *record;

  sh_job_store_get_async (store, id, NULL, sh_test_store_result, &result);
  record = sh_job_store_get_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return record;
}

static GPtrArray *
list_jobs (ShJobStore *store,
           gint64      server_id,
           const char *status,
           const char *type,
           gint64      before,
           guint       limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *jobs;

  sh_job_store_list_async (store, server_id, status, type, before, limit, NULL,
                           sh_test_store_result, &result);
  jobs = sh_job_store_list_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (jobs);

  return jobs;
}

static GPtrArray *
list_active (ShJobStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *jobs;

  sh_job_store_list_active_async (store, NULL, sh_test_store_result, &result);
  jobs = sh_job_store_list_active_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (jobs);

  return jobs;
}

static GPtrArray *
list_changed_since (ShJobStore *store,
                    gint64      updated_after)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *jobs;

  sh_job_store_list_changed_since_async (store, updated_after, NULL, sh_test_store_result,
                                         &result);
  jobs = sh_job_store_list_changed_since_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (jobs);

  return jobs;
}

static guint64
snapshot (ShJobStore   *store,
          const char   *job_id,
          gint64        server_id,
          const gint64 *ids,
          guint         n_ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n;

  sh_job_store_snapshot_tracked_async (store, job_id, server_id, ids, n_ids, NULL,
                                       sh_test_store_result, &result);
  n = sh_job_store_snapshot_tracked_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return n;
}

static guint64
apply_generated (ShJobStore *store,
                 const char *job_id,
                 gint64      server_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n;

  sh_job_store_apply_generated_async (store, job_id, server_id, NULL, sh_test_store_result,
                                      &result);
  n = sh_job_store_apply_generated_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return n;
}

static guint64
apply_check (ShJobStore   *store,
             const char   *job_id,
             gint64        server_id,
             const gint64 *incomplete,
             guint         n_incomplete,
             const gint64 *complete,
             guint         n_complete)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n;

  sh_job_store_apply_check_async (store, job_id, server_id, 0, incomplete, NULL, n_incomplete,
                                  complete, n_complete, NULL, sh_test_store_result, &result);
  n = sh_job_store_apply_check_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);

  return n;
}

/* The scene ids of a job's role, as text, read page by page. */
static char *
job_scenes (ShJobStore *store,
            const char *job_id,
            const char *role,
            guint       page_size)
{
  GString *text = g_string_new (NULL);
  gint64 after = 0;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ids = NULL;

      sh_job_store_list_job_scenes_async (store, job_id, role, after, page_size, NULL,
                                          sh_test_store_result, &result);
      ids = sh_job_store_list_job_scenes_finish (store, sh_test_await (&result), &error);
      g_assert_no_error (error);
      g_assert_nonnull (ids);
      g_assert_cmpuint (ids->len, <=, page_size > 0 ? page_size : G_MAXUINT);

      for (guint i = 0; i < ids->len; i++)
        g_string_append_printf (text, "%s%" G_GINT64_FORMAT, text->len > 0 ? " " : "",
                                g_array_index (ids, gint64, i));

      if (ids->len == 0 || page_size == 0 || ids->len < page_size)
        break;
      after = g_array_index (ids, gint64, ids->len - 1);
    }

  return g_string_free (text, FALSE);
}

static guint64
count_job_scenes (ShJobStore *store,
                  const char *job_id,
                  const char *role)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n = G_MAXUINT64;

  sh_job_store_count_job_scenes_async (store, job_id, role, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_store_count_job_scenes_finish (store, sh_test_await (&result), &n, &error));
  g_assert_no_error (error);

  return n;
}

static ShJobRecord *
make_job (const char *id,
          const char *type,
          const char *status,
          gint64      server_id,
          gint64      created_at)
{
  ShJobRecord *record = sh_job_record_new ();

  g_free (record->id);
  record->id = g_strdup (id);
  record->type = g_strdup (type);
  g_free (record->status);
  record->status = g_strdup (status);
  record->server_id = server_id;
  record->created_at = created_at;
  record->updated_at = created_at;
  if (g_strcmp0 (status, "pending") != 0)
    record->started_at = created_at + 1;

  return record;
}

static void
assert_records_equal (const ShJobRecord *a,
                      const ShJobRecord *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->type, ==, b->type);
  g_assert_cmpstr (a->status, ==, b->status);
  g_assert_cmpint (a->server_id, ==, b->server_id);
  g_assert_cmpfloat (a->progress, ==, b->progress);
  g_assert_cmpint (a->processed_items, ==, b->processed_items);
  g_assert_cmpint (a->total_items, ==, b->total_items);
  g_assert_cmpstr (a->message, ==, b->message);
  g_assert_cmpstr (a->parameters, ==, b->parameters);
  g_assert_cmpstr (a->result, ==, b->result);
  g_assert_cmpstr (a->error, ==, b->error);
  g_assert_cmpstr (a->stash_job_id, ==, b->stash_job_id);
  g_assert_cmpstr (a->stash_job_added_at, ==, b->stash_job_added_at);
  g_assert_cmpstr (a->parent_job_id, ==, b->parent_job_id);
  g_assert_cmpint (a->created_at, ==, b->created_at);
  g_assert_cmpint (a->started_at, ==, b->started_at);
  g_assert_cmpint (a->completed_at, ==, b->completed_at);
  g_assert_cmpint (a->updated_at, ==, b->updated_at);
}

static char *
job_ids (GPtrArray *jobs)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < jobs->len; i++)
    {
      ShJobRecord *record = g_ptr_array_index (jobs, i);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", record->id);
    }

  return g_string_free (text, FALSE);
}

/* Fixture ------------------------------------------------------------------------------ */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->db_path = g_build_filename (g_get_user_data_dir (), "job-store-test.db", NULL);
  fixture->db = sh_test_open_database (POSTGRES, fixture->db_path);
  fixture->store = sh_job_store_new (fixture->db);
  fixture->server_id = ensure_server (fixture->db, "http://stash.test:9999");
  fixture->other_server_id = ensure_server (fixture->db, "http://other.test:9999");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  /* Results are delivered in idles; none may keep the objects alive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  g_assert_finalize_object (g_steal_pointer (&fixture->db));
  g_clear_pointer (&fixture->db_path, g_free);
}

/* Tests -------------------------------------------------------------------------------- */

static void
test_record (void)
{
  g_autoptr(ShJobRecord) record = sh_job_record_new ();
  g_autoptr(ShJobRecord) other = sh_job_record_new ();
  g_autoptr(ShJobRecord) copy = NULL;
  gint64 now = g_get_real_time ();

  g_assert_true (G_TYPE_IS_BOXED (SH_TYPE_JOB_RECORD));

  /* A new job: a fresh UUID, pending, nothing known yet, created now. */
  g_assert_true (g_uuid_string_is_valid (record->id));
  g_assert_cmpstr (record->id, !=, other->id);
  g_assert_cmpstr (record->status, ==, "pending");
  g_assert_cmpfloat (record->progress, ==, 0);
  g_assert_cmpint (record->processed_items, ==, -1);
  g_assert_cmpint (record->total_items, ==, -1);
  g_assert_cmpint (record->created_at, <=, now);
  g_assert_cmpint (record->created_at, >, now - 60 * G_USEC_PER_SEC);
  g_assert_cmpint (record->updated_at, ==, record->created_at);
  g_assert_cmpint (record->started_at, ==, 0);
  g_assert_true (sh_job_record_is_active (record));

  record->type = g_strdup ("stash_generate");
  record->parameters = g_strdup ("{\"covers\": true}");
  record->message = g_strdup ("Waiting");
  copy = sh_job_record_copy (record);
  assert_records_equal (copy, record);
  g_assert_true (copy->parameters != record->parameters);
  g_assert_true (copy->id != record->id);

  for (guint i = 0; i < 6; i++)
    {
      static const char * const statuses[] = {
        "pending", "running", "cancelling", "completed", "failed", "cancelled",
      };

      g_free (copy->status);
      copy->status = g_strdup (statuses[i]);
      g_assert_true (sh_job_record_is_active (copy) == (i < 3));
    }
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ShJobRecord) full = make_job ("4a1e1c9c-0000-4000-8000-000000000001",
                                          "stash_generate", "running", fixture->server_id, T0);
  g_autoptr(ShJobRecord) bare = make_job ("4a1e1c9c-0000-4000-8000-000000000002",
                                          "process_new_scenes", "pending", 0, T0 + 1);
  g_autoptr(ShJobRecord) missing = make_job ("4a1e1c9c-0000-4000-8000-00000000dead",
                                             "sync_scenes", "running", fixture->server_id, T0);
  g_autoptr(ShJobRecord) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;

  /* Every field, with text that SQL pasting would break and JSON escapes that must come
   * back byte for byte. */
  full->progress = 42.125;
  full->processed_items = 0;
  full->total_items = 1234567890123;
  full->message = g_strdup ("Generating \"previews\" for O'Brien's scenes;\n\tDROP TABLE job; --");
  full->parameters = g_strdup ("{\"sceneIDs\": [\"1\", \"2\"], \"path\": \"C:\\\\media\\\\\", "
                               "\"quote\": \"\\\"\", \"title\": \"Zoë — 日本語 🎬\", "
                               "\"escaped\": \"\\u00e9\\n\"}");
  full->result = g_strdup ("{\"status\": \"completed\", \"scenes_updated_count\": 150}");
  full->error = g_strdup ("Stash said: «no» ##notaparam::string");
  full->stash_job_id = g_strdup ("17");
  full->stash_job_added_at = g_strdup ("2026-01-02T04:04:05.1234567+01:00");
  full->parent_job_id = g_strdup (bare->id);
  full->started_at = T0 + 1;           /* …05.123457Z */
  full->completed_at = T0 + 876544;    /* …06.000000Z: no fraction to drop */
  full->updated_at = T0 + 1876543;     /* …06.999999Z */

  insert_ok (fixture->store, bare);
  insert_ok (fixture->store, full);

  read = get_job (fixture->store, full->id);
  g_assert_nonnull (read);
  assert_records_equal (read, full);
  g_clear_pointer (&read, sh_job_record_free);

  /* NULLs stay NULL, unknown counts stay unknown, no server stays none. */
  read = get_job (fixture->store, bare->id);
  g_assert_nonnull (read);
  assert_records_equal (read, bare);
  g_assert_null (read->message);
  g_assert_cmpint (read->server_id, ==, 0);
  g_assert_cmpint (read->processed_items, ==, -1);
  g_clear_pointer (&read, sh_job_record_free);

  /* Stored as ISO 8601 UTC text with six decimals: sortable as text, exact. */
  stored = query (fixture->db,
                  "SELECT created_at || ' ' || started_at || ' ' || completed_at || ' ' "
                  "|| updated_at FROM job WHERE parent_job_id IS NOT NULL", NULL);
  g_assert_cmpstr (stored, ==,
                   "2026-01-02T03:04:05.123456Z 2026-01-02T03:04:05.123457Z "
                   "2026-01-02T03:04:06.000000Z 2026-01-02T03:04:06.999999Z");

  /* An update writes every changing field, NULLs included. */
  g_free (full->status);
  full->status = g_strdup ("completed");
  full->progress = 100;
  full->processed_items = 1234567890123;
  g_clear_pointer (&full->message, g_free);
  g_clear_pointer (&full->error, g_free);
  g_free (full->result);
  full->result = g_strdup ("{\"note\": \"tab\\there, \\\\ and \\\"\"}");
  g_clear_pointer (&full->stash_job_added_at, g_free);
  full->completed_at = T0 + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC + 7;
  full->updated_at = full->completed_at;
  g_assert_true (update_job (fixture->store, full, &error));
  g_assert_no_error (error);
  read = get_job (fixture->store, full->id);
  assert_records_equal (read, full);
  g_clear_pointer (&read, sh_job_record_free);

  /* Back to unknown. Indeterminate progress is kept as 0: the column allows 0..100. */
  full->processed_items = -1;
  full->total_items = -1;
  full->progress = -1;
  full->started_at = 0;
  full->completed_at = 0;
  g_assert_true (update_job (fixture->store, full, &error));
  g_assert_no_error (error);
  read = get_job (fixture->store, full->id);
  g_assert_cmpint (read->processed_items, ==, -1);
  g_assert_cmpint (read->total_items, ==, -1);
  g_assert_cmpfloat (read->progress, ==, 0);
  g_assert_cmpint (read->started_at, ==, 0);
  g_assert_cmpint (read->completed_at, ==, 0);
  g_clear_pointer (&read, sh_job_record_free);

  /* A job that is not there: NULL without an error, and an update that says so. */
  g_assert_null (get_job (fixture->store, missing->id));
  g_assert_false (update_job (fixture->store, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing->id));
}

static void
test_one_active (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ShJobRecord) first = make_job ("gen-1", "stash_generate", "running",
                                           fixture->server_id, T0);
  g_autoptr(ShJobRecord) second = make_job ("gen-2", "stash_generate", "pending",
                                            fixture->server_id, T0 + 1000);
  g_autoptr(ShJobRecord) other = make_job ("gen-other", "stash_generate", "running",
                                           fixture->other_server_id, T0 + 2000);
  g_autoptr(ShJobRecord) new_1 = make_job ("new-1", "process_new_scenes", "running",
                                           fixture->server_id, T0 + 3000);
  g_autoptr(ShJobRecord) new_2 = make_job ("new-2", "process_new_scenes", "running",
                                           fixture->server_id, T0 + 4000);
  g_autoptr(ShJobRecord) check = make_job ("check-1", "check_stash_generate", "pending",
                                           fixture->server_id, T0 + 5000);
  g_autoptr(ShJobRecord) conflict = NULL;
  g_autoptr(ShJobRecord) read = NULL;
  g_autoptr(GError) error = NULL;

  insert_ok (fixture->store, first);

  /* A second active Generate for the server is refused, naming the first. */
  g_assert_false (insert_job (fixture->store, second, &conflict, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "gen-1"));
  g_assert_nonnull (strstr (error->message, "running since"));
  g_assert_nonnull (strstr (error->message, "Generate"));
  g_assert_nonnull (conflict);
  assert_records_equal (conflict, first);
  g_clear_pointer (&conflict, sh_job_record_free);
  g_clear_error (&error);
  g_assert_null (get_job (fixture->store, second->id));

  /* Another server, another exclusive type, and types that may run side by side are
   * fine. */
  insert_ok (fixture->store, other);
  insert_ok (fixture->store, check);
  insert_ok (fixture->store, new_1);
  insert_ok (fixture->store, new_2);

  /* The same id twice is refused as such, without a conflicting job. */
  g_assert_false (insert_job (fixture->store, new_1, &conflict, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "new-1"));
  g_assert_null (conflict);
  g_clear_error (&error);

  /* Once the first completes, the next may start… */
  g_free (first->status);
  first->status = g_strdup ("completed");
  first->completed_at = T0 + 10000;
  first->updated_at = first->completed_at;
  g_assert_true (update_job (fixture->store, first, &error));
  g_assert_no_error (error);
  insert_ok (fixture->store, second);

  /* …and the first cannot come back to life beside it. */
  g_free (first->status);
  first->status = g_strdup ("running");
  g_assert_false (update_job (fixture->store, first, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  read = get_job (fixture->store, first->id);
  g_assert_cmpstr (read->status, ==, "completed");
  g_clear_pointer (&read, sh_job_record_free);

  /* A pending job is named as waiting. */
  g_free (first->id);
  first->id = g_strdup ("gen-3");
  g_assert_false (insert_job (fixture->store, first, &conflict, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "gen-2"));
  g_assert_nonnull (strstr (error->message, "waiting"));
  g_assert_cmpstr (conflict->id, ==, "gen-2");
  g_clear_error (&error);
}

/* Two programs sharing the database, each with its own connection. */
static void
test_two_databases (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ShJobRecord) first = make_job ("gen-a", "stash_generate", "pending",
                                           fixture->server_id, T0);
  g_autoptr(ShJobRecord) second = make_job ("gen-b", "stash_generate", "pending",
                                            fixture->server_id, T0 + 1);
  g_autoptr(ShJobRecord) conflict = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  ShDatabase *db;
  ShJobStore *store;

  db = sh_database_new (POSTGRES ? sh_test_postgres_url () : fixture->db_path, NULL);
  sh_database_open_async (db, NULL, sh_test_store_result, &result);
  g_assert_true (sh_database_open_finish (db, sh_test_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);  /* it holds the database */
  store = sh_job_store_new (db);

  insert_ok (fixture->store, first);

  g_assert_false (insert_job (store, second, &conflict, &error));
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "gen-a"));
  g_assert_nonnull (conflict);
  g_assert_cmpstr (conflict->id, ==, "gen-a");
  g_clear_error (&error);

  /* The other program sees the job, and its changes. */
  seen = list_changed_since (store, 0);
  g_assert_cmpuint (seen->len, ==, 1);
  assert_records_equal (g_ptr_array_index (seen, 0), first);
  g_clear_pointer (&seen, g_ptr_array_unref);

  g_free (first->status);
  first->status = g_strdup ("cancelled");
  first->updated_at = T0 + 5;
  g_assert_true (update_job (fixture->store, first, &error));
  g_assert_no_error (error);
  seen = list_changed_since (store, T0);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (((ShJobRecord *)g_ptr_array_index (seen, 0))->status, ==, "cancelled");

  insert_ok (store, second);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (store);
  g_assert_finalize_object (db);
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  static const struct {
    const char *id;
    const char *type;
    const char *status;
    gboolean    other_server;
  } jobs[] = {
    { "j0", "sync_scenes", "completed", FALSE },
    { "j1", "stash_generate", "failed", FALSE },
    { "j2", "sync_scenes", "completed", TRUE },
    { "j3", "check_stash_generate", "completed", FALSE },
    { "j4", "stash_generate", "completed", FALSE },
    { "j5", "process_new_scenes", "running", FALSE },
    { "j6", "stash_generate", "cancelled", TRUE },
    { "j7", "sync_scenes", "running", FALSE },
  };
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GString) paged = g_string_new (NULL);
  g_autofree char *ids = NULL;
  gint64 before = 0;

  /* Inserted out of order: the list orders by creation time, not by insertion. */
  for (guint k = 0; k < G_N_ELEMENTS (jobs); k++)
    {
      guint i = (k * 3) % G_N_ELEMENTS (jobs);
      g_autoptr(ShJobRecord) record = NULL;

      record = make_job (jobs[i].id, jobs[i].type, jobs[i].status,
                         jobs[i].other_server ? fixture->other_server_id : fixture->server_id,
                         T0 + i * G_USEC_PER_SEC + 1);
      insert_ok (fixture->store, record);
    }

  all = list_jobs (fixture->store, 0, NULL, NULL, 0, 0);
  ids = job_ids (all);
  g_assert_cmpstr (ids, ==, "j7 j6 j5 j4 j3 j2 j1 j0");
  g_clear_pointer (&ids, g_free);

#define CHECK_LIST(server, status, type, before, limit, expected) \
  G_STMT_START { \
    g_autoptr(GPtrArray) list = list_jobs (fixture->store, server, status, type, before, limit); \
    g_autofree char *list_ids = job_ids (list); \
    g_assert_cmpstr (list_ids, ==, expected); \
  } G_STMT_END

  CHECK_LIST (fixture->server_id, NULL, NULL, 0, 0, "j7 j5 j4 j3 j1 j0");
  CHECK_LIST (fixture->other_server_id, NULL, NULL, 0, 0, "j6 j2");
  CHECK_LIST (-1, "completed", NULL, 0, 0, "j4 j3 j2 j0");
  CHECK_LIST (0, NULL, "stash_generate", 0, 0, "j6 j4 j1");
  CHECK_LIST (fixture->server_id, "completed", "sync_scenes", 0, 0, "j0");
  CHECK_LIST (0, NULL, NULL, 0, 3, "j7 j6 j5");
  CHECK_LIST (0, NULL, NULL, T0 + 4 * G_USEC_PER_SEC + 1, 0, "j3 j2 j1 j0");
  CHECK_LIST (0, NULL, NULL, T0 + 4 * G_USEC_PER_SEC + 2, 2, "j4 j3");
  CHECK_LIST (fixture->server_id, NULL, "sync_scenes", T0 + 7 * G_USEC_PER_SEC, 1, "j0");
  CHECK_LIST (0, "running", "stash_generate", 0, 0, "");
  CHECK_LIST (0, NULL, NULL, T0, 0, "");

#undef CHECK_LIST

  /* Keyset paging walks the whole history, newest first, each job once. */
  for (;;)
    {
      g_autoptr(GPtrArray) page = list_jobs (fixture->store, 0, NULL, NULL, before, 3);
      g_autofree char *page_ids = job_ids (page);

      if (page->len == 0)
        break;
      g_string_append_printf (paged, "%s%s", paged->len > 0 ? " " : "", page_ids);
      before = ((ShJobRecord *)g_ptr_array_index (page, page->len - 1))->created_at;
    }
  g_assert_cmpstr (paged->str, ==, "j7 j6 j5 j4 j3 j2 j1 j0");
}

static void
test_list_active (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const statuses[] = {
    "completed", "running", "failed", "pending", "cancelled", "cancelling",
  };
  g_autoptr(GPtrArray) active = NULL;
  g_autofree char *ids = NULL;

  active = list_active (fixture->store);
  g_assert_cmpuint (active->len, ==, 0);
  g_clear_pointer (&active, g_ptr_array_unref);

  /* Oldest first, as recovery handles them. */
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%u", statuses[i], i);
      g_autoptr(ShJobRecord) record = make_job (id, "process_new_scenes", statuses[i],
                                                i % 2 ? fixture->server_id : 0,
                                                T0 - i * G_USEC_PER_SEC);

      insert_ok (fixture->store, record);
    }

  active = list_active (fixture->store);
  ids = job_ids (active);
  g_assert_cmpstr (ids, ==, "cancelling-5 pending-3 running-1");
  for (guint i = 0; i < active->len; i++)
    g_assert_true (sh_job_record_is_active (g_ptr_array_index (active, i)));
}

static void
test_changed_since (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) changed = NULL;
  g_autofree char *ids = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("job-%u", i);
      g_autoptr(ShJobRecord) record = make_job (id, "process_new_scenes", "completed",
                                                fixture->server_id, T0);

      /* Updated in another order than created, one microsecond apart. */
      record->updated_at = T0 + 10 + (4 - i);
      insert_ok (fixture->store, record);
    }

  changed = list_changed_since (fixture->store, 0);
  ids = job_ids (changed);
  g_assert_cmpstr (ids, ==, "job-4 job-3 job-2 job-1 job-0");
  g_clear_pointer (&changed, g_ptr_array_unref);
  g_clear_pointer (&ids, g_free);

  /* Strictly after, to the microsecond. */
  changed = list_changed_since (fixture->store, T0 + 12);
  ids = job_ids (changed);
  g_assert_cmpstr (ids, ==, "job-1 job-0");
  g_clear_pointer (&changed, g_ptr_array_unref);
  g_clear_pointer (&ids, g_free);

  changed = list_changed_since (fixture->store, T0 + 14);
  g_assert_cmpuint (changed->len, ==, 0);
}

static void
test_snapshot (Fixture       *fixture,
               gconstpointer  data)
{
  static const gint64 targets[] = { 2, 3, 4, 5, 99, 3, 12 };
  g_autoptr(ShJobRecord) all = make_job ("gen-all", "stash_generate", "running",
                                         fixture->server_id, T0);
  g_autoptr(ShJobRecord) some = make_job ("gen-some", "process_new_scenes", "running",
                                          fixture->server_id, T0 + 1);
  g_autoptr(ShJobRecord) ghost = make_job ("gen-ghost", "stash_generate", "running",
                                           fixture->other_server_id, T0 + 2);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tracked = NULL;

  /* Scenes 1..10 (even ones generated); the other server has 1..12 and 99, none
   * generated. */
  add_scenes (fixture, fixture->server_id, 1, 10, TRUE);
  add_scenes (fixture, fixture->other_server_id, 1, 12, FALSE);
  add_scenes (fixture, fixture->other_server_id, 99, 99, FALSE);
  insert_ok (fixture->store, all);
  insert_ok (fixture->store, some);

  /* The whole server: its five not-generated scenes, nothing of the other server. */
  g_assert_cmpuint (snapshot (fixture->store, all->id, fixture->server_id, NULL, 0), ==, 5);
  tracked = job_scenes (fixture->store, all->id, "tracked", 0);
  g_assert_cmpstr (tracked, ==, "1 3 5 7 9");
  g_clear_pointer (&tracked, g_free);
  g_assert_cmpuint (count_job_scenes (fixture->store, all->id, "updated"), ==, 0);

  /* Given ids: generated ones, unknown ones and other servers' ones are left out,
   * repeated ones count once. */
  g_assert_cmpuint (snapshot (fixture->store, some->id, fixture->server_id,
                              targets, G_N_ELEMENTS (targets)), ==, 2);
  tracked = job_scenes (fixture->store, some->id, "tracked", 0);
  g_assert_cmpstr (tracked, ==, "3 5");
  g_clear_pointer (&tracked, g_free);

  /* Taken again, it replaces the first; an empty target tracks nothing. */
  set_scene_generated (fixture, fixture->server_id, 1, TRUE);
  g_assert_cmpuint (snapshot (fixture->store, all->id, fixture->server_id, NULL, 0), ==, 4);
  tracked = job_scenes (fixture->store, all->id, "tracked", 0);
  g_assert_cmpstr (tracked, ==, "3 5 7 9");
  g_clear_pointer (&tracked, g_free);
  g_assert_cmpuint (snapshot (fixture->store, some->id, fixture->server_id, targets, 0), ==, 0);
  g_assert_cmpuint (count_job_scenes (fixture->store, some->id, "tracked"), ==, 0);

  /* The scenes are untouched. */
  tracked = scene_flags (fixture, fixture->server_id, 1, 10);
  g_assert_cmpstr (tracked, ==, "TTFTFTFTFT");
  g_clear_pointer (&tracked, g_free);

  /* A snapshot needs its job in the database. */
  sh_job_store_snapshot_tracked_async (fixture->store, ghost->id, fixture->server_id, NULL, 0,
                                       NULL, sh_test_store_result, &result);
  g_assert_cmpuint (sh_job_store_snapshot_tracked_finish (fixture->store,
                                                          sh_test_await (&result), &error),
                    ==, 0);
  g_assert_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Cancelled before it ran: nothing written. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    sh_job_store_snapshot_tracked_async (fixture->store, some->id, fixture->server_id, NULL, 0,
                                         cancellable, sh_test_store_result, &result);
    sh_job_store_snapshot_tracked_finish (fixture->store, sh_test_await (&result), &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (count_job_scenes (fixture->store, some->id, "tracked"), ==, 0);
  }
}

static void
test_apply_generated (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ShJobRecord) job = make_job ("gen-1", "stash_generate", "running",
                                         fixture->server_id, T0);
  g_autofree char *flags = NULL;
  g_autofree char *updated = NULL;

  add_scenes (fixture, fixture->server_id, 1, 10, TRUE);
  add_scenes (fixture, fixture->other_server_id, 1, 12, FALSE);
  insert_ok (fixture->store, job);
  g_assert_cmpuint (snapshot (fixture->store, job->id, fixture->server_id, NULL, 0), ==, 5);

  /* While Stash works: a Check marks scene 3 generated, and a sync brings scene 11. */
  set_scene_generated (fixture, fixture->server_id, 3, TRUE);
  add_scenes (fixture, fixture->server_id, 11, 11, FALSE);

  /* Exactly the tracked scenes still not generated; not the new one, not the other
   * server's. */
  g_assert_cmpuint (apply_generated (fixture->store, job->id, fixture->server_id), ==, 4);
  flags = scene_flags (fixture, fixture->server_id, 1, 11);
  g_assert_cmpstr (flags, ==, "TTTTTTTTTTF");
  g_clear_pointer (&flags, g_free);
  flags = scene_flags (fixture, fixture->other_server_id, 1, 12);
  g_assert_cmpstr (flags, ==, "FFFFFFFFFFFF");
  g_clear_pointer (&flags, g_free);
  updated = job_scenes (fixture->store, job->id, "updated", 2);
  g_assert_cmpstr (updated, ==, "1 5 7 9");
  g_clear_pointer (&updated, g_free);
  /* The snapshot became the list of updated scenes: scene 3 left it. */
  g_assert_cmpuint (count_job_scenes (fixture->store, job->id, "tracked"), ==, 4);
  g_assert_cmpuint (count_job_scenes (fixture->store, job->id, "updated"), ==, 4);

  /* Finishing twice changes nothing more and reports the same count, even when a flag
   * changed in between. */
  set_scene_generated (fixture, fixture->server_id, 5, FALSE);
  g_assert_cmpuint (apply_generated (fixture->store, job->id, fixture->server_id), ==, 4);
  g_clear_pointer (&flags, g_free);
  flags = scene_flags (fixture, fixture->server_id, 1, 11);
  g_assert_cmpstr (flags, ==, "TTTTFTTTTTF");
  g_assert_cmpuint (count_job_scenes (fixture->store, job->id, "updated"), ==, 4);
}

/* More tracked scenes than one statement handles: the ranges must join up exactly. */
static void
test_apply_generated_many (Fixture       *fixture,
                           gconstpointer  data)
{
  const gint64 n_scenes = 120007;
  g_autoptr(ShJobRecord) job = make_job ("gen-many", "stash_generate", "running",
                                         fixture->server_id, T0);
  guint64 n_tracked;

  add_scenes (fixture, fixture->server_id, 1, n_scenes, TRUE);
  add_scenes (fixture, fixture->other_server_id, 1, 1000, FALSE);
  insert_ok (fixture->store, job);

  n_tracked = snapshot (fixture->store, job->id, fixture->server_id, NULL, 0);
  g_assert_cmpuint (n_tracked, ==, (n_scenes + 1) / 2);

  /* Some generated meanwhile, on both sides of the range boundaries. */
  set_scene_generated (fixture, fixture->server_id, 1, TRUE);
  set_scene_generated (fixture, fixture->server_id, 99999, TRUE);
  set_scene_generated (fixture, fixture->server_id, 100001, TRUE);
  set_scene_generated (fixture, fixture->server_id, n_scenes, TRUE);

  g_assert_cmpuint (apply_generated (fixture->store, job->id, fixture->server_id), ==,
                    n_tracked - 4);
  g_assert_cmpint (count_generated (fixture, fixture->server_id, FALSE), ==, 0);
  g_assert_cmpint (count_generated (fixture, fixture->other_server_id, TRUE), ==, 0);
  g_assert_cmpuint (count_job_scenes (fixture->store, job->id, "updated"), ==, n_tracked - 4);
}

static void
count_snapshot_deletes (ShDatabase *db,
                        const char *sql,
                        gpointer    user_data)
{
  if (sql != NULL && g_str_has_prefix (sql, "DELETE FROM job_scene_set"))
    g_atomic_int_inc ((int *) user_data);
}

/* A setting of the PostgreSQL session, as SHOW has it. */
static char *
show_setting (Fixture    *fixture,
              const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SHOW %s", name);

  return query (fixture->db, sql, NULL);
}

/* When every tracked scene is still not generated, PostgreSQL finishes with the UPDATE
 * alone: nothing leaves the snapshot, and the statement that would find what must is not
 * run. When one was generated meanwhile, the UPDATE is undone and both run. The planner
 * settings of a big finish end with its transaction. */
static void
test_apply_generated_at_once (Fixture       *fixture,
                              gconstpointer  data)
{
  const gint64 n_scenes = 12000;
  g_autoptr(ShJobRecord) big = make_job ("gen-big", "stash_generate", "completed",
                                         fixture->server_id, T0);
  g_autoptr(ShJobRecord) small = make_job ("gen-small", "stash_generate", "running",
                                           fixture->server_id, T0 + 1);
  g_autofree char *nestloop = NULL;
  g_autofree char *work_mem = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *updated = NULL;
  int deletes = 0;

  add_scenes (fixture, fixture->server_id, 1, n_scenes, FALSE);
  add_scenes (fixture, fixture->other_server_id, 1, 100, FALSE);
  insert_ok (fixture->store, big);
  g_assert_cmpuint (snapshot (fixture->store, big->id, fixture->server_id, NULL, 0), ==,
                    n_scenes);
  if (POSTGRES)
    {
      nestloop = show_setting (fixture, "enable_nestloop");
      work_mem = show_setting (fixture, "work_mem");
    }

  _sh_database_set_execute_hook (fixture->db, count_snapshot_deletes, &deletes);
  g_assert_cmpuint (apply_generated (fixture->store, big->id, fixture->server_id), ==, n_scenes);
  _sh_database_set_execute_hook (fixture->db, NULL, NULL);
  if (POSTGRES)
    g_assert_cmpint (g_atomic_int_get (&deletes), ==, 0);
  g_assert_cmpint (count_generated (fixture, fixture->server_id, FALSE), ==, 0);
  g_assert_cmpint (count_generated (fixture, fixture->other_server_id, TRUE), ==, 0);
  g_assert_cmpuint (count_job_scenes (fixture->store, big->id, "updated"), ==, n_scenes);

  if (POSTGRES)
    {
      g_autofree char *nestloop_after = show_setting (fixture, "enable_nestloop");
      g_autofree char *work_mem_after = show_setting (fixture, "work_mem");

      g_assert_cmpstr (nestloop_after, ==, nestloop);
      g_assert_cmpstr (work_mem_after, ==, work_mem);
    }

  /* A small one, where a Check marked scene 12003 generated meanwhile. */
  add_scenes (fixture, fixture->server_id, n_scenes + 1, n_scenes + 5, FALSE);
  insert_ok (fixture->store, small);
  g_assert_cmpuint (snapshot (fixture->store, small->id, fixture->server_id, NULL, 0), ==, 5);
  set_scene_generated (fixture, fixture->server_id, n_scenes + 3, TRUE);
  deletes = 0;
  _sh_database_set_execute_hook (fixture->db, count_snapshot_deletes, &deletes);
  g_assert_cmpuint (apply_generated (fixture->store, small->id, fixture->server_id), ==, 4);
  _sh_database_set_execute_hook (fixture->db, NULL, NULL);
  g_assert_cmpint (g_atomic_int_get (&deletes), >=, 1);
  flags = scene_flags (fixture, fixture->server_id, n_scenes + 1, n_scenes + 5);
  g_assert_cmpstr (flags, ==, "TTTTT");
  updated = job_scenes (fixture->store, small->id, "updated", 0);
  g_assert_cmpstr (updated, ==, "12001 12002 12004 12005");
  g_assert_cmpuint (count_job_scenes (fixture->store, big->id, "updated"), ==, n_scenes);
}

static void
test_apply_check (Fixture       *fixture,
                  gconstpointer  data)
{
  static const gint64 incomplete[] = { 2, 3, 4, 4, 999 };
  static const gint64 complete[] = { 6, 1, 2, 5, 5 };
  g_autoptr(ShJobRecord) job = make_job ("check-1", "check_stash_generate", "running",
                                         fixture->server_id, T0);
  g_autoptr(ShJobRecord) job_2 = make_job ("check-2", "check_stash_generate", "running",
                                           fixture->other_server_id, T0);
  g_autofree char *flags = NULL;
  g_autofree char *updated = NULL;

  add_scenes (fixture, fixture->server_id, 1, 10, TRUE);
  add_scenes (fixture, fixture->other_server_id, 1, 10, TRUE);
  insert_ok (fixture->store, job);
  insert_ok (fixture->store, job_2);

  /* 2 and 4 lose the flag, 1 and 5 gain it; 3 and 6 already had their value, 999 is
   * unknown, and 2, reported both ways, counts as incomplete. */
  g_assert_cmpuint (apply_check (fixture->store, job->id, fixture->server_id,
                                 incomplete, G_N_ELEMENTS (incomplete),
                                 complete, G_N_ELEMENTS (complete)), ==, 4);
  flags = scene_flags (fixture, fixture->server_id, 1, 10);
  g_assert_cmpstr (flags, ==, "TFFFTTFTFT");
  g_clear_pointer (&flags, g_free);
  flags = scene_flags (fixture, fixture->other_server_id, 1, 10);
  g_assert_cmpstr (flags, ==, "FTFTFTFTFT");
  g_clear_pointer (&flags, g_free);
  updated = job_scenes (fixture->store, job->id, "updated", 0);
  g_assert_cmpstr (updated, ==, "1 2 4 5");
  g_clear_pointer (&updated, g_free);

  /* The same answer again changes nothing. */
  g_assert_cmpuint (apply_check (fixture->store, job->id, fixture->server_id,
                                 incomplete, G_N_ELEMENTS (incomplete),
                                 complete, G_N_ELEMENTS (complete)), ==, 0);
  g_assert_cmpuint (apply_check (fixture->store, job->id, fixture->server_id,
                                 NULL, 0, NULL, 0), ==, 0);

  /* Only one list. */
  g_assert_cmpuint (apply_check (fixture->store, job_2->id, fixture->other_server_id,
                                 NULL, 0, complete, G_N_ELEMENTS (complete)), ==, 2);
  flags = scene_flags (fixture, fixture->other_server_id, 1, 10);
  g_assert_cmpstr (flags, ==, "TTFTTTFTFT");
}

static ShSceneMedia *
get_media (Fixture *fixture,
           gint64   server_id,
           gint64   scene_id)
{
  g_autoptr(ShSceneStore) scenes = sh_scene_store_new (fixture->db);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShSceneMedia *media;

  sh_scene_store_get_media_async (scenes, server_id, scene_id, NULL, sh_test_store_result,
                                  &result);
  media = sh_scene_store_get_media_finish (scenes, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (media);
  g_assert_cmpint (media->scene_id, ==, scene_id);

  return media;
}

static void
check_with_media (Fixture      *fixture,
                  const char   *job_id,
                  guint         kinds,
                  const gint64 *incomplete,
                  const guint  *missing,
                  guint         n_incomplete,
                  const gint64 *complete,
                  guint         n_complete)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_job_store_apply_check_async (fixture->store, job_id, fixture->server_id, kinds,
                                  incomplete, missing, n_incomplete, complete, n_complete,
                                  NULL, sh_test_store_result, &result);
  sh_job_store_apply_check_finish (fixture->store, sh_test_await (&result), &error);
  g_assert_no_error (error);
}

/* A Check records, per scene, what it asked for and what was missing: set-based, in its
 * transaction; a later Check replaces the row; the failure record comes along. */
static void
test_check_media (Fixture       *fixture,
                  gconstpointer  data)
{
  /* Kinds as masks: cover 1, sprite 2, preview 8, phash 32. */
  static const gint64 incomplete[] = { 2, 3, 4, 999 };
  static const guint missing[] = { 2, 8 | 2, 2, 1 };
  static const gint64 complete[] = { 1, 3 };
  static const gint64 again[] = { 3 };
  static const guint again_missing[] = { 32 };
  g_autoptr(ShJobRecord) job = make_job ("check-1", "check_stash_generate", "running",
                                         fixture->server_id, T0);
  g_autoptr(ShSceneMedia) never = NULL;
  g_autoptr(ShSceneMedia) one = NULL;
  g_autoptr(ShSceneMedia) three = NULL;
  g_autoptr(ShSceneMedia) four = NULL;
  g_autofree char *rows = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  add_scenes (fixture, fixture->server_id, 1, 10, FALSE);
  add_scenes (fixture, fixture->other_server_id, 1, 10, FALSE);
  insert_ok (fixture->store, job);
  execute (fixture->db,
           "INSERT INTO scene_failure (server_id, scene_id, failed_generates, last_reason) "
           "VALUES (##server_id::gint64, 4, 3, 'sprite vtt')",
           "server_id", fixture->server_id, NULL);

  check_with_media (fixture, job->id, 1 | 2 | 8 | 32, incomplete, missing,
                    G_N_ELEMENTS (incomplete), complete, G_N_ELEMENTS (complete));

  /* Unknown ids and other servers get no row. */
  rows = query (fixture->db, "SELECT scene_id FROM scene_media ORDER BY server_id, scene_id",
                NULL);
  g_assert_cmpstr (rows, ==, "1 2 3 4");

  never = get_media (fixture, fixture->server_id, 7);
  g_assert_cmpuint (never->checked_kinds, ==, 0);
  g_assert_cmpint (never->checked_at, ==, 0);
  g_assert_null (never->failure_reason);

  one = get_media (fixture, fixture->server_id, 1);
  g_assert_cmpuint (one->checked_kinds, ==, 1 | 2 | 8 | 32);
  g_assert_cmpuint (one->missing_kinds, ==, 0);
  g_assert_cmpint (one->checked_at, >=, before);

  /* Reported both ways: incomplete. */
  three = get_media (fixture, fixture->server_id, 3);
  g_assert_cmpuint (three->missing_kinds, ==, 8 | 2);

  four = get_media (fixture, fixture->server_id, 4);
  g_assert_cmpuint (four->missing_kinds, ==, 2);
  g_assert_cmpint (four->failed_generates, ==, 3);
  g_assert_cmpstr (four->failure_reason, ==, "sprite vtt");

  /* A Check of other kinds for one scene replaces only its row. */
  check_with_media (fixture, job->id, 32, again, again_missing, 1, NULL, 0);
  g_clear_pointer (&three, sh_scene_media_free);
  three = get_media (fixture, fixture->server_id, 3);
  g_assert_cmpuint (three->checked_kinds, ==, 32);
  g_assert_cmpuint (three->missing_kinds, ==, 32);
  g_clear_pointer (&four, sh_scene_media_free);
  four = get_media (fixture, fixture->server_id, 4);
  g_assert_cmpuint (four->missing_kinds, ==, 2);

  /* The row goes with its scene. */
  execute (fixture->db, "DELETE FROM scene WHERE server_id = ##server_id::gint64 AND id = 1",
           "server_id", fixture->server_id, NULL);
  g_clear_pointer (&rows, g_free);
  rows = query (fixture->db, "SELECT scene_id FROM scene_media ORDER BY scene_id", NULL);
  g_assert_cmpstr (rows, ==, "2 3 4");
}

/* A million ids in one call: staged in chunks, applied set-based, in one transaction. */
static void
test_apply_check_million (Fixture       *fixture,
                          gconstpointer  data)
{
  const guint n_ids = 1000000;
  g_autoptr(ShJobRecord) job = make_job ("check-big", "check_stash_generate", "running",
                                         fixture->server_id, T0);
  g_autofree gint64 *incomplete = g_new (gint64, n_ids / 2);
  g_autofree gint64 *complete = g_new (gint64, n_ids / 2);
  g_autoptr(GTimer) timer = NULL;

  /* 5,000 scenes, even ones generated; the ids cover them many times over. */
  add_scenes (fixture, fixture->server_id, 1, 5000, TRUE);
  insert_ok (fixture->store, job);

  /* Incomplete: ids ≡ 0 or 1 (mod 4); complete: ≡ 2 or 3 (mod 4), in descending order. */
  for (guint i = 0; i < n_ids / 2; i++)
    {
      gint64 base = 4 * (gint64)(i / 2);

      incomplete[i] = base + i % 2;
      complete[n_ids / 2 - 1 - i] = base + 2 + i % 2;
    }

  /* Flags before: id even → T. After: id ≡ 0,1 → F; ≡ 2,3 → T. Changed: ≡ 0 (T→F) and
   * ≡ 3 (F→T), half of the 5,000 scenes. */
  timer = g_timer_new ();
  g_assert_cmpuint (apply_check (fixture->store, job->id, fixture->server_id,
                                 incomplete, n_ids / 2, complete, n_ids / 2), ==, 2500);
  g_test_message ("apply_check with %u ids: %.2f s", n_ids, g_timer_elapsed (timer, NULL));

  g_assert_cmpint (count_generated (fixture, fixture->server_id, TRUE), ==, 2500);
  g_assert_cmpuint (count_job_scenes (fixture->store, job->id, "updated"), ==, 2500);
  {
    g_autofree char *flags = scene_flags (fixture, fixture->server_id, 1, 8);

    g_assert_cmpstr (flags, ==, "FTTFFTTF");
  }
}

static void
test_job_scenes (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ShJobRecord) job = make_job ("gen-1", "stash_generate", "running",
                                         fixture->server_id, T0);
  g_autofree char *ids = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);

  add_scenes (fixture, fixture->server_id, 1, 25, FALSE);
  insert_ok (fixture->store, job);
  g_assert_cmpuint (snapshot (fixture->store, job->id, fixture->server_id, NULL, 0), ==, 25);
  for (guint i = 1; i <= 25; i++)
    g_string_append_printf (expected, "%s%u", i > 1 ? " " : "", i);

  /* Pages of 1, of 7 (the last one short), of 25 (exactly full), and all at once. */
  for (guint i = 0; i < 4; i++)
    {
      static const guint sizes[] = { 1, 7, 25, 0 };

      ids = job_scenes (fixture->store, job->id, "tracked", sizes[i]);
      g_assert_cmpstr (ids, ==, expected->str);
      g_clear_pointer (&ids, g_free);
    }

  g_assert_cmpuint (count_job_scenes (fixture->store, job->id, "tracked"), ==, 25);
  g_assert_cmpuint (count_job_scenes (fixture->store, job->id, "updated"), ==, 0);
  g_assert_cmpuint (count_job_scenes (fixture->store, "no-such-job", "tracked"), ==, 0);
  ids = job_scenes (fixture->store, "no-such-job", "updated", 10);
  g_assert_cmpstr (ids, ==, "");
}

#ifdef SH_TEST_POSTGRES
static void
test_postgres_configured (void)
{
  g_test_message ("STASHHOG_TEST_POSTGRES is not set. The postgres suite needs a running "
                  "PostgreSQL server: set STASHHOG_TEST_POSTGRES to "
                  "postgresql://user@host:port/database (the database is emptied by the "
                  "tests), or run build-aux/test, which starts one.");
  g_test_fail ();
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#ifdef SH_TEST_POSTGRES
  if (g_getenv ("STASHHOG_TEST_POSTGRES") == NULL || *g_getenv ("STASHHOG_TEST_POSTGRES") == '\0')
    {
      g_test_add_func ("/job-store/postgres/configured", test_postgres_configured);
      return g_test_run ();
    }
#endif

#define ADD(path, func) \
  g_test_add ("/job-store/" BACKEND path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/job-store/" BACKEND "/record", test_record);
  ADD ("/round-trip", test_round_trip);
  ADD ("/one-active", test_one_active);
  ADD ("/two-databases", test_two_databases);
  ADD ("/list", test_list);
  ADD ("/list-active", test_list_active);
  ADD ("/changed-since", test_changed_since);
  ADD ("/snapshot", test_snapshot);
  ADD ("/apply-generated", test_apply_generated);
  ADD ("/apply-generated-many", test_apply_generated_many);
  ADD ("/apply-generated-at-once", test_apply_generated_at_once);
  ADD ("/apply-check", test_apply_check);
  ADD ("/apply-check-million", test_apply_check_million);
  ADD ("/check-media", test_check_media);
  ADD ("/job-scenes", test_job_scenes);

#undef ADD

  return g_test_run ();
}
