/* sh-media-check-result.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a check of generated media found (ShMediaCheckResult): per scene, complete or the
 * kinds it lacks; per kind, a count and a few samples; and its JSON for a job's result.
 */

#include "config.h"

#include "sh-media-checker-private.h"

#define MAX_SAMPLES 5

ShMediaCheckResult *
_sh_media_check_result_new (ShMediaKind kinds)
{
  ShMediaCheckResult *result = g_new0 (ShMediaCheckResult, 1);

  result->kinds = kinds;
  result->complete = g_array_new (FALSE, FALSE, sizeof (gint64));
  result->incomplete = g_array_new (FALSE, FALSE, sizeof (gint64));
  result->incomplete_missing = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    result->samples[i] = g_array_sized_new (FALSE, FALSE, sizeof (gint64), MAX_SAMPLES);

  return result;
}

void
sh_media_check_result_free (ShMediaCheckResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->complete, g_array_unref);
  g_clear_pointer (&result->incomplete, g_array_unref);
  g_clear_pointer (&result->incomplete_missing, g_array_unref);
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    g_clear_pointer (&result->samples[i], g_array_unref);
  g_free (result);
}

/**
 * sh_media_check_result_to_json:
 * @result: a result
 *
 * Summarises @result for a job's result column: counts, and for each checked kind the
 * number of scenes that miss it and a few of their ids (as strings, like Stash's IDs).
 * The id lists are never included.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
sh_media_check_result_to_json (const ShMediaCheckResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "checked");
  json_builder_add_int_value (builder, (gint64) result->checked);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_int_value (builder, result->complete->len);
  json_builder_set_member_name (builder, "incomplete");
  json_builder_add_int_value (builder, result->incomplete->len);

  json_builder_set_member_name (builder, "missing");
  json_builder_begin_object (builder);
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    {
      if (!(result->kinds & (1 << i)))
        continue;
      json_builder_set_member_name (builder, sh_media_kind_to_string (1u << i));
      json_builder_add_int_value (builder, (gint64) result->missing_count[i]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "samples");
  json_builder_begin_object (builder);
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    {
      if (!(result->kinds & (1 << i)))
        continue;
      json_builder_set_member_name (builder, sh_media_kind_to_string (1u << i));
      json_builder_begin_array (builder);
      for (guint j = 0; j < result->samples[i]->len; j++)
        {
          char id[24];

          g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT,
                      g_array_index (result->samples[i], gint64, j));
          json_builder_add_string_value (builder, id);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, (gint64) result->requests);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* One scene's outcome: @missing is what it lacks of the kinds checked (0: complete). */
void
_sh_media_check_result_add_scene (ShMediaCheckResult *result,
                                  gint64              scene_id,
                                  ShMediaKind         missing)
{
  result->checked++;
  if (missing == 0)
    {
      g_array_append_val (result->complete, scene_id);
      return;
    }

  g_array_append_val (result->incomplete, scene_id);
  g_array_append_val (result->incomplete_missing, missing);
  for (guint k = 0; k < SH_MEDIA_N_KINDS; k++)
    {
      if (!(missing & (1u << k)))
        continue;
      result->missing_count[k]++;
      if (result->samples[k]->len < MAX_SAMPLES)
        g_array_append_val (result->samples[k], scene_id);
    }
}
