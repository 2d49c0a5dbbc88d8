/* sh-config.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_CONFIG_DEFAULT_REQUEST_TIMEOUT 30

GSettings *sh_config_dup_app_settings     (void);
gboolean   sh_config_url_from_env         (void);
gboolean   sh_config_database_from_env    (void);
gboolean   sh_config_api_key_from_env     (void);
char      *sh_config_dup_url              (GSettings   *settings,
                                           const char  *given);
char      *sh_config_dup_database         (GSettings   *settings,
                                           const char  *given);
guint      sh_config_get_request_timeout  (GSettings   *settings,
                                           GError     **error);
guint      sh_config_get_failing_threshold (GSettings  *settings);
char      *sh_config_dup_trusted_fingerprint (GSettings  *settings,
                                              const char *url);
void       sh_config_trust_certificate    (GSettings   *settings,
                                           const char  *url,
                                           const char  *fingerprint);

G_END_DECLS
