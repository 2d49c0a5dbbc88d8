/* sh-ctl-config.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sh-config.h"
#include "sh-ctl-config.h"
#include "sh-database.h"
#include "sh-secrets.h"

GOptionEntry *
sh_ctl_common_option_entries (ShCtlCommonOptions *options)
{
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &options->url,
      N_("The Stash server address (default: $STASHHOG_URL or the app’s setting)"), N_("URL") },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &options->database,
      N_("An SQLite file or a postgresql:// address (default: $STASHHOG_DATABASE or the "
         "app’s setting)"), N_("DATABASE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

void
sh_ctl_common_options_clear (ShCtlCommonOptions *options)
{
  g_clear_pointer (&options->url, g_free);
  g_clear_pointer (&options->database, g_free);
}

/* The desktop app's settings, when its schema is installed. */
/* The desktop app's settings, when its schema is installed. */
static GSettings *
app_settings (void)
{
  return sh_config_dup_app_settings ();
}

/**
 * sh_ctl_app_settings:
 *
 * Returns: (transfer full) (nullable): the desktop app's settings, when its schema is
 *   installed
 */
GSettings *
sh_ctl_app_settings (void)
{
  return app_settings ();
}


/**
 * sh_ctl_resolve_url:
 * @options: the parsed options
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the server address from --url, $STASHHOG_URL or the app's
 *   setting (see sh_config_dup_url()), or %NULL with @error set when there is none
 */
char *
sh_ctl_resolve_url (ShCtlCommonOptions  *options,
                    GError             **error)
{
  g_autoptr(GSettings) settings = app_settings ();
  char *url = sh_config_dup_url (settings, options->url);

  if (url == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("no Stash server configured; use --url, set STASHHOG_URL, or set the "
                   "address in StashHog's preferences"));

  return url;
}

/**
 * sh_ctl_resolve_database:
 * @options: the parsed options
 *
 * Returns: (transfer full) (nullable): the database from --database, $STASHHOG_DATABASE or
 *   the app's setting (see sh_config_dup_database()), or %NULL for the default SQLite file
 */
char *
sh_ctl_resolve_database (ShCtlCommonOptions *options)
{
  g_autoptr(GSettings) settings = app_settings ();

  return sh_config_dup_database (settings, options->database);
}

/**
 * sh_ctl_resolve_request_timeout:
 * @error: return location for a #GError
 *
 * Returns: how long a request to Stash may take (see sh_config_get_request_timeout()); 0
 *   with @error set when $STASHHOG_REQUEST_TIMEOUT is not valid
 */
guint
sh_ctl_resolve_request_timeout (GError **error)
{
  g_autoptr(GSettings) settings = app_settings ();

  return sh_config_get_request_timeout (settings, error);
}

/**
 * sh_ctl_resolve_failing_threshold:
 *
 * Returns: the failed Generates in a row that make a scene *failing*
 */
guint
sh_ctl_resolve_failing_threshold (void)
{
  g_autoptr(GSettings) settings = app_settings ();

  return sh_config_get_failing_threshold (settings);
}

/* A GAsyncReadyCallback that stores the result for sh_ctl_wait(). */
void
sh_ctl_store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

/**
 * sh_ctl_wait:
 * @result: (inout): where an async callback stores its result
 *
 * Iterates the main context until @result is set by sh_ctl_store_result().
 *
 * Returns: (transfer none): @result's value
 */
gpointer
sh_ctl_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static char *
lookup_secret (ShSecretKind  kind,
               const char   *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  sh_secrets_lookup_async (kind, url, NULL, sh_ctl_store_result, &result);
  sh_ctl_wait (&result);
  secret = sh_secrets_lookup_finish (result, &error);

  /* No keyring (a headless machine, say) is not an error: the server may need no key. */
  if (error != NULL)
    g_debug ("The keyring could not be read: %s", error->message);

  return secret;
}

/**
 * sh_ctl_lookup_api_key:
 * @url: the server address
 *
 * Returns: (transfer full) (nullable): $STASHHOG_API_KEY, else the key in the keyring
 */
char *
sh_ctl_lookup_api_key (const char *url)
{
  const char *env = g_getenv ("STASHHOG_API_KEY");

  if (env != NULL)
    return *env != '\0' ? g_strdup (env) : NULL;

  return lookup_secret (SH_SECRET_API_KEY, url);
}

/**
 * sh_ctl_lookup_database_password:
 * @database: a postgresql:// address
 *
 * Returns: (transfer full) (nullable): $STASHHOG_DATABASE_PASSWORD, else the password in
 *   the keyring
 */
char *
sh_ctl_lookup_database_password (const char *database)
{
  const char *env = g_getenv ("STASHHOG_DATABASE_PASSWORD");

  if (env != NULL)
    return g_strdup (env);

  if (!g_str_has_prefix (database, "postgres"))
    return NULL;

  return lookup_secret (SH_SECRET_DATABASE_PASSWORD, database);
}

/**
 * sh_ctl_lookup_trusted_fingerprint:
 * @url: the server address
 *
 * Returns: (transfer full) (nullable): the fingerprint of the certificate the user chose
 *   to trust for @url in the desktop app, if any
 */
char *
sh_ctl_lookup_trusted_fingerprint (const char *url)
{
  g_autoptr(GSettings) settings = app_settings ();

  return sh_config_dup_trusted_fingerprint (settings, url);
}
