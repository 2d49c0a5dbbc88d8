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

#undef ADD

  return g_test_run ();
}
