/* sh-stash-scene-page.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-stash-client.h"

G_BEGIN_DECLS

/**
 * ShStashMarker:
 * @id: the marker's id, 0 when missing
 * @seconds: where it is, 0 when missing
 * @updated_at: (nullable): Stash's `updated_at`, verbatim
 *
 * What marker media depends on, for sh_stash_markers_digest().
 */
typedef struct
{
  gint64      id;
  double      seconds;
  const char *updated_at;
} ShStashMarker;

char             *sh_stash_markers_digest            (const ShStashMarker *markers,
                                                      guint                n_markers);

ShStashScenePage *sh_stash_scene_page_read           (const char          *data,
                                                      gsize                size);

/* The json-glib reading of an answer to FindScenes, which sh_stash_scene_page_read()
 * must agree with; for tests. */
ShStashScenePage *_sh_stash_scene_page_parse_json    (const char          *data,
                                                      gsize                size,
                                                      GError             **error);

G_END_DECLS
