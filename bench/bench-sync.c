/* bench-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Syncs N scenes (default 100,000) from the standalone fake Stash, in its own process, into
 * a fresh SQLite database, then runs an incremental sync with nothing changed. Beside each
 * full sync, a floor: a minimal client that fetches the same FindScenes pages (the same
 * document and variables, one request in flight, keyset paging) and throws the answers
 * away unparsed. The fake's scene ids are 1..N, so the floor knows each page's last id
 * without reading it. Each is run several times; prints the median and range of wall and
 * CPU time, the ratios of the medians (sync / floor), the load average and this process's
 * peak resident memory. A third run, fetch+parse, reads the same pages through the client
 * into scene records and drops them: the client's share of the sync's time. Targets: wall
 * ≤ 1.2×, CPU ≤ 2× the floor, memory flat in N, incremental < 1 s.
 *
 * DATABASE (a postgresql:// URL) syncs into that database instead: each run into a server
 * row of its own, deleted after the run, so that every full sync starts from an empty
 * mirror and the database is left as it was found.
 *
 * With BENCH_GDA_BINDING=1 in the environment, SQLite's pages are staged through libgda's
 * bound values, as when SQLite's own handle is not found (sh-database-sqlite.c): the
 * figures before and after that change, side by side.
 *
 *   bench-sync FAKE_STASH_EXECUTABLE [SCENES] [RUNS] [PAGE_SIZE] [DATABASE]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "bench-util.h"
#include "sh-core.h"
#include "sh-database-private.h"
#include "sh-scene-record.h"
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

/* The request body of the page after @after_id, as sh_stash_client_find_scenes_async()
 * builds it. */
static GBytes *
page_body (const char *query,
           gint64      after_id,
           guint       page_size)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query);
  json_builder_set_member_name (builder, "operationName");
  json_builder_add_string_value (builder, "FindScenes");
  json_builder_set_member_name (builder, "variables");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "per_page");
  json_builder_add_int_value (builder, page_size);
  json_builder_set_member_name (builder, "sort");
  json_builder_add_string_value (builder, "id");
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, "ASC");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "sceneFilter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_int_value (builder, after_id);
  json_builder_set_member_name (builder, "modifier");
  json_builder_add_string_value (builder, "GREATER_THAN");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "withCount");
  json_builder_add_boolean_value (builder, after_id == 0);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

static void
floor_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GBytes **) user_data = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                              NULL);
  if (*(GBytes **) user_data == NULL)
    *(GBytes **) user_data = g_bytes_new (NULL, 0);
}

/* The floor: the same pages as a sync of @scenes, read and discarded. Returns the bytes
 * read. */
static guint64
floor_run (const char *base,
           const char *query,
           guint       scenes,
           guint       page_size)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (base, "/graphql", NULL);
  guint64 bytes = 0;

  /* As many pages as the sync reads: the last one short (or empty). */
  for (gint64 after = 0; after <= scenes; after += page_size)
    {
      g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
      g_autoptr(GBytes) body = page_body (query, after, page_size);
      g_autoptr(GBytes) answer = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                    "application/json");
      soup_message_set_request_body_from_bytes (message, "application/json", body);
      soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                        floor_read_cb, &answer);
      while (answer == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (g_bytes_get_size (answer) == 0)
        g_error ("The floor's request after scene %" G_GINT64_FORMAT " failed", after);
      bytes += g_bytes_get_size (answer);
    }

  return bytes;
}

/* The client's half of a sync: the same pages read and parsed into scene records by
 * sh_stash_client_find_scenes_async(), then dropped. */
static guint64
parse_run (ShStashClient *client,
           guint          page_size)
{
  guint64 parsed = 0;
  gint64 after = 0;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(ShStashScenePage) page = NULL;
      g_autoptr(GError) error = NULL;

      sh_stash_client_find_scenes_async (client, after, page_size, NULL, after == 0, NULL,
                                         bench_store_result, &result);
      page = sh_stash_client_find_scenes_finish (client, bench_await (&result), &error);
      bench_check (error, "find scenes");
      parsed += page->scenes->len;
      if (page->scenes->len < page_size)
        return parsed;
      after = ((ShSceneRecord *) g_ptr_array_index (page->scenes, page->scenes->len - 1))->id;
    }
}

static void
delete_server (ShDatabase *database,
               gint64      server_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_database_run_async (database, bench_delete_server_func, &server_id, NULL, NULL, NULL,
                         bench_store_result, &result);
  sh_database_run_finish (database, bench_await (&result), &error);
  bench_check (error, "delete the server");
}

static gint64
ensure_server (ShDatabase *database,
               const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 server_id;

  sh_database_ensure_server_async (database, url, NULL, bench_store_result, &result);
  server_id = sh_database_ensure_server_finish (database, bench_await (&result), &error);
  bench_check (error, "server");

  return server_id;
}

static void
remove_database (const char *db_path)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

  g_unlink (db_path);
  g_unlink (wal);
  g_unlink (shm);
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
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *scenes_arg = NULL;
  g_autofree char *query = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  BenchSample syncs[BENCH_MAX_RUNS];
  BenchSample floors[BENCH_MAX_RUNS];
  BenchSample parses[BENCH_MAX_RUNS];
  double values[BENCH_MAX_RUNS];
  double incremental_seconds[BENCH_MAX_RUNS];
  double sync_wall, sync_cpu, floor_wall, floor_cpu, parse_wall, parse_cpu, lo, hi;
  ShSceneSyncResult full = { 0 };
  ShSceneSyncResult incremental = { 0 };
  guint scenes = 100000;
  guint runs = 3;
  guint page_size = SH_SCENE_SYNC_DEFAULT_PAGE_SIZE;
  guint64 floor_bytes = 0;
  const char *database_url = NULL;
  const char *base;
  gboolean gda_binding = g_strcmp0 (g_getenv ("BENCH_GDA_BINDING"), "1") == 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s FAKE_STASH_EXECUTABLE [SCENES] [RUNS] [PAGE_SIZE] [DATABASE]\n",
                  argv[0]);
      return 2;
    }
  if (argc > 2)
    scenes = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (argc > 3)
    runs = CLAMP ((guint) g_ascii_strtoull (argv[3], NULL, 10), 1, BENCH_MAX_RUNS);
  if (argc > 4 && g_ascii_strtoull (argv[4], NULL, 10) > 0)
    page_size = (guint) g_ascii_strtoull (argv[4], NULL, 10);
  if (argc > 5)
    database_url = argv[5];

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
  base = line + strlen ("Listening on ");

  dir = g_dir_make_tmp ("stashhog-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (dir, "bench.db", NULL);

  client = sh_stash_client_new (base, NULL, &error);
  g_assert_no_error (error);
  query = sh_stash_client_load_query ("FindScenes");

  load_before = bench_load_average ();
  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(ShDatabase) database = NULL;
      g_autoptr(ShSceneStore) store = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      gint64 server_id;
      gint64 start;
      double cpu;

      if (database_url == NULL)
        remove_database (db_path);
      database = sh_database_new (database_url != NULL ? database_url : db_path, NULL);
      if (gda_binding)
        _sh_database_disable_direct_sqlite (database);
      sh_database_open_async (database, NULL, bench_store_result, &result);
      if (!sh_database_open_finish (database, bench_await (&result), &error))
        g_error ("%s", error->message);
      g_clear_object (&result);
      server_id = ensure_server (database, sh_stash_client_get_base_url (client));
      if (database_url != NULL)
        {
          /* A mirror left by an interrupted run would make this sync a resumed one. */
          delete_server (database, server_id);
          server_id = ensure_server (database, sh_stash_client_get_base_url (client));
        }
      store = sh_scene_store_new (database);

      cpu = bench_cpu_seconds ();
      syncs[i].wall = run_sync (client, store, server_id, TRUE, page_size, &full);
      syncs[i].cpu = bench_cpu_seconds () - cpu;
      if (full.synced != scenes)
        g_error ("Expected %u scenes, synced %" G_GUINT64_FORMAT, scenes, full.synced);

      incremental_seconds[i] = run_sync (client, store, server_id, FALSE, page_size,
                                         &incremental);

      if (database_url != NULL)
        delete_server (database, server_id);
      g_clear_object (&store);
      sh_database_close (database);

      start = g_get_monotonic_time ();
      cpu = bench_cpu_seconds ();
      floor_bytes = floor_run (base, query, scenes, page_size);
      floors[i].wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      floors[i].cpu = bench_cpu_seconds () - cpu;

      start = g_get_monotonic_time ();
      cpu = bench_cpu_seconds ();
      if (parse_run (client, page_size) != scenes)
        g_error ("The parse-only run did not read %u scenes", scenes);
      parses[i].wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      parses[i].cpu = bench_cpu_seconds () - cpu;
    }
  load_after = bench_load_average ();

  g_print ("scenes:     %u in %u pages of %u, %.1f MB of answers, %u runs, into %s%s\n",
           scenes, full.pages, page_size, floor_bytes / 1e6, runs,
           database_url != NULL ? "PostgreSQL" : "a fresh SQLite file",
           database_url == NULL && gda_binding ? " (pages staged through libgda's binding)"
                                               : "");
  bench_print_stats ("full sync", syncs, runs, scenes);
  bench_print_stats ("fetch only", floors, runs, scenes);
  bench_print_stats ("fetch+parse", parses, runs, scenes);

  for (guint i = 0; i < runs; i++)
    values[i] = syncs[i].wall;
  sync_wall = bench_median (values, runs, NULL, NULL);
  for (guint i = 0; i < runs; i++)
    values[i] = syncs[i].cpu;
  sync_cpu = bench_median (values, runs, NULL, NULL);
  for (guint i = 0; i < runs; i++)
    values[i] = floors[i].wall;
  floor_wall = bench_median (values, runs, NULL, NULL);
  for (guint i = 0; i < runs; i++)
    values[i] = floors[i].cpu;
  floor_cpu = bench_median (values, runs, NULL, NULL);
  g_print ("ratio:      wall %.2fx (target <= 1.2x), CPU %.2fx (target <= 2x) the fetch-only "
           "floor\n", sync_wall / floor_wall, sync_cpu / floor_cpu);
  /* The floor reads "the same pages, parsed into nothing": the pages parsed and
   * dropped is the other reading of it. */
  for (guint i = 0; i < runs; i++)
    values[i] = parses[i].wall;
  parse_wall = bench_median (values, runs, NULL, NULL);
  for (guint i = 0; i < runs; i++)
    values[i] = parses[i].cpu;
  parse_cpu = bench_median (values, runs, NULL, NULL);
  g_print ("            wall %.2fx, CPU %.2fx the fetch+parse floor (pages parsed, then "
           "dropped)\n", sync_wall / parse_wall, sync_cpu / parse_cpu);
  g_print ("per scene:  sync %.1f us wall, %.1f us CPU; floor %.1f us wall, %.1f us CPU\n",
           sync_wall * 1e6 / scenes, sync_cpu * 1e6 / scenes,
           floor_wall * 1e6 / scenes, floor_cpu * 1e6 / scenes);
  g_print ("incremental sync, nothing changed: median %.3f s",
           bench_median (incremental_seconds, runs, &lo, &hi));
  g_print (" (%.3f-%.3f), %" G_GUINT64_FORMAT " scenes changed\n", lo, hi, incremental.synced);
  g_print ("load:       %s before, %s after\n", load_before, load_after);
  g_print ("peak resident: %.1f MB (this process; the fake runs in its own)\n",
           bench_peak_rss_mib ());

  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);
  remove_database (db_path);
  g_rmdir (dir);

  return 0;
}
