/* sh-job-row.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sh-job.h"
#include "sh-job-type.h"

G_BEGIN_DECLS

#define SH_TYPE_JOB_ROW (sh_job_row_get_type ())

G_DECLARE_FINAL_TYPE (ShJobRow, sh_job_row, SH, JOB_ROW, GtkListBoxRow)

GtkWidget *sh_job_row_new     (ShJob               *job,
                               const ShJobTypeInfo *info);
ShJob     *sh_job_row_get_job (ShJobRow            *self);

G_END_DECLS
