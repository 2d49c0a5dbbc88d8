/* sh-ctl.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of stashhogctl. */
typedef enum
{
  SH_CTL_EXIT_OK        = 0,
  SH_CTL_EXIT_FAILED    = 1,
  SH_CTL_EXIT_USAGE     = 2,
  SH_CTL_EXIT_CANCELLED = 3,
} ShCtlExit;

#define SH_CTL_ERROR (sh_ctl_error_quark ())

/**
 * ShCtlError:
 * @SH_CTL_ERROR_USAGE: the command line is wrong (exit 2)
 * @SH_CTL_ERROR_CONFIGURATION: where to connect, or the database, is not configured or
 *   not usable (exit 2)
 * @SH_CTL_ERROR_JOB_NOT_ACTIVE: the job to cancel is not running (exit 1)
 * @SH_CTL_ERROR_SYSTEM: a file of the system could not be written or removed (exit 1)
 *
 * The errors that stashhogctl finds itself.
 */
typedef enum
{
  SH_CTL_ERROR_USAGE,
  SH_CTL_ERROR_CONFIGURATION,
  SH_CTL_ERROR_JOB_NOT_ACTIVE,
  SH_CTL_ERROR_SYSTEM,
} ShCtlError;

GQuark sh_ctl_error_quark (void);

int sh_ctl_main (int    argc,
                 char **argv);

G_END_DECLS
