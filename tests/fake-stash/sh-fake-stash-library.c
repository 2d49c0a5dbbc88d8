/* sh-fake-stash-library.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What tests do to the scene library and its generated media, between requests.
 */

#include "config.h"

#include "sh-fake-stash-private.h"

#define return_if_no_scene(self, id) \
  g_return_if_fail (SH_IS_FAKE_STASH (self)); \
  g_return_if_fail (sh_fake_scene_exists (self, id))

#define return_val_if_no_scene(self, id, val) \
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), val); \
  g_return_val_if_fail (sh_fake_scene_exists (self, id), val)

/**
 * sh_fake_stash_set_scene_count:
 * @self: a #ShFakeStash
 * @n: the number of scenes
 *
 * Replaces the library with scenes 1..@n, unchanged and with all their generated media.
 */
void
sh_fake_stash_set_scene_count (ShFakeStash *self,
                               guint        n)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (n < G_MAXUINT32 / 1000);

  sh_fake_stash_scenes_reset (self, n);
}

guint
sh_fake_stash_get_scene_count (ShFakeStash *self)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  return self->n_scenes - self->n_removed;
}

/* Gives the scene an updated_at later than every other one, as any edit in Stash does. */
void
sh_fake_stash_touch_scene (ShFakeStash *self,
                           guint        id)
{
  return_if_no_scene (self, id);

  sh_fake_scene_ensure_override (self, id)->updated_at = sh_fake_stash_tick (self);
}

/* A new primary file: new path, oshash, phash and file id. Generated media stay as they
 * are; mark them missing with sh_fake_stash_set_missing() if a test needs that. */
void
sh_fake_stash_change_scene_file (ShFakeStash *self,
                                 guint        id)
{
  ShFakeSceneOverride *override;

  return_if_no_scene (self, id);

  override = sh_fake_scene_ensure_override (self, id);
  override->file_generation++;
  override->updated_at = sh_fake_stash_tick (self);
}

/* Replaces the markers with 1 to 3 new ones (new ids and times), whose media are missing. */
void
sh_fake_stash_change_scene_markers (ShFakeStash *self,
                                    guint        id)
{
  ShFakeSceneOverride *override;

  return_if_no_scene (self, id);

  override = sh_fake_scene_ensure_override (self, id);
  override->marker_generation++;
  override->updated_at = sh_fake_stash_tick (self);
  override->markers_updated_at = override->updated_at;
  self->scene_bits[id] |= SH_FAKE_MARKER_ARTIFACTS;
}

/* @title may be %NULL: a scene without a title. */
void
sh_fake_stash_set_scene_title (ShFakeStash *self,
                               guint        id,
                               const char  *title)
{
  ShFakeSceneOverride *override;

  return_if_no_scene (self, id);
  g_return_if_fail (title == NULL || g_utf8_validate (title, -1, NULL));

  override = sh_fake_scene_ensure_override (self, id);
  g_free (override->title);
  override->title = g_strdup (title);
  override->title_set = TRUE;
  override->updated_at = sh_fake_stash_tick (self);
}

/**
 * sh_fake_stash_add_scene:
 * @self: a #ShFakeStash
 *
 * Adds a scene after the last one, as a scan does. Nothing is generated for it yet.
 *
 * Returns: the new scene's id
 */
guint
sh_fake_stash_add_scene (ShFakeStash *self)
{
  ShFakeSceneOverride *override;
  guint id;

  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  id = self->n_scenes + 1;
  sh_fake_stash_scenes_reserve (self, (gsize) id + 1);
  self->n_scenes = id;
  self->scene_bits[id] = 0;

  override = sh_fake_scene_ensure_override (self, id);
  override->created_at = override->updated_at = sh_fake_stash_tick (self);
  self->scene_bits[id] |= sh_fake_scene_applicable (self, id);

  return id;
}

void
sh_fake_stash_remove_scene (ShFakeStash *self,
                            guint        id)
{
  return_if_no_scene (self, id);

  self->scene_bits[id] |= SH_FAKE_SCENE_REMOVED;
  self->n_removed++;
}

char *
sh_fake_stash_dup_scene_oshash (ShFakeStash *self,
                                guint        id)
{
  return_val_if_no_scene (self, id, NULL);

  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x", sh_fake_scene_get_oshash (self, id));
}

char *
sh_fake_stash_dup_scene_updated_at (ShFakeStash *self,
                                    guint        id)
{
  char buf[SH_FAKE_TIMESTAMP_LEN];

  return_val_if_no_scene (self, id, NULL);

  sh_fake_format_timestamp (buf, sh_fake_scene_get_updated_at (self, id));
  return g_strdup (buf);
}

guint
sh_fake_stash_get_scene_n_markers (ShFakeStash *self,
                                   guint        id)
{
  return_val_if_no_scene (self, id, 0);

  return sh_fake_scene_get_n_markers (self, id);
}

char *
sh_fake_stash_dup_scene_marker_id (ShFakeStash *self,
                                   guint        id,
                                   guint        index)
{
  return_val_if_no_scene (self, id, NULL);
  g_return_val_if_fail (index < sh_fake_scene_get_n_markers (self, id), NULL);

  return g_strdup_printf ("%u", sh_fake_scene_get_marker_id (self, id, index));
}

/* Artifacts that do not apply to the scene (a heatmap without a funscript, marker media
 * without markers) are never missing. */
void
sh_fake_stash_set_missing (ShFakeStash    *self,
                           guint           id,
                           ShFakeArtifact  artifacts,
                           gboolean        missing)
{
  return_if_no_scene (self, id);

  if (missing)
    self->scene_bits[id] |= artifacts & sh_fake_scene_applicable (self, id);
  else
    self->scene_bits[id] &= ~(artifacts & SH_FAKE_SCENE_MISSING);
}

void
sh_fake_stash_set_all_missing (ShFakeStash    *self,
                               ShFakeArtifact  artifacts,
                               gboolean        missing)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  for (guint id = 1; id <= self->n_scenes; id++)
    {
      if (missing)
        self->scene_bits[id] |= artifacts & sh_fake_scene_applicable (self, id);
      else
        self->scene_bits[id] &= ~(artifacts & SH_FAKE_SCENE_MISSING);
    }
}

ShFakeArtifact
sh_fake_stash_get_missing (ShFakeStash *self,
                           guint        id)
{
  return_val_if_no_scene (self, id, 0);

  return self->scene_bits[id] & SH_FAKE_SCENE_MISSING & sh_fake_scene_applicable (self, id);
}
