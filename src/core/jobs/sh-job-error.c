/* sh-job-error.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-job-error.h"

/* An error that StashHog wrote may carry its message untranslated, for a job to keep:
 * sh_job_error_new_text(), sh_job_error_get_text(). */
SH_DEFINE_TEXT_ERROR (ShJobError, sh_job_error)
