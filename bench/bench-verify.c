/* bench-verify.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verification of a finished Generate: every tracked scene probed for the media the
 * Generate's default options ask for (cover, sprite and vtt, preview, phash, marker video
 * and screenshot), in pages of 2,000 scenes with 16 requests in flight, as
 * sh-generate-job-verify.c does, against the standalone fake Stash in its own process
 * (every medium present). Beside it a floor: a minimal prober that makes the same number of
 * requests (the GraphQL pages as raw POSTs, the rest as ranged GETs) with the same
 * concurrency and throws the answers away. Each is run several times; prints the median
 * and range of wall and CPU time, scenes per second, the load average and the peak
 * resident memory. Target: ≥ 2,000 scenes/s, memory flat in the number of scenes.
 *
 *   bench-verify FAKE_STASH_EXECUTABLE [SCENES] [RUNS]
 */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "sh-core.h"
#include "sh-media-checker.h"
#include "sh-stash-client.h"
#include "sh-stash-error.h"

#define VERIFY_PAGE      2000
#define VERIFY_IN_FLIGHT 16

#define GENERATE_KINDS (SH_MEDIA_COVER | SH_MEDIA_SPRITE | SH_MEDIA_VTT | SH_MEDIA_PREVIEW | \
                        SH_MEDIA_PHASH | SH_MEDIA_MARKER_VIDEO | SH_MEDIA_MARKER_SCREENSHOT)

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The verification: pages of ids through the media checker, one page after the other. */
static guint retries;

static guint64
verify (ShStashClient *client,
        guint          scenes)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), VERIFY_PAGE);
  guint64 requests = 0;
  guint64 complete = 0;

  /* BENCH_VERIFY_FIRST: start later in the library (to look at one part of a big one). */
  guint start = g_getenv ("BENCH_VERIFY_FIRST") ? (guint) g_ascii_strtoull (g_getenv ("BENCH_VERIFY_FIRST"), NULL, 10) : 1;

  for (guint first = MAX (start, 1); first <= scenes; first += VERIFY_PAGE)
    {
      g_autoptr(ShMediaChecker) checker = sh_media_checker_new (client, GENERATE_KINDS);
      g_autoptr(ShMediaCheckResult) checked = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      g_array_set_size (ids, 0);
      for (gint64 id = first; id < first + VERIFY_PAGE && id <= scenes; id++)
        g_array_append_val (ids, id);

      sh_media_checker_set_max_in_flight (checker, VERIFY_IN_FLIGHT);
      /* As the Generate job does: a page whose request failed for a passing reason (a
       * timeout) is probed again; the retries are counted and printed. */
      for (guint attempt = 0; checked == NULL; attempt++)
        {
          g_clear_object (&result);
          g_clear_error (&error);
          sh_media_checker_run_async (checker, (const gint64 *) ids->data, ids->len, NULL, NULL,
                                      NULL, bench_store_result, &result);
          checked = sh_media_checker_run_finish (checker, bench_await (&result), &error);
          if (checked == NULL && attempt < 4 &&
              (g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_TIMEOUT) ||
               g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_CONNECTION_LOST)))
            {
              g_printerr ("retrying scenes %u…: %s\n", first, error->message);
              retries++;
              continue;
            }
          bench_check (error, "verify");
        }
      requests += checked->requests + (ids->len + SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE - 1) /
                                      SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE;
      complete += checked->complete->len;
    }

  if (complete != scenes - MAX (start, 1) + 1)
    g_error ("Expected %u complete scenes, the check found %" G_GUINT64_FORMAT, scenes, complete);

  return requests;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) fake_out = NULL;
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *scenes_arg = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  BenchSample verified[16];
  BenchSample floors[16];
  guint scenes = 100000;
  guint runs = 3;
  guint64 requests = 0;
  const char *base;

  if (argc < 2)
    {
      g_printerr ("Usage: %s FAKE_STASH_EXECUTABLE [SCENES] [RUNS]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    scenes = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (argc > 3)
    runs = CLAMP ((guint) g_ascii_strtoull (argv[3], NULL, 10), 1, 15);

  sh_core_init ();

  scenes_arg = g_strdup_printf ("%u", scenes);
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    /* The fake goes with us, also when a run fails (g_error aborts). */
    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    fake = g_subprocess_launcher_spawn (launcher, &error, argv[1], "--scenes", scenes_arg,
                                        "--missing", "none", NULL);
  }
  if (fake == NULL)
    g_error ("Could not start the fake Stash: %s", error->message);
  fake_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (fake_out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("The fake Stash did not start: %s", error ? error->message : line);
  base = line + strlen ("Listening on ");

  client = sh_stash_client_new (base, NULL, &error);
  g_assert_no_error (error);

  load_before = bench_load_average ();
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = bench_cpu_seconds ();

      requests = verify (client, scenes);
      verified[i].wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      verified[i].cpu = bench_cpu_seconds () - cpu;

      start = g_get_monotonic_time ();
      cpu = bench_cpu_seconds ();
      bench_floor_run (base, requests, scenes, VERIFY_IN_FLIGHT);
      floors[i].wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      floors[i].cpu = bench_cpu_seconds () - cpu;
    }
  load_after = bench_load_average ();

  g_print ("scenes:    %u, %" G_GUINT64_FORMAT " requests per run (%.1f per scene), %u runs\n",
           scenes, requests, (double) requests / scenes, runs);
  bench_print_stats ("verify", verified, runs, scenes);
  bench_print_stats ("floor", floors, runs, scenes);
  g_print ("load:      %s before, %s after\n", load_before, load_after);
  g_print ("retried pages: %u\n", retries);
  g_print ("peak resident: %.1f MB (this process; the fake runs in its own)\n",
           bench_peak_rss_mib ());

  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);

  return 0;
}
