/* sh-job-error.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-job-error.h"

/* An error that StashHog wrote may carry its message untranslated, for a job to keep. */
typedef struct
{
  ShText *text;  /* (owned) (nullable) */
} ShJobErrorPrivate;

static void
sh_job_error_private_init (ShJobErrorPrivate *priv)
{
}

static void
sh_job_error_private_copy (const ShJobErrorPrivate *src_priv,
                           ShJobErrorPrivate       *dest_priv)
{
  dest_priv->text = src_priv->text != NULL ? sh_text_copy (src_priv->text) : NULL;
}

static void
sh_job_error_private_clear (ShJobErrorPrivate *priv)
{
  g_clear_pointer (&priv->text, sh_text_free);
}

G_DEFINE_EXTENDED_ERROR (ShJobError, sh_job_error)

/**
 * sh_job_error_new_text:
 * @code: a #ShJobError
 * @text: (transfer full): the message
 *
 * Returns: (transfer full): an error whose message is @text in the current language, and
 *   which keeps @text (sh_job_error_get_text())
 */
GError *
sh_job_error_new_text (ShJobError  code,
                       ShText     *text)
{
  g_autofree char *message = NULL;
  GError *error;

  g_return_val_if_fail (text != NULL, NULL);

  message = sh_text_render (text);
  error = g_error_new_literal (SH_JOB_ERROR, code, message != NULL ? message : "");
  sh_job_error_get_private (error)->text = text;

  return error;
}

/**
 * sh_job_error_get_text:
 * @error: an error
 *
 * Returns: (transfer none) (nullable): the message of an error made by
 *   sh_job_error_new_text()
 */
const ShText *
sh_job_error_get_text (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != SH_JOB_ERROR)
    return NULL;

  return sh_job_error_get_private (error)->text;
}
