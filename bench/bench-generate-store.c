/* bench-generate-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The database side of a Generate over a whole library:
 *
 *   bench-generate-store [SCENES [DATABASE]]
 *
 * fills a fresh SQLite file (or DATABASE, for example a postgresql:// URL; the scenes go
 * to a new server row that is deleted at the end) with SCENES scenes (default 1,000,000),
 * none generated, with one set-based statement that is not timed. Then it times the
 * snapshot of every not-generated scene (sh_job_store_snapshot_tracked_async()) and the
 * finish (sh_job_store_apply_generated_async()), and prints the peak resident memory after
 * each step: it must not depend on SCENES.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "sh-job-store.h"

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
await_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void
check (GError *error)
{
  if (error != NULL)
    {
      g_printerr ("bench-generate-store: %s\n", error->message);
      exit (EXIT_FAILURE);
    }
}

/* CPU seconds of the whole process: the work runs on the database's worker thread. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_maxrss / 1024.0;
}

typedef struct
{
  gint64 server_id;
  gint64 n_scenes;
} FillData;

static gpointer
fill_func (ShDatabase     *db,
           GdaConnection  *cnc,
           gpointer        data,
           GCancellable   *cancellable,
           GError        **error)
{
  FillData *fill = data;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  /* Rows of a realistic size, so that the scans below read what a real mirror holds. */
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene (server_id, id, title, path, oshash, "
                                   "duration, stash_created_at, stash_updated_at) "
                                   "WITH RECURSIVE n(i) AS ("
                                   "  SELECT CAST(1 AS BIGINT) "
                                   "  UNION ALL SELECT i + 1 FROM n WHERE i < ##n::gint64"
                                   ") "
                                   "SELECT CAST(##server_id::gint64 AS BIGINT), i, "
                                   "'Scene number ' || i || ', with a title of usual length', "
                                   "'/data/videos/studio-' || (i % 97) || '/scene-' || i "
                                   "|| '.mp4', "
                                   "'oshash-' || i, 600 + i % 3600, "
                                   "'2024-03-01T10:00:00+01:00', '2024-03-02T10:00:00+01:00' "
                                   "FROM n",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "n", fill->n_scenes);
  sh_database_set_int64 (params, "server_id", fill->server_id);

  if (!sh_database_begin (db, error))
    return NULL;
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  /* Each scene's row of scene_state, as the scene store adds it. */
  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene_state (server_id, scene_id, generated) "
                                   "SELECT server_id, id, FALSE FROM scene "
                                   "WHERE server_id = ##server_id::gint64",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", fill->server_id);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  if (!sh_database_commit (db, error))
    return NULL;

  return g_memdup2 (&rows, sizeof rows);
}

static gpointer
delete_server_func (ShDatabase     *db,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db, "DELETE FROM server WHERE id = ##id::gint64", &params,
                                   error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "id", *(gint64 *)data);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static void
report (const char *label,
        guint64     n,
        double      seconds,
        double      cpu)
{
  g_print ("%-28s %8" G_GUINT64_FORMAT " scenes %6.2f s, CPU %6.2f s, peak RSS %7.1f MiB\n",
           label, n, seconds, cpu, peak_rss_mib ());
}

int
main (int   argc,
      char *argv[])
{
  gint64 n_scenes = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 1000000;
  const char *url = argc > 2 ? argv[2] : NULL;
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(ShJobStore) store = NULL;
  g_autoptr(ShJobRecord) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *filled = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *server_url = NULL;
  FillData fill = { 0, n_scenes };
  gint64 server_id;
  guint64 n;
  double cpu;

  if (n_scenes <= 0)
    {
      g_printerr ("Usage: bench-generate-store [SCENES [DATABASE]]\n");
      return EXIT_FAILURE;
    }

  if (url == NULL)
    {
      dir = g_dir_make_tmp ("bench-generate-store-XXXXXX", &error);
      check (error);
      path = g_build_filename (dir, "bench.db", NULL);
      url = path;
    }

  db = sh_database_new (url, NULL);
  sh_database_open_async (db, NULL, store_result_cb, &result);
  sh_database_open_finish (db, await_result (&result), &error);
  check (error);
  g_clear_object (&result);

  server_url = g_strdup_printf ("http://bench-%" G_GINT64_FORMAT ".invalid", g_get_real_time ());
  sh_database_ensure_server_async (db, server_url, NULL, store_result_cb, &result);
  server_id = sh_database_ensure_server_finish (db, await_result (&result), &error);
  check (error);
  g_clear_object (&result);
  fill.server_id = server_id;

  timer = g_timer_new ();
  sh_database_run_async (db, fill_func, &fill, NULL, g_free, NULL, store_result_cb, &result);
  filled = sh_database_run_finish (db, await_result (&result), &error);
  check (error);
  g_clear_object (&result);
  g_print ("%s, %" G_GINT64_FORMAT " scenes, none generated (filled in %.2f s, not timed)\n",
           sh_database_get_provider (db), *filled, g_timer_elapsed (timer, NULL));
  g_print ("%-28s %8s        %6s    %6s          peak RSS %7.1f MiB\n", "after setup", "", "", "",
           peak_rss_mib ());

  store = sh_job_store_new (db);
  job = sh_job_record_new ();
  job->type = g_strdup ("stash_generate");
  job->server_id = server_id;
  sh_job_store_insert_async (store, job, NULL, store_result_cb, &result);
  sh_job_store_insert_finish (store, await_result (&result), NULL, &error);
  check (error);
  g_clear_object (&result);

  g_timer_start (timer);
  cpu = cpu_seconds ();
  sh_job_store_snapshot_tracked_async (store, job->id, server_id, NULL, 0, NULL,
                                       store_result_cb, &result);
  n = sh_job_store_snapshot_tracked_finish (store, await_result (&result), &error);
  check (error);
  g_clear_object (&result);
  report ("snapshot_tracked (all)", n, g_timer_elapsed (timer, NULL), cpu_seconds () - cpu);

  g_timer_start (timer);
  cpu = cpu_seconds ();
  sh_job_store_apply_generated_async (store, job->id, server_id, NULL, store_result_cb,
                                      &result);
  n = sh_job_store_apply_generated_finish (store, await_result (&result), &error);
  check (error);
  g_clear_object (&result);
  report ("apply_generated", n, g_timer_elapsed (timer, NULL), cpu_seconds () - cpu);

  if ((gint64) n != n_scenes)
    {
      g_printerr ("bench-generate-store: %" G_GUINT64_FORMAT " scenes updated, expected %"
                  G_GINT64_FORMAT "\n", n, n_scenes);
      return EXIT_FAILURE;
    }

  sh_database_run_async (db, delete_server_func, &server_id, NULL, NULL, NULL,
                         store_result_cb, &result);
  sh_database_run_finish (db, await_result (&result), &error);
  check (error);
  g_clear_object (&result);

  g_clear_object (&store);
  g_clear_object (&db);

  if (dir != NULL)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

          g_remove (file);
        }
      g_rmdir (dir);
    }

  return EXIT_SUCCESS;
}
