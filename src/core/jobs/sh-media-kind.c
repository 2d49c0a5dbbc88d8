/* sh-media-kind.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kinds of generated media (ShMediaKind): their names in job parameters and results,
 * and their labels in messages.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-media-checker-private.h"

/* Indexed by bit position. */
static const struct {
  const char *name;
  const char *label;
} kind_names[SH_MEDIA_N_KINDS] = {
  { "cover",             N_("cover") },
  { "sprite",            N_("scrubber sprite") },
  { "vtt",               N_("sprite index (VTT)") },
  { "preview",           N_("preview video") },
  { "webp",              N_("animated preview") },
  { "phash",             N_("perceptual hash") },
  { "heatmap",           N_("interactive heatmap") },
  { "marker_video",      N_("marker video") },
  { "marker_screenshot", N_("marker screenshot") },
  { "marker_webp",       N_("marker animated preview") },
};

static gboolean
is_single_kind (ShMediaKind kind)
{
  return kind != 0 && (kind & (kind - 1)) == 0 && (kind & ~SH_MEDIA_ALL) == 0;
}

static guint
kind_index (ShMediaKind single_kind)
{
  return (guint) g_bit_nth_lsf (single_kind, -1);
}

const char *
_sh_media_kind_get_label (ShMediaKind single_kind)
{
  return _(kind_names[kind_index (single_kind)].label);
}

/**
 * sh_media_kind_to_string:
 * @single_kind: one kind (a single bit)
 *
 * Returns: the kind's name, such as `marker_video`, as used in results and on the
 *   command line
 */
const char *
sh_media_kind_to_string (ShMediaKind single_kind)
{
  g_return_val_if_fail (is_single_kind (single_kind), NULL);

  return kind_names[kind_index (single_kind)].name;
}

/**
 * sh_media_kind_dup_labels:
 * @names: kind names as sh_media_kind_to_string() writes them, space-separated (as a
 *   Generate records what a scene lacks)
 *
 * Returns: (transfer full): the kinds as a user reads them, comma-separated, such as
 *   “preview video, cover”; an unknown name is kept as it is
 */
char *
sh_media_kind_dup_labels (const char *names)
{
  g_auto(GStrv) split = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (names != NULL, NULL);

  split = g_strsplit_set (names, " ,", -1);
  for (guint i = 0; split[i] != NULL; i++)
    {
      const char *label = split[i];

      if (*label == '\0')
        continue;
      for (guint k = 0; k < SH_MEDIA_N_KINDS; k++)
        if (g_str_equal (split[i], kind_names[k].name))
          label = _(kind_names[k].label);

      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, label);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static ShMediaKind
kind_from_string (const char *name)
{
  if (g_str_equal (name, "default"))
    return SH_MEDIA_DEFAULT;
  if (g_str_equal (name, "all"))
    return SH_MEDIA_ALL;

  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    if (g_str_equal (name, kind_names[i].name))
      return 1 << i;

  return 0;
}

static char *
dup_kind_names (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    g_string_append_printf (out, "%s, ", kind_names[i].name);
  g_string_append (out, "default, all");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * sh_media_kinds_from_strings:
 * @names: (array zero-terminated=1): kind names as sh_media_kind_to_string() writes them,
 *   or `default` or `all`
 * @out: (out): return location for the kinds
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @names holds at least one name and every name is known
 */
gboolean
sh_media_kinds_from_strings (const char * const  *names,
                             ShMediaKind         *out,
                             GError             **error)
{
  g_autofree char *known = NULL;
  ShMediaKind kinds = 0;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      ShMediaKind kind = kind_from_string (names[i]);

      if (kind == 0)
        {
          known = dup_kind_names ();
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a kind of generated media. Use one of: %s."),
                       names[i], known);
          return FALSE;
        }
      kinds |= kind;
    }

  if (kinds == 0)
    {
      known = dup_kind_names ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No kind of generated media was given. Use one or more of: %s."), known);
      return FALSE;
    }

  *out = kinds;
  return TRUE;
}
