/* bench-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's bulk paths, as a sync and a Generate use them:
 *
 *   bench-store [SCENES [PAGE_SIZE [DATABASE]]]
 *
 * upserts SCENES scenes (default 100,000) in pages of PAGE_SIZE (default 500) into a fresh
 * SQLite file (or DATABASE, for example a postgresql:// URL; the scenes go to a new server
 * row that is deleted at the end), upserts them again unchanged and with 10 % moved, then
 * sets the generated flag of all of them and of a million ids in one call each.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "bench-util.h"
#include "sh-scene-store.h"

static GPtrArray *
make_page (guint first,
           guint n,
           guint version)
{
  GPtrArray *page = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free);

  for (guint i = 0; i < n; i++)
    {
      ShSceneRecord *scene = sh_scene_record_new ();
      guint id = first + i;

      scene->id = id;
      scene->title = g_strdup_printf ("Scene number %u, with a title of usual length", id);
      /* version 1 moves every tenth file. */
      scene->path = g_strdup_printf ("/data/videos/studio-%u/scene-%u%s.mp4", id % 97, id,
                                     version > 0 && id % 10 == 0 ? "-moved" : "");
      scene->oshash = g_strdup_printf ("%016x", id * 2654435761u);
      scene->phash = g_strdup_printf ("%016x", id * 40503u);
      scene->duration = 600.0 + id % 3600;
      scene->organized = id % 3 == 0;
      scene->interactive = id % 50 == 0;
      scene->interactive_speed = id % 50 == 0 ? 80 : -1;
      scene->markers_digest = id % 4 == 0 ? g_strdup_printf ("m%u", id) : NULL;
      scene->stash_created_at = g_strdup ("2024-03-01T10:00:00+01:00");
      scene->stash_updated_at = g_strdup_printf ("2024-03-%02uT10:00:00+01:00", 1 + id % 28);
      g_ptr_array_add (page, scene);
    }

  return page;
}

static guint64
upsert_all (ShSceneStore *store,
            gint64        server_id,
            GPtrArray    *pages,
            const char   *stamp,
            const char   *label,
            guint         n_scenes)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  double cpu = bench_cpu_seconds ();
  guint64 n_reset = 0;
  double seconds;

  for (guint i = 0; i < pages->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      guint reset = 0;

      sh_scene_store_upsert_async (store, server_id, pages->pdata[i], stamp, NULL,
                                   bench_store_result, &result);
      sh_scene_store_upsert_finish (store, bench_await (&result), &reset, &error);
      bench_check (error, "upsert");
      n_reset += reset;
    }

  seconds = g_timer_elapsed (timer, NULL);
  cpu = bench_cpu_seconds () - cpu;
  g_print ("%-26s %8u scenes %6.2f s %8.0f/s, CPU %6.2f s %8.0f/s "
           "(n_reset %" G_GUINT64_FORMAT ")\n",
           label, n_scenes, seconds, n_scenes / seconds, cpu, n_scenes / cpu, n_reset);

  return n_reset;
}

static void
set_generated_all (ShSceneStore *store,
                   gint64        server_id,
                   guint         n_ids,
                   const char   *label)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autoptr(GError) error = NULL;
  guint64 changed;
  double seconds;
  double cpu;

  for (gint64 id = 1; id <= n_ids; id++)
    g_array_append_val (ids, id);

  timer = g_timer_new ();
  cpu = bench_cpu_seconds ();
  sh_scene_store_set_generated_async (store, server_id, (gint64 *)ids->data, n_ids, TRUE, NULL,
                                      bench_store_result, &result);
  changed = sh_scene_store_set_generated_finish (store, bench_await (&result), &error);
  bench_check (error, "set generated");
  seconds = g_timer_elapsed (timer, NULL);
  cpu = bench_cpu_seconds () - cpu;
  g_print ("%-26s %8u ids    %6.2f s %8.0f/s, CPU %6.2f s %8.0f/s "
           "(changed %" G_GUINT64_FORMAT ")\n",
           label, n_ids, seconds, n_ids / seconds, cpu, n_ids / cpu, changed);
}

int
main (int   argc,
      char *argv[])
{
  guint n_scenes = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  guint page_size = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 500;
  const char *url = argc > 3 ? argv[3] : NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(ShSceneStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *server_url = NULL;
  gint64 server_id;

  if (n_scenes == 0 || page_size == 0)
    {
      g_printerr ("Usage: bench-store [SCENES [PAGE_SIZE [DATABASE]]]\n");
      return EXIT_FAILURE;
    }

  if (url == NULL)
    {
      dir = g_dir_make_tmp ("bench-store-XXXXXX", &error);
      bench_check (error, "temporary directory");
      path = g_build_filename (dir, "bench.db", NULL);
      url = path;
    }

  db = sh_database_new (url, NULL);
  sh_database_open_async (db, NULL, bench_store_result, &result);
  sh_database_open_finish (db, bench_await (&result), &error);
  bench_check (error, "open");
  g_clear_object (&result);

  server_url = g_strdup_printf ("http://bench-%" G_GINT64_FORMAT ".invalid",
                                g_get_real_time ());
  sh_database_ensure_server_async (db, server_url, NULL, bench_store_result, &result);
  server_id = sh_database_ensure_server_finish (db, bench_await (&result), &error);
  bench_check (error, "server");
  g_clear_object (&result);

  store = sh_scene_store_new (db);

  for (guint first = 1; first <= n_scenes; first += page_size)
    {
      guint n = MIN (page_size, n_scenes - first + 1);

      g_ptr_array_add (pages, make_page (first, n, 0));
      g_ptr_array_add (moved, make_page (first, n, 1));
    }

  g_print ("%s, %u scenes in pages of %u\n", sh_database_get_provider (db), n_scenes, page_size);
  upsert_all (store, server_id, pages, "sync-1", "upsert (insert)", n_scenes);
  upsert_all (store, server_id, pages, "sync-2", "upsert (no change)", n_scenes);
  set_generated_all (store, server_id, n_scenes, "set_generated (all)");
  upsert_all (store, server_id, moved, "sync-3", "upsert (10 % moved)", n_scenes);
  set_generated_all (store, server_id, 1000000, "set_generated (1,000,000)");

  sh_database_run_async (db, bench_delete_server_func, &server_id, NULL, NULL, NULL,
                         bench_store_result, &result);
  sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "delete the server");
  g_clear_object (&result);

  g_clear_object (&store);
  sh_database_close (db);

  if (path != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (wal);
      g_unlink (shm);
      g_unlink (path);
      g_rmdir (dir);
    }

  return EXIT_SUCCESS;
}
