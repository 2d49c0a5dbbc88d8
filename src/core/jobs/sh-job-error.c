/* sh-job-error.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-job-error.h"

G_DEFINE_QUARK (sh-job-error-quark, sh_job_error)
