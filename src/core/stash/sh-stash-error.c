/* sh-stash-error.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-stash-error.h"

/* An error that StashHog wrote may carry its message untranslated, for a job to keep. */
typedef struct
{
  ShText *text;  /* (owned) (nullable) */
} ShStashErrorPrivate;

static void
sh_stash_error_private_init (ShStashErrorPrivate *priv)
{
}

static void
sh_stash_error_private_copy (const ShStashErrorPrivate *src_priv,
                             ShStashErrorPrivate       *dest_priv)
{
  dest_priv->text = src_priv->text != NULL ? sh_text_copy (src_priv->text) : NULL;
}

static void
sh_stash_error_private_clear (ShStashErrorPrivate *priv)
{
  g_clear_pointer (&priv->text, sh_text_free);
}

G_DEFINE_EXTENDED_ERROR (ShStashError, sh_stash_error)

/**
 * sh_stash_error_new_text:
 * @code: a #ShStashError
 * @text: (transfer full): the message
 *
 * Returns: (transfer full): an error whose message is @text in the current language, and
 *   which keeps @text (sh_stash_error_get_text())
 */
GError *
sh_stash_error_new_text (ShStashError  code,
                         ShText       *text)
{
  g_autofree char *message = NULL;
  GError *error;

  g_return_val_if_fail (text != NULL, NULL);

  message = sh_text_render (text);
  error = g_error_new_literal (SH_STASH_ERROR, code, message != NULL ? message : "");
  sh_stash_error_get_private (error)->text = text;

  return error;
}

/**
 * sh_stash_error_get_text:
 * @error: an error
 *
 * Returns: (transfer none) (nullable): the message of an error made by
 *   sh_stash_error_new_text()
 */
const ShText *
sh_stash_error_get_text (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != SH_STASH_ERROR)
    return NULL;

  return sh_stash_error_get_private (error)->text;
}

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
