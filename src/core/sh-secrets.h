/* sh-secrets.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ShSecretKind:
 * @SH_SECRET_API_KEY: a Stash API key, keyed by the server's address
 * @SH_SECRET_DATABASE_PASSWORD: a PostgreSQL password, keyed by the database address
 */
typedef enum
{
  SH_SECRET_API_KEY,
  SH_SECRET_DATABASE_PASSWORD,
} ShSecretKind;

void     sh_secrets_lookup_async  (ShSecretKind          kind,
                                   const char           *url,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char    *sh_secrets_lookup_finish (GAsyncResult         *result,
                                   GError              **error);
void     sh_secrets_store_async   (ShSecretKind          kind,
                                   const char           *url,
                                   const char           *secret,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean sh_secrets_store_finish  (GAsyncResult         *result,
                                   GError              **error);
void     sh_secrets_clear_async   (ShSecretKind          kind,
                                   const char           *url,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean sh_secrets_clear_finish  (GAsyncResult         *result,
                                   GError              **error);

G_END_DECLS
