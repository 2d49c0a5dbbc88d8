/* sh-job-types.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one list of StashHog's job types: a new type is a file of its own in jobs/ and a
 * line here (see the seed's adding-new-jobs.md).
 */

#include "config.h"

#include "sh-job-manager.h"
#include "sh-job-types.h"

/**
 * sh_job_types_register_all:
 * @manager: a new job manager
 *
 * Registers every job type with @manager.
 */
void
sh_job_types_register_all (ShJobManager *manager)
{
  const ShJobTypeInfo *types[] = {
    sh_sync_job_get_info (),
    sh_check_job_get_info (),
    sh_generate_job_get_info (),
    sh_process_new_job_get_info (),
    sh_maintenance_job_get_info (),
  };

  g_return_if_fail (SH_IS_JOB_MANAGER (manager));

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    sh_job_manager_register_type (manager, types[i]);
}
