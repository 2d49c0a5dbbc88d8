/* sh-stash-error.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-stash-error.h"

/* An error that StashHog wrote may carry its message untranslated, for a job to keep:
 * sh_stash_error_new_text(), sh_stash_error_get_text(). */
SH_DEFINE_TEXT_ERROR (ShStashError, sh_stash_error)

/**
 * sh_stash_error_is_unreachable:
 * @error: (nullable): an error from a Stash operation
 *
 * Whether @error means that Stash could not be reached at all: the connection was refused
 * or reset, the name did not resolve, or no secure connection could be made. A server that
 * answered, however badly (an HTTP error from a proxy, a timeout, a page that is not JSON),
 * was reached.
 *
 * Returns: %TRUE for %SH_STASH_ERROR_CANNOT_CONNECT and %SH_STASH_ERROR_TLS
 */
gboolean
sh_stash_error_is_unreachable (const GError *error)
{
  return g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT) ||
         g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_TLS);
}

/**
 * sh_stash_error_set_bad_response:
 * @error: return location for a #GError
 * @what: a translated phrase saying what is wrong, such as “the scene list is missing”
 *
 * Sets %SH_STASH_ERROR_BAD_RESPONSE for an answer that is JSON but not of the shape the
 * operation expects.
 */
void
sh_stash_error_set_bad_response (GError     **error,
                                 const char  *what)
{
  g_return_if_fail (what != NULL);

  g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
               _("Stash sent an unexpected answer: %s."), what);
}
