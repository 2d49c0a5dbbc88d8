/* test-scene-list-model.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShSceneListModel over a real store: a fresh SQLite file per test (or, built with
 * SH_TEST_POSTGRES, the PostgreSQL server of the `postgres` suite).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sh-job-store.h"
#include "sh-scene-list-model.h"
#include "sh-test-utils.h"

#ifdef SH_TEST_POSTGRES
# define BACKEND  "postgres"
# define POSTGRES TRUE
#else
# define BACKEND  "sqlite"
# define POSTGRES FALSE
#endif

#define N_SCENES 1000

typedef struct
{
  char         *dir;        /* (owned) */
  ShDatabase   *db;         /* (owned) */
  ShSceneStore *store;      /* (owned) */
  gint64        server_id;
} Fixture;

/* Scene @id: titles run backwards ("Scene 1000" is id 1), paths alternate between two
 * folders, every third scene is generated, and a few have titles that test the search. */
static ShSceneRecord *
make_scene (gint64 id)
{
  ShSceneRecord *scene = sh_scene_record_new ();

  scene->id = id;
  switch (id)
    {
    case 7:
      scene->title = g_strdup ("Done 100% Twice");
      break;

    case 8:
      scene->title = g_strdup ("Done 1000 Twice");
      break;

    case 9:
      scene->title = g_strdup ("snake_case");
      break;

    case 10:
      scene->title = g_strdup ("snakeXcase");
      break;

    case 11:
      scene->title = NULL;
      break;

    default:
      scene->title = g_strdup_printf ("Scene %04u", (guint)(N_SCENES + 1 - id));
      break;
    }
  if (id == 11)
    scene->path = g_strdup ("/videos/Special/UPPER.mp4");
  else
    scene->path = g_strdup_printf ("/videos/%s/file-%04u.mp4", id % 2 ? "odd" : "even",
                                   (guint)id);
  scene->oshash = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", id);
  scene->stash_created_at = g_strdup ("2024-01-01T00:00:00Z");
  scene->stash_updated_at = g_strdup ("2024-01-02T00:00:00Z");

  return scene;
}

static gboolean
is_generated (gint64 id)
{
  return id % 3 == 0;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GArray) generated = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free);

  fixture->dir = g_dir_make_tmp ("test-scene-list-model-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "stashhog.db", NULL);
  fixture->db = sh_test_open_database (POSTGRES, path);
  fixture->store = sh_scene_store_new (fixture->db);

  sh_database_ensure_server_async (fixture->db, "http://stash.invalid:9999", NULL,
                                   sh_test_store_result, &result);
  fixture->server_id = sh_database_ensure_server_finish (fixture->db, sh_test_await (&result),
                                                         &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  for (gint64 id = 1; id <= N_SCENES; id++)
    {
      g_ptr_array_add (scenes, make_scene (id));
      if (is_generated (id))
        g_array_append_val (generated, id);
    }
  sh_scene_store_upsert_async (fixture->store, fixture->server_id, scenes,
                               "2024-05-01T12:00:00Z", NULL, sh_test_store_result, &result);
  g_assert_true (sh_scene_store_upsert_finish (fixture->store, sh_test_await (&result), NULL,
                                               &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  sh_scene_store_set_generated_async (fixture->store, fixture->server_id,
                                      (gint64 *)generated->data, generated->len, TRUE, NULL,
                                      sh_test_store_result, &result);
  g_assert_cmpuint (sh_scene_store_set_generated_finish (fixture->store, sh_test_await (&result),
                                                         &error), ==, generated->len);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->store);
  sh_database_close (fixture->db);
  g_assert_finalize_object (fixture->db);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const names[] = {
        "stashhog.db", "stashhog.db-wal", "stashhog.db-shm", "stashhog.db-journal"
      };
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);

      g_remove (path);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
}

/* Helpers ----------------------------------------------------------------------------- */

/* The changes of the list since the last reset: how many signals, where the last one
 * was, how many items removed and added in all, and the length the model reported in
 * between. */
typedef struct
{
  guint n_signals;
  guint position;
  guint removed;
  guint added;
  guint n_items;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *changes)
{
  changes->n_signals++;
  changes->position = position;
  changes->removed += removed;
  changes->added += added;
  changes->n_items = g_list_model_get_n_items (model);
}

static void
count_signal_cb (guint *count)
{
  (*count)++;
}

static void
reset_changes (ItemsChanged *changes)
{
  memset (changes, 0, sizeof *changes);
}

static void
wait_loaded (ShSceneListModel *model)
{
  while (sh_scene_list_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (sh_scene_list_model_get_error (model));
}

static void
wait_item_loaded (ShSceneItem *item)
{
  while (!sh_scene_item_get_loaded (item))
    g_main_context_iteration (NULL, TRUE);
}

/* Lets the model's outstanding page reads finish, so that it can be finalized. */
static void
drain (void)
{
  for (guint i = 0; i < 200; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static ShSceneListModel *
new_model (Fixture *fixture)
{
  ShSceneListModel *model = sh_scene_list_model_new (fixture->store, fixture->server_id);

  g_assert_true (sh_scene_list_model_get_loading (model));
  wait_loaded (model);

  return model;
}

static GArray *
model_ids (ShSceneListModel *model)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  for (guint i = 0; i < n; i++)
    {
      gint64 id = sh_scene_list_model_get_id (model, i);

      g_array_append_val (ids, id);
    }

  return ids;
}

static void
assert_ids (ShSceneListModel *model,
            const gint64     *expected,
            guint             n_expected)
{
  g_autoptr(GArray) ids = model_ids (model);

  g_assert_cmpuint (ids->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, expected[i]);
}

/* Tests ------------------------------------------------------------------------------- */

static void
test_new_destroy (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(ShSceneListModel) model = NULL;

  model = sh_scene_list_model_new (fixture->store, fixture->server_id);
  g_assert_true (G_IS_LIST_MODEL (model));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == SH_TYPE_SCENE_ITEM);
  g_assert_true (sh_scene_list_model_get_store (model) == fixture->store);
  g_assert_cmpint (sh_scene_list_model_get_server_id (model), ==, fixture->server_id);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));
  wait_loaded (model);

  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_counts (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(ShSceneListModel) model = NULL;
  ItemsChanged changes = { 0 };
  guint n_generated = N_SCENES / 3;

  model = sh_scene_list_model_new (fixture->store, fixture->server_id);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  wait_loaded (model);

  /* The length comes from the one query, with the rows of the first two pages only. */
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, N_SCENES);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_SCENES);
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 400);

  /* A filter replaces the list: the positions stay and hold other scenes, and only the
   * change of length is signalled, at the end (see apply_keys()). */
  reset_changes (&changes);
  sh_scene_list_model_set_generated (model, SH_GENERATED_YES);
  g_assert_true (sh_scene_list_model_get_loading (model));
  wait_loaded (model);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.position, ==, n_generated);
  g_assert_cmpuint (changes.removed, ==, N_SCENES - n_generated);
  g_assert_cmpuint (changes.added, ==, 0);
  g_assert_cmpuint (changes.n_items, ==, n_generated);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n_generated);
  for (guint i = 0; i < n_generated; i++)
    g_assert_true (is_generated (sh_scene_list_model_get_id (model, i)));

  reset_changes (&changes);
  sh_scene_list_model_set_generated (model, SH_GENERATED_NO);
  wait_loaded (model);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.position, ==, n_generated);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, N_SCENES - 2 * n_generated);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_SCENES - n_generated);

  /* Several changes in one go make one query and one replacement of the list. */
  reset_changes (&changes);
  sh_scene_list_model_set_generated (model, SH_GENERATED_ANY);
  sh_scene_list_model_set_search (model, "odd");
  sh_scene_list_model_set_sort (model, SH_SCENE_SORT_ID, TRUE);
  wait_loaded (model);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  /* The odd ids but 11, whose file is elsewhere. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_SCENES / 2 - 1);
  g_assert_cmpint (sh_scene_list_model_get_id (model, 0), ==, N_SCENES - 1);

  /* The same filter again: nothing to do. */
  sh_scene_list_model_set_search (model, "odd");
  g_assert_false (sh_scene_list_model_get_loading (model));

  g_signal_handlers_disconnect_by_data (model, &changes);
  g_assert_finalize_object (g_steal_pointer (&model));
}

static int
compare_titles (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  g_autoptr(ShSceneRecord) scene_a = make_scene (*(const gint64 *)a);
  g_autoptr(ShSceneRecord) scene_b = make_scene (*(const gint64 *)b);
  g_autofree char *title_a = g_ascii_strdown (scene_a->title ? scene_a->title : "", -1);
  g_autofree char *title_b = g_ascii_strdown (scene_b->title ? scene_b->title : "", -1);
  int cmp = strcmp (title_a, title_b);

  if (cmp == 0)
    cmp = scene_a->id < scene_b->id ? -1 : 1;

  return GPOINTER_TO_INT (user_data) ? -cmp : cmp;
}

static void
test_order (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(ShSceneListModel) model = new_model (fixture);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) ids = NULL;

  /* By id, ascending: the default. */
  for (gint64 id = 1; id <= N_SCENES; id++)
    g_array_append_val (expected, id);
  assert_ids (model, (gint64 *)expected->data, expected->len);

  /* By title, ignoring case, then by id; backwards too. */
  sh_scene_list_model_set_sort (model, SH_SCENE_SORT_TITLE, FALSE);
  wait_loaded (model);
  g_array_sort_with_data (expected, compare_titles, GINT_TO_POINTER (FALSE));
  assert_ids (model, (gint64 *)expected->data, expected->len);
  /* The untitled scene sorts first; "Scene 0001" (id 1000) among the titled. */
  g_assert_cmpint (sh_scene_list_model_get_id (model, 0), ==, 11);

  sh_scene_list_model_set_sort (model, SH_SCENE_SORT_TITLE, TRUE);
  wait_loaded (model);
  g_array_sort_with_data (expected, compare_titles, GINT_TO_POINTER (TRUE));
  assert_ids (model, (gint64 *)expected->data, expected->len);

  /* By generated: not generated first, ids ascending within each group. */
  sh_scene_list_model_set_sort (model, SH_SCENE_SORT_GENERATED, FALSE);
  wait_loaded (model);
  ids = model_ids (model);
  for (guint i = 1; i < ids->len; i++)
    {
      gint64 previous = g_array_index (ids, gint64, i - 1);
      gint64 id = g_array_index (ids, gint64, i);

      g_assert_true (is_generated (previous) <= is_generated (id));
      if (is_generated (previous) == is_generated (id))
        g_assert_cmpint (previous, <, id);
    }
  g_assert_false (is_generated (g_array_index (ids, gint64, 0)));
  g_clear_pointer (&ids, g_array_unref);

  /* By path, ignoring case: "/videos/even/…" < "/videos/odd/…" < "/videos/Special/…". */
  sh_scene_list_model_set_sort (model, SH_SCENE_SORT_PATH, FALSE);
  wait_loaded (model);
  g_assert_cmpint (sh_scene_list_model_get_id (model, 0), ==, 2);
  g_assert_cmpint (sh_scene_list_model_get_id (model, N_SCENES / 2 - 1), ==, N_SCENES);
  g_assert_cmpint (sh_scene_list_model_get_id (model, N_SCENES / 2), ==, 1);
  g_assert_cmpint (sh_scene_list_model_get_id (model, N_SCENES - 1), ==, 11);

  /* Last synced is the same for all: then by id, descending. */
  sh_scene_list_model_set_sort (model, SH_SCENE_SORT_LAST_SYNCED, TRUE);
  wait_loaded (model);
  g_assert_cmpint (sh_scene_list_model_get_id (model, 0), ==, N_SCENES);
  g_assert_cmpint (sh_scene_list_model_get_id (model, N_SCENES - 1), ==, 1);
  g_assert_cmpint (sh_scene_list_model_get_id (model, N_SCENES), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n_notifies)
{
  (*n_notifies)++;
}

static void
test_lazy (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(ShSceneListModel) model = new_model (fixture);
  g_autoptr(ShSceneItem) item = NULL;
  g_autoptr(ShSceneItem) again = NULL;
  g_autoptr(ShSceneItem) neighbour = NULL;
  g_autofree char *title = NULL;
  guint n_notifies = 0;

  /* The first two pages come with the list. */
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 400);
  {
    g_autoptr(ShSceneItem) first = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_true (sh_scene_item_get_loaded (first));
    g_assert_cmpstr (sh_scene_item_get_title (first), ==, "Scene 1000");
  }

  /* Further on, a placeholder first, that knows its id only. */
  item = g_list_model_get_item (G_LIST_MODEL (model), 500);
  g_assert_true (SH_IS_SCENE_ITEM (item));
  g_assert_cmpint (sh_scene_item_get_id (item), ==, 501);
  g_assert_false (sh_scene_item_get_loaded (item));
  g_assert_null (sh_scene_item_get_title (item));
  /* Its whole page is materialized, nothing else. */
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 600);

  g_signal_connect (item, "notify", G_CALLBACK (count_notify_cb), &n_notifies);
  wait_item_loaded (item);

  /* Filled in place. */
  title = g_strdup_printf ("Scene %04d", N_SCENES + 1 - 501);
  g_assert_cmpstr (sh_scene_item_get_title (item), ==, title);
  g_assert_cmpstr (sh_scene_item_get_path (item), ==, "/videos/odd/file-0501.mp4");
  g_assert_true (sh_scene_item_get_generated (item));
  g_assert_cmpstr (sh_scene_item_get_last_synced (item), ==, "2024-05-01T12:00:00Z");
  g_assert_cmpstr (sh_scene_item_get_updated_at (item), ==, "2024-01-02T00:00:00Z");
  /* title, path, generated, last-synced, updated-at and loaded, once each. */
  g_assert_cmpuint (n_notifies, ==, 6);

  /* The same object again, and its page neighbours are loaded as well. */
  again = g_list_model_get_item (G_LIST_MODEL (model), 500);
  g_assert_true (again == item);
  neighbour = g_list_model_get_item (G_LIST_MODEL (model), 400);
  g_assert_true (sh_scene_item_get_loaded (neighbour));
  g_assert_cmpint (sh_scene_item_get_id (neighbour), ==, 401);
  g_assert_false (sh_scene_item_get_generated (neighbour));
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 600);

  g_signal_handlers_disconnect_by_data (item, &n_notifies);
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&neighbour));
  g_clear_object (&again);
  g_assert_finalize_object (g_steal_pointer (&item));
}

static void
test_cache_bound (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(ShSceneListModel) model = NULL;
  g_autoptr(ShSceneItem) last = NULL;

  model = g_object_new (SH_TYPE_SCENE_LIST_MODEL,
                        "store", fixture->store,
                        "server-id", fixture->server_id,
                        "page-size", 10,
                        "cache-size", 50,
                        NULL);
  wait_loaded (model);

  /* Scrolling through the whole list keeps five pages at most. */
  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(ShSceneItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpint (sh_scene_item_get_id (item), ==, i + 1);
      g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), <=, 50);
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 50);

  /* The most recently wanted page is read first, whatever was asked before. */
  last = g_list_model_get_item (G_LIST_MODEL (model), N_SCENES - 1);
  wait_item_loaded (last);
  g_assert_cmpstr (sh_scene_item_get_title (last), ==, "Scene 0001");

  /* An evicted item is made again, and loaded again. */
  {
    g_autoptr(ShSceneItem) first = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_false (sh_scene_item_get_loaded (first));
    wait_item_loaded (first);
    g_assert_cmpint (sh_scene_item_get_id (first), ==, 1);
    g_assert_cmpstr (sh_scene_item_get_title (first), ==, "Scene 1000");
  }

  /* Every cached page held by a view: a new page is still handed out whole (it was once
   * evicted before its item was returned), and the cache gives way instead. */
  {
    g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(ShSceneItem) beyond = NULL;

    for (guint page = 0; page < 5; page++)
      g_ptr_array_add (held, g_list_model_get_item (G_LIST_MODEL (model), page * 10));
    beyond = g_list_model_get_item (G_LIST_MODEL (model), 55);
    g_assert_true (SH_IS_SCENE_ITEM (beyond));
    g_assert_cmpint (sh_scene_item_get_id (beyond), ==, 56);
    wait_item_loaded (beyond);
    g_assert_cmpstr (sh_scene_item_get_title (beyond), ==, "Scene 0945");
    for (guint i = 0; i < held->len; i++)
      g_assert_cmpint (sh_scene_item_get_id (held->pdata[i]), ==, i * 10 + 1);
  }

  drain ();
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_search (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(ShSceneListModel) model = new_model (fixture);

  /* % and _ are literal. */
  sh_scene_list_model_set_search (model, "100%");
  wait_loaded (model);
  assert_ids (model, (gint64[]) { 7 }, 1);

  sh_scene_list_model_set_search (model, "e_c");
  wait_loaded (model);
  assert_ids (model, (gint64[]) { 9 }, 1);

  sh_scene_list_model_set_search (model, "%");
  wait_loaded (model);
  assert_ids (model, (gint64[]) { 7 }, 1);

  /* Case-insensitive, in the title or the path. */
  sh_scene_list_model_set_search (model, "DONE 100");
  wait_loaded (model);
  assert_ids (model, (gint64[]) { 7, 8 }, 2);

  sh_scene_list_model_set_search (model, "upper");
  wait_loaded (model);
  assert_ids (model, (gint64[]) { 11 }, 1);

  sh_scene_list_model_set_search (model, "file-012");
  wait_loaded (model);
  assert_ids (model, ((gint64[]) { 120, 121, 122, 123, 124, 125, 126, 127, 128, 129 }), 10);

  /* With the Generated filter. */
  sh_scene_list_model_set_generated (model, SH_GENERATED_YES);
  wait_loaded (model);
  assert_ids (model, ((gint64[]) { 120, 123, 126, 129 }), 4);

  sh_scene_list_model_set_search (model, "no such scene");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  /* Empty is no search at all. */
  sh_scene_list_model_set_generated (model, SH_GENERATED_ANY);
  sh_scene_list_model_set_search (model, "");
  g_assert_null (sh_scene_list_model_get_search (model));
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_SCENES);

  g_assert_finalize_object (g_steal_pointer (&model));
}

/* Runs a Generate's database side for @ids: they become the job's `updated` scenes. */
static void
record_job (Fixture      *fixture,
            const char   *job_id,
            const gint64 *ids,
            guint         n_ids)
{
  g_autoptr(ShJobStore) jobs = sh_job_store_new (fixture->db);
  g_autoptr(ShJobRecord) record = sh_job_record_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_free (record->id);
  record->id = g_strdup (job_id);
  record->type = g_strdup ("stash_generate");
  g_free (record->status);
  record->status = g_strdup ("completed");
  record->server_id = fixture->server_id;
  record->created_at = record->updated_at = g_get_real_time ();

  sh_job_store_insert_async (jobs, record, NULL, sh_test_store_result, &result);
  g_assert_true (sh_job_store_insert_finish (jobs, sh_test_await (&result), NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  sh_job_store_snapshot_tracked_async (jobs, job_id, fixture->server_id, ids, n_ids, NULL,
                                       sh_test_store_result, &result);
  sh_job_store_snapshot_tracked_finish (jobs, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  sh_job_store_apply_generated_async (jobs, job_id, fixture->server_id, NULL,
                                      sh_test_store_result, &result);
  g_assert_cmpuint (sh_job_store_apply_generated_finish (jobs, sh_test_await (&result), &error),
                    ==, n_ids);
  g_assert_no_error (error);
}

static void
test_job_filter (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const char *job_id = "7c1f9a52-3d0e-4a55-9f4f-2f7d6f0c1a01";
  const gint64 updated[] = { 2, 5, 400, 998 };
  g_autoptr(ShSceneListModel) model = NULL;
  g_autoptr(ShSceneItem) item = NULL;

  record_job (fixture, job_id, updated, G_N_ELEMENTS (updated));
  /* Another job's scenes, and the first job's tracked scenes, do not count. */
  record_job (fixture, "another-job", (gint64[]) { 1, 4 }, 2);

  model = new_model (fixture);
  sh_scene_list_model_set_job_id (model, job_id);
  g_assert_cmpstr (sh_scene_list_model_get_job_id (model), ==, job_id);
  wait_loaded (model);
  assert_ids (model, updated, G_N_ELEMENTS (updated));

  item = g_list_model_get_item (G_LIST_MODEL (model), 3);
  wait_item_loaded (item);
  g_assert_true (sh_scene_item_get_generated (item));

  /* Combined with the other filters. */
  sh_scene_list_model_set_search (model, "even");
  sh_scene_list_model_set_sort (model, SH_SCENE_SORT_ID, TRUE);
  wait_loaded (model);
  assert_ids (model, ((gint64[]) { 998, 400, 2 }), 3);

  sh_scene_list_model_set_generated (model, SH_GENERATED_NO);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  sh_scene_list_model_set_job_id (model, "no-such-job");
  sh_scene_list_model_set_generated (model, SH_GENERATED_ANY);
  sh_scene_list_model_set_search (model, NULL);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  sh_scene_list_model_set_job_id (model, NULL);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_SCENES);

  drain ();
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_reload (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(ShSceneListModel) model = new_model (fixture);
  g_autoptr(ShSceneItem) shown = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ItemsChanged changes = { 0 };
  const gint64 ids[] = { 1, 2 };
  guint n_replaced = 0;

  /* A view shows scenes 1 and 2; a page far away was read but is no longer shown. */
  shown = g_list_model_get_item (G_LIST_MODEL (model), 0);
  wait_item_loaded (shown);
  g_assert_false (sh_scene_item_get_generated (shown));
  {
    g_autoptr(ShSceneItem) far = g_list_model_get_item (G_LIST_MODEL (model), 900);

    wait_item_loaded (far);
  }
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 600);

  sh_scene_store_set_generated_async (fixture->store, fixture->server_id, ids, 2, TRUE, NULL,
                                      sh_test_store_result, &result);
  g_assert_cmpuint (sh_scene_store_set_generated_finish (fixture->store, sh_test_await (&result),
                                                         &error), ==, 2);
  g_assert_no_error (error);

  /* Same ids: the list does not change, the item shown is refreshed in place, the pages
   * nobody shows are dropped. */
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  sh_scene_list_model_reload (model);
  wait_loaded (model);
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 200);
  while (!sh_scene_item_get_generated (shown))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (changes.n_signals, ==, 0);

  /* With the Generated filter, the ids change: the list is replaced, and says so once.
   * The item the view holds stays at its position and now stands for the scene there,
   * read with the first rows; only the change of length is signalled. */
  g_signal_connect_swapped (model, "replaced", G_CALLBACK (count_signal_cb), &n_replaced);
  sh_scene_list_model_set_generated (model, SH_GENERATED_NO);
  wait_loaded (model);
  g_assert_cmpuint (n_replaced, ==, 1);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.added, ==, 0);
  g_assert_cmpuint (changes.position + changes.removed, ==, N_SCENES);
  g_assert_cmpint (sh_scene_list_model_get_id (model, 0), ==, 4);
  g_assert_cmpint (sh_scene_item_get_id (shown), ==, 4);
  g_assert_true (sh_scene_item_get_loaded (shown));
  g_assert_cmpstr (sh_scene_item_get_title (shown), ==, "Scene 0997");
  g_assert_false (sh_scene_item_get_generated (shown));
  {
    g_autoptr(ShSceneItem) again = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_true (again == shown);
  }
  g_assert_cmpuint (sh_scene_list_model_get_n_cached (model), ==, 400);

  /* The same list again: not replaced. */
  sh_scene_list_model_reload (model);
  wait_loaded (model);
  g_assert_cmpuint (n_replaced, ==, 1);

  g_signal_handlers_disconnect_by_data (model, &changes);
  drain ();
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&shown));
}

static void
test_item (void)
{
  g_autoptr(ShSceneItem) item = sh_scene_item_new (42);
  g_autoptr(ShSceneRecord) record = sh_scene_record_new ();
  gint64 id = 0;
  gboolean loaded = TRUE;

  g_object_get (item, "id", &id, "loaded", &loaded, NULL);
  g_assert_cmpint (id, ==, 42);
  g_assert_false (loaded);

  record->id = 42;
  record->title = g_strdup ("A Title");
  record->generated = TRUE;
  sh_scene_item_load (item, record);
  g_assert_true (sh_scene_item_get_loaded (item));
  g_assert_true (sh_scene_item_get_generated (item));
  g_assert_cmpstr (sh_scene_item_get_title (item), ==, "A Title");
  g_assert_null (sh_scene_item_get_path (item));

  /* Deleted meanwhile: loaded, and empty. */
  sh_scene_item_load (item, NULL);
  g_assert_true (sh_scene_item_get_loaded (item));
  g_assert_false (sh_scene_item_get_generated (item));
  g_assert_null (sh_scene_item_get_title (item));

  g_assert_finalize_object (g_steal_pointer (&item));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/scene-list-model/" BACKEND path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

  g_test_add_func ("/scene-list-model/item", test_item);
  ADD ("/new-destroy", test_new_destroy);
  ADD ("/counts", test_counts);
  ADD ("/order", test_order);
  ADD ("/lazy", test_lazy);
  ADD ("/cache-bound", test_cache_bound);
  ADD ("/search", test_search);
  ADD ("/job-filter", test_job_filter);
  ADD ("/reload", test_reload);

  return g_test_run ();
}
