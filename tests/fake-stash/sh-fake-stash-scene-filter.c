/* sh-fake-stash-scene-filter.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part of findScenes' scene_filter and sort that StashHog uses, with Stash's rules
 * (pkg/sqlite/scene_filter.go, pkg/sqlite/scene.go): criteria ANDed, timestamps compared
 * as strings, only the sort names of sceneSortOptions.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

static const char * const sort_names[] = {
  "bitrate", "created_at", "code", "date", "file_count", "filesize", "duration",
  "file_mod_time", "framerate", "group_scene_number", "id", "interactive",
  "interactive_speed", "last_o_at", "last_played_at", "movie_scene_number", "o_counter",
  "organized", "performer_count", "play_count", "play_duration", "resume_time", "path",
  "perceptual_similarity", "random", "rating", "resolution", "studio", "tag_count", "title",
  "updated_at", "performer_age",
};

static gboolean
parse_modifier (const char      *name,
                const char      *field,
                ShFakeModifier  *modifier,
                GError         **error)
{
  static const char * const supported[] = {
    "EQUALS", "NOT_EQUALS", "GREATER_THAN", "LESS_THAN", "BETWEEN", "NOT_BETWEEN",
  };
  static const char * const known[] = {
    "IS_NULL", "NOT_NULL", "INCLUDES_ALL", "INCLUDES", "EXCLUDES", "MATCHES_REGEX",
    "NOT_MATCHES_REGEX",
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (supported); i++)
    {
      if (g_str_equal (name, supported[i]))
        {
          *modifier = (ShFakeModifier) i;
          return TRUE;
        }
    }

  if (name != NULL && g_strv_contains (known, name))
    g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                 "the fake Stash does not support %s on %s", name, field);
  else
    g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                 "Expected type CriterionModifier! for %s.modifier", field);
  return FALSE;
}

static gboolean
parse_int_criterion (JsonObject          *scene_filter,
                     const char          *field,
                     ShFakeIntCriterion  *criterion,
                     GError             **error)
{
  JsonObject *object = sh_fake_json_get_object (scene_filter, field);

  if (object == NULL)
    return TRUE;

  if (!sh_fake_json_get_int (object, "value", &criterion->value))
    {
      g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                   "Expected type Int! for %s.value", field);
      return FALSE;
    }
  if (!sh_fake_json_get_int (object, "value2", &criterion->value2))
    criterion->value2 = criterion->value;

  criterion->set = TRUE;
  return parse_modifier (sh_fake_json_get_string (object, "modifier"), field,
                         &criterion->modifier, error);
}

static gboolean
parse_time_criterion (JsonObject           *scene_filter,
                      const char           *field,
                      ShFakeTimeCriterion  *criterion,
                      GError              **error)
{
  JsonObject *object = sh_fake_json_get_object (scene_filter, field);

  if (object == NULL)
    return TRUE;

  if (!(criterion->value = sh_fake_json_get_string (object, "value")))
    {
      g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                   "Expected type String! for %s.value", field);
      return FALSE;
    }

  /* Stash's BETWEEN without an upper bound ends tomorrow. */
  criterion->value2 = sh_fake_json_get_string (object, "value2");
  if (criterion->value2 == NULL)
    {
      sh_fake_format_timestamp (criterion->default_value2,
                                g_get_real_time () / G_USEC_PER_SEC + 86400);
      criterion->value2 = criterion->default_value2;
    }

  criterion->set = TRUE;
  return parse_modifier (sh_fake_json_get_string (object, "modifier"), field,
                         &criterion->modifier, error);
}

/* Stash's isMissingCriterionHandler: "cover" is `cover_blob IS NULL`, "phash" a file without
 * that fingerprint. Its other values test columns and relations the fake does not have. */
static gboolean
parse_is_missing (JsonObject         *scene_filter,
                  ShFakeSceneFilter  *filter,
                  GError            **error)
{
  JsonNode *node = json_object_get_member (scene_filter, "is_missing");
  const char *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  value = sh_fake_json_get_string (scene_filter, "is_missing");
  if (value == NULL)
    {
      g_set_error_literal (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                           "Expected type String for is_missing");
      return FALSE;
    }

  if (g_str_equal (value, "cover"))
    filter->is_missing = SH_FAKE_ARTIFACT_COVER;
  else if (g_str_equal (value, "phash"))
    filter->is_missing = SH_FAKE_ARTIFACT_PHASH;
  else
    {
      g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                   "the fake Stash does not support is_missing: \"%s\"", value);
      return FALSE;
    }

  return TRUE;
}

gboolean
sh_fake_scene_filter_parse (JsonObject         *scene_filter,
                            ShFakeSceneFilter  *filter,
                            GError            **error)
{
  g_autoptr(GList) members = NULL;

  if (scene_filter == NULL)
    return TRUE;

  /* Anything else would be silently ignored, and a test would pass for the wrong reason. */
  members = json_object_get_members (scene_filter);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_str_equal (l->data, "id") && !g_str_equal (l->data, "created_at") &&
          !g_str_equal (l->data, "updated_at") && !g_str_equal (l->data, "is_missing"))
        {
          g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                       "the fake Stash does not support scene_filter.%s",
                       (const char *) l->data);
          return FALSE;
        }
    }

  return parse_int_criterion (scene_filter, "id", &filter->id, error) &&
         parse_time_criterion (scene_filter, "created_at", &filter->created_at, error) &&
         parse_time_criterion (scene_filter, "updated_at", &filter->updated_at, error) &&
         parse_is_missing (scene_filter, filter, error);
}

static gboolean
int_matches (const ShFakeIntCriterion *criterion,
             gint64                    value)
{
  switch (criterion->modifier)
    {
    case SH_FAKE_MOD_EQUALS:       return value == criterion->value;
    case SH_FAKE_MOD_NOT_EQUALS:   return value != criterion->value;
    case SH_FAKE_MOD_GREATER_THAN: return value > criterion->value;
    case SH_FAKE_MOD_LESS_THAN:    return value < criterion->value;
    case SH_FAKE_MOD_BETWEEN:      return value >= criterion->value && value <= criterion->value2;
    case SH_FAKE_MOD_NOT_BETWEEN:  return value < criterion->value || value > criterion->value2;
    default:               break;
    }

  g_assert_not_reached ();
  return FALSE;
}

/* Like `scenes.updated_at > ?` on RFC 3339 text: a string comparison. */
static gboolean
time_matches (const ShFakeTimeCriterion *criterion,
              gint64                     seconds)
{
  char buf[SH_FAKE_TIMESTAMP_LEN];
  int low;
  int high;

  sh_fake_format_timestamp (buf, seconds);
  low = strcmp (buf, criterion->value);

  switch (criterion->modifier)
    {
    case SH_FAKE_MOD_EQUALS:       return low == 0;
    case SH_FAKE_MOD_NOT_EQUALS:   return low != 0;
    case SH_FAKE_MOD_GREATER_THAN: return low > 0;
    case SH_FAKE_MOD_LESS_THAN:    return low < 0;
    case SH_FAKE_MOD_BETWEEN:
    case SH_FAKE_MOD_NOT_BETWEEN:
      high = strcmp (buf, criterion->value2);
      return (low >= 0 && high <= 0) == (criterion->modifier == SH_FAKE_MOD_BETWEEN);
    default:
      break;
    }

  g_assert_not_reached ();
  return FALSE;
}

gboolean
sh_fake_scene_filter_matches (ShFakeStash             *self,
                              const ShFakeSceneFilter *filter,
                              guint                    id)
{
  if (!sh_fake_scene_exists (self, id))
    return FALSE;
  if (filter->id.set && !int_matches (&filter->id, id))
    return FALSE;
  if (filter->created_at.set &&
      !time_matches (&filter->created_at, sh_fake_scene_get_created_at (self, id)))
    return FALSE;
  if (filter->updated_at.set &&
      !time_matches (&filter->updated_at, sh_fake_scene_get_updated_at (self, id)))
    return FALSE;
  if (filter->is_missing != 0 && !(self->scene_bits[id] & filter->is_missing))
    return FALSE;

  if (filter->q != NULL)
    {
      char buf[256];
      const char *title = sh_fake_scene_get_title (self, id, buf, sizeof buf);
      g_autofree char *title_down = title ? g_utf8_strdown (title, -1) : NULL;

      if (title_down != NULL && strstr (title_down, filter->q) != NULL)
        return TRUE;
      sh_fake_scene_format_path (self, id, buf, sizeof buf);
      return strstr (buf, filter->q) != NULL;
    }

  return TRUE;
}

gboolean
sh_fake_parse_sort (const char     *sort,
                    ShFakeSortKey  *key,
                    GError        **error)
{
  *key = SH_FAKE_SORT_ID;

  /* Without a sort Stash emits no ORDER BY; SQLite then happens to return id order. */
  if (sort == NULL || (g_str_has_prefix (sort, "random_") && sort[7] != '\0' &&
                       strspn (sort + 7, "0123456789") == strlen (sort + 7)))
    return TRUE;

  if (!g_strv_contains (sort_names, sort))
    {
      g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                   "invalid sort: %s", sort);
      return FALSE;
    }

  if (g_str_equal (sort, "created_at"))
    *key = SH_FAKE_SORT_CREATED_AT;
  else if (g_str_equal (sort, "updated_at"))
    *key = SH_FAKE_SORT_UPDATED_AT;
  else if (g_str_equal (sort, "title"))
    *key = SH_FAKE_SORT_TITLE;
  else if (g_str_equal (sort, "path"))
    *key = SH_FAKE_SORT_PATH;

  return TRUE;
}
