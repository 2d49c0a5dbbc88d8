/* bench-progress.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How late stashhogctl shows Stash's progress. The standalone fake Stash runs a Generate
 * whose tasks take 500 ms each (one progress event every 500 ms); this process subscribes
 * to Stash's job events itself and notes when each one arrives, while it runs the real
 * stashhogctl: `generate --json` with its stderr on a pseudo-terminal (the JSON lines and
 * the terminal line), then `generate` with its stderr on a pipe (plain lines). Each line
 * is timed as it arrives; the delay of an event on a display is the time from its arrival
 * here to the first line that shows its progress or later. Prints p50, p95 and the worst
 * delay per display, with the load average. Target: p95 ≤ 150 ms on the terminal line and
 * the --json lines; plain lines print progress alone at most once a second (a change of
 * state at once), so their delay is up to that second by design.
 *
 *   bench-progress FAKE_STASH_EXECUTABLE STASHHOGCTL [SCENES] [MS_PER_TASK]
 */

/* posix_openpt() and ptsname() */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-util.h"
#include "sh-core.h"
#include "sh-stash-client.h"
#include "sh-stash-subscription.h"

typedef struct
{
  gint64 time;
  double percent;  /* as the display shows it */
} Shown;

typedef struct
{
  const char *name;
  gboolean    rounded;  /* shows whole percents */
  GArray     *shown;    /* of Shown */
  GString    *pending;  /* a partial line */
  gboolean    done;
} Display;

typedef struct
{
  GArray     *events;   /* of Shown: when each progress event arrived here */
  GHashTable *seen;     /* progress values already noted */
} Events;

static void
display_init (Display    *display,
              const char *name,
              gboolean    rounded)
{
  display->name = name;
  display->rounded = rounded;
  display->shown = g_array_new (FALSE, FALSE, sizeof (Shown));
  display->pending = g_string_new (NULL);
  display->done = FALSE;
}

static void
display_clear (Display *display)
{
  g_array_unref (display->shown);
  g_string_free (display->pending, TRUE);
}

static void
display_add (Display *display,
             gint64   time,
             double   percent)
{
  Shown shown = { time, percent };

  if (percent >= 0)
    g_array_append_val (display->shown, shown);
}

/* "Generating… 45%" in a terminal or plain line. */
static double
line_percent (const char *line)
{
  const char *at = strstr (line, "Generating… ");

  if (at == NULL)
    return -1;

  return g_ascii_strtod (at + strlen ("Generating… "), NULL);
}

/* A --json progress line. */
static double
json_percent (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *progress;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return -1;
  object = json_node_get_object (json_parser_get_root (parser));
  /* The final line is the job: not a progress line. */
  if (json_object_has_member (object, "parameters"))
    return -1;
  progress = json_object_get_member (object, "progress");
  if (progress == NULL || JSON_NODE_HOLDS_NULL (progress))
    return -1;
  if (strstr (line, "Generating") == NULL)
    return -1;

  return json_node_get_double (progress);
}

typedef struct
{
  Display *display;
  Display *json;      /* (nullable) set when this stream carries JSON lines */
  GInputStream *stream;
} Reader;

static void read_next (Reader *reader);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reader *reader = user_data;
  Display *display = reader->json != NULL ? reader->json : reader->display;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result,
                                                              NULL);
  gint64 now = g_get_monotonic_time ();
  gsize size;
  const char *data;

  /* A pseudo-terminal's master reads EIO once the child is gone. */
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      display->done = TRUE;
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      /* A line ends at a newline, and a terminal's redraw at its carriage return. */
      if (c == '\n' || (c == '\r' && reader->json == NULL))
        {
          const char *line = display->pending->str;

          if (reader->json != NULL)
            display_add (display, now, json_percent (line));
          else
            display_add (display, now, line_percent (line));
          g_string_truncate (display->pending, 0);
        }
      else
        g_string_append_c (display->pending, c);
    }

  /* A terminal's redraw is written whole: it is on screen once read, before the carriage
   * return of the next one. */
  if (reader->json == NULL && display->pending->len > 0)
    display_add (display, now, line_percent (display->pending->str));

  read_next (reader);
}

static void
read_next (Reader *reader)
{
  g_input_stream_read_bytes_async (reader->stream, 4096, G_PRIORITY_DEFAULT, NULL, read_cb,
                                   reader);
}

static void
on_job_update (ShStashSubscription *subscription,
               guint                type,
               const ShStashJob    *job,
               Events              *events)
{
  Shown event = { g_get_monotonic_time (), 100.0 * job->progress };
  char key[32];

  if (job->status != SH_STASH_JOB_RUNNING || !job->has_progress || job->progress <= 0)
    return;
  g_snprintf (key, sizeof key, "%s %.6f", job->id, job->progress);
  if (g_hash_table_contains (events->seen, key))
    return;
  g_hash_table_add (events->seen, g_strdup (key));
  g_array_append_val (events->events, event);
}

/* The delays of @events on @display, in ms: to the first line at or past each event. */
static GArray *
delays (Display *display,
        GArray  *events)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint e = 0; e < events->len; e++)
    {
      Shown *event = &g_array_index (events, Shown, e);
      char text[32];
      double wanted;

      /* Rounded as the display rounds it (printf's %.0f: 2.5 shows as 2). */
      g_snprintf (text, sizeof text, "%.0f", event->percent);
      wanted = display->rounded ? g_ascii_strtod (text, NULL) : event->percent - 1e-9;

      for (guint s = 0; s < display->shown->len; s++)
        {
          Shown *shown = &g_array_index (display->shown, Shown, s);

          if (shown->percent >= wanted)
            {
              double delay = (shown->time - event->time) / 1000.0;

              g_array_append_val (out, delay);
              break;
            }
        }
    }

  return out;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_delays (Display *display,
              GArray  *events)
{
  g_autoptr(GArray) d = delays (display, events);
  double *v = (double *) d->data;
  guint n = d->len;

  if (n == 0)
    {
      g_print ("%-14s no event shown (%u lines)\n", display->name, display->shown->len);
      return;
    }
  qsort (v, n, sizeof (double), compare_double);
  g_print ("%-14s %u of %u events shown in %u lines: delay p50 %.0f ms, p95 %.0f ms, "
           "worst %.0f ms\n",
           display->name, n, events->len, display->shown->len, v[n / 2],
           v[MIN (n - 1, (95 * n + 99) / 100 - 1)], v[n - 1]);
}

static char **
ctl_environment (const char *base,
                 const char *database)
{
  char **env = g_get_environ ();

  env = g_environ_unsetenv (env, "STASHHOG_API_KEY");
  env = g_environ_setenv (env, "STASHHOG_URL", base, TRUE);
  env = g_environ_setenv (env, "STASHHOG_DATABASE", database, TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);

  return env;
}

static void
run_ctl_sync (const char  *ctl,
              char       **env)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_environ (launcher, env);
  proc = g_subprocess_launcher_spawn (launcher, &error, ctl, "sync", "--json", NULL);
  bench_check (error, "stashhogctl sync");
  g_subprocess_wait_check (proc, NULL, &error);
  bench_check (error, "stashhogctl sync");
}

/* Runs `stashhogctl generate` and reads its displays until it ends. With @json, stdout
 * carries JSON lines and stderr is a pseudo-terminal; else stderr is a pipe. */
static void
run_ctl_generate (const char  *ctl,
                  char       **env,
                  gboolean     json,
                  Display     *stderr_display,
                  Display     *json_display)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Reader err_reader = { stderr_display, NULL, NULL };
  Reader out_reader = { json_display, json_display, NULL };
  int master = -1;

  if (json)
    {
      int slave;

      master = posix_openpt (O_RDWR | O_NOCTTY);
      if (master < 0 || grantpt (master) != 0 || unlockpt (master) != 0)
        g_error ("No pseudo-terminal: %s", g_strerror (errno));
      slave = open (ptsname (master), O_RDWR | O_NOCTTY);
      if (slave < 0)
        g_error ("No pseudo-terminal: %s", g_strerror (errno));
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_subprocess_launcher_take_stderr_fd (launcher, slave);
    }
  else
    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_set_environ (launcher, env);
  proc = json
    ? g_subprocess_launcher_spawn (launcher, &error, ctl, "generate", "--json", NULL)
    : g_subprocess_launcher_spawn (launcher, &error, ctl, "generate", NULL);
  bench_check (error, "stashhogctl generate");
  /* The child has the slave side: the master reads EOF (EIO) when the child is gone. */
  g_clear_object (&launcher);

  if (json)
    {
      err_reader.stream = g_unix_input_stream_new (master, TRUE);
      out_reader.stream = g_object_ref (g_subprocess_get_stdout_pipe (proc));
      read_next (&out_reader);
    }
  else
    err_reader.stream = g_object_ref (g_subprocess_get_stderr_pipe (proc));
  read_next (&err_reader);

  while (!stderr_display->done || (json && !json_display->done))
    g_main_context_iteration (NULL, TRUE);

  g_subprocess_wait (proc, NULL, NULL);
  g_clear_object (&err_reader.stream);
  g_clear_object (&out_reader.stream);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) fake_out = NULL;
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShStashSubscription) subscription = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = NULL;
  g_autofree char *line = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *scenes_arg = NULL;
  g_autofree char *speed_arg = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  Events json_events = { g_array_new (FALSE, FALSE, sizeof (Shown)),
                         g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  Events plain_events = { g_array_new (FALSE, FALSE, sizeof (Shown)),
                          g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  Display terminal, json_lines, plain;
  const char *base;
  guint scenes = 40;
  guint speed = 500;
  gulong update_id;

  if (argc < 3)
    {
      g_printerr ("Usage: %s FAKE_STASH_EXECUTABLE STASHHOGCTL [SCENES] [MS_PER_TASK]\n",
                  argv[0]);
      return 2;
    }
  if (argc > 3)
    scenes = MAX (2, (guint) g_ascii_strtoull (argv[3], NULL, 10));
  if (argc > 4)
    speed = MAX (1, (guint) g_ascii_strtoull (argv[4], NULL, 10));

  sh_core_init ();

  scenes_arg = g_strdup_printf ("%u", scenes);
  speed_arg = g_strdup_printf ("%u", speed);
  fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv[1], "--scenes",
                           scenes_arg, "--missing", "all", "--job-speed", speed_arg, NULL);
  bench_check (error, "fake Stash");
  fake_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (fake_out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("The fake Stash did not start: %s", error ? error->message : line);
  base = line + strlen ("Listening on ");

  dir = g_dir_make_tmp ("stashhog-bench-progress-XXXXXX", &error);
  bench_check (error, "temporary directory");
  database = g_build_filename (dir, "bench.db", NULL);
  env = ctl_environment (base, database);

  client = sh_stash_client_new (base, NULL, &error);
  bench_check (error, "client");
  subscription = sh_stash_subscription_new (client);
  sh_stash_subscription_start (subscription);
  while (!sh_stash_subscription_get_connected (subscription))
    g_main_context_iteration (NULL, TRUE);

  display_init (&terminal, "terminal line", TRUE);
  display_init (&json_lines, "--json lines", FALSE);
  display_init (&plain, "plain lines", TRUE);

  load_before = bench_load_average ();

  /* The scenes, not generated, into the mirror (a new fake is a new server). */
  run_ctl_sync (argv[2], env);
  update_id = g_signal_connect (subscription, "job-update", G_CALLBACK (on_job_update),
                                &json_events);
  run_ctl_generate (argv[2], env, TRUE, &terminal, &json_lines);
  g_signal_handler_disconnect (subscription, update_id);

  /* The fake keeps what it generated: a second fake for the second run. */
  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);
  g_clear_object (&fake_out);
  g_clear_object (&fake);
  g_clear_pointer (&line, g_free);
  sh_stash_subscription_stop (subscription);
  g_clear_object (&subscription);
  g_clear_object (&client);

  fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv[1], "--scenes",
                           scenes_arg, "--missing", "all", "--job-speed", speed_arg, NULL);
  bench_check (error, "fake Stash");
  fake_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (fake_out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("The fake Stash did not start: %s", error ? error->message : line);
  base = line + strlen ("Listening on ");
  g_strfreev (env);
  env = ctl_environment (base, database);
  client = sh_stash_client_new (base, NULL, &error);
  bench_check (error, "client");
  subscription = sh_stash_subscription_new (client);
  sh_stash_subscription_start (subscription);
  while (!sh_stash_subscription_get_connected (subscription))
    g_main_context_iteration (NULL, TRUE);

  /* The scenes, not generated, into the mirror (a new fake is a new server). */
  run_ctl_sync (argv[2], env);
  update_id = g_signal_connect (subscription, "job-update", G_CALLBACK (on_job_update),
                                &plain_events);
  run_ctl_generate (argv[2], env, FALSE, &plain, NULL);
  g_signal_handler_disconnect (subscription, update_id);

  load_after = bench_load_average ();

  g_print ("Generate of %u scenes, a progress event every %u ms; delay from the event's "
           "arrival here to the first line showing it\n", scenes, speed);
  print_delays (&terminal, json_events.events);
  print_delays (&json_lines, json_events.events);
  print_delays (&plain, plain_events.events);
  g_print ("load:          %s before, %s after\n", load_before, load_after);

  sh_stash_subscription_stop (subscription);
  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);
  display_clear (&terminal);
  display_clear (&json_lines);
  display_clear (&plain);
  g_array_unref (json_events.events);
  g_hash_table_unref (json_events.seen);
  g_array_unref (plain_events.events);
  g_hash_table_unref (plain_events.seen);
  {
    g_autofree char *wal = g_strconcat (database, "-wal", NULL);
    g_autofree char *shm = g_strconcat (database, "-shm", NULL);

    g_unlink (database);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);

  return 0;
}
