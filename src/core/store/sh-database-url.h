/* sh-database-url.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ShDatabaseUrl:
 * @provider: the libgda provider name, `SQLite` or `PostgreSQL`
 * @cnc_string: the libgda connection string, without credentials
 * @username: (nullable): the user name for PostgreSQL
 * @password: (nullable): the password, if the URL carried one
 *
 * A database location parsed from the user's setting.
 */
typedef struct
{
  char *provider;
  char *cnc_string;
  char *username;
  char *password;
} ShDatabaseUrl;

ShDatabaseUrl *sh_database_url_parse          (const char     *url,
                                               GError        **error);
char          *sh_database_url_get_auth_string (ShDatabaseUrl *self);
void           sh_database_url_free           (ShDatabaseUrl  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShDatabaseUrl, sh_database_url_free)

G_END_DECLS
