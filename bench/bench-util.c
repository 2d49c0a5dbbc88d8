/* bench-util.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-util.h"
#include "sh-media-checker.h"

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * at @user_data. */
void
bench_store_result (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
bench_await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

/* Ends the benchmark when @error is set: a figure measured after a failure means nothing. */
void
bench_check (GError     *error,
             const char *what)
{
  if (error != NULL)
    {
      g_printerr ("%s: %s: %s\n", g_get_prgname (), what, error->message);
      exit (EXIT_FAILURE);
    }
}

/* CPU seconds of the whole process: the work runs on the database's worker thread. */
double
bench_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double
bench_peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_maxrss / 1024.0;
}

/* The load average of the last 1, 5 and 15 minutes, as /proc/loadavg has them. */
char *
bench_load_average (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  fields = g_strsplit (text, " ", 4);
  if (g_strv_length (fields) < 3)
    return g_strdup ("?");

  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median of @n values (the upper one of an even count), with their range. */
double
bench_median (const double *values,
              guint         n,
              double       *out_min,
              double       *out_max)
{
  double sorted[BENCH_MAX_RUNS];

  g_assert (n > 0 && n <= BENCH_MAX_RUNS);

  memcpy (sorted, values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_double);
  if (out_min != NULL)
    *out_min = sorted[0];
  if (out_max != NULL)
    *out_max = sorted[n - 1];

  return sorted[n / 2];
}

/* Median and range of wall and CPU time of @n runs over @scenes scenes. */
void
bench_print_stats (const char        *what,
                   const BenchSample *samples,
                   guint              n,
                   guint              scenes)
{
  double wall[BENCH_MAX_RUNS];
  double cpu[BENCH_MAX_RUNS];
  double wall_min, wall_max, cpu_min, cpu_max, wall_median, cpu_median;

  g_assert (n > 0 && n <= BENCH_MAX_RUNS);

  for (guint i = 0; i < n; i++)
    {
      wall[i] = samples[i].wall;
      cpu[i] = samples[i].cpu;
    }
  wall_median = bench_median (wall, n, &wall_min, &wall_max);
  cpu_median = bench_median (cpu, n, &cpu_min, &cpu_max);

  g_print ("%-10s wall median %.2f s (%.2f-%.2f), CPU median %.2f s (%.2f-%.2f), "
           "%.0f scenes/s (%.0f-%.0f)\n",
           what, wall_median, wall_min, wall_max, cpu_median, cpu_min, cpu_max,
           scenes / wall_median, scenes / wall_max, scenes / wall_min);
}

/*
 * bench_fill_func:
 * @data: a #BenchFill
 *
 * On the worker, in one transaction: adds scenes 1..n to the server with one set-based
 * statement, rows of a realistic size (as a sync stores them, so that scans read what a
 * real mirror holds), and each scene's row of scene_state, as the scene store adds it.
 *
 * Returns: (transfer full): the number of scenes added, a #gint64
 */
gpointer
bench_fill_func (ShDatabase     *db,
                 GdaConnection  *cnc,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  BenchFill *fill = data;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 rows;

  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene (server_id, id, title, path, oshash, "
                                   "duration, stash_created_at, stash_updated_at, last_synced) "
                                   "WITH RECURSIVE n(i) AS ("
                                   "  SELECT CAST(1 AS BIGINT) "
                                   "  UNION ALL SELECT i + 1 FROM n WHERE i < ##n::gint64"
                                   ") "
                                   "SELECT CAST(##server_id::gint64 AS BIGINT), i, "
                                   "'Scene number ' || i || ', with a title of usual length', "
                                   "'/data/videos/studio-' || (i % 97) || '/scene-' || i "
                                   "|| '.mp4', "
                                   "'oshash-' || i, 600 + i % 3600, "
                                   "'2024-03-01T10:00:00+01:00', '2024-03-02T10:00:00+01:00', "
                                   "'2024-05-01T12:00:00Z' FROM n",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "n", fill->n_scenes);
  sh_database_set_int64 (params, "server_id", fill->server_id);

  if (!sh_database_begin (db, error))
    return NULL;
  if ((rows = sh_database_execute (db, stmt, params, error)) < 0)
    return NULL;

  stmt = sh_database_prepare_full (db,
                                   fill->generated_every > 0
                                   ? "INSERT INTO scene_state (server_id, scene_id, generated) "
                                     "SELECT server_id, id, id % ##every::gint64 = 0 "
                                     "FROM scene WHERE server_id = ##server_id::gint64"
                                   : "INSERT INTO scene_state (server_id, scene_id, generated) "
                                     "SELECT server_id, id, FALSE "
                                     "FROM scene WHERE server_id = ##server_id::gint64",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", fill->server_id);
  if (fill->generated_every > 0)
    sh_database_set_int64 (params, "every", fill->generated_every);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  if (!sh_database_commit (db, error))
    return NULL;

  return g_memdup2 (&rows, sizeof rows);
}

/*
 * bench_delete_server_func:
 * @data: the server's row id, a #gint64
 *
 * On the worker: deletes a server with its scenes and jobs, so that a benchmark leaves a
 * shared database as it found it.
 */
gpointer
bench_delete_server_func (ShDatabase     *db,
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

/* A database of its own */

/**
 * bench_open_filled:
 * @url: (nullable): where to measure, for example a postgresql:// URL; %NULL for a fresh
 *   SQLite file in a temporary directory
 * @fill: the scenes to add; its server_id is set to a new server row's
 * @tmp_path: (out): the SQLite file made for %NULL, for bench_remove_filled()
 *
 * Opens the database, adds a server of its own and fills it (not timed).
 *
 * Returns: (transfer full): the open database
 */
ShDatabase *
bench_open_filled (const char  *url,
                   BenchFill   *fill,
                   char       **tmp_path)
{
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *filled = NULL;
  g_autofree char *server_url = NULL;

  *tmp_path = NULL;
  if (url == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("bench-XXXXXX", &error);

      bench_check (error, "temporary directory");
      *tmp_path = g_build_filename (dir, "bench.db", NULL);
      url = *tmp_path;
    }

  db = sh_database_new (url, NULL);
  sh_database_open_async (db, NULL, bench_store_result, &result);
  sh_database_open_finish (db, bench_await (&result), &error);
  bench_check (error, "open");
  g_clear_object (&result);

  server_url = g_strdup_printf ("http://bench-%" G_GINT64_FORMAT ".invalid", g_get_real_time ());
  sh_database_ensure_server_async (db, server_url, NULL, bench_store_result, &result);
  fill->server_id = sh_database_ensure_server_finish (db, bench_await (&result), &error);
  bench_check (error, "server");
  g_clear_object (&result);

  sh_database_run_async (db, bench_fill_func, fill, NULL, g_free, NULL, bench_store_result,
                         &result);
  filled = sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "fill");

  return g_steal_pointer (&db);
}

/**
 * bench_remove_filled:
 * @db: (transfer full): what bench_open_filled() returned
 * @fill: its scenes
 * @tmp_path: (transfer full) (nullable): the SQLite file it made
 *
 * Deletes the server's rows, closes the database and removes the SQLite file it made.
 */
void
bench_remove_filled (ShDatabase *db,
                     BenchFill  *fill,
                     char       *tmp_path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path;
  g_autofree char *dir = NULL;

  sh_database_run_async (db, bench_delete_server_func, &fill->server_id, NULL, NULL, NULL,
                         bench_store_result, &result);
  sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "delete the server");
  g_clear_object (&result);
  g_object_unref (db);

  if (path == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_remove (file);
    }
  dir = g_path_get_dirname (path);
  g_rmdir (dir);
}

/* The floor of a media check */

typedef struct
{
  SoupSession *session;
  const char  *base;
  GBytes      *page_body;
  guint64      to_send;
  guint64      pages_left;
  guint64      sent;
  guint        in_flight;
  guint        max_in_flight;
} Floor;

static void floor_pump (Floor *floor);

static void
floor_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Floor *floor = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  floor->in_flight--;
  floor_pump (floor);
}

static void
floor_pump (Floor *floor)
{
  while (floor->in_flight < floor->max_in_flight && floor->sent < floor->to_send)
    {
      g_autoptr(SoupMessage) message = NULL;
      g_autofree char *uri = NULL;

      if (floor->pages_left > 0)
        {
          uri = g_strconcat (floor->base, "/graphql", NULL);
          message = soup_message_new ("POST", uri);
          soup_message_set_request_body_from_bytes (message, "application/json", floor->page_body);
          floor->pages_left--;
        }
      else
        {
          uri = g_strdup_printf ("%s/scene/%" G_GUINT64_FORMAT "/preview", floor->base,
                                 floor->sent % 1000 + 1);
          message = soup_message_new ("GET", uri);
          soup_message_headers_replace (soup_message_get_request_headers (message), "Range",
                                        "bytes=0-0");
        }
      floor->sent++;
      floor->in_flight++;
      soup_session_send_and_read_async (floor->session, message, G_PRIORITY_DEFAULT, NULL,
                                        floor_cb, floor);
    }
}

/*
 * bench_floor_run:
 * @requests: how many requests in all
 * @scenes: how many scenes they are about (for the number of GraphQL pages)
 * @max_in_flight: the concurrency
 *
 * A minimal prober: the requests of a media check of @scenes (the GraphQL pages of scene
 * ids as raw POSTs, then ranged GETs of a medium) with the same concurrency, the answers
 * thrown away, nothing parsed.
 */
void
bench_floor_run (const char *base,
                 guint64     requests,
                 guint       scenes,
                 guint       max_in_flight)
{
  Floor floor = { 0 };
  g_autofree char *body = NULL;

  /* A page of the check's query, as big as the real one asks for. */
  body = g_strdup_printf ("{\"operationName\":\"FindSceneIds\",\"query\":\"query FindSceneIds("
                          "$filter: FindFilterType!, $sceneFilter: SceneFilterType!) { "
                          "findScenes(filter: $filter, scene_filter: $sceneFilter) { scenes { id "
                          "files { duration phash: fingerprint(type: \\\"phash\\\") } } } }\","
                          "\"variables\":{\"filter\":{\"page\":1,\"per_page\":%d,\"sort\":\"id\","
                          "\"direction\":\"ASC\"},\"sceneFilter\":{\"id\":{\"value\":0,"
                          "\"value2\":1000000000,\"modifier\":\"BETWEEN\"}}}}",
                          SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE);
  floor.session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64, NULL);
  floor.base = base;
  floor.page_body = g_bytes_new_take (g_steal_pointer (&body), strlen (body));
  floor.to_send = requests;
  floor.max_in_flight = max_in_flight;
  floor.pages_left = (scenes + SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE - 1) /
                     SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE;

  floor_pump (&floor);
  while (floor.in_flight > 0 || floor.sent < floor.to_send)
    g_main_context_iteration (NULL, TRUE);

  g_bytes_unref (floor.page_body);
  g_object_unref (floor.session);
}
