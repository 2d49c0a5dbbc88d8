/* sh-config.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one reader of where to connect and how, for the app, its Preferences and
 * stashhogctl: a value given on the command line, else the environment (STASHHOG_URL,
 * STASHHOG_DATABASE, STASHHOG_REQUEST_TIMEOUT), else the app's settings, else the
 * default. Values are trimmed, and a relative SQLite path is relative to where the program
 * was started. The API key and a database password are the keyring's (sh-secrets.c), or
 * STASHHOG_API_KEY and STASHHOG_DATABASE_PASSWORD.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-config.h"
#include "sh-database.h"

/**
 * sh_config_dup_app_settings:
 *
 * Returns: (transfer full) (nullable): the app's settings, when its schema is installed
 *   (stashhogctl may run where only it is)
 */
GSettings *
sh_config_dup_app_settings (void)
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

static gboolean
env_is_set (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0';
}

/* Whether the environment decides, over the settings (Preferences says so). */
gboolean
sh_config_url_from_env (void)
{
  return env_is_set ("STASHHOG_URL");
}

gboolean
sh_config_database_from_env (void)
{
  return env_is_set ("STASHHOG_DATABASE");
}

/* Even empty: no key, whatever the keyring has. */
gboolean
sh_config_api_key_from_env (void)
{
  return g_getenv ("STASHHOG_API_KEY") != NULL;
}

static gboolean
has_key (GSettings  *settings,
         const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return FALSE;
  /* An installed schema may be older than this program. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

/* @given, else $@env, else the setting @key: trimmed, %NULL when empty. */
static char *
first_value (const char *given,
             const char *env,
             GSettings  *settings,
             const char *key)
{
  g_autofree char *value = NULL;

  if (given != NULL && *given != '\0')
    value = g_strdup (given);
  else if (env_is_set (env))
    value = g_strdup (g_getenv (env));
  else if (has_key (settings, key))
    value = g_settings_get_string (settings, key);

  if (value == NULL || *g_strstrip (value) == '\0')
    return NULL;

  return g_steal_pointer (&value);
}

/**
 * sh_config_dup_url:
 * @settings: (nullable): the app's settings
 * @given: (nullable): the address given on the command line
 *
 * Returns: (transfer full) (nullable): the Stash server's address, or %NULL when none is
 *   configured
 */
char *
sh_config_dup_url (GSettings  *settings,
                   const char *given)
{
  return first_value (given, "STASHHOG_URL", settings, "stash-url");
}

/**
 * sh_config_dup_database:
 * @settings: (nullable): the app's settings
 * @given: (nullable): the database given on the command line
 *
 * Returns: (transfer full) (nullable): an SQLite path (absolute) or a `postgresql://`
 *   address, or %NULL for the default SQLite file
 */
char *
sh_config_dup_database (GSettings  *settings,
                        const char *given)
{
  g_autofree char *database = first_value (given, "STASHHOG_DATABASE", settings,
                                           "database-url");

  if (database != NULL && strstr (database, "://") == NULL && !g_path_is_absolute (database))
    {
      g_autofree char *cwd = g_get_current_dir ();

      return g_canonicalize_filename (database, cwd);
    }

  return g_steal_pointer (&database);
}

/**
 * sh_config_get_request_timeout:
 * @settings: (nullable): the app's settings
 * @error: return location for a #GError
 *
 * Returns: how long a request to Stash may take in all, in seconds:
 *   $STASHHOG_REQUEST_TIMEOUT, the setting, or 30; 0 with @error set when the variable is
 *   not a number from 1 to 600
 */
guint
sh_config_get_request_timeout (GSettings  *settings,
                               GError    **error)
{
  const char *text = g_getenv ("STASHHOG_REQUEST_TIMEOUT");
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

  if (has_key (settings, "request-timeout"))
    return g_settings_get_uint (settings, "request-timeout");

  return SH_CONFIG_DEFAULT_REQUEST_TIMEOUT;
}

/**
 * sh_config_get_failing_threshold:
 * @settings: (nullable): the app's settings
 *
 * Returns: the failed Generates in a row that make a scene *failing*
 */
guint
sh_config_get_failing_threshold (GSettings *settings)
{
  if (has_key (settings, "failing-threshold"))
    return MAX (g_settings_get_uint (settings, "failing-threshold"), 1);

  return SH_DEFAULT_FAILING_THRESHOLD;
}

/**
 * sh_config_dup_trusted_fingerprint:
 * @settings: (nullable): the app's settings
 * @url: a server address
 *
 * Returns: (transfer full) (nullable): the SHA-256 fingerprint of the certificate the user
 *   chose to trust for @url, if any
 */
char *
sh_config_dup_trusted_fingerprint (GSettings  *settings,
                                   const char *url)
{
  g_autoptr(GVariant) trusted = NULL;
  char *fingerprint = NULL;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  if (settings == NULL)
    return NULL;

  trusted = g_settings_get_value (settings, "trusted-certificates");
  if (!g_variant_lookup (trusted, url, "s", &fingerprint))
    return NULL;

  return fingerprint;
}

/**
 * sh_config_trust_certificate:
 * @settings: the app's settings
 * @url: a server address
 * @fingerprint: (nullable): the SHA-256 fingerprint of its certificate, or %NULL to trust
 *   none but verified ones again
 *
 * Remembers the user's decision to trust the certificate of @url. A fingerprint is not a
 * secret, so it lives in the settings.
 */
void
sh_config_trust_certificate (GSettings  *settings,
                             const char *url,
                             const char *fingerprint)
{
  g_autoptr(GVariant) trusted = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  GVariantIter iter;
  const char *key;
  const char *value;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (url != NULL);

  trusted = g_settings_get_value (settings, "trusted-certificates");
  g_variant_iter_init (&iter, trusted);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      if (!g_str_equal (key, url))
        g_variant_builder_add (&builder, "{ss}", key, value);
    }
  if (fingerprint != NULL)
    g_variant_builder_add (&builder, "{ss}", url, fingerprint);

  g_settings_set_value (settings, "trusted-certificates", g_variant_builder_end (&builder));
}
