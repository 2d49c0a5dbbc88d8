/* test-ctl-progress.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * stashhogctl's progress display: whatever the timing, what it shows is the job's newest
 * state, never a mix with an older one, and the last state is always shown. No test here
 * depends on how fast anything runs: each waits for the display to write, then compares
 * what it wrote with the job.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sh-ctl-progress.h"
#include "sh-job.h"

typedef struct
{
  ShJob     *job;
  GPtrArray *writes;  /* (element-type utf8) */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ShJobRecord) record = sh_job_record_new ();

  record->id = g_strdup ("job-1");
  record->type = g_strdup ("stash_generate");
  record->status = g_strdup ("running");
  record->progress = -1;
  f->job = sh_job_new_from_record (record);
  sh_job_set_status (f->job, SH_JOB_RUNNING);
  f->writes = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->job);
  g_ptr_array_unref (f->writes);
}

static void
record_write (const char *text,
              gpointer    user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->writes, g_strdup (text));
}

/* Runs the main context until the display has written @n pieces in all. */
static void
wait_for_writes (Fixture *f,
                 guint    n)
{
  while (f->writes->len < n)
    g_main_context_iteration (NULL, TRUE);
}

/* One event of Stash as the Generate handler reports it: counts first, then progress and
 * message, then the sub-task — several notifications for one state. */
static void
report_event (ShJob      *job,
              guint       done,
              guint       total,
              const char *sub_task)
{
  g_autofree char *message = g_strdup_printf ("Generating… %u%%", 100 * done / total);

  sh_job_set_counts (job, done, total);
  sh_job_set_progress (job, 100.0 * done / total, message);
  sh_job_set_sub_task (job, sub_task);
}

static JsonObject *
parse_line (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  /* One line. */
  g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A count is a number, or null while it is not known: never -1. */
static void
assert_count (JsonObject *line,
              const char *name,
              gint64      count)
{
  JsonNode *node = json_object_get_member (line, name);

  g_assert_nonnull (node);
  if (count < 0)
    g_assert_true (JSON_NODE_HOLDS_NULL (node));
  else
    g_assert_cmpint (json_node_get_int (node), ==, count);
}

/* The JSON line of the job's current state. */
static void
assert_line_is_job (const char *text,
                    ShJob      *job)
{
  g_autoptr(JsonObject) line = parse_line (text);
  JsonNode *progress = json_object_get_member (line, "progress");

  g_assert_cmpstr (json_object_get_string_member (line, "id"), ==, sh_job_get_id (job));
  g_assert_cmpstr (json_object_get_string_member (line, "status"), ==,
                   sh_job_status_to_string (sh_job_get_status (job)));
  if (sh_job_get_progress (job) < 0)
    g_assert_true (JSON_NODE_HOLDS_NULL (progress));
  else
    g_assert_cmpfloat (json_node_get_double (progress), ==, sh_job_get_progress (job));
  assert_count (line, "processed_items", sh_job_get_processed_items (job));
  assert_count (line, "total_items", sh_job_get_total_items (job));
  g_assert_cmpstr (json_object_get_string_member (line, "message"), ==,
                   sh_job_get_message (job));
  g_assert_cmpstr (json_object_get_string_member (line, "sub_task"), ==,
                   sh_job_get_sub_task (job));
}

/* Each event, once drawn, is drawn whole: its counts, progress, message and sub-task,
 * not the previous event's (the terminal line used to lag one event behind). */
static void
test_json_shows_newest (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ShCtlProgress) display = sh_ctl_progress_new (f->job, SH_CTL_PROGRESS_JSON,
                                                           record_write, f);

  for (guint done = 1; done <= 5; done++)
    {
      g_autofree char *sub_task = g_strdup_printf ("Generating preview for scene %u", done);

      report_event (f->job, done, 5, sub_task);
      wait_for_writes (f, done);
      g_assert_cmpuint (f->writes->len, ==, done);
      assert_line_is_job (g_ptr_array_index (f->writes, done - 1), f->job);
    }

  /* Nothing new, nothing written. */
  sh_ctl_progress_finish (display);
  g_assert_cmpuint (f->writes->len, ==, 5);
}

/* Before Stash has counted the work, the counts are not known: null, as the progress. */
static void
test_json_unknown_counts (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ShCtlProgress) display = sh_ctl_progress_new (f->job, SH_CTL_PROGRESS_JSON,
                                                           record_write, f);
  g_autoptr(JsonObject) line = NULL;

  sh_job_set_counts (f->job, -1, -1);
  sh_job_set_progress (f->job, -1, "Generating (Stash is counting the work)");
  wait_for_writes (f, 1);
  sh_ctl_progress_finish (display);

  g_assert_cmpint (sh_job_get_total_items (f->job), <, 0);
  line = parse_line (g_ptr_array_index (f->writes, f->writes->len - 1));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (line, "processed_items")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (line, "total_items")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (line, "progress")));
  assert_line_is_job (g_ptr_array_index (f->writes, f->writes->len - 1), f->job);
}

/* A burst of events faster than any display: some are coalesced, but the lines that come
 * are in order, each one a state the job was in, and the last one is the last state —
 * written on the trailing edge, without sh_ctl_progress_finish(). */
static void
test_burst_keeps_last (Fixture       *f,
                       gconstpointer  data)
{
  ShCtlProgressMode modes[] = { SH_CTL_PROGRESS_JSON, SH_CTL_PROGRESS_TERMINAL };

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_autoptr(ShCtlProgress) display = sh_ctl_progress_new (f->job, modes[m], record_write, f);
      g_autofree char *expected = NULL;
      g_autofree char *last = NULL;
      gint64 previous = -1;

      g_ptr_array_set_size (f->writes, 0);
      for (guint done = 0; done <= 1000; done++)
        {
          report_event (f->job, done, 1000, NULL);
          /* Now and then, let the display run in the middle of the burst. */
          if (done % 97 == 0)
            g_main_context_iteration (NULL, FALSE);
        }

      /* Wait for the trailing edge: the line of the last state. */
      expected = g_strdup ("Generating… 100%");
      while (f->writes->len == 0 ||
             strstr (g_ptr_array_index (f->writes, f->writes->len - 1), expected) == NULL)
        g_main_context_iteration (NULL, TRUE);

      g_assert_cmpuint (f->writes->len, <, 1001);
      for (guint i = 0; i < f->writes->len; i++)
        {
          const char *text = g_ptr_array_index (f->writes, i);
          const char *percent = strstr (text, "Generating… ");
          gint64 value;

          g_assert_nonnull (percent);
          value = g_ascii_strtoll (percent + strlen ("Generating… "), NULL, 10);
          g_assert_cmpint (value, >=, previous);
          previous = value;
        }
      if (modes[m] == SH_CTL_PROGRESS_JSON)
        assert_line_is_job (g_ptr_array_index (f->writes, f->writes->len - 1), f->job);
      else
        g_assert_true (g_str_has_prefix (g_ptr_array_index (f->writes, f->writes->len - 1),
                                         "\r\033[K[########################] 100%"));

      last = g_strdup (g_ptr_array_index (f->writes, f->writes->len - 1));
      sh_ctl_progress_finish (display);
      /* Already shown: the terminal's line is only ended. */
      g_assert_cmpstr (g_ptr_array_index (f->writes, f->writes->len - 1), ==,
                       modes[m] == SH_CTL_PROGRESS_TERMINAL ? "\n" : last);
    }
}

/* The last state is shown when the job ends, however soon after the one before. */
static void
test_finish_draws_last (Fixture       *f,
                        gconstpointer  data)
{
  ShCtlProgressMode modes[] = {
    SH_CTL_PROGRESS_JSON, SH_CTL_PROGRESS_TERMINAL, SH_CTL_PROGRESS_PLAIN,
  };

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_autoptr(ShCtlProgress) display = sh_ctl_progress_new (f->job, modes[m], record_write, f);
      const char *last;

      g_ptr_array_set_size (f->writes, 0);
      report_event (f->job, 1, 2, "first");
      wait_for_writes (f, 1);

      /* The final state comes at once and the job ends, before the display runs again. */
      report_event (f->job, 2, 2, NULL);
      sh_job_set_progress (f->job, 100, "Recording the generated scenes");
      sh_ctl_progress_finish (display);

      last = g_ptr_array_index (f->writes, f->writes->len -
                                           (modes[m] == SH_CTL_PROGRESS_TERMINAL ? 2 : 1));
      g_assert_nonnull (strstr (last, "Recording the generated scenes"));
      g_assert_nonnull (strstr (last, "100"));
      if (modes[m] == SH_CTL_PROGRESS_JSON)
        assert_line_is_job (last, f->job);
    }
}

/* Plain lines: progress alone is held back (at most a line a second), but a new state is
 * printed at once, each one, in order — and the final state at the end. */
static void
test_plain_states (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ShCtlProgress) display = sh_ctl_progress_new (f->job, SH_CTL_PROGRESS_PLAIN,
                                                          record_write, f);
  const char *states[] = {
    "Waiting in Stash’s queue",
    "Generating (Stash is counting the work)",
    "Stash at http://localhost:9999 is unreachable; still trying",
    "Stopping…",
  };

  report_event (f->job, 1, 100, NULL);
  wait_for_writes (f, 1);
  g_assert_cmpstr (g_ptr_array_index (f->writes, 0), ==, "  1% Generating… 1%\n");

  /* Progress alone within the second: not printed yet. */
  report_event (f->job, 2, 100, NULL);
  report_event (f->job, 3, 100, NULL);

  /* Changes of state, each printed at once, in the order they came. */
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autofree char *expected = g_strdup_printf ("     %s\n", states[i]);

      sh_job_set_progress (f->job, -1, states[i]);
      wait_for_writes (f, 2 + i);
      g_assert_cmpstr (g_ptr_array_index (f->writes, 1 + i), ==, expected);
    }

  /* The unreachable message keeps the progress Stash reported last: a state change too. */
  sh_job_set_progress (f->job, 40, "Generating… 40%");
  wait_for_writes (f, 2 + G_N_ELEMENTS (states));
  sh_job_set_progress (f->job, 40, "Stash at http://localhost:9999 is unreachable; still trying");
  wait_for_writes (f, 3 + G_N_ELEMENTS (states));
  g_assert_cmpstr (g_ptr_array_index (f->writes, 2 + G_N_ELEMENTS (states)), ==,
                   " 40% Stash at http://localhost:9999 is unreachable; still trying\n");

  /* Progress held back is printed on the trailing edge. */
  sh_job_set_progress (f->job, 41, "Generating… 41%");
  wait_for_writes (f, 4 + G_N_ELEMENTS (states));
  sh_job_set_progress (f->job, 42, "Generating… 42%");
  wait_for_writes (f, 5 + G_N_ELEMENTS (states));
  g_assert_cmpstr (g_ptr_array_index (f->writes, 4 + G_N_ELEMENTS (states)), ==,
                   " 42% Generating… 42%\n");

  /* The final state, at the end, even within the second. */
  sh_job_set_progress (f->job, 43, "Generating… 43%");
  sh_job_set_status (f->job, SH_JOB_COMPLETED);
  sh_job_set_progress (f->job, 100, "Generated 100 scenes");
  sh_ctl_progress_finish (display);
  g_assert_cmpstr (g_ptr_array_index (f->writes, f->writes->len - 1), ==,
                   "100% Generated 100 scenes\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/ctl/progress/json-shows-newest", Fixture, NULL, fixture_set_up,
              test_json_shows_newest, fixture_tear_down);
  g_test_add ("/ctl/progress/json-unknown-counts", Fixture, NULL, fixture_set_up,
              test_json_unknown_counts, fixture_tear_down);
  g_test_add ("/ctl/progress/burst-keeps-last", Fixture, NULL, fixture_set_up,
              test_burst_keeps_last, fixture_tear_down);
  g_test_add ("/ctl/progress/finish-draws-last", Fixture, NULL, fixture_set_up,
              test_finish_draws_last, fixture_tear_down);
  g_test_add ("/ctl/progress/plain-states", Fixture, NULL, fixture_set_up,
              test_plain_states, fixture_tear_down);

  return g_test_run ();
}
