/* sh-generate-options.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The options of Stash's Generate task: the seed's defaults, validation of what a user or a
 * stored job gives, and the GenerateMetadataInput sent to Stash.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-generate-options.h"
#include "sh-job-error.h"

/* Every boolean option with the seed's default (stash-generate-metadata-job.md). */
static const ShGenerateOption options[] = {
  { "covers", TRUE, N_("Covers"), N_("Scene thumbnails") },
  { "sprites", TRUE, N_("Sprites"), N_("Scrubber sprites and their VTT files") },
  { "previews", TRUE, N_("Previews"), N_("Short video previews") },
  { "imagePreviews", FALSE, N_("Animated Image Previews"), N_("Animated WebP previews; needs previews") },
  { "markers", TRUE, N_("Marker Previews"), N_("A video preview for every marker") },
  { "markerImagePreviews", FALSE, N_("Marker Animated Images"), N_("An animated WebP for every marker") },
  { "markerScreenshots", TRUE, N_("Marker Screenshots"), N_("A still image for every marker") },
  { "transcodes", FALSE, N_("Transcodes"), N_("Transcode videos the browser cannot play") },
  { "forceTranscodes", FALSE, N_("Force Transcodes"), N_("Transcode even videos that play as they are") },
  { "phashes", TRUE, N_("Perceptual Hashes"), N_("Hashes for finding duplicates") },
  { "interactiveHeatmapsSpeeds", FALSE, N_("Heatmaps and Speeds"), N_("For interactive scenes") },
  { "clipPreviews", TRUE, N_("Image Clip Previews"), N_("Previews of animated images") },
  { "imageThumbnails", TRUE, N_("Image Thumbnails"), N_("Thumbnails of images") },
  { "overwrite", FALSE, N_("Overwrite"), N_("Generate again what already exists") },
};

static const char * const presets[] = {
  "ultrafast", "veryfast", "fast", "medium", "slow", "slower", "veryslow", NULL
};

/**
 * sh_generate_options_get_all:
 * @n_options: (out): how many
 *
 * Returns: (array length=n_options): the boolean options, in the order the UI shows them
 */
const ShGenerateOption *
sh_generate_options_get_all (guint *n_options)
{
  *n_options = G_N_ELEMENTS (options);
  return options;
}

const char * const *
sh_generate_options_get_presets (void)
{
  return presets;
}

static gboolean
is_boolean (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static gboolean
is_number (JsonNode *node)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Seconds ("12", "1.5") or a percentage ("2%"), as Stash accepts them. */
static gboolean
valid_exclude (const char *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (value));
  gsize len = strlen (copy);
  char *end;
  double number;

  if (len == 0)
    return FALSE;
  if (copy[len - 1] == '%')
    copy[len - 1] = '\0';

  number = g_ascii_strtod (copy, &end);
  return *end == '\0' && end != copy && number >= 0 && (value[len - 1] != '%' || number < 100);
}

/**
 * sh_generate_options_is_valid_exclude:
 * @value: what is to be skipped at the start or end of a preview
 *
 * Returns: whether @value is seconds (“12”, “1.5”) or a percentage (“2%”), as Stash
 *   accepts them
 */
gboolean
sh_generate_options_is_valid_exclude (const char *value)
{
  g_return_val_if_fail (value != NULL, FALSE);

  return valid_exclude (value);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS, message);

  return FALSE;
}

static gboolean
validate_preview_options (JsonObject  *preview,
                          GError     **error)
{
  JsonNode *node;

  if ((node = json_object_get_member (preview, "previewSegments")) == NULL)
    json_object_set_int_member (preview, "previewSegments", SH_GENERATE_DEFAULT_PREVIEW_SEGMENTS);
  else if (!is_number (node) || json_node_get_double (node) < 1 ||
           json_node_get_double (node) > 1000 ||
           json_node_get_double (node) != (gint64) json_node_get_double (node))
    return invalid (error, _("The number of preview segments must be a whole number from 1 "
                             "to 1000."));
  else
    json_object_set_int_member (preview, "previewSegments", (gint64) json_node_get_double (node));

  if ((node = json_object_get_member (preview, "previewSegmentDuration")) == NULL)
    json_object_set_double_member (preview, "previewSegmentDuration",
                                   SH_GENERATE_DEFAULT_PREVIEW_SEGMENT_DURATION);
  else if (!is_number (node) || json_node_get_double (node) <= 0 ||
           json_node_get_double (node) > 600)
    return invalid (error, _("The preview segment duration must be more than 0 and at most "
                             "600 seconds."));

  if ((node = json_object_get_member (preview, "previewExcludeStart")) == NULL)
    json_object_set_string_member (preview, "previewExcludeStart",
                                   SH_GENERATE_DEFAULT_PREVIEW_EXCLUDE);
  else if (!is_string (node) || !valid_exclude (json_node_get_string (node)))
    return invalid (error, _("“Skip at start” must be seconds (such as 30) or a "
                             "percentage (such as 2%%)."));

  if ((node = json_object_get_member (preview, "previewExcludeEnd")) == NULL)
    json_object_set_string_member (preview, "previewExcludeEnd",
                                   SH_GENERATE_DEFAULT_PREVIEW_EXCLUDE);
  else if (!is_string (node) || !valid_exclude (json_node_get_string (node)))
    return invalid (error, _("“Skip at end” must be seconds (such as 30) or a "
                             "percentage (such as 2%%)."));

  if ((node = json_object_get_member (preview, "previewPreset")) == NULL)
    json_object_set_string_member (preview, "previewPreset", SH_GENERATE_DEFAULT_PREVIEW_PRESET);
  else if (!is_string (node) || !g_strv_contains (presets, json_node_get_string (node)))
    return invalid (error, _("The preview preset must be one of ultrafast, veryfast, fast, "
                             "medium, slow, slower or veryslow."));

  {
    g_autoptr(GList) members = json_object_get_members (preview);

    for (GList *l = members; l != NULL; l = l->next)
      {
        const char *name = l->data;

        if (!g_str_equal (name, "previewSegments") && !g_str_equal (name, "previewSegmentDuration") &&
            !g_str_equal (name, "previewExcludeStart") && !g_str_equal (name, "previewExcludeEnd") &&
            !g_str_equal (name, "previewPreset"))
          return invalid (error, _("“%s” is not a preview option."), name);
      }
  }

  return TRUE;
}

/**
 * sh_generate_options_validate:
 * @parameters: the job's parameters; defaults are filled in
 * @error: return location for a #GError
 *
 * Checks the Generate parameters: every boolean option, `sceneIDs` (positive integers, as
 * numbers or decimal strings; normalized to strings), and `previewOptions`. Unknown names
 * are refused, so a typo does not silently run with a default.
 *
 * Returns: %TRUE when valid
 */
gboolean
sh_generate_options_validate (JsonObject  *parameters,
                              GError     **error)
{
  g_autoptr(GList) members = NULL;
  JsonNode *node;

  g_return_val_if_fail (parameters != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      node = json_object_get_member (parameters, options[i].name);
      if (node == NULL)
        json_object_set_boolean_member (parameters, options[i].name, options[i].default_value);
      else if (!is_boolean (node))
        return invalid (error, _("The option “%s” must be true or false."), options[i].name);
    }

  node = json_object_get_member (parameters, "sceneIDs");
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    json_object_remove_member (parameters, "sceneIDs");
  else if (node != NULL)
    {
      g_autoptr(JsonArray) normalized = json_array_new ();
      g_autoptr(GHashTable) seen = NULL;
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return invalid (error, _("“sceneIDs” must be a list of scene ids."));

      /* Stash generates nothing at all for a list with a repeated id: keep each once. */
      array = json_node_get_array (node);
      seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          guint64 id = 0;

          if (is_string (element))
            {
              if (!g_ascii_string_to_unsigned (json_node_get_string (element), 10, 1, G_MAXINT32,
                                               &id, NULL))
                return invalid (error, _("“%s” is not a scene id."),
                                json_node_get_string (element));
            }
          else if (JSON_NODE_HOLDS_VALUE (element) &&
                   json_node_get_value_type (element) == G_TYPE_INT64 &&
                   json_node_get_int (element) > 0 && json_node_get_int (element) <= G_MAXINT32)
            id = json_node_get_int (element);
          else
            return invalid (error, _("Scene ids must be positive whole numbers."));

          {
            g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
            gint64 *key = g_new (gint64, 1);

            *key = (gint64) id;
            if (!g_hash_table_add (seen, key))
              continue;
            json_array_add_string_element (normalized, text);
          }
        }
      if (json_array_get_length (normalized) == 0)
        return invalid (error, _("The list of scenes is empty; leave it out to generate for "
                                 "every scene that needs it."));
      json_object_set_array_member (parameters, "sceneIDs", json_array_ref (normalized));
    }

  node = json_object_get_member (parameters, "mark_succeeded");
  if (node == NULL)
    json_object_set_boolean_member (parameters, "mark_succeeded", FALSE);
  else if (!is_boolean (node))
    return invalid (error, _("The option “%s” must be true or false."), "mark_succeeded");

  node = json_object_get_member (parameters, "retry_failed_of");
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    json_object_remove_member (parameters, "retry_failed_of");
  else if (node != NULL && (!is_string (node) || *json_node_get_string (node) == '\0'))
    return invalid (error, _("“retry_failed_of” must be the id of a Generate job."));
  else if (node != NULL && json_object_has_member (parameters, "sceneIDs"))
    return invalid (error, _("Retry the failed scenes of a job, or choose scenes, not both."));

  node = json_object_get_member (parameters, "previewOptions");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      json_object_set_object_member (parameters, "previewOptions", json_object_new ());
      node = json_object_get_member (parameters, "previewOptions");
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, _("“previewOptions” must be an object."));
  if (!validate_preview_options (json_node_get_object (node), error))
    return FALSE;

  members = json_object_get_members (parameters);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gboolean known = g_str_equal (name, "sceneIDs") || g_str_equal (name, "previewOptions") ||
                       g_str_equal (name, "mark_succeeded") || g_str_equal (name, "retry_failed_of");

      for (guint i = 0; !known && i < G_N_ELEMENTS (options); i++)
        known = g_str_equal (name, options[i].name);
      if (!known)
        return invalid (error, _("“%s” is not a Generate option."), name);
    }

  return TRUE;
}

/**
 * sh_generate_options_to_input:
 * @parameters: validated parameters
 *
 * Returns: (transfer full): the `GenerateMetadataInput` for Stash: every option as given
 *   (the seed's defaults filled in), the preview options, and `sceneIDs` only when scenes
 *   were targeted
 */
/**
 * sh_generate_options_to_input:
 * @parameters: validated parameters
 * @scene_ids: (nullable) (element-type gint64): the scenes to send as `sceneIDs`, or
 *   %NULL to let Stash walk the whole library
 *
 * Returns: (transfer full): Stash's `GenerateMetadataInput`: the options, without
 *   StashHog's own (mark_succeeded, retry_failed_of)
 */
JsonNode *
sh_generate_options_to_input (JsonObject *parameters,
                              GArray     *scene_ids)
{
  g_autoptr(JsonObject) input = json_object_new ();
  JsonNode *preview;

  g_return_val_if_fail (parameters != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    json_object_set_boolean_member (input, options[i].name,
                                    json_object_get_boolean_member_with_default (parameters,
                                                                                 options[i].name,
                                                                                 options[i].default_value));
  preview = json_object_get_member (parameters, "previewOptions");
  if (preview != NULL && JSON_NODE_HOLDS_OBJECT (preview))
    json_object_set_member (input, "previewOptions", json_node_copy (preview));

  if (scene_ids != NULL)
    {
      JsonArray *array = json_array_sized_new (scene_ids->len);

      for (guint i = 0; i < scene_ids->len; i++)
        {
          char text[24];

          g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, g_array_index (scene_ids, gint64, i));
          json_array_add_string_element (array, text);
        }
      json_object_set_array_member (input, "sceneIDs", array);
    }

  return json_node_init_object (json_node_alloc (), input);
}

/**
 * sh_generate_options_get_kinds:
 * @parameters: validated parameters
 *
 * The media a Generate with these options must leave behind, as the media check knows
 * them: what its verification probes. Transcodes and image media are not probed (Stash
 * makes transcodes only where needed, and images are not scenes).
 *
 * Returns: the #ShMediaKind mask; 0 when nothing checkable was asked for
 */
ShMediaKind
sh_generate_options_get_kinds (JsonObject *parameters)
{
  ShMediaKind kinds = 0;

  g_return_val_if_fail (parameters != NULL, 0);

#define OPTION(name) json_object_get_boolean_member_with_default (parameters, name, FALSE)
  if (OPTION ("covers"))
    kinds |= SH_MEDIA_COVER;
  if (OPTION ("sprites"))
    kinds |= SH_MEDIA_SPRITE | SH_MEDIA_VTT;
  if (OPTION ("previews"))
    kinds |= SH_MEDIA_PREVIEW;
  if (OPTION ("previews") && OPTION ("imagePreviews"))
    kinds |= SH_MEDIA_WEBP;
  if (OPTION ("phashes"))
    kinds |= SH_MEDIA_PHASH;
  if (OPTION ("interactiveHeatmapsSpeeds"))
    kinds |= SH_MEDIA_HEATMAP;
  if (OPTION ("markers"))
    kinds |= SH_MEDIA_MARKER_VIDEO;
  if (OPTION ("markerScreenshots"))
    kinds |= SH_MEDIA_MARKER_SCREENSHOT;
  if (OPTION ("markerImagePreviews"))
    kinds |= SH_MEDIA_MARKER_WEBP;
#undef OPTION

  return kinds;
}

/**
 * sh_generate_options_dup_scene_ids:
 * @parameters: validated parameters
 *
 * Returns: (transfer full) (nullable): the targeted scene ids, or %NULL for all
 */
GArray *
sh_generate_options_dup_scene_ids (JsonObject *parameters)
{
  JsonArray *array;
  GArray *ids;

  if (!json_object_has_member (parameters, "sceneIDs"))
    return NULL;

  array = json_object_get_array_member (parameters, "sceneIDs");
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 id = g_ascii_strtoll (json_array_get_string_element (array, i), NULL, 10);

      g_array_append_val (ids, id);
    }

  return ids;
}
