/* sh-media-checker.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sh-stash-client.h"

G_BEGIN_DECLS

/**
 * ShMediaKind:
 * @SH_MEDIA_COVER: the scene's cover
 * @SH_MEDIA_SPRITE: the scrubber sprite image
 * @SH_MEDIA_VTT: the WebVTT index of the sprite
 * @SH_MEDIA_PREVIEW: the mp4 preview
 * @SH_MEDIA_WEBP: the animated webp preview
 * @SH_MEDIA_PHASH: the perceptual hash of the primary file
 * @SH_MEDIA_HEATMAP: the heatmap and speed of an interactive scene
 * @SH_MEDIA_MARKER_VIDEO: the mp4 preview of every marker
 * @SH_MEDIA_MARKER_SCREENSHOT: the screenshot of every marker
 * @SH_MEDIA_MARKER_WEBP: the animated webp preview of every marker
 * @SH_MEDIA_DEFAULT: what a Generate with the seed's default options produces (covers,
 *   sprites, previews, phashes, markers and marker screenshots)
 * @SH_MEDIA_ALL: every kind
 *
 * Kinds of media that Stash's Generate task produces for a scene, as flags. The bit
 * position of a kind is its index in #ShMediaCheckResult's arrays.
 */
typedef enum
{
  SH_MEDIA_COVER             = 1 << 0,
  SH_MEDIA_SPRITE            = 1 << 1,
  SH_MEDIA_VTT               = 1 << 2,
  SH_MEDIA_PREVIEW           = 1 << 3,
  SH_MEDIA_WEBP              = 1 << 4,
  SH_MEDIA_PHASH             = 1 << 5,
  SH_MEDIA_HEATMAP           = 1 << 6,
  SH_MEDIA_MARKER_VIDEO      = 1 << 7,
  SH_MEDIA_MARKER_SCREENSHOT = 1 << 8,
  SH_MEDIA_MARKER_WEBP       = 1 << 9,

  SH_MEDIA_DEFAULT = SH_MEDIA_COVER | SH_MEDIA_SPRITE | SH_MEDIA_VTT | SH_MEDIA_PREVIEW |
                     SH_MEDIA_PHASH | SH_MEDIA_MARKER_VIDEO | SH_MEDIA_MARKER_SCREENSHOT,
  SH_MEDIA_ALL     = (1 << 10) - 1,
} ShMediaKind;

#define SH_MEDIA_N_KINDS 10

const char  *sh_media_kind_to_string     (ShMediaKind          single_kind);
char        *sh_media_kind_dup_labels    (const char          *names);
gboolean     sh_media_kinds_from_strings (const char * const  *names,
                                          ShMediaKind         *out,
                                          GError             **error);

/**
 * ShMediaCheckResult:
 * @kinds: the kinds that were checked
 * @complete: (element-type gint64): ids of the scenes that miss none of @kinds, ascending
 * @incomplete: (element-type gint64): ids of the scenes that miss at least one, ascending
 * @incomplete_missing: (element-type guint): for each of @incomplete, the #ShMediaKind
 *   it misses
 * @missing_count: per kind (index = bit position), the number of scenes that miss it
 * @samples: (element-type gint64): per kind, up to five ids of scenes that miss it
 * @checked: scenes checked; given ids that Stash does not have are not counted (and are
 *   in neither list)
 * @requests: HTTP probes of media files made
 *
 * What a check found. Only the id lists grow with the library.
 */
typedef struct
{
  ShMediaKind  kinds;
  GArray      *complete;
  GArray      *incomplete;
  GArray      *incomplete_missing;
  guint64      missing_count[SH_MEDIA_N_KINDS];
  GArray      *samples[SH_MEDIA_N_KINDS];
  guint64      checked;
  guint64      requests;
} ShMediaCheckResult;

void      sh_media_check_result_free    (ShMediaCheckResult       *result);
JsonNode *sh_media_check_result_to_json (const ShMediaCheckResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMediaCheckResult, sh_media_check_result_free)

/**
 * ShMediaCheckProgress:
 * @checked: scenes checked so far (given ids that Stash does not have included)
 * @total: scenes to check, as far as known
 * @user_data: data passed to sh_media_checker_run_async()
 *
 * Called on the caller's main context at most about ten times a second, and once at the
 * end of a successful run.
 */
typedef void (*ShMediaCheckProgress) (guint64  checked,
                                      guint64  total,
                                      gpointer user_data);

#define SH_MEDIA_CHECKER_DEFAULT_MAX_IN_FLIGHT 8
#define SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE     250

#define SH_TYPE_MEDIA_CHECKER (sh_media_checker_get_type ())

G_DECLARE_FINAL_TYPE (ShMediaChecker, sh_media_checker, SH, MEDIA_CHECKER, GObject)

ShMediaChecker     *sh_media_checker_new               (ShStashClient         *client,
                                                        ShMediaKind            kinds);
ShMediaKind         sh_media_checker_get_kinds         (ShMediaChecker        *self);
guint               sh_media_checker_get_max_in_flight (ShMediaChecker        *self);
void                sh_media_checker_set_max_in_flight (ShMediaChecker        *self,
                                                        guint                  n);
void                sh_media_checker_run_async         (ShMediaChecker        *self,
                                                        const gint64          *scene_ids,
                                                        guint                  n_ids,
                                                        ShMediaCheckProgress   progress,
                                                        gpointer               progress_data,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
ShMediaCheckResult *sh_media_checker_run_finish        (ShMediaChecker        *self,
                                                        GAsyncResult          *result,
                                                        GError               **error);

G_END_DECLS

#include "sh-core-enums.h"
