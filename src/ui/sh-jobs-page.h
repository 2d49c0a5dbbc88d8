/* sh-jobs-page.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sh-job-manager.h"
#include "sh-library-summary.h"
#include "sh-scheduler.h"

G_BEGIN_DECLS

#define SH_TYPE_JOBS_PAGE (sh_jobs_page_get_type ())

G_DECLARE_FINAL_TYPE (ShJobsPage, sh_jobs_page, SH, JOBS_PAGE, GtkWidget)

ShJobManager     *sh_jobs_page_get_manager       (ShJobsPage   *self);
void              sh_jobs_page_set_manager       (ShJobsPage   *self,
                                                  ShJobManager *manager);
void              sh_jobs_page_set_session       (ShJobsPage   *self,
                                                  ShSession    *session);
ShLibrarySummary *sh_jobs_page_get_summary       (ShJobsPage   *self);
void              sh_jobs_page_set_scheduler     (ShJobsPage   *self,
                                                  ShScheduler  *scheduler);
GListModel       *sh_jobs_page_get_active_model  (ShJobsPage   *self);
GListModel       *sh_jobs_page_get_history_model (ShJobsPage   *self);
GtkWidget        *sh_jobs_page_find_row          (ShJobsPage   *self,
                                                  const char   *job_id);

G_END_DECLS
