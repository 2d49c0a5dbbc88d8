/* sh-fake-stash-scenes.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scene library. Scenes 1..N are computed from their id, so that a benchmark can serve
 * a million of them: only what a test changed is stored (a few bits per scene, and an
 * override for the scenes it touched).
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

/* 2025-01-01T00:00:00+11:00: scene n was created n * SCENE_SPACING seconds later. */
#define BASE_TIME     G_GINT64_CONSTANT (1735650000)
#define SCENE_SPACING 7
/* 2026-01-11T18:07:53+11:00: the first change made by a test, unless scenes go further. */
#define CLOCK_START   G_GINT64_CONSTANT (1768115273)

#define FILE_ID_STRIDE G_GUINT64_CONSTANT (10000000)
#define MIX_A          G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)
#define MIX_B          G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9)

static const char special_title[] = "Quote \"this\" \\ back Ünïcødé 🐷";

/* An invertible mix, so that an oshash in a media URL leads back to its scene. */
static guint64
mix (guint64 x)
{
  x *= MIX_A;
  x ^= x >> 32;
  return x * MIX_B;
}

static guint64
inverse (guint64 odd)
{
  guint64 x = odd;

  /* Newton's iteration doubles the number of correct low bits each time. */
  for (guint i = 0; i < 5; i++)
    x *= 2 - odd * x;

  return x;
}

static guint64
unmix (guint64 x)
{
  x *= inverse (MIX_B);
  x ^= x >> 32;
  return x * inverse (MIX_A);
}

static void
override_free (gpointer data)
{
  ShFakeSceneOverride *override = data;

  g_free (override->title);
  g_free (override);
}

void
sh_fake_stash_scenes_reserve (ShFakeStash *self,
                              gsize        n_entries)
{
  gsize old_size = self->scene_bits_size;

  if (n_entries <= old_size)
    return;

  self->scene_bits_size = MAX (n_entries, old_size * 2);
  self->scene_bits = g_renew (guint16, self->scene_bits, self->scene_bits_size);
  memset (self->scene_bits + old_size, 0, (self->scene_bits_size - old_size) * sizeof (guint16));
}

void
sh_fake_stash_scenes_reset (ShFakeStash *self,
                            guint        n_scenes)
{
  if (self->overrides == NULL)
    self->overrides = g_hash_table_new_full (NULL, NULL, NULL, override_free);
  g_hash_table_remove_all (self->overrides);

  g_clear_pointer (&self->scene_bits, g_free);
  self->scene_bits_size = 0;
  sh_fake_stash_scenes_reserve (self, (gsize) n_scenes + 1);

  self->n_scenes = n_scenes;
  self->n_removed = 0;
  self->clock = 0;
}

gboolean
sh_fake_scene_exists (ShFakeStash *self,
                      guint        id)
{
  return id >= 1 && id <= self->n_scenes && !(self->scene_bits[id] & SH_FAKE_SCENE_REMOVED);
}

ShFakeSceneOverride *
sh_fake_scene_lookup (ShFakeStash *self,
                      guint        id)
{
  if (id > self->n_scenes || !(self->scene_bits[id] & SH_FAKE_SCENE_OVERRIDDEN))
    return NULL;

  return g_hash_table_lookup (self->overrides, GUINT_TO_POINTER (id));
}

ShFakeSceneOverride *
sh_fake_scene_ensure_override (ShFakeStash *self,
                               guint        id)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  if (override == NULL)
    {
      override = g_new0 (ShFakeSceneOverride, 1);
      g_hash_table_insert (self->overrides, GUINT_TO_POINTER (id), override);
      self->scene_bits[id] |= SH_FAKE_SCENE_OVERRIDDEN;
    }

  return override;
}

/* A logical clock: every change is strictly later than every timestamp handed out so far,
 * however fast the test makes them, so `updated_at > last sync` always sees it. */
gint64
sh_fake_stash_tick (ShFakeStash *self)
{
  gint64 newest_generated = BASE_TIME + (gint64) self->n_scenes * SCENE_SPACING + 3;

  self->clock = MAX (MAX (self->clock, CLOCK_START - 1), newest_generated) + 1;
  return self->clock;
}

gboolean
sh_fake_scene_is_interactive (guint id)
{
  return id % 10 == 0;
}

guint
sh_fake_scene_applicable (ShFakeStash *self,
                          guint        id)
{
  guint mask = SH_FAKE_ARTIFACT_ALL;

  if (!sh_fake_scene_is_interactive (id))
    mask &= ~SH_FAKE_ARTIFACT_HEATMAP;
  if (sh_fake_scene_get_n_markers (self, id) == 0)
    mask &= ~SH_FAKE_MARKER_ARTIFACTS;

  return mask;
}

void
sh_fake_scene_clear_missing (ShFakeStash *self,
                             guint        id,
                             guint        artifacts)
{
  g_assert (id <= self->n_scenes);

  self->scene_bits[id] &= ~(artifacts & SH_FAKE_SCENE_MISSING);
}

/* Returns @buf, the override, or NULL for a scene without a title. */
const char *
sh_fake_scene_get_title (ShFakeStash *self,
                         guint        id,
                         char        *buf,
                         gsize        size)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  if (override != NULL && override->title_set)
    return override->title;
  if (id == 2)
    return special_title;
  if (id == 3)
    return NULL;

  g_snprintf (buf, size, "Scene %u", id);
  return buf;
}

void
sh_fake_scene_format_path (ShFakeStash *self,
                           guint        id,
                           char        *buf,
                           gsize        size)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  if (override == NULL || override->file_generation == 0)
    g_snprintf (buf, size, "/data/videos/scene-%06u.mp4", id);
  else
    g_snprintf (buf, size, "/data/videos/moved/scene-%06u-%u.mp4", id,
                override->file_generation);
}

static guint
file_generation (ShFakeStash *self,
                 guint        id)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  return override != NULL ? override->file_generation : 0;
}

guint64
sh_fake_scene_get_file_id (ShFakeStash *self,
                           guint        id)
{
  return file_generation (self, id) * FILE_ID_STRIDE + id;
}

guint64
sh_fake_scene_get_oshash (ShFakeStash *self,
                          guint        id)
{
  return mix (((guint64) file_generation (self, id) << 32) | id);
}

guint
sh_fake_scene_find_by_oshash (ShFakeStash *self,
                              const char  *hex)
{
  guint64 hash;
  guint64 x;
  guint id;

  if (strlen (hex) != 16 || !g_ascii_string_to_unsigned (hex, 16, 0, G_MAXUINT64, &hash, NULL))
    return 0;

  x = unmix (hash);
  id = (guint) (x & G_MAXUINT32);
  if (!sh_fake_scene_exists (self, id) || file_generation (self, id) != (x >> 32))
    return 0;

  return id;
}

guint64
sh_fake_scene_get_phash (ShFakeStash *self,
                         guint        id)
{
  return mix (((guint64) file_generation (self, id) << 32) ^ id ^ G_GUINT64_CONSTANT (0x5bd1e995));
}

gint64
sh_fake_scene_get_created_at (ShFakeStash *self,
                              guint        id)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  if (override != NULL && override->created_at != 0)
    return override->created_at;

  return BASE_TIME + (gint64) id * SCENE_SPACING;
}

gint64
sh_fake_scene_get_updated_at (ShFakeStash *self,
                              guint        id)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  if (override != NULL && override->updated_at != 0)
    return override->updated_at;

  return BASE_TIME + (gint64) id * SCENE_SPACING + 3;
}

static guint
marker_generation (ShFakeStash *self,
                   guint        id)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  return override != NULL ? override->marker_generation : 0;
}

/* Every fifth scene starts with two markers; each change gives 1 to 3 new ones. */
guint
sh_fake_scene_get_n_markers (ShFakeStash *self,
                             guint        id)
{
  guint base = id % 5 == 0 ? 2 : 0;
  guint generation = marker_generation (self, id);

  return generation == 0 ? base : 1 + (base + generation) % 3;
}

guint
sh_fake_scene_get_marker_id (ShFakeStash *self,
                             guint        id,
                             guint        index)
{
  return id * 1000 + (marker_generation (self, id) % 300) * 3 + index + 1;
}

double
sh_fake_scene_get_marker_seconds (ShFakeStash *self,
                                  guint        id,
                                  guint        index)
{
  return 12.5 + index * 30 + marker_generation (self, id);
}

gint64
sh_fake_scene_get_markers_updated_at (ShFakeStash *self,
                                      guint        id)
{
  ShFakeSceneOverride *override = sh_fake_scene_lookup (self, id);

  if (override != NULL && override->markers_updated_at != 0)
    return override->markers_updated_at;

  return BASE_TIME + (gint64) id * SCENE_SPACING + 3;
}
