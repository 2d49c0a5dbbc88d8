/* sh-ctl-progress.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How stashhogctl shows a job while it runs. A handler reports one event of Stash in
 * several property changes (counts, then progress and message, then the sub-task, the
 * time left); drawing on the first of them showed a mix of the new state and the previous
 * one, and a throttle on the leading edge then dropped the rest until the next event — so
 * the line was always one event behind, and the last state could be lost. Here every
 * change only marks the display stale; the drawing happens once the handler has returned
 * (an idle), at most once per interval, and on the trailing edge: a change inside the
 * interval is drawn when it ends. sh_ctl_progress_finish() draws what is left.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sh-ctl-json.h"
#include "sh-ctl-progress.h"

#define FAST_INTERVAL_US  (G_USEC_PER_SEC / 10)
#define PLAIN_INTERVAL_US G_USEC_PER_SEC
#define TERMINAL_COLUMNS  110

struct _ShCtlProgress
{
  ShJob              *job;         /* (owned) */
  ShCtlProgressMode   mode;
  ShCtlProgressWrite  write;
  gpointer            user_data;
  gulong              notify_id;
  guint               source;
  gboolean            stale;       /* the job changed since the last drawing */
  gboolean            held;        /* a plain line waits for the end of its interval */
  gboolean            drawn;       /* anything written yet */
  gint64              last_draw;
  char               *last_text;   /* (owned) (nullable) what was written last */
  char               *last_state;  /* (owned) (nullable) the state of the last plain line */
};

/* A plain line's state: what a reader must see at once. The status, whether progress is
 * known, and the message without its figures ("Generating… 45%" is one state with
 * "Generating… 46%"; "Waiting in Stash’s queue", "Stopping…" or Stash being unreachable
 * are others). */
static char *
plain_state (ShJob *job)
{
  const char *message = sh_job_get_message (job) ?: "";
  GString *state = g_string_new (sh_job_status_to_string (sh_job_get_status (job)));

  g_string_append (state, sh_job_get_progress (job) >= 0 ? " known " : " unknown ");
  for (const char *p = message; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      g_string_append_c (state, *p);

  return g_string_free (state, FALSE);
}

static char *
terminal_text (ShJob *job)
{
  double progress = sh_job_get_progress (job);
  const char *message = sh_job_get_message (job) ?: "";
  const char *sub_task = sh_job_get_sub_task (job);
  int width = 24;
  int filled = progress >= 0 ? (int) (width * CLAMP (progress, 0, 100) / 100.0) : 0;
  g_autofree char *bar = NULL;
  g_autofree char *line = NULL;

  bar = progress >= 0
    ? g_strdup_printf ("[%.*s%*s] %3.0f%%", filled, "########################",
                       width - filled, "", progress)
    : g_strdup_printf ("[%*s]  ...", width, "");
  line = g_strdup_printf ("%s %s%s%s", bar, message, sub_task ? " — " : "",
                          sub_task ? sub_task : "");

  /* Clear the line, then redraw it (cut to a terminal's width, on a character). */
  if (g_utf8_strlen (line, -1) > TERMINAL_COLUMNS)
    *g_utf8_offset_to_pointer (line, TERMINAL_COLUMNS) = '\0';

  return g_strconcat ("\r\033[K", line, NULL);
}

static char *
plain_text (ShJob *job)
{
  double progress = sh_job_get_progress (job);
  const char *message = sh_job_get_message (job) ?: "";

  if (progress >= 0)
    return g_strdup_printf ("%3.0f%% %s\n", progress, message);

  return g_strdup_printf ("     %s\n", message);
}

/* A progress line of --json: what a script follows (the final line is the job). */
static char *
json_text (ShJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  double progress = sh_job_get_progress (job);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, sh_job_get_id (job));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, sh_job_status_to_string (sh_job_get_status (job)));
  json_builder_set_member_name (builder, "progress");
  if (progress >= 0)
    json_builder_add_double_value (builder, CLAMP (progress, 0, 100));
  else
    json_builder_add_null_value (builder);
  sh_ctl_json_add_count (builder, "processed_items", sh_job_get_processed_items (job));
  sh_ctl_json_add_count (builder, "total_items", sh_job_get_total_items (job));
  sh_ctl_json_add_string (builder, "message", sh_job_get_message (job));
  sh_ctl_json_add_string (builder, "sub_task", sh_job_get_sub_task (job));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  return g_strconcat (text, "\n", NULL);
}

static void
emit (ShCtlProgress *self,
      char          *text)
{
  self->drawn = TRUE;
  self->write (text, self->user_data);
  g_free (self->last_text);
  self->last_text = text;
}

/* Draws the job's state now if it is new; @force ignores what holds a plain line back. */
static void
draw (ShCtlProgress *self,
      gboolean       force)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = NULL;

  switch (self->mode)
    {
    case SH_CTL_PROGRESS_TERMINAL:
      text = terminal_text (self->job);
      break;

    case SH_CTL_PROGRESS_JSON:
      text = json_text (self->job);
      break;

    case SH_CTL_PROGRESS_PLAIN:
    default:
      {
        g_autofree char *state = plain_state (self->job);

        /* Progress alone waits for its interval; a new state is printed at once. */
        if (!force && self->last_state != NULL && strcmp (state, self->last_state) == 0 &&
            now - self->last_draw < PLAIN_INTERVAL_US)
          return;
        g_free (self->last_state);
        self->last_state = g_steal_pointer (&state);
        text = plain_text (self->job);
      }
      break;
    }

  self->stale = FALSE;
  if (g_strcmp0 (text, self->last_text) == 0)
    return;

  self->last_draw = now;
  emit (self, g_steal_pointer (&text));
}

static gboolean draw_cb (gpointer user_data);

/* Draws in @wait microseconds, or once the handler that changed the job has returned. */
static void
schedule_in (ShCtlProgress *self,
             gint64         wait)
{
  if (self->source != 0)
    return;

  if (wait <= 0)
    self->source = g_idle_add_full (G_PRIORITY_DEFAULT, draw_cb, self, NULL);
  else
    self->source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((wait + 999) / 1000),
                                       draw_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->source),
                            "[stashhogctl] progress");
}

static gboolean
draw_cb (gpointer user_data)
{
  ShCtlProgress *self = user_data;

  self->source = 0;
  self->held = FALSE;
  draw (self, FALSE);

  /* A plain line held back: printed when its interval ends, unless a new state comes
   * first (see on_job_notify()). */
  if (self->stale)
    {
      self->held = TRUE;
      schedule_in (self, self->last_draw + PLAIN_INTERVAL_US - g_get_monotonic_time ());
    }

  return G_SOURCE_REMOVE;
}

static void
on_job_notify (ShJob         *job,
               GParamSpec    *pspec,
               ShCtlProgress *self)
{
  self->stale = TRUE;

  if (self->mode != SH_CTL_PROGRESS_PLAIN)
    {
      schedule_in (self, self->drawn ? self->last_draw + FAST_INTERVAL_US
                                       - g_get_monotonic_time () : 0);
      return;
    }

  if (self->held)
    {
      g_autofree char *state = plain_state (job);

      if (g_strcmp0 (state, self->last_state) == 0)
        return;
      g_clear_handle_id (&self->source, g_source_remove);
      self->held = FALSE;
    }
  schedule_in (self, 0);
}

/**
 * sh_ctl_progress_new:
 * @job: the job to show
 * @mode: how
 * @write: (scope notified): writes a piece of text (lines end with a newline; a terminal's
 *   redraw starts with a carriage return)
 * @user_data: data for @write
 *
 * Follows @job's changes on the thread-default main context until
 * sh_ctl_progress_finish().
 *
 * Returns: (transfer full): the display
 */
ShCtlProgress *
sh_ctl_progress_new (ShJob              *job,
                     ShCtlProgressMode   mode,
                     ShCtlProgressWrite  write,
                     gpointer            user_data)
{
  ShCtlProgress *self;

  g_return_val_if_fail (SH_IS_JOB (job), NULL);
  g_return_val_if_fail (write != NULL, NULL);

  self = g_new0 (ShCtlProgress, 1);
  self->job = g_object_ref (job);
  self->mode = mode;
  self->write = write;
  self->user_data = user_data;
  self->notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), self);

  return self;
}

/**
 * sh_ctl_progress_finish:
 * @self: a #ShCtlProgress
 *
 * Stops following the job, after drawing its last state if that was not drawn yet. A
 * terminal's line is ended, so that the final state stays in view.
 */
void
sh_ctl_progress_finish (ShCtlProgress *self)
{
  g_return_if_fail (self != NULL);

  g_clear_signal_handler (&self->notify_id, self->job);
  g_clear_handle_id (&self->source, g_source_remove);
  draw (self, TRUE);
  if (self->mode == SH_CTL_PROGRESS_TERMINAL && self->drawn)
    self->write ("\n", self->user_data);
}

void
sh_ctl_progress_free (ShCtlProgress *self)
{
  if (self == NULL)
    return;

  g_clear_signal_handler (&self->notify_id, self->job);
  g_clear_handle_id (&self->source, g_source_remove);
  g_clear_object (&self->job);
  g_free (self->last_text);
  g_free (self->last_state);
  g_free (self);
}
