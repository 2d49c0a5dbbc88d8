/* sh-stash-json.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Far deeper than anything Stash sends (a scene page is about 6 levels deep), far
 * shallower than what overflows json-glib's recursive parser (some 10,000s of levels). */
#define SH_STASH_JSON_MAX_DEPTH 256

gboolean sh_stash_json_depth_ok (const char *data,
                                 gsize       size,
                                 guint       max_depth);

JsonObject *sh_stash_json_get_object  (JsonObject *object,
                                       const char *name);
JsonArray  *sh_stash_json_get_array   (JsonObject *object,
                                       const char *name);
JsonObject *sh_stash_json_get_element_object (JsonArray *array,
                                              guint      index);
const char *sh_stash_json_get_string  (JsonObject *object,
                                       const char *name);
gboolean    sh_stash_json_get_boolean (JsonObject *object,
                                       const char *name);
gboolean    sh_stash_json_get_number  (JsonObject *object,
                                       const char *name,
                                       double     *out);
gboolean    sh_stash_json_get_id      (JsonObject *object,
                                       const char *name,
                                       gint64      max,
                                       gint64     *out);

G_END_DECLS
