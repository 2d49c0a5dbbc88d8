/* stashhog-fake-stash.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fake Stash as a program, for demos and benchmarks:
 *
 *   stashhog-fake-stash --scenes N [--port P] [--tls] [--job-speed MS] [--missing all|none]
 *                       [--missing-every N] [--fault nested|trickle|huge] [--broken ID]…
 *                       [--broken-every N]
 *                       [--ignore-stop] [--latency MS]
 *
 * The API key comes only from STASHHOG_FAKE_API_KEY: a key on the command line would show
 * up in `ps`. Prints "Listening on <url>" once it serves, and serves until SIGINT/SIGTERM.
 */

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "sh-fake-stash.h"

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ShFakeStash) fake = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *fault = NULL;
  g_auto(GStrv) broken = NULL;
  const char *api_key;
  int scenes = 1000;
  int port = 0;
  int job_speed = 20;
  int latency = 0;
  int broken_every = 0;
  int missing_every = 0;
  gboolean tls = FALSE;
  gboolean ignore_stop = FALSE;
  guint sigint_id;
  guint sigterm_id;
  const GOptionEntry entries[] = {
    { "scenes", 0, 0, G_OPTION_ARG_INT, &scenes, "Number of scenes (default 1000)", "N" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: any free one)", "P" },
    { "tls", 0, 0, G_OPTION_ARG_NONE, &tls, "Serve HTTPS with a self-signed certificate", NULL },
    { "job-speed", 0, 0, G_OPTION_ARG_INT, &job_speed, "Milliseconds per generate task", "MS" },
    { "missing", 0, 0, G_OPTION_ARG_STRING, &missing, "Generated media missing at start",
      "all|none" },
    { "missing-every", 0, 0, G_OPTION_ARG_INT, &missing_every,
      "Every Nth scene lacks its preview and animated preview at start (a library Stash "
      "has mostly made; 0: none)", "N" },
    { "broken-every", 0, 0, G_OPTION_ARG_INT, &broken_every,
      "Fault: every Nth scene's preview fails to generate (0: none)", "N" },
    { "fault", 0, 0, G_OPTION_ARG_STRING, &fault,
      "Answer every GraphQL request with JSON nested 100,000 deep, a byte a second, or "
      "200 MB", "nested|trickle|huge" },
    { "broken", 0, 0, G_OPTION_ARG_STRING_ARRAY, &broken,
      "Fault: Stash cannot make this scene's preview (the Generate logs an error and still "
      "finishes); repeat for more", "ID" },
    { "ignore-stop", 0, 0, G_OPTION_ARG_NONE, &ignore_stop,
      "Fault: answer stopJob but never stop a job", NULL },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency,
      "Fault: answer every request this many milliseconds late", "MS" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— a fake Stash server for StashHog");
  g_option_context_set_summary (context,
                                "The API key, if any, is read from STASHHOG_FAKE_API_KEY.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (scenes < 0 || port < 0 || port > 65535 || job_speed < 0 || latency < 0 || broken_every < 0 ||
      missing_every < 0 ||
      (missing != NULL && !g_str_equal (missing, "all") && !g_str_equal (missing, "none")) ||
      (fault != NULL && !g_str_equal (fault, "nested") && !g_str_equal (fault, "trickle") &&
       !g_str_equal (fault, "huge")))
    {
      g_printerr ("Invalid arguments; see --help.\n");
      return 2;
    }

  fake = sh_fake_stash_new ();
  sh_fake_stash_set_scene_count (fake, (guint) scenes);
  sh_fake_stash_set_job_speed (fake, (guint) job_speed);
  sh_fake_stash_set_stop_ignored (fake, ignore_stop);
  sh_fake_stash_set_latency (fake, (guint) latency);
  if (g_strcmp0 (missing, "all") == 0)
    sh_fake_stash_set_all_missing (fake, SH_FAKE_ARTIFACT_ALL, TRUE);
  for (int id = missing_every; missing_every > 0 && id <= scenes; id += missing_every)
    sh_fake_stash_set_missing (fake, (guint) id,
                               SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_WEBP, TRUE);
  for (guint i = 0; broken != NULL && broken[i] != NULL; i++)
    {
      guint64 id;

      if (!g_ascii_string_to_unsigned (broken[i], 10, 1, G_MAXUINT, &id, NULL))
        {
          g_printerr ("Invalid arguments; see --help.\n");
          return 2;
        }
      sh_fake_stash_set_broken (fake, (guint) id, SH_FAKE_ARTIFACT_PREVIEW);
    }
  for (int id = broken_every; broken_every > 0 && id <= scenes; id += broken_every)
    sh_fake_stash_set_broken (fake, (guint) id, SH_FAKE_ARTIFACT_PREVIEW);

  if (g_strcmp0 (fault, "nested") == 0)
    sh_fake_stash_answer_nested (fake, G_MAXUINT, 100000);
  else if (g_strcmp0 (fault, "trickle") == 0)
    sh_fake_stash_trickle_answers (fake, G_MAXUINT, 1000);
  else if (g_strcmp0 (fault, "huge") == 0)
    sh_fake_stash_answer_huge (fake, G_MAXUINT, 200 * 1000 * 1000, FALSE);

  api_key = g_getenv ("STASHHOG_FAKE_API_KEY");
  if (api_key != NULL && *api_key != '\0')
    sh_fake_stash_set_api_key (fake, api_key);

  if (tls)
    sh_fake_stash_start_tls (fake, (guint) port, &error);
  else
    sh_fake_stash_start (fake, (guint) port, &error);
  if (error != NULL)
    {
      g_printerr ("Could not start the fake Stash: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);

  /* Whoever started us reads this line to learn the port. */
  g_print ("Listening on %s\n", sh_fake_stash_get_url (fake));
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  sh_fake_stash_stop (fake);

  return 0;
}
