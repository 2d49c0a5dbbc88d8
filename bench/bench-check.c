/* bench-check.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Check job (`check_stash_generate`, default kinds, every scene) through the job
 * manager, against the standalone fake Stash in its own process (every medium present),
 * with a mirror of N scenes in a fresh SQLite file: the probes of every scene, then the
 * transaction that records what is complete. Beside it the floor of bench-verify: a
 * minimal prober that makes the same number of requests with the same concurrency and
 * throws the answers away. Each is run several times; prints the median and range of wall
 * and CPU time, the ratio of the medians, the load average and the peak resident memory.
 * Target: the Check within 1.1× the floor.
 *
 *   bench-check FAKE_STASH_EXECUTABLE [SCENES] [RUNS]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "bench-util.h"
#include "sh-core.h"
#include "sh-job-manager.h"
#include "sh-media-checker.h"
#include "sh-stash-client.h"

/* The requests the Check makes: its checker's probes and the pages of scene ids. */
static guint64
count_requests (ShStashClient *client,
                guint          scenes)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (client, SH_MEDIA_DEFAULT);
  g_autoptr(ShMediaCheckResult) checked = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_media_checker_run_async (checker, NULL, 0, NULL, NULL, NULL, bench_store_result, &result);
  checked = sh_media_checker_run_finish (checker, bench_await (&result), &error);
  bench_check (error, "count the requests");

  return checked->requests + (scenes + SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE - 1) /
                             SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE;
}

static void
run_check (ShJobManager *manager)
{
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GError) error = NULL;

  sh_job_manager_create_async (manager, "check_stash_generate", parameters, NULL, NULL,
                               bench_store_result, &result);
  job = sh_job_manager_create_finish (manager, bench_await (&result), &error);
  bench_check (error, "create the Check");
  g_clear_object (&result);

  sh_job_manager_run_async (manager, job, NULL, bench_store_result, &result);
  sh_job_manager_run_finish (manager, bench_await (&result), &error);
  bench_check (error, "run the Check");
  if (sh_job_get_status (job) != SH_JOB_COMPLETED)
    g_error ("The Check ended %s: %s", sh_job_status_to_string (sh_job_get_status (job)),
             sh_job_get_error (job) ?: "");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) fake_out = NULL;
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(ShJobManager) manager = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *scenes_arg = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  g_autofree gint64 *filled = NULL;
  BenchSample checks[BENCH_MAX_RUNS];
  BenchSample floors[BENCH_MAX_RUNS];
  double values[BENCH_MAX_RUNS];
  double check_wall, floor_wall;
  BenchFill fill = { 0 };
  guint scenes = 100000;
  guint runs = 3;
  guint64 requests;
  gint64 server_id;
  const char *base;

  if (argc < 2)
    {
      g_printerr ("Usage: %s FAKE_STASH_EXECUTABLE [SCENES] [RUNS]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    scenes = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (argc > 3)
    runs = CLAMP ((guint) g_ascii_strtoull (argv[3], NULL, 10), 1, BENCH_MAX_RUNS);

  sh_core_init ();

  scenes_arg = g_strdup_printf ("%u", scenes);
  fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           argv[1], "--scenes", scenes_arg, "--missing", "none", NULL);
  bench_check (error, "fake Stash");
  fake_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (fake_out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("The fake Stash did not start: %s", error ? error->message : line);
  base = line + strlen ("Listening on ");

  client = sh_stash_client_new (base, NULL, &error);
  bench_check (error, "client");

  dir = g_dir_make_tmp ("bench-check-XXXXXX", &error);
  bench_check (error, "temporary directory");
  path = g_build_filename (dir, "bench.db", NULL);
  db = sh_database_new (path, NULL);
  sh_database_open_async (db, NULL, bench_store_result, &result);
  sh_database_open_finish (db, bench_await (&result), &error);
  bench_check (error, "open");
  g_clear_object (&result);
  sh_database_ensure_server_async (db, sh_stash_client_get_base_url (client), NULL,
                                   bench_store_result, &result);
  server_id = sh_database_ensure_server_finish (db, bench_await (&result), &error);
  bench_check (error, "server");
  g_clear_object (&result);

  /* The mirror of the fake's scenes (ids 1..N), none generated. */
  fill.server_id = server_id;
  fill.n_scenes = scenes;
  sh_database_run_async (db, bench_fill_func, &fill, NULL, g_free, NULL, bench_store_result,
                         &result);
  filled = sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "fill");
  g_clear_object (&result);

  manager = sh_job_manager_new (db, client, server_id);
  requests = count_requests (client, scenes);

  load_before = bench_load_average ();
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = bench_cpu_seconds ();

      run_check (manager);
      checks[i].wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      checks[i].cpu = bench_cpu_seconds () - cpu;

      start = g_get_monotonic_time ();
      cpu = bench_cpu_seconds ();
      bench_floor_run (base, requests, scenes, SH_MEDIA_CHECKER_DEFAULT_MAX_IN_FLIGHT);
      floors[i].wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      floors[i].cpu = bench_cpu_seconds () - cpu;
    }
  load_after = bench_load_average ();

  for (guint i = 0; i < runs; i++)
    values[i] = checks[i].wall;
  check_wall = bench_median (values, runs, NULL, NULL);
  for (guint i = 0; i < runs; i++)
    values[i] = floors[i].wall;
  floor_wall = bench_median (values, runs, NULL, NULL);

  g_print ("scenes:    %u, %" G_GUINT64_FORMAT " requests per run (%.1f per scene), %u runs, "
           "%u in flight\n", scenes, requests, (double) requests / scenes, runs,
           SH_MEDIA_CHECKER_DEFAULT_MAX_IN_FLIGHT);
  bench_print_stats ("check", checks, runs, scenes);
  bench_print_stats ("floor", floors, runs, scenes);
  g_print ("ratio:     wall %.2fx the floor (target <= 1.1x)\n", check_wall / floor_wall);
  g_print ("load:      %s before, %s after\n", load_before, load_after);
  g_print ("peak resident: %.1f MB (this process; the fake runs in its own)\n",
           bench_peak_rss_mib ());

  g_clear_object (&manager);
  sh_database_close (db);
  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);

  return 0;
}
