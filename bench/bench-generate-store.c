/* bench-generate-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The database side of a Generate over a whole library:
 *
 *   bench-generate-store [SCENES [RUNS [DATABASE]]]
 *
 * fills a fresh SQLite file (or DATABASE, for example a postgresql:// URL; the scenes go
 * to a new server row that is deleted at the end) with SCENES scenes (default 1,000,000),
 * none generated, with one set-based statement that is not timed. Then, RUNS times
 * (default 3), it times the snapshot of every not-generated scene
 * (sh_job_store_snapshot_tracked_async()) and the finish
 * (sh_job_store_apply_generated_async()) of a new Generate, and prints the median and
 * range of wall and CPU time of each, the load average and the peak resident memory,
 * which must not depend on SCENES.
 *
 * Between runs, not timed: the job is deleted and every flag cleared again; on PostgreSQL
 * the two tables are vacuumed and analyzed (as autovacuum would have done in the hours a
 * Generate runs) and a CHECKPOINT is asked for, so that every run starts alike, with the
 * first change of each page written whole to the WAL as after any real checkpoint. On
 * PostgreSQL the work is the server's: the CPU of this process stays near zero, so the
 * CPU of the server process serving the connection is printed beside it when it runs on
 * this machine (/proc readable).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-util.h"
#include "sh-job-store.h"

typedef struct
{
  gint64 server_id;
  gint64 backend_pid;   /* PostgreSQL: the server process of the connection; 0 otherwise */
} Reset;

/* The CPU seconds of another process of this machine, -1 when unknown. */
static double
process_cpu_seconds (gint64 pid)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (pid <= 0)
    return -1;
  path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/stat", pid);
  if (!g_file_get_contents (path, &text, NULL, NULL) || !(end = strrchr (text, ')')))
    return -1;
  /* After the command name: state is field 3, utime and stime fields 14 and 15. */
  fields = g_strsplit (end + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return -1;

  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / sysconf (_SC_CLK_TCK);
}

static gpointer
backend_pid_func (ShDatabase     *db,
                  GdaConnection  *cnc,
                  gpointer        data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  gint64 pid = 0;

  if (sh_database_is_postgres (db))
    {
      if (!(stmt = sh_database_prepare (db, "SELECT CAST(pg_backend_pid() AS BIGINT)", error)))
        return NULL;
      if (!(model = sh_database_select (db, stmt, NULL, types, error)))
        return NULL;
      pid = sh_database_model_get_int64 (model, 0, 0);
    }

  return g_memdup2 (&pid, sizeof pid);
}

/* After a run and before the first: every scene of the server not generated, no job. */
static gpointer
reset_func (ShDatabase     *db,
            GdaConnection  *cnc,
            gpointer        data,
            GCancellable   *cancellable,
            GError        **error)
{
  static const char * const statements[] = {
    "DELETE FROM job WHERE server_id = ##server_id::gint64",
    "UPDATE scene_state SET generated = FALSE "
    "WHERE server_id = ##server_id::gint64 AND generated = TRUE",
  };
  Reset *reset = data;
  g_autoptr(GError) local_error = NULL;

  if (!sh_database_begin (db, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      GdaSet *params;
      GdaStatement *stmt = sh_database_prepare_full (db, statements[i], &params, error);

      if (stmt == NULL)
        return NULL;
      sh_database_set_int64 (params, "server_id", reset->server_id);
      if (sh_database_execute (db, stmt, params, error) < 0)
        return NULL;
    }
  if (!sh_database_commit (db, error))
    return NULL;

  if (sh_database_is_postgres (db))
    {
      if (!sh_database_execute_sql (db, "VACUUM (ANALYZE) scene_state, job_scene_set", error))
        return NULL;
      /* Needs a superuser or pg_checkpoint; without it, runs may differ more. */
      if (!sh_database_execute_sql (db, "CHECKPOINT", &local_error))
        g_printerr ("bench-generate-store: no CHECKPOINT between runs: %s\n",
                    local_error->message);
    }

  return GINT_TO_POINTER (TRUE);
}

static void
run_reset (ShDatabase *db,
           Reset      *reset)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_database_run_async (db, reset_func, reset, NULL, NULL, NULL, bench_store_result, &result);
  sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "reset");
}

/* Wall and CPU time of one step, and the server process's CPU when it is known. */
typedef struct
{
  gint64 start_wall;
  double start_cpu;
  double start_server;
} Clock;

static void
clock_start (Clock  *clock,
             gint64  backend_pid)
{
  clock->start_wall = g_get_monotonic_time ();
  clock->start_cpu = bench_cpu_seconds ();
  clock->start_server = process_cpu_seconds (backend_pid);
}

static void
clock_stop (Clock       *clock,
            gint64       backend_pid,
            BenchSample *sample,
            double      *server)
{
  sample->wall = (g_get_monotonic_time () - clock->start_wall) / 1e6;
  sample->cpu = bench_cpu_seconds () - clock->start_cpu;
  *server = clock->start_server < 0 ? -1
            : process_cpu_seconds (backend_pid) - clock->start_server;
}

/* Ends the benchmark when a step did not handle every scene. */
static void
check_scenes (const char *what,
              guint64     n,
              gint64      expected)
{
  if ((gint64) n != expected)
    {
      g_printerr ("bench-generate-store: %" G_GUINT64_FORMAT " scenes %s, expected %"
                  G_GINT64_FORMAT "\n", n, what, expected);
      exit (EXIT_FAILURE);
    }
}

/* The server's CPU seconds for the samples of @server (negative when unknown). */
static void
print_server_cpu (const char *what,
                  double     *server,
                  guint       n)
{
  double lo, hi, median;

  median = bench_median (server, n, &lo, &hi);
  if (lo < 0)
    return;
  g_print ("%-10s server process CPU median %.2f s (%.2f-%.2f)\n", what, median, lo, hi);
}

int
main (int   argc,
      char *argv[])
{
  gint64 n_scenes = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 1000000;
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 3;
  const char *url = argc > 3 ? argv[3] : NULL;
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(ShJobStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *filled = NULL;
  g_autofree gint64 *backend_pid = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  BenchSample snapshots[BENCH_MAX_RUNS];
  BenchSample finishes[BENCH_MAX_RUNS];
  double snapshot_server[BENCH_MAX_RUNS];
  double finish_server[BENCH_MAX_RUNS];
  BenchFill fill = { 0, n_scenes, 0 };
  Reset reset = { 0 };
  gint64 server_id;

  if (n_scenes <= 0 || runs < 1 || runs > BENCH_MAX_RUNS)
    {
      g_printerr ("Usage: bench-generate-store [SCENES [RUNS (1-%d) [DATABASE]]]\n",
                  BENCH_MAX_RUNS);
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
  reset.server_id = server_id;

  sh_database_run_async (db, backend_pid_func, NULL, NULL, g_free, NULL, bench_store_result,
                         &result);
  backend_pid = sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "server process");
  g_clear_object (&result);

  timer = g_timer_new ();
  sh_database_run_async (db, bench_fill_func, &fill, NULL, g_free, NULL, bench_store_result,
                         &result);
  filled = sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "fill");
  g_clear_object (&result);
  run_reset (db, &reset);
  g_print ("%s, %" G_GINT64_FORMAT " scenes, none generated (filled in %.2f s, not timed), "
           "%u runs\n", sh_database_get_provider (db), *filled, g_timer_elapsed (timer, NULL),
           runs);
  g_print ("peak RSS after setup %.1f MiB\n", bench_peak_rss_mib ());

  store = sh_job_store_new (db);
  load_before = bench_load_average ();

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(ShJobRecord) job = sh_job_record_new ();
      Clock clock;
      guint64 n;

      job->type = g_strdup ("stash_generate");
      job->server_id = server_id;
      sh_job_store_insert_async (store, job, NULL, bench_store_result, &result);
      sh_job_store_insert_finish (store, bench_await (&result), NULL, &error);
      bench_check (error, "job");
      g_clear_object (&result);

      clock_start (&clock, *backend_pid);
      sh_job_store_snapshot_tracked_async (store, job->id, server_id, NULL, 0, NULL,
                                           bench_store_result, &result);
      n = sh_job_store_snapshot_tracked_finish (store, bench_await (&result), &error);
      bench_check (error, "snapshot");
      g_clear_object (&result);
      clock_stop (&clock, *backend_pid, &snapshots[i], &snapshot_server[i]);
      check_scenes ("tracked", n, n_scenes);

      clock_start (&clock, *backend_pid);
      sh_job_store_apply_generated_async (store, job->id, server_id, NULL, bench_store_result,
                                          &result);
      n = sh_job_store_apply_generated_finish (store, bench_await (&result), &error);
      bench_check (error, "apply");
      g_clear_object (&result);
      clock_stop (&clock, *backend_pid, &finishes[i], &finish_server[i]);
      check_scenes ("updated", n, n_scenes);

      g_print ("run %u: snapshot %.2f s (CPU %.2f s), finish %.2f s (CPU %.2f s), "
               "peak RSS %.1f MiB\n", i + 1, snapshots[i].wall, snapshots[i].cpu,
               finishes[i].wall, finishes[i].cpu, bench_peak_rss_mib ());

      if (i + 1 < runs)
        run_reset (db, &reset);
    }

  load_after = bench_load_average ();
  bench_print_stats ("snapshot", snapshots, runs, n_scenes);
  bench_print_stats ("finish", finishes, runs, n_scenes);
  if (sh_database_is_postgres (db))
    {
      g_print ("(PostgreSQL: the work is the server's; the CPU above is this process's)\n");
      print_server_cpu ("snapshot", snapshot_server, runs);
      print_server_cpu ("finish", finish_server, runs);
    }
  g_print ("load:      %s before, %s after\n", load_before, load_after);
  g_print ("peak RSS:  %.1f MiB\n", bench_peak_rss_mib ());

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
