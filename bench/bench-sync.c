/* bench-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Syncs N scenes (default 100,000) from the standalone fake Stash, in its own process, into
 * a fresh SQLite database, then runs an incremental sync with nothing changed. Prints
 * scenes per second, the time of the incremental sync and this process's peak resident
 * memory. Targets: ≥ 20,000 scenes/s, ≤ 100 MB resident, incremental < 1 s.
 *
 *   bench-sync FAKE_STASH_EXECUTABLE [SCENES] [PAGE_SIZE]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "bench-util.h"
#include "sh-core.h"
#include "sh-database.h"
#include "sh-scene-store.h"
#include "sh-scene-sync.h"
#include "sh-stash-client.h"

static double
run_sync (ShStashClient     *client,
          ShSceneStore      *store,
          gint64             server_id,
          gboolean           full,
          guint              page_size,
          ShSceneSyncResult *out)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  sh_scene_sync_run_async (client, store, server_id, full, page_size, NULL, NULL, NULL,
                           bench_store_result, &result);
  if (!sh_scene_sync_run_finish (bench_await (&result), out, &error))
    g_error ("Sync failed: %s", error->message);

  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) fake_out = NULL;
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShDatabase) database = NULL;
  g_autoptr(ShSceneStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *scenes_arg = NULL;
  ShSceneSyncResult full = { 0 };
  ShSceneSyncResult incremental = { 0 };
  guint scenes = 100000;
  guint page_size = 0;
  gint64 server_id;
  double full_seconds;
  double incremental_seconds;

  if (argc < 2)
    {
      g_printerr ("Usage: %s FAKE_STASH_EXECUTABLE [SCENES] [PAGE_SIZE]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    scenes = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (argc > 3)
    page_size = (guint) g_ascii_strtoull (argv[3], NULL, 10);

  sh_core_init ();

  scenes_arg = g_strdup_printf ("%u", scenes);
  fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           argv[1], "--scenes", scenes_arg, NULL);
  if (fake == NULL)
    g_error ("Could not start the fake Stash: %s", error->message);
  fake_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (fake_out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("The fake Stash did not start: %s", error ? error->message : line);

  dir = g_dir_make_tmp ("stashhog-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (dir, "bench.db", NULL);

  client = sh_stash_client_new (line + strlen ("Listening on "), NULL, &error);
  g_assert_no_error (error);
  database = sh_database_new (db_path, NULL);
  sh_database_open_async (database, NULL, bench_store_result, &result);
  if (!sh_database_open_finish (database, bench_await (&result), &error))
    g_error ("%s", error->message);
  g_clear_object (&result);

  sh_database_ensure_server_async (database, sh_stash_client_get_base_url (client), NULL,
                                   bench_store_result, &result);
  server_id = sh_database_ensure_server_finish (database, bench_await (&result), &error);
  g_assert_no_error (error);
  store = sh_scene_store_new (database);

  full_seconds = run_sync (client, store, server_id, TRUE, page_size, &full);
  incremental_seconds = run_sync (client, store, server_id, FALSE, page_size, &incremental);

  g_print ("scenes:            %" G_GUINT64_FORMAT " in %u pages\n", full.synced, full.pages);
  g_print ("full sync:         %.2f s, %.0f scenes/s\n", full_seconds,
           full.synced / full_seconds);
  g_print ("incremental sync:  %.3f s, %" G_GUINT64_FORMAT " scenes changed\n",
           incremental_seconds, incremental.synced);
  g_print ("peak resident:     %.1f MB\n", bench_peak_rss_mib ());

  g_clear_object (&store);
  sh_database_close (database);
  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);
  g_unlink (db_path);
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);

  if (full.synced != scenes)
    {
      g_printerr ("Expected %u scenes, synced %" G_GUINT64_FORMAT "\n", scenes, full.synced);
      return 1;
    }

  return 0;
}
