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

int sh_ctl_main (int    argc,
                 char **argv);

G_END_DECLS
