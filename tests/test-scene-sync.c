/* test-scene-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scene sync from the fake Stash into the store, full and incremental. Built twice: on a
 * fresh SQLite file (`unit`) and, with SH_TEST_POSTGRES, on the PostgreSQL server of the
 * `postgres` suite.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-scene-store.h"
#include "sh-scene-sync.h"
#include "sh-stash-client.h"
#include "sh-stash-error.h"
#include "sh-test-utils.h"

#ifdef SH_TEST_POSTGRES
# define BACKEND  "postgres"
# define POSTGRES TRUE
#else
# define BACKEND  "sqlite"
# define POSTGRES FALSE
#endif

#define N_SCENES  1234
#define PAGE_SIZE 500

/* The interrupted passes read pages of this size: 13 of them, 12 full and 34 scenes. */
#define SMALL_PAGE    100
#define N_SMALL_PAGES (N_SCENES / SMALL_PAGE + 1)

typedef struct
{
  ShFakeStash   *fake;
  ShStashClient *client;
  ShDatabase    *db;
  ShSceneStore  *store;
  gint64         server_id;
  char          *db_path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_core_init ();
  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);
  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);

  fixture->db_path = g_build_filename (g_get_user_data_dir (), "sync-test.db", NULL);
  fixture->db = sh_test_open_database (POSTGRES, fixture->db_path);
  fixture->store = sh_scene_store_new (fixture->db);

  sh_database_ensure_server_async (fixture->db, sh_fake_stash_get_url (fixture->fake), NULL,
                                   sh_test_store_result, &result);
  fixture->server_id = sh_database_ensure_server_finish (fixture->db, sh_test_await (&result),
                                                         &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  /* Finished tasks are released from idle callbacks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_finalize_object (fixture->store);
  sh_database_close (fixture->db);
  g_assert_finalize_object (fixture->db);
  g_assert_finalize_object (fixture->client);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (fixture->fake);
  g_free (fixture->db_path);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct
{
  guint   calls;
  guint64 last_processed;
  gint64  last_total;
} Progress;

static void
on_progress (guint64  processed,
             gint64   total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpuint (processed, >, progress->last_processed);
  progress->calls++;
  progress->last_processed = processed;
  progress->last_total = total;
}

static gboolean
run_sync (Fixture            *fixture,
          gboolean            full,
          GCancellable       *cancellable,
          Progress           *progress,
          ShSceneSyncResult  *out,
          GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_scene_sync_run_async (fixture->client, fixture->store, fixture->server_id, full,
                           PAGE_SIZE, progress ? on_progress : NULL, progress, cancellable,
                           sh_test_store_result, &result);

  return sh_scene_sync_run_finish (sh_test_await (&result), out, error);
}

static guint64
count (Fixture           *fixture,
       ShGeneratedFilter  filter)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n = G_MAXUINT64;

  sh_scene_store_count_async (fixture->store, fixture->server_id, filter, NULL,
                              sh_test_store_result, &result);
  g_assert_true (sh_scene_store_count_finish (fixture->store, sh_test_await (&result), &n,
                                              &error));
  g_assert_no_error (error);

  return n;
}

static ShSceneRecord *
get_scene (Fixture *fixture,
           gint64   id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  sh_scene_store_list_async (fixture->store, fixture->server_id, SH_GENERATED_ANY, NULL,
                             id - 1, 1, NULL, sh_test_store_result, &result);
  scenes = sh_scene_store_list_finish (fixture->store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  if (scenes->len == 0 || ((ShSceneRecord *) g_ptr_array_index (scenes, 0))->id != id)
    return NULL;

  return sh_scene_record_copy (g_ptr_array_index (scenes, 0));
}

static void
mark_all_generated (Fixture *fixture)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (gint64 id = 1; id <= N_SCENES + 10; id++)
    g_array_append_val (ids, id);
  sh_scene_store_set_generated_async (fixture->store, fixture->server_id,
                                      (const gint64 *) ids->data, ids->len, TRUE, NULL,
                                      sh_test_store_result, &result);
  sh_scene_store_set_generated_finish (fixture->store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 0);
}

static void
test_full (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShSceneRecord) two = NULL;
  g_autoptr(ShSceneRecord) three = NULL;
  ShSceneSyncResult sync = { 0 };
  Progress progress = { 0 };

  g_assert_true (run_sync (fixture, TRUE, NULL, &progress, &sync, &error));
  g_assert_no_error (error);
  g_assert_true (sync.full);
  g_assert_cmpuint (sync.synced, ==, N_SCENES);
  g_assert_cmpint (sync.total, ==, N_SCENES);
  g_assert_cmpuint (sync.pages, ==, 3);
  g_assert_cmpuint (sync.removed, ==, 0);
  g_assert_cmpuint (progress.calls, ==, 3);
  g_assert_cmpuint (progress.last_processed, ==, N_SCENES);
  g_assert_cmpint (progress.last_total, ==, N_SCENES);

  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, N_SCENES);

  /* Quotes, backslashes and non-ASCII arrive byte for byte; a null title stays null. */
  two = get_scene (fixture, 2);
  g_assert_nonnull (two);
  g_assert_nonnull (strchr (two->title, '"'));
  g_assert_nonnull (strchr (two->title, '\\'));
  g_assert_true (g_utf8_validate (two->title, -1, NULL));
  g_assert_cmpuint (strlen (two->title), >, g_utf8_strlen (two->title, -1));
  three = get_scene (fixture, 3);
  g_assert_nonnull (three);
  g_assert_null (three->title);
}

static void
test_incremental (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShSceneRecord) seven = NULL;
  g_autoptr(ShSceneRecord) eight = NULL;
  g_autoptr(ShSceneRecord) ten = NULL;
  g_autoptr(ShSceneRecord) added = NULL;
  ShSceneSyncResult sync = { 0 };
  guint new_id;

  /* An empty mirror: the first incremental sync reads everything. */
  g_assert_true (run_sync (fixture, FALSE, NULL, NULL, &sync, &error));
  g_assert_true (sync.full);
  g_assert_cmpuint (sync.synced, ==, N_SCENES);
  mark_all_generated (fixture);

  /* Nothing changed: nothing read. */
  g_assert_true (run_sync (fixture, FALSE, NULL, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_false (sync.full);
  g_assert_cmpuint (sync.synced, ==, 0);
  g_assert_cmpuint (sync.pages, ==, 1);

  /* A new title keeps the media; a new file or new markers need them again. */
  sh_fake_stash_set_scene_title (fixture->fake, 7, "Renamed “seven” \\ 🐗");
  sh_fake_stash_change_scene_file (fixture->fake, 8);
  sh_fake_stash_change_scene_markers (fixture->fake, 10);
  new_id = sh_fake_stash_add_scene (fixture->fake);

  g_assert_true (run_sync (fixture, FALSE, NULL, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_false (sync.full);
  g_assert_cmpuint (sync.synced, ==, 4);
  g_assert_cmpuint (sync.reset, ==, 2);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES + 1);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 3);

  seven = get_scene (fixture, 7);
  g_assert_cmpstr (seven->title, ==, "Renamed “seven” \\ 🐗");
  g_assert_true (seven->generated);
  eight = get_scene (fixture, 8);
  g_assert_false (eight->generated);
  ten = get_scene (fixture, 10);
  g_assert_false (ten->generated);
  added = get_scene (fixture, new_id);
  g_assert_nonnull (added);
  g_assert_false (added->generated);
}

static void
test_removal (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShSceneRecord) gone = NULL;
  ShSceneSyncResult sync = { 0 };

  g_assert_true (run_sync (fixture, TRUE, NULL, NULL, &sync, &error));
  sh_fake_stash_remove_scene (fixture->fake, 20);
  sh_fake_stash_remove_scene (fixture->fake, N_SCENES);

  /* Incremental syncs cannot see removals. */
  g_assert_true (run_sync (fixture, FALSE, NULL, NULL, &sync, &error));
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);

  g_assert_true (run_sync (fixture, TRUE, NULL, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sync.synced, ==, N_SCENES - 2);
  g_assert_cmpuint (sync.removed, ==, 2);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES - 2);
  gone = get_scene (fixture, 20);
  g_assert_null (gone);
}

static void
test_error_keeps_mirror (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  ShSceneSyncResult sync = { 0 };

  g_assert_true (run_sync (fixture, TRUE, NULL, NULL, &sync, &error));
  mark_all_generated (fixture);

  /* Stash behind a failing proxy: a clear error, and nothing removed or reset. */
  sh_fake_stash_change_scene_file (fixture->fake, 5);
  sh_fake_stash_fail_requests (fixture->fake, 1, 502, "text/html", "<html>Bad Gateway</html>");
  g_assert_false (run_sync (fixture, TRUE, NULL, NULL, &sync, &error));
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP);
  g_clear_error (&error);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);
  g_assert_cmpuint (count (fixture, SH_GENERATED_NO), ==, 0);

  /* Garbage in a page. */
  sh_fake_stash_fail_requests (fixture->fake, 1, 200, "application/json",
                               "{\"data\": {\"findScenes\": {\"scenes\": [{\"id\": \"x\"}]}}}");
  g_assert_false (run_sync (fixture, TRUE, NULL, NULL, &sync, &error));
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);
}

static void
cancel_after_first_page (guint64  processed,
                         gint64   total,
                         gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 stored;

  sh_fake_stash_set_latency (fixture->fake, 50);
  sh_scene_sync_run_async (fixture->client, fixture->store, fixture->server_id, TRUE,
                           PAGE_SIZE, cancel_after_first_page, cancellable, cancellable,
                           sh_test_store_result, &result);
  g_assert_false (sh_scene_sync_run_finish (sh_test_await (&result), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Whole pages only, and a cancelled full sync removes nothing. */
  stored = count (fixture, SH_GENERATED_ANY);
  g_assert_cmpuint (stored % PAGE_SIZE, ==, 0);
  g_assert_cmpuint (stored, >=, PAGE_SIZE);
  g_assert_cmpuint (stored, <, N_SCENES);
}

typedef struct
{
  ShFakeStash *fake;
  gboolean     done;
} TouchData;

/* After the first page is stored: one scene behind the sync's cursor changes, then one
 * ahead of it, which this sync reads, newer than the first. */
static void
touch_during_sync (guint64  processed,
                   gint64   total,
                   gpointer user_data)
{
  TouchData *touch = user_data;

  if (touch->done)
    return;
  touch->done = TRUE;
  sh_fake_stash_touch_scene (touch->fake, 2);
  sh_fake_stash_touch_scene (touch->fake, N_SCENES);
}

/* A scene changed while a sync ran is read by the next one, even when the sync read a
 * newer one (the newest scene read was where the next sync started: scene 2 was lost). */
static void
test_changed_during_sync (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShSceneRecord) two = NULL;
  g_autoptr(ShSceneRecord) last = NULL;
  g_autofree char *two_updated = NULL;
  g_autofree char *last_updated = NULL;
  ShSceneSyncResult sync = { 0 };
  TouchData touch = { fixture->fake, FALSE };

  sh_scene_sync_run_async (fixture->client, fixture->store, fixture->server_id, TRUE,
                           PAGE_SIZE, touch_during_sync, &touch, NULL,
                           sh_test_store_result, &result);
  g_assert_true (sh_scene_sync_run_finish (sh_test_await (&result), &sync, &error));
  g_assert_no_error (error);
  g_assert_true (touch.done);
  g_assert_cmpuint (sync.synced, ==, N_SCENES);

  two_updated = sh_fake_stash_dup_scene_updated_at (fixture->fake, 2);
  last_updated = sh_fake_stash_dup_scene_updated_at (fixture->fake, N_SCENES);
  g_assert_cmpstr (two_updated, <, last_updated);
  two = get_scene (fixture, 2);
  g_assert_cmpstr (two->stash_updated_at, !=, two_updated);
  last = get_scene (fixture, N_SCENES);
  g_assert_cmpstr (last->stash_updated_at, ==, last_updated);
  g_clear_pointer (&two, sh_scene_record_free);

  /* The next sync starts where Stash was when the first began: both again. */
  g_assert_true (run_sync (fixture, FALSE, NULL, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_false (sync.full);
  g_assert_cmpuint (sync.synced, ==, 2);
  two = get_scene (fixture, 2);
  g_assert_cmpstr (two->stash_updated_at, ==, two_updated);

  /* Then nothing is left. */
  g_assert_true (run_sync (fixture, FALSE, NULL, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sync.synced, ==, 0);
}

/* Interrupted full passes ------------------------------------------------------------- */

typedef struct
{
  ShFakeStash *fake;
  guint        after_pages;  /* interrupt once this many pages are stored */
  gboolean     restart;      /* Stash goes away instead of a proxy answering 502 */
  guint        calls;
} Interrupt;

/* While page n is stored the next one is fetched, so the pass stops one or two pages
 * later: the tests read where it stopped from the mirror, not from this count. */
static void
interrupt_after (guint64  processed,
                 gint64   total,
                 gpointer user_data)
{
  Interrupt *interrupt = user_data;

  if (++interrupt->calls != interrupt->after_pages)
    return;

  if (interrupt->restart)
    sh_fake_stash_stop (interrupt->fake);
  else
    sh_fake_stash_fail_requests (interrupt->fake, 1, 502, "text/html",
                                 "<html>Bad Gateway</html>");
}

static gboolean
run_small_pages (Fixture            *fixture,
                 gboolean            full,
                 Interrupt          *interrupt,
                 ShSceneSyncResult  *out,
                 GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_scene_sync_run_async (fixture->client, fixture->store, fixture->server_id, full,
                           SMALL_PAGE, interrupt ? interrupt_after : NULL, interrupt, NULL,
                           sh_test_store_result, &result);

  return sh_scene_sync_run_finish (sh_test_await (&result), out, error);
}

/* Returns the cursor's id, or 0 when no pass is under way. */
static gint64
get_cursor (Fixture  *fixture,
            char    **sync_point)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 after_id = -1;
  gboolean found;

  sh_scene_store_get_cursor_async (fixture->store, fixture->server_id, NULL,
                                   sh_test_store_result, &result);
  found = sh_scene_store_get_cursor_finish (fixture->store, sh_test_await (&result), &after_id,
                                            sync_point, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found, ==, after_id > 0);

  return after_id;
}

static guint
find_scenes_requests (Fixture *fixture)
{
  return sh_fake_stash_get_request_count (fixture->fake, "FindScenes");
}

/* Like Stash coming back on the same address after a restart. */
static void
restart_stash (Fixture *fixture)
{
  g_autoptr(GUri) uri = g_uri_parse (sh_fake_stash_get_url (fixture->fake), G_URI_FLAGS_NONE,
                                     NULL);
  g_autoptr(GError) error = NULL;

  sh_fake_stash_restart (fixture->fake);
  sh_fake_stash_start (fixture->fake, g_uri_get_port (uri), &error);
  g_assert_no_error (error);
}

/*
 * interrupt_pass:
 *
 * Runs a pass that stops after a few pages, and checks what it left: whole pages, in id
 * order, and the cursor on the last scene stored; or, for a mirror that was full,
 * @expected_stored scenes.
 *
 * Returns: the cursor
 */
static gint64
interrupt_pass (Fixture  *fixture,
                gboolean  full,
                gboolean  restart,
                guint64   expected_stored)
{
  g_autoptr(GError) error = NULL;
  Interrupt interrupt = { fixture->fake, 3, restart, 0 };
  ShSceneSyncResult sync = { 0 };
  gint64 cursor;

  g_assert_false (run_small_pages (fixture, full, &interrupt, &sync, &error));
  if (restart)
    g_assert_true (error != NULL && error->domain == SH_STASH_ERROR);
  else
    g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP);
  g_assert_cmpuint (interrupt.calls, >=, 3);

  cursor = get_cursor (fixture, NULL);
  g_assert_cmpint (cursor, >=, 3 * SMALL_PAGE);
  g_assert_cmpint (cursor, <, N_SCENES - SMALL_PAGE);
  if (expected_stored > 0)
    {
      g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, expected_stored);
    }
  else
    {
      g_assert_cmpint (cursor % SMALL_PAGE, ==, 0);
      g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, cursor);
    }

  return cursor;
}

/* The next plain sync resumes the pass after its cursor, not from the start and not
 * incrementally (issue 9, case 5: it went incremental from the newest scene stored, and
 * the rest of the library never came). */
static void
assert_resumes (Fixture *fixture,
                gint64   cursor)
{
  g_autoptr(GError) error = NULL;
  ShSceneSyncResult sync = { 0 };
  guint requests = find_scenes_requests (fixture);

  g_assert_true (run_small_pages (fixture, FALSE, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_true (sync.full);
  g_assert_cmpint (sync.resumed_after, ==, cursor);
  g_assert_cmpuint (sync.synced, ==, N_SCENES - cursor);
  g_assert_cmpint (sync.total, ==, N_SCENES - cursor);
  /* The pages above the cursor, the last one short or empty. */
  g_assert_cmpuint (sync.pages, ==, (N_SCENES - cursor) / SMALL_PAGE + 1);
  g_assert_cmpuint (find_scenes_requests (fixture) - requests, ==, sync.pages);
  g_assert_cmpuint (sync.pages, <, N_SMALL_PAGES);

  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 0);

  /* Complete: from now on incremental, with nothing to read. */
  g_assert_true (run_small_pages (fixture, FALSE, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_false (sync.full);
  g_assert_cmpuint (sync.synced, ==, 0);
}

static void
test_resume_after_502 (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *sync_point = NULL;
  g_autofree char *newest = sh_fake_stash_dup_scene_updated_at (fixture->fake, N_SCENES);
  gint64 cursor;

  /* A first sync, as `stashhogctl sync` runs it: plain, on an empty mirror. */
  cursor = interrupt_pass (fixture, FALSE, FALSE, 0);
  g_assert_cmpint (get_cursor (fixture, &sync_point), ==, cursor);
  g_assert_cmpstr (sync_point, ==, newest);

  assert_resumes (fixture, cursor);
}

static void
test_resume_after_restart (Fixture       *fixture,
                           gconstpointer  user_data)
{
  gint64 cursor;

  cursor = interrupt_pass (fixture, FALSE, TRUE, 0);
  restart_stash (fixture);
  assert_resumes (fixture, cursor);
}

/* Removals across an interrupted pass: each stored page removed what Stash no longer had
 * in its id range, and the resumed pass removes the rest, but nothing below its cursor
 * that the earlier run saw (it saw them with another sync stamp). */
static void
test_resume_removes (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShSceneRecord) gone = NULL;
  ShSceneSyncResult sync = { 0 };
  gint64 cursor;

  g_assert_true (run_sync (fixture, TRUE, NULL, NULL, &sync, &error));
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);

  sh_fake_stash_remove_scene (fixture->fake, 50);
  sh_fake_stash_remove_scene (fixture->fake, 1200);
  cursor = interrupt_pass (fixture, TRUE, FALSE, N_SCENES - 1);
  /* Whole pages of 100 scenes that Stash has, one of them without scene 50. */
  g_assert_cmpint (cursor % SMALL_PAGE, ==, 1);
  gone = get_scene (fixture, 50);
  g_assert_null (gone);

  /* Removed while the pass is interrupted, above its cursor, and the last scene. */
  sh_fake_stash_remove_scene (fixture->fake, 1100);
  sh_fake_stash_remove_scene (fixture->fake, N_SCENES);

  g_assert_true (run_small_pages (fixture, FALSE, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_true (sync.full);
  g_assert_cmpint (sync.resumed_after, ==, cursor);
  g_assert_cmpuint (sync.synced, ==, N_SCENES - cursor - 3);
  g_assert_cmpuint (sync.removed, ==, 3);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES - 4);
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 0);
  for (guint id = 1; id <= cursor; id++)
    {
      g_autoptr(ShSceneRecord) scene = get_scene (fixture, id);

      g_assert_true ((scene != NULL) == (id != 50));
    }

  /* Nothing left to remove. */
  g_assert_true (run_sync (fixture, TRUE, NULL, NULL, &sync, &error));
  g_assert_cmpuint (sync.removed, ==, 0);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES - 4);
}

/* The resumed pass keeps the sync point of its first run: a scene changed behind the
 * cursor while the pass was interrupted is read by the next incremental sync. */
static void
test_resume_keeps_first_sync_point (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShSceneRecord) before = NULL;
  g_autoptr(ShSceneRecord) after = NULL;
  g_autofree char *updated = NULL;
  ShSceneSyncResult sync = { 0 };
  gint64 cursor;

  cursor = interrupt_pass (fixture, FALSE, FALSE, 0);
  sh_fake_stash_touch_scene (fixture->fake, 2);
  updated = sh_fake_stash_dup_scene_updated_at (fixture->fake, 2);

  g_assert_true (run_small_pages (fixture, FALSE, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sync.resumed_after, ==, cursor);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);
  before = get_scene (fixture, 2);
  g_assert_cmpstr (before->stash_updated_at, !=, updated);

  g_assert_true (run_small_pages (fixture, FALSE, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_false (sync.full);
  g_assert_cmpuint (sync.synced, ==, 1);
  after = get_scene (fixture, 2);
  g_assert_cmpstr (after->stash_updated_at, ==, updated);
}

/* A full sync asked for starts over, whatever pass is under way. */
static void
test_full_discards_cursor (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  ShSceneSyncResult sync = { 0 };
  guint requests;

  interrupt_pass (fixture, FALSE, FALSE, 0);

  requests = find_scenes_requests (fixture);
  g_assert_true (run_small_pages (fixture, TRUE, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_true (sync.full);
  g_assert_cmpint (sync.resumed_after, ==, 0);
  g_assert_cmpuint (sync.synced, ==, N_SCENES);
  g_assert_cmpint (sync.total, ==, N_SCENES);
  g_assert_cmpuint (sync.pages, ==, N_SMALL_PAGES);
  g_assert_cmpuint (find_scenes_requests (fixture) - requests, ==, N_SMALL_PAGES);
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 0);

  /* Even when it stops before its first page, the old pass is forgotten: the next sync
   * starts a pass of its own rather than resume one whose run it did not follow. */
  interrupt_pass (fixture, TRUE, FALSE, N_SCENES);
  sh_fake_stash_fail_requests (fixture->fake, 1, 502, "text/html", "<html>Bad Gateway</html>");
  g_assert_false (run_small_pages (fixture, TRUE, NULL, &sync, &error));
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP);
  g_clear_error (&error);
  g_assert_cmpint (get_cursor (fixture, NULL), ==, 0);
}

/* A mirror without a sync point, filled by an older StashHog or by a pass that left no
 * cursor, may be partial: the next plain sync reads everything instead of going
 * incremental from its newest scene. */
static void
test_no_sync_point_is_full (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) page = NULL;
  ShSceneSyncResult sync = { 0 };

  /* The newest scenes only, as an incremental sync would have left them. */
  page = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free);
  for (gint64 id = N_SCENES - 9; id <= N_SCENES; id++)
    {
      ShSceneRecord *scene = sh_scene_record_new ();

      scene->id = id;
      scene->stash_updated_at = sh_fake_stash_dup_scene_updated_at (fixture->fake, id);
      g_ptr_array_add (page, scene);
    }
  sh_scene_store_upsert_async (fixture->store, fixture->server_id, page, "old", NULL,
                               sh_test_store_result, &result);
  g_assert_true (sh_scene_store_upsert_finish (fixture->store, sh_test_await (&result), NULL,
                                               &error));
  g_assert_no_error (error);

  g_assert_true (run_sync (fixture, FALSE, NULL, NULL, &sync, &error));
  g_assert_no_error (error);
  g_assert_true (sync.full);
  g_assert_cmpuint (sync.synced, ==, N_SCENES);
  g_assert_cmpuint (count (fixture, SH_GENERATED_ANY), ==, N_SCENES);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/" BACKEND "/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("full", test_full);
  ADD ("incremental", test_incremental);
  ADD ("removal", test_removal);
  ADD ("error-keeps-mirror", test_error_keeps_mirror);
  ADD ("cancel", test_cancel);
  ADD ("changed-during-sync", test_changed_during_sync);
  ADD ("resume-after-502", test_resume_after_502);
  ADD ("resume-after-restart", test_resume_after_restart);
  ADD ("resume-removes", test_resume_removes);
  ADD ("resume-keeps-first-sync-point", test_resume_keeps_first_sync_point);
  ADD ("full-discards-cursor", test_full_discards_cursor);
  ADD ("no-sync-point-is-full", test_no_sync_point_is_full);

#undef ADD

  return g_test_run ();
}
