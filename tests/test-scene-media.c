/* test-scene-media.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Looking at media on the Scenes page, in a real window on a display, against the fake
 * Stash over HTTP (with an API key): cover thumbnails for the rows in sight only, given up
 * when scrolled away and never drawn in the wrong row, read from the disk cache without a
 * request; the side panel with what a real Check found, a failing scene's reason, the
 * address in Stash; and the panel as a page of its own at 360 px. Each test runs in a
 * subprocess.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "sh-core.h"
#include "sh-types.h"
#include "sh-fake-stash.h"
#include "sh-gui-test-utils.h"
#include "sh-media-checker.h"
#include "sh-scene-panel.h"
#include "sh-scene-thumbnail.h"
#include "sh-scenes-page.h"
#include "sh-test-utils.h"
#include "stashhog-ui-resources.h"

#define SUBPROCESS_TIMEOUT (120 * G_USEC_PER_SEC)
#define N_SCENES           2000
#define API_KEY            "thumbs-key"

typedef struct
{
  ShFakeStash      *fake;       /* (owned) */
  char             *dir;        /* (owned) */
  ShSession        *session;    /* (owned) */
  ShThumbnailCache *cache;      /* (owned) */
  GtkWindow        *window;     /* (unowned) */
  ShScenesPage     *page;       /* (unowned) */
} Fixture;

typedef void (*FixtureFunc) (Fixture *fixture, gconstpointer data);

/* Keeps the main loop going for @ms, so that late answers can arrive. */
static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Until what changed is laid out and painted. */
static void
flush (Fixture *fixture)
{
  gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->window));
  sh_gui_flush ();
}

static GObject *
page_object (Fixture    *fixture,
             const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (fixture->page),
                                                  SH_TYPE_SCENES_PAGE, name);

  g_assert_nonnull (child);
  return child;
}

/* Jobs and rows ------------------------------------------------------------------------- */

static void
run_job (Fixture    *fixture,
         const char *type)
{
  ShJobManager *manager = sh_session_get_job_manager (fixture->session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  sh_job_manager_start_async (manager, type, NULL, NULL, sh_test_store_result, &result);
  job = sh_job_manager_start_finish (manager, sh_test_await (&result), &error);
  g_assert_no_error (error);
  sh_gui_wait_job (manager, type, NULL, SH_JOB_COMPLETED);
}

static gpointer
fail_scene_func (ShDatabase     *db,
                 GdaConnection  *cnc,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  gint64 *args = data;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (db,
                                   "INSERT INTO scene_failure (server_id, scene_id, "
                                   "failed_generates, last_reason) VALUES "
                                   "(##server_id::gint64, ##scene_id::gint64, 3, 'preview')",
                                   &params, error);
  if (stmt == NULL)
    return NULL;
  sh_database_set_int64 (params, "server_id", args[0]);
  sh_database_set_int64 (params, "scene_id", args[1]);
  if (sh_database_execute (db, stmt, params, error) < 0)
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

/* As three failed Generates leave a scene (their own tests are in test-generate-failures). */
static void
make_failing (Fixture *fixture,
              gint64   scene_id)
{
  ShDatabase *db = sh_session_get_database (fixture->session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 args[2] = { sh_session_get_server_id (fixture->session), scene_id };

  sh_database_run_async (db, fail_scene_func, args, NULL, NULL, NULL, sh_test_store_result,
                         &result);
  g_assert_true (sh_database_run_finish (db, sh_test_await (&result), &error));
  g_assert_no_error (error);
}

/* Thumbnails ---------------------------------------------------------------------------- */

static void
collect_thumbnails (GtkWidget *widget,
                    GPtrArray *thumbnails)
{
  if (SH_IS_SCENE_THUMBNAIL (widget))
    g_ptr_array_add (thumbnails, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_thumbnails (child, thumbnails);
}

static gboolean
in_sight (Fixture   *fixture,
          GtkWidget *thumbnail)
{
  GtkWidget *viewport = GTK_WIDGET (page_object (fixture, "scrolled_window"));
  graphene_rect_t bounds;
  graphene_rect_t area;

  if (!gtk_widget_get_mapped (thumbnail) ||
      !gtk_widget_compute_bounds (thumbnail, viewport, &bounds))
    return FALSE;
  graphene_rect_init (&area, 0, 0, gtk_widget_get_width (viewport),
                      gtk_widget_get_height (viewport));

  return graphene_rect_intersection (&bounds, &area, NULL);
}

/* The list's thumbnails bound to a scene, in sight (@seen) or not. */
static GPtrArray *
list_thumbnails (Fixture  *fixture,
                 gboolean  seen)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GPtrArray *thumbnails = g_ptr_array_new ();

  collect_thumbnails (GTK_WIDGET (page_object (fixture, "column_view")), all);
  for (guint i = 0; i < all->len; i++)
    {
      ShSceneThumbnail *thumbnail = all->pdata[i];
      ShSceneItem *item = sh_scene_thumbnail_get_item (thumbnail);

      if (item != NULL && sh_scene_item_get_loaded (item) &&
          in_sight (fixture, all->pdata[i]) == seen)
        g_ptr_array_add (thumbnails, thumbnail);
    }

  return thumbnails;
}

static gboolean
seen_thumbnails_done (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GPtrArray) seen = list_thumbnails (fixture, TRUE);

  if (seen->len < 5)
    return FALSE;
  for (guint i = 0; i < seen->len; i++)
    if (!sh_scene_thumbnail_get_done (seen->pdata[i]))
      return FALSE;

  return TRUE;
}

/* The scene whose cover the texture shows (the fake's covers carry their id). */
static guint
texture_scene (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *pixels = g_malloc (width * height * 4);
  const guint8 *pixel;
  guint id = 0;

  gdk_texture_download (texture, pixels, width * 4);
  /* Cairo's ARGB32 in the machine's order. */
  pixel = pixels + ((height / 2) * width + width / 2) * 4;
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  g_assert_true (sh_fake_stash_cover_color_to_id (pixel[2], pixel[1], &id));
#else
  g_assert_true (sh_fake_stash_cover_color_to_id (pixel[1], pixel[2], &id));
#endif

  return id;
}

/* Every thumbnail in sight shows the cover of its own scene; returns the highest id. */
static gint64
assert_seen_covers (Fixture *fixture)
{
  g_autoptr(GPtrArray) seen = list_thumbnails (fixture, TRUE);
  gint64 highest = 0;

  g_assert_cmpuint (seen->len, >=, 5);
  for (guint i = 0; i < seen->len; i++)
    {
      ShSceneThumbnail *thumbnail = seen->pdata[i];
      gint64 id = sh_scene_item_get_id (sh_scene_thumbnail_get_item (thumbnail));
      GdkTexture *texture = sh_scene_thumbnail_get_texture (thumbnail);

      g_assert_true (sh_scene_thumbnail_get_done (thumbnail));
      g_assert_nonnull (texture);
      g_assert_cmpint (texture_scene (texture), ==, id);
      /* Decoded at the row's size, not kept at the cover's. */
      g_assert_cmpint (gdk_texture_get_height (texture), <=,
                       gtk_widget_get_height (GTK_WIDGET (thumbnail))
                       * gtk_widget_get_scale_factor (GTK_WIDGET (thumbnail)));
      highest = MAX (highest, id);
    }

  return highest;
}

/* Fixture ------------------------------------------------------------------------------- */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cache_dir = NULL;
  int width = GPOINTER_TO_INT (user_data);

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_set_api_key (fixture->fake, API_KEY);
  g_assert_true (sh_fake_stash_start (fixture->fake, 0, &error));
  g_assert_no_error (error);

  fixture->dir = g_dir_make_tmp ("test-scene-media-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "stashhog.db", NULL);
  cache_dir = g_build_filename (fixture->dir, "thumbnails", NULL);
  fixture->cache = sh_thumbnail_cache_new (cache_dir, SH_THUMBNAIL_CACHE_DEFAULT_MAX_BYTES);

  fixture->session = sh_session_new (sh_fake_stash_get_url (fixture->fake), API_KEY, NULL, path,
                                     NULL);
  sh_session_open_async (fixture->session, NULL, sh_test_store_result, &result);
  g_assert_true (sh_session_open_finish (fixture->session, sh_test_await (&result), &error));
  g_assert_no_error (error);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, width > 0 ? width : 1200, 700);
  fixture->page = SH_SCENES_PAGE (sh_scenes_page_new ());
  sh_scenes_page_set_thumbnail_cache (fixture->page, fixture->cache);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->window);
  flush (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", fixture->dir);

  gtk_window_destroy (fixture->window);
  sh_session_close (fixture->session);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->cache);
  sh_fake_stash_stop (fixture->fake);
  g_clear_object (&fixture->fake);
  g_assert_cmpint (system (rm), ==, 0);
  g_free (fixture->dir);
}

static gboolean
model_idle (gpointer data)
{
  ShSceneListModel *model = sh_scenes_page_get_model (data);

  return model != NULL && !sh_scene_list_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) > 0;
}

static void
connect_page (Fixture *fixture)
{
  sh_scenes_page_set_session (fixture->page, fixture->session);
  sh_gui_wait (model_idle, fixture->page, "the scenes");
  flush (fixture);
}

/* Tests --------------------------------------------------------------------------------- */

static void
test_thumbnails_in_sight (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GPtrArray) unseen = NULL;
  gint64 highest;
  guint requested = 0;

  run_job (fixture, SH_JOB_TYPE_SYNC);
  connect_page (fixture);
  sh_gui_wait (seen_thumbnails_done, fixture, "the covers in sight");
  highest = assert_seen_covers (fixture);

  /* GTK binds many more rows than it shows: they must not be asked for. */
  unseen = list_thumbnails (fixture, FALSE);
  g_test_message ("%u rows in sight up to scene %" G_GINT64_FORMAT ", %u bound out of sight",
                  (guint) highest, highest, unseen->len);
  g_assert_cmpuint (unseen->len, >, 10);
  for (guint i = 0; i < unseen->len; i++)
    {
      ShSceneThumbnail *thumbnail = unseen->pdata[i];
      gint64 id = sh_scene_item_get_id (sh_scene_thumbnail_get_item (thumbnail));

      g_assert_false (sh_scene_thumbnail_get_done (thumbnail));
      g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, id), ==, 0);
    }
  for (guint id = 1; id <= N_SCENES; id++)
    requested += sh_fake_stash_get_cover_request_count (fixture->fake, id) > 0;
  g_assert_cmpuint (requested, <=, highest);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 0), ==, requested);

  /* Scrolled down a screen: the new rows load, each once. */
  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (
        GTK_SCROLLED_WINDOW (page_object (fixture, "scrolled_window")));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_page_size (adjustment));
    flush (fixture);
    sh_gui_wait (seen_thumbnails_done, fixture, "the covers of the next screen");
    g_assert_cmpint (assert_seen_covers (fixture), >, highest);
    for (guint id = 1; id <= N_SCENES; id++)
      g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, id), <=, 1);
  }
}

static gboolean
first_covers_asked (gpointer data)
{
  Fixture *fixture = data;

  return sh_fake_stash_get_cover_request_count (fixture->fake, 0) > 0;
}

static void
test_scrolled_away (Fixture       *fixture,
                    gconstpointer  user_data)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (page_object (fixture, "scrolled_window")));
  guint first_rows = 0;

  /* Covers that take a second: the first screen is still waiting when the user jumps. */
  sh_fake_stash_set_cover_latency (fixture->fake, 1000);
  run_job (fixture, SH_JOB_TYPE_SYNC);
  connect_page (fixture);
  sh_gui_wait (first_covers_asked, fixture, "the first covers asked for");

  gtk_adjustment_set_value (adjustment, (gtk_adjustment_get_upper (adjustment)
                                         - gtk_adjustment_get_page_size (adjustment)) / 2);
  flush (fixture);
  sh_gui_wait (seen_thumbnails_done, fixture, "the covers in the middle");
  /* The answers for the first screen arrive late: none may land in a row reused since. */
  spin (1500);
  assert_seen_covers (fixture);

  /* Only what had a slot was sent; the rest of the first screen was given up unsent. */
  for (guint id = 1; id <= 20; id++)
    first_rows += sh_fake_stash_get_cover_request_count (fixture->fake, id);
  g_test_message ("%u of the first 20 covers were sent before the jump", first_rows);
  g_assert_cmpuint (first_rows, <=, SH_THUMBNAIL_CACHE_DEFAULT_MAX_IN_FLIGHT);
}

static void
test_disk_cache (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(ShThumbnailCache) earlier = NULL;
  ShThumbnailLoader *loader;
  guint before;

  run_job (fixture, SH_JOB_TYPE_SYNC);

  /* An earlier run of the application kept the first covers, for these versions. */
  earlier = sh_thumbnail_cache_new (sh_thumbnail_cache_get_directory (fixture->cache),
                                    SH_THUMBNAIL_CACHE_DEFAULT_MAX_BYTES);
  for (gint64 id = 1; id <= 60; id++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *updated_at = sh_fake_stash_dup_scene_updated_at (fixture->fake, id);

      sh_thumbnail_cache_fetch_async (earlier, sh_session_get_client (fixture->session), id,
                                      updated_at, NULL, sh_test_store_result, &result);
      bytes = sh_thumbnail_cache_fetch_finish (earlier, sh_test_await (&result), &error);
      g_assert_no_error (error);
      g_assert_nonnull (bytes);
    }
  before = sh_fake_stash_get_cover_request_count (fixture->fake, 0);
  g_assert_cmpuint (before, ==, 60);

  connect_page (fixture);
  sh_gui_wait (seen_thumbnails_done, fixture, "the covers in sight");
  g_assert_cmpint (assert_seen_covers (fixture), <=, 60);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 0), ==, before);
  loader = sh_scenes_page_get_thumbnails (fixture->page);
  g_assert_cmpuint (sh_thumbnail_cache_get_requests (sh_thumbnail_loader_get_cache (loader)), ==,
                    0);
}

/* The panel ------------------------------------------------------------------------------ */

static gboolean
find_label (GtkWidget  *widget,
            const char *text,
            guint      *count)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    (*count)++;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_label (child, text, count);

  return *count > 0;
}

static guint
count_labels (GtkWidget  *widget,
              const char *text)
{
  guint count = 0;

  find_label (widget, text, &count);
  return count;
}

typedef struct
{
  ShScenePanel *panel;
  gint64        id;
} PanelWait;

static gboolean
panel_read (gpointer data)
{
  PanelWait *wait = data;
  const ShSceneMedia *media = sh_scene_panel_get_media (wait->panel);
  GPtrArray *thumbnails = g_ptr_array_new ();
  gboolean done;

  collect_thumbnails (GTK_WIDGET (wait->panel), thumbnails);
  done = media != NULL && media->scene_id == wait->id &&
         sh_scene_thumbnail_get_done (thumbnails->pdata[0]);
  g_ptr_array_unref (thumbnails);

  return done;
}

static ShSceneThumbnail *
panel_cover (ShScenePanel *panel)
{
  g_autoptr(GPtrArray) thumbnails = g_ptr_array_new ();

  collect_thumbnails (GTK_WIDGET (panel), thumbnails);
  g_assert_cmpuint (thumbnails->len, ==, 1);

  return thumbnails->pdata[0];
}

static ShScenePanel *
select_scene (Fixture *fixture,
              gint64   id)
{
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (page_object (fixture, "selection"));
  ShScenePanel *panel = SH_SCENE_PANEL (page_object (fixture, "panel"));
  GObject *flap = page_object (fixture, "flap");
  PanelWait wait = { panel, id };
  gboolean revealed = FALSE;

  /* Sorted by id, from 1. */
  g_assert_true (gtk_selection_model_select_item (selection, id - 1, TRUE));
  flush (fixture);
  g_object_get (flap, "reveal-flap", &revealed, NULL);
  g_assert_true (revealed);
  g_assert_cmpint (sh_scene_item_get_id (sh_scene_panel_get_item (panel)), ==, id);
  sh_gui_wait (panel_read, &wait, "the panel");
  flush (fixture);

  return panel;
}

static void
test_panel (Fixture       *fixture,
            gconstpointer  user_data)
{
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (page_object (fixture, "selection"));
  GObject *flap = page_object (fixture, "flap");
  g_autofree char *uri = NULL;
  g_autofree char *expected_uri = NULL;
  const ShSceneMedia *media;
  ShScenePanel *panel;
  GtkWidget *failure_group;
  gboolean folded = TRUE;
  gboolean revealed = TRUE;

  /* Scene 5 lacks its sprite, 6 its cover; a real Check finds out. */
  sh_fake_stash_set_missing (fixture->fake, 5, SH_FAKE_ARTIFACT_SPRITE, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 6, SH_FAKE_ARTIFACT_COVER, TRUE);
  run_job (fixture, SH_JOB_TYPE_SYNC);
  run_job (fixture, SH_JOB_TYPE_CHECK);
  make_failing (fixture, 7);
  connect_page (fixture);

  g_object_get (flap, "reveal-flap", &revealed, "folded", &folded, NULL);
  g_assert_false (revealed);
  g_assert_false (folded);

  panel = select_scene (fixture, 5);
  media = sh_scene_panel_get_media (panel);
  g_assert_cmpuint (media->checked_kinds & SH_MEDIA_DEFAULT, ==, SH_MEDIA_DEFAULT);
  g_assert_cmpuint (media->missing_kinds, ==, SH_MEDIA_SPRITE | SH_MEDIA_VTT);
  g_assert_cmpint (media->checked_at, >, 0);
  /* Sprite and its index are one row; the rest of what was checked is there. */
  g_assert_cmpuint (count_labels (GTK_WIDGET (panel), "Missing"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (panel), "Present"), >=, 4);
  g_assert_cmpuint (count_labels (GTK_WIDGET (panel), "Scene 5"), ==, 1);
  g_assert_cmpint (texture_scene (sh_scene_thumbnail_get_texture (panel_cover (panel))), ==, 5);
  failure_group = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (panel),
                                                             SH_TYPE_SCENE_PANEL,
                                                             "failure_group"));
  g_assert_false (gtk_widget_get_visible (failure_group));

  uri = sh_scene_panel_dup_stash_uri (panel);
  expected_uri = g_strconcat (sh_fake_stash_get_url (fixture->fake), "/scenes/5", NULL);
  g_assert_cmpstr (uri, ==, expected_uri);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (panel), SH_TYPE_SCENE_PANEL, "open_button"))));

  /* No cover in Stash: the placeholder, and the Check's word for it. */
  panel = select_scene (fixture, 6);
  g_assert_cmpuint (sh_scene_panel_get_media (panel)->missing_kinds, ==, SH_MEDIA_COVER);
  g_assert_null (sh_scene_thumbnail_get_texture (panel_cover (panel)));
  g_assert_cmpuint (count_labels (GTK_WIDGET (panel), "Missing"), ==, 1);

  /* A failing scene says why. */
  panel = select_scene (fixture, 7);
  g_assert_true (gtk_widget_get_visible (failure_group));
  g_assert_cmpuint (count_labels (GTK_WIDGET (panel),
                                  "Failing: Left Out of Generates for the Library"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (panel),
                                  "Failed 3 times in a row. Still lacks: preview video"), ==, 1);

  /* Two scenes selected: no panel. */
  g_assert_true (gtk_selection_model_select_item (selection, 7, FALSE));
  flush (fixture);
  g_object_get (flap, "reveal-flap", &revealed, NULL);
  g_assert_false (revealed);
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  user_data)
{
  GObject *flap = page_object (fixture, "flap");
  GtkWidget *back_bar;
  ShScenePanel *panel;
  gboolean folded = FALSE;
  gboolean revealed = FALSE;
  int minimum = 0;

  run_job (fixture, SH_JOB_TYPE_SYNC);
  connect_page (fixture);

  gtk_widget_measure (GTK_WIDGET (fixture->page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum,
                      NULL, NULL, NULL);
  g_test_message ("minimum width of the Scenes page: %d px", minimum);
  g_assert_cmpint (minimum, <=, 360);

  panel = select_scene (fixture, 4);
  g_object_get (flap, "reveal-flap", &revealed, "folded", &folded, NULL);
  g_assert_true (folded);
  g_assert_true (revealed);

  /* A page of its own: as wide as the list, with the way back. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (panel)), >=,
                   gtk_widget_get_width (GTK_WIDGET (fixture->page)) - 1);
  back_bar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (panel), SH_TYPE_SCENE_PANEL,
                                                        "back_bar"));
  g_assert_true (gtk_widget_get_mapped (back_bar));
  g_assert_cmpuint (count_labels (GTK_WIDGET (panel), "Scene 4"), ==, 1);
  sh_gui_assert_buttons_labelled (GTK_WIDGET (panel));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "scenes.close-panel", NULL));
  flush (fixture);
  g_object_get (flap, "reveal-flap", &revealed, NULL);
  g_assert_false (revealed);
}

typedef struct
{
  FixtureFunc func;
  int         width;
} TestCase;

static void
run_test (gconstpointer data)
{
  const TestCase *test = data;

  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_setup (&fixture, GINT_TO_POINTER (test->width));
      test->func (&fixture, NULL);
      fixture_teardown (&fixture, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  static const TestCase in_sight = { test_thumbnails_in_sight, 0 };
  static const TestCase scrolled_away = { test_scrolled_away, 0 };
  static const TestCase disk_cache = { test_disk_cache, 0 };
  static const TestCase panel = { test_panel, 0 };
  static const TestCase narrow = { test_narrow, 360 };

  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  sh_core_init ();
  sh_ui_register_resource ();

  g_test_add_data_func ("/ui/scene-media/thumbnails-in-sight", &in_sight, run_test);
  g_test_add_data_func ("/ui/scene-media/scrolled-away", &scrolled_away, run_test);
  g_test_add_data_func ("/ui/scene-media/disk-cache", &disk_cache, run_test);
  g_test_add_data_func ("/ui/scene-media/panel", &panel, run_test);
  g_test_add_data_func ("/ui/scene-media/narrow", &narrow, run_test);

  return g_test_run ();
}
