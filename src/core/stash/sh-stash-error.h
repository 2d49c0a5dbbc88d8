/* sh-stash-error.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sh-text.h"

G_BEGIN_DECLS

#define SH_STASH_ERROR (sh_stash_error_quark ())

/**
 * ShStashError:
 * @SH_STASH_ERROR_CANNOT_CONNECT: the server could not be reached
 * @SH_STASH_ERROR_TLS: the server's certificate is not trusted
 * @SH_STASH_ERROR_UNAUTHORIZED: the API key is missing or wrong (HTTP 401)
 * @SH_STASH_ERROR_FORBIDDEN: the server refused access (HTTP 403)
 * @SH_STASH_ERROR_NOT_STASH: the address does not lead to a Stash server
 * @SH_STASH_ERROR_HTTP: another HTTP error status
 * @SH_STASH_ERROR_NOT_JSON: the response is not JSON
 * @SH_STASH_ERROR_GRAPHQL: the server answered with GraphQL errors
 * @SH_STASH_ERROR_BAD_RESPONSE: the JSON does not have the expected shape
 * @SH_STASH_ERROR_TIMEOUT: the server did not answer in time
 * @SH_STASH_ERROR_CONNECTION_LOST: the connection broke after the server had begun to
 *   answer
 *
 * Errors talking to a Stash server.
 */
typedef enum
{
  SH_STASH_ERROR_CANNOT_CONNECT,
  SH_STASH_ERROR_TLS,
  SH_STASH_ERROR_UNAUTHORIZED,
  SH_STASH_ERROR_FORBIDDEN,
  SH_STASH_ERROR_NOT_STASH,
  SH_STASH_ERROR_HTTP,
  SH_STASH_ERROR_NOT_JSON,
  SH_STASH_ERROR_GRAPHQL,
  SH_STASH_ERROR_BAD_RESPONSE,
  SH_STASH_ERROR_TIMEOUT,
  SH_STASH_ERROR_CONNECTION_LOST,
} ShStashError;

GQuark   sh_stash_error_quark            (void);
GError  *sh_stash_error_new_text         (ShStashError   code,
                                          ShText        *text);
const ShText *sh_stash_error_get_text    (const GError  *error);
gboolean sh_stash_error_is_unreachable   (const GError  *error);
void     sh_stash_error_set_bad_response (GError       **error,
                                          const char    *what);

G_END_DECLS
