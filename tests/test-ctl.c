/* test-ctl.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real stashhogctl binary and checks its output and exit codes.
 */

#include "config.h"

#include <gio/gio.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} CtlRun;

static void
ctl_run_clear (CtlRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CtlRun, ctl_run_clear)

static void
ctl_run (CtlRun *run,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *ctl = g_getenv ("STASHHOGCTL");
  const char *arg;
  va_list args;

  g_assert_nonnull (ctl);
  g_ptr_array_add (argv, (gpointer) ctl);
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (proc);
}

static void
test_help (void)
{
  g_auto(CtlRun) run = { 0 };

  ctl_run (&run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Usage:"));
  g_assert_nonnull (strstr (run.out, "STASHHOG_API_KEY"));
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_version (void)
{
  g_auto(CtlRun) run = { 0 };

  ctl_run (&run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "stashhogctl " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
assert_usage_error (CtlRun     *run,
                    const char *needle)
{
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "stashhogctl: "));
  g_assert_nonnull (strstr (run->err, needle));
  /* One line only. */
  g_assert_cmpint (strchr (run->err, '\n') - run->err, ==, strlen (run->err) - 1);
}

static void
test_unknown_command (void)
{
  g_auto(CtlRun) run = { 0 };

  ctl_run (&run, "frobnicate", NULL);
  assert_usage_error (&run, "frobnicate");
}

static void
test_unknown_option (void)
{
  g_auto(CtlRun) run = { 0 };

  ctl_run (&run, "--frobnicate", NULL);
  assert_usage_error (&run, "--frobnicate");
}

static void
test_no_command (void)
{
  g_auto(CtlRun) run = { 0 };

  ctl_run (&run, NULL);
  assert_usage_error (&run, "no command");
}

/* Every command's --help is an answer, not a usage error. */
static void
test_command_help (void)
{
  static const char * const commands[] = {
    "test-connection", "sync", "check", "generate", "process-new", "maintain", "schedule",
    "jobs", "job", "cancel", "retry", "scenes", "mark", "version",
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(CtlRun) run = { 0 };

      ctl_run (&run, commands[i], "--help", NULL);
      if (run.status != 0)
        g_error ("“%s --help” exited %d: %s", commands[i], run.status, run.err);
      g_assert_true (g_str_has_prefix (run.out, "Usage:"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/ctl/help", test_help);
  g_test_add_func ("/ctl/version", test_version);
  g_test_add_func ("/ctl/command-help", test_command_help);
  g_test_add_func ("/ctl/unknown-command", test_unknown_command);
  g_test_add_func ("/ctl/unknown-option", test_unknown_option);
  g_test_add_func ("/ctl/no-command", test_no_command);

  return g_test_run ();
}
