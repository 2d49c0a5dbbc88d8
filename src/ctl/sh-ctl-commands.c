/* sh-ctl-commands.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The commands of stashhogctl that talk to Stash and the mirror.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "sh-ctl.h"
#include "sh-ctl-config.h"
#include "sh-ctl-private.h"
#include "sh-store-error.h"
#include "sh-database.h"
#include "sh-job-manager.h"
#include "sh-scene-store.h"
#include "sh-session.h"
#include "sh-stash-client.h"
#include "sh-stash-error.h"

/* Parses a command's options; a usage error is one line on stderr. */
gboolean
sh_ctl_parse_options (const char     *command,
               const char     *parameter_string,
               const char     *summary,
               GOptionEntry   *common,
               GOptionEntry   *extra,
               int            *argc,
               char         ***argv,
               int            *exit_code)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autofree char *help_name = g_strconcat ("stashhogctl ", command, NULL);

  g_set_prgname (help_name);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, TRUE);
  if (extra != NULL)
    g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = sh_ctl_report_error (error, SH_CTL_EXIT_USAGE);
      return FALSE;
    }

  /* Errors are JSON too when --json was given (see sh_ctl_report_error()). */
  for (const GOptionEntry *entry = common; entry->long_name != NULL; entry++)
    {
      if (g_str_equal (entry->long_name, "json"))
        sh_ctl_set_json_errors (*(gboolean *) entry->arg_data);
    }

  if (*argc > 1)
    {
      *exit_code = sh_ctl_usage_error (_("unexpected argument “%s” for “%s”"), (*argv)[1],
                                       command);
      return FALSE;
    }

  return TRUE;
}

ShStashClient *
sh_ctl_make_client (ShCtlCommonOptions  *options,
             int                 *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = sh_ctl_resolve_url (options, &error);
  g_autofree char *key = NULL;
  g_autofree char *fingerprint = NULL;
  ShStashClient *client;
  guint timeout;

  if (url == NULL)
    {
      *exit_code = sh_ctl_config_error ("%s", error->message);
      return NULL;
    }

  timeout = sh_ctl_resolve_request_timeout (&error);
  if (timeout == 0)
    {
      *exit_code = sh_ctl_config_error ("%s", error->message);
      return NULL;
    }

  key = sh_ctl_lookup_api_key (url);
  fingerprint = sh_ctl_lookup_trusted_fingerprint (url);
  client = sh_stash_client_new (url, key, &error);
  if (client == NULL)
    {
      *exit_code = sh_ctl_report_error (error, SH_CTL_EXIT_USAGE);
      return NULL;
    }
  sh_stash_client_set_timeout (client, timeout);
  if (fingerprint != NULL)
    sh_stash_client_set_trusted_fingerprint (client, fingerprint);

  return client;
}

/**
 * sh_ctl_open_session:
 * @options: the parsed options
 * @recovery: what to do with jobs that dead processes left behind
 * @exit_code: (out): the exit code on failure
 *
 * Opens the same session as the desktop app — database (migrated), server, client with
 * the certificate the user trusted, job manager with its jobs loaded and recovered — for
 * the configured server.
 *
 * Returns: (transfer full) (nullable): the open session, or %NULL after printing why
 */
/* The database could not be opened. A bad address, user, database name or password is
 * the configuration's fault (exit 2); the advice is the command line's, not the app's
 * Preferences. */
static int
database_open_error (const char   *location,
                     const GError *error)
{
  static const char * const config_errors[] = {
    "no password supplied",
    "password authentication failed",
    "authentication failed",
    "does not exist",
    "not a database address",
    "not a valid SQLite database address",
    "address must look like",
    "address is empty",
    "The address is invalid",
  };
  const char *where = _("Preferences");
  g_autoptr(GString) message = g_string_new (error->message);
  g_autoptr(GError) shown = NULL;

  g_string_replace (message, where, "--database, $STASHHOG_DATABASE and "
                    "$STASHHOG_DATABASE_PASSWORD", 0);

  if (location != NULL && strstr (error->message, "no password supplied") != NULL)
    {
      shown = g_error_new (error->domain, error->code,
                           _("The PostgreSQL server of %s asks for a password and none was "
                             "given. Set STASHHOG_DATABASE_PASSWORD, or store the password "
                             "with the app's Preferences (the keyring)."), location);
      return sh_ctl_report_error (shown, SH_CTL_EXIT_USAGE);
    }

  shown = g_error_new_literal (error->domain, error->code, message->str);
  for (guint i = 0; i < G_N_ELEMENTS (config_errors); i++)
    {
      if (strstr (error->message, config_errors[i]) != NULL)
        return sh_ctl_report_error (shown, SH_CTL_EXIT_USAGE);
    }

  return sh_ctl_fail (shown);
}

ShSession *
sh_ctl_open_session (ShCtlCommonOptions  *options,
                     ShJobRecovery        recovery,
                     int                 *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = sh_ctl_resolve_url (options, &error);
  g_autofree char *key = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *location = NULL;
  g_autofree char *password = NULL;
  g_autoptr(ShSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint timeout;

  if (url == NULL)
    {
      *exit_code = sh_ctl_config_error ("%s", error->message);
      return NULL;
    }
  if ((timeout = sh_ctl_resolve_request_timeout (&error)) == 0)
    {
      *exit_code = sh_ctl_config_error ("%s", error->message);
      return NULL;
    }

  key = sh_ctl_lookup_api_key (url);
  fingerprint = sh_ctl_lookup_trusted_fingerprint (url);
  location = sh_ctl_resolve_database (options);

  /* A database file named by the user goes where it says, or nowhere: a folder that does
   * not exist is a typing error, not something to create (the default location is). */
  if (location != NULL && strstr (location, "://") == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (location);

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          *exit_code = sh_ctl_config_error (_("The folder %s of the database %s does not exist. "
                                              "Create it, or give another --database."),
                                            dir, location);
          return NULL;
        }
    }
  password = location ? sh_ctl_lookup_database_password (location) : NULL;

  session = sh_session_new (url, key, fingerprint, location, password);
  /* One-shot: no need to follow other processes while it runs. */
  sh_session_set_refresh_interval (session, 0);
  sh_session_set_recovery (session, recovery);
  sh_session_set_history_limit (session, 50);
  sh_session_set_request_timeout (session, timeout);
  sh_session_open_async (session, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  if (!sh_session_open_finish (session, result, &error))
    {
      /* An address that is not one is the user's to fix, as with sh_ctl_make_client(). */
      if (g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH))
        *exit_code = sh_ctl_report_error (error, SH_CTL_EXIT_USAGE);
      else if (g_error_matches (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN))
        *exit_code = database_open_error (location, error);
      else
        *exit_code = sh_ctl_fail (error);
      return NULL;
    }
  sh_database_set_failing_threshold (sh_session_get_database (session),
                                     sh_ctl_resolve_failing_threshold ());

  return g_steal_pointer (&session);
}

int
sh_ctl_cmd_test_connection (int    argc,
                            char **argv)
{
  g_auto(ShCtlCommonOptions) options = { 0 };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&options);
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ready;
  int exit_code = SH_CTL_EXIT_OK;

  if (!sh_ctl_parse_options ("test-connection", NULL,
                      _("Check that the Stash server answers and is ready to generate."),
                      common, NULL, &argc, &argv, &exit_code))
    return exit_code;

  client = sh_ctl_make_client (&options, &exit_code);
  if (client == NULL)
    return exit_code;

  sh_stash_client_test_connection_async (client, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  info = sh_stash_client_test_connection_finish (client, result, &error);
  if (info == NULL)
    return sh_ctl_fail (error);
  ready = g_strcmp0 (info->status, "OK") == 0 && info->has_ffmpeg;

  if (options.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, sh_stash_client_get_base_url (client));
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, info->version);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, info->status);
      json_builder_set_member_name (builder, "ffmpeg");
      json_builder_add_boolean_value (builder, info->has_ffmpeg);
      json_builder_set_member_name (builder, "ready");
      json_builder_add_boolean_value (builder, ready);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      sh_ctl_print_json (root, TRUE);
    }
  else
    {
      g_print (_("Connected to Stash %s at %s.\n"),
               *info->version ? info->version : _("(unknown version)"),
               sh_stash_client_get_base_url (client));
      g_print (_("System status: %s. ffmpeg: %s.\n"), info->status,
               info->has_ffmpeg ? _("found") : _("missing — Generate will fail"));
    }

  /* Reachable but unable to generate is a failure for scripts. */
  return ready ? SH_CTL_EXIT_OK : SH_CTL_EXIT_FAILED;
}

/* `--count`: a number, or `{"count": N}`. */
static void
print_count (guint64  count,
             gboolean json)
{
  if (json)
    g_print ("{\"count\": %" G_GUINT64_FORMAT "}\n", count);
  else
    g_print ("%" G_GUINT64_FORMAT "\n", count);
}

/* A Generate's failed scenes, with what each lacks and Stash's lines about it. */
static int
print_failures (ShJobStore *store,
                ShJob      *job,
                int         limit,
                gboolean    json)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GError) error = NULL;
  gint64 after_id = 0;
  guint64 printed = 0;

  json_builder_begin_array (builder);
  while (limit == 0 || printed < (guint64) limit)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) failures = NULL;
      guint want = limit == 0 ? 1000 : MIN (1000, (guint) (limit - printed));

      sh_job_store_list_failures_async (store, sh_job_get_id (job), after_id, want, NULL,
                                        sh_ctl_store_result, &result);
      sh_ctl_wait (&result);
      failures = sh_job_store_list_failures_finish (store, result, &error);
      if (failures == NULL)
        return sh_ctl_fail (error);

      for (guint i = 0; i < failures->len; i++)
        {
          const ShSceneFailure *failure = g_ptr_array_index (failures, i);
          g_auto(GStrv) missing = g_strsplit (failure->missing ? failure->missing : "", " ", -1);
          g_auto(GStrv) lines = failure->errors ? g_strsplit (failure->errors, "\n", -1) : NULL;

          printed++;
          if (!json)
            {
              g_print ("%" G_GINT64_FORMAT "	%s	%s\n", failure->scene_id,
                       failure->missing ? failure->missing : "",
                       lines != NULL && lines[0] != NULL ? lines[0] : "");
              continue;
            }

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, failure->scene_id);
          json_builder_set_member_name (builder, "missing");
          json_builder_begin_array (builder);
          for (guint k = 0; missing[k] != NULL; k++)
            if (*missing[k] != '\0')
              json_builder_add_string_value (builder, missing[k]);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "errors");
          json_builder_begin_array (builder);
          for (guint k = 0; lines != NULL && lines[k] != NULL; k++)
            json_builder_add_string_value (builder, lines[k]);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      if (failures->len < want)
        break;
      after_id = ((ShSceneFailure *) g_ptr_array_index (failures, failures->len - 1))->scene_id;
    }
  json_builder_end_array (builder);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);

      sh_ctl_print_json (root, TRUE);
    }

  return SH_CTL_EXIT_OK;
}

/* The scenes a job tracked or changed, from job_scene_set: ids only, paged by key. A
 * finished Generate's tracked scenes are the ones it updated. */
static int
print_job_scenes (ShJobManager  *manager,
                  const char    *id,
                  const char    *role,
                  gboolean       count_only,
                  int            limit,
                  gboolean       json)
{
  ShJobStore *store = sh_job_manager_get_job_store (manager);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 after_id = 0;
  guint64 printed = 0;

  if (!g_str_equal (role, "updated") && !g_str_equal (role, "tracked") &&
      !g_str_equal (role, "failed"))
    return sh_ctl_usage_error (_("--role must be updated, tracked or failed, not “%s”"), role);

  sh_job_manager_get_job_async (manager, id, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  job = sh_job_manager_get_job_finish (manager, result, &error);
  if (job == NULL)
    return sh_ctl_fail (error);
  g_clear_object (&result);

  if (count_only)
    {
      guint64 count = 0;

      sh_job_store_count_job_scenes_async (store, sh_job_get_id (job), role, NULL,
                                           sh_ctl_store_result, &result);
      sh_ctl_wait (&result);
      if (!sh_job_store_count_job_scenes_finish (store, result, &count, &error))
        return sh_ctl_fail (error);
      print_count (count, json);
      return SH_CTL_EXIT_OK;
    }

  if (g_str_equal (role, "failed"))
    return print_failures (store, job, limit, json);

  while (limit == 0 || printed < (guint64) limit)
    {
      g_autoptr(GAsyncResult) page_result = NULL;
      g_autoptr(GArray) ids = NULL;
      guint want = limit == 0 ? 5000 : MIN (5000, (guint) (limit - printed));

      sh_job_store_list_job_scenes_async (store, sh_job_get_id (job), role, after_id, want,
                                          NULL, sh_ctl_store_result, &page_result);
      sh_ctl_wait (&page_result);
      ids = sh_job_store_list_job_scenes_finish (store, page_result, &error);
      if (ids == NULL)
        return sh_ctl_fail (error);

      for (guint i = 0; i < ids->len; i++)
        {
          gint64 scene_id = g_array_index (ids, gint64, i);

          if (json)
            {
              JsonObject *scene = json_object_new ();

              json_object_set_int_member (scene, "id", scene_id);
              json_array_add_object_element (array, scene);
            }
          else
            g_print ("%" G_GINT64_FORMAT "\n", scene_id);
          printed++;
        }
      if (ids->len < want)
        break;
      after_id = g_array_index (ids, gint64, ids->len - 1);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_init_array (json_node_alloc (), array);

      sh_ctl_print_json (root, TRUE);
    }

  return SH_CTL_EXIT_OK;
}

static gboolean
parse_generated (const char        *value,
                 ShGeneratedFilter *filter)
{
  if (value == NULL || g_str_equal (value, "any"))
    *filter = SH_GENERATED_ANY;
  else if (g_str_equal (value, "yes"))
    *filter = SH_GENERATED_YES;
  else if (g_str_equal (value, "no"))
    *filter = SH_GENERATED_NO;
  else
    return FALSE;

  return TRUE;
}

int
sh_ctl_cmd_scenes (int    argc,
                   char **argv)
{
  g_auto(ShCtlCommonOptions) options = { 0 };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&options);
  g_autoptr(ShSession) session = NULL;
  ShSceneStore *store;
  g_autoptr(GError) error = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *search = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *role = NULL;
  ShGeneratedFilter filter;
  gboolean count_only = FALSE;
  gboolean failing = FALSE;
  int limit = 100;
  int exit_code = SH_CTL_EXIT_OK;
  gint64 server_id;
  GOptionEntry entries[] = {
    { "generated", 0, 0, G_OPTION_ARG_STRING, &generated,
      N_("Only scenes whose media is complete (yes), incomplete (no) or any"), N_("yes|no|any") },
    { "failing", 0, 0, G_OPTION_ARG_NONE, &failing,
      N_("Only failing scenes: those whose last Generates all failed, which whole-library "
         "runs leave out"), NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only scenes whose title contains TEXT"), N_("TEXT") },
    { "count", 0, 0, G_OPTION_ARG_NONE, &count_only,
      N_("Print only the number of scenes"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_("Print at most N scenes (default 100, 0 for all)"), N_("N") },
    { "job", 0, 0, G_OPTION_ARG_STRING, &job_id,
      N_("Only the scenes this job changed (View Impacted Scenes)"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      N_("With --job: updated (default); tracked: the scenes a Generate set out to do, "
         "which become those it updated when it finishes; failed: the scenes that still "
         "lacked media after it, with what they lack and Stash’s errors"), N_("ROLE") },
    { NULL }
  };

  if (!sh_ctl_parse_options ("scenes", NULL, _("List the scenes of the mirror."),
                      common, entries, &argc, &argv, &exit_code))
    return exit_code;

  if (!parse_generated (generated, &filter))
    return sh_ctl_usage_error (_("--generated must be yes, no or any, not “%s”"), generated);
  if (failing && generated != NULL)
    return sh_ctl_usage_error (_("--failing and --generated cannot be combined"));
  if (failing)
    filter = SH_GENERATED_FAILING;
  if (limit < 0)
    return sh_ctl_usage_error (_("--limit must not be negative"));

  /* Only looking: jobs that dead processes left are left as they are. */
  session = sh_ctl_open_session (&options, SH_JOB_RECOVERY_NONE, &exit_code);
  if (session == NULL)
    return exit_code;
  server_id = sh_session_get_server_id (session);
  store = sh_session_get_scene_store (session);

  if (job_id != NULL)
    return print_job_scenes (sh_session_get_job_manager (session), job_id,
                             role ? role : "updated", count_only, limit, options.json);

  if (count_only && search == NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;
      guint64 count = 0;

      sh_scene_store_count_async (store, server_id, filter, NULL, sh_ctl_store_result, &result);
      sh_ctl_wait (&result);
      if (!sh_scene_store_count_finish (store, result, &count, &error))
        return sh_ctl_fail (error);

      print_count (count, options.json);
      return SH_CTL_EXIT_OK;
    }

  {
    g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
    gint64 after_id = 0;
    guint64 printed = 0;

    if (options.json && !count_only)
      json_builder_begin_array (builder);

    /* Pages by key, so even a million scenes stream in bounded memory. */
    while (limit == 0 || printed < (guint64) limit)
      {
        g_autoptr(GAsyncResult) result = NULL;
        g_autoptr(GPtrArray) page = NULL;
        guint want = limit == 0 ? 1000 : MIN (1000, (guint) (limit - printed));

        sh_scene_store_list_async (store, server_id, filter, search, after_id, want, NULL,
                                   sh_ctl_store_result, &result);
        sh_ctl_wait (&result);
        page = sh_scene_store_list_finish (store, result, &error);
        if (page == NULL)
          return sh_ctl_fail (error);

        for (guint i = 0; i < page->len; i++)
          {
            ShSceneRecord *scene = g_ptr_array_index (page, i);

            printed++;
            if (count_only)
              continue;

            if (options.json)
              {
                json_builder_begin_object (builder);
                json_builder_set_member_name (builder, "id");
                json_builder_add_int_value (builder, scene->id);
                sh_ctl_json_add_string (builder, "title", scene->title);
                sh_ctl_json_add_string (builder, "path", scene->path);
                json_builder_set_member_name (builder, "generated");
                json_builder_add_boolean_value (builder, scene->generated);
                sh_ctl_json_add_string (builder, "updated_at", scene->stash_updated_at);
                json_builder_set_member_name (builder, "failed_generates");
                json_builder_add_int_value (builder, scene->failed_generates);
                sh_ctl_json_add_string (builder, "failure_reason", scene->failure_reason);
                json_builder_end_object (builder);
              }
            else if (scene->failed_generates > 0)
              {
                g_print ("%" G_GINT64_FORMAT "\t%s (failed %d×: %s)\t%s\n", scene->id,
                         scene->generated ? "generated" : "missing", scene->failed_generates,
                         scene->failure_reason ? scene->failure_reason : "",
                         scene->title ? scene->title : (scene->path ? scene->path : ""));
              }
            else
              {
                g_print ("%" G_GINT64_FORMAT "\t%s\t%s\n", scene->id,
                         scene->generated ? "generated" : "missing",
                         scene->title ? scene->title : (scene->path ? scene->path : ""));
              }
          }

        if (page->len < want)
          break;
        after_id = ((ShSceneRecord *) g_ptr_array_index (page, page->len - 1))->id;
      }

    if (count_only)
      {
        print_count (printed, options.json);
      }
    else if (options.json)
      {
        g_autoptr(JsonNode) root = NULL;

        json_builder_end_array (builder);
        root = json_builder_get_root (builder);
        sh_ctl_print_json (root, TRUE);
      }
  }

  return SH_CTL_EXIT_OK;
}

/* stashhogctl mark: what the Scenes page's "Mark as Generated / Not Generated" does. */
int
sh_ctl_cmd_mark (int    argc,
                 char **argv)
{
  g_auto(ShCtlCommonOptions) options = { 0 };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&options);
  g_autoptr(ShSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_auto(GStrv) scenes = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *where = NULL;
  g_autofree char *search = NULL;
  g_autofree char *job_id = NULL;
  ShGeneratedFilter filter = SH_GENERATED_ANY;
  ShSceneStore *store;
  gboolean value;
  guint64 changed = 0;
  int exit_code = SH_CTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "generated", 0, 0, G_OPTION_ARG_STRING, &generated,
      N_("The new value of the flag (required)"), N_("yes|no") },
    { "scene", 0, 0, G_OPTION_ARG_STRING_ARRAY, &scenes,
      N_("Mark this scene; repeat for more"), N_("ID") },
    { "where-generated", 0, 0, G_OPTION_ARG_STRING, &where,
      N_("Or mark the scenes whose flag is yes, no, or that are failing"),
      N_("yes|no|failing") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Or mark the scenes whose title or path contains TEXT"), N_("TEXT") },
    { "job", 0, 0, G_OPTION_ARG_STRING, &job_id,
      N_("Or mark the scenes this job changed"), N_("ID") },
    { NULL }
  };

  if (!sh_ctl_parse_options ("mark", NULL,
                             _("Set the generated flag of scenes by hand, all in one "
                               "transaction. Give the scenes with --scene, or choose them with "
                               "--where-generated, --search and --job as in “scenes”."),
                             common, entries, &argc, &argv, &exit_code))
    return exit_code;

  if (g_strcmp0 (generated, "yes") == 0)
    value = TRUE;
  else if (g_strcmp0 (generated, "no") == 0)
    value = FALSE;
  else
    return sh_ctl_usage_error (_("--generated must be yes or no"));
  if (scenes != NULL && (where != NULL || search != NULL || job_id != NULL))
    return sh_ctl_usage_error (_("Give the scenes with --scene, or choose them with "
                                 "--where-generated, --search or --job, not both"));
  if (scenes == NULL && where == NULL && search == NULL && job_id == NULL)
    return sh_ctl_usage_error (_("Say which scenes: --scene ID, --where-generated, --search "
                                 "or --job"));
  if (g_strcmp0 (where, "failing") == 0)
    filter = SH_GENERATED_FAILING;
  else if (where != NULL && !parse_generated (where, &filter))
    return sh_ctl_usage_error (_("--where-generated must be yes, no or failing, not “%s”"),
                               where);

  if (scenes != NULL)
    {
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; scenes[i] != NULL; i++)
        {
          guint64 id;

          if (!g_ascii_string_to_unsigned (scenes[i], 10, 1, G_MAXINT32, &id, NULL))
            return sh_ctl_usage_error (_("“%s” is not a scene id"), scenes[i]);
          g_array_append_val (ids, id);
        }
    }

  session = sh_ctl_open_session (&options, SH_JOB_RECOVERY_NONE, &exit_code);
  if (session == NULL)
    return exit_code;
  store = sh_session_get_scene_store (session);

  if (ids == NULL)
    {
      sh_scene_store_list_ids_async (store, sh_session_get_server_id (session), filter, search,
                                     job_id, SH_SCENE_SORT_ID, FALSE, NULL, sh_ctl_store_result,
                                     &result);
      sh_ctl_wait (&result);
      ids = sh_scene_store_list_ids_finish (store, result, &error);
      if (ids == NULL)
        return sh_ctl_fail (error);
      g_clear_object (&result);
    }

  sh_scene_store_set_generated_async (store, sh_session_get_server_id (session),
                                      (const gint64 *) ids->data, ids->len, value, NULL,
                                      sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  changed = sh_scene_store_set_generated_finish (store, result, &error);
  if (error != NULL)
    return sh_ctl_fail (error);

  if (options.json)
    g_print ("{\"matched\": %u, \"changed\": %" G_GUINT64_FORMAT "}\n", ids->len, changed);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " scene marked %s (%u matched)\n",
                          "%" PRIu64 " scenes marked %s (%u matched)\n", changed),
             changed, value ? _("generated") : _("not generated"), ids->len);

  return SH_CTL_EXIT_OK;
}
