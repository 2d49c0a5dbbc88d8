/* sh-store-error.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SH_STORE_ERROR (sh_store_error_quark ())

/**
 * ShStoreError:
 * @SH_STORE_ERROR_OPEN: the database could not be opened or reached (bad address, missing
 *   permissions, server down, wrong password), or it has been closed
 * @SH_STORE_ERROR_MIGRATION: the schema could not be created or upgraded, or the database
 *   was written by a newer StashHog
 * @SH_STORE_ERROR_QUERY: a statement failed
 * @SH_STORE_ERROR_CONSTRAINT: a statement would break a unique constraint, such as a second
 *   active job of an exclusive type for the same server
 * @SH_STORE_ERROR_CORRUPT: the file is not a database, or the database is damaged
 * @SH_STORE_ERROR_CONNECTION_LOST: the connection to the database server was lost (the
 *   server restarted, or the network failed) and could not be made again yet; a
 *   transaction it cut was rolled back by the server. StashHog reconnects by itself.
 *
 * Errors of the database layer. Messages are full sentences a user can act on.
 */
typedef enum
{
  SH_STORE_ERROR_OPEN,
  SH_STORE_ERROR_MIGRATION,
  SH_STORE_ERROR_QUERY,
  SH_STORE_ERROR_CONSTRAINT,
  SH_STORE_ERROR_CORRUPT,
  SH_STORE_ERROR_CONNECTION_LOST,
} ShStoreError;

GQuark sh_store_error_quark (void);

G_END_DECLS
