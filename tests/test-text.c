/* test-text.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShText: StashHog's messages kept untranslated and shown again in the reader's language;
 * what comes back from a database is used as a format only when it is one of the known
 * messages with as many strings as it takes. The errors that carry them, and what a job
 * keeps of them.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-job.h"
#include "sh-job-error.h"
#include "sh-stash-error.h"
#include "sh-test-utils.h"
#include "sh-text.h"

#define ORPHANED_DE \
  "Der StashHog-Prozess, der diesen Auftrag ausgeführt hat, wurde beendet (er antwortet " \
  "nicht mehr). Für ihn wurde nichts gespeichert; führen Sie ihn erneut aus."

static ShText *
parse_text (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return sh_text_from_json (json_node_get_object (node));
}

static char *
render_json (const char *json)
{
  g_autoptr(ShText) text = parse_text (json);

  return text != NULL ? sh_text_render (text) : NULL;
}

static void
test_text_render (void)
{
  g_autoptr(ShText) plain = sh_text_new (SH_TEXT_COULD_NOT_TELL, "17", NULL);
  g_autoptr(ShText) one = sh_text_new_plural (SH_TEXT_STILL_LACKING, 1, "1", "40", NULL);
  g_autoptr(ShText) many = sh_text_new_plural (SH_TEXT_STILL_LACKING, 2, "2", "40", NULL);
  g_autoptr(ShText) copy = NULL;
  g_autoptr(ShText) back = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;

  text = sh_text_render (plain);
  g_assert_nonnull (g_strstr_len (text, -1, "whether Stash’s job 17 is the Generate"));
  g_clear_pointer (&text, g_free);

  text = sh_text_render (one);
  g_assert_true (g_str_has_prefix (text, "1 of 40 scene still lacks media"));
  g_clear_pointer (&text, g_free);
  text = sh_text_render (many);
  g_assert_true (g_str_has_prefix (text, "2 of 40 scenes still lack media"));

  /* Kept as JSON and read back, it says the same. */
  object = sh_text_to_json (many);
  g_assert_cmpint (json_object_get_int_member (object, "n"), ==, 2);
  back = sh_text_from_json (object);
  again = sh_text_render (back);
  g_assert_cmpstr (again, ==, text);
  copy = sh_text_copy (back);
  g_assert_true (sh_text_says (copy, text));
  g_assert_false (sh_text_says (copy, "Something else"));
  g_assert_false (sh_text_says (NULL, text));
}

/* A message id from the database is never a format of its own: only the known ones, with
 * exactly the strings they take. */
static void
test_text_tampered (void)
{
  static const char * const refused[] = {
    "{\"msgid\": \"%n\", \"args\": []}",
    "{\"msgid\": \"%s%n\", \"args\": [\"a\"]}",
    "{\"msgid\": \"Not one of StashHog’s messages %s\", \"args\": [\"a\"]}",
    /* Known, with one string too many or too few. */
    "{\"msgid\": \"Stash is not ready (its status is %s); finish its setup or migration "
    "first.\", \"args\": []}",
    "{\"msgid\": \"Stash is not ready (its status is %s); finish its setup or migration "
    "first.\", \"args\": [\"a\", \"%n\"]}",
    /* A known singular with another plural. */
    "{\"msgid\": \"Completed with %s error\", \"msgid_plural\": \"%n\", \"n\": 2, "
    "\"args\": [\"2\"]}",
  };
  static const char * const malformed[] = {
    "{\"args\": []}",
    "{\"msgid\": 3, \"args\": []}",
    "{\"msgid\": \"Cancelled\"}",
    "{\"msgid\": \"Cancelled\", \"args\": [1]}",
    "{\"msgid\": \"Completed with %s error\", \"msgid_plural\": \"Completed with %s errors\", "
    "\"n\": -1, \"args\": [\"2\"]}",
    "{\"msgid\": \"Completed with %s error\", \"msgid_plural\": \"Completed with %s errors\", "
    "\"args\": [\"2\"]}",
  };
  g_autofree char *fine = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *text = render_json (refused[i]);

      g_test_message ("%s", refused[i]);
      g_assert_null (text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(ShText) text = parse_text (malformed[i]);

      g_test_message ("%s", malformed[i]);
      g_assert_null (text);
    }

  /* An argument is a string, never a format. */
  fine = render_json ("{\"msgid\": \"Stash is not ready (its status is %s); finish its setup "
                      "or migration first.\", \"args\": [\"%n%s\"]}");
  g_assert_cmpstr (fine, ==, "Stash is not ready (its status is %n%s); finish its setup or "
                             "migration first.");
}

/* An argument may be a message of its own (a workflow's step and its error): shown in the
 * reader's language, or as written when it cannot be. */
static void
test_text_nested (void)
{
  g_autoptr(ShText) text = sh_text_new (SH_TEXT_STEP_FAILED, "2", "Syncing scenes",
                                        "Stash restarted; …", NULL);
  g_autoptr(ShText) back = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autofree char *english = NULL;
  g_autofree char *german = NULL;
  g_autofree char *written = NULL;
  g_autofree char *deeper = NULL;

  sh_text_set_nested (text, 1, sh_text_new (SH_TEXT_STEP_SYNC, NULL));
  sh_text_set_nested (text, 2, sh_text_new (SH_TEXT_ORPHANED, NULL));
  english = sh_text_render (text);
  g_assert_true (g_str_has_prefix (english, "Step 2 (Syncing scenes) failed: The StashHog "
                                            "process that ran this job stopped"));

  object = sh_text_to_json (text);
  node = json_node_init_object (json_node_alloc (), object);
  json = json_to_string (node, FALSE);
  back = parse_text (json);
  g_assert_nonnull (back);
  sh_test_set_language ("de");
  german = sh_text_render (back);
  sh_test_set_language (NULL);
  g_assert_nonnull (g_strstr_len (german, -1, "(Szenen werden abgeglichen)"));
  g_assert_nonnull (g_strstr_len (german, -1, ORPHANED_DE));

  /* A nested message that is not one is shown as written. */
  written = render_json ("{\"msgid\": \"Step %s (%s) failed: %s\", \"args\": [\"2\", "
                         "{\"written\": \"Syncing\", \"text\": {\"msgid\": \"%n\", "
                         "\"args\": []}}, \"why\"]}");
  g_assert_cmpstr (written, ==, "Step 2 (Syncing) failed: why");
  /* One level only. */
  deeper = render_json ("{\"msgid\": \"Step %s (%s) failed: %s\", \"args\": [\"2\", \"s\", "
                        "{\"written\": \"w\", \"text\": {\"msgid\": \"Step %s (%s) failed: "
                        "%s\", \"args\": [\"1\", \"s\", {\"written\": \"w\", \"text\": "
                        "{\"msgid\": \"Cancelled\", \"args\": []}}]}}]}");
  g_assert_null (deeper);
}

static void
test_text_errors (void)
{
  g_autoptr(GError) error = sh_job_error_new_text (SH_JOB_ERROR_STASH_LOST,
                                                   sh_text_new (SH_TEXT_STASH_RESTARTED, NULL));
  g_autoptr(GError) stash_error = NULL;
  g_autoptr(GError) copy = NULL;

  g_assert_true (g_error_matches (error, SH_JOB_ERROR, SH_JOB_ERROR_STASH_LOST));
  g_assert_true (g_str_has_prefix (error->message, "Stash restarted; its Generate was lost."));
  g_assert_true (sh_text_says (sh_job_error_get_text (error), error->message));
  g_assert_null (sh_stash_error_get_text (error));

  /* Copies keep it (a GTask may copy an error); a prefix makes it say something else. */
  copy = g_error_copy (error);
  g_assert_true (sh_text_says (sh_job_error_get_text (copy), copy->message));
  g_prefix_error (&copy, "Before: ");
  g_assert_false (sh_text_says (sh_job_error_get_text (copy), copy->message));

  stash_error = sh_stash_error_new_text (SH_STASH_ERROR_CANNOT_CONNECT,
                                         sh_text_new (SH_TEXT_CANNOT_CONNECT,
                                                      "http://stash.local:9999",
                                                      "Connection refused", NULL));
  g_assert_true (sh_stash_error_is_unreachable (stash_error));
  g_assert_cmpstr (stash_error->message, ==, "Cannot connect to Stash at http://stash.local:9999: "
                   "Connection refused. Check that the server is running and the address is "
                   "right.");
  g_assert_true (sh_text_says (sh_stash_error_get_text (stash_error), stash_error->message));
  g_assert_null (sh_job_error_get_text (stash_error));
}

static ShJob *
failed_job (const char *error)
{
  g_autoptr(ShJobRecord) record = sh_job_record_new ();

  record->id = g_strdup ("0b0c5e0e-4a43-4c9e-9a4e-2f1c0d3e4f50");
  record->type = g_strdup ("sync_scenes");
  record->status = g_strdup ("failed");
  record->message = g_strdup ("Failed");
  record->error = g_strdup (error);

  return sh_job_new_from_record (record);
}

/* A job keeps a message only beside the text it says; readers of its result do not see
 * it; the stored texts are what the JSON prints. */
static void
test_text_job (void)
{
  g_autoptr(ShText) orphaned = sh_text_new (SH_TEXT_ORPHANED, NULL);
  g_autoptr(ShText) failed = sh_text_new (SH_TEXT_FAILED, NULL);
  g_autofree char *english = sh_text_render (orphaned);
  g_autoptr(ShJob) job = failed_job (english);
  g_autoptr(ShJob) other = failed_job ("Stash: open /media/a.mp4: permission denied");
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *message = NULL;

  sh_job_set_texts (job, failed, orphaned);
  g_assert_null (sh_job_dup_result (job));
  json = sh_job_to_json (job);
  g_assert_true (json_object_get_null_member (json_node_get_object (json), "result"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "error"), ==,
                   english);

  /* In German. */
  sh_test_set_language ("de");
  shown = sh_job_dup_error_display (job);
  message = sh_job_dup_message_display (job);
  sh_test_set_language (NULL);
  g_assert_cmpstr (shown, ==, ORPHANED_DE);
  g_assert_cmpstr (message, ==, "Fehlgeschlagen");
  g_clear_pointer (&shown, g_free);

  /* Not what the job stores: not kept, the stored text is shown. */
  sh_job_set_result (other, NULL);
  sh_job_set_texts (other, NULL, orphaned);
  g_assert_null (sh_job_get_record (other)->result);
  sh_test_set_language ("de");
  shown = sh_job_dup_error_display (other);
  sh_test_set_language (NULL);
  g_assert_cmpstr (shown, ==, "Stash: open /media/a.mp4: permission denied");

  /* Beside a result, which readers see without it. */
  result = json_object_new ();
  json_object_set_string_member (result, "status", "failed");
  sh_job_set_result (job, result);
  sh_job_set_texts (job, failed, orphaned);
  stored = sh_job_dup_result (job);
  g_assert_cmpuint (json_object_get_size (stored), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (stored, "status"), ==, "failed");
  g_assert_nonnull (g_strstr_len (sh_job_get_record (job)->result, -1, SH_JOB_RESULT_TEXTS));

  g_assert_finalize_object (g_steal_pointer (&job));
  g_assert_finalize_object (g_steal_pointer (&other));
}

int
main (int   argc,
      char *argv[])
{
  sh_test_allow_language_switch ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/text/render", test_text_render);
  g_test_add_func ("/text/tampered", test_text_tampered);
  g_test_add_func ("/text/nested", test_text_nested);
  g_test_add_func ("/text/errors", test_text_errors);
  g_test_add_func ("/text/job", test_text_job);

  return g_test_run ();
}
