/* sh-scheduler.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-job-manager.h"
#include "sh-schedule.h"

G_BEGIN_DECLS

/**
 * ShClockFunc:
 * @user_data: the data given with the function
 *
 * A source of the time now; tests give one that they move.
 *
 * Returns: (transfer full): the time now
 */
typedef GDateTime *(*ShClockFunc) (gpointer user_data);

#define SH_TYPE_SCHEDULER (sh_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (ShScheduler, sh_scheduler, SH, SCHEDULER, GObject)

ShScheduler  *sh_scheduler_new              (GSettings     *settings);
void          sh_scheduler_set_clock        (ShScheduler   *self,
                                             ShClockFunc    func,
                                             gpointer       user_data,
                                             GDestroyNotify destroy);
GDateTime    *sh_scheduler_dup_now          (ShScheduler   *self);
void          sh_scheduler_set_job_manager  (ShScheduler   *self,
                                             ShJobManager  *manager);
ShJobManager *sh_scheduler_get_job_manager  (ShScheduler   *self);
void          sh_scheduler_start            (ShScheduler   *self,
                                             guint          interval_seconds);
void          sh_scheduler_stop             (ShScheduler   *self);
void          sh_scheduler_tick             (ShScheduler   *self);
gboolean      sh_scheduler_is_due           (ShScheduler   *self);
GDateTime    *sh_scheduler_get_next_run     (ShScheduler   *self);
char         *sh_scheduler_dup_next_run_text (ShScheduler  *self);
ShJob        *sh_scheduler_get_job          (ShScheduler   *self);
GDateTime    *sh_scheduler_get_window_end   (ShScheduler   *self);

G_END_DECLS
