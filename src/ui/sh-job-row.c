/* sh-job-row.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job in the Jobs page. An active job shows its progress bar, counts, ETA, elapsed
 * time, Stash's current sub-task and a Cancel button; a finished one a single summary line.
 * The row follows the job's notifications, so it is always live.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sh-job-row.h"
#include "sh-ui-util.h"

#define PULSE_INTERVAL_MS 100

struct _ShJobRow
{
  GtkListBoxRow        parent_instance;

  ShJob               *job;           /* (owned) */
  const ShJobTypeInfo *info;          /* (nullable) */
  gulong               notify_id;
  guint                tick_id;
  guint                pulse_id;
  const char          *status_class;  /* the status label's current class */

  /* Template widgets */
  GtkImage            *type_icon;
  GtkLabel            *title_label;
  GtkLabel            *status_label;
  GtkLabel            *subtitle_label;
  GtkButton           *cancel_button;
  GtkImage            *chevron;
  GtkProgressBar      *progress_bar;
  GtkLabel            *detail_label;
};

enum {
  PROP_0,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShJobRow, sh_job_row, GTK_TYPE_LIST_BOX_ROW)

static void sh_job_row_setup (ShJobRow *self);

/**
 * sh_job_row_new:
 * @job: a job
 * @info: (nullable): its type
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
sh_job_row_new (ShJob               *job,
                const ShJobTypeInfo *info)
{
  ShJobRow *self;

  g_return_val_if_fail (SH_IS_JOB (job), NULL);

  self = g_object_new (SH_TYPE_JOB_ROW, "job", job, NULL);
  self->info = info;
  sh_job_row_setup (self);

  return GTK_WIDGET (self);
}

/**
 * sh_job_row_get_job:
 * @self: a #ShJobRow
 *
 * Returns: (transfer none): the job shown
 */
ShJob *
sh_job_row_get_job (ShJobRow *self)
{
  g_return_val_if_fail (SH_IS_JOB_ROW (self), NULL);

  return self->job;
}

static gint64
elapsed_seconds (ShJob *job)
{
  const ShJobRecord *record = sh_job_get_record (job);
  gint64 end;

  if (record->started_at <= 0)
    return -1;

  end = record->completed_at > 0 && !sh_job_is_active (job) ? record->completed_at
                                                             : g_get_real_time ();
  return MAX (0, (end - record->started_at) / G_USEC_PER_SEC);
}

static void
join (GString    *out,
      const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, " · ");
  g_string_append (out, part);
}

static char *
first_line (const char *text)
{
  const char *newline;

  if (text == NULL)
    return NULL;

  newline = strchr (text, '\n');
  return newline != NULL ? g_strndup (text, newline - text) : g_strdup (text);
}

/* A phase without progress (“Waiting in Stash’s queue”, “Finding the scenes to generate”)
 * is the most important thing to say about the job: it leads the subtitle. */
static gboolean
sh_job_row_shows_phase (ShJobRow *self)
{
  const char *sub_task = sh_job_get_sub_task (self->job);
  const char *message = sh_job_get_message (self->job);

  return sh_job_get_status (self->job) == SH_JOB_RUNNING &&
         sh_job_get_progress (self->job) < 0 &&
         (sub_task == NULL || *sub_task == '\0') &&
         message != NULL && *message != '\0' && strchr (message, '\n') == NULL;
}

static void
sh_job_row_update_subtitle (ShJobRow *self)
{
  g_autoptr(GString) subtitle = g_string_new (NULL);
  ShJob *job = self->job;
  gint64 elapsed = elapsed_seconds (job);

  if (sh_job_is_active (job))
    {
      g_autofree char *counts = sh_job_format_counts (job, self->info);
      g_autofree char *eta = NULL;
      g_autofree char *running_for = NULL;

      g_autofree char *unreachable = NULL;
      gint64 unreachable_since = sh_job_get_unreachable_since (job);

      if (sh_job_get_status (job) == SH_JOB_PENDING)
        join (subtitle, _("Waiting to start"));
      if (unreachable_since > 0)
        {
          gint64 down = MAX (0, (g_get_real_time () - unreachable_since) / G_USEC_PER_SEC);
          g_autofree char *duration = sh_format_duration (down);

          /* Translators: %s is how long Stash has not answered, such as “1:05” */
          unreachable = g_strdup_printf (_("Stash unreachable — retrying (%s)"), duration);
          join (subtitle, unreachable);
        }
      else if (sh_job_row_shows_phase (self))
        join (subtitle, sh_job_get_message (job));
      join (subtitle, counts);
      /* An estimate made while Stash answered says nothing once it does not. */
      if (sh_job_get_eta (job) >= 0 && sh_job_get_status (job) == SH_JOB_RUNNING &&
          unreachable_since == 0)
        eta = sh_format_eta (sh_job_get_eta (job));
      join (subtitle, eta);
      if (elapsed >= 0)
        {
          g_autofree char *duration = sh_format_duration (elapsed);

          /* Translators: how long a job has been running, such as “1:23 elapsed” */
          running_for = g_strdup_printf (_("%s elapsed"), duration);
        }
      join (subtitle, running_for);
    }
  else
    {
      const ShJobRecord *record = sh_job_get_record (job);
      g_autofree char *when = sh_format_time (record->completed_at > 0 ? record->completed_at
                                                                       : record->created_at);
      g_autofree char *took = NULL;
      g_autofree char *counts = sh_job_format_counts (job, self->info);
      g_autofree char *what = NULL;
      g_autofree char *shown = NULL;

      join (subtitle, when);
      if (elapsed >= 0 && record->completed_at > 0)
        {
          g_autofree char *duration = sh_format_duration_words (elapsed);

          /* Translators: how long a job ran, such as “took 3 minutes” */
          took = g_strdup_printf (_("took %s"), duration);
        }
      join (subtitle, took);
      join (subtitle, counts);
      if (sh_job_get_status (job) == SH_JOB_FAILED && sh_job_get_error (job) != NULL)
        shown = sh_job_dup_error_display (job);
      else
        shown = sh_job_dup_message_display (job);
      what = first_line (shown);
      /* “Completed” under a Completed tag says nothing. */
      if (what != NULL &&
          (g_ascii_strcasecmp (what, sh_job_status_to_string (sh_job_get_status (job))) == 0 ||
           g_strcmp0 (what, sh_job_status_label (sh_job_get_status (job))) == 0))
        g_clear_pointer (&what, g_free);
      join (subtitle, what);
    }

  gtk_label_set_label (self->subtitle_label, subtitle->str);
  if (sh_job_is_active (job) && sh_job_get_unreachable_since (job) > 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->subtitle_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->subtitle_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "dim-label");
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label),
                               sh_job_is_active (job) ? NULL : subtitle->str);
}

static gboolean
sh_job_row_tick (gpointer user_data)
{
  sh_job_row_update_subtitle (SH_JOB_ROW (user_data));

  return G_SOURCE_CONTINUE;
}

static gboolean
sh_job_row_pulse (gpointer user_data)
{
  ShJobRow *self = SH_JOB_ROW (user_data);

  gtk_progress_bar_pulse (self->progress_bar);

  return G_SOURCE_CONTINUE;
}

/* The elapsed time ticks and an indeterminate bar pulses only while someone can see it. */
static void
sh_job_row_update_timers (ShJobRow *self)
{
  gboolean live = self->job != NULL && sh_job_is_active (self->job) &&
                  gtk_widget_get_mapped (GTK_WIDGET (self));
  gboolean pulsing = live && sh_job_get_progress (self->job) < 0;

  if (live && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, sh_job_row_tick, self);
  else if (!live)
    g_clear_handle_id (&self->tick_id, g_source_remove);

  if (pulsing && self->pulse_id == 0)
    self->pulse_id = g_timeout_add (PULSE_INTERVAL_MS, sh_job_row_pulse, self);
  else if (!pulsing)
    g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
sh_job_row_update (ShJobRow *self)
{
  ShJob *job = self->job;
  ShJobStatus status = sh_job_get_status (job);
  gboolean active = sh_job_is_active (job);
  const char *status_class = sh_job_outcome_css_class (job);
  const char *detail;
  gboolean unreachable;
  g_autofree char *cancel_label = NULL;

  gtk_label_set_label (self->status_label, sh_job_outcome_label (job));
  if (self->status_class != status_class)
    {
      if (self->status_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), self->status_class);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), status_class);
      self->status_class = status_class;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), active);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), status != SH_JOB_CANCELLING);
  gtk_widget_set_visible (GTK_WIDGET (self->chevron), !active);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), active);

  /* Translators: the accessible name of a job's Cancel button; %s is the job type */
  cancel_label = g_strdup_printf (_("Cancel %s"), sh_job_type_label (self->info, job));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cancel_label,
                                  -1);

  if (active && sh_job_get_progress (job) >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   CLAMP (sh_job_get_progress (job) / 100.0, 0.0, 1.0));

  /* While Stash does not answer, what it was doing is stale: say why it does not. */
  unreachable = sh_job_get_unreachable_since (job) > 0;
  detail = unreachable ? NULL : sh_job_get_sub_task (job);
  if (detail == NULL || *detail == '\0')
    detail = sh_job_get_message (job);
  if (!unreachable && sh_job_row_shows_phase (self))
    detail = NULL;
  gtk_label_set_label (self->detail_label, active && detail != NULL ? detail : "");
  /* Long reasons are cut at the row's end: the whole text on hover. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->detail_label), active ? detail : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label),
                          active && detail != NULL && *detail != '\0');
  if (unreachable && active)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "dim-label");
    }

  sh_job_row_update_subtitle (self);
  sh_job_row_update_timers (self);
}

static void
on_job_notify (ShJob      *job,
               GParamSpec *pspec,
               ShJobRow   *self)
{
  sh_job_row_update (self);
}

static void
sh_job_row_setup (ShJobRow *self)
{
  ShJob *job = self->job;

  if (job == NULL)
    return;

  gtk_widget_add_css_class (GTK_WIDGET (self->type_icon),
                            sh_job_type_css_class (sh_job_get_job_type (job)));
  gtk_image_set_from_icon_name (self->type_icon, sh_job_type_icon_name (self->info));
  gtk_label_set_label (self->title_label, sh_job_type_label (self->info, job));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->cancel_button), "s",
                                    sh_job_get_id (job));

  sh_job_row_update (self);
}

static void
sh_job_row_set_job (ShJobRow *self,
                    ShJob    *job)
{
  g_assert (self->job == NULL);

  if (job == NULL)
    return;

  self->job = g_object_ref (job);
  self->notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), self);
}

static void
sh_job_row_constructed (GObject *object)
{
  G_OBJECT_CLASS (sh_job_row_parent_class)->constructed (object);

  sh_job_row_setup (SH_JOB_ROW (object));
}

static void
sh_job_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sh_job_row_parent_class)->map (widget);

  sh_job_row_update_timers (SH_JOB_ROW (widget));
}

static void
sh_job_row_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sh_job_row_parent_class)->unmap (widget);

  sh_job_row_update_timers (SH_JOB_ROW (widget));
}

static void
sh_job_row_dispose (GObject *object)
{
  ShJobRow *self = SH_JOB_ROW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->job != NULL)
    g_clear_signal_handler (&self->notify_id, self->job);
  g_clear_object (&self->job);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_JOB_ROW);

  G_OBJECT_CLASS (sh_job_row_parent_class)->dispose (object);
}

static void
sh_job_row_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ShJobRow *self = SH_JOB_ROW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_job_row_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ShJobRow *self = SH_JOB_ROW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      sh_job_row_set_job (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_job_row_class_init (ShJobRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sh_job_row_constructed;
  object_class->dispose = sh_job_row_dispose;
  object_class->get_property = sh_job_row_get_property;
  object_class->set_property = sh_job_row_set_property;

  widget_class->map = sh_job_row_map;
  widget_class->unmap = sh_job_row_unmap;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL,
                         SH_TYPE_JOB,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sh-job-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, type_icon);
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, chevron);
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ShJobRow, detail_label);
}

static void
sh_job_row_init (ShJobRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
