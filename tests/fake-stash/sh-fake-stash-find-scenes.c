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
      else if (filter->id.set && filter->id.modifier == SH_FAKE_MOD_BETWEEN)
        {
          /* The media check pages by id range: walk only the range. */
          first = (guint) CLAMP (filter->id.value, 1, (gint64) G_MAXUINT);
          last = (guint) CLAMP (filter->id.value2, 0, (gint64) last);
        }
      else if (filter->id.set && filter->id.modifier == SH_FAKE_MOD_EQUALS)
        {
          first = (guint) CLAMP (filter->id.value, 1, (gint64) G_MAXUINT);
          last = (guint) CLAMP (filter->id.value, 0, (gint64) last);
        }

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

/* What the media check's document includes, by its @include flags. */
typedef struct
{
  gboolean paths;
  gboolean markers;
} MediaFields;

typedef void (*AppendScene) (ShFakeStash       *self,
                             GString           *out,
                             guint              id,
                             const MediaFields *fields);

static void
append_find_scenes_scene (ShFakeStash       *self,
                          GString           *out,
                          guint              id,
                          const MediaFields *fields)
{
  append_scene (self, out, id);
}

static void
append_scene_updated_at (ShFakeStash       *self,
                         GString           *out,
                         guint              id,
                         const MediaFields *fields)
{
  g_autofree char *updated_at = sh_fake_stash_dup_scene_updated_at (self, id);

  g_string_append (out, "{\"updated_at\":");
  sh_fake_json_append_string (out, updated_at);
  g_string_append_c (out, '}');
}

static void
append_scene_id (ShFakeStash       *self,
                 GString           *out,
                 guint              id,
                 const MediaFields *fields)
{
  g_string_append (out, "{\"id\":\"");
  append_uint (out, id);
  g_string_append (out, "\"}");
}

/* A media URL as Stash's urlbuilders write it, on the server's own address. */
static void
append_media_url (ShFakeStash *self,
                  GString     *out,
                  guint        id,
                  const char  *suffix)
{
  g_string_append_c (out, '"');
  g_string_append (out, self->url);
  g_string_append (out, "/scene/");
  append_uint (out, id);
  g_string_append (out, suffix);
  g_string_append_c (out, '"');
}

static void
append_sprite_url (ShFakeStash *self,
                   GString     *out,
                   guint        id,
                   const char  *suffix)
{
  g_string_append_c (out, '"');
  g_string_append (out, self->url);
  g_string_append (out, "/scene/");
  append_hex (out, sh_fake_scene_get_oshash (self, id), 16);
  g_string_append (out, suffix);
  g_string_append_c (out, '"');
}

/* One scene with the fields of CheckMediaScenes.graphql. Every URL is filled in, whether
 * or not the file exists, as Stash's resolvers do. */
static void
append_media_scene (ShFakeStash       *self,
                    GString           *out,
                    guint              id,
                    const MediaFields *fields)
{
  guint missing = self->scene_bits[id] & SH_FAKE_SCENE_MISSING;
  gboolean interactive = sh_fake_scene_is_interactive (id);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, "{\"id\":\"");
  append_uint (out, id);
  g_string_append (out, "\",\"interactive\":");
  g_string_append (out, interactive ? "true" : "false");
  g_string_append (out, ",\"interactive_speed\":");
  if (interactive && !(missing & SH_FAKE_ARTIFACT_HEATMAP))
    append_uint (out, 40 + id % 60);
  else
    g_string_append (out, "null");

  g_string_append (out, ",\"files\":[{\"duration\":");
  append_uint (out, 60 + (id * 7919u) % 5400);
  g_string_append (out, ".25,\"phash\":");
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
  g_string_append (out, "}]");

  if (fields->paths)
    {
      g_string_append (out, ",\"paths\":{\"sprite\":");
      append_sprite_url (self, out, id, "_sprite.jpg");
      g_string_append (out, ",\"vtt\":");
      append_sprite_url (self, out, id, "_thumbs.vtt");
      g_string_append (out, ",\"preview\":");
      append_media_url (self, out, id, "/preview");
      g_string_append (out, ",\"webp\":");
      append_media_url (self, out, id, "/webp");
      g_string_append (out, ",\"interactive_heatmap\":");
      append_media_url (self, out, id, "/interactive_heatmap");
      g_string_append_c (out, '}');
    }

  if (fields->markers)
    {
      guint n_markers = sh_fake_scene_get_n_markers (self, id);

      g_string_append (out, ",\"scene_markers\":[");
      for (guint i = 0; i < n_markers; i++)
        {
          guint marker_id = sh_fake_scene_get_marker_id (self, id, i);
          static const char * const names[] = { "stream", "preview", "screenshot" };

          g_string_append (out, i > 0 ? ",{\"id\":\"" : "{\"id\":\"");
          append_uint (out, marker_id);
          g_string_append (out, "\",\"seconds\":");
          g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f",
                                                 sh_fake_scene_get_marker_seconds (self, id, i)));
          for (guint j = 0; j < G_N_ELEMENTS (names); j++)
            {
              g_autofree char *suffix = g_strdup_printf ("/scene_marker/%u/%s", marker_id,
                                                         names[j]);

              g_string_append_printf (out, ",\"%s\":", names[j]);
              append_media_url (self, out, id, suffix);
            }
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }

  g_string_append_c (out, '}');
}

/* A required Boolean! variable, such as the flags of an @include. */
static gboolean
get_flag (JsonObject  *variables,
          const char  *name,
          gboolean    *value,
          GError     **error)
{
  JsonNode *node = variables != NULL ? json_object_get_member (variables, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                   "variable “%s” of type “Boolean!” was not provided", name);
      return FALSE;
    }

  *value = json_node_get_boolean (node);
  return TRUE;
}

/* findScenes(ids:): FindMany, in the order asked, and the whole query fails when one id
 * is unknown (pkg/sqlite/scene.go). The filters are ignored then. */
static gboolean
collect_ids (ShFakeStash  *self,
             JsonArray    *array,
             GArray       *page,
             GError      **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      guint id;

      if (!sh_fake_json_parse_id (element, &id))
        {
          g_set_error_literal (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                               "strconv.Atoi: parsing: invalid syntax");
          return FALSE;
        }
      if (!sh_fake_scene_exists (self, id))
        {
          g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                       "scene with id %u not found", id);
          return FALSE;
        }
      g_array_append_val (page, id);
    }

  return TRUE;
}

static gboolean
resolve_scenes (ShFakeStash        *self,
                JsonObject         *variables,
                const char         *query,
                AppendScene         append,
                const MediaFields  *fields,
                GString            *data,
                GError            **error)
{
  JsonObject *find_filter = sh_fake_json_get_object (variables, "filter");
  JsonNode *ids_node = variables != NULL ? json_object_get_member (variables, "ids") : NULL;
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
  if (ids_node != NULL && JSON_NODE_HOLDS_ARRAY (ids_node) &&
      json_array_get_length (json_node_get_array (ids_node)) > 0)
    {
      if (!collect_ids (self, json_node_get_array (ids_node), ids, error))
        return FALSE;
      count = ids->len;
    }
  else
    {
      count = collect_page (self, &filter, key, g_strcmp0 (direction, "DESC") == 0,
                            per_page > 0 ? (page - 1) * per_page : 0,
                            per_page < 0 ? -1 : per_page,
                            want_count, ids);
    }

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
      append (self, data, g_array_index (ids, guint, i), fields);
    }
  g_string_append (data, "]}");

  return TRUE;
}

gboolean
sh_fake_stash_resolve_find_scenes (ShFakeStash  *self,
                                   JsonObject   *variables,
                                   const char   *query,
                                   GString      *data,
                                   GError      **error)
{
  MediaFields fields = { FALSE, FALSE };

  return resolve_scenes (self, variables, query, append_find_scenes_scene, &fields, data,
                         error);
}

gboolean
sh_fake_stash_resolve_check_media_scenes (ShFakeStash  *self,
                                          JsonObject   *variables,
                                          const char   *query,
                                          GString      *data,
                                          GError      **error)
{
  MediaFields fields = { FALSE, FALSE };

  if (!get_flag (variables, "withPaths", &fields.paths, error) ||
      !get_flag (variables, "withMarkers", &fields.markers, error))
    return FALSE;

  return resolve_scenes (self, variables, query, append_media_scene, &fields, data, error);
}

gboolean
sh_fake_stash_resolve_find_scene_ids (ShFakeStash  *self,
                                      JsonObject   *variables,
                                      const char   *query,
                                      GString      *data,
                                      GError      **error)
{
  MediaFields fields = { FALSE, FALSE };

  return resolve_scenes (self, variables, query, append_scene_id, &fields, data, error);
}

gboolean
sh_fake_stash_resolve_latest_scene_update (ShFakeStash  *self,
                                           JsonObject   *variables,
                                           const char   *query,
                                           GString      *data,
                                           GError      **error)
{
  MediaFields fields = { FALSE, FALSE };

  return resolve_scenes (self, variables, query, append_scene_updated_at, &fields, data,
                         error);
}
