/* test-schedule.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The maintenance schedule with a moved clock: due, not due, a missed run (once), the
 * window's end; the scheduler starting a run against the fake Stash and cancelling it at
 * the window's end; and the systemd units that `stashhogctl schedule install` writes,
 * verified by systemd-analyze.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sh-core.h"
#include "sh-fake-stash.h"
#include "sh-scheduler.h"
#include "sh-test-utils.h"

#define SCHEMA_ID "io.github.stashhog.StashHog"

static GDateTime *
at (int year, int month, int day, int hour, int minute)
{
  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

static ShSchedule
daily (const char *start,
       const char *end,
       gboolean    cancel_at_end)
{
  ShSchedule schedule;

  sh_schedule_init_default (&schedule);
  schedule.mode = SH_SCHEDULE_DAILY;
  g_assert_true (sh_schedule_parse_time (start, &schedule.start_minute));
  g_assert_true (sh_schedule_parse_time (end, &schedule.end_minute));
  schedule.cancel_at_end = cancel_at_end;

  return schedule;
}

static void
assert_time (GDateTime *time,
             int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) expected = at (year, month, day, hour, minute);

  g_assert_nonnull (time);
  if (!g_date_time_equal (time, expected))
    {
      g_autofree char *a = g_date_time_format_iso8601 (time);
      g_autofree char *b = g_date_time_format_iso8601 (expected);

      g_error ("%s is not %s", a, b);
    }
}

static void
test_parse_time (void)
{
  guint minute = 0;

  g_assert_true (sh_schedule_parse_time ("02:00", &minute));
  g_assert_cmpuint (minute, ==, 120);
  g_assert_true (sh_schedule_parse_time ("23:59", &minute));
  g_assert_cmpuint (minute, ==, 23 * 60 + 59);
  g_assert_false (sh_schedule_parse_time ("24:00", &minute));
  g_assert_false (sh_schedule_parse_time ("2:5", &minute));
  g_assert_false (sh_schedule_parse_time ("two", &minute));
  g_assert_false (sh_schedule_parse_time (NULL, &minute));
}

/* Inside the window, with no run since its start: due. */
static void
test_due (void)
{
  ShSchedule schedule = daily ("02:00", "06:00", FALSE);
  g_autoptr(GDateTime) last = at (2026, 3, 9, 2, 0);
  g_autoptr(GDateTime) now = at (2026, 3, 10, 2, 30);
  g_autoptr(GDateTime) next = sh_schedule_next_due (&schedule, last, now);

  g_assert_true (sh_schedule_is_due (&schedule, last, now));
  assert_time (next, 2026, 3, 10, 2, 0);

  /* Every N hours: N hours after the last run; at once when it never ran. */
  schedule.mode = SH_SCHEDULE_HOURS;
  schedule.hours = 6;
  g_assert_true (sh_schedule_is_due (&schedule, NULL, now));
  g_assert_false (sh_schedule_is_due (&schedule, now, now));
  g_clear_pointer (&next, g_date_time_unref);
  next = sh_schedule_next_due (&schedule, now, now);
  assert_time (next, 2026, 3, 10, 8, 30);

  /* Weekly: Tuesday 10 March 2026 is a Tuesday (2). */
  schedule = daily ("02:00", "06:00", FALSE);
  schedule.mode = SH_SCHEDULE_WEEKLY;
  schedule.weekday = 2;
  g_assert_true (sh_schedule_is_due (&schedule, last, now));
  schedule.weekday = 3;
  g_assert_false (sh_schedule_is_due (&schedule, last, now));
  g_clear_pointer (&next, g_date_time_unref);
  next = sh_schedule_next_due (&schedule, last, now);
  assert_time (next, 2026, 3, 11, 2, 0);

  /* Off: never. */
  schedule.mode = SH_SCHEDULE_OFF;
  g_assert_false (sh_schedule_is_due (&schedule, NULL, now));
  g_assert_null (sh_schedule_next_due (&schedule, NULL, now));
}

/* Before the window, or after today's run: not due, and the next run is named. */
static void
test_not_due (void)
{
  ShSchedule schedule = daily ("02:00", "06:00", FALSE);
  g_autoptr(GDateTime) last = at (2026, 3, 9, 2, 0);
  g_autoptr(GDateTime) early = at (2026, 3, 10, 1, 59);
  g_autoptr(GDateTime) ran = at (2026, 3, 10, 2, 1);
  g_autoptr(GDateTime) later = at (2026, 3, 10, 4, 0);
  g_autoptr(GDateTime) next = NULL;
  g_autofree char *text = NULL;

  g_assert_false (sh_schedule_is_due (&schedule, last, early));
  next = sh_schedule_next_due (&schedule, last, early);
  assert_time (next, 2026, 3, 10, 2, 0);
  text = sh_schedule_describe_time (next, early);
  g_assert_cmpstr (text, ==, "today at 02:00");

  g_assert_false (sh_schedule_is_due (&schedule, ran, later));
  g_clear_pointer (&next, g_date_time_unref);
  next = sh_schedule_next_due (&schedule, ran, later);
  assert_time (next, 2026, 3, 11, 2, 0);
  g_clear_pointer (&text, g_free);
  text = sh_schedule_describe_time (next, later);
  g_assert_cmpstr (text, ==, "tomorrow at 02:00");

  /* Set up in the afternoon: nothing owed from before; tonight's window is next. */
  {
    g_autoptr(GDateTime) afternoon = at (2026, 3, 10, 15, 0);
    g_autoptr(GDateTime) evening = at (2026, 3, 10, 20, 0);

    g_assert_false (sh_schedule_is_due (&schedule, NULL, afternoon));
    schedule = daily ("23:00", "05:00", FALSE);
    g_clear_pointer (&next, g_date_time_unref);
    next = sh_schedule_next_due (&schedule, NULL, afternoon);
    g_clear_pointer (&text, g_free);
    text = sh_schedule_describe_time (next, evening);
    g_assert_cmpstr (text, ==, "tonight at 23:00");
  }
}

/* Three nights missed (the machine was off): one run at the next chance, not three. */
static void
test_missed (void)
{
  ShSchedule schedule = daily ("02:00", "06:00", FALSE);
  g_autoptr(GDateTime) last = at (2026, 3, 7, 2, 0);
  g_autoptr(GDateTime) now = at (2026, 3, 10, 10, 0);
  g_autoptr(GDateTime) after = at (2026, 3, 10, 11, 0);
  g_autoptr(GDateTime) next = NULL;

  g_assert_true (sh_schedule_is_due (&schedule, last, now));
  /* It ran at 10:00: due again only at tomorrow's window. */
  g_assert_false (sh_schedule_is_due (&schedule, now, after));
  next = sh_schedule_next_due (&schedule, now, after);
  assert_time (next, 2026, 3, 11, 2, 0);
  /* It started outside any window: nothing cancels it. */
  g_assert_null (sh_schedule_window_end (&schedule, now));

  /* When runs are cancelled at the window's end, a missed run waits for the next window
   * (there it would only be cancelled). */
  schedule.cancel_at_end = TRUE;
  g_assert_false (sh_schedule_is_due (&schedule, last, now));
  g_clear_pointer (&next, g_date_time_unref);
  next = sh_schedule_next_due (&schedule, last, now);
  assert_time (next, 2026, 3, 11, 2, 0);
}

static void
test_window_end (void)
{
  ShSchedule schedule = daily ("23:00", "01:30", TRUE);
  g_autoptr(GDateTime) started = at (2026, 3, 10, 23, 5);
  g_autoptr(GDateTime) end = sh_schedule_window_end (&schedule, started);
  g_autoptr(GDateTime) after_midnight = at (2026, 3, 11, 0, 30);
  g_autoptr(GDateTime) end2 = sh_schedule_window_end (&schedule, after_midnight);

  /* Across midnight. */
  assert_time (end, 2026, 3, 11, 1, 30);
  assert_time (end2, 2026, 3, 11, 1, 30);

  schedule.cancel_at_end = FALSE;
  g_assert_null (sh_schedule_window_end (&schedule, started));
}

static void
test_on_calendar (void)
{
  ShSchedule schedule;
  g_autofree char *off = NULL;
  g_autofree char *daily_text = NULL;
  g_autofree char *weekly = NULL;
  g_autofree char *hours = NULL;

  sh_schedule_init_default (&schedule);
  off = sh_schedule_to_on_calendar (&schedule);
  g_assert_cmpstr (off, ==, "*-*-* 02:00:00");
  schedule.mode = SH_SCHEDULE_DAILY;
  schedule.start_minute = 3 * 60 + 30;
  daily_text = sh_schedule_to_on_calendar (&schedule);
  g_assert_cmpstr (daily_text, ==, "*-*-* 03:30:00");
  schedule.mode = SH_SCHEDULE_WEEKLY;
  schedule.weekday = 7;
  weekly = sh_schedule_to_on_calendar (&schedule);
  g_assert_cmpstr (weekly, ==, "Sun *-*-* 03:30:00");
  schedule.mode = SH_SCHEDULE_HOURS;
  schedule.hours = 6;
  hours = sh_schedule_to_on_calendar (&schedule);
  g_assert_cmpstr (hours, ==, "*-*-* 03/6:30:00");
}

/* The scheduler with a moved clock, against the fake Stash. */

typedef struct
{
  ShFakeStash   *fake;
  ShStashClient *client;
  ShDatabase    *db;
  ShJobManager  *manager;
  GSettings     *settings;
  ShScheduler   *scheduler;
  GDateTime     *now;
  char          *db_path;
  guint          started;
  guint          finished;
} Fixture;

static GDateTime *
fixture_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return g_date_time_ref (fixture->now);
}

static void
set_now (Fixture   *fixture,
         GDateTime *now)
{
  g_clear_pointer (&fixture->now, g_date_time_unref);
  fixture->now = g_date_time_ref (now);
}

static void
on_started (ShScheduler *scheduler,
            ShJob       *job,
            Fixture     *fixture)
{
  fixture->started++;
}

static void
on_finished (ShScheduler *scheduler,
             ShJob       *job,
             Fixture     *fixture)
{
  fixture->finished++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 server_id;

  sh_core_init ();
  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fixture->fake, 8);
  sh_fake_stash_set_job_speed (fixture->fake, 5);
  sh_fake_stash_set_all_missing (fixture->fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);
  fixture->client = sh_stash_client_new (sh_fake_stash_get_url (fixture->fake), NULL, &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (g_get_user_data_dir (), "schedule-test.db", NULL);
  fixture->db = sh_test_open_database (FALSE, fixture->db_path);
  sh_database_ensure_server_async (fixture->db, sh_fake_stash_get_url (fixture->fake), NULL,
                                   sh_test_store_result, &result);
  server_id = sh_database_ensure_server_finish (fixture->db, sh_test_await (&result), &error);
  g_assert_no_error (error);
  fixture->manager = sh_job_manager_new (fixture->db, fixture->client, server_id);
  sh_job_manager_set_poll_interval (fixture->manager, 50);
  sh_job_manager_set_stop_timeout (fixture->manager, 10);

  fixture->settings = g_settings_new (SCHEMA_ID);
  /* The memory backend lives as long as the process: start from a run that never was. */
  g_settings_reset (fixture->settings, "schedule-last-run");
  g_settings_set_string (fixture->settings, "schedule-mode", "daily");
  g_settings_set_string (fixture->settings, "schedule-window-start", "02:00");
  g_settings_set_string (fixture->settings, "schedule-window-end", "03:00");
  g_settings_set_string (fixture->settings, "schedule-window-end-action", "cancel");
  fixture->now = at (2026, 3, 10, 1, 0);
  fixture->scheduler = sh_scheduler_new (fixture->settings);
  sh_scheduler_set_clock (fixture->scheduler, fixture_clock, fixture, NULL);
  sh_scheduler_set_job_manager (fixture->scheduler, fixture->manager);
  g_signal_connect (fixture->scheduler, "run-started", G_CALLBACK (on_started), fixture);
  g_signal_connect (fixture->scheduler, "run-finished", G_CALLBACK (on_finished), fixture);
}

static void
flush (void)
{
  for (guint i = 0; i < 10; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  flush ();
  g_assert_finalize_object (fixture->scheduler);
  g_assert_finalize_object (fixture->settings);
  g_assert_finalize_object (fixture->manager);
  sh_database_close (fixture->db);
  g_assert_finalize_object (fixture->db);
  g_assert_finalize_object (fixture->client);
  sh_fake_stash_stop (fixture->fake);
  g_assert_finalize_object (fixture->fake);
  g_clear_pointer (&fixture->now, g_date_time_unref);
  g_free (fixture->db_path);
  flush ();
}

static void
wait_for (guint *counter,
          guint  value)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  while (*counter < value && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*counter, ==, value);
}

static void
test_scheduler_runs (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GDateTime) in_window = at (2026, 3, 10, 2, 10);
  g_autoptr(GDateTime) later = at (2026, 3, 10, 2, 50);
  g_autoptr(GDateTime) last_run = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autofree char *text = NULL;

  /* 01:00: not due; the next run is at 02:00. */
  sh_scheduler_tick (fixture->scheduler);
  flush ();
  g_assert_cmpuint (fixture->started, ==, 0);
  assert_time (sh_scheduler_get_next_run (fixture->scheduler), 2026, 3, 10, 2, 0);
  text = sh_scheduler_dup_next_run_text (fixture->scheduler);
  g_assert_cmpstr (text, ==, "Next maintenance run today at 02:00");

  /* 02:10: due; a run starts, is recorded, and finishes. */
  set_now (fixture, in_window);
  g_assert_true (sh_scheduler_is_due (fixture->scheduler));
  sh_scheduler_tick (fixture->scheduler);
  wait_for (&fixture->started, 1);
  job = g_object_ref (sh_scheduler_get_job (fixture->scheduler));
  last_run = sh_schedule_load_last_run (fixture->settings);
  assert_time (last_run, 2026, 3, 10, 2, 10);
  wait_for (&fixture->finished, 1);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_COMPLETED);
  g_assert_true (g_str_has_prefix (sh_job_get_message (job), "8 scenes generated, next run "));
  g_assert_null (sh_scheduler_get_job (fixture->scheduler));

  /* 02:50: ran already; the next is tomorrow's. */
  set_now (fixture, later);
  sh_scheduler_tick (fixture->scheduler);
  flush ();
  g_assert_cmpuint (fixture->started, ==, 1);
  assert_time (sh_scheduler_get_next_run (fixture->scheduler), 2026, 3, 11, 2, 0);
}

/* A run still going at the window's end is cancelled (and Stash's job stopped). */
static void
test_scheduler_window_end (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GDateTime) in_window = at (2026, 3, 10, 2, 55);
  g_autoptr(GDateTime) past_end = at (2026, 3, 10, 3, 0);
  g_autoptr(ShJob) job = NULL;

  /* Stash is busy with a long job: the run waits for its queue past the window's end. */
  sh_fake_stash_add_foreign_job (fixture->fake, "Scanning...", 100000);
  set_now (fixture, in_window);
  sh_scheduler_tick (fixture->scheduler);
  wait_for (&fixture->started, 1);
  job = g_object_ref (sh_scheduler_get_job (fixture->scheduler));
  assert_time (sh_scheduler_get_window_end (fixture->scheduler), 2026, 3, 10, 3, 0);

  /* Still inside: nothing happens. */
  sh_scheduler_tick (fixture->scheduler);
  g_assert_true (sh_job_is_active (job));

  set_now (fixture, past_end);
  sh_scheduler_tick (fixture->scheduler);
  wait_for (&fixture->finished, 1);
  g_assert_cmpint (sh_job_get_status (job), ==, SH_JOB_CANCELLED);
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "MetadataGenerate"), ==, 0);
}

/* stashhogctl schedule install writes units that systemd accepts. */

static char *
run_ctl (const char * const *args,
         const char         *config_home,
         int                *status)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("STASHHOGCTL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (process);

  return out;
}

static void
test_ctl_install (void)
{
  g_autofree char *config_home = g_build_filename (g_get_user_config_dir (), "units-test", NULL);
  g_autofree char *dir = g_build_filename (config_home, "systemd", "user", NULL);
  g_autofree char *service_path = g_build_filename (dir, "stashhog-maintain.service", NULL);
  g_autofree char *timer_path = g_build_filename (dir, "stashhog-maintain.timer", NULL);
  g_autofree char *service = NULL;
  g_autofree char *timer = NULL;
  g_autofree char *out = NULL;
  g_autofree char *analyze = g_find_program_in_path ("systemd-analyze");
  g_autofree char *exec_start = NULL;
  const char * const install[] = { "schedule", "install", "--no-systemctl", NULL };
  const char * const status_args[] = { "schedule", "status", NULL };
  const char * const remove[] = { "schedule", "remove", "--no-systemctl", NULL };
  int status = -1;

  out = run_ctl (install, config_home, &status);
  g_test_message ("%s", out);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_get_contents (service_path, &service, NULL, NULL));
  g_assert_true (g_file_get_contents (timer_path, &timer, NULL, NULL));
  /* Regular files, the default schedule, the absolute path of the stashhogctl that wrote
   * them, and a way to enable them. */
  g_assert_false (g_file_test (timer_path, G_FILE_TEST_IS_SYMLINK));
  g_assert_nonnull (strstr (timer, "\nOnCalendar=*-*-* 02:00:00\n"));
  g_assert_nonnull (strstr (timer, "\nPersistent=true\n"));
  exec_start = g_strdup_printf ("\nExecStart=%s maintain --scheduled\n", g_getenv ("STASHHOGCTL"));
  g_assert_nonnull (strstr (service, exec_start));
  g_assert_nonnull (strstr (out, "systemctl --user enable --now stashhog-maintain.timer"));

  g_clear_pointer (&out, g_free);
  out = run_ctl (status_args, config_home, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, timer_path));

  if (analyze == NULL)
    {
      /* Debian's systemd package provides it (build-aux/debian-packages.txt). */
      g_test_fail_printf ("systemd-analyze is not installed: the units cannot be verified");
    }
  else
    {
      g_autofree char *runtime = g_dir_make_tmp ("stashhog-runtime-XXXXXX", NULL);
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *verify_out = NULL;

      /* --user needs a runtime directory, not a running user manager. */
      g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
      process = g_subprocess_launcher_spawn (launcher, &error, analyze, "--user", "verify",
                                             timer_path, service_path, NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, &verify_out, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("systemd-analyze verify: %s", verify_out);
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
      /* Only lines about our units count: the isolated test environment has search
       * paths that systemd warns about. */
      g_assert_null (strstr (verify_out, "stashhog-maintain"));
      g_rmdir (runtime);
    }

  g_clear_pointer (&out, g_free);
  out = run_ctl (remove, config_home, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_false (g_file_test (timer_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (service_path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  /* The schedule is local time; the tests' times are in a fixed zone. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/schedule/parse-time", test_parse_time);
  g_test_add_func ("/schedule/due", test_due);
  g_test_add_func ("/schedule/not-due", test_not_due);
  g_test_add_func ("/schedule/missed", test_missed);
  g_test_add_func ("/schedule/window-end", test_window_end);
  g_test_add_func ("/schedule/on-calendar", test_on_calendar);
  g_test_add ("/scheduler/runs", Fixture, NULL, fixture_setup, test_scheduler_runs,
              fixture_teardown);
  g_test_add ("/scheduler/window-end", Fixture, NULL, fixture_setup, test_scheduler_window_end,
              fixture_teardown);
  g_test_add_func ("/ctl/schedule-install", test_ctl_install);

  return g_test_run ();
}
