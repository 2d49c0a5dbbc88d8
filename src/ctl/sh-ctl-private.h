/* sh-ctl-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sh-ctl.h"
#include "sh-ctl-config.h"
#include "sh-ctl-json.h"
#include "sh-session.h"
#include "sh-stash-client.h"

G_BEGIN_DECLS

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ShCtlCommonOptions, sh_ctl_common_options_clear)

void sh_ctl_set_json_errors (gboolean      json);
int  sh_ctl_report_error    (const GError *error,
                             int           exit_status);
int  sh_ctl_fail            (const GError *error);
int  sh_ctl_usage_error     (const char   *format,
                             ...) G_GNUC_PRINTF (1, 2);
int  sh_ctl_config_error    (const char   *format,
                             ...) G_GNUC_PRINTF (1, 2);
int  sh_ctl_failure         (ShCtlError    code,
                             const char   *format,
                             ...) G_GNUC_PRINTF (2, 3);


gboolean       sh_ctl_parse_options  (const char          *command,
                                      const char          *parameter_string,
                                      const char          *summary,
                                      GOptionEntry        *common,
                                      GOptionEntry        *extra,
                                      int                 *argc,
                                      char              ***argv,
                                      int                 *exit_code);
ShStashClient *sh_ctl_make_client    (ShCtlCommonOptions  *options,
                                      int                 *exit_code);
ShSession     *sh_ctl_open_session   (ShCtlCommonOptions  *options,
                                      ShJobRecovery        recovery,
                                      int                 *exit_code);

int sh_ctl_cmd_test_connection (int argc, char **argv);
int sh_ctl_cmd_check           (int argc, char **argv);
int sh_ctl_cmd_generate        (int argc, char **argv);
int sh_ctl_cmd_process_new     (int argc, char **argv);
int sh_ctl_cmd_maintain        (int argc, char **argv);
int sh_ctl_cmd_schedule        (int argc, char **argv);
int sh_ctl_cmd_jobs            (int argc, char **argv);
int sh_ctl_cmd_job             (int argc, char **argv);
int sh_ctl_cmd_cancel          (int argc, char **argv);
int sh_ctl_cmd_retry           (int argc, char **argv);
int sh_ctl_cmd_sync            (int argc, char **argv);
int sh_ctl_cmd_scenes          (int argc, char **argv);
int sh_ctl_cmd_mark            (int argc, char **argv);

G_END_DECLS
