/* sh-ctl.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sh-core.h"
#include "sh-ctl.h"
#include "sh-ctl-private.h"

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} ShCtlCommand;

/* Errors are one line on stderr, so scripts can log them. */
static void print_error_line (const char *format, va_list args) G_GNUC_PRINTF (1, 0);

static void
print_error_line (const char *format,
                  va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_strdelimit (message, "\n", ' ');
  g_printerr ("stashhogctl: %s\n", message);
}

int
sh_ctl_usage_error (const char *format,
                    ...)
{
  va_list args;

  va_start (args, format);
  print_error_line (format, args);
  va_end (args);

  return SH_CTL_EXIT_USAGE;
}

int
sh_ctl_failure (const char *format,
                ...)
{
  va_list args;

  va_start (args, format);
  print_error_line (format, args);
  va_end (args);

  return SH_CTL_EXIT_FAILED;
}

static int cmd_version (int argc, char **argv);

static const ShCtlCommand commands[] = {
  { "test-connection", N_("Check that the Stash server answers"), sh_ctl_cmd_test_connection },
  { "sync", N_("Mirror the server’s scenes (--full to read all)"), sh_ctl_cmd_sync },
  { "check", N_("Find the scenes whose generated media is missing"), sh_ctl_cmd_check },
  { "generate", N_("Run Stash’s Generate for the incomplete scenes"), sh_ctl_cmd_generate },
  { "process-new", N_("Sync, generate and check the new scenes"), sh_ctl_cmd_process_new },
  { "jobs", N_("List jobs"), sh_ctl_cmd_jobs },
  { "job", N_("Show a job"), sh_ctl_cmd_job },
  { "cancel", N_("Cancel a running job"), sh_ctl_cmd_cancel },
  { "retry", N_("Run a failed or cancelled job again"), sh_ctl_cmd_retry },
  { "scenes", N_("List or count the mirrored scenes"), sh_ctl_cmd_scenes },
  { "version", N_("Print the version"), cmd_version },
};

static void
print_help (void)
{
  g_print (_("Usage:\n"
             "  stashhogctl [OPTION…] COMMAND [COMMAND OPTION…]\n"
             "\n"
             "Drive StashHog from scripts, timers and the terminal.\n"
             "\n"
             "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-18s %s\n", commands[i].name, _(commands[i].summary));
  g_print (_("\n"
             "Options:\n"
             "  -h, --help         Show this help\n"
             "  --version          Print the version\n"
             "\n"
             "Environment:\n"
             "  STASHHOG_URL       The Stash server address\n"
             "  STASHHOG_API_KEY   The Stash API key (never pass it as an argument)\n"
             "  STASHHOG_DATABASE  An SQLite file path or a postgresql:// address\n"
             "  STASHHOG_DATABASE_PASSWORD  The PostgreSQL password (else the keyring's, "
             "as the app stores it)\n"
             "  STASHHOG_REQUEST_TIMEOUT  Seconds a request to Stash may take (1–600, "
             "default 30)\n"
             "\n"
             "Exit status: 0 completed, 1 failed, 2 usage or configuration error, 3 cancelled.\n"
             "Run “stashhogctl COMMAND --help” for a command's options.\n"));
}

static int
cmd_version (int    argc,
             char **argv)
{
  if (argc > 1)
    return sh_ctl_usage_error (_("“version” takes no arguments"));

  g_print ("stashhogctl %s\n", PACKAGE_VERSION);

  return SH_CTL_EXIT_OK;
}

int
sh_ctl_main (int    argc,
             char **argv)
{
  int first = 1;

  /* The GraphQL documents are resources. */
  sh_core_init ();

  /* Global options come before the command. */
  for (; first < argc && argv[first][0] == '-'; first++)
    {
      const char *arg = argv[first];

      if (g_str_equal (arg, "-h") || g_str_equal (arg, "--help"))
        {
          print_help ();
          return SH_CTL_EXIT_OK;
        }
      else if (g_str_equal (arg, "--version"))
        {
          return cmd_version (1, argv);
        }
      else
        {
          return sh_ctl_usage_error (_("unknown option “%s”; see “stashhogctl --help”"), arg);
        }
    }

  if (first >= argc)
    return sh_ctl_usage_error (_("no command given; see “stashhogctl --help”"));

  if (g_str_equal (argv[first], "help"))
    {
      print_help ();
      return SH_CTL_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[first], commands[i].name))
        return commands[i].run (argc - first, argv + first);
    }

  return sh_ctl_usage_error (_("unknown command “%s”; see “stashhogctl --help”"), argv[first]);
}
