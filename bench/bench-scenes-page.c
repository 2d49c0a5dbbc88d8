/* bench-scenes-page.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Scenes page over a large mirror, on a display (run it under Xvfb):
 *
 *   bench-scenes-page [--fake-stash PATH] [SCENES [DATABASE]]
 *
 * fills a fresh SQLite file with SCENES scenes (default 1,000,000; every third one
 * generated) with one set-based statement, in a child process so that neither its time
 * nor its memory counts; DATABASE, when given, is kept and reused. Then it opens a window
 * with a ShScenesPage and measures, each up to the frame that shows the rows:
 *
 *   - connect: from sh_scenes_page_set_session() to the first rows painted (target 500 ms);
 *   - each switch of the Generated filter, until the new first rows are painted (200 ms);
 *   - a jump to the middle of the list, until its rows are painted;
 *
 * and prints the peak resident memory of the process (target 200 MB).
 *
 * With --fake-stash, the standalone fake Stash serves the scenes' covers (on port 39517,
 * so that a kept DATABASE stays valid), and the cover thumbnails load as they do for a
 * user while everything above is measured; it also prints when the covers of the first
 * screen were painted, and how many covers were asked for. The covers go to a fresh cache
 * directory (XDG_CACHE_HOME), so that none comes from an earlier run.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>

#include "bench-util.h"
#include "sh-core.h"
#include "sh-scene-thumbnail.h"
#include "sh-scenes-page.h"
#include "stashhog-ui-resources.h"

#define SERVER_URL     "http://bench.invalid:9999"
#define FAKE_PORT      "39517"
#define FAKE_URL       "http://127.0.0.1:" FAKE_PORT
#define TIMEOUT_S      60
#define TARGET_CONNECT 500.0
#define TARGET_FILTER  200.0
#define TARGET_RSS     200.0

static int
fill (const char *path,
      gint64      n_scenes,
      const char *server_url)
{
  g_autoptr(ShDatabase) db = sh_database_new (path, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *rows = NULL;
  BenchFill data = { 0, n_scenes, 3 };

  sh_database_open_async (db, NULL, bench_store_result, &result);
  sh_database_open_finish (db, bench_await (&result), &error);
  bench_check (error, "open");
  g_clear_object (&result);

  sh_database_ensure_server_async (db, server_url, NULL, bench_store_result, &result);
  data.server_id = sh_database_ensure_server_finish (db, bench_await (&result), &error);
  bench_check (error, "server");
  g_clear_object (&result);

  sh_database_run_async (db, bench_fill_func, &data, NULL, g_free, NULL, bench_store_result,
                         &result);
  rows = sh_database_run_finish (db, bench_await (&result), &error);
  bench_check (error, "fill");

  sh_database_close (db);

  return *rows == n_scenes ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Frames ------------------------------------------------------------------------------ */

typedef struct
{
  GtkWidget  *root;
  const char *present;   /* a label that must be painted */
  const char *absent;    /* (nullable) and one that must not */
  gint64      start;
  gint64      end;
} FrameWait;

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_label (child, text))
      return TRUE;

  return FALSE;
}

/* After each painted frame: is what we wait for on screen? */
static void
after_paint_cb (GdkFrameClock *clock,
                FrameWait     *wait)
{
  if (wait->end != 0)
    return;

  if (find_label (wait->root, wait->present)
      && (wait->absent == NULL || !find_label (wait->root, wait->absent)))
    wait->end = g_get_monotonic_time ();
}

static double
wait_painted (FrameWait *wait)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (wait->root);
  gint64 deadline = wait->start + TIMEOUT_S * G_USEC_PER_SEC;
  gulong handler;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), wait);
  while (wait->end == 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("bench-scenes-page: “%s” was never painted\n", wait->present);
          exit (EXIT_FAILURE);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);

  return (wait->end - wait->start) / 1000.0;
}

/* Covers ------------------------------------------------------------------------------ */

static void
count_covers (GtkWidget *widget,
              GtkWidget *viewport,
              guint     *seen,
              guint     *done)
{
  if (SH_IS_SCENE_THUMBNAIL (widget))
    {
      graphene_rect_t bounds;

      ShSceneThumbnail *thumbnail = SH_SCENE_THUMBNAIL (widget);

      if (gtk_widget_get_mapped (widget) && sh_scene_thumbnail_get_item (thumbnail)
          && gtk_widget_compute_bounds (widget, viewport, &bounds)
          && bounds.origin.y + bounds.size.height > 0
          && bounds.origin.y < gtk_widget_get_height (viewport))
        {
          (*seen)++;
          *done += sh_scene_thumbnail_get_done (thumbnail);
        }
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_covers (child, viewport, seen, done);
}

typedef struct
{
  GtkWidget *page;
  GtkWidget *viewport;
  gint64     end;
} CoverWait;

static void
covers_after_paint_cb (GdkFrameClock *clock,
                       CoverWait     *wait)
{
  guint seen = 0;
  guint done = 0;

  count_covers (wait->page, wait->viewport, &seen, &done);
  if (wait->end == 0 && seen > 0 && done == seen)
    wait->end = g_get_monotonic_time ();
}

/* Until the covers in sight are painted (or their placeholder, for want of one). */
static double
wait_covers (GtkWidget *page,
             GtkWidget *viewport,
             gint64     start)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (page);
  CoverWait wait = { page, viewport, 0 };
  gint64 deadline = start + TIMEOUT_S * G_USEC_PER_SEC;
  gulong handler;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (covers_after_paint_cb), &wait);
  while (wait.end == 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("bench-scenes-page: the covers in sight were never painted\n");
          exit (EXIT_FAILURE);
        }
      gtk_widget_queue_draw (page);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);

  return (wait.end - start) / 1000.0;
}

/* The fake goes with us, also when a measure fails (exit()). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
start_fake (const char *program,
            gint64      n_scenes)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n_scenes);
  g_autofree char *line = NULL;
  GSubprocess *fake;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error, program, "--scenes", count, "--port",
                                      FAKE_PORT, NULL);
  bench_check (error, "fake Stash");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    {
      g_printerr ("bench-scenes-page: the fake Stash did not start: %s\n",
                  error != NULL ? error->message : line);
      exit (EXIT_FAILURE);
    }

  return fake;
}

static const char *
verdict (double value,
         double target)
{
  return value < target ? "ok" : "SLOW";
}

static char *
title_of (gint64 id)
{
  return g_strdup_printf ("Scene number %" G_GINT64_FORMAT ", with a title of usual length", id);
}

int
main (int   argc,
      char *argv[])
{
  const char *program = argv[0];
  const char *fake_program = NULL;
  g_autoptr(GSubprocess) fake = NULL;
  g_autofree char *cache_dir = NULL;
  const char *server_url = SERVER_URL;
  double covers_ms = 0;
  gint64 n_scenes;
  g_autoptr(ShSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *first_title = NULL;
  g_autofree char *generated_title = NULL;
  g_autofree char *middle_title = NULL;
  GtkDropDown *dropdown;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  ShScenesPage *page;
  GtkWindow *window;
  double connect_ms, yes_ms, no_ms, any_ms, jump_ms, select_all_ms;
  gint64 middle_id;
  gboolean reuse;
  int status;

  if (argc > 4 && g_str_equal (argv[1], "--fill"))
    return fill (argv[2], g_ascii_strtoll (argv[3], NULL, 10), argv[4]);

  if (argc > 2 && g_str_equal (argv[1], "--fake-stash"))
    {
      fake_program = argv[2];
      server_url = FAKE_URL;
      argv += 2;
      argc -= 2;
    }
  n_scenes = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 1000000;

  if (n_scenes < 10)
    {
      g_printerr ("Usage: bench-scenes-page [SCENES [DATABASE]]\n");
      return EXIT_FAILURE;
    }

  /* As the tests do: quiet and without a hardware renderer under Xvfb. */
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);

  if (argc > 2)
    path = g_strdup (argv[2]);
  else
    {
      dir = g_dir_make_tmp ("bench-scenes-page-XXXXXX", &error);
      bench_check (error, "temporary directory");
      path = g_build_filename (dir, "bench.db", NULL);
    }

  reuse = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!reuse)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n_scenes);
      const char *fill_argv[] = { program, "--fill", path, count, server_url, NULL };
      g_autoptr(GTimer) timer = g_timer_new ();

      if (!g_spawn_sync (NULL, (char **) fill_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                         NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
        bench_check (error, "fill");
      g_print ("filled %" G_GINT64_FORMAT " scenes in %.1f s (not timed below)\n",
               n_scenes, g_timer_elapsed (timer, NULL));
    }
  else
    g_print ("reusing %s\n", path);

  /* Covers in a cache of their own, empty: all of them come from the server. */
  cache_dir = g_dir_make_tmp ("bench-scenes-page-cache-XXXXXX", &error);
  bench_check (error, "cache directory");
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);
  if (fake_program != NULL)
    fake = start_fake (fake_program, n_scenes);

  gtk_init ();
  adw_init ();
  sh_core_init ();
  sh_ui_register_resource ();

  session = sh_session_new (server_url, NULL, NULL, path, NULL);
  sh_session_open_async (session, NULL, bench_store_result, &result);
  sh_session_open_finish (session, bench_await (&result), &error);
  bench_check (error, "session");

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 800);
  page = SH_SCENES_PAGE (sh_scenes_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  for (guint i = 0; i < 3; i++)
    gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Connect. */
  first_title = title_of (1);
  {
    FrameWait wait = { GTK_WIDGET (window), first_title, NULL, g_get_monotonic_time (), 0 };

    sh_scenes_page_set_session (page, session);
    connect_ms = wait_painted (&wait);
    if (fake != NULL)
      covers_ms = wait_covers (GTK_WIDGET (page),
                               GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                          SH_TYPE_SCENES_PAGE,
                                                                          "scrolled_window")),
                               wait.start);
  }

  /* Generated: every third scene; the first row becomes scene 3, scene 1 disappears. */
  dropdown = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (page), SH_TYPE_SCENES_PAGE,
                                                           "generated_dropdown"));
  generated_title = title_of (3);
  {
    FrameWait wait = { GTK_WIDGET (window), generated_title, first_title,
                       g_get_monotonic_time (), 0 };

    gtk_drop_down_set_selected (dropdown, 1);
    yes_ms = wait_painted (&wait);
  }

  /* Not generated: scene 1 again, scene 3 gone. */
  {
    FrameWait wait = { GTK_WIDGET (window), first_title, generated_title,
                       g_get_monotonic_time (), 0 };

    gtk_drop_down_set_selected (dropdown, 2);
    no_ms = wait_painted (&wait);
  }

  /* All scenes: scene 3 is back next to scene 1. */
  {
    FrameWait wait = { GTK_WIDGET (window), generated_title, NULL, g_get_monotonic_time (), 0 };

    gtk_drop_down_set_selected (dropdown, 0);
    any_ms = wait_painted (&wait);
  }

  /* A jump to the middle, as a drag of the scroll bar does. */
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                 SH_TYPE_SCENES_PAGE,
                                                                 "scrolled_window"));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  {
    FrameWait wait = { GTK_WIDGET (window), NULL, first_title, g_get_monotonic_time (), 0 };
    double value = (gtk_adjustment_get_upper (adjustment)
                    - gtk_adjustment_get_page_size (adjustment)) / 2;

    gtk_adjustment_set_value (adjustment, value);
    /* Which scene is at the top is up to the view; wait for a row of the middle. */
    middle_id = n_scenes / 2;
    for (guint i = 0; i < 10; i++)
      g_main_context_iteration (NULL, FALSE);
    {
      ShSceneListModel *model = sh_scenes_page_get_model (page);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
      double fraction = value / gtk_adjustment_get_upper (adjustment);

      middle_id = sh_scene_list_model_get_id (model, MIN (n - 1, (guint) (fraction * n) + 5));
    }
    middle_title = title_of (middle_id);
    wait.present = middle_title;
    jump_ms = wait_painted (&wait);
  }

  /* Ctrl+A, up to the frame that shows the selection bar. */
  {
    GtkSelectionModel *selection;
    g_autofree char *label = NULL;
    FrameWait wait = { GTK_WIDGET (window), NULL, NULL, 0, 0 };

    selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (
      gtk_widget_get_template_child (GTK_WIDGET (page), SH_TYPE_SCENES_PAGE, "column_view")));
    label = g_strdup_printf (ngettext ("%'lu scene selected", "%'lu scenes selected",
                                       (gulong) n_scenes),
                             (gulong) n_scenes);
    wait.present = label;
    wait.start = g_get_monotonic_time ();
    gtk_selection_model_select_all (selection);
    select_all_ms = wait_painted (&wait);
  }

  g_print ("\n%" G_GINT64_FORMAT " scenes, window 1280×800, cover thumbnails %s\n", n_scenes,
           fake != NULL ? "on (fake Stash in its own process)" : "off (no server)");
  g_print ("connect to first rows painted      %7.1f ms  (target < %.0f ms: %s)\n",
           connect_ms, TARGET_CONNECT, verdict (connect_ms, TARGET_CONNECT));
  g_print ("filter Generated, rows painted     %7.1f ms  (target < %.0f ms: %s)\n",
           yes_ms, TARGET_FILTER, verdict (yes_ms, TARGET_FILTER));
  g_print ("filter Not Generated, rows painted %7.1f ms  (target < %.0f ms: %s)\n",
           no_ms, TARGET_FILTER, verdict (no_ms, TARGET_FILTER));
  g_print ("filter All Scenes, rows painted    %7.1f ms  (target < %.0f ms: %s)\n",
           any_ms, TARGET_FILTER, verdict (any_ms, TARGET_FILTER));
  g_print ("jump to the middle, rows painted   %7.1f ms\n", jump_ms);
  g_print ("select all, selection shown        %7.1f ms\n", select_all_ms);
  if (fake != NULL)
    {
      ShThumbnailLoader *loader = sh_scenes_page_get_thumbnails (page);

      g_print ("connect to first covers painted    %7.1f ms\n", covers_ms);
      g_print ("covers asked of the server         %7" G_GUINT64_FORMAT "\n",
               sh_thumbnail_cache_get_requests (sh_thumbnail_loader_get_cache (loader)));
    }
  g_print ("peak RSS                           %7.1f MiB (target < %.0f MiB: %s)\n",
           bench_peak_rss_mib (), TARGET_RSS, verdict (bench_peak_rss_mib (), TARGET_RSS));

  gtk_window_destroy (window);
  sh_session_close (session);
  if (fake != NULL)
    {
      g_subprocess_send_signal (fake, SIGTERM);
      g_subprocess_wait (fake, NULL, NULL);
    }
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", cache_dir);

    if (system (rm) != 0)
      g_printerr ("bench-scenes-page: could not remove %s\n", cache_dir);
  }

  if (dir != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (path);
      g_rmdir (dir);
    }

  return EXIT_SUCCESS;
}
