/* sh-stash-media.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-stash-client.h"

G_BEGIN_DECLS

/* Stash's ids are GraphQL Ints: no scene can have a larger one. */
#define SH_STASH_MAX_SCENE_ID G_MAXINT32

/**
 * ShStashMediaFields:
 * @SH_STASH_MEDIA_FIELDS_NONE: only what every check needs (files, interactivity)
 * @SH_STASH_MEDIA_FIELDS_COUNT: the number of scenes across pages
 * @SH_STASH_MEDIA_FIELDS_PATHS: the addresses of the sprite, vtt, previews and heatmap
 * @SH_STASH_MEDIA_FIELDS_MARKERS: the markers with the addresses of their media
 *
 * What a page of media scenes holds besides the scenes' ids and primary files. Paths and
 * markers are most of the answer: leave out what is not needed.
 */
typedef enum
{
  SH_STASH_MEDIA_FIELDS_NONE    = 0,
  SH_STASH_MEDIA_FIELDS_COUNT   = 1 << 0,
  SH_STASH_MEDIA_FIELDS_PATHS   = 1 << 1,
  SH_STASH_MEDIA_FIELDS_MARKERS = 1 << 2,
} ShStashMediaFields;

/**
 * ShStashMediaMarker:
 * @has_seconds: whether Stash gave the marker's time
 * @seconds: where the marker is, in seconds, when @has_seconds
 * @stream: (nullable): the address of its mp4 preview
 * @screenshot: (nullable): the address of its screenshot
 * @preview: (nullable): the address of its animated webp preview
 *
 * A marker as far as its generated media are concerned.
 */
typedef struct
{
  gboolean  has_seconds;
  double    seconds;
  char     *stream;
  char     *screenshot;
  char     *preview;
} ShStashMediaMarker;

/**
 * ShStashMediaScene:
 * @id: the scene's id
 * @has_file: whether the scene has a primary file (`files[0]`), from which Stash generates
 *   everything; without one, nothing else below is read
 * @phash: (nullable): the primary file's perceptual hash
 * @duration: the primary file's duration in seconds, or -1 when unknown
 * @interactive: whether the scene has a funscript
 * @has_interactive_speed: whether Stash has the speed that it computes with the heatmap
 * @sprite: (nullable): the address of the scrubber sprite
 * @vtt: (nullable): the address of the sprite's WebVTT index
 * @preview: (nullable): the address of the mp4 preview
 * @webp: (nullable): the address of the animated webp preview
 * @interactive_heatmap: (nullable): the address of the heatmap
 * @markers: (element-type ShStashMediaMarker) (nullable): the markers; %NULL when they
 *   were not asked for
 *
 * What tells whether a scene's generated media exist. Stash fills every address in,
 * whether the file exists or not: an address is something to probe, not a proof.
 */
typedef struct
{
  gint64    id;
  gboolean  has_file;
  char     *phash;
  double    duration;
  gboolean  interactive;
  gboolean  has_interactive_speed;
  char     *sprite;
  char     *vtt;
  char     *preview;
  char     *webp;
  char     *interactive_heatmap;
  GArray   *markers;
} ShStashMediaScene;

/**
 * ShStashMediaPage:
 * @scenes: (element-type ShStashMediaScene): the scenes, by ascending id, only those asked
 *   for
 * @count: the number of scenes across pages, or -1 when it was not asked for
 */
typedef struct
{
  GArray *scenes;
  gint64  count;
} ShStashMediaPage;

void              sh_stash_media_page_free                 (ShStashMediaPage     *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShStashMediaPage, sh_stash_media_page_free)

char             *sh_stash_client_dup_media_uri            (ShStashClient        *self,
                                                            const char           *address,
                                                            GError              **error);

void              sh_stash_client_find_media_scenes_async  (ShStashClient        *self,
                                                            const gint64         *ids,
                                                            guint                 n_ids,
                                                            gint64                first_id,
                                                            gint64                last_id,
                                                            guint                 per_page,
                                                            ShStashMediaFields    fields,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
ShStashMediaPage *sh_stash_client_find_media_scenes_finish (ShStashClient        *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

void              sh_stash_client_find_missing_covers_async  (ShStashClient      *self,
                                                              gint64              first_id,
                                                              gint64              last_id,
                                                              guint               per_page,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
GArray           *sh_stash_client_find_missing_covers_finish (ShStashClient      *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);

G_END_DECLS
