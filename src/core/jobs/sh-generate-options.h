/* sh-generate-options.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sh-media-checker.h"

G_BEGIN_DECLS

/* Past this many scenes, a Generate targets every scene that is not generated instead of
 * listing their ids (the same scenes, or more, without a huge job row and Stash request). */
#define SH_GENERATE_MAX_LISTED_SCENES 5000

/* The preview options' defaults, as Stash configures them (config.go) and the seed says:
 * the one place the dialog, stashhogctl's help and the request take them from. */
#define SH_GENERATE_DEFAULT_PREVIEW_SEGMENTS          12
#define SH_GENERATE_DEFAULT_PREVIEW_SEGMENT_DURATION  0.75
#define SH_GENERATE_DEFAULT_PREVIEW_EXCLUDE           "0"
#define SH_GENERATE_DEFAULT_PREVIEW_PRESET            "slow"

/**
 * ShGenerateOption:
 * @name: Stash's name, such as `covers`
 * @default_value: the seed's default
 * @label: a translatable label (N_())
 * @description: a translatable short explanation (N_())
 */
typedef struct
{
  const char *name;
  gboolean    default_value;
  const char *label;
  const char *description;
} ShGenerateOption;

const ShGenerateOption *sh_generate_options_get_all       (guint       *n_options);
const char * const     *sh_generate_options_get_presets   (void);
gboolean                sh_generate_options_is_valid_exclude (const char *value);
gboolean                sh_generate_options_validate      (JsonObject  *parameters,
                                                           GError     **error);
JsonNode               *sh_generate_options_to_input      (JsonObject  *parameters,
                                                           GArray      *scene_ids);
ShMediaKind             sh_generate_options_get_kinds     (JsonObject  *parameters);
GArray                 *sh_generate_options_dup_scene_ids (JsonObject  *parameters);

G_END_DECLS
