/* sh-thumbnail-cache.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-stash-client.h"

G_BEGIN_DECLS

/* About a thousand full-size covers. */
#define SH_THUMBNAIL_CACHE_DEFAULT_MAX_BYTES     (200 * 1024 * 1024)
#define SH_THUMBNAIL_CACHE_DEFAULT_MAX_IN_FLIGHT 4

#define SH_TYPE_THUMBNAIL_CACHE (sh_thumbnail_cache_get_type ())

G_DECLARE_FINAL_TYPE (ShThumbnailCache, sh_thumbnail_cache, SH, THUMBNAIL_CACHE, GObject)

char             *sh_thumbnail_cache_dup_default_directory (void);
ShThumbnailCache *sh_thumbnail_cache_new                   (const char          *directory,
                                                            guint64              max_bytes);
const char       *sh_thumbnail_cache_get_directory         (ShThumbnailCache    *self);
guint64           sh_thumbnail_cache_get_max_bytes         (ShThumbnailCache    *self);
void              sh_thumbnail_cache_set_max_in_flight     (ShThumbnailCache    *self,
                                                            guint                n);
guint64           sh_thumbnail_cache_get_requests          (ShThumbnailCache    *self);
void              sh_thumbnail_cache_fetch_async           (ShThumbnailCache    *self,
                                                            ShStashClient       *client,
                                                            gint64               scene_id,
                                                            const char          *updated_at,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
GBytes           *sh_thumbnail_cache_fetch_finish          (ShThumbnailCache    *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

G_END_DECLS
