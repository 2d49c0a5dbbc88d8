/* test-thumbnail-cache.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShThumbnailCache against the fake Stash over HTTP: covers fetched once and then read from
 * disk, Stash's default SVG kept as "no cover", a changed scene fetched again, the size
 * cap, the limit of fetches at once, and a fetch cancelled while it waits never sent.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sh-fake-stash.h"
#include "sh-stash-error.h"
#include "sh-test-utils.h"
#include "sh-thumbnail-cache.h"

typedef struct
{
  ShFakeStash   *fake;    /* (owned) */
  ShStashClient *client;  /* (owned) */
  char          *dir;     /* (owned) */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, 100);
  sh_fake_stash_set_api_key (fixture->fake, "secret-key");
  g_assert_true (sh_fake_stash_start (fixture->fake, 0, &error));
  g_assert_no_error (error);

  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), "secret-key",
                                         &error);
  g_assert_no_error (error);
  fixture->dir = g_build_filename (g_get_user_cache_dir (), "stashhog", "thumbnails", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->client);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (fixture->fake);
  g_free (fixture->dir);
}

static GBytes *
fetch (ShThumbnailCache  *cache,
       Fixture           *fixture,
       gint64             id,
       const char        *updated_at,
       GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_thumbnail_cache_fetch_async (cache, fixture->client, id, updated_at, NULL,
                                  sh_test_store_result, &result);
  return sh_thumbnail_cache_fetch_finish (cache, sh_test_await (&result), error);
}

static void
assert_cover (ShThumbnailCache *cache,
              Fixture          *fixture,
              gint64            id,
              const char       *updated_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = fetch (cache, fixture, id, updated_at, &error);
  g_autoptr(GBytes) expected = sh_fake_stash_dup_cover (id);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_true (g_bytes_equal (bytes, expected));
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (handle == NULL)
    return 0;
  while (g_dir_read_name (handle) != NULL)
    n++;

  return n;
}

static void
test_default_directory (void)
{
  g_autofree char *dir = sh_thumbnail_cache_dup_default_directory ();
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "stashhog",
                                                "thumbnails", NULL);

  g_assert_cmpstr (dir, ==, expected);
}

static void
test_fetch_and_keep (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(ShThumbnailCache) cache = sh_thumbnail_cache_new (fixture->dir, 1024 * 1024);
  g_autoptr(ShThumbnailCache) again = NULL;
  g_autoptr(GBytes) none = NULL;
  g_autoptr(GError) error = NULL;

  sh_fake_stash_set_missing (fixture->fake, 7, SH_FAKE_ARTIFACT_COVER, TRUE);

  assert_cover (cache, fixture, 5, "2026-01-01T00:00:00Z");
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 5), ==, 1);
  g_assert_cmpuint (sh_thumbnail_cache_get_requests (cache), ==, 1);
  /* The fake requires the key (see errors-not-kept), and it went in the header. */

  /* Stash's default SVG: no cover, and not an error. */
  none = fetch (cache, fixture, 7, "2026-01-01T00:00:00Z", &error);
  g_assert_no_error (error);
  g_assert_null (none);
  g_assert_cmpuint (count_files (fixture->dir), ==, 2);

  /* From disk, in a new cache too (the next start of the application). */
  again = sh_thumbnail_cache_new (fixture->dir, 1024 * 1024);
  assert_cover (again, fixture, 5, "2026-01-01T00:00:00Z");
  none = fetch (again, fixture, 7, "2026-01-01T00:00:00Z", &error);
  g_assert_no_error (error);
  g_assert_null (none);
  g_assert_cmpuint (sh_thumbnail_cache_get_requests (again), ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 0), ==, 2);

  /* A changed scene may have a changed cover. */
  assert_cover (again, fixture, 5, "2026-02-01T00:00:00Z");
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 5), ==, 2);
}

static void
test_errors_not_kept (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(ShThumbnailCache) cache = sh_thumbnail_cache_new (fixture->dir, 1024 * 1024);
  g_autoptr(ShStashClient) wrong = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  wrong = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), "wrong-key", &error);
  g_assert_no_error (error);

  {
    g_autoptr(GAsyncResult) result = NULL;

    sh_thumbnail_cache_fetch_async (cache, wrong, 5, NULL, NULL, sh_test_store_result, &result);
    bytes = sh_thumbnail_cache_fetch_finish (cache, sh_test_await (&result), &error);
  }
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED);
  g_assert_null (bytes);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);

  /* Unknown scene: 404. */
  bytes = fetch (cache, fixture, 5000, NULL, &error);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP);
  g_assert_null (bytes);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
}

static gint64
directory_bytes (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  gint64 total = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf buf;

      g_assert_cmpint (g_stat (path, &buf), ==, 0);
      total += MAX (buf.st_size, 4096);
    }

  return total;
}

static void
test_cap (Fixture       *fixture,
          gconstpointer  user_data)
{
  /* Room for ten files of at most 4 KiB counted. */
  g_autoptr(ShThumbnailCache) cache = sh_thumbnail_cache_new (fixture->dir, 10 * 4096);
  g_autoptr(GBytes) one = sh_fake_stash_dup_cover (1);

  g_assert_cmpuint (g_bytes_get_size (one), <=, 4096);

  for (gint64 id = 1; id <= 10; id++)
    assert_cover (cache, fixture, id, NULL);
  g_assert_cmpuint (count_files (fixture->dir), ==, 10);

  /* Scene 1 is used again: 2 is now the least recently used. */
  g_usleep (10000);
  assert_cover (cache, fixture, 1, NULL);
  g_usleep (10000);
  assert_cover (cache, fixture, 11, NULL);

  /* Down to 90 % of the cap: the two least recently used went. */
  g_assert_cmpint (directory_bytes (fixture->dir), <=, 10 * 4096);
  g_assert_cmpuint (count_files (fixture->dir), ==, 9);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 0), ==, 11);

  assert_cover (cache, fixture, 1, NULL);
  assert_cover (cache, fixture, 11, NULL);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 0), ==, 11);
  assert_cover (cache, fixture, 2, NULL);
  g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, 2), ==, 2);
}

typedef struct
{
  guint   pending;
  guint   covers;
  guint   cancelled;
} Counts;

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Counts *counts = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = sh_thumbnail_cache_fetch_finish (SH_THUMBNAIL_CACHE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    counts->cancelled++;
  else
    {
      g_assert_no_error (error);
      g_assert_nonnull (bytes);
      counts->covers++;
    }
  counts->pending--;
}

static void
test_in_flight (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(ShThumbnailCache) cache = sh_thumbnail_cache_new (fixture->dir, 1024 * 1024);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Counts counts = { 0 };

  sh_fake_stash_set_cover_latency (fixture->fake, 100);
  sh_fake_stash_reset_media_counts (fixture->fake);

  /* Twenty at once, of which the last ten are cancelled before they can start. */
  for (gint64 id = 1; id <= 20; id++)
    {
      sh_thumbnail_cache_fetch_async (cache, fixture->client, id, NULL,
                                      id > 10 ? cancellable : NULL, counted_cb, &counts);
      counts.pending++;
    }
  g_cancellable_cancel (cancellable);

  while (counts.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (counts.covers, ==, 10);
  g_assert_cmpuint (counts.cancelled, ==, 10);
  g_assert_cmpuint (sh_fake_stash_get_media_max_in_flight (fixture->fake), <=,
                    SH_THUMBNAIL_CACHE_DEFAULT_MAX_IN_FLIGHT);
  g_assert_cmpuint (sh_fake_stash_get_media_max_in_flight (fixture->fake), >, 1);
  for (guint id = 11; id <= 20; id++)
    g_assert_cmpuint (sh_fake_stash_get_cover_request_count (fixture->fake, id), ==, 0);
  g_assert_cmpuint (sh_thumbnail_cache_get_requests (cache), ==, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/thumbnail-cache/default-directory", test_default_directory);
#define ADD(path, func) \
  g_test_add ("/thumbnail-cache" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/fetch-and-keep", test_fetch_and_keep);
  ADD ("/errors-not-kept", test_errors_not_kept);
  ADD ("/cap", test_cap);
  ADD ("/in-flight", test_in_flight);
#undef ADD

  return g_test_run ();
}
