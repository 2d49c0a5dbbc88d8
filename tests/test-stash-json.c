/* test-stash-json.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The nesting bound checked on a server's JSON before json-glib parses it.
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

  return g_test_run ();
}
