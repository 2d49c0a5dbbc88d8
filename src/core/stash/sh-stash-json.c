/* sh-stash-json.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What must be checked about a server's JSON before json-glib sees it: its parser recurses
 * once per level of nesting, so a hostile or broken server can overflow the stack with a
 * document of a few hundred kilobytes.
 */

#include "config.h"

#include "sh-stash-json.h"

/**
 * sh_stash_json_depth_ok:
 * @data: (array length=size): JSON text, not necessarily valid or nul-terminated
 * @size: its length in bytes
 * @max_depth: the deepest nesting of arrays and objects to allow
 *
 * Counts how deeply `[` and `{` nest, outside strings (whose escapes are honoured), in
 * one pass that stops as soon as @max_depth is exceeded. It does not check anything
 * else: invalid JSON is left to the parser, which then fails at a bounded depth.
 *
 * Returns: %TRUE when @data nests no deeper than @max_depth
 */
gboolean
sh_stash_json_depth_ok (const char *data,
                        gsize       size,
                        guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;

        case '[':
        case '{':
          if (++depth > max_depth)
            return FALSE;
          break;

        case ']':
        case '}':
          /* Unbalanced closers are the parser's business. */
          if (depth > 0)
            depth--;
          break;

        default:
          break;
        }
    }

  return TRUE;
}
