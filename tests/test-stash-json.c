/* test-stash-json.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The nesting bound checked on a server's JSON before json-glib parses it, and the
 * readers that take a member of a parsed answer only when it has the expected type.
 */

#include "config.h"

#include <string.h>

#include "sh-stash-json.h"

static gboolean
depth_ok (const char *text,
          guint       max_depth)
{
  return sh_stash_json_depth_ok (text, strlen (text), max_depth);
}

static void
test_depth_counted (void)
{
  g_assert_true (depth_ok ("", 0));
  g_assert_true (depth_ok ("42", 0));
  g_assert_false (depth_ok ("[]", 0));
  g_assert_true (depth_ok ("[]", 1));
  g_assert_true (depth_ok ("{\"a\": [1, {\"b\": []}]}", 4));
  g_assert_false (depth_ok ("{\"a\": [1, {\"b\": []}]}", 3));
  /* Siblings do not add up. */
  g_assert_true (depth_ok ("[[], [], {}, [[]]]", 3));
  g_assert_false (depth_ok ("[[], [], {}, [[[]]]]", 3));
}

static void
test_strings_skipped (void)
{
  /* Brackets in strings are text. */
  g_assert_true (depth_ok ("{\"[[[[\": \"{{{{\"}", 1));
  /* An escaped quote does not end the string; an escaped backslash does not escape it. */
  g_assert_true (depth_ok ("[\"\\\"[[[[\"]", 1));
  g_assert_false (depth_ok ("[\"\\\\\", [[]]]", 2));
  g_assert_true (depth_ok ("[\"\\\\\", [[]]]", 3));
  /* A string that never ends, or ends on a backslash, hides nothing after it. */
  g_assert_true (depth_ok ("[\"[[[[", 1));
  g_assert_true (depth_ok ("[\"\\", 1));
}

static void
test_not_nul_terminated (void)
{
  const char text[] = { '[', '[', '[', '[' };

  g_assert_true (sh_stash_json_depth_ok (text, 2, 2));
  g_assert_false (sh_stash_json_depth_ok (text, 3, 2));
  g_assert_true (sh_stash_json_depth_ok (NULL, 0, 0));
}

static void
test_unbalanced (void)
{
  /* Stray closers do not buy depth for what follows. */
  g_assert_false (depth_ok ("]]]]][[[", 2));
  g_assert_true (depth_ok ("]]]]][[", 2));
}

static void
test_deep (void)
{
  gsize depth = 100000;
  g_autofree char *text = g_malloc (2 * depth);

  memset (text, '[', depth);
  memset (text + depth, ']', depth);
  g_assert_false (sh_stash_json_depth_ok (text, 2 * depth, SH_STASH_JSON_MAX_DEPTH));
  g_assert_true (sh_stash_json_depth_ok (text, 2 * depth, depth));
  g_assert_true (sh_stash_json_depth_ok (text + depth - SH_STASH_JSON_MAX_DEPTH,
                                         2 * SH_STASH_JSON_MAX_DEPTH,
                                         SH_STASH_JSON_MAX_DEPTH));
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_readers_typed (void)
{
  g_autoptr(JsonObject) object = parse_object ("{\"s\": \"text\", \"n\": 2.5, \"i\": 7, "
                                               "\"t\": true, \"f\": false, \"z\": null, "
                                               "\"o\": {\"s\": \"inner\"}, \"a\": [1]}");
  double number = -1;

  g_assert_cmpstr (sh_stash_json_get_string (object, "s"), ==, "text");
  g_assert_null (sh_stash_json_get_string (object, "n"));
  g_assert_null (sh_stash_json_get_string (object, "z"));
  g_assert_null (sh_stash_json_get_string (object, "missing"));
  g_assert_null (sh_stash_json_get_string (NULL, "s"));

  g_assert_true (sh_stash_json_get_number (object, "n", &number));
  g_assert_cmpfloat (number, ==, 2.5);
  g_assert_true (sh_stash_json_get_number (object, "i", &number));
  g_assert_cmpfloat (number, ==, 7);
  g_assert_false (sh_stash_json_get_number (object, "s", &number));
  g_assert_false (sh_stash_json_get_number (object, "t", &number));
  g_assert_false (sh_stash_json_get_number (object, "z", &number));

  g_assert_true (sh_stash_json_get_boolean (object, "t"));
  g_assert_false (sh_stash_json_get_boolean (object, "f"));
  g_assert_false (sh_stash_json_get_boolean (object, "i"));
  g_assert_false (sh_stash_json_get_boolean (object, "s"));

  g_assert_cmpstr (sh_stash_json_get_string (sh_stash_json_get_object (object, "o"), "s"), ==, "inner");
  g_assert_null (sh_stash_json_get_object (object, "a"));
  g_assert_null (sh_stash_json_get_object (object, "z"));
  g_assert_nonnull (sh_stash_json_get_array (object, "a"));
  g_assert_null (sh_stash_json_get_array (object, "o"));
  g_assert_null (sh_stash_json_get_array (NULL, "a"));
}

static void
test_ids (void)
{
  g_autoptr(JsonObject) object = parse_object ("{\"good\": \"42\", \"number\": 42, \"zero\": \"0\", "
                                               "\"negative\": -3, \"signed\": \"+42\", "
                                               "\"spaced\": \" 42\", \"word\": \"42a\", "
                                               "\"empty\": \"\", \"big\": \"2147483648\", "
                                               "\"huge\": \"99999999999999999999\", \"float\": 4.2}");
  gint64 id = -1;

  g_assert_true (sh_stash_json_get_id (object, "good", G_MAXINT64, &id));
  g_assert_cmpint (id, ==, 42);
  id = -1;
  g_assert_true (sh_stash_json_get_id (object, "number", G_MAXINT64, &id));
  g_assert_cmpint (id, ==, 42);

  id = -1;
  g_assert_false (sh_stash_json_get_id (object, "zero", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "negative", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "signed", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "spaced", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "word", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "empty", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "huge", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "float", G_MAXINT64, &id));
  g_assert_false (sh_stash_json_get_id (object, "missing", G_MAXINT64, &id));
  g_assert_cmpint (id, ==, -1);

  /* The bound is the caller's: scene IDs are 32-bit in Stash. */
  g_assert_true (sh_stash_json_get_id (object, "big", G_MAXINT64, &id));
  g_assert_cmpint (id, ==, 2147483648);
  id = -1;
  g_assert_false (sh_stash_json_get_id (object, "big", G_MAXINT32, &id));
  g_assert_cmpint (id, ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/stash/json/depth-counted", test_depth_counted);
  g_test_add_func ("/stash/json/strings-skipped", test_strings_skipped);
  g_test_add_func ("/stash/json/not-nul-terminated", test_not_nul_terminated);
  g_test_add_func ("/stash/json/unbalanced", test_unbalanced);
  g_test_add_func ("/stash/json/deep", test_deep);
  g_test_add_func ("/stash/json/readers-typed", test_readers_typed);
  g_test_add_func ("/stash/json/ids", test_ids);

  return g_test_run ();
}
