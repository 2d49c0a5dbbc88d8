/* sh-ctl-config.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where stashhogctl's settings come from: options, then the environment, then the
 * desktop app's GSettings and keyring. */
typedef struct
{
  char     *url;        /* the option --url */
  char     *database;   /* the option --database */
  gboolean  json;       /* the option --json */
} ShCtlCommonOptions;

#define SH_CTL_DEFAULT_REQUEST_TIMEOUT 30

GOptionEntry *sh_ctl_common_option_entries (ShCtlCommonOptions *options);
void          sh_ctl_common_options_clear  (ShCtlCommonOptions *options);

char    *sh_ctl_resolve_url      (ShCtlCommonOptions  *options,
                                  GError             **error);
char    *sh_ctl_resolve_database (ShCtlCommonOptions  *options);
guint    sh_ctl_resolve_request_timeout (GError      **error);
guint    sh_ctl_resolve_failing_threshold (void);
GSettings *sh_ctl_app_settings   (void);
char    *sh_ctl_lookup_api_key   (const char          *url);
char    *sh_ctl_lookup_database_password (const char  *database);
char    *sh_ctl_lookup_trusted_fingerprint (const char *url);
void     sh_ctl_store_result     (GObject             *object,
                                  GAsyncResult        *result,
                                  gpointer             user_data);
gpointer sh_ctl_wait             (GAsyncResult       **result);

G_END_DECLS
