/* sh-job-types.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-job-type.h"
#include "sh-types.h"

G_BEGIN_DECLS

/* One per job type file; the names are SH_JOB_TYPE_* of sh-types.h. */
const ShJobTypeInfo *sh_sync_job_get_info         (void);
const ShJobTypeInfo *sh_check_job_get_info        (void);
const ShJobTypeInfo *sh_generate_job_get_info     (void);
const ShJobTypeInfo *sh_process_new_job_get_info  (void);
const ShJobTypeInfo *sh_maintenance_job_get_info  (void);

void                 sh_job_types_register_all    (ShJobManager *manager);

G_END_DECLS
