/* sh-scheduler.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts maintenance runs when the schedule (sh-schedule.c) says one is due, and cancels a
 * run still going at its window's end when the settings say so. The clock is injectable:
 * tests move time and call sh_scheduler_tick(); the app ticks every few seconds. The time
 * a run starts is recorded (`schedule-last-run`) before it runs, so that a missed run runs
 * once, and a run that fails is not repeated at once in a loop.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>

#include "sh-scheduler.h"

struct _ShScheduler
{
  GObject         parent_instance;

  GSettings      *settings;        /* (owned) */
  ShClockFunc     clock;
  gpointer        clock_data;
  GDestroyNotify  clock_destroy;
  ShJobManager   *manager;         /* (owned) (nullable) */
  GCancellable   *cancellable;     /* (owned) */
  guint           timeout_id;
  GDateTime      *next_run;        /* (owned) (nullable) */
  ShJob          *job;             /* (owned) (nullable) the scheduled run going on */
  GDateTime      *window_end;      /* (owned) (nullable) when that run is cancelled */
  gboolean        starting;
  gboolean        cancelled_at_end;
};

G_DEFINE_FINAL_TYPE (ShScheduler, sh_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_NEXT_RUN,
  PROP_NEXT_RUN_TEXT,
  PROP_JOB,
  N_PROPS
};

enum {
  RUN_STARTED,
  RUN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GDateTime *
real_clock (gpointer user_data)
{
  return g_date_time_new_now_local ();
}

static void
update_next_run (ShScheduler *self,
                 GDateTime   *now)
{
  ShSchedule schedule;
  g_autoptr(GDateTime) last_run = sh_schedule_load_last_run (self->settings);
  g_autoptr(GDateTime) next = NULL;

  sh_schedule_load (&schedule, self->settings);
  /* While a run goes on, the next is the one after it. */
  next = sh_schedule_next_due (&schedule, self->job ? now : last_run, now);
  if (next == NULL && self->next_run == NULL)
    return;
  if (next != NULL && self->next_run != NULL && g_date_time_equal (next, self->next_run))
    return;

  g_clear_pointer (&self->next_run, g_date_time_unref);
  self->next_run = g_steal_pointer (&next);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RUN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RUN_TEXT]);
}

static void
on_settings_changed (GSettings   *settings,
                     const char  *key,
                     ShScheduler *self)
{
  g_autoptr(GDateTime) now = NULL;

  if (!g_str_has_prefix (key, "schedule-"))
    return;

  now = sh_scheduler_dup_now (self);
  update_next_run (self, now);
}

static void
sh_scheduler_dispose (GObject *object)
{
  ShScheduler *self = SH_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->job);

  G_OBJECT_CLASS (sh_scheduler_parent_class)->dispose (object);
}

static void
sh_scheduler_finalize (GObject *object)
{
  ShScheduler *self = SH_SCHEDULER (object);

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->next_run, g_date_time_unref);
  g_clear_pointer (&self->window_end, g_date_time_unref);

  G_OBJECT_CLASS (sh_scheduler_parent_class)->finalize (object);
}

static void
sh_scheduler_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ShScheduler *self = SH_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_NEXT_RUN:
      g_value_set_boxed (value, self->next_run);
      break;
    case PROP_NEXT_RUN_TEXT:
      g_value_take_string (value, sh_scheduler_dup_next_run_text (self));
      break;
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scheduler_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ShScheduler *self = SH_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scheduler_constructed (GObject *object)
{
  ShScheduler *self = SH_SCHEDULER (object);
  g_autoptr(GDateTime) now = NULL;

  G_OBJECT_CLASS (sh_scheduler_parent_class)->constructed (object);

  if (self->settings != NULL)
    g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);
  now = sh_scheduler_dup_now (self);
  update_next_run (self, now);
}

static void
sh_scheduler_class_init (ShSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sh_scheduler_constructed;
  object_class->dispose = sh_scheduler_dispose;
  object_class->finalize = sh_scheduler_finalize;
  object_class->get_property = sh_scheduler_get_property;
  object_class->set_property = sh_scheduler_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_RUN] =
    g_param_spec_boxed ("next-run", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_RUN_TEXT] =
    g_param_spec_string ("next-run-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, SH_TYPE_JOB,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShScheduler::run-started:
   * @job: the maintenance job
   */
  signals[RUN_STARTED] = g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, SH_TYPE_JOB);
  /**
   * ShScheduler::run-finished:
   * @job: the maintenance job, finished
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, SH_TYPE_JOB);
}

static void
sh_scheduler_init (ShScheduler *self)
{
  self->clock = real_clock;
  self->cancellable = g_cancellable_new ();
}

/**
 * sh_scheduler_new:
 * @settings: (nullable): the application's settings (the `schedule-*` and
 *   `maintenance-*` keys)
 *
 * Returns: (transfer full): a scheduler; it starts nothing before a job manager is set
 */
ShScheduler *
sh_scheduler_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (SH_TYPE_SCHEDULER, "settings", settings, NULL);
}

/**
 * sh_scheduler_set_clock:
 * @self: a #ShScheduler
 * @func: (nullable): the clock, or %NULL for the real one
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 */
void
sh_scheduler_set_clock (ShScheduler    *self,
                        ShClockFunc     func,
                        gpointer        user_data,
                        GDestroyNotify  destroy)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_if_fail (SH_IS_SCHEDULER (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock = func ? func : real_clock;
  self->clock_data = user_data;
  self->clock_destroy = destroy;

  now = sh_scheduler_dup_now (self);
  update_next_run (self, now);
}

/**
 * sh_scheduler_dup_now:
 * @self: a #ShScheduler
 *
 * Returns: (transfer full): the time now, by the scheduler's clock
 */
GDateTime *
sh_scheduler_dup_now (ShScheduler *self)
{
  g_return_val_if_fail (SH_IS_SCHEDULER (self), NULL);

  return self->clock (self->clock_data);
}

/**
 * sh_scheduler_set_job_manager:
 * @self: a #ShScheduler
 * @manager: (nullable): the manager that runs the scheduled jobs
 *
 * Without one (not connected), due runs wait.
 */
void
sh_scheduler_set_job_manager (ShScheduler  *self,
                              ShJobManager *manager)
{
  g_return_if_fail (SH_IS_SCHEDULER (self));
  g_return_if_fail (manager == NULL || SH_IS_JOB_MANAGER (manager));

  g_set_object (&self->manager, manager);
}

ShJobManager *
sh_scheduler_get_job_manager (ShScheduler *self)
{
  g_return_val_if_fail (SH_IS_SCHEDULER (self), NULL);

  return self->manager;
}

static gboolean
on_timeout (gpointer user_data)
{
  sh_scheduler_tick (user_data);

  return G_SOURCE_CONTINUE;
}

/**
 * sh_scheduler_start:
 * @self: a #ShScheduler
 * @interval_seconds: how often to look at the clock
 *
 * Looks now, then every @interval_seconds.
 */
void
sh_scheduler_start (ShScheduler *self,
                    guint        interval_seconds)
{
  g_return_if_fail (SH_IS_SCHEDULER (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add_seconds (MAX (interval_seconds, 1), on_timeout, self);
  sh_scheduler_tick (self);
}

void
sh_scheduler_stop (ShScheduler *self)
{
  g_return_if_fail (SH_IS_SCHEDULER (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(ShScheduler) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = g_steal_pointer (&self->job);
  g_autoptr(GDateTime) now = NULL;

  if (!sh_job_manager_run_finish (SH_JOB_MANAGER (object), result, &error))
    g_warning ("The scheduled maintenance could not run: %s", error->message);

  g_clear_pointer (&self->window_end, g_date_time_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
  if (job != NULL)
    g_signal_emit (self, signals[RUN_FINISHED], 0, job);

  now = sh_scheduler_dup_now (self);
  update_next_run (self, now);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShScheduler) self = user_data;
  g_autoptr(GError) error = NULL;
  ShJobManager *manager = SH_JOB_MANAGER (object);

  self->starting = FALSE;
  self->job = sh_job_manager_create_finish (manager, result, &error);
  if (self->job == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The scheduled maintenance could not start: %s", error->message);
      return;
    }

  g_debug ("Scheduled maintenance %s started", sh_job_get_id (self->job));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
  g_signal_emit (self, signals[RUN_STARTED], 0, self->job);
  sh_job_manager_run_async (manager, self->job, NULL, run_cb, g_object_ref (self));
}

static gboolean
setting (GSettings  *settings,
         const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return FALSE;
  g_object_get (settings, "settings-schema", &schema, NULL);
  return g_settings_schema_has_key (schema, key) && g_settings_get_boolean (settings, key);
}

static void
start_run (ShScheduler      *self,
           const ShSchedule *schedule,
           GDateTime        *now)
{
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(GDateTime) next = NULL;

  self->starting = TRUE;
  self->cancelled_at_end = FALSE;
  sh_schedule_save_last_run (self->settings, now);
  g_clear_pointer (&self->window_end, g_date_time_unref);
  self->window_end = sh_schedule_window_end (schedule, now);

  json_object_set_boolean_member (parameters, "scan", setting (self->settings,
                                                               "maintenance-scan"));
  json_object_set_boolean_member (parameters, "mark_succeeded",
                                  setting (self->settings, "maintenance-mark-succeeded"));
  next = sh_schedule_next_due (schedule, now, now);
  if (next != NULL)
    {
      g_autofree char *text = g_date_time_format_iso8601 (next);

      json_object_set_string_member (parameters, "next_run", text);
    }

  sh_job_manager_create_async (self->manager, SH_JOB_TYPE_MAINTENANCE, parameters, NULL,
                               self->cancellable, created_cb, g_object_ref (self));
}

/**
 * sh_scheduler_tick:
 * @self: a #ShScheduler
 *
 * Looks at the clock: starts a due run, or cancels the running one at its window's end.
 */
void
sh_scheduler_tick (ShScheduler *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) last_run = NULL;
  ShSchedule schedule;

  g_return_if_fail (SH_IS_SCHEDULER (self));

  now = sh_scheduler_dup_now (self);

  if (self->job != NULL)
    {
      if (self->window_end != NULL && !self->cancelled_at_end &&
          g_date_time_compare (now, self->window_end) >= 0 && sh_job_is_active (self->job))
        {
          g_message ("The maintenance window ended: cancelling maintenance %s",
                     sh_job_get_id (self->job));
          self->cancelled_at_end = TRUE;
          sh_job_manager_cancel (self->manager, self->job);
        }
      return;
    }

  if (self->starting)
    return;

  sh_schedule_load (&schedule, self->settings);
  last_run = sh_schedule_load_last_run (self->settings);
  if (self->manager != NULL && sh_schedule_is_due (&schedule, last_run, now))
    start_run (self, &schedule, now);

  update_next_run (self, now);
}

/**
 * sh_scheduler_is_due:
 * @self: a #ShScheduler
 *
 * Returns: whether a run is due now (and none is going on)
 */
gboolean
sh_scheduler_is_due (ShScheduler *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) last_run = NULL;
  ShSchedule schedule;

  g_return_val_if_fail (SH_IS_SCHEDULER (self), FALSE);

  if (self->job != NULL || self->starting)
    return FALSE;

  now = sh_scheduler_dup_now (self);
  sh_schedule_load (&schedule, self->settings);
  last_run = sh_schedule_load_last_run (self->settings);

  return sh_schedule_is_due (&schedule, last_run, now);
}

/**
 * sh_scheduler_get_next_run:
 * @self: a #ShScheduler
 *
 * Returns: (transfer none) (nullable): when the next run is due; %NULL when the schedule
 *   is off
 */
GDateTime *
sh_scheduler_get_next_run (ShScheduler *self)
{
  g_return_val_if_fail (SH_IS_SCHEDULER (self), NULL);

  return self->next_run;
}

/**
 * sh_scheduler_dup_next_run_text:
 * @self: a #ShScheduler
 *
 * Returns: (transfer full): a sentence for the Jobs page, such as "Next maintenance run
 *   tonight at 02:00", or %NULL when the schedule is off
 */
char *
sh_scheduler_dup_next_run_text (ShScheduler *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *when = NULL;

  g_return_val_if_fail (SH_IS_SCHEDULER (self), NULL);

  if (self->next_run == NULL)
    return NULL;

  now = sh_scheduler_dup_now (self);
  if (self->job != NULL)
    return g_strdup (_("Scheduled maintenance is running"));
  if (g_date_time_compare (self->next_run, now) <= 0)
    return g_strdup (_("Scheduled maintenance is due now"));

  when = sh_schedule_describe_time (self->next_run, now);
  /* TRANSLATORS: %s is a time such as "tonight at 02:00" */
  return g_strdup_printf (_("Next maintenance run %s"), when);
}

/**
 * sh_scheduler_get_job:
 * @self: a #ShScheduler
 *
 * Returns: (transfer none) (nullable): the scheduled run going on
 */
ShJob *
sh_scheduler_get_job (ShScheduler *self)
{
  g_return_val_if_fail (SH_IS_SCHEDULER (self), NULL);

  return self->job;
}

/**
 * sh_scheduler_get_window_end:
 * @self: a #ShScheduler
 *
 * Returns: (transfer none) (nullable): when the run going on is cancelled
 */
GDateTime *
sh_scheduler_get_window_end (ShScheduler *self)
{
  g_return_val_if_fail (SH_IS_SCHEDULER (self), NULL);

  return self->window_end;
}
