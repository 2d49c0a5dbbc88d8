/* sh-stash-media.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Stash says about scenes' generated media, read into C: pages of scenes with the
 * addresses of their media files (CheckMediaScenes), the scenes without a cover
 * (FindSceneIds with `is_missing: "cover"`), and the address a media file is probed at.
 * Whether a file really exists is the media checker's question; this file only reads the
 * answers, and trusts nothing about their shape.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-stash-client-private.h"
#include "sh-stash-media.h"

/* What a page was asked for: the answer must hold nothing else. */
typedef struct
{
  GArray *ids;        /* (owned) (nullable) gint64, ascending, unique */
  gint64  first_id;   /* without @ids: the range asked for */
  gint64  last_id;
} Asked;

static Asked *
asked_new (gint64 first_id,
           gint64 last_id)
{
  Asked *asked = g_new0 (Asked, 1);

  asked->first_id = first_id;
  asked->last_id = last_id;

  return asked;
}

static void
asked_free (Asked *asked)
{
  g_clear_pointer (&asked->ids, g_array_unref);
  g_free (asked);
}

static void
media_marker_clear (ShStashMediaMarker *marker)
{
  g_clear_pointer (&marker->stream, g_free);
  g_clear_pointer (&marker->screenshot, g_free);
  g_clear_pointer (&marker->preview, g_free);
}

static void
media_scene_clear (ShStashMediaScene *scene)
{
  g_clear_pointer (&scene->phash, g_free);
  g_clear_pointer (&scene->sprite, g_free);
  g_clear_pointer (&scene->vtt, g_free);
  g_clear_pointer (&scene->preview, g_free);
  g_clear_pointer (&scene->webp, g_free);
  g_clear_pointer (&scene->interactive_heatmap, g_free);
  g_clear_pointer (&scene->markers, g_array_unref);
}

void
sh_stash_media_page_free (ShStashMediaPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->scenes, g_array_unref);
  g_free (page);
}

/* Whether @id was asked for. The ids of an answer ascend, as do the given ones: @next is
 * where in those the search goes on. */
static gboolean
was_asked (const Asked *asked,
           guint       *next,
           gint64       id)
{
  if (asked->ids == NULL)
    return id >= asked->first_id && id <= asked->last_id;

  while (*next < asked->ids->len && g_array_index (asked->ids, gint64, *next) < id)
    (*next)++;

  return *next < asked->ids->len && g_array_index (asked->ids, gint64, *next) == id;
}

/* The next id of an answer: a valid id, above @previous, and asked for. Otherwise paging
 * could go on for ever. */
static gboolean
read_next_id (JsonObject   *object,
              const Asked  *asked,
              guint        *next,
              gint64        previous,
              gint64       *id,
              GError      **error)
{
  if (!sh_stash_json_get_id (object, "id", SH_STASH_MAX_SCENE_ID, id) || *id <= previous ||
      !was_asked (asked, next, *id))
    {
      sh_stash_error_set_bad_response (error, _("scenes that were not asked for, or out of "
                                                "order"));
      return FALSE;
    }

  return TRUE;
}

/* The scene list of a findScenes answer, or NULL with @error set. */
static JsonArray *
get_scene_list (JsonObject  *data,
                JsonObject **find,
                GError     **error)
{
  JsonObject *found = sh_stash_json_get_object (data, "findScenes");
  JsonArray *scenes = sh_stash_json_get_array (found, "scenes");

  if (scenes == NULL)
    sh_stash_error_set_bad_response (error, _("the scene list is missing"));
  if (find != NULL)
    *find = found;

  return scenes;
}

static char *
dup_string (JsonObject *object,
            const char *name)
{
  return g_strdup (sh_stash_json_get_string (object, name));
}

static gboolean
parse_markers (JsonArray          *array,
               ShStashMediaScene  *scene,
               GError            **error)
{
  guint n = json_array_get_length (array);

  scene->markers = g_array_sized_new (FALSE, TRUE, sizeof (ShStashMediaMarker), n);
  g_array_set_clear_func (scene->markers, (GDestroyNotify) media_marker_clear);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = sh_stash_json_get_element_object (array, i);
      ShStashMediaMarker marker = { 0, };

      if (object == NULL)
        {
          sh_stash_error_set_bad_response (error, _("a marker that is not an object"));
          return FALSE;
        }

      marker.has_seconds = sh_stash_json_get_number (object, "seconds", &marker.seconds);
      marker.stream = dup_string (object, "stream");
      marker.screenshot = dup_string (object, "screenshot");
      marker.preview = dup_string (object, "preview");
      g_array_append_val (scene->markers, marker);
    }

  return TRUE;
}

static gboolean
parse_media_scene (JsonObject         *object,
                   ShStashMediaScene  *scene,
                   GError            **error)
{
  JsonArray *files = sh_stash_json_get_array (object, "files");
  JsonObject *file = NULL;
  JsonObject *paths = sh_stash_json_get_object (object, "paths");
  JsonArray *markers = sh_stash_json_get_array (object, "scene_markers");
  JsonNode *speed;

  if (files != NULL && json_array_get_length (files) > 0)
    file = sh_stash_json_get_element_object (files, 0);

  /* Stash generates everything from the primary file: without one, the rest says
   * nothing. */
  scene->duration = -1;
  if (file == NULL)
    return TRUE;

  scene->has_file = TRUE;
  scene->phash = dup_string (file, "phash");
  if (!sh_stash_json_get_number (file, "duration", &scene->duration))
    scene->duration = -1;

  /* Any value counts: Stash writes the speed when it makes the heatmap. */
  scene->interactive = sh_stash_json_get_boolean (object, "interactive");
  speed = json_object_get_member (object, "interactive_speed");
  scene->has_interactive_speed = speed != NULL && !JSON_NODE_HOLDS_NULL (speed);

  scene->sprite = dup_string (paths, "sprite");
  scene->vtt = dup_string (paths, "vtt");
  scene->preview = dup_string (paths, "preview");
  scene->webp = dup_string (paths, "webp");
  scene->interactive_heatmap = dup_string (paths, "interactive_heatmap");

  if (markers != NULL && !parse_markers (markers, scene, error))
    return FALSE;

  return TRUE;
}

static gpointer
parse_media_page (JsonObject    *data,
                  gconstpointer  parse_data,
                  GError       **error)
{
  const Asked *asked = parse_data;
  g_autoptr(ShStashMediaPage) page = g_new0 (ShStashMediaPage, 1);
  JsonObject *find = NULL;
  JsonArray *scenes = get_scene_list (data, &find, error);
  gint64 previous = 0;
  guint next = 0;
  double count;
  guint n;

  if (scenes == NULL)
    return NULL;

  n = json_array_get_length (scenes);
  page->count = -1;
  if (sh_stash_json_get_number (find, "count", &count) && count >= 0)
    page->count = (gint64) count;
  page->scenes = g_array_sized_new (FALSE, TRUE, sizeof (ShStashMediaScene), n);
  g_array_set_clear_func (page->scenes, (GDestroyNotify) media_scene_clear);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = sh_stash_json_get_element_object (scenes, i);
      ShStashMediaScene scene = { 0, };

      if (!read_next_id (object, asked, &next, previous, &scene.id, error))
        return NULL;
      previous = scene.id;

      /* Appended first, so that it is freed with the page when it is malformed. */
      g_array_append_val (page->scenes, scene);
      if (!parse_media_scene (object, &g_array_index (page->scenes, ShStashMediaScene, i),
                              error))
        return NULL;
    }

  return g_steal_pointer (&page);
}

/* The variables of an id range in a scene filter. */
static void
add_id_range (JsonBuilder *builder,
              gint64       first,
              gint64       last)
{
  json_builder_set_member_name (builder, "id");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_int_value (builder, first);
  json_builder_set_member_name (builder, "value2");
  json_builder_add_int_value (builder, last);
  json_builder_set_member_name (builder, "modifier");
  json_builder_add_string_value (builder, "BETWEEN");
  json_builder_end_object (builder);
}

/**
 * sh_stash_client_find_media_scenes_async:
 * @self: a #ShStashClient
 * @ids: (array length=n_ids) (nullable): the scenes to read, ascending and unique; or
 *   %NULL for the scenes from @first_id to @last_id
 * @n_ids: the length of @ids
 * @first_id: without @ids: the lowest id to read
 * @last_id: without @ids: the highest id to read
 * @per_page: the most scenes to read
 * @fields: what to read besides the scenes' primary files
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the page
 * @user_data: data for @callback
 *
 * Reads one page of scenes by key, in id order, with what tells whether their generated
 * media exist. Stash fails the whole query (%SH_STASH_ERROR_GRAPHQL) when one of @ids is
 * not on the server; a range simply holds the scenes it has. An answer with scenes that
 * were not asked for, or out of order, fails with %SH_STASH_ERROR_BAD_RESPONSE.
 */
void
sh_stash_client_find_media_scenes_async (ShStashClient       *self,
                                         const gint64        *ids,
                                         guint                n_ids,
                                         gint64               first_id,
                                         gint64               last_id,
                                         guint                per_page,
                                         ShStashMediaFields   fields,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) variables = NULL;
  Asked *asked;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (ids != NULL || (first_id >= 1 && first_id <= last_id));
  g_return_if_fail (per_page >= 1);
  for (guint i = 1; ids != NULL && i < n_ids; i++)
    g_return_if_fail (ids[i] > ids[i - 1]);

  asked = asked_new (first_id, last_id);

  json_builder_begin_object (builder);
  _sh_stash_client_add_find_filter (builder, per_page);
  json_builder_set_member_name (builder, "sceneFilter");
  if (ids != NULL)
    {
      json_builder_add_null_value (builder);
    }
  else
    {
      json_builder_begin_object (builder);
      add_id_range (builder, first_id, last_id);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "ids");
  if (ids != NULL)
    {
      asked->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
      g_array_append_vals (asked->ids, ids, n_ids);
      json_builder_begin_array (builder);
      for (guint i = 0; i < n_ids; i++)
        {
          char id[24];

          g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, ids[i]);
          json_builder_add_string_value (builder, id);
        }
      json_builder_end_array (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "withCount");
  json_builder_add_boolean_value (builder, (fields & SH_STASH_MEDIA_FIELDS_COUNT) != 0);
  json_builder_set_member_name (builder, "withPaths");
  json_builder_add_boolean_value (builder, (fields & SH_STASH_MEDIA_FIELDS_PATHS) != 0);
  json_builder_set_member_name (builder, "withMarkers");
  json_builder_add_boolean_value (builder, (fields & SH_STASH_MEDIA_FIELDS_MARKERS) != 0);
  json_builder_end_object (builder);
  variables = json_builder_get_root (builder);

  _sh_stash_client_execute_typed (self, sh_stash_client_find_media_scenes_async,
                                  "CheckMediaScenes", variables,
                                  parse_media_page, asked, (GDestroyNotify) asked_free,
                                  (GDestroyNotify) sh_stash_media_page_free,
                                  cancellable, callback, user_data);
}

/**
 * sh_stash_client_find_media_scenes_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
ShStashMediaPage *
sh_stash_client_find_media_scenes_finish (ShStashClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_find_media_scenes_async, error);
}

static gpointer
parse_scene_ids (JsonObject    *data,
                 gconstpointer  parse_data,
                 GError       **error)
{
  const Asked *asked = parse_data;
  JsonArray *scenes = get_scene_list (data, NULL, error);
  g_autoptr(GArray) ids = NULL;
  gint64 previous = 0;
  guint next = 0;

  if (scenes == NULL)
    return NULL;

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), json_array_get_length (scenes));
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      gint64 id = 0;

      if (!read_next_id (sh_stash_json_get_element_object (scenes, i), asked, &next, previous,
                         &id, error))
        return NULL;
      previous = id;
      g_array_append_val (ids, id);
    }

  return g_steal_pointer (&ids);
}

/**
 * sh_stash_client_find_missing_covers_async:
 * @self: a #ShStashClient
 * @first_id: the lowest id to look at
 * @last_id: the highest id to look at
 * @per_page: the most ids to return
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the ids
 * @user_data: data for @callback
 *
 * Reads, in id order, the first @per_page scenes between @first_id and @last_id that
 * have no cover (`is_missing: "cover"`): no field of a scene tells it, and its cover
 * address always answers, with a default image when there is none. A full page means
 * that more may follow.
 */
void
sh_stash_client_find_missing_covers_async (ShStashClient       *self,
                                           gint64               first_id,
                                           gint64               last_id,
                                           guint                per_page,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) variables = NULL;
  Asked *asked;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (first_id >= 1 && first_id <= last_id);
  g_return_if_fail (per_page >= 1);

  asked = asked_new (first_id, last_id);

  json_builder_begin_object (builder);
  _sh_stash_client_add_find_filter (builder, per_page);
  json_builder_set_member_name (builder, "sceneFilter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "is_missing");
  json_builder_add_string_value (builder, "cover");
  add_id_range (builder, first_id, last_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  variables = json_builder_get_root (builder);

  _sh_stash_client_execute_typed (self, sh_stash_client_find_missing_covers_async,
                                  "FindSceneIds", variables,
                                  parse_scene_ids, asked, (GDestroyNotify) asked_free,
                                  (GDestroyNotify) g_array_unref,
                                  cancellable, callback, user_data);
}

/**
 * sh_stash_client_find_missing_covers_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the ids, ascending, or %NULL with
 *   @error set
 */
GArray *
sh_stash_client_find_missing_covers_finish (ShStashClient  *self,
                                            GAsyncResult   *result,
                                            GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_find_missing_covers_async, error);
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

/**
 * sh_stash_client_dup_media_uri:
 * @self: a #ShStashClient
 * @address: a media address from Stash's answer, such as a scene's `paths.preview`
 * @error: return location for a #GError
 *
 * Stash writes media addresses with its external_host setting, or with the Host it was
 * asked by. The API key goes only to the server the user configured, so an address on
 * another origin is asked of that server, at the same path.
 *
 * Returns: (transfer full): the address to probe, or %NULL with
 *   %SH_STASH_ERROR_BAD_RESPONSE when @address is not a web address
 */
char *
sh_stash_client_dup_media_uri (ShStashClient  *self,
                               const char     *address,
                               GError        **error)
{
  GUri *base;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  uri = g_uri_parse (address, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      sh_stash_error_set_bad_response (error, _("a media address that is not a web address"));
      return NULL;
    }

  /* Normalized like @uri, so that an explicit default port is the same origin. */
  base = self->origin_uri;
  if (same_origin (uri, base))
    return g_strdup (address);

  return g_uri_join (G_URI_FLAGS_ENCODED,
                     g_uri_get_scheme (base), NULL,
                     g_uri_get_host (base), g_uri_get_port (base),
                     g_uri_get_path (uri), g_uri_get_query (uri), NULL);
}
