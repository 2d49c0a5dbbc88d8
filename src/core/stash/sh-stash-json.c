/* sh-stash-json.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What must be checked about a server's JSON before json-glib sees it: its parser recurses
 * once per level of nesting, so a hostile or broken server can overflow the stack with a
 * document of a few hundred kilobytes.
 *
 * And the one way to read a member of a parsed answer without trusting its shape: each
 * reader returns NULL or FALSE when the member is missing, null or of another type, so
 * callers decide what a missing value means.
 */

#include "config.h"

#include "sh-stash-json.h"

#include <math.h>

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

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

/**
 * sh_stash_json_get_object:
 * @object: (nullable): an object of an answer
 * @name: a member's name
 *
 * Returns: (transfer none) (nullable): the member when it is an object
 */
JsonObject *
sh_stash_json_get_object (JsonObject *object,
                          const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * sh_stash_json_get_array:
 * @object: (nullable): an object of an answer
 * @name: a member's name
 *
 * Returns: (transfer none) (nullable): the member when it is an array
 */
JsonArray *
sh_stash_json_get_array (JsonObject *object,
                         const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * sh_stash_json_get_string:
 * @object: (nullable): an object of an answer
 * @name: a member's name
 *
 * Returns: (transfer none) (nullable): the member when it is a string
 */
const char *
sh_stash_json_get_string (JsonObject *object,
                          const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  return NULL;
}

/**
 * sh_stash_json_get_boolean:
 * @object: (nullable): an object of an answer
 * @name: a member's name
 *
 * Returns: %TRUE only when the member is the boolean true
 */
gboolean
sh_stash_json_get_boolean (JsonObject *object,
                           const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/**
 * sh_stash_json_get_number:
 * @object: (nullable): an object of an answer
 * @name: a member's name
 * @out: (out): the number
 *
 * Returns: %TRUE when the member is a finite number (integer or not)
 */
gboolean
sh_stash_json_get_number (JsonObject *object,
                          const char *name,
                          double     *out)
{
  JsonNode *node = get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;

  *out = json_node_get_double (node);
  return isfinite (*out);
}

/**
 * sh_stash_json_get_id:
 * @object: (nullable): an object of an answer
 * @name: a member's name
 * @max: the largest ID to accept
 * @out: (out): the ID
 *
 * Reads a Stash ID: a decimal string in Stash's answers; a number is tolerated.
 *
 * Returns: %TRUE when the member is an ID from 1 to @max
 */
gboolean
sh_stash_json_get_id (JsonObject *object,
                      const char *name,
                      gint64      max,
                      gint64     *out)
{
  JsonNode *node = get_member (object, name);
  const char *text;
  guint64 digits;
  gint64 value;

  g_return_val_if_fail (max >= 1, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      value = json_node_get_int (node);
      if (value < 1 || value > max)
        return FALSE;
      *out = value;
      return TRUE;
    }

  text = json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
  /* Unsigned parsing: no sign and no white space, only digits. */
  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, (guint64) max, &digits, NULL))
    return FALSE;

  *out = (gint64) digits;
  return TRUE;
}

/**
 * sh_stash_json_get_element_object:
 * @array: (nullable): an array
 * @index: the element's index
 *
 * Returns: (transfer none) (nullable): the element when it is an object; %NULL when it is
 *   not, or @index is past the end
 */
JsonObject *
sh_stash_json_get_element_object (JsonArray *array,
                                  guint      index)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;

  node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}
