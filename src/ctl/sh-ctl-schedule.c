/* sh-ctl-schedule.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `stashhogctl schedule install|remove|status`: the systemd user timer that runs
 * `stashhogctl maintain --scheduled` on the schedule of the app's settings (daily from
 * 02:00 when none is set). The units are regular files in $XDG_CONFIG_HOME/systemd/user,
 * written from the templates in data/; they stay written when systemd cannot enable them
 * (no user manager: a container, a machine without systemd), and the command says how.
 */

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sh-ctl.h"
#include "sh-ctl-private.h"
#include "sh-schedule.h"
#include "stashhogctl-resources.h"

#define SERVICE_NAME "stashhog-maintain.service"
#define TIMER_NAME   "stashhog-maintain.timer"
#define FLATPAK_APP  "io.github.stashhog.StashHog"

static gboolean
in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/* Inside Flatpak, $XDG_CONFIG_HOME is the app's own; the user's systemd reads the host's
 * ~/.config (the manifest grants xdg-config/systemd/user). */
static char *
units_dir (void)
{
  if (in_flatpak ())
    return g_build_filename (g_get_home_dir (), ".config", "systemd", "user", NULL);
  return g_build_filename (g_get_user_config_dir (), "systemd", "user", NULL);
}

/* One word of a command line as systemd.service(5) parses it: quoted when it must be,
 * and % doubled (specifiers). */
static void
append_word (GString    *out,
             const char *word)
{
  gboolean quote = word[0] == '\0' || strpbrk (word, " \t\"'\\;") != NULL;

  if (out->len > 0)
    g_string_append_c (out, ' ');
  if (quote)
    g_string_append_c (out, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '%')
        g_string_append (out, "%%");
      else if (quote && (*p == '"' || *p == '\\'))
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else
        g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

/* The absolute path of the stashhogctl that runs now, or Flatpak's way to run it. */
static char *
exec_start (GError **error)
{
  GString *out = g_string_new (NULL);

  if (in_flatpak ())
    {
      append_word (out, "/usr/bin/flatpak");
      append_word (out, "run");
      append_word (out, "--command=stashhogctl");
      append_word (out, FLATPAK_APP);
    }
  else
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", error);

      if (self == NULL)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      append_word (out, self);
    }

  return g_string_free (out, FALSE);
}

static char *
fill_template (const char  *name,
               const char  *placeholder,
               const char  *value,
               GError     **error)
{
  g_autofree char *path = g_strconcat ("/io/github/stashhog/StashHog/ctl/", name, NULL);
  static gsize registered = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) parts = NULL;

  if (g_once_init_enter (&registered))
    {
      sh_ctl_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  bytes = g_resources_lookup_data (path, 0, error);

  if (bytes == NULL)
    return NULL;

  parts = g_strsplit (g_bytes_get_data (bytes, NULL), placeholder, -1);
  return g_strjoinv (value, parts);
}

/* Runs systemctl --user with @args; its error output becomes @error. */
static gboolean
systemctl (const char * const  *args,
           GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) "systemctl");
  g_ptr_array_add (argv, (gpointer) "--user");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_strstrip (err);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                   err && *err ? err : _("systemctl failed"));
      return FALSE;
    }

  return TRUE;
}

/* What install and remove did, for a person: on stdout, or on stderr when stdout holds
 * the JSON (the schedule's status, as `schedule status --json` prints it). */
static gboolean messages_on_stderr;

static void say (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (messages_on_stderr)
    g_printerr ("%s", text);
  else
    g_print ("%s", text);
}

static int
schedule_install (gboolean use_systemctl)
{
  g_autoptr(GSettings) settings = sh_ctl_app_settings ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = units_dir ();
  g_autofree char *service_path = g_build_filename (dir, SERVICE_NAME, NULL);
  g_autofree char *timer_path = g_build_filename (dir, TIMER_NAME, NULL);
  g_autofree char *command = NULL;
  g_autofree char *on_calendar = NULL;
  g_autofree char *service = NULL;
  g_autofree char *timer = NULL;
  ShSchedule schedule;

  sh_schedule_load (&schedule, settings);
  on_calendar = sh_schedule_to_on_calendar (&schedule);
  if (!(command = exec_start (&error)) ||
      !(service = fill_template ("stashhog-maintain.service.in", "@EXEC_START@", command,
                                 &error)) ||
      !(timer = fill_template ("stashhog-maintain.timer.in", "@ON_CALENDAR@", on_calendar,
                               &error)))
    return sh_ctl_failure (SH_CTL_ERROR_SYSTEM, _("Could not prepare the systemd units: %s"),
                           error->message);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    return sh_ctl_failure (SH_CTL_ERROR_SYSTEM, _("Could not create %s: %s"), dir,
                           g_strerror (errno));
  if (!g_file_set_contents_full (service_path, service, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0644, &error) ||
      !g_file_set_contents_full (timer_path, timer, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0644, &error))
    return sh_ctl_failure (SH_CTL_ERROR_SYSTEM, _("Could not write the systemd units: %s"),
                           error->message);

  say (_("Wrote %s and %s (OnCalendar=%s).\n"), service_path, timer_path, on_calendar);
  if (schedule.mode == SH_SCHEDULE_OFF)
    say (_("The schedule in StashHog’s preferences is off: the timer runs daily at "
               "02:00.\n"));

  if (use_systemctl && !in_flatpak ())
    {
      const char * const reload[] = { "daemon-reload", NULL };
      const char * const enable[] = { "enable", "--now", TIMER_NAME, NULL };

      if (systemctl (reload, &error) && systemctl (enable, &error))
        {
          say (_("Enabled and started %s.\n"), TIMER_NAME);
          return SH_CTL_EXIT_OK;
        }
      g_printerr (_("stashhogctl: the units are written, but systemd could not enable them "
                    "(%s).\n"), error->message);
    }

  say (_("To enable the timer, run:\n  %ssystemctl --user daemon-reload\n"
             "  %ssystemctl --user enable --now %s\n"),
           in_flatpak () ? "flatpak-spawn --host " : "",
           in_flatpak () ? "flatpak-spawn --host " : "", TIMER_NAME);

  return SH_CTL_EXIT_OK;
}

static int
schedule_remove (gboolean use_systemctl)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = units_dir ();
  g_autofree char *service_path = g_build_filename (dir, SERVICE_NAME, NULL);
  g_autofree char *timer_path = g_build_filename (dir, TIMER_NAME, NULL);
  gboolean existed = FALSE;

  if (use_systemctl && !in_flatpak () && g_file_test (timer_path, G_FILE_TEST_EXISTS))
    {
      const char * const disable[] = { "disable", "--now", TIMER_NAME, NULL };

      if (!systemctl (disable, &error))
        g_printerr (_("stashhogctl: systemd could not disable the timer (%s); removing the "
                      "files all the same.\n"), error->message);
      g_clear_error (&error);
    }

  for (const char *path = service_path; path != NULL; path = path == service_path ? timer_path
                                                                                  : NULL)
    {
      if (g_unlink (path) == 0)
        {
          existed = TRUE;
          say (_("Removed %s.\n"), path);
        }
      else if (errno != ENOENT)
        return sh_ctl_failure (SH_CTL_ERROR_SYSTEM, _("Could not remove %s: %s"), path,
                               g_strerror (errno));
    }

  if (!existed)
    say (_("No StashHog timer was installed in %s.\n"), dir);
  else if (use_systemctl && !in_flatpak ())
    {
      const char * const reload[] = { "daemon-reload", NULL };

      systemctl (reload, NULL);
    }

  return SH_CTL_EXIT_OK;
}

static int
schedule_status (gboolean json)
{
  g_autoptr(GSettings) settings = sh_ctl_app_settings ();
  g_autofree char *dir = units_dir ();
  g_autofree char *timer_path = g_build_filename (dir, TIMER_NAME, NULL);
  g_autofree char *timer = NULL;
  g_autofree char *installed_calendar = NULL;
  g_autofree char *on_calendar = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last_run = sh_schedule_load_last_run (settings);
  g_autoptr(GDateTime) next = NULL;
  ShSchedule schedule;
  static const char * const modes[] = { "off", "hours", "daily", "weekly" };

  sh_schedule_load (&schedule, settings);
  on_calendar = sh_schedule_to_on_calendar (&schedule);
  next = sh_schedule_next_due (&schedule, last_run, now);
  if (g_file_get_contents (timer_path, &timer, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (timer, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "OnCalendar="))
          installed_calendar = g_strdup (lines[i] + strlen ("OnCalendar="));
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, modes[schedule.mode]);
      json_builder_set_member_name (builder, "on_calendar");
      json_builder_add_string_value (builder, on_calendar);
      json_builder_set_member_name (builder, "timer_installed");
      json_builder_add_boolean_value (builder, timer != NULL);
      json_builder_set_member_name (builder, "timer_path");
      json_builder_add_string_value (builder, timer_path);
      json_builder_set_member_name (builder, "installed_on_calendar");
      if (installed_calendar != NULL)
        json_builder_add_string_value (builder, installed_calendar);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "next_run");
      if (next != NULL)
        {
          g_autofree char *text = g_date_time_format_iso8601 (next);

          json_builder_add_string_value (builder, text);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      sh_ctl_print_json (root, TRUE);
      return SH_CTL_EXIT_OK;
    }

  g_print (_("Schedule: %s (OnCalendar=%s)\n"), modes[schedule.mode], on_calendar);
  if (next != NULL)
    {
      g_autofree char *when = sh_schedule_describe_time (next, now);

      g_print (_("Next run in the app: %s\n"), when);
    }
  if (timer == NULL)
    g_print (_("Timer: not installed (stashhogctl schedule install)\n"));
  else
    {
      g_print (_("Timer: %s (OnCalendar=%s)\n"), timer_path,
               installed_calendar ? installed_calendar : "?");
      if (installed_calendar != NULL && !g_str_equal (installed_calendar, on_calendar))
        g_print (_("The settings changed since: run “stashhogctl schedule install” again.\n"));
    }

  return SH_CTL_EXIT_OK;
}

int
sh_ctl_cmd_schedule (int    argc,
                     char **argv)
{
  ShCtlCommonOptions options = { 0 };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&options);
  gboolean no_systemctl = FALSE;
  int exit_code = SH_CTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "no-systemctl", 0, 0, G_OPTION_ARG_NONE, &no_systemctl,
      N_("Only write or remove the files; do not ask systemd to enable or disable them"),
      NULL },
    { NULL }
  };

  g_autofree char *action = NULL;

  /* The action is the one positional argument. */
  if (argc >= 2 && argv[1][0] != '-')
    {
      action = g_strdup (argv[1]);
      argv[1] = argv[0];
      argv++;
      argc--;
    }

  if (!sh_ctl_parse_options ("schedule", "install|remove|status",
                             _("Install, remove or show the systemd user timer that runs "
                               "“stashhogctl maintain --scheduled” on the schedule of "
                               "StashHog’s preferences (daily at 02:00 when none is set)."),
                             common, entries, &argc, &argv, &exit_code))
    {
      sh_ctl_common_options_clear (&options);
      return exit_code;
    }

  if (action == NULL)
    exit_code = sh_ctl_usage_error (_("“schedule” takes one of install, remove or status"));
  else if (g_str_equal (action, "install") || g_str_equal (action, "remove"))
    {
      messages_on_stderr = options.json;
      if (g_str_equal (action, "install"))
        exit_code = schedule_install (!no_systemctl);
      else
        exit_code = schedule_remove (!no_systemctl);
      if (exit_code == SH_CTL_EXIT_OK && options.json)
        exit_code = schedule_status (TRUE);
    }
  else if (g_str_equal (action, "status"))
    exit_code = schedule_status (options.json);
  else
    exit_code = sh_ctl_usage_error (_("“schedule” takes one of install, remove or status, "
                                      "not “%s”"), action);

  sh_ctl_common_options_clear (&options);
  return exit_code;
}
