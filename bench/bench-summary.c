/* bench-summary.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library summary of the Jobs view (sh_scene_store_summarize_async()) over a whole
 * library:
 *
 *   bench-summary [SCENES [DATABASE]]
 *
 * fills a fresh SQLite file (or DATABASE, for example a postgresql:// URL; the scenes go
 * to a new server row that is deleted at the end) with SCENES scenes (default 1,000,000),
 * every tenth generated, and times the summary (median of 5 runs) twice: right after the
 * first sync (no scene checked), and after a Check of every scene that found 90 % of them
 * complete, with 1,000 failing scenes.
 */

#include "config.h"

#include <stdlib.h>

#include "bench-util.h"
#include "sh-scene-store-summary.h"

#define RUNS 5

/* What a Check of the library leaves when Stash has 90 % of the media (it sets the flags
 * from what it found and records every scene), and some failing scenes. */
static const char * const check_statements[] = {
  "UPDATE scene_state SET generated = (scene_id % 10 <> 0) "
  "WHERE server_id = ##server_id::gint64",

  "INSERT INTO scene_media (server_id, scene_id, checked_kinds, missing_kinds, checked_at) "
  "SELECT server_id, scene_id, 127, CASE WHEN generated = TRUE THEN 0 ELSE 4 END, 1 "
  "FROM scene_state WHERE server_id = ##server_id::gint64",

  "INSERT INTO scene_failure (server_id, scene_id, failed_generates) "
  "SELECT server_id, scene_id, 3 FROM scene_state "
  "WHERE server_id = ##server_id::gint64 AND scene_id % 1000 = 7",
};

static gpointer
record_check_func (ShDatabase     *db,
                   GdaConnection  *cnc,
                   gpointer        data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  gint64 server_id = *(gint64 *) data;

  if (!sh_database_begin (db, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (check_statements); i++)
    {
      GdaStatement *stmt;
      GdaSet *params;

      if (!(stmt = sh_database_prepare_full (db, check_statements[i], &params, error)))
        return NULL;
      sh_database_set_int64 (params, "server_id", server_id);
      if (sh_database_execute (db, stmt, params, error) < 0)
        return NULL;
    }

  if (!sh_database_commit (db, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static void
time_summary (ShSceneStore *store,
              gint64        server_id,
              const char   *label)
{
  g_autoptr(ShSceneSummary) summary = NULL;
  BenchSample samples[RUNS];

  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GTimer) timer = g_timer_new ();
      double cpu = bench_cpu_seconds ();

      g_clear_pointer (&summary, sh_scene_summary_free);
      sh_scene_store_summarize_async (store, server_id, NULL, 0, NULL, bench_store_result,
                                      &result);
      summary = sh_scene_store_summarize_finish (store, bench_await (&result), &error);
      bench_check (error, "summarize");
      samples[run].wall = g_timer_elapsed (timer, NULL);
      samples[run].cpu = bench_cpu_seconds () - cpu;
    }

  g_print ("%s: %" G_GUINT64_FORMAT " scenes, %" G_GUINT64_FORMAT " checked, %"
           G_GUINT64_FORMAT " complete, %" G_GUINT64_FORMAT " incomplete (%" G_GUINT64_FORMAT
           " never checked), %" G_GUINT64_FORMAT " failing\n", label, summary->scenes,
           summary->checked, summary->complete, summary->incomplete,
           summary->incomplete_unchecked, summary->failing);
  bench_print_stats ("  summarize", samples, RUNS, (guint) summary->scenes);
}

int
main (int   argc,
      char *argv[])
{
  gint64 n_scenes = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 1000000;
  g_autoptr(ShSceneStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *load = NULL;
  BenchFill fill = { 0, n_scenes, 10 };
  ShDatabase *db;
  char *tmp_path;

  if (n_scenes <= 0)
    {
      g_printerr ("Usage: bench-summary [SCENES [DATABASE]]\n");
      return EXIT_FAILURE;
    }

  db = bench_open_filled (argc > 2 ? argv[2] : NULL, &fill, &tmp_path);
  load = bench_load_average ();
  g_print ("%s, %" G_GINT64_FORMAT " scenes, load average %s\n",
           sh_database_get_provider (db), n_scenes, load);

  store = sh_scene_store_new (db);
  time_summary (store, fill.server_id, "after the first sync");

  sh_database_run_async (db, record_check_func, &fill.server_id, NULL, NULL, NULL,
                         bench_store_result, &result);
  sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "record a Check");

  time_summary (store, fill.server_id, "after a Check");

  g_clear_object (&store);
  bench_remove_filled (db, &fill, tmp_path);

  return EXIT_SUCCESS;
}
