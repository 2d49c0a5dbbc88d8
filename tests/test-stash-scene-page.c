/* test-stash-scene-page.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reader of FindScenes pages that a sync uses instead of json-glib: what it reads must
 * be what json-glib's reading gives, and on anything else — nested, truncated, garbage,
 * huge, of the wrong shape — it must give up (the client then reads the answer with
 * json-glib, which says what is wrong) without reading past the text or recursing deeper
 * than the bound.
 */

#include "config.h"

#include <string.h>

#include "sh-scene-record.h"
#include "sh-stash-error.h"
#include "sh-stash-json.h"
#include "sh-stash-scene-page.h"

/* Two scenes as Stash writes them, with what makes reading hard: escapes, surrogate pairs,
 * raw UTF-8, nulls, members the reader does not know, secondary files, markers. */
static const char page_text[] =
  "{\"data\":{\"findScenes\":{\"count\":1234,\"scenes\":["
  "{\"id\":\"17\",\"title\":\"Quote \\\"this\\\" \\\\ back \\u00dcn\\u00efc\\u00f8d\\u00e9 "
  "\\ud83d\\udc37 \xc3\xa9t\xc3\xa9\\n\\t\\/\",\"organized\":true,\"interactive\":false,"
  "\"interactive_speed\":null,\"created_at\":\"2025-01-01T00:00:07+11:00\","
  "\"updated_at\":\"2025-01-01T00:00:10+11:00\",\"rating\":{\"deep\":[[[1,2.5e3,-0.5]]]},"
  "\"files\":[{\"id\":\"1\",\"path\":\"/data/videos/scene-000017.mp4\",\"duration\":2579.25,"
  "\"mod_time\":\"2024-12-31T00:00:07+11:00\",\"oshash\":\"aa1edc3ca69bf54c\","
  "\"phash\":\"3f9d01f8b8756a2f\"},{\"id\":\"9\",\"path\":\"/other.mp4\",\"duration\":1}],"
  "\"scene_markers\":[{\"id\":\"5\",\"seconds\":12.5,\"updated_at\":\"2025-02-01T00:00:00Z\"},"
  "{\"id\":\"3\",\"seconds\":7,\"updated_at\":null}]},"
  " \n\t{ \"id\" : \"18\" , \"title\" : null , \"organized\" : null, \"interactive\" : true ,"
  "\"interactive_speed\": 75, \"created_at\": null, \"updated_at\": \"x\", \"files\": [],"
  "\"scene_markers\": null, \"extra\": [true, false, null, \"]}\"]}"
  "]}},\"extensions\":{\"took\":3}}\n";

static void
assert_same_record (const ShSceneRecord *a,
                    const ShSceneRecord *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->path, ==, b->path);
  g_assert_cmpstr (a->oshash, ==, b->oshash);
  g_assert_cmpstr (a->phash, ==, b->phash);
  g_assert_cmpfloat (a->duration, ==, b->duration);
  g_assert_cmpint (a->organized, ==, b->organized);
  g_assert_cmpint (a->interactive, ==, b->interactive);
  g_assert_cmpint (a->interactive_speed, ==, b->interactive_speed);
  g_assert_cmpstr (a->markers_digest, ==, b->markers_digest);
  g_assert_cmpstr (a->stash_created_at, ==, b->stash_created_at);
  g_assert_cmpstr (a->stash_updated_at, ==, b->stash_updated_at);
}

static void
assert_same_page (const ShStashScenePage *a,
                  const ShStashScenePage *b)
{
  g_assert_cmpint (a->count, ==, b->count);
  g_assert_cmpuint (a->scenes->len, ==, b->scenes->len);
  for (guint i = 0; i < a->scenes->len; i++)
    assert_same_record (g_ptr_array_index (a->scenes, i), g_ptr_array_index (b->scenes, i));
}

/* The reader on an exact-size copy of @text: a read past its end is a read past the
 * allocation (which valgrind or ASan would see). */
static ShStashScenePage *
read_exact (const char *text,
            gsize       size)
{
  g_autofree char *copy = g_memdup2 (text, size);

  return sh_stash_scene_page_read (copy, size);
}

static void
test_reads_page (void)
{
  g_autoptr(ShStashScenePage) fast = read_exact (page_text, strlen (page_text));
  g_autoptr(ShStashScenePage) slow = NULL;
  g_autoptr(GError) error = NULL;
  ShSceneRecord *first;
  ShSceneRecord *second;

  g_assert_nonnull (fast);
  slow = _sh_stash_scene_page_parse_json (page_text, strlen (page_text), &error);
  g_assert_no_error (error);
  assert_same_page (fast, slow);

  g_assert_cmpint (fast->count, ==, 1234);
  g_assert_cmpuint (fast->scenes->len, ==, 2);
  first = g_ptr_array_index (fast->scenes, 0);
  second = g_ptr_array_index (fast->scenes, 1);

  g_assert_cmpint (first->id, ==, 17);
  g_assert_cmpstr (first->title, ==,
                   "Quote \"this\" \\ back \xc3\x9cn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 "
                   "\xf0\x9f\x90\xb7 \xc3\xa9t\xc3\xa9\n\t/");
  g_assert_true (first->organized);
  g_assert_false (first->interactive);
  g_assert_cmpint (first->interactive_speed, ==, -1);
  g_assert_cmpstr (first->path, ==, "/data/videos/scene-000017.mp4");
  g_assert_cmpstr (first->oshash, ==, "aa1edc3ca69bf54c");
  g_assert_cmpstr (first->phash, ==, "3f9d01f8b8756a2f");
  g_assert_cmpfloat (first->duration, ==, 2579.25);
  g_assert_nonnull (first->markers_digest);
  g_assert_cmpstr (first->stash_updated_at, ==, "2025-01-01T00:00:10+11:00");

  g_assert_cmpint (second->id, ==, 18);
  g_assert_null (second->title);
  g_assert_true (second->interactive);
  g_assert_cmpint (second->interactive_speed, ==, 75);
  g_assert_null (second->path);
  g_assert_null (second->markers_digest);
  g_assert_null (second->stash_created_at);
}

static void
test_markers_digest (void)
{
  ShStashMarker markers[] = {
    { 5, 12.5, "2025-02-01T00:00:00Z" },
    { 3, 7, NULL },
  };
  ShStashMarker swapped[] = { markers[1], markers[0] };
  g_autofree char *digest = sh_stash_markers_digest (markers, 2);
  g_autofree char *digest_swapped = sh_stash_markers_digest (swapped, 2);
  g_autofree char *one = sh_stash_markers_digest (markers, 1);

  g_assert_null (sh_stash_markers_digest (NULL, 0));
  g_assert_cmpstr (digest, ==, digest_swapped);
  g_assert_cmpstr (digest, !=, one);
  g_assert_cmpuint (strlen (digest), ==, 40);

  markers[0].seconds = 12.75;
  {
    g_autofree char *moved = sh_stash_markers_digest (markers, 2);

    g_assert_cmpstr (moved, !=, digest);
  }
}

/* The reader gives up; json-glib's reading of the same text fails with a StashHog error
 * (not a crash) when @json_fails, else it reads a page. */
static void
assert_gives_up (const char *text,
                 gsize       size,
                 gboolean    json_fails)
{
  g_autoptr(ShStashScenePage) fast = read_exact (text, size);
  g_autoptr(ShStashScenePage) slow = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (fast);
  slow = _sh_stash_scene_page_parse_json (text, size, &error);
  if (json_fails)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SH_STASH_ERROR);
      g_assert_null (slow);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_nonnull (slow);
    }
}

#define GIVES_UP(text, json_fails) assert_gives_up ((text), strlen (text), (json_fails))

static void
test_wrong_shapes (void)
{
  /* Not a page. */
  GIVES_UP ("", TRUE);
  GIVES_UP ("null", TRUE);
  GIVES_UP ("[]", TRUE);
  GIVES_UP ("{}", TRUE);
  GIVES_UP ("{\"data\":null}", TRUE);
  GIVES_UP ("{\"data\":{}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":null}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"count\":1}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":{}}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[[]]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[\"1\"]}}}", TRUE);
  /* GraphQL errors are json-glib's to report. */
  GIVES_UP ("{\"errors\":[{\"message\":\"boom\"}],\"data\":null}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]}},\"errors\":[{\"message\":\"x\"}]}",
            TRUE);
  /* Scenes without what a scene must have. */
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\"}]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"updated_at\":\"x\"}]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"0\",\"updated_at\":\"x\"}]}}}",
            TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"-1\",\"updated_at\":\"x\"}]}}}",
            TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1x\",\"updated_at\":\"x\"}]}}}",
            TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"99999999999999999999\","
            "\"updated_at\":\"x\"}]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"updated_at\":null}]}}}",
            TRUE);
  /* Valid, but not as Stash writes it: json-glib reads these. */
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":1,\"updated_at\":\"x\"}]}}}",
            FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"id\":\"2\","
            "\"updated_at\":\"x\"}]}}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":7,"
            "\"updated_at\":\"x\"}]}}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"organized\":\"yes\","
            "\"updated_at\":\"x\"}]}}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"files\":[null],"
            "\"updated_at\":\"x\"}]}}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"scene_markers\":[7],"
            "\"updated_at\":\"x\"}]}}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"count\":123456789012345678901234,\"scenes\":[]}}}",
            FALSE);
}

static void
test_invalid_text (void)
{
  static const char nul_inside[] = "{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\","
                                   "\"title\":\"a\0b\",\"updated_at\":\"x\"}]}}}";

  /* Trailing garbage, unbalanced, bad literals and numbers (json-glib is more lenient with
   * some: it reads 01, 1. and 'a', and takes \x for x). */
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]}}} x", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]}}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[],}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]},\"x\":tru}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]},\"x\":01}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]},\"x\":1.}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]},\"x\":-}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]},\"x\":1e}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[]},\"x\":'a'}}", FALSE);
  /* Strings: invalid UTF-8, bad escapes, lone surrogates, raw control characters. */
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"\xff\","
            "\"updated_at\":\"x\"}]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"\\x\","
            "\"updated_at\":\"x\"}]}}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"\\ud83d\","
            "\"updated_at\":\"x\"}]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"\\udc37\","
            "\"updated_at\":\"x\"}]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"\\u00\","
            "\"updated_at\":\"x\"}]}}}", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"\\u0000\","
            "\"updated_at\":\"x\"}]}}}", FALSE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"a\nb\","
            "\"updated_at\":\"x\"}]}}}", FALSE);
  g_assert_null (read_exact (nul_inside, sizeof nul_inside - 1));
  /* An unterminated string or escape at the very end. */
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"abc", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"abc\\", TRUE);
  GIVES_UP ("{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"\\u12", TRUE);
}

/* Every prefix of a page is not a page, and is read within its bounds. */
static void
test_truncated (void)
{
  gsize size = strlen (page_text);

  /* The page ends with a newline after its last brace. */
  for (gsize n = 0; n < size - 1; n++)
    {
      g_autoptr(ShStashScenePage) fast = read_exact (page_text, n);

      g_assert_null (fast);
    }
}

static void
test_nested (void)
{
  const char *prefixes[] = {
    "",
    "{\"data\":",
    "{\"data\":{\"findScenes\":{\"other\":",
    "{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"updated_at\":\"x\",\"rating\":",
    "{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"files\":[{\"x\":",
  };
  gsize depth = 100000;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autoptr(GString) text = g_string_new (prefixes[i]);

      for (gsize d = 0; d < depth; d++)
        g_string_append (text, d % 2 ? "{\"a\":" : "[");
      assert_gives_up (text->str, text->len, TRUE);
    }

  /* Just within the bound, it is read (the nesting is in a member it skips). */
  {
    g_autoptr(GString) text = g_string_new ("{\"data\":{\"findScenes\":{\"scenes\":[],\"x\":");
    g_autoptr(ShStashScenePage) fast = NULL;
    guint levels = SH_STASH_JSON_MAX_DEPTH - 3;

    for (guint d = 0; d < levels; d++)
      g_string_append_c (text, '[');
    for (guint d = 0; d < levels; d++)
      g_string_append_c (text, ']');
    g_string_append (text, "}}}");
    fast = read_exact (text->str, text->len);
    g_assert_nonnull (fast);
    g_assert_cmpuint (fast->scenes->len, ==, 0);

    /* One more level, and it is not. */
    g_string_insert_c (text, strlen ("{\"data\":{\"findScenes\":{\"scenes\":[],\"x\":"), '[');
    g_string_insert_c (text, text->len - 3, ']');
    g_assert_null (read_exact (text->str, text->len));
  }
}

/* Large answers are read in one pass: 20,000 scenes, and a 16 MB title. */
static void
test_huge (void)
{
  g_autoptr(GString) text = g_string_new ("{\"data\":{\"findScenes\":{\"scenes\":[");
  g_autoptr(ShStashScenePage) page = NULL;
  g_autofree char *title = g_malloc (16 * 1024 * 1024 + 1);

  for (guint i = 1; i <= 20000; i++)
    g_string_append_printf (text, "%s{\"id\":\"%u\",\"updated_at\":\"x\",\"files\":[]}",
                            i > 1 ? "," : "", i);
  g_string_append (text, "]}}}");
  page = read_exact (text->str, text->len);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->scenes->len, ==, 20000);
  g_clear_pointer (&page, sh_stash_scene_page_free);

  memset (title, 'a', 16 * 1024 * 1024);
  title[16 * 1024 * 1024] = '\0';
  g_string_assign (text, "{\"data\":{\"findScenes\":{\"scenes\":[{\"id\":\"1\",\"title\":\"");
  g_string_append (text, title);
  g_string_append (text, "\",\"updated_at\":\"x\"}]}}}");
  page = read_exact (text->str, text->len);
  g_assert_nonnull (page);
  g_assert_cmpuint (strlen (((ShSceneRecord *) page->scenes->pdata[0])->title), ==,
                    16 * 1024 * 1024);

  /* A string that never ends, 16 MB long. */
  g_string_truncate (text, text->len - strlen ("\",\"updated_at\":\"x\"}]}}}"));
  g_assert_null (read_exact (text->str, text->len));
}

/* Pages with bytes changed at random: whenever the reader reads one, json-glib reads the
 * same. */
static void
test_mutations (void)
{
  gsize size = strlen (page_text);
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  static const char alphabet[] = "{}[]\",:\\u0123456789.eE+-aefnlrstx \n\xc3\xff";
  guint read_by_both = 0;

  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *text = g_memdup2 (page_text, size);
      g_autoptr(ShStashScenePage) fast = NULL;
      guint changes = g_rand_int_range (rand, 1, 4);

      for (guint c = 0; c < changes; c++)
        text[g_rand_int_range (rand, 0, size)] =
          alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

      fast = sh_stash_scene_page_read (text, size);
      if (fast != NULL)
        {
          g_autoptr(ShStashScenePage) slow = NULL;
          g_autoptr(GError) error = NULL;

          slow = _sh_stash_scene_page_parse_json (text, size, &error);
          g_assert_no_error (error);
          assert_same_page (fast, slow);
          read_by_both++;
        }
    }

  /* Changes inside strings and numbers keep most pages valid. */
  g_test_message ("%u of 20000 changed pages read", read_by_both);
  g_assert_cmpuint (read_by_both, >, 100);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/stash/scene-page/reads-page", test_reads_page);
  g_test_add_func ("/stash/scene-page/markers-digest", test_markers_digest);
  g_test_add_func ("/stash/scene-page/wrong-shapes", test_wrong_shapes);
  g_test_add_func ("/stash/scene-page/invalid-text", test_invalid_text);
  g_test_add_func ("/stash/scene-page/truncated", test_truncated);
  g_test_add_func ("/stash/scene-page/nested", test_nested);
  g_test_add_func ("/stash/scene-page/huge", test_huge);
  g_test_add_func ("/stash/scene-page/mutations", test_mutations);

  return g_test_run ();
}
