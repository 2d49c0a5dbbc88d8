/* sh-job-details-window.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sh-job.h"
#include "sh-job-type.h"

G_BEGIN_DECLS

#define SH_TYPE_JOB_DETAILS_WINDOW (sh_job_details_window_get_type ())

G_DECLARE_FINAL_TYPE (ShJobDetailsWindow, sh_job_details_window, SH, JOB_DETAILS_WINDOW, AdwWindow)

ShJobDetailsWindow *sh_job_details_window_new     (GtkWindow           *parent);
ShJob              *sh_job_details_window_get_job (ShJobDetailsWindow  *self);
void                sh_job_details_window_set_job (ShJobDetailsWindow  *self,
                                                   ShJob               *job,
                                                   const ShJobTypeInfo *info);
void                sh_job_details_window_add_toast (ShJobDetailsWindow *self,
                                                     AdwToast           *toast);

G_END_DECLS
