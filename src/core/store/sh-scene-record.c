/* sh-scene-record.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-scene-record.h"

G_DEFINE_BOXED_TYPE (ShSceneRecord, sh_scene_record, sh_scene_record_copy, sh_scene_record_free)

ShSceneRecord *
sh_scene_record_new (void)
{
  ShSceneRecord *self = g_new0 (ShSceneRecord, 1);

  self->interactive_speed = -1;

  return self;
}

ShSceneRecord *
sh_scene_record_copy (const ShSceneRecord *self)
{
  ShSceneRecord *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->title = g_strdup (self->title);
  copy->path = g_strdup (self->path);
  copy->oshash = g_strdup (self->oshash);
  copy->phash = g_strdup (self->phash);
  copy->markers_digest = g_strdup (self->markers_digest);
  copy->stash_created_at = g_strdup (self->stash_created_at);
  copy->stash_updated_at = g_strdup (self->stash_updated_at);
  copy->last_synced = g_strdup (self->last_synced);
  copy->failure_reason = g_strdup (self->failure_reason);

  return copy;
}

void
sh_scene_record_free (ShSceneRecord *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_free (self->path);
  g_free (self->oshash);
  g_free (self->phash);
  g_free (self->markers_digest);
  g_free (self->failure_reason);
  g_free (self->stash_created_at);
  g_free (self->stash_updated_at);
  g_free (self->last_synced);
  g_free (self);
}
