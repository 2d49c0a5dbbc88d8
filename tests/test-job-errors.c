/* test-job-errors.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A job's error is shown in the reader's language when StashHog wrote it: a job that a
 * process running in English failed reads in German in the details window and the Jobs
 * row of a German desktop, while what is stored (and printed as JSON) stays as written; a
 * stored message id that was tampered with is never used, the stored text is shown.
 */

#include "config.h"

#include <string.h>

#include "sh-core.h"
#include "sh-gui-test-utils.h"
#include "sh-job-details-window.h"
#include "sh-job-manager.h"
#include "sh-job-row.h"
#include "sh-stash-client.h"
#include "sh-test-utils.h"
#include "sh-types.h"
#include "stashhog-ui-resources.h"

#define SUBPROCESS_TIMEOUT (60 * G_USEC_PER_SEC)

#define ORPHANED_EN \
  "The StashHog process that ran this job stopped (it no longer answers). Nothing was " \
  "recorded for it; run it again."
/* As po/de.po has it. */
#define ORPHANED_DE \
  "Der StashHog-Prozess, der diesen Auftrag ausgeführt hat, wurde beendet (er antwortet " \
  "nicht mehr). Für ihn wurde nichts gespeichert; führen Sie ihn erneut aus."

/* A job left running by a process that died (in English), failed by the next one. */
static char *
fail_orphaned_job (ShDatabase    *db,
                   ShStashClient *client,
                   gint64         server_id)
{
  g_autoptr(ShJobManager) writer = sh_job_manager_new (db, client, server_id);
  g_autoptr(ShJobManager) next = sh_job_manager_new (db, client, server_id);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) update_result = NULL;
  g_autoptr(GAsyncResult) load_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJobRecord) record = NULL;
  ShJobStore *store = sh_job_manager_get_job_store (writer);
  gint64 stale_at;

  sh_job_manager_create_async (writer, SH_JOB_TYPE_SYNC, NULL, NULL, NULL, sh_test_store_result,
                               &result);
  job = sh_job_manager_create_finish (writer, sh_test_await (&result), &error);
  g_assert_no_error (error);
  record = sh_job_record_copy (sh_job_get_record (job));
  g_free (record->status);
  record->status = g_strdup ("running");
  record->started_at = g_get_real_time ();
  sh_job_store_update_async (store, record, NULL, sh_test_store_result, &update_result);
  g_assert_true (sh_job_store_update_finish (store, sh_test_await (&update_result), &error));
  g_assert_no_error (error);

  /* Its owner never beats again: stale for the next process after a second. */
  sh_job_manager_set_stale_after (next, 1);
  stale_at = g_get_monotonic_time () + 2500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < stale_at)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
    }
  sh_job_manager_load_async (next, 0, SH_JOB_RECOVERY_FAIL, NULL, sh_test_store_result,
                             &load_result);
  g_assert_true (sh_job_manager_load_finish (next, sh_test_await (&load_result), &error));
  g_assert_no_error (error);
  sh_gui_flush ();

  return g_strdup (sh_job_get_id (job));
}

static const char *
error_shown (GtkWindow *details)
{
  return gtk_label_get_label (GTK_LABEL (sh_gui_child (details, SH_TYPE_JOB_DETAILS_WINDOW,
                                                       "error_label")));
}

static GtkWindow *
show_details (GtkWindow           *parent,
              ShJob               *job,
              const ShJobTypeInfo *info)
{
  GtkWindow *details = GTK_WINDOW (sh_job_details_window_new (parent));

  sh_job_details_window_set_job (SH_JOB_DETAILS_WINDOW (details), job, info);
  gtk_window_present (details);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (details));

  return details;
}

/* @record with its stored texts' error replaced by @text_json. */
static ShJobRecord *
with_error_text (const ShJobRecord *record,
                 const char        *text_json)
{
  ShJobRecord *copy = sh_job_record_copy (record);

  g_free (copy->result);
  copy->result = g_strdup_printf ("{\"" SH_JOB_RESULT_TEXTS "\": {\"error\": %s}}", text_json);

  return copy;
}

static void
check_language (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = sh_gui_make_database_path (&dir);
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShJobManager) reader = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJobRecord) record = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *id = NULL;
  const ShJobTypeInfo *info;
  GtkWindow *details;
  GtkWidget *row;
  GtkWidget *window;
  gint64 server_id;

  sh_core_init ();
  /* No application here: the widgets' templates by hand. */
  sh_ui_register_resource ();
  db = sh_test_open_database (FALSE, path);
  sh_database_ensure_server_async (db, "http://127.0.0.1:9", NULL, sh_test_store_result,
                                   &result);
  server_id = sh_database_ensure_server_finish (db, sh_test_await (&result), &error);
  g_assert_no_error (error);
  client = sh_stash_client_new ("http://127.0.0.1:9", NULL, &error);
  g_assert_no_error (error);

  /* Written in English, the language of this process so far. */
  id = fail_orphaned_job (db, client, server_id);
  reader = sh_job_manager_new (db, client, server_id);
  info = sh_job_manager_lookup_type (reader, SH_JOB_TYPE_SYNC);
  record = sh_test_get_job_record (sh_job_manager_get_job_store (reader), id);
  g_assert_cmpstr (record->status, ==, "failed");
  g_assert_cmpstr (record->error, ==, ORPHANED_EN);
  g_assert_cmpstr (record->message, ==, "Interrupted");
  job = sh_job_new_from_record (record);

  /* Read in German. */
  sh_test_set_language ("de");
  window = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (window));
  details = show_details (GTK_WINDOW (window), job, info);
  g_assert_cmpstr (error_shown (details), ==, ORPHANED_DE);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (sh_gui_child (details,
                                                                              SH_TYPE_JOB_DETAILS_WINDOW,
                                                                              "message_row"))),
                   ==, "Unterbrochen");
  gtk_window_destroy (details);

  /* The Jobs row says it too. */
  row = sh_job_row_new (job, info);
  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_test_widget_wait_for_draw (window);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (sh_gui_child (row, SH_TYPE_JOB_ROW,
                                                                          "subtitle_label"))),
                            "Der StashHog-Prozess"));

  /* What is stored, and printed as JSON, is what was written. */
  json = sh_job_to_json (job);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "error"), ==,
                   ORPHANED_EN);
  g_assert_false (json_object_has_member (json_node_get_object (json), "texts"));

  /* A stored format that is not one of StashHog's messages is never used: the text as
   * stored is shown. */
  {
    static const char * const tampered[] = {
      "{\"msgid\": \"%n%n%s\", \"args\": [\"x\"]}",
      "{\"msgid\": \"Not a message of StashHog %s\", \"args\": [\"x\"]}",
      /* Known, but with an argument too many for its conversions. */
      "{\"msgid\": \"" ORPHANED_EN "\", \"args\": [\"%n\"]}",
      "{\"msgid\": 42, \"args\": []}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (tampered); i++)
      {
        g_autoptr(ShJobRecord) changed = with_error_text (record, tampered[i]);
        g_autoptr(ShJob) other = sh_job_new_from_record (changed);

        details = show_details (GTK_WINDOW (window), other, info);
        g_assert_cmpstr (error_shown (details), ==, ORPHANED_EN);
        gtk_window_destroy (details);
      }
  }

  /* Stash's own words stay as Stash wrote them. */
  {
    g_autoptr(ShJobRecord) changed = sh_job_record_copy (record);
    g_autoptr(ShJob) other = NULL;

    g_free (changed->error);
    changed->error = g_strdup ("Stash: open /media/a.mp4: permission denied");
    g_clear_pointer (&changed->result, g_free);
    other = sh_job_new_from_record (changed);
    details = show_details (GTK_WINDOW (window), other, info);
    g_assert_cmpstr (error_shown (details), ==, "Stash: open /media/a.mp4: permission denied");
    gtk_window_destroy (details);
  }
  sh_test_set_language (NULL);
  gtk_window_destroy (GTK_WINDOW (window));

  sh_gui_flush ();
  g_clear_object (&reader);
  sh_database_close (db);
  sh_gui_remove_dir (dir);
}

static void
test_job_errors_language (void)
{
  if (g_test_subprocess ())
    {
      check_language ();
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  sh_test_allow_language_switch ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/job-errors/language", test_job_errors_language);

  return g_test_run ();
}
