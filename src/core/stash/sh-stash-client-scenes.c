/* sh-stash-client-scenes.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client's scene operations: pages of scenes for the mirror (read without a JSON tree
 * when they are well formed) and the newest update time.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-scene-record.h"
#include "sh-stash-client-private.h"
#include "sh-stash-scene-page.h"

void
sh_stash_scene_page_free (ShStashScenePage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->scenes, g_ptr_array_unref);
  g_free (page);
}

/* A digest of what marker media depends on: ids and times. NULL without markers. */
static char *
markers_digest (JsonArray *markers)
{
  g_autofree ShStashMarker *items = NULL;
  guint n;

  n = markers != NULL ? json_array_get_length (markers) : 0;
  if (n == 0)
    return NULL;

  items = g_new0 (ShStashMarker, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *marker = sh_stash_json_get_element_object (markers, i);

      sh_stash_json_get_id (marker, "id", G_MAXINT64, &items[i].id);
      sh_stash_json_get_number (marker, "seconds", &items[i].seconds);
      items[i].updated_at = sh_stash_json_get_string (marker, "updated_at");
    }

  return sh_stash_markers_digest (items, n);
}

static ShSceneRecord *
parse_scene (JsonObject  *scene,
             GError     **error)
{
  g_autoptr(ShSceneRecord) record = sh_scene_record_new ();
  JsonArray *files;
  double value;

  if (!sh_stash_json_get_id (scene, "id", G_MAXINT64, &record->id) ||
      sh_stash_json_get_string (scene, "updated_at") == NULL)
    {
      sh_stash_error_set_bad_response (error, _("a scene without a valid id or update time"));
      return NULL;
    }

  record->title = g_strdup (sh_stash_json_get_string (scene, "title"));
  record->organized = sh_stash_json_get_boolean (scene, "organized");
  record->interactive = sh_stash_json_get_boolean (scene, "interactive");
  if (sh_stash_json_get_number (scene, "interactive_speed", &value))
    record->interactive_speed = (int) CLAMP (value, 0, G_MAXINT);
  record->stash_created_at = g_strdup (sh_stash_json_get_string (scene, "created_at"));
  record->stash_updated_at = g_strdup (sh_stash_json_get_string (scene, "updated_at"));

  /* files[0] is the primary file. */
  files = sh_stash_json_get_array (scene, "files");
  if (files != NULL && json_array_get_length (files) > 0)
    {
      JsonObject *file = sh_stash_json_get_element_object (files, 0);

      record->path = g_strdup (sh_stash_json_get_string (file, "path"));
      record->oshash = g_strdup (sh_stash_json_get_string (file, "oshash"));
      record->phash = g_strdup (sh_stash_json_get_string (file, "phash"));
      if (sh_stash_json_get_number (file, "duration", &value) && value >= 0)
        record->duration = value;
    }

  record->markers_digest = markers_digest (sh_stash_json_get_array (scene, "scene_markers"));

  return g_steal_pointer (&record);
}

static gpointer
parse_scene_page (JsonObject    *data,
                  gconstpointer  parse_data,
                  GError       **error)
{
  g_autoptr(ShStashScenePage) page = g_new0 (ShStashScenePage, 1);
  JsonObject *result = sh_stash_json_get_object (data, "findScenes");
  JsonArray *scenes = sh_stash_json_get_array (result, "scenes");
  double count;

  if (scenes == NULL)
    {
      sh_stash_error_set_bad_response (error, _("the scene list is missing"));
      return NULL;
    }

  page->count = -1;
  if (sh_stash_json_get_number (result, "count", &count) && count >= 0)
    page->count = (gint64) count;
  page->scenes = g_ptr_array_new_full (json_array_get_length (scenes),
                                       (GDestroyNotify) sh_scene_record_free);
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonNode *element = json_array_get_element (scenes, i);
      ShSceneRecord *record;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          sh_stash_error_set_bad_response (error, _("a scene that is not an object"));
          return NULL;
        }
      record = parse_scene (json_node_get_object (element), error);
      if (record == NULL)
        return NULL;
      g_ptr_array_add (page->scenes, record);
    }

  return g_steal_pointer (&page);
}

/* A page as json-glib reads it: the same checks and errors as every other answer. */
static ShStashScenePage *
parse_scene_page_json (ShStashClient  *self,
                       SoupMessage    *message,
                       GBytes         *body,
                       GError        **error)
{
  g_autoptr(JsonNode) data = NULL;

  data = _sh_stash_client_parse_graphql_response (self, "FindScenes", message, body, error);
  if (data == NULL)
    return NULL;

  return parse_scene_page (json_node_get_object (data), NULL, error);
}

ShStashScenePage *
_sh_stash_scene_page_parse_json (const char  *data,
                                 gsize        size,
                                 GError     **error)
{
  g_autoptr(ShStashClient) self = sh_stash_client_new ("http://localhost", NULL, NULL);
  g_autoptr(JsonNode) node = NULL;

  node = _sh_stash_client_parse_graphql_text (self, "FindScenes", SOUP_STATUS_OK, "OK", data, size,
                                              error);
  if (node == NULL)
    return NULL;

  return parse_scene_page (json_node_get_object (node), NULL, error);
}

static void
find_scenes_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShStashClient *self = SH_STASH_CLIENT (object);
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  ShStashScenePage *page = NULL;
  gsize size;
  const char *text;

  body = _sh_stash_client_send_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A sync reads thousands of these: a well-formed page is read without a JSON tree;
   * anything else goes the way of every other answer. */
  text = g_bytes_get_data (body, &size);
  if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)) &&
      !_sh_stash_client_status_error (self, message, NULL))
    page = sh_stash_scene_page_read (text, size);
  if (page == NULL)
    page = parse_scene_page_json (self, message, body, &error);
  if (page == NULL)
    {
      g_debug ("FindScenes: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, page, (GDestroyNotify) sh_stash_scene_page_free);
}

/**
 * sh_stash_client_find_scenes_async:
 * @self: a #ShStashClient
 * @after_id: only scenes with a larger id (0 for the first page)
 * @per_page: scenes per page
 * @updated_after: (nullable): only scenes whose `updated_at` is later than this string
 *   (Stash's own timestamp, compared as Stash compares it: as text)
 * @with_count: whether to ask for the total (costly on the server; first page only)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the next page of scenes by id (keyset paging). Unlike page numbers, this neither
 * skips nor repeats scenes when scenes are added or removed while the pages are read, and
 * it costs the server no OFFSET scan on deep pages.
 */
void
sh_stash_client_find_scenes_async (ShStashClient       *self,
                                   gint64               after_id,
                                   guint                per_page,
                                   const char          *updated_after,
                                   gboolean             with_count,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) variables = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (after_id >= 0 && after_id <= G_MAXINT32);
  g_return_if_fail (per_page >= 1);

  json_builder_begin_object (builder);
  _sh_stash_client_add_find_filter (builder, per_page);

  /* The criteria of one filter object are combined with AND. */
  json_builder_set_member_name (builder, "sceneFilter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_int_value (builder, after_id);
  json_builder_set_member_name (builder, "modifier");
  json_builder_add_string_value (builder, "GREATER_THAN");
  json_builder_end_object (builder);
  if (updated_after != NULL)
    {
      json_builder_set_member_name (builder, "updated_at");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, updated_after);
      json_builder_set_member_name (builder, "modifier");
      json_builder_add_string_value (builder, "GREATER_THAN");
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "withCount");
  json_builder_add_boolean_value (builder, with_count);
  json_builder_end_object (builder);
  variables = json_builder_get_root (builder);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_stash_client_find_scenes_async);
  message = _sh_stash_client_new_graphql_message (self, "FindScenes", variables);
  g_task_set_task_data (task, g_object_ref (message), g_object_unref);

  _sh_stash_client_send_async (self, message, "FindScenes", SH_STASH_MAX_RESPONSE_BYTES, FALSE,
                               cancellable, find_scenes_cb, g_steal_pointer (&task));
}

/**
 * sh_stash_client_find_scenes_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
ShStashScenePage *
sh_stash_client_find_scenes_finish (ShStashClient  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_find_scenes_async, error);
}

static gpointer
parse_latest_scene_update (JsonObject    *data,
                           gconstpointer  parse_data,
                           GError       **error)
{
  JsonNode *node = json_object_get_member (data, "findScenes");
  JsonObject *found;
  JsonArray *scenes;
  JsonObject *scene;
  const char *updated_at;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      sh_stash_error_set_bad_response (error, _("the scene list is missing"));
      return NULL;
    }
  found = json_node_get_object (node);
  node = json_object_get_member (found, "scenes");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      sh_stash_error_set_bad_response (error, _("the scene list is missing"));
      return NULL;
    }
  scenes = json_node_get_array (node);

  /* No scene at all: nothing to start from. */
  if (json_array_get_length (scenes) == 0)
    return g_strdup ("");

  node = json_array_get_element (scenes, 0);
  scene = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  node = scene != NULL ? json_object_get_member (scene, "updated_at") : NULL;
  updated_at = node != NULL && JSON_NODE_HOLDS_VALUE (node)
               && json_node_get_value_type (node) == G_TYPE_STRING
               ? json_node_get_string (node) : NULL;
  if (updated_at == NULL || *updated_at == '\0')
    {
      sh_stash_error_set_bad_response (error, _("a scene without the time it was last updated"));
      return NULL;
    }

  return g_strdup (updated_at);
}

/**
 * sh_stash_client_latest_scene_update_async:
 * @self: a #ShStashClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the time
 * @user_data: data for @callback
 *
 * Asks for the newest `updated_at` among the server's scenes, as Stash's text.
 */
void
sh_stash_client_latest_scene_update_async (ShStashClient       *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) variables = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "per_page");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "sort");
  json_builder_add_string_value (builder, "updated_at");
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, "DESC");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  variables = json_builder_get_root (builder);

  _sh_stash_client_execute_typed (self, sh_stash_client_latest_scene_update_async,
                                  "LatestSceneUpdate", variables, parse_latest_scene_update, NULL,
                                  NULL, g_free, cancellable, callback, user_data);
}

/**
 * sh_stash_client_latest_scene_update_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the newest `updated_at`, an empty string when the server has
 *   no scene, or %NULL with @error set
 */
char *
sh_stash_client_latest_scene_update_finish (ShStashClient  *self,
                                            GAsyncResult   *result,
                                            GError        **error)
{
  return _sh_stash_client_finish_typed (self, result,
                                        sh_stash_client_latest_scene_update_async, error);
}

