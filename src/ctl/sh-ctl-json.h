/* sh-ctl-json.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sh-job.h"

G_BEGIN_DECLS

void      sh_ctl_json_add_count   (JsonBuilder  *builder,
                                   const char   *name,
                                   gint64        value);
void      sh_ctl_json_add_string  (JsonBuilder  *builder,
                                   const char   *name,
                                   const char   *value);
JsonNode *sh_ctl_job_to_json      (ShJob        *job,
                                   gboolean      orphaned);
JsonNode *sh_ctl_error_to_json    (const GError *error,
                                   int           exit_status);
const char *sh_ctl_error_code     (const GError *error);
void      sh_ctl_print_json       (JsonNode     *node,
                                   gboolean      pretty);

G_END_DECLS
