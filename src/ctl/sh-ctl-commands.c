/* sh-ctl-commands.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The commands of stashhogctl that talk to Stash and the mirror.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>
#include <unistd.h>

#include "sh-ctl.h"
#include "sh-ctl-config.h"
#include "sh-ctl-private.h"
#include "sh-database.h"
#include "sh-scene-store.h"
#include "sh-scene-sync.h"
#include "sh-stash-client.h"

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* Parses a command's options; a usage error is one line on stderr. */
static gboolean
parse_options (const char     *command,
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
      *exit_code = sh_ctl_usage_error ("%s", error->message);
      return FALSE;
    }

  if (*argc > 1)
    {
      *exit_code = sh_ctl_usage_error (_("unexpected argument “%s” for “%s”"), (*argv)[1],
                                       command);
      return FALSE;
    }

  return TRUE;
}

static ShStashClient *
make_client (ShCtlCommonOptions  *options,
             int                 *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = sh_ctl_resolve_url (options, &error);
  g_autofree char *key = NULL;
  ShStashClient *client;

  if (url == NULL)
    {
      *exit_code = sh_ctl_usage_error ("%s", error->message);
      return NULL;
    }

  key = sh_ctl_lookup_api_key (url);
  client = sh_stash_client_new (url, key, &error);
  if (client == NULL)
    {
      *exit_code = sh_ctl_usage_error ("%s", error->message);
      return NULL;
    }

  return client;
}

/* Opens (and migrates) the mirror. */
static ShDatabase *
open_database (ShCtlCommonOptions  *options,
               int                 *exit_code)
{
  g_autofree char *location = sh_ctl_resolve_database (options);
  g_autofree char *password = location ? sh_ctl_lookup_database_password (location) : NULL;
  g_autoptr(ShDatabase) database = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  database = sh_database_new (location, password);
  sh_database_open_async (database, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  if (!sh_database_open_finish (database, result, &error))
    {
      *exit_code = sh_ctl_failure ("%s", error->message);
      return NULL;
    }

  return g_steal_pointer (&database);
}

static gint64
ensure_server (ShDatabase    *database,
               ShStashClient *client,
               int           *exit_code)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 server_id;

  sh_database_ensure_server_async (database, sh_stash_client_get_base_url (client), NULL,
                                   sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  server_id = sh_database_ensure_server_finish (database, result, &error);
  if (error != NULL)
    {
      *exit_code = sh_ctl_failure ("%s", error->message);
      return -1;
    }

  return server_id;
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
  int exit_code = SH_CTL_EXIT_OK;

  if (!parse_options ("test-connection", NULL,
                      _("Check that the Stash server answers and is ready to generate."),
                      common, NULL, &argc, &argv, &exit_code))
    return exit_code;

  client = make_client (&options, &exit_code);
  if (client == NULL)
    return exit_code;

  sh_stash_client_test_connection_async (client, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  info = sh_stash_client_test_connection_finish (client, result, &error);
  if (info == NULL)
    return sh_ctl_failure ("%s", error->message);

  if (options.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, sh_stash_client_get_base_url (client));
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, info->version);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, info->status);
      json_builder_set_member_name (builder, "ffmpeg");
      json_builder_add_boolean_value (builder, info->has_ffmpeg);
      json_builder_end_object (builder);
      print_json (builder);
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
  if (g_strcmp0 (info->status, "OK") != 0 || !info->has_ffmpeg)
    return SH_CTL_EXIT_FAILED;

  return SH_CTL_EXIT_OK;
}

typedef struct
{
  gboolean terminal;
  gint64   last_print;
} SyncProgress;

static void
sync_progress (guint64  processed,
               gint64   total,
               gpointer user_data)
{
  SyncProgress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (progress->terminal)
    {
      /* A bar on a terminal, redrawn at most ten times a second. */
      if (now - progress->last_print < G_USEC_PER_SEC / 10 && (gint64) processed != total)
        return;
      progress->last_print = now;

      if (total > 0)
        {
          int width = 30;
          int filled = (int) (width * MIN (1.0, (double) processed / total));

          g_printerr ("\r[%.*s%*s] ", filled, "##############################",
                      width - filled, "");
        }
      else
        g_printerr ("\r");
      g_printerr (_("Synced %" G_GUINT64_FORMAT "/%" G_GINT64_FORMAT " scenes"),
                  processed, MAX (total, (gint64) processed));
      return;
    }

  /* Plain lines for logs, at most one a second. */
  if (now - progress->last_print < G_USEC_PER_SEC && (gint64) processed != total)
    return;
  progress->last_print = now;
  g_printerr (_("Synced %" G_GUINT64_FORMAT "/%" G_GINT64_FORMAT " scenes"),
              processed, MAX (total, (gint64) processed));
  g_printerr ("\n");
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));

  return G_SOURCE_CONTINUE;
}

int
sh_ctl_cmd_sync (int    argc,
                 char **argv)
{
  g_auto(ShCtlCommonOptions) options = { 0 };
  g_autofree GOptionEntry *common = sh_ctl_common_option_entries (&options);
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShDatabase) database = NULL;
  g_autoptr(ShSceneStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ShSceneSyncResult sync = { 0 };
  SyncProgress progress = { 0 };
  gboolean full = FALSE;
  int page_size = 0;
  int exit_code = SH_CTL_EXIT_OK;
  guint sigint_id;
  guint sigterm_id;
  GOptionEntry entries[] = {
    { "full", 0, 0, G_OPTION_ARG_NONE, &full,
      N_("Read every scene and remove those Stash no longer has"), NULL },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size,
      N_("Scenes per request (default 500)"), N_("N") },
    { NULL }
  };

  if (!parse_options ("sync", NULL,
                      _("Mirror the scenes of the Stash server into the database. Without "
                        "--full, only scenes updated since the last sync are read."),
                      common, entries, &argc, &argv, &exit_code))
    return exit_code;

  if (page_size < 0 || page_size > 100000)
    return sh_ctl_usage_error (_("--page-size must be between 1 and 100000"));

  client = make_client (&options, &exit_code);
  if (client == NULL)
    return exit_code;

  database = open_database (&options, &exit_code);
  if (database == NULL)
    return exit_code;

  store = sh_scene_store_new (database);
  {
    gint64 server_id = ensure_server (database, client, &exit_code);

    if (server_id < 0)
      return exit_code;

    progress.terminal = isatty (STDERR_FILENO) && !options.json;
    sigint_id = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
    sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, cancellable);

    sh_scene_sync_run_async (client, store, server_id, full, page_size,
                             options.json ? NULL : sync_progress, &progress,
                             cancellable, sh_ctl_store_result, &result);
    sh_ctl_wait (&result);

    g_source_remove (sigint_id);
    g_source_remove (sigterm_id);
  }

  if (progress.terminal)
    g_printerr ("\n");

  if (!sh_scene_sync_run_finish (result, &sync, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr (_("stashhogctl: sync cancelled; the pages already read are kept\n"));
          return SH_CTL_EXIT_CANCELLED;
        }
      return sh_ctl_failure ("%s", error->message);
    }

  if (options.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, sync.full ? "full" : "incremental");
      json_builder_set_member_name (builder, "synced");
      json_builder_add_int_value (builder, sync.synced);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, MAX (sync.total, (gint64) sync.synced));
      json_builder_set_member_name (builder, "removed");
      json_builder_add_int_value (builder, sync.removed);
      json_builder_set_member_name (builder, "reset");
      json_builder_add_int_value (builder, sync.reset);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      g_print (_("Synced %" G_GUINT64_FORMAT " scenes (%s)"), sync.synced,
               sync.full ? _("full") : _("incremental"));
      g_print (_("; %" G_GUINT64_FORMAT " removed, %" G_GUINT64_FORMAT
                 " marked for regeneration.\n"), sync.removed, sync.reset);
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
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(ShDatabase) database = NULL;
  g_autoptr(ShSceneStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *search = NULL;
  ShGeneratedFilter filter;
  gboolean count_only = FALSE;
  int limit = 100;
  int exit_code = SH_CTL_EXIT_OK;
  gint64 server_id;
  GOptionEntry entries[] = {
    { "generated", 0, 0, G_OPTION_ARG_STRING, &generated,
      N_("Only scenes whose media is complete (yes), incomplete (no) or any"), N_("yes|no|any") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only scenes whose title contains TEXT"), N_("TEXT") },
    { "count", 0, 0, G_OPTION_ARG_NONE, &count_only,
      N_("Print only the number of scenes"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_("Print at most N scenes (default 100, 0 for all)"), N_("N") },
    { NULL }
  };

  if (!parse_options ("scenes", NULL, _("List the scenes of the mirror."),
                      common, entries, &argc, &argv, &exit_code))
    return exit_code;

  if (!parse_generated (generated, &filter))
    return sh_ctl_usage_error (_("--generated must be yes, no or any, not “%s”"), generated);
  if (limit < 0)
    return sh_ctl_usage_error (_("--limit must not be negative"));

  client = make_client (&options, &exit_code);
  if (client == NULL)
    return exit_code;

  database = open_database (&options, &exit_code);
  if (database == NULL)
    return exit_code;

  server_id = ensure_server (database, client, &exit_code);
  if (server_id < 0)
    return exit_code;
  store = sh_scene_store_new (database);

  if (count_only && search == NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;
      guint64 count = 0;

      sh_scene_store_count_async (store, server_id, filter, NULL, sh_ctl_store_result, &result);
      sh_ctl_wait (&result);
      if (!sh_scene_store_count_finish (store, result, &count, &error))
        return sh_ctl_failure ("%s", error->message);

      if (options.json)
        g_print ("{\"count\": %" G_GUINT64_FORMAT "}\n", count);
      else
        g_print ("%" G_GUINT64_FORMAT "\n", count);
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
          return sh_ctl_failure ("%s", error->message);

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
                json_builder_set_member_name (builder, "title");
                if (scene->title)
                  json_builder_add_string_value (builder, scene->title);
                else
                  json_builder_add_null_value (builder);
                json_builder_set_member_name (builder, "path");
                if (scene->path)
                  json_builder_add_string_value (builder, scene->path);
                else
                  json_builder_add_null_value (builder);
                json_builder_set_member_name (builder, "generated");
                json_builder_add_boolean_value (builder, scene->generated);
                json_builder_set_member_name (builder, "updated_at");
                json_builder_add_string_value (builder, scene->stash_updated_at ?: "");
                json_builder_end_object (builder);
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
        if (options.json)
          g_print ("{\"count\": %" G_GUINT64_FORMAT "}\n", printed);
        else
          g_print ("%" G_GUINT64_FORMAT "\n", printed);
      }
    else if (options.json)
      {
        json_builder_end_array (builder);
        print_json (builder);
      }
  }

  return SH_CTL_EXIT_OK;
}
