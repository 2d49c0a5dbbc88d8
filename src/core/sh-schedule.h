/* sh-schedule.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ShScheduleMode:
 * @SH_SCHEDULE_OFF: no scheduled runs
 * @SH_SCHEDULE_HOURS: every N hours after the last run
 * @SH_SCHEDULE_DAILY: every day, within the window
 * @SH_SCHEDULE_WEEKLY: on one day of the week, within the window
 *
 * When maintenance runs on its own (the `schedule-mode` setting).
 */
typedef enum
{
  SH_SCHEDULE_OFF,
  SH_SCHEDULE_HOURS,
  SH_SCHEDULE_DAILY,
  SH_SCHEDULE_WEEKLY,
} ShScheduleMode;

/**
 * ShSchedule:
 * @mode: the mode
 * @hours: for %SH_SCHEDULE_HOURS, hours between runs (1–24)
 * @start_minute: the window's start, minutes after midnight (local time)
 * @end_minute: the window's end; at or before the start, it is on the next day
 * @weekday: for %SH_SCHEDULE_WEEKLY, 1 (Monday) to 7 (Sunday)
 * @cancel_at_end: cancel a run still going at the window's end (otherwise it continues)
 *
 * A maintenance schedule, as the settings describe it.
 */
typedef struct
{
  ShScheduleMode mode;
  guint          hours;
  guint          start_minute;
  guint          end_minute;
  guint          weekday;
  gboolean       cancel_at_end;
} ShSchedule;

#define SH_SCHEDULE_DEFAULT_START (2 * 60)

gboolean   sh_schedule_parse_time      (const char       *text,
                                        guint            *minute);
void       sh_schedule_init_default    (ShSchedule       *schedule);
void       sh_schedule_load            (ShSchedule       *schedule,
                                        GSettings        *settings);
GDateTime *sh_schedule_load_last_run   (GSettings        *settings);
void       sh_schedule_save_last_run   (GSettings        *settings,
                                        GDateTime        *when);
GDateTime *sh_schedule_next_due        (const ShSchedule *schedule,
                                        GDateTime        *last_run,
                                        GDateTime        *now);
gboolean   sh_schedule_is_due          (const ShSchedule *schedule,
                                        GDateTime        *last_run,
                                        GDateTime        *now);
GDateTime *sh_schedule_window_end      (const ShSchedule *schedule,
                                        GDateTime        *started);
char      *sh_schedule_to_on_calendar  (const ShSchedule *schedule);
char      *sh_schedule_describe_time   (GDateTime        *when,
                                        GDateTime        *now);

G_END_DECLS
