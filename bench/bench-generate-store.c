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

#include "bench-util.h"
#include "sh-job-store.h"

static void
report (const char *label,
        guint64     n,
        double      seconds,
        double      cpu)
{
  g_print ("%-28s %8" G_GUINT64_FORMAT " scenes %6.2f s, CPU %6.2f s, peak RSS %7.1f MiB\n",
           label, n, seconds, cpu, bench_peak_rss_mib ());
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
  BenchFill fill = { 0, n_scenes, 0 };
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
      bench_check (error, "temporary directory");
      path = g_build_filename (dir, "bench.db", NULL);
      url = path;
    }

  db = sh_database_new (url, NULL);
  sh_database_open_async (db, NULL, bench_store_result, &result);
  sh_database_open_finish (db, bench_await (&result), &error);
  bench_check (error, "open");
  g_clear_object (&result);

  server_url = g_strdup_printf ("http://bench-%" G_GINT64_FORMAT ".invalid", g_get_real_time ());
  sh_database_ensure_server_async (db, server_url, NULL, bench_store_result, &result);
  server_id = sh_database_ensure_server_finish (db, bench_await (&result), &error);
  bench_check (error, "server");
  g_clear_object (&result);
  fill.server_id = server_id;

  timer = g_timer_new ();
  sh_database_run_async (db, bench_fill_func, &fill, NULL, g_free, NULL, bench_store_result,
                         &result);
  filled = sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "fill");
  g_clear_object (&result);
  g_print ("%s, %" G_GINT64_FORMAT " scenes, none generated (filled in %.2f s, not timed)\n",
           sh_database_get_provider (db), *filled, g_timer_elapsed (timer, NULL));
  g_print ("%-28s %8s        %6s    %6s          peak RSS %7.1f MiB\n", "after setup", "", "", "",
           bench_peak_rss_mib ());

  store = sh_job_store_new (db);
  job = sh_job_record_new ();
  job->type = g_strdup ("stash_generate");
  job->server_id = server_id;
  sh_job_store_insert_async (store, job, NULL, bench_store_result, &result);
  sh_job_store_insert_finish (store, bench_await (&result), NULL, &error);
  bench_check (error, "job");
  g_clear_object (&result);

  g_timer_start (timer);
  cpu = bench_cpu_seconds ();
  sh_job_store_snapshot_tracked_async (store, job->id, server_id, NULL, 0, NULL,
                                       bench_store_result, &result);
  n = sh_job_store_snapshot_tracked_finish (store, bench_await (&result), &error);
  bench_check (error, "snapshot");
  g_clear_object (&result);
  report ("snapshot_tracked (all)", n, g_timer_elapsed (timer, NULL),
          bench_cpu_seconds () - cpu);

  g_timer_start (timer);
  cpu = bench_cpu_seconds ();
  sh_job_store_apply_generated_async (store, job->id, server_id, NULL, bench_store_result,
                                      &result);
  n = sh_job_store_apply_generated_finish (store, bench_await (&result), &error);
  bench_check (error, "apply");
  g_clear_object (&result);
  report ("apply_generated", n, g_timer_elapsed (timer, NULL), bench_cpu_seconds () - cpu);

  if ((gint64) n != n_scenes)
    {
      g_printerr ("bench-generate-store: %" G_GUINT64_FORMAT " scenes updated, expected %"
                  G_GINT64_FORMAT "\n", n, n_scenes);
      return EXIT_FAILURE;
    }

  sh_database_run_async (db, bench_delete_server_func, &server_id, NULL, NULL, NULL,
                         bench_store_result, &result);
  sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "delete the server");
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
