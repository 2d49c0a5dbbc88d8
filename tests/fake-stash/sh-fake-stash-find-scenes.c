/* sh-fake-stash-find-scenes.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * findScenes, with the filter and paging rules of pkg/models/find_filter.go and
 * pkg/sqlite/scene.go: criteria ANDed, timestamps compared as strings, Stash's list of
 * sort names, per_page -1 for everything. Sorting by id (what StashHog sends) walks the ids
 * without building anything, so that the fake keeps up with a benchmark.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

typedef struct
{
  guint   id;
  gint64  time;
  char   *text;   /* (owned) (nullable) */
} SortItem;

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const SortItem *item_a = a;
  const SortItem *item_b = b;
  int result;

  if (item_a->text != NULL || item_b->text != NULL)
    result = g_strcmp0 (item_a->text, item_b->text);  /* NULL first, as in SQLite */
  else
    result = (item_a->time > item_b->time) - (item_a->time < item_b->time);

  if (result == 0)
    result = (item_a->id > item_b->id) - (item_a->id < item_b->id);

  return GPOINTER_TO_INT (user_data) ? -result : result;
}

static void
sort_item_clear (gpointer data)
{
  g_free (((SortItem *) data)->text);
}

/* Collects the ids of one page into @page; returns the number of matches, or -1 when the
 * count was not needed and the walk stopped early. */
static gint64
collect_page (ShFakeStash             *self,
              const ShFakeSceneFilter *filter,
              ShFakeSortKey            key,
              gboolean                 descending,
              gint64                   offset,
              gint64                   limit,
              gboolean                 want_count,
              GArray                  *page)
{
  g_autoptr(GArray) items = NULL;
  gint64 n_matched = 0;
  guint first = 1;
  guint last = self->n_scenes;

  if (key == SH_FAKE_SORT_ID)
    {
      if (filter->id.set && filter->id.modifier == SH_FAKE_MOD_GREATER_THAN)
        first = (guint) CLAMP (filter->id.value + 1, 1, (gint64) G_MAXUINT);
      else if (filter->id.set && filter->id.modifier == SH_FAKE_MOD_LESS_THAN)
        last = (guint) CLAMP (filter->id.value - 1, 0, (gint64) last);

      for (guint i = 0; first <= last && i <= last - first; i++)
        {
          guint id = descending ? last - i : first + i;

          if (!sh_fake_scene_filter_matches (self, filter, id))
            continue;

          if (n_matched >= offset && (limit < 0 || n_matched < offset + limit))
            g_array_append_val (page, id);
          n_matched++;

          if (!want_count && limit >= 0 && n_matched >= offset + limit)
            return -1;
        }

      return n_matched;
    }

  items = g_array_new (FALSE, FALSE, sizeof (SortItem));
  g_array_set_clear_func (items, sort_item_clear);
  for (guint id = 1; id <= self->n_scenes; id++)
    {
      SortItem item = { id, 0, NULL };
      char buf[256];

      if (!sh_fake_scene_filter_matches (self, filter, id))
        continue;

      switch (key)
        {
        case SH_FAKE_SORT_CREATED_AT:
          item.time = sh_fake_scene_get_created_at (self, id);
          break;
        case SH_FAKE_SORT_UPDATED_AT:
          item.time = sh_fake_scene_get_updated_at (self, id);
          break;
        case SH_FAKE_SORT_TITLE:
          item.text = g_strdup (sh_fake_scene_get_title (self, id, buf, sizeof buf));
          break;
        case SH_FAKE_SORT_PATH:
          sh_fake_scene_format_path (self, id, buf, sizeof buf);
          item.text = g_strdup (buf);
          break;
        case SH_FAKE_SORT_ID:
        default:
          g_assert_not_reached ();
        }
      g_array_append_val (items, item);
    }

  g_array_sort_with_data (items, compare_items, GINT_TO_POINTER (descending));
  for (gint64 i = offset; i < items->len && (limit < 0 || i < offset + limit); i++)
    g_array_append_val (page, g_array_index (items, SortItem, i).id);

  return items->len;
}

static void
append_uint (GString *out,
             guint64  value)
{
  char buf[24];
  char *p = buf + sizeof buf;

  do
    *--p = (char) ('0' + value % 10);
  while ((value /= 10) != 0);

  g_string_append_len (out, p, buf + sizeof buf - p);
}

static void
append_hex (GString *out,
            guint64  value,
            int      min_width)
{
  static const char digits[] = "0123456789abcdef";
  char buf[16];
  int len = 0;

  do
    buf[15 - len++] = digits[value & 0xf];
  while ((value >>= 4) != 0);
  while (len < min_width)
    buf[15 - len++] = '0';

  g_string_append_len (out, buf + 16 - len, len);
}

/* One scene, with exactly the fields (and aliases) that FindScenes.graphql selects. */
static void
append_scene (ShFakeStash *self,
              GString     *out,
              guint        id)
{
  guint missing = self->scene_bits[id] & SH_FAKE_SCENE_MISSING;
  gboolean interactive = sh_fake_scene_is_interactive (id);
  guint n_markers = sh_fake_scene_get_n_markers (self, id);
  gint64 created_at = sh_fake_scene_get_created_at (self, id);
  char buf[256];

  g_string_append (out, "{\"id\":\"");
  append_uint (out, id);
  g_string_append (out, "\",\"title\":");
  sh_fake_json_append_string (out, sh_fake_scene_get_title (self, id, buf, sizeof buf));
  g_string_append (out, ",\"organized\":false,\"interactive\":");
  g_string_append (out, interactive ? "true" : "false");
  g_string_append (out, ",\"interactive_speed\":");
  /* Stash fills the speed in when it generates the heatmap. */
  if (interactive && !(missing & SH_FAKE_ARTIFACT_HEATMAP))
    append_uint (out, 40 + id % 60);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"created_at\":");
  sh_fake_json_append_timestamp (out, created_at);
  g_string_append (out, ",\"updated_at\":");
  sh_fake_json_append_timestamp (out, sh_fake_scene_get_updated_at (self, id));

  g_string_append (out, ",\"files\":[{\"id\":\"");
  append_uint (out, sh_fake_scene_get_file_id (self, id));
  g_string_append (out, "\",\"path\":");
  sh_fake_scene_format_path (self, id, buf, sizeof buf);
  sh_fake_json_append_string (out, buf);
  g_string_append (out, ",\"duration\":");
  append_uint (out, 60 + (id * 7919u) % 5400);
  g_string_append (out, ".25,\"mod_time\":");
  sh_fake_json_append_timestamp (out, created_at - 86400);
  g_string_append (out, ",\"oshash\":\"");
  append_hex (out, sh_fake_scene_get_oshash (self, id), 16);
  g_string_append (out, "\",\"phash\":");
  if (missing & SH_FAKE_ARTIFACT_PHASH)
    {
      g_string_append (out, "null");
    }
  else
    {
      g_string_append_c (out, '"');
      append_hex (out, sh_fake_scene_get_phash (self, id), 1);
      g_string_append_c (out, '"');
    }

  g_string_append (out, "}],\"scene_markers\":[");
  for (guint i = 0; i < n_markers; i++)
    {
      g_string_append (out, i > 0 ? ",{\"id\":\"" : "{\"id\":\"");
      append_uint (out, sh_fake_scene_get_marker_id (self, id, i));
      g_string_append (out, "\",\"seconds\":");
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f",
                                             sh_fake_scene_get_marker_seconds (self, id, i)));
      g_string_append (out, ",\"updated_at\":");
      sh_fake_json_append_timestamp (out, sh_fake_scene_get_markers_updated_at (self, id));
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
}

/* `count @include(if: $withCount)`: Stash computes the total only when it is selected. */
static gboolean
get_want_count (JsonObject  *variables,
                const char  *query,
                gboolean    *want_count,
                GError     **error)
{
  JsonNode *node;

  if (strstr (query, "$withCount") == NULL)
    {
      *want_count = strstr (query, "count") != NULL;
      return TRUE;
    }

  node = variables != NULL ? json_object_get_member (variables, "withCount") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error_literal (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                           "variable “withCount” of type “Boolean!” was not provided");
      return FALSE;
    }

  *want_count = json_node_get_boolean (node);
  return TRUE;
}

gboolean
sh_fake_stash_resolve_find_scenes (ShFakeStash  *self,
                                   JsonObject   *variables,
                                   const char   *query,
                                   GString      *data,
                                   GError      **error)
{
  JsonObject *find_filter = sh_fake_json_get_object (variables, "filter");
  JsonObject *scene_filter = sh_fake_json_get_object (variables, "sceneFilter");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *q = NULL;
  ShFakeSceneFilter filter = { 0 };
  ShFakeSortKey key;
  const char *direction;
  const char *q_text;
  gboolean want_count;
  gint64 page = 1;
  gint64 per_page = 25;
  gint64 count;

  if (!get_want_count (variables, query, &want_count, error))
    return FALSE;

  sh_fake_json_get_int (find_filter, "page", &page);
  sh_fake_json_get_int (find_filter, "per_page", &per_page);
  page = CLAMP (page, 1, G_MAXINT32);
  per_page = MIN (per_page, G_MAXINT32);

  direction = sh_fake_json_get_string (find_filter, "direction");
  if (direction != NULL && !g_str_equal (direction, "ASC") && !g_str_equal (direction, "DESC"))
    {
      g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                   "Value “%s” does not exist in “SortDirectionEnum” enum", direction);
      return FALSE;
    }

  if (!sh_fake_parse_sort (sh_fake_json_get_string (find_filter, "sort"), &key, error) ||
      !sh_fake_scene_filter_parse (scene_filter, &filter, error))
    return FALSE;

  q_text = sh_fake_json_get_string (find_filter, "q");
  if (q_text != NULL && *q_text != '\0')
    filter.q = q = g_utf8_strdown (q_text, -1);

  /* per_page: -1 (any negative) is everything, 0 is nothing; there is no maximum. */
  count = collect_page (self, &filter, key, g_strcmp0 (direction, "DESC") == 0,
                        per_page > 0 ? (page - 1) * per_page : 0,
                        per_page < 0 ? -1 : per_page,
                        want_count, ids);

  g_string_append (data, "\"findScenes\":{");
  if (want_count)
    {
      g_string_append (data, "\"count\":");
      append_uint (data, (guint64) count);
      g_string_append_c (data, ',');
    }
  g_string_append (data, "\"scenes\":[");
  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append_c (data, ',');
      append_scene (self, data, g_array_index (ids, guint, i));
    }
  g_string_append (data, "]}");

  return TRUE;
}
