/* sh-ctl-jobs.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * stashhogctl's job commands. Long jobs run through the job manager in the foreground: a
 * progress bar on a terminal, plain lines otherwise, the final job as JSON with --json.
 * SIGINT or SIGTERM cancels the job properly (for Generate: stopJob, then wait for Stash)
 * and exits with 3; a second one stops waiting for Stash (the job fails, saying so) and
 * exits with 3 too. Every command opens the same ShSession as the desktop app, so jobs
 * that a dead process left behind are recovered the same way everywhere.
 */

#include "config.h"

#include "sh-types.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sh-ctl.h"
#include "sh-ctl-private.h"
#include "sh-ctl-progress.h"
#include "sh-generate-options.h"
#include "sh-job-error.h"
#include "sh-job-manager.h"
#include "sh-schedule.h"
#include "sh-stash-error.h"

/* Everything a job command needs, opened once. */
typedef struct
{
  ShCtlCommonOptions  options;
  ShSession          *session;   /* (owned) (nullable) */
  ShStashClient      *client;    /* (unowned) the session's */
  ShJobManager       *manager;   /* (unowned) the session's */
} Session;

static void
session_clear (Session *session)
{
  session->client = NULL;
  session->manager = NULL;
  if (session->session != NULL)
    sh_session_close (session->session);
  g_clear_object (&session->session);
  sh_ctl_common_options_clear (&session->options);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Session, session_clear)

/* Commands that only look use SH_JOB_RECOVERY_NONE and show orphaned jobs as such; those
 * that start work fail the jobs that dead processes left, and those that start a Generate
 * re-attach an orphaned one. */
static gboolean
session_open (Session       *session,
              ShJobRecovery  recovery,
              int           *exit_code)
{
  session->session = sh_ctl_open_session (&session->options, recovery, exit_code);
  if (session->session == NULL)
    return FALSE;

  session->client = sh_session_get_client (session->session);
  session->manager = sh_session_get_job_manager (session->session);

  return TRUE;
}

/* The ids of this server's active jobs that no live process owns. */
static GHashTable *
orphaned_ids (Session  *session,
              GError  **error)
{
  ShJobStore *store = sh_job_manager_get_job_store (session->manager);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GHashTable *ids;

  sh_job_store_list_orphaned_async (store, sh_job_manager_get_server_id (session->manager),
                                    sh_job_manager_get_stale_after (session->manager), NULL,
                                    sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  records = sh_job_store_list_orphaned_finish (store, result, error);
  if (records == NULL)
    return NULL;

  ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < records->len; i++)
    g_hash_table_add (ids, g_strdup (((ShJobRecord *) g_ptr_array_index (records, i))->id));

  return ids;
}

/* A job that completed with errors (a Generate that marked only the scenes that
 * succeeded) exits 1 all the same, so that scripts notice. */
static int
exit_code_for (ShJob *job)
{
  g_autoptr(JsonObject) result = NULL;

  switch (sh_job_get_status (job))
    {
    case SH_JOB_COMPLETED:
      result = sh_job_dup_result (job);
      if (result != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (result, "status", NULL),
                     "completed_with_errors") == 0)
        return SH_CTL_EXIT_FAILED;
      return SH_CTL_EXIT_OK;
    case SH_JOB_CANCELLED:
      return SH_CTL_EXIT_CANCELLED;
    case SH_JOB_FAILED:
    case SH_JOB_PENDING:
    case SH_JOB_RUNNING:
    case SH_JOB_CANCELLING:
    default:
      return SH_CTL_EXIT_FAILED;
    }
}

/* The last line of a long command: the job, which this process ran. */
static void
print_job_line (ShJob *job)
{
  g_autoptr(JsonNode) node = sh_ctl_job_to_json (job, FALSE);

  sh_ctl_print_json (node, FALSE);
}

static void
print_job_summary (ShJob *job)
{
  const char *status = sh_job_status_to_string (sh_job_get_status (job));
  g_autofree char *message = sh_job_dup_message_display (job);
  g_autofree char *error = sh_job_dup_error_display (job);

  g_print ("%s %s %s", sh_job_get_id (job), sh_job_get_job_type (job), status);
  if (message != NULL)
    g_print (": %s", message);
  g_print ("\n");
  if (error != NULL)
    g_printerr ("stashhogctl: %s\n", error);

  /* What a Generate left incomplete, and where to see it. */
  {
    g_autoptr(JsonObject) result = sh_job_dup_result (job);
    gint64 generated = -1;
    gint64 incomplete = 0;

    if (result != NULL && g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) == 0 &&
        json_object_has_member (result, "scenes_failed"))
      {
        generated = json_object_get_int_member (result, "scenes_updated_count");
        incomplete = json_object_get_int_member (result, "scenes_failed");
      }
    else if (result != NULL && json_object_has_member (result, "scenes_incomplete"))
      {
        generated = json_object_get_int_member (result, "scenes_generated");
        incomplete = json_object_get_int_member (result, "scenes_incomplete");
      }

    if (generated >= 0)
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%" PRId64 " scenes marked generated, %" PRId64 " scene still "
                            "incomplete\n",
                            "%" PRId64 " scenes marked generated, %" PRId64 " scenes still "
                            "incomplete\n", incomplete),
               generated, incomplete);
    if (incomplete > 0 && g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) == 0)
      g_print (_("See them with: stashhogctl scenes --job %s --role failed\n"),
               sh_job_get_id (job));
  }
}

typedef struct
{
  ShJobManager  *manager;
  ShJob         *job;
  gboolean       terminal;
  ShCtlProgress *display;       /* (owned) (nullable) on stderr */
  ShCtlProgress *json_display;  /* (owned) (nullable) --json lines on stdout */
  guint          interrupts;
  gboolean       abandoned;
} Follow;

static void
write_stderr (const char *text,
              gpointer    user_data)
{
  fputs (text, stderr);
  fflush (stderr);
}

/* Each line goes out when it is written, also into a pipe. */
static void
write_stdout (const char *text,
              gpointer    user_data)
{
  fputs (text, stdout);
  fflush (stdout);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Follow *follow = user_data;

  follow->interrupts++;
  if (follow->interrupts == 1)
    {
      if (follow->terminal)
        g_printerr ("\n");
      g_printerr (_("Cancelling; waiting for the job to stop (Stash must confirm a stopped "
                    "Generate). Press Ctrl-C again to stop waiting…\n"));
      sh_job_manager_cancel (follow->manager, follow->job);
    }
  else if (!follow->abandoned)
    {
      /* The user insists: stop waiting for a stop that Stash may never confirm. The job
       * ends at once, failed, saying so. */
      follow->abandoned = sh_job_manager_abandon (follow->manager, follow->job);
    }

  return G_SOURCE_CONTINUE;
}

/* Runs a created job in the foreground (or, with @attached, follows one that already runs
 * here: started with sh_job_manager_start_async(), or re-attached) and reports how it
 * ended. */
static int
follow_job (Session  *session,
            ShJob    *job,
            gboolean  attached)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Follow follow = { 0 };
  guint sigint_id;
  guint sigterm_id;

  follow.manager = session->manager;
  follow.job = job;
  follow.terminal = isatty (STDERR_FILENO);

  /* A terminal shows the line whatever the output; --json prints its own lines, and plain
   * lines only without it. */
  if (follow.terminal)
    follow.display = sh_ctl_progress_new (job, SH_CTL_PROGRESS_TERMINAL, write_stderr, NULL);
  else if (!session->options.json)
    follow.display = sh_ctl_progress_new (job, SH_CTL_PROGRESS_PLAIN, write_stderr, NULL);
  if (session->options.json)
    follow.json_display = sh_ctl_progress_new (job, SH_CTL_PROGRESS_JSON, write_stdout, NULL);

  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &follow);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &follow);

  if (attached)
    sh_job_manager_wait_async (session->manager, job, NULL, sh_ctl_store_result, &result);
  else
    sh_job_manager_run_async (session->manager, job, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  /* The last state is always shown, however soon after the one before it came. */
  if (follow.display != NULL)
    sh_ctl_progress_finish (follow.display);
  if (follow.json_display != NULL)
    sh_ctl_progress_finish (follow.json_display);
  g_clear_pointer (&follow.display, sh_ctl_progress_free);
  g_clear_pointer (&follow.json_display, sh_ctl_progress_free);

  if (attached ? !sh_job_manager_wait_finish (session->manager, result, &error)
               : !sh_job_manager_run_finish (session->manager, result, &error))
    return sh_ctl_fail (error);

  /* With --json a long command prints one JSON object per line: its progress, then the
   * job. */
  if (session->options.json)
    print_job_line (job);
  else
    print_job_summary (job);

  /* Stopped waiting: the job failed (Stash may still run its job), but the user
   * cancelled it. The error says so; with --json it is in the JSON, so say it here too. */
  if (follow.abandoned)
    {
      g_autofree char *why = sh_job_dup_error_display (job);

      if (session->options.json && why != NULL)
        g_printerr ("stashhogctl: %s\n", why);
      return SH_CTL_EXIT_CANCELLED;
    }

  return exit_code_for (job);
}

/* The Generate that this process re-attached when it opened the session: one that a dead
 * process left running, whose Stash job still runs or is remembered. */
static ShJob *
reattached_generate (Session *session)
{
  GListModel *jobs = sh_job_manager_get_jobs (session->manager);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) == 0 &&
          sh_job_manager_is_running_here (session->manager, job))
        return g_steal_pointer (&job);
    }

  return NULL;
}

/* Follows the re-attached Generate to its end; its outcome is the command's. */
static int
follow_earlier_generate (Session *session,
                         ShJob   *job)
{
  int exit_code;

  if (!session->options.json)
    g_printerr (_("A StashHog process that stopped left Generate job %s running, and Stash "
                  "still has its job %s: following it to the end.\n"),
                sh_job_get_id (job), sh_job_get_stash_job_id (job));

  exit_code = follow_job (session, job, TRUE);

  if (!session->options.json && exit_code == SH_CTL_EXIT_OK)
    g_print (_("Finished the earlier Generate job %s; no new Generate was started. Run the "
               "command again for what is left.\n"), sh_job_get_id (job));

  return exit_code;
}

static int
create_and_follow (Session    *session,
                   const char *type,
                   JsonObject *parameters)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  /* The one way to start a job (as the app does), then followed to its end. */
  sh_job_manager_start_async (session->manager, type, parameters, NULL, sh_ctl_store_result,
                              &result);
  sh_ctl_wait (&result);
  job = sh_job_manager_start_finish (session->manager, result, &error);
  if (job == NULL)
    {
      if (g_error_matches (error, SH_JOB_ERROR, SH_JOB_ERROR_INVALID_PARAMETERS))
        return sh_ctl_report_error (error, SH_CTL_EXIT_USAGE);
      return sh_ctl_fail (error);
    }

  return follow_job (session, job, TRUE);
}

int
sh_ctl_cmd_sync (int    argc,
                 char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(JsonObject) parameters = json_object_new ();
  gboolean full = FALSE;
  int exit_code = SH_CTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "full", 0, 0, G_OPTION_ARG_NONE, &full,
      N_("Read every scene and remove those Stash no longer has"), NULL },
    { NULL }
  };

  if (!sh_ctl_parse_options ("sync", NULL,
                             _("Mirror the scenes of the Stash server into the database. "
                               "Without --full, only scenes updated since the last sync are "
                               "read."), common, entries, &argc, &argv, &exit_code) ||
      !session_open (&session, SH_JOB_RECOVERY_FAIL, &exit_code))
    return exit_code;

  json_object_set_boolean_member (parameters, "full", full);
  return create_and_follow (&session, SH_JOB_TYPE_SYNC, parameters);
}

static JsonArray *
strv_to_json (char **values)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);

  return array;
}

int
sh_ctl_cmd_check (int    argc,
                  char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_auto(GStrv) kinds = NULL;
  g_auto(GStrv) scenes = NULL;
  int exit_code = SH_CTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING_ARRAY, &kinds,
      N_("Check this kind (cover, sprite, vtt, preview, webp, phash, heatmap, marker_video, "
         "marker_screenshot, marker_webp); repeat for more. Default: what a default Generate "
         "makes"), N_("KIND") },
    { "scene", 0, 0, G_OPTION_ARG_STRING_ARRAY, &scenes,
      N_("Check only this scene; repeat for more"), N_("ID") },
    { NULL }
  };

  if (!sh_ctl_parse_options ("check", NULL,
                             _("Ask Stash which generated media really exist, and mark each "
                               "scene as generated or not."),
                             common, entries, &argc, &argv, &exit_code) ||
      !session_open (&session, SH_JOB_RECOVERY_FAIL, &exit_code))
    return exit_code;

  if (kinds != NULL)
    json_object_set_array_member (parameters, "kinds", strv_to_json (kinds));
  if (scenes != NULL)
    json_object_set_array_member (parameters, "scene_ids", strv_to_json (scenes));

  return create_and_follow (&session, SH_JOB_TYPE_CHECK, parameters);
}

/* --covers / --no-covers and friends, one pair per boolean option of the seed. */
static JsonObject *generate_parameters;

static gboolean
on_boolean_option (const char  *option_name,
                   const char  *value,
                   gpointer     data,
                   GError     **error)
{
  gboolean on = !g_str_has_prefix (option_name, "--no-");
  const char *dashed = option_name + (on ? 2 : 5);
  guint n;
  const ShGenerateOption *options = sh_generate_options_get_all (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = NULL;
      GString *s = g_string_new (NULL);

      /* camelCase → kebab-case, as the option was registered. */
      for (const char *p = options[i].name; *p; p++)
        {
          if (g_ascii_isupper (*p))
            g_string_append_c (s, '-');
          g_string_append_c (s, g_ascii_tolower (*p));
        }
      name = g_string_free (s, FALSE);

      if (g_str_equal (name, dashed))
        {
          json_object_set_boolean_member (generate_parameters, options[i].name, on);
          return TRUE;
        }
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
               _("unknown option %s"), option_name);
  return FALSE;
}

int
sh_ctl_cmd_generate (int    argc,
                     char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(JsonObject) preview = json_object_new ();
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) scenes = NULL;
  g_autofree char *exclude_start = NULL;
  g_autofree char *exclude_end = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *retry_failed = NULL;
  gboolean mark_succeeded = FALSE;
  double segment_duration = -1;
  int segments = -1;
  int exit_code = SH_CTL_EXIT_OK;
  const ShGenerateOption *options;
  guint n_options;
  GOptionEntry fixed[] = {
    { "scene", 0, 0, G_OPTION_ARG_STRING_ARRAY, &scenes,
      N_("Generate for this scene (if it is not generated yet); repeat for more. Default: "
         "every scene that is not generated"), N_("ID") },
    { "retry-failed", 0, 0, G_OPTION_ARG_STRING, &retry_failed,
      N_("Generate exactly the scenes that job JOB found still lacking media"), N_("JOB") },
    { "mark-succeeded", 0, 0, G_OPTION_ARG_NONE, &mark_succeeded,
      N_("When some scenes still lack media afterwards, mark the others generated anyway "
         "(exits 1 all the same). Default: a failed scene means nothing is marked"), NULL },
    { "preview-segments", 0, 0, G_OPTION_ARG_INT, &segments, NULL, N_("N") },
    { "preview-segment-duration", 0, 0, G_OPTION_ARG_DOUBLE, &segment_duration, NULL, N_("S") },
    { "preview-exclude-start", 0, 0, G_OPTION_ARG_STRING, &exclude_start, NULL, N_("V") },
    { "preview-exclude-end", 0, 0, G_OPTION_ARG_STRING, &exclude_end, NULL, N_("V") },
    { "preview-preset", 0, 0, G_OPTION_ARG_STRING, &preset, NULL, N_("P") },
  };

  /* The preview options' help, with their defaults from the one table of them. */
  g_ptr_array_add (strings, g_strdup_printf (_("Segments in a preview (default %d)"),
                                             SH_GENERATE_DEFAULT_PREVIEW_SEGMENTS));
  fixed[3].description = g_ptr_array_index (strings, strings->len - 1);
  g_ptr_array_add (strings, g_strdup_printf (_("Seconds per preview segment (default %g)"),
                                             SH_GENERATE_DEFAULT_PREVIEW_SEGMENT_DURATION));
  fixed[4].description = g_ptr_array_index (strings, strings->len - 1);
  g_ptr_array_add (strings, g_strdup_printf (_("Skip this much of the start: seconds or a "
                                               "percentage (default %s)"),
                                             SH_GENERATE_DEFAULT_PREVIEW_EXCLUDE));
  fixed[5].description = g_ptr_array_index (strings, strings->len - 1);
  g_ptr_array_add (strings, g_strdup_printf (_("Skip this much of the end: seconds or a "
                                               "percentage (default %s)"),
                                             SH_GENERATE_DEFAULT_PREVIEW_EXCLUDE));
  fixed[6].description = g_ptr_array_index (strings, strings->len - 1);
  g_ptr_array_add (strings, g_strdup_printf (_("Encoder preset: ultrafast … veryslow (default %s)"),
                                             SH_GENERATE_DEFAULT_PREVIEW_PRESET));
  fixed[7].description = g_ptr_array_index (strings, strings->len - 1);
  generate_parameters = parameters;
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_array_append_val (entries, fixed[i]);

  options = sh_generate_options_get_all (&n_options);
  for (guint i = 0; i < n_options; i++)
    {
      GString *s = g_string_new (NULL);
      char *on_name;
      char *off_name;
      GOptionEntry on = { 0 };
      GOptionEntry off = { 0 };

      for (const char *p = options[i].name; *p; p++)
        {
          if (g_ascii_isupper (*p))
            g_string_append_c (s, '-');
          g_string_append_c (s, g_ascii_tolower (*p));
        }
      on_name = g_string_free (s, FALSE);
      off_name = g_strconcat ("no-", on_name, NULL);
      g_ptr_array_add (strings, on_name);
      g_ptr_array_add (strings, off_name);
      g_ptr_array_add (strings, g_strdup_printf ("%s (%s)", _(options[i].label),
                                                 options[i].default_value ? _("default: on")
                                                                          : _("default: off")));

      on.long_name = on_name;
      on.flags = G_OPTION_FLAG_NO_ARG;
      on.arg = G_OPTION_ARG_CALLBACK;
      on.arg_data = (gpointer) on_boolean_option;
      on.description = g_ptr_array_index (strings, strings->len - 1);
      off = on;
      off.long_name = off_name;
      off.flags |= G_OPTION_FLAG_HIDDEN;
      g_array_append_val (entries, on);
      g_array_append_val (entries, off);
    }

  if (!sh_ctl_parse_options ("generate", NULL,
                             _("Run Stash’s Generate task for the scenes whose media is not "
                               "complete. When Stash finishes, every scene is checked for the "
                               "media asked for; the scenes are marked generated only when all "
                               "of them have it (see --mark-succeeded). Each option --X has a "
                               "--no-X, and each says what its default is."),
                             common, (GOptionEntry *) entries->data, &argc, &argv, &exit_code))
    return exit_code;

  if (scenes != NULL)
    json_object_set_array_member (parameters, "sceneIDs", strv_to_json (scenes));
  if (retry_failed != NULL)
    json_object_set_string_member (parameters, "retry_failed_of", retry_failed);
  if (mark_succeeded)
    json_object_set_boolean_member (parameters, "mark_succeeded", TRUE);
  if (segments != -1)
    json_object_set_int_member (preview, "previewSegments", segments);
  if (segment_duration != -1)
    json_object_set_double_member (preview, "previewSegmentDuration", segment_duration);
  if (exclude_start != NULL)
    json_object_set_string_member (preview, "previewExcludeStart", exclude_start);
  if (exclude_end != NULL)
    json_object_set_string_member (preview, "previewExcludeEnd", exclude_end);
  if (preset != NULL)
    json_object_set_string_member (preview, "previewPreset", preset);
  json_object_set_object_member (parameters, "previewOptions", json_object_ref (preview));

  /* Check the options before touching the network or the database. */
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), parameters);
    g_autoptr(JsonNode) copy = json_node_copy (node);
    g_autoptr(GError) error = NULL;

    if (!sh_generate_options_validate (json_node_get_object (copy), &error))
      return sh_ctl_report_error (error, SH_CTL_EXIT_USAGE);
  }

  if (!session_open (&session, SH_JOB_RECOVERY_REATTACH, &exit_code))
    return exit_code;

  /* A Generate that a dead process left is finished first: Stash's work is not lost. */
  {
    g_autoptr(ShJob) earlier = reattached_generate (&session);

    if (earlier != NULL)
      return follow_earlier_generate (&session, earlier);
  }

  return create_and_follow (&session, SH_JOB_TYPE_GENERATE, parameters);
}

int
sh_ctl_cmd_process_new (int    argc,
                        char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(JsonObject) parameters = json_object_new ();
  int exit_code = SH_CTL_EXIT_OK;

  if (!sh_ctl_parse_options ("process-new", NULL,
                             _("Sync the scenes added to Stash since the last sync, generate "
                               "their media, then check them."),
                             common, NULL, &argc, &argv, &exit_code) ||
      !session_open (&session, SH_JOB_RECOVERY_REATTACH, &exit_code))
    return exit_code;

  {
    g_autoptr(ShJob) earlier = reattached_generate (&session);

    if (earlier != NULL)
      return follow_earlier_generate (&session, earlier);
  }

  return create_and_follow (&session, SH_JOB_TYPE_PROCESS_NEW, parameters);
}

static gboolean
settings_flag (GSettings  *settings,
               const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return FALSE;
  g_object_get (settings, "settings-schema", &schema, NULL);
  return g_settings_schema_has_key (schema, key) && g_settings_get_boolean (settings, key);
}

static gboolean
on_window_end (gpointer user_data)
{
  Session *session = ((gpointer *) user_data)[0];
  ShJob *job = ((gpointer *) user_data)[1];

  g_printerr (_("The maintenance window ended: cancelling.\n"));
  sh_job_manager_cancel (session->manager, job);

  return G_SOURCE_REMOVE;
}

int
sh_ctl_cmd_maintain (int    argc,
                     char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(GSettings) settings = sh_ctl_app_settings ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) window_end = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;
  gboolean scan = FALSE;
  gboolean scheduled = FALSE;
  int exit_code = SH_CTL_EXIT_OK;
  guint timeout_id = 0;
  gpointer timeout_data[2];
  ShSchedule schedule;
  GOptionEntry entries[] = {
    { "scan", 0, 0, G_OPTION_ARG_NONE, &scan,
      N_("Ask Stash to scan its library first (also the setting “maintenance-scan”)"), NULL },
    { "scheduled", 0, 0, G_OPTION_ARG_NONE, &scheduled,
      N_("Run as the schedule’s run: record it, and cancel at the window’s end when the "
         "settings say so"), NULL },
    { NULL }
  };

  if (!sh_ctl_parse_options ("maintain", NULL,
                             _("Run one maintenance cycle: wait until Stash’s queue is empty, "
                               "optionally scan, sync, check the scenes not known to be "
                               "complete, and generate the missing media of those not "
                               "failing. Exit status 0 when every step completed, 1 when "
                               "one failed, 3 when cancelled."),
                             common, entries, &argc, &argv, &exit_code) ||
      !session_open (&session, SH_JOB_RECOVERY_REATTACH, &exit_code))
    return exit_code;

  {
    g_autoptr(ShJob) earlier = reattached_generate (&session);

    if (earlier != NULL)
      {
        exit_code = follow_earlier_generate (&session, earlier);
        if (exit_code != SH_CTL_EXIT_OK)
          return exit_code;
      }
  }

  sh_schedule_load (&schedule, settings);
  json_object_set_boolean_member (parameters, "scan",
                                  scan || settings_flag (settings, "maintenance-scan"));
  json_object_set_boolean_member (parameters, "mark_succeeded",
                                  settings_flag (settings, "maintenance-mark-succeeded"));
  if (scheduled)
    {
      g_autoptr(GDateTime) next = NULL;

      /* The timer's own schedule is the settings' (or daily at 02:00 when off). */
      if (schedule.mode == SH_SCHEDULE_OFF)
        schedule.mode = SH_SCHEDULE_DAILY;
      sh_schedule_save_last_run (settings, now);
      window_end = sh_schedule_window_end (&schedule, now);
      next = sh_schedule_next_due (&schedule, now, now);
      if (next != NULL)
        {
          g_autofree char *text = g_date_time_format_iso8601 (next);

          json_object_set_string_member (parameters, "next_run", text);
        }
    }

  sh_job_manager_create_async (session.manager, SH_JOB_TYPE_MAINTENANCE, parameters, NULL, NULL,
                               sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  job = sh_job_manager_create_finish (session.manager, result, &error);
  if (job == NULL)
    return sh_ctl_fail (error);

  if (window_end != NULL)
    {
      GTimeSpan left = g_date_time_difference (window_end, now);

      timeout_data[0] = &session;
      timeout_data[1] = job;
      timeout_id = g_timeout_add_seconds ((guint) MAX (left / G_TIME_SPAN_SECOND, 1),
                                          on_window_end, timeout_data);
    }

  exit_code = follow_job (&session, job, FALSE);
  g_clear_handle_id (&timeout_id, g_source_remove);

  return exit_code;
}

int
sh_ctl_cmd_jobs (int    argc,
                 char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) orphaned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *type = NULL;
  ShJobStatus parsed_status;
  int limit = 20;
  int exit_code = SH_CTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      N_("Only jobs with this status (pending, running, cancelling, completed, failed, "
         "cancelled)"), N_("S") },
    { "type", 0, 0, G_OPTION_ARG_STRING, &type,
      N_("Only jobs of this type (sync_scenes, check_stash_generate, stash_generate, "
         "process_new_scenes)"), N_("T") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N jobs (default 20, 0 for all)"),
      N_("N") },
    { NULL }
  };

  if (!sh_ctl_parse_options ("jobs", NULL, _("List jobs, newest first."),
                             common, entries, &argc, &argv, &exit_code))
    return exit_code;
  if (status != NULL && !sh_job_status_from_string (status, &parsed_status))
    return sh_ctl_usage_error (_("“%s” is not a job status"), status);
  if (limit < 0)
    return sh_ctl_usage_error (_("--limit must not be negative"));
  if (!session_open (&session, SH_JOB_RECOVERY_NONE, &exit_code))
    return exit_code;
  if (type != NULL && sh_job_manager_lookup_type (session.manager, type) == NULL)
    return sh_ctl_usage_error (_("“%s” is not a job type"), type);

  sh_job_store_list_async (sh_job_manager_get_job_store (session.manager),
                           sh_job_manager_get_server_id (session.manager), status, type, 0,
                           limit, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  records = sh_job_store_list_finish (sh_job_manager_get_job_store (session.manager), result,
                                      &error);
  if (records == NULL)
    return sh_ctl_fail (error);
  orphaned = orphaned_ids (&session, &error);
  if (orphaned == NULL)
    return sh_ctl_fail (error);

  if (session.options.json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = NULL;

      for (guint i = 0; i < records->len; i++)
        {
          g_autoptr(ShJob) job = sh_job_new_from_record (g_ptr_array_index (records, i));
          gboolean is_orphaned = g_hash_table_contains (orphaned, sh_job_get_id (job));

          json_array_add_element (array, sh_ctl_job_to_json (job, is_orphaned));
        }
      root = json_node_init_array (json_node_alloc (), array);
      sh_ctl_print_json (root, TRUE);
    }
  else
    {
      for (guint i = 0; i < records->len; i++)
        {
          ShJobRecord *record = g_ptr_array_index (records, i);
          g_autoptr(ShJob) job = sh_job_new_from_record (record);
          g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (record->created_at / G_USEC_PER_SEC);
          g_autofree char *when = g_date_time_format (created, "%Y-%m-%d %H:%M:%S");
          g_autofree char *message = sh_job_dup_message_display (job);

          /* Orphaned is what the user should see: no process runs it any more. */
          const char *shown = g_hash_table_contains (orphaned, record->id) ? "orphaned"
                                                                           : record->status;

          g_print ("%s  %-20s %-10s %s  %s\n", record->id, record->type, shown, when,
                   message ? message : "");
        }
    }

  return SH_CTL_EXIT_OK;
}

static ShJob *
lookup_job (Session    *session,
            const char *id,
            int        *exit_code)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShJob *job;

  sh_job_manager_get_job_async (session->manager, id, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  job = sh_job_manager_get_job_finish (session->manager, result, &error);
  if (job == NULL)
    *exit_code = sh_ctl_fail (error);

  return job;
}

static gboolean
parse_id_command (const char  *command,
                  const char  *summary,
                  Session     *session,
                  GOptionEntry *common,
                  GOptionEntry *extra,
                  ShJobRecovery recovery,
                  int          argc,
                  char       **argv,
                  char       **id,
                  int         *exit_code)
{
  /* The id is the one positional argument. */
  if (argc >= 2 && argv[1][0] != '-')
    {
      *id = g_strdup (argv[1]);
      argv[1] = argv[0];
      argv++;
      argc--;
    }

  if (!sh_ctl_parse_options (command, _("ID"), summary, common, extra, &argc, &argv, exit_code))
    return FALSE;
  if (*id == NULL)
    {
      *exit_code = sh_ctl_usage_error (_("“%s” needs a job id"), command);
      return FALSE;
    }

  return session_open (session, recovery, exit_code);
}

/* `job ID` for people: the fields of the job object, one a line, with the messages that
 * StashHog wrote in the reader's language (the JSON keeps them as stored). */
static void
print_job_fields (ShJob      *job,
                  JsonObject *object)
{
  g_autoptr(GList) names = json_object_get_members (object);
  guint width = 0;

  for (GList *l = names; l != NULL; l = l->next)
    width = MAX (width, strlen (l->data));

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (object, name);
      g_autofree char *text = NULL;

      if (JSON_NODE_HOLDS_NULL (value))
        continue;
      if (g_str_equal (name, "message"))
        text = sh_job_dup_message_display (job);
      else if (g_str_equal (name, "error"))
        text = sh_job_dup_error_display (job);
      else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (value));
      else
        text = json_to_string (value, FALSE);
      g_print ("%-*s  %s\n", (int) width + 1, name, text);
    }
}

int
sh_ctl_cmd_job (int    argc,
                char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(ShJob) job = NULL;
  g_autofree char *id = NULL;
  int exit_code = SH_CTL_EXIT_OK;

  if (!parse_id_command ("job", _("Show a job: parameters, progress, result and error."),
                         &session, common, NULL, SH_JOB_RECOVERY_NONE, argc, argv, &id,
                         &exit_code))
    return exit_code;

  job = lookup_job (&session, id, &exit_code);
  if (job == NULL)
    return exit_code;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GHashTable) orphaned = orphaned_ids (&session, &error);
    g_autoptr(JsonNode) node = NULL;

    if (orphaned == NULL)
      return sh_ctl_fail (error);
    node = sh_ctl_job_to_json (job, g_hash_table_contains (orphaned, sh_job_get_id (job)));
    if (session.options.json)
      sh_ctl_print_json (node, TRUE);
    else
      print_job_fields (job, json_node_get_object (node));
  }

  return SH_CTL_EXIT_OK;
}

int
sh_ctl_cmd_cancel (int    argc,
                   char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  int exit_code = SH_CTL_EXIT_OK;

  if (!parse_id_command ("cancel",
                         _("Cancel a running job. A Generate is stopped in Stash; the job "
                           "that runs it ends once Stash confirms."),
                         &session, common, NULL, SH_JOB_RECOVERY_FAIL, argc, argv, &id,
                         &exit_code))
    return exit_code;

  job = lookup_job (&session, id, &exit_code);
  if (job == NULL)
    return exit_code;

  if (!sh_job_is_active (job))
    return sh_ctl_failure (SH_CTL_ERROR_JOB_NOT_ACTIVE, _("job %s is not running; it is %s"),
                           sh_job_get_id (job),
                           sh_job_status_to_string (sh_job_get_status (job)));

  /* The one cancel rule (sh_job_manager_request_cancel_async()): through the database to
   * the process that runs it, and a Generate stopped in Stash at once. */
  sh_job_manager_request_cancel_async (session.manager, job, NULL, sh_ctl_store_result,
                                       &result);
  sh_ctl_wait (&result);
  if (!sh_job_manager_request_cancel_finish (session.manager, result, &error))
    return sh_ctl_fail (error);

  /* The job as the request left it (cancelling, or cancelled when it had not started). */
  if (session.options.json)
    {
      g_autoptr(ShJob) now = lookup_job (&session, id, &exit_code);
      g_autoptr(JsonNode) node = NULL;

      if (now == NULL)
        return exit_code;
      node = sh_ctl_job_to_json (now, FALSE);
      sh_ctl_print_json (node, TRUE);
      return SH_CTL_EXIT_OK;
    }

  if (g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) == 0 &&
      sh_job_get_stash_job_id (job) != NULL)
    {
      g_print (_("Asked Stash to stop its job %s; job %s ends when Stash confirms.\n"),
               sh_job_get_stash_job_id (job), sh_job_get_id (job));
      return SH_CTL_EXIT_OK;
    }

  g_print (_("Asked the StashHog process that runs job %s to cancel it; it ends within a "
             "few seconds.\n"), sh_job_get_id (job));
  return SH_CTL_EXIT_OK;
}

int
sh_ctl_cmd_retry (int    argc,
                  char **argv)
{
  g_auto(Session) session = { { 0 } };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&session.options);
  g_autoptr(ShJob) job = NULL;
  g_autoptr(ShJob) retry = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  int exit_code = SH_CTL_EXIT_OK;

  if (!parse_id_command ("retry",
                         _("Run a failed or cancelled job again, as a new job with the same "
                           "parameters."),
                         &session, common, NULL, SH_JOB_RECOVERY_FAIL, argc, argv, &id,
                         &exit_code))
    return exit_code;

  job = lookup_job (&session, id, &exit_code);
  if (job == NULL)
    return exit_code;

  sh_job_manager_retry_async (session.manager, job, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  retry = sh_job_manager_retry_finish (session.manager, result, &error);
  if (retry == NULL)
    return sh_ctl_fail (error);

  if (!session.options.json)
    g_printerr (_("Retrying job %s as job %s\n"), sh_job_get_id (job), sh_job_get_id (retry));

  return follow_job (&session, retry, FALSE);
}
