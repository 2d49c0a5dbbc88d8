/* test-media-checker.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShMediaChecker against the fake Stash over real HTTP: what it finds missing, kind by
 * kind, that it asks only about what was selected, its bound on requests in flight, its
 * errors and cancellation, and that a Generate with the seed's defaults and a default
 * check agree.
 */

#include "config.h"

#include <string.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-media-checker.h"
#include "sh-stash-client.h"
#include "sh-stash-error.h"

#define N_SCENES 60
#define API_KEY  "media-checker-KEY-0123456789"

typedef struct
{
  ShFakeStash   *fake;
  ShStashClient *client;
} Fixture;

typedef struct
{
  guint   calls;
  guint64 checked;
  guint64 total;
  gboolean decreased;
} Progress;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  sh_core_init ();
  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, N_SCENES);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);

  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->client);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (fixture->fake);

  /* Let libsoup release what it still holds on the main context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static void
progress_cb (guint64  checked,
             guint64  total,
             gpointer user_data)
{
  Progress *progress = user_data;

  if (checked < progress->checked)
    progress->decreased = TRUE;
  progress->calls++;
  progress->checked = checked;
  progress->total = total;
}

static ShMediaCheckResult *
run_check_full (ShMediaChecker  *checker,
                const gint64    *ids,
                guint            n_ids,
                Progress        *progress,
                GCancellable    *cancellable,
                GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_media_checker_run_async (checker, ids, n_ids,
                              progress != NULL ? progress_cb : NULL, progress,
                              cancellable, store_result, &result);

  return sh_media_checker_run_finish (checker, wait_result (&result), error);
}

static ShMediaCheckResult *
run_check (ShMediaChecker *checker,
           const gint64   *ids,
           guint           n_ids)
{
  g_autoptr(GError) error = NULL;
  ShMediaCheckResult *result = run_check_full (checker, ids, n_ids, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static void
assert_ids (GArray       *array,
            const gint64 *expected,
            guint         n_expected)
{
  g_autoptr(GString) got = g_string_new (NULL);
  g_autoptr(GString) want = g_string_new (NULL);

  for (guint i = 0; i < array->len; i++)
    g_string_append_printf (got, "%" G_GINT64_FORMAT " ", g_array_index (array, gint64, i));
  for (guint i = 0; i < n_expected; i++)
    g_string_append_printf (want, "%" G_GINT64_FORMAT " ", expected[i]);

  g_assert_cmpstr (got->str, ==, want->str);
}

#define ASSERT_IDS(array, ...) \
  G_STMT_START { \
    const gint64 expected_[] = { __VA_ARGS__ }; \
    assert_ids ((array), expected_, G_N_ELEMENTS (expected_)); \
  } G_STMT_END

static guint64
missing_count (const ShMediaCheckResult *result,
               ShMediaKind               kind)
{
  return result->missing_count[g_bit_nth_lsf (kind, -1)];
}

static GArray *
samples (const ShMediaCheckResult *result,
         ShMediaKind               kind)
{
  return result->samples[g_bit_nth_lsf (kind, -1)];
}

/* One scene per kind, and a few with more than one. Scenes 5, 10, … have two markers;
 * 10, 20, … are interactive. */
static void
set_up_missing (ShFakeStash *fake)
{
  sh_fake_stash_set_missing (fake, 3, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_missing (fake, 4, SH_FAKE_ARTIFACT_SPRITE, TRUE);
  sh_fake_stash_set_missing (fake, 7, SH_FAKE_ARTIFACT_PREVIEW, TRUE);
  sh_fake_stash_set_missing (fake, 8, SH_FAKE_ARTIFACT_WEBP, TRUE);
  sh_fake_stash_set_missing (fake, 11, SH_FAKE_ARTIFACT_PHASH, TRUE);
  sh_fake_stash_set_missing (fake, 17, SH_FAKE_ARTIFACT_COVER | SH_FAKE_ARTIFACT_PREVIEW, TRUE);
  sh_fake_stash_set_missing (fake, 20, SH_FAKE_ARTIFACT_HEATMAP, TRUE);
  sh_fake_stash_set_missing (fake, 25, SH_FAKE_ARTIFACT_MARKER_VIDEO, TRUE);
  sh_fake_stash_set_missing (fake, 30, SH_FAKE_ARTIFACT_MARKER_SCREENSHOT, TRUE);
  sh_fake_stash_set_missing (fake, 35, SH_FAKE_ARTIFACT_MARKER_WEBP, TRUE);
  sh_fake_stash_set_missing (fake, 40, SH_FAKE_ARTIFACT_ALL, TRUE);
}

static void
test_kinds (void)
{
  const char *names[] = { "cover", "marker_webp", "heatmap", NULL };
  const char *with_groups[] = { "default", "webp", NULL };
  const char *unknown[] = { "cover", "thumbnail", NULL };
  const char *none[] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFlagsClass) flags_class = NULL;
  ShMediaKind kinds = 0;

  g_assert_cmpstr (sh_media_kind_to_string (SH_MEDIA_COVER), ==, "cover");
  g_assert_cmpstr (sh_media_kind_to_string (SH_MEDIA_VTT), ==, "vtt");
  g_assert_cmpstr (sh_media_kind_to_string (SH_MEDIA_MARKER_SCREENSHOT), ==,
                   "marker_screenshot");
  g_assert_cmpstr (sh_media_kind_to_string (SH_MEDIA_MARKER_WEBP), ==, "marker_webp");

  /* Every single kind goes through its name and back. */
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    {
      const char *one[] = { sh_media_kind_to_string (1 << i), NULL };

      g_assert_true (sh_media_kinds_from_strings (one, &kinds, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (kinds, ==, 1u << i);
    }

  g_assert_true (sh_media_kinds_from_strings (names, &kinds, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kinds, ==, SH_MEDIA_COVER | SH_MEDIA_MARKER_WEBP | SH_MEDIA_HEATMAP);

  g_assert_true (sh_media_kinds_from_strings (with_groups, &kinds, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kinds, ==, SH_MEDIA_DEFAULT | SH_MEDIA_WEBP);

  kinds = SH_MEDIA_COVER;
  g_assert_false (sh_media_kinds_from_strings (unknown, &kinds, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“thumbnail”"));
  g_assert_cmpuint (kinds, ==, SH_MEDIA_COVER);
  g_clear_error (&error);

  g_assert_false (sh_media_kinds_from_strings (none, &kinds, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* What a Generate with the seed's defaults produces. */
  g_assert_cmpuint (SH_MEDIA_DEFAULT, ==,
                    SH_MEDIA_COVER | SH_MEDIA_SPRITE | SH_MEDIA_VTT | SH_MEDIA_PREVIEW |
                    SH_MEDIA_PHASH | SH_MEDIA_MARKER_VIDEO | SH_MEDIA_MARKER_SCREENSHOT);

  g_assert_true (G_TYPE_IS_FLAGS (SH_TYPE_MEDIA_KIND));
  flags_class = g_type_class_ref (SH_TYPE_MEDIA_KIND);
  g_assert_cmpstr (g_flags_get_first_value (flags_class, SH_MEDIA_MARKER_VIDEO)->value_nick, ==,
                   "marker-video");
}

static void
test_default_kinds (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_DEFAULT);
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, };

  set_up_missing (fixture->fake);
  result = run_check_full (checker, NULL, 0, &progress, NULL, &error);
  g_assert_no_error (error);

  /* 8 (webp), 20 (heatmap) and 35 (marker webp) miss only what a default Generate does
   * not make. */
  ASSERT_IDS (result->incomplete, 3, 4, 7, 11, 17, 25, 30, 40);
  g_assert_cmpuint (result->complete->len, ==, N_SCENES - 8);
  g_assert_cmpuint (result->checked, ==, N_SCENES);
  g_assert_cmpuint (result->kinds, ==, SH_MEDIA_DEFAULT);

  g_assert_cmpuint (missing_count (result, SH_MEDIA_COVER), ==, 3);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_SPRITE), ==, 2);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_VTT), ==, 2);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_PREVIEW), ==, 3);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_PHASH), ==, 2);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_MARKER_VIDEO), ==, 2);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_MARKER_SCREENSHOT), ==, 2);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_WEBP), ==, 0);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_HEATMAP), ==, 0);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_MARKER_WEBP), ==, 0);
  ASSERT_IDS (samples (result, SH_MEDIA_COVER), 3, 17, 40);
  ASSERT_IDS (samples (result, SH_MEDIA_MARKER_VIDEO), 25, 40);
  g_assert_cmpuint (samples (result, SH_MEDIA_WEBP)->len, ==, 0);

  /* Every probe reached the server, and none was for a kind that was not selected. */
  g_assert_cmpuint (result->requests, ==, sh_fake_stash_get_media_request_count (fixture->fake));
  g_assert_cmpuint (result->requests, <=, N_SCENES * 3 + (N_SCENES / 5) * 2 * 2);
  /* The second marker of 25, 30 and 40 need not be asked once the first one misses. */
  g_assert_cmpuint (result->requests, >=, N_SCENES * 3 + (N_SCENES / 5) * 2 * 2 - 4);
  /* One page, one cover query. */
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "CheckMediaScenes"), ==, 1);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "FindSceneIds"), ==, 1);

  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_false (progress.decreased);
  g_assert_cmpuint (progress.checked, ==, N_SCENES);
  g_assert_cmpuint (progress.total, ==, N_SCENES);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_all_kinds (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_ALL);
  g_autoptr(ShMediaCheckResult) result = NULL;

  set_up_missing (fixture->fake);
  result = run_check (checker, NULL, 0);

  ASSERT_IDS (result->incomplete, 3, 4, 7, 8, 11, 17, 20, 25, 30, 35, 40);
  g_assert_cmpuint (result->checked, ==, N_SCENES);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_WEBP), ==, 2);
  /* Only interactive scenes can miss a heatmap (the others' URL is a 404 too). */
  g_assert_cmpuint (missing_count (result, SH_MEDIA_HEATMAP), ==, 2);
  ASSERT_IDS (samples (result, SH_MEDIA_HEATMAP), 20, 40);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_MARKER_WEBP), ==, 2);
  ASSERT_IDS (samples (result, SH_MEDIA_MARKER_WEBP), 35, 40);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_MARKER_SCREENSHOT), ==, 2);
  ASSERT_IDS (samples (result, SH_MEDIA_MARKER_SCREENSHOT), 30, 40);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_selected_kinds (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_PREVIEW);
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(ShMediaChecker) marker_checker = NULL;
  g_autoptr(ShMediaCheckResult) marker_result = NULL;
  g_autoptr(JsonNode) sent = NULL;

  set_up_missing (fixture->fake);
  result = run_check (checker, NULL, 0);

  /* A missing cover, phash or marker video is not a missing preview. */
  ASSERT_IDS (result->incomplete, 7, 17, 40);
  g_assert_cmpuint (result->complete->len, ==, N_SCENES - 3);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_PREVIEW), ==, 3);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_COVER), ==, 0);

  /* Nothing was asked that the kind does not need: no cover query, no marker media. */
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "FindSceneIds"), ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_media_request_count (fixture->fake), ==, N_SCENES);
  g_assert_cmpuint (result->requests, ==, N_SCENES);
  sent = sh_fake_stash_dup_last_variables (fixture->fake, "CheckMediaScenes");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (sent), "withPaths"));
  g_assert_false (json_object_get_boolean_member (json_node_get_object (sent), "withMarkers"));
  g_clear_pointer (&sent, json_node_unref);

  /* Cover and phash alone need no probe at all. */
  sh_fake_stash_reset_media_counts (fixture->fake);
  g_clear_object (&checker);
  g_clear_pointer (&result, sh_media_check_result_free);
  checker = sh_media_checker_new (fixture->client, SH_MEDIA_COVER | SH_MEDIA_PHASH);
  result = run_check (checker, NULL, 0);
  ASSERT_IDS (result->incomplete, 3, 11, 17, 40);
  g_assert_cmpuint (result->requests, ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_media_request_count (fixture->fake), ==, 0);
  sent = sh_fake_stash_dup_last_variables (fixture->fake, "CheckMediaScenes");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (sent), "withPaths"));

  /* Marker screenshots only: two probes per scene with markers, nothing else. */
  sh_fake_stash_reset_media_counts (fixture->fake);
  marker_checker = sh_media_checker_new (fixture->client, SH_MEDIA_MARKER_SCREENSHOT);
  marker_result = run_check (marker_checker, NULL, 0);
  ASSERT_IDS (marker_result->incomplete, 30, 40);
  g_assert_cmpuint (marker_result->requests, <=, (N_SCENES / 5) * 2);
  g_assert_cmpuint (marker_result->requests, >=, (N_SCENES / 5) * 2 - 2);

  g_assert_finalize_object (g_steal_pointer (&checker));
  g_assert_finalize_object (g_steal_pointer (&marker_checker));
}

static void
test_given_ids (Fixture       *fixture,
                gconstpointer  user_data)
{
  /* Unsorted, a duplicate, ids Stash does not have (13 was deleted), and nonsense. */
  const gint64 ids[] = { 30, 3, 7, 3, 99999, 13, 12, 0, -5, G_GINT64_CONSTANT (1) << 40 };
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_DEFAULT);
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, };

  set_up_missing (fixture->fake);
  sh_fake_stash_remove_scene (fixture->fake, 13);

  result = run_check_full (checker, ids, G_N_ELEMENTS (ids), &progress, NULL, &error);
  g_assert_no_error (error);
  ASSERT_IDS (result->incomplete, 3, 7, 30);
  ASSERT_IDS (result->complete, 12);
  g_assert_cmpuint (result->checked, ==, 4);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_COVER), ==, 1);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_PREVIEW), ==, 1);
  g_assert_cmpuint (missing_count (result, SH_MEDIA_MARKER_SCREENSHOT), ==, 1);

  /* Only those four scenes were probed: three files each, and the two markers of 30 (the
   * second one's screenshot need not be asked once the first one misses). */
  g_assert_cmpuint (sh_fake_stash_get_media_request_count (fixture->fake), <=, 4 * 3 + 2 * 2);
  g_assert_cmpuint (sh_fake_stash_get_media_request_count (fixture->fake), >=, 4 * 3 + 2 * 2 - 1);
  g_assert_cmpuint (progress.checked, ==, 6);
  g_assert_cmpuint (progress.total, ==, 6);
  g_assert_false (progress.decreased);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_empty_ids (Fixture       *fixture,
                gconstpointer  user_data)
{
  const gint64 ids[] = { 0 };
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_DEFAULT);
  g_autoptr(ShMediaCheckResult) result = NULL;

  result = run_check (checker, ids, 0);
  g_assert_cmpuint (result->checked, ==, 0);
  g_assert_cmpuint (result->complete->len, ==, 0);
  g_assert_cmpuint (result->incomplete->len, ==, 0);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "CheckMediaScenes"), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static ShMediaChecker *
new_checker_with_page_size (Fixture     *fixture,
                            ShMediaKind  kinds,
                            guint        page_size)
{
  return g_object_new (SH_TYPE_MEDIA_CHECKER,
                       "client", fixture->client,
                       "kinds", kinds,
                       "page-size", page_size,
                       NULL);
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = NULL;
  g_autoptr(ShMediaCheckResult) result = NULL;
  const gint64 sparse[] = { 50, 1 };
  const gint64 chunked[] = { 2, 5, 9, 13, 14, 21, 22, 37 };
  Progress progress = { 0, };
  g_autoptr(GError) error = NULL;

  /* Misses on both sides of the page boundaries (pages of 7: 1–7, 8–14, …, 57–60). */
  sh_fake_stash_set_missing (fixture->fake, 1, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 7, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 8, SH_FAKE_ARTIFACT_PREVIEW, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 14, SH_FAKE_ARTIFACT_PHASH, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 15, SH_FAKE_ARTIFACT_MARKER_VIDEO, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 60, SH_FAKE_ARTIFACT_COVER, TRUE);

  checker = new_checker_with_page_size (fixture, SH_MEDIA_DEFAULT, 7);
  result = run_check_full (checker, NULL, 0, &progress, NULL, &error);
  g_assert_no_error (error);
  ASSERT_IDS (result->incomplete, 1, 7, 8, 14, 15, 60);
  g_assert_cmpuint (result->complete->len, ==, N_SCENES - 6);
  g_assert_cmpuint (result->checked, ==, N_SCENES);
  /* Nine pages, the last one short; each has one cover query. */
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "CheckMediaScenes"), ==, 9);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "FindSceneIds"), ==, 9);
  g_assert_cmpuint (progress.checked, ==, N_SCENES);
  g_assert_false (progress.decreased);
  g_clear_pointer (&result, sh_media_check_result_free);
  g_clear_object (&checker);

  /* Pages that end exactly at the last scene: one more, empty, page says so. */
  checker = new_checker_with_page_size (fixture, SH_MEDIA_COVER, 6);
  result = run_check (checker, NULL, 0);
  ASSERT_IDS (result->incomplete, 1, 7, 60);
  g_assert_cmpuint (result->checked, ==, N_SCENES);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "CheckMediaScenes"), ==,
                    9 + 11);
  g_clear_pointer (&result, sh_media_check_result_free);
  g_clear_object (&checker);

  /* Two given ids far apart: the cover query pages through the whole range between them
   * by key (25 pages of 2 when every scene misses its cover). */
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_COVER, TRUE);
  checker = new_checker_with_page_size (fixture, SH_MEDIA_COVER, 2);
  result = run_check (checker, sparse, G_N_ELEMENTS (sparse));
  ASSERT_IDS (result->incomplete, 1, 50);
  g_assert_cmpuint (result->checked, ==, 2);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "FindSceneIds"), ==,
                    9 + 10 + 25);
  g_clear_pointer (&result, sh_media_check_result_free);
  g_clear_object (&checker);

  /* Chunks of three given ids, with deleted scenes in two of them. */
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_COVER, FALSE);
  sh_fake_stash_set_missing (fixture->fake, 21, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_remove_scene (fixture->fake, 5);
  sh_fake_stash_remove_scene (fixture->fake, 22);
  sh_fake_stash_remove_scene (fixture->fake, 37);
  checker = new_checker_with_page_size (fixture, SH_MEDIA_DEFAULT, 3);
  result = run_check (checker, chunked, G_N_ELEMENTS (chunked));
  ASSERT_IDS (result->incomplete, 14, 21);
  ASSERT_IDS (result->complete, 2, 9, 13);
  g_assert_cmpuint (result->checked, ==, 5);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_max_in_flight (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const gint64 ids[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 11 };
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client,
                                                            SH_MEDIA_SPRITE | SH_MEDIA_PREVIEW);
  guint peak = 0;

  g_assert_cmpuint (sh_media_checker_get_max_in_flight (checker), ==, 8);

  /* With latency, requests overlap whenever the checker lets them. */
  sh_fake_stash_set_latency (fixture->fake, 15);
  for (guint n = 1; n <= 3; n++)
    {
      g_autoptr(ShMediaCheckResult) result = NULL;

      sh_media_checker_set_max_in_flight (checker, n);
      sh_fake_stash_reset_media_counts (fixture->fake);
      result = run_check (checker, ids, G_N_ELEMENTS (ids));
      g_assert_cmpuint (result->checked, ==, G_N_ELEMENTS (ids));
      g_assert_cmpuint (result->requests, ==, 2 * G_N_ELEMENTS (ids));

      /* The checker counts GraphQL queries too; the server sees the probes. */
      g_object_get (checker, "peak-in-flight", &peak, NULL);
      g_test_message ("max-in-flight %u: checker peak %u, server peak %u", n, peak,
                      sh_fake_stash_get_media_max_in_flight (fixture->fake));
      g_assert_cmpuint (peak, ==, n);
      g_assert_cmpuint (sh_fake_stash_get_media_max_in_flight (fixture->fake), <=, n);
      /* The client allows enough connections per host for the checker's limit to be the
       * one that counts (libsoup's default is two). */
      g_assert_cmpuint (sh_fake_stash_get_media_max_in_flight (fixture->fake), ==, n);
    }
  g_assert_cmpuint (sh_media_checker_get_max_in_flight (checker), ==, 3);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_progress_rate (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_PREVIEW);
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, };
  gint64 start;
  gint64 elapsed_ms;

  /* About 60 answers over half a second, but only a few updates. */
  sh_fake_stash_set_latency (fixture->fake, 15);
  sh_media_checker_set_max_in_flight (checker, 2);
  start = g_get_monotonic_time ();
  result = run_check_full (checker, NULL, 0, &progress, NULL, &error);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_no_error (error);
  g_test_message ("%u progress calls in %" G_GINT64_FORMAT " ms", progress.calls, elapsed_ms);

  g_assert_cmpuint (progress.calls, >=, 2);
  g_assert_cmpuint (progress.calls, <=, elapsed_ms / 100 + 2);
  g_assert_cmpuint (progress.checked, ==, N_SCENES);
  g_assert_cmpuint (progress.total, ==, N_SCENES);
  g_assert_false (progress.decreased);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_http_errors (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const struct {
    guint       status;
    int         code;
    const char *text;
  } cases[] = {
    { 502, SH_STASH_ERROR_HTTP, "HTTP 502" },
    { 500, SH_STASH_ERROR_HTTP, "HTTP 500" },
    { 401, SH_STASH_ERROR_UNAUTHORIZED, "API key" },
    { 302, SH_STASH_ERROR_UNAUTHORIZED, "API key" },
    { 403, SH_STASH_ERROR_FORBIDDEN, "403" },
  };
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_DEFAULT);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ShMediaCheckResult) result = NULL;
      g_autoptr(GError) error = NULL;

      /* One probe among hundreds fails: the run fails, rather than count it "missing". */
      sh_fake_stash_fail_media_requests (fixture->fake, 1, cases[i].status);
      result = run_check_full (checker, NULL, 0, NULL, NULL, &error);
      g_assert_null (result);
      g_assert_error (error, SH_STASH_ERROR, cases[i].code);
      g_test_message ("%u: %s", cases[i].status, error->message);
      g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_nonnull (strstr (error->message, "scene"));
    }

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_graphql_error (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_DEFAULT);
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_fake_stash_fail_requests (fixture->fake, 1, 502, "text/html", "<html>502</html>");
  result = run_check_full (checker, NULL, 0, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_api_key (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShMediaChecker) checker = NULL;
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Every probe carries the key (Stash redirects media requests without one). */
  sh_fake_stash_set_api_key (fixture->fake, API_KEY);
  set_up_missing (fixture->fake);
  client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), API_KEY, &error);
  g_assert_no_error (error);
  checker = sh_media_checker_new (client, SH_MEDIA_ALL);
  result = run_check (checker, NULL, 0);
  ASSERT_IDS (result->incomplete, 3, 4, 7, 8, 11, 17, 20, 25, 30, 35, 40);

  g_assert_finalize_object (g_steal_pointer (&checker));
  g_assert_finalize_object (g_steal_pointer (&client));
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_ALL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint requests;

  /* Mid-run: about 300 probes at 20 ms each would take seconds. */
  sh_fake_stash_set_latency (fixture->fake, 20);
  g_timeout_add (150, cancel_cb, cancellable);
  result = run_check_full (checker, NULL, 0, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Nothing more is sent once the run has returned. */
  requests = sh_fake_stash_get_media_request_count (fixture->fake);
  g_assert_cmpuint (requests, >, 0);
  g_assert_cmpuint (requests, <, N_SCENES * 3);
  g_timeout_add (100, cancel_cb, cancelled);
  while (!g_cancellable_is_cancelled (cancelled))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (sh_fake_stash_get_media_request_count (fixture->fake), ==, requests);

  /* Cancelled before it starts. */
  result = run_check_full (checker, NULL, 0, NULL, cancelled, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
test_one_run_at_a_time (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_PREVIEW);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_media_checker_run_async (checker, NULL, 0, NULL, NULL, NULL, store_result, &first);
  sh_media_checker_run_async (checker, NULL, 0, NULL, NULL, NULL, store_result, &second);
  g_assert_null (sh_media_checker_run_finish (checker, wait_result (&second), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);

  result = sh_media_checker_run_finish (checker, wait_result (&first), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->checked, ==, N_SCENES);

  /* The results hold the checker. */
  g_clear_object (&first);
  g_clear_object (&second);
  g_assert_finalize_object (g_steal_pointer (&checker));
}

static void
wait_for_finished (Fixture    *fixture,
                   const char *job_id)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(ShStashJob) job = NULL;
      g_autoptr(GError) error = NULL;

      sh_stash_client_find_job_async (fixture->client, job_id, NULL, store_result, &result);
      g_assert_true (sh_stash_client_find_job_finish (fixture->client, wait_result (&result),
                                                      &job, &error));
      g_assert_no_error (error);
      g_assert_nonnull (job);
      if (job->status == SH_STASH_JOB_FINISHED)
        return;
      g_assert_cmpint (job->status, !=, SH_STASH_JOB_FAILED);
      g_assert_cmpint (job->status, !=, SH_STASH_JOB_CANCELLED);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
}

static void
test_generate_agrees (Fixture       *fixture,
                      gconstpointer  user_data)
{
  /* The seed's default Generate options. */
  g_autoptr(JsonNode) input = json_from_string (
      "{\"covers\": true, \"sprites\": true, \"previews\": true, \"imagePreviews\": false,"
      " \"markers\": true, \"markerImagePreviews\": false, \"markerScreenshots\": true,"
      " \"transcodes\": false, \"forceTranscodes\": false, \"phashes\": true,"
      " \"interactiveHeatmapsSpeeds\": false, \"clipPreviews\": true,"
      " \"imageThumbnails\": true, \"overwrite\": false}", NULL);
  g_autoptr(ShMediaChecker) checker = sh_media_checker_new (fixture->client, SH_MEDIA_DEFAULT);
  g_autoptr(ShMediaChecker) all_checker = sh_media_checker_new (fixture->client, SH_MEDIA_ALL);
  g_autoptr(ShMediaCheckResult) before = NULL;
  g_autoptr(ShMediaCheckResult) after = NULL;
  g_autoptr(ShMediaCheckResult) all_after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *job_id = NULL;

  set_up_missing (fixture->fake);
  sh_fake_stash_set_missing (fixture->fake, 55, SH_FAKE_ARTIFACT_ALL, TRUE);
  before = run_check (checker, NULL, 0);
  ASSERT_IDS (before->incomplete, 3, 4, 7, 11, 17, 25, 30, 40, 55);

  sh_fake_stash_set_job_speed (fixture->fake, 1);
  sh_stash_client_metadata_generate_async (fixture->client, input, NULL, store_result, &result);
  job_id = sh_stash_client_metadata_generate_finish (fixture->client, wait_result (&result),
                                                     &error);
  g_assert_no_error (error);
  wait_for_finished (fixture, job_id);

  /* What the Generate made is exactly what the default check looks for. */
  after = run_check (checker, NULL, 0);
  g_assert_cmpuint (after->incomplete->len, ==, 0);
  g_assert_cmpuint (after->complete->len, ==, N_SCENES);
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    g_assert_cmpuint (after->missing_count[i], ==, 0);

  /* …and no more: webp, heatmaps and marker webp are not among the defaults. */
  all_after = run_check (all_checker, NULL, 0);
  ASSERT_IDS (all_after->incomplete, 8, 20, 35, 40, 55);
  ASSERT_IDS (samples (all_after, SH_MEDIA_WEBP), 8, 40, 55);
  ASSERT_IDS (samples (all_after, SH_MEDIA_HEATMAP), 20, 40);
  ASSERT_IDS (samples (all_after, SH_MEDIA_MARKER_WEBP), 35, 40, 55);
  g_assert_cmpuint (missing_count (all_after, SH_MEDIA_COVER), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&checker));
  g_assert_finalize_object (g_steal_pointer (&all_checker));
}

static void
assert_members (JsonObject *object,
                const char *first,
                ...)
{
  g_autoptr(GList) members = json_object_get_members (object);
  guint n = 0;
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_assert_true (json_object_has_member (object, name));
      n++;
    }
  va_end (args);

  g_assert_cmpuint (g_list_length (members), ==, n);
}

static void
test_json (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(ShMediaChecker) checker = NULL;
  g_autoptr(ShMediaCheckResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;
  JsonObject *missing;
  JsonObject *sample_lists;
  JsonArray *covers;

  /* More scenes miss their cover than there are samples. */
  for (guint id = 2; id <= 20; id += 2)
    sh_fake_stash_set_missing (fixture->fake, id, SH_FAKE_ARTIFACT_COVER, TRUE);
  sh_fake_stash_set_missing (fixture->fake, 9, SH_FAKE_ARTIFACT_PREVIEW, TRUE);

  checker = sh_media_checker_new (fixture->client, SH_MEDIA_COVER | SH_MEDIA_PREVIEW);
  result = run_check (checker, NULL, 0);
  node = sh_media_check_result_to_json (result);
  text = json_to_string (node, FALSE);
  g_test_message ("%s", text);

  root = json_node_get_object (node);
  assert_members (root, "checked", "complete", "incomplete", "missing", "samples", "requests",
                  NULL);
  g_assert_cmpint (json_object_get_int_member (root, "checked"), ==, N_SCENES);
  g_assert_cmpint (json_object_get_int_member (root, "complete"), ==, N_SCENES - 11);
  g_assert_cmpint (json_object_get_int_member (root, "incomplete"), ==, 11);
  g_assert_cmpint (json_object_get_int_member (root, "requests"), ==, N_SCENES);

  /* Only the kinds that were checked. */
  missing = json_object_get_object_member (root, "missing");
  assert_members (missing, "cover", "preview", NULL);
  g_assert_cmpint (json_object_get_int_member (missing, "cover"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (missing, "preview"), ==, 1);

  sample_lists = json_object_get_object_member (root, "samples");
  assert_members (sample_lists, "cover", "preview", NULL);
  covers = json_object_get_array_member (sample_lists, "cover");
  g_assert_cmpuint (json_array_get_length (covers), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (covers, 0), ==, "2");
  g_assert_cmpstr (json_array_get_string_element (covers, 4), ==, "10");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sample_lists,
                                                                         "preview")), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&checker));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/media-checker/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/media-checker/kinds", test_kinds);
  ADD ("default-kinds", test_default_kinds);
  ADD ("all-kinds", test_all_kinds);
  ADD ("selected-kinds", test_selected_kinds);
  ADD ("given-ids", test_given_ids);
  ADD ("empty-ids", test_empty_ids);
  ADD ("paging", test_paging);
  ADD ("max-in-flight", test_max_in_flight);
  ADD ("progress-rate", test_progress_rate);
  ADD ("error/http", test_http_errors);
  ADD ("error/graphql", test_graphql_error);
  ADD ("api-key", test_api_key);
  ADD ("cancel", test_cancel);
  ADD ("one-run-at-a-time", test_one_run_at_a_time);
  ADD ("generate-agrees", test_generate_agrees);
  ADD ("json", test_json);

#undef ADD

  return g_test_run ();
}
