/* sh-ctl-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sh-ctl-config.h"

G_BEGIN_DECLS

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ShCtlCommonOptions, sh_ctl_common_options_clear)

int sh_ctl_usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);
int sh_ctl_failure     (const char *format, ...) G_GNUC_PRINTF (1, 2);

int sh_ctl_cmd_test_connection (int argc, char **argv);
int sh_ctl_cmd_sync            (int argc, char **argv);
int sh_ctl_cmd_scenes          (int argc, char **argv);

G_END_DECLS
