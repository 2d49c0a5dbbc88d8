/* sh-schedule.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The arithmetic of the maintenance schedule, free of clocks and timers so that tests can
 * give it any "now":
 *
 * - every N hours: due N hours after the last run (at once when it never ran);
 * - daily or weekly: an *occurrence* is the window's start on a day the schedule allows.
 *   The latest occurrence is owed when no run started since it. Inside its window it is
 *   due; past the window's end it was *missed* (the machine slept, the app was closed): it
 *   runs at the next chance, once — now when runs may continue past the window, or at the
 *   next window when they are cancelled there (a run outside the window would only be
 *   cancelled). A schedule that never ran owes nothing from before it was set up.
 *
 * The same settings give the OnCalendar= of the systemd timer that `stashhogctl schedule
 * install` writes.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "sh-schedule.h"

#define MINUTES_PER_DAY (24 * 60)

/**
 * sh_schedule_parse_time:
 * @text: a time of day, "HH:MM"
 * @minute: (out): minutes after midnight
 *
 * Returns: whether @text is a valid time of day
 */
gboolean
sh_schedule_parse_time (const char *text,
                        guint      *minute)
{
  guint64 hours;
  guint64 minutes;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (minute != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ":", -1);
  if (g_strv_length (parts) != 2 ||
      strlen (parts[0]) < 1 || strlen (parts[0]) > 2 || strlen (parts[1]) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 23, &hours, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &minutes, NULL))
    return FALSE;

  *minute = (guint) (hours * 60 + minutes);
  return TRUE;
}

/**
 * sh_schedule_init_default:
 * @schedule: a schedule
 *
 * Off; when turned on, daily in a window from 02:00 to 06:00, runs continuing past it.
 */
void
sh_schedule_init_default (ShSchedule *schedule)
{
  g_return_if_fail (schedule != NULL);

  schedule->mode = SH_SCHEDULE_OFF;
  schedule->hours = 6;
  schedule->start_minute = SH_SCHEDULE_DEFAULT_START;
  schedule->end_minute = 6 * 60;
  schedule->weekday = 7;
  schedule->cancel_at_end = FALSE;
}

static gboolean
has_key (GSettings  *settings,
         const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

/**
 * sh_schedule_load:
 * @schedule: (out caller-allocates): the schedule
 * @settings: (nullable): the application's settings
 *
 * Reads the `schedule-*` settings; defaults for those missing (or all, without settings).
 */
void
sh_schedule_load (ShSchedule *schedule,
                  GSettings  *settings)
{
  g_autofree char *mode = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *action = NULL;

  g_return_if_fail (schedule != NULL);
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  sh_schedule_init_default (schedule);
  if (settings == NULL || !has_key (settings, "schedule-mode"))
    return;

  mode = g_settings_get_string (settings, "schedule-mode");
  if (g_str_equal (mode, "hours"))
    schedule->mode = SH_SCHEDULE_HOURS;
  else if (g_str_equal (mode, "daily"))
    schedule->mode = SH_SCHEDULE_DAILY;
  else if (g_str_equal (mode, "weekly"))
    schedule->mode = SH_SCHEDULE_WEEKLY;

  schedule->hours = CLAMP (g_settings_get_uint (settings, "schedule-hours"), 1, 24);
  schedule->weekday = CLAMP (g_settings_get_uint (settings, "schedule-weekday"), 1, 7);
  start = g_settings_get_string (settings, "schedule-window-start");
  end = g_settings_get_string (settings, "schedule-window-end");
  /* A malformed time (dconf-editor) keeps the default rather than stopping the schedule. */
  if (!sh_schedule_parse_time (start, &schedule->start_minute))
    g_warning ("Ignoring the malformed schedule-window-start “%s”", start);
  if (!sh_schedule_parse_time (end, &schedule->end_minute))
    g_warning ("Ignoring the malformed schedule-window-end “%s”", end);
  action = g_settings_get_string (settings, "schedule-window-end-action");
  schedule->cancel_at_end = g_str_equal (action, "cancel");
}

/**
 * sh_schedule_load_last_run:
 * @settings: (nullable): the application's settings
 *
 * Returns: (transfer full) (nullable): when a scheduled run last started, or %NULL
 */
GDateTime *
sh_schedule_load_last_run (GSettings *settings)
{
  gint64 seconds;

  if (settings == NULL || !has_key (settings, "schedule-last-run"))
    return NULL;

  seconds = g_settings_get_int64 (settings, "schedule-last-run");
  return seconds > 0 ? g_date_time_new_from_unix_local (seconds) : NULL;
}

/**
 * sh_schedule_save_last_run:
 * @settings: (nullable): the application's settings
 * @when: when a scheduled run started
 */
void
sh_schedule_save_last_run (GSettings *settings,
                           GDateTime *when)
{
  g_return_if_fail (when != NULL);

  if (settings != NULL && has_key (settings, "schedule-last-run"))
    g_settings_set_int64 (settings, "schedule-last-run", g_date_time_to_unix (when));
}

static guint
window_minutes (const ShSchedule *schedule)
{
  guint length = (schedule->end_minute + MINUTES_PER_DAY - schedule->start_minute)
                 % MINUTES_PER_DAY;

  return length == 0 ? MINUTES_PER_DAY : length;
}

static gboolean
day_allowed (const ShSchedule *schedule,
             GDateTime        *day)
{
  return schedule->mode != SH_SCHEDULE_WEEKLY ||
         (guint) g_date_time_get_day_of_week (day) == schedule->weekday;
}

/* The window's start on the day of @day (local time), or @days_offset days later. */
static GDateTime *
occurrence_on (const ShSchedule *schedule,
               GDateTime        *day,
               int               days_offset)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (day);
  g_autoptr(GDateTime) shifted = g_date_time_add_days (local, days_offset);

  return g_date_time_new_local (g_date_time_get_year (shifted),
                                g_date_time_get_month (shifted),
                                g_date_time_get_day_of_month (shifted),
                                schedule->start_minute / 60, schedule->start_minute % 60, 0);
}

/* The latest occurrence at or before @now. */
static GDateTime *
latest_occurrence (const ShSchedule *schedule,
                   GDateTime        *now)
{
  for (int offset = 0; offset >= -8; offset--)
    {
      g_autoptr(GDateTime) occurrence = occurrence_on (schedule, now, offset);

      if (g_date_time_compare (occurrence, now) <= 0 && day_allowed (schedule, occurrence))
        return g_steal_pointer (&occurrence);
    }

  g_return_val_if_reached (NULL);
}

/* The first occurrence after @now. */
static GDateTime *
next_occurrence (const ShSchedule *schedule,
                 GDateTime        *now)
{
  for (int offset = 0; offset <= 8; offset++)
    {
      g_autoptr(GDateTime) occurrence = occurrence_on (schedule, now, offset);

      if (g_date_time_compare (occurrence, now) > 0 && day_allowed (schedule, occurrence))
        return g_steal_pointer (&occurrence);
    }

  g_return_val_if_reached (NULL);
}

/**
 * sh_schedule_next_due:
 * @schedule: a schedule
 * @last_run: (nullable): when a scheduled run last started
 * @now: the time now
 *
 * When the next run is due. A time at or before @now means a run is due now (a missed
 * run is due at its occurrence, so it runs once, at the next chance).
 *
 * Returns: (transfer full) (nullable): the time, or %NULL when the schedule is off
 */
GDateTime *
sh_schedule_next_due (const ShSchedule *schedule,
                      GDateTime        *last_run,
                      GDateTime        *now)
{
  g_autoptr(GDateTime) occurrence = NULL;
  g_autoptr(GDateTime) occurrence_end = NULL;
  gboolean owed;

  g_return_val_if_fail (schedule != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  switch (schedule->mode)
    {
    case SH_SCHEDULE_OFF:
      return NULL;

    case SH_SCHEDULE_HOURS:
      if (last_run == NULL)
        return g_date_time_ref (now);
      return g_date_time_add_hours (last_run, MAX (schedule->hours, 1));

    case SH_SCHEDULE_DAILY:
    case SH_SCHEDULE_WEEKLY:
    default:
      break;
    }

  occurrence = latest_occurrence (schedule, now);
  occurrence_end = g_date_time_add_minutes (occurrence, window_minutes (schedule));
  if (last_run == NULL)
    owed = g_date_time_compare (now, occurrence_end) < 0;
  else
    owed = g_date_time_compare (last_run, occurrence) < 0;

  if (owed && (g_date_time_compare (now, occurrence_end) < 0 || !schedule->cancel_at_end))
    return g_steal_pointer (&occurrence);

  return next_occurrence (schedule, now);
}

/**
 * sh_schedule_is_due:
 * @schedule: a schedule
 * @last_run: (nullable): when a scheduled run last started
 * @now: the time now
 *
 * Returns: whether a run should start now
 */
gboolean
sh_schedule_is_due (const ShSchedule *schedule,
                    GDateTime        *last_run,
                    GDateTime        *now)
{
  g_autoptr(GDateTime) due = sh_schedule_next_due (schedule, last_run, now);

  return due != NULL && g_date_time_compare (due, now) <= 0;
}

/**
 * sh_schedule_window_end:
 * @schedule: a schedule
 * @started: when a run started
 *
 * Returns: (transfer full) (nullable): when a run that started at @started is cancelled,
 *   or %NULL when it may run to its end (runs continue past the window, the schedule has
 *   no window, or the run started outside one)
 */
GDateTime *
sh_schedule_window_end (const ShSchedule *schedule,
                        GDateTime        *started)
{
  g_autoptr(GDateTime) occurrence = NULL;
  g_autoptr(GDateTime) end = NULL;

  g_return_val_if_fail (schedule != NULL, NULL);
  g_return_val_if_fail (started != NULL, NULL);

  if (!schedule->cancel_at_end ||
      (schedule->mode != SH_SCHEDULE_DAILY && schedule->mode != SH_SCHEDULE_WEEKLY))
    return NULL;

  occurrence = latest_occurrence (schedule, started);
  end = g_date_time_add_minutes (occurrence, window_minutes (schedule));
  if (g_date_time_compare (started, end) >= 0)
    return NULL;

  return g_steal_pointer (&end);
}

/**
 * sh_schedule_to_on_calendar:
 * @schedule: a schedule
 *
 * The systemd calendar expression (systemd.time(7)) of @schedule: daily from 02:00 when
 * the schedule is off (`stashhogctl schedule install` was asked for a timer all the same).
 * Every N hours is counted from the window start's hour in each day, as systemd counts
 * repetitions (`02/6` is 02:00, 08:00, 14:00, 20:00).
 *
 * Returns: (transfer full): the expression
 */
char *
sh_schedule_to_on_calendar (const ShSchedule *schedule)
{
  static const char * const days[] = { NULL, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  guint hour;
  guint minute;

  g_return_val_if_fail (schedule != NULL, NULL);

  hour = schedule->start_minute / 60;
  minute = schedule->start_minute % 60;
  switch (schedule->mode)
    {
    case SH_SCHEDULE_HOURS:
      return g_strdup_printf ("*-*-* %02u/%u:%02u:00", hour % MAX (schedule->hours, 1),
                              MAX (schedule->hours, 1), minute);
    case SH_SCHEDULE_WEEKLY:
      return g_strdup_printf ("%s *-*-* %02u:%02u:00", days[CLAMP (schedule->weekday, 1, 7)],
                              hour, minute);
    case SH_SCHEDULE_DAILY:
      return g_strdup_printf ("*-*-* %02u:%02u:00", hour, minute);
    case SH_SCHEDULE_OFF:
    default:
      return g_strdup_printf ("*-*-* %02u:%02u:00", SH_SCHEDULE_DEFAULT_START / 60,
                              SH_SCHEDULE_DEFAULT_START % 60);
    }
}

/**
 * sh_schedule_describe_time:
 * @when: a time to come
 * @now: the time now
 *
 * Says when @when is, relative to @now: "now", "today at 14:00", "tonight at 02:00",
 * "tomorrow at 09:00", "on Sunday at 02:00", or a date.
 *
 * Returns: (transfer full): the text
 */
char *
sh_schedule_describe_time (GDateTime *when,
                           GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) day = NULL;
  GTimeSpan days;
  int hour;

  g_return_val_if_fail (when != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (g_date_time_compare (when, now) <= 0)
    return g_strdup (_("now"));

  local = g_date_time_to_local (when);
  local_now = g_date_time_to_local (now);
  today = g_date_time_new_local (g_date_time_get_year (local_now),
                                 g_date_time_get_month (local_now),
                                 g_date_time_get_day_of_month (local_now), 0, 0, 0);
  day = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                               g_date_time_get_day_of_month (local), 0, 0, 0);
  /* Rounded: a day across a daylight saving change is 23 or 25 hours. */
  days = (g_date_time_difference (day, today) + G_TIME_SPAN_HOUR * 12) / G_TIME_SPAN_DAY;
  hour = g_date_time_get_hour (local);

  /* TRANSLATORS: these are g_date_time_format() formats; %H:%M is the time of day */
  /* Early tomorrow is "tonight" from the afternoon on; from the small hours it is the
   * next night, "tomorrow". */
  if ((days == 0 && hour >= 18) ||
      (days == 1 && hour < 6 && g_date_time_get_hour (local_now) >= 12))
    return g_date_time_format (local, _("tonight at %H:%M"));
  if (days == 0)
    return g_date_time_format (local, _("today at %H:%M"));
  if (days == 1)
    return g_date_time_format (local, _("tomorrow at %H:%M"));
  if (days < 7)
    return g_date_time_format (local, _("on %A at %H:%M"));
  return g_date_time_format (local, _("on %x at %H:%M"));
}
