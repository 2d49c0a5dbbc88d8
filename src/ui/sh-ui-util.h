/* sh-ui-util.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sh-job.h"
#include "sh-job-type.h"

G_BEGIN_DECLS

char       *sh_format_duration        (gint64               seconds);
char       *sh_format_duration_words  (gint64               seconds);
char       *sh_format_eta             (gint64               seconds);
char       *sh_format_time            (gint64               usec);
const char *sh_job_status_label       (ShJobStatus          status);
const char *sh_job_status_css_class   (ShJobStatus          status);
gboolean    sh_job_completed_with_errors (ShJob             *job);
const char *sh_job_outcome_label      (ShJob               *job);
const char *sh_job_outcome_css_class  (ShJob               *job);
const char *sh_job_type_css_class     (const char          *type);
const char *sh_job_type_label         (const ShJobTypeInfo *info,
                                       ShJob               *job);
const char *sh_job_type_icon_name     (const ShJobTypeInfo *info);
char       *sh_format_count           (gint64               count);
char       *sh_job_format_counts      (ShJob               *job,
                                       const ShJobTypeInfo *info);
gint64      sh_job_get_scenes_updated (ShJob               *job);

G_END_DECLS
