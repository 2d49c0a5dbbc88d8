/* sh-text.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Marks a singular and plural message pair for xgettext (po/meson.build) without
 * translating it: it expands to both strings, as the two arguments of
 * sh_text_new_plural(). */
#define SH_NP_(singular, plural) singular, plural

/* (N_() comes from glib/gi18n-lib.h or glib/gi18n.h, which the user of a macro includes.)
 *
 * The messages that StashHog writes into jobs and shows again later, in the language of
 * whoever reads them (sh_text_render()). Their conversions are only `%s`: the arguments
 * are kept as strings. Every one of them is in the table of sh-text.c; a stored message id
 * that is not is never used as a format. */

#define SH_TEXT_CANCELLED N_("Cancelled")
#define SH_TEXT_FAILED N_("Failed")
#define SH_TEXT_INTERRUPTED N_("Interrupted")
#define SH_TEXT_COMPLETED N_("Completed")
#define SH_TEXT_COMPLETED_WITH_ERRORS \
  SH_NP_("Completed with %s error", "Completed with %s errors")
#define SH_TEXT_JOB_FAILED N_("The job failed.")

#define SH_TEXT_ORPHANED \
  N_("The StashHog process that ran this job stopped (it no longer answers). Nothing was " \
     "recorded for it; run it again.")
#define SH_TEXT_ORPHANED_GENERATE_GONE \
  N_("StashHog stopped while this job was running, and Stash no longer has its job (Stash " \
     "restarted, or the job ended more than ten jobs ago). No scene was marked as " \
     "generated; run it again.")
#define SH_TEXT_STOPPED_WAITING \
  N_("StashHog stopped waiting for the job to stop.")
#define SH_TEXT_STOPPED_WAITING_STASH \
  N_("StashHog stopped waiting for Stash to confirm the stop; Stash may still be stopping " \
     "job %s. No scene was marked as generated.")
#define SH_TEXT_STOP_NOT_CONFIRMED \
  SH_NP_("Stash did not confirm the stop within %s second; its job %s may still be running. " \
         "No scene was marked as generated.", \
         "Stash did not confirm the stop within %s seconds; its job %s may still be running. " \
         "No scene was marked as generated.")
#define SH_TEXT_STASH_RESTARTED \
  N_("Stash restarted; its Generate was lost. No scene was marked as generated; run the job " \
     "again (Stash keeps what it had already generated).")
#define SH_TEXT_STASH_FORGOT_JOB \
  N_("Stash no longer knows its job %s: Stash restarted, or more than ten jobs ran after " \
     "it. The job was lost; no scene was marked as generated. Run it again (Stash keeps " \
     "what it had already generated).")
#define SH_TEXT_COULD_NOT_TELL \
  N_("StashHog could not tell whether Stash’s job %s is the Generate it started (Stash may " \
     "have restarted). No scene was marked as generated; run the job again (Stash keeps " \
     "what it had already generated).")
#define SH_TEXT_STASH_JOB_FAILED \
  N_("Stash reported that the Generate job failed: %s. No scene was marked as generated.")
#define SH_TEXT_STASH_JOB_FAILED_SILENTLY \
  N_("Stash reported that the Generate job failed without saying why; Stash’s log has the " \
     "details. No scene was marked as generated.")
#define SH_TEXT_UNREACHABLE_TOO_LONG \
  SH_NP_("Stash was unreachable for more than %s second (%s). No scene was marked as " \
         "generated; when Stash is back, run the job again.", \
         "Stash was unreachable for more than %s seconds (%s). No scene was marked as " \
         "generated; when Stash is back, run the job again.")
#define SH_TEXT_POLL_FAILED_TOO_LONG \
  SH_NP_("Asking Stash about its job %s kept failing for more than %s second (%s). No " \
         "scene was marked as generated; when Stash answers again, run the job again.", \
         "Asking Stash about its job %s kept failing for more than %s seconds (%s). No " \
         "scene was marked as generated; when Stash answers again, run the job again.")
#define SH_TEXT_NOT_READY \
  N_("Stash is not ready (its status is %s); finish its setup or migration first.")
#define SH_TEXT_NO_FFMPEG \
  N_("Stash cannot generate: it has no ffmpeg or ffprobe. Install them on the Stash server, " \
     "or set their paths in Stash’s settings.")
#define SH_TEXT_STILL_LACKING \
  SH_NP_("%s of %s scene still lacks media after Stash’s Generate; nothing was marked as " \
         "generated. Stash’s error is shown with each failed scene; retry them once it is " \
         "fixed.", \
         "%s of %s scenes still lack media after Stash’s Generate; nothing was marked as " \
         "generated. Stash’s error is shown with each failed scene; retry them once it is " \
         "fixed.")
#define SH_TEXT_STEP_FAILED N_("Step %s (%s) failed: %s")
#define SH_TEXT_STEP_WAIT_QUEUE N_("Waiting for Stash’s queue to empty")
#define SH_TEXT_STEP_SCAN N_("Scanning the library in Stash")
#define SH_TEXT_STEP_SYNC N_("Syncing scenes")
#define SH_TEXT_STEP_CHECK N_("Checking the scenes not known to be complete")
#define SH_TEXT_STEP_GENERATE N_("Generating the missing media")
#define SH_TEXT_STEP_SYNC_NEW N_("Syncing new scenes")
#define SH_TEXT_STEP_GENERATE_NEW N_("Generating media for the new scenes")
#define SH_TEXT_STEP_CHECK_NEW N_("Checking the new scenes")
#define SH_TEXT_CANNOT_CONNECT \
  N_("Cannot connect to Stash at %s: %s. Check that the server is running and the address " \
     "is right.")
#define SH_TEXT_CONNECTION_FAILED \
  N_("The connection to Stash at %s failed: %s.")

/**
 * ShText:
 *
 * A message as StashHog wrote it, untranslated: its message id (and plural id with the
 * number that chooses the form) and its arguments as strings. Kept beside the translated
 * text that a job stores, so that a reader in another language sees it in theirs.
 */
typedef struct _ShText ShText;

ShText     *sh_text_new          (const char    *msgid,
                                  ...) G_GNUC_NULL_TERMINATED;
ShText     *sh_text_new_plural   (const char    *msgid,
                                  const char    *msgid_plural,
                                  guint64        n,
                                  ...) G_GNUC_NULL_TERMINATED;
ShText     *sh_text_copy         (const ShText  *text);
void        sh_text_free         (ShText        *text);
void        sh_text_set_nested   (ShText        *text,
                                  guint          index,
                                  ShText        *nested);
char       *sh_text_render       (const ShText  *text);
gboolean    sh_text_says         (const ShText  *text,
                                  const char    *string);
JsonObject *sh_text_to_json      (const ShText  *text);
ShText     *sh_text_from_json    (JsonObject    *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShText, sh_text_free)

/**
 * SH_DEFINE_TEXT_ERROR:
 * @ErrorType: the error enum of a domain, such as `ShJobError`
 * @error_type: its prefix, such as `sh_job_error`
 *
 * Defines an error domain (G_DEFINE_EXTENDED_ERROR(): `error_type_quark()`) whose errors
 * may carry their message untranslated, for a job to keep: `error_type_new_text (code,
 * text)` makes one (its message is @text in the current language), and
 * `error_type_get_text (error)` returns the #ShText of one, or %NULL. Copies keep it.
 */
#define SH_DEFINE_TEXT_ERROR(ErrorType, error_type) \
  typedef struct { ShText *text; } ErrorType##Private; \
  static void \
  error_type##_private_init (ErrorType##Private *priv) \
  { \
  } \
  static void \
  error_type##_private_copy (const ErrorType##Private *src_priv, \
                             ErrorType##Private       *dest_priv) \
  { \
    dest_priv->text = src_priv->text != NULL ? sh_text_copy (src_priv->text) : NULL; \
  } \
  static void \
  error_type##_private_clear (ErrorType##Private *priv) \
  { \
    g_clear_pointer (&priv->text, sh_text_free); \
  } \
  G_DEFINE_EXTENDED_ERROR (ErrorType, error_type) \
  GError * \
  error_type##_new_text (ErrorType  code, \
                         ShText    *text) \
  { \
    g_autofree char *message = NULL; \
    GError *error; \
    g_return_val_if_fail (text != NULL, NULL); \
    message = sh_text_render (text); \
    error = g_error_new_literal (error_type##_quark (), code, message != NULL ? message : ""); \
    error_type##_get_private (error)->text = text; \
    return error; \
  } \
  const ShText * \
  error_type##_get_text (const GError *error) \
  { \
    g_return_val_if_fail (error != NULL, NULL); \
    if (error->domain != error_type##_quark ()) \
      return NULL; \
    return error_type##_get_private (error)->text; \
  }

G_END_DECLS
