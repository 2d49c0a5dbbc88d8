/* sh-ctl-config.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

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
static GSettings *
app_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;

  schema = g_settings_schema_source_lookup (source, BASE_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
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

static char *
first_non_empty (const char *a,
                 const char *b)
{
  if (a != NULL && *a != '\0')
    return g_strdup (a);
  if (b != NULL && *b != '\0')
    return g_strdup (b);
  return NULL;
}

/**
 * sh_ctl_resolve_url:
 * @options: the parsed options
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the server address from --url, $STASHHOG_URL or the app's
 *   setting, or %NULL with @error set when there is none
 */
char *
sh_ctl_resolve_url (ShCtlCommonOptions  *options,
                    GError             **error)
{
  g_autofree char *url = first_non_empty (options->url, g_getenv ("STASHHOG_URL"));

  if (url == NULL)
    {
      g_autoptr(GSettings) settings = app_settings ();

      if (settings != NULL)
        url = g_settings_get_string (settings, "stash-url");
      if (url != NULL && *url == '\0')
        g_clear_pointer (&url, g_free);
    }

  if (url == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("no Stash server configured; use --url, set STASHHOG_URL, or set the "
                   "address in StashHog's preferences"));

  return g_steal_pointer (&url);
}

/**
 * sh_ctl_resolve_database:
 * @options: the parsed options
 *
 * Returns: (transfer full) (nullable): the database from --database, $STASHHOG_DATABASE or
 *   the app's setting, or %NULL for the default SQLite file
 */
char *
sh_ctl_resolve_database (ShCtlCommonOptions *options)
{
  g_autofree char *database = first_non_empty (options->database,
                                               g_getenv ("STASHHOG_DATABASE"));

  if (database == NULL)
    {
      g_autoptr(GSettings) settings = app_settings ();

      if (settings != NULL)
        database = g_settings_get_string (settings, "database-url");
      if (database != NULL && *database == '\0')
        g_clear_pointer (&database, g_free);
    }

  /* A relative SQLite path is relative to where the user is. */
  if (database != NULL && strstr (database, "://") == NULL && !g_path_is_absolute (database))
    {
      g_autofree char *cwd = g_get_current_dir ();
      char *absolute = g_canonicalize_filename (database, cwd);

      g_free (database);
      database = absolute;
    }

  return g_steal_pointer (&database);
}

/**
 * sh_ctl_resolve_request_timeout:
 * @error: return location for a #GError
 *
 * Returns: how long a request to Stash may take, in seconds, from $STASHHOG_REQUEST_TIMEOUT,
 *   the app's setting or 30; 0 with @error set when the variable is not a number from 1
 *   to 600
 */
guint
sh_ctl_resolve_request_timeout (GError **error)
{
  const char *text = g_getenv ("STASHHOG_REQUEST_TIMEOUT");
  g_autoptr(GSettings) settings = NULL;
  guint64 seconds;

  if (text != NULL && *text != '\0')
    {
      if (!g_ascii_string_to_unsigned (text, 10, 1, 600, &seconds, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("STASHHOG_REQUEST_TIMEOUT must be a number of seconds from 1 to "
                         "600, not “%s”"), text);
          return 0;
        }
      return (guint) seconds;
    }

  settings = app_settings ();
  if (settings != NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;

      g_object_get (settings, "settings-schema", &schema, NULL);
      /* An installed schema may be older than this program. */
      if (g_settings_schema_has_key (schema, "request-timeout"))
        return g_settings_get_uint (settings, "request-timeout");
    }

  return SH_CTL_DEFAULT_REQUEST_TIMEOUT;
}

/**
 * sh_ctl_resolve_failing_threshold:
 *
 * Returns: the failed Generates in a row that make a scene *failing*: the app's setting,
 *   or the default
 */
guint
sh_ctl_resolve_failing_threshold (void)
{
  g_autoptr(GSettings) settings = app_settings ();

  if (settings != NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;

      g_object_get (settings, "settings-schema", &schema, NULL);
      if (g_settings_schema_has_key (schema, "failing-threshold"))
        return MAX (g_settings_get_uint (settings, "failing-threshold"), 1);
    }

  return SH_DEFAULT_FAILING_THRESHOLD;
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
  g_autoptr(GVariant) trusted = NULL;
  char *fingerprint = NULL;

  if (settings == NULL)
    return NULL;

  trusted = g_settings_get_value (settings, "trusted-certificates");
  if (!g_variant_lookup (trusted, url, "s", &fingerprint))
    return NULL;

  return fingerprint;
}
