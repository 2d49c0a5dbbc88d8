/* sh-job-error.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sh-text.h"

G_BEGIN_DECLS

#define SH_JOB_ERROR (sh_job_error_quark ())

/**
 * ShJobError:
 * @SH_JOB_ERROR_INVALID_PARAMETERS: the parameters are not valid for the job type
 * @SH_JOB_ERROR_UNKNOWN_TYPE: no such job type
 * @SH_JOB_ERROR_CONFLICT: a job of the same type is already active for the server
 * @SH_JOB_ERROR_NOT_FOUND: no such job
 * @SH_JOB_ERROR_NOT_RETRYABLE: only failed and cancelled jobs can be retried
 * @SH_JOB_ERROR_STASH_FAILED: Stash reported that its job failed
 * @SH_JOB_ERROR_STASH_LOST: Stash no longer knows the job (it restarted)
 * @SH_JOB_ERROR_STASH_UNREACHABLE: Stash stayed unreachable past the grace period
 * @SH_JOB_ERROR_INTERRUPTED: StashHog stopped while the job ran
 * @SH_JOB_ERROR_NOT_READY: Stash cannot generate (no ffmpeg, setup or migration needed)
 * @SH_JOB_ERROR_STOP_TIMEOUT: Stash did not confirm a stop in time
 * @SH_JOB_ERROR_NOT_OWNER: the job runs in another process
 */
typedef enum
{
  SH_JOB_ERROR_INVALID_PARAMETERS,
  SH_JOB_ERROR_UNKNOWN_TYPE,
  SH_JOB_ERROR_CONFLICT,
  SH_JOB_ERROR_NOT_FOUND,
  SH_JOB_ERROR_NOT_RETRYABLE,
  SH_JOB_ERROR_STASH_FAILED,
  SH_JOB_ERROR_STASH_LOST,
  SH_JOB_ERROR_STASH_UNREACHABLE,
  SH_JOB_ERROR_INTERRUPTED,
  SH_JOB_ERROR_NOT_READY,
  SH_JOB_ERROR_STOP_TIMEOUT,
  SH_JOB_ERROR_NOT_OWNER,
} ShJobError;

GQuark        sh_job_error_quark    (void);
GError       *sh_job_error_new_text (ShJobError    code,
                                     ShText       *text);
const ShText *sh_job_error_get_text (const GError *error);

G_END_DECLS
