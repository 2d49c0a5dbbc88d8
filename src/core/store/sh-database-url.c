/* sh-database-url.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-database-url.h"

void
sh_database_url_free (ShDatabaseUrl *self)
{
  if (self == NULL)
    return;

  g_free (self->provider);
  g_free (self->cnc_string);
  g_free (self->username);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self);
}

/* libgda's connection strings are `KEY=VALUE;…` with the values URL-encoded. */
static char *
encode_value (const char *value)
{
  return g_uri_escape_string (value, NULL, FALSE);
}

static ShDatabaseUrl *
parse_sqlite_path (const char *path)
{
  ShDatabaseUrl *self = g_new0 (ShDatabaseUrl, 1);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *enc_dir = NULL;
  g_autofree char *enc_name = NULL;

  /* The file given is the file used: libgda would append ".db" to any name. Earlier
   * versions let it, so a database they made at PATH.db is still found there. */
  if (!g_str_has_suffix (base, ".db") && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *old_path = g_strconcat (path, ".db", NULL);

      if (g_file_test (old_path, G_FILE_TEST_IS_REGULAR))
        {
          g_free (base);
          base = g_path_get_basename (old_path);
        }
    }

  enc_dir = encode_value (dir);
  enc_name = encode_value (base);
  self->provider = g_strdup ("SQLite");
  self->cnc_string = g_strdup_printf ("DB_DIR=%s;DB_NAME=%s;APPEND_DB_EXTENSION=FALSE",
                                      enc_dir, enc_name);

  return self;
}

/**
 * sh_database_url_parse:
 * @url: an SQLite file path, `sqlite:///path`, or `postgresql://user@host:port/db`
 * @error: return location for a #GError
 *
 * Parses the database setting into what libgda needs.
 *
 * Returns: (transfer full): the parsed location, or %NULL with @error set
 */
ShDatabaseUrl *
sh_database_url_parse (const char  *url,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(ShDatabaseUrl) self = NULL;
  g_autoptr(GString) cnc = NULL;
  const char *path;
  const char *host;
  int port;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*url == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The database address is empty."));
      return NULL;
    }

  if (g_path_is_absolute (url))
    return parse_sqlite_path (url);

  if (g_str_has_prefix (url, "sqlite://"))
    {
      g_autofree char *file_uri = g_strconcat ("file", url + strlen ("sqlite"), NULL);
      g_autofree char *file = g_filename_from_uri (file_uri, NULL, NULL);

      if (file == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a valid SQLite database address."), url);
          return NULL;
        }
      return parse_sqlite_path (file);
    }

  if (!g_str_has_prefix (url, "postgresql://") && !g_str_has_prefix (url, "postgres://"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a database address. Use an absolute file path for SQLite "
                     "or postgresql://user@host:port/database."), url);
      return NULL;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  path = uri != NULL ? g_uri_get_path (uri) : NULL;
  if (uri == NULL || path == NULL || path[0] != '/' || path[1] == '\0' || strchr (path + 1, '/'))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The PostgreSQL address must look like "
                     "postgresql://user@host:port/database."));
      return NULL;
    }

  self = g_new0 (ShDatabaseUrl, 1);
  self->provider = g_strdup ("PostgreSQL");

  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  cnc = g_string_new (NULL);
  g_string_append_printf (cnc, "HOST=%s", host != NULL && *host ? host : "localhost");
  g_string_append_printf (cnc, ";PORT=%d", port > 0 ? port : 5432);
  g_string_append_printf (cnc, ";DB_NAME=%s", path + 1);
  self->cnc_string = g_string_free (g_steal_pointer (&cnc), FALSE);

  if (g_uri_get_user (uri) != NULL)
    self->username = g_uri_unescape_string (g_uri_get_user (uri), NULL);
  if (g_uri_get_password (uri) != NULL)
    self->password = g_uri_unescape_string (g_uri_get_password (uri), NULL);

  return g_steal_pointer (&self);
}

/**
 * sh_database_url_get_auth_string:
 * @self: a #ShDatabaseUrl
 *
 * Returns: (transfer full) (nullable): the libgda authentication string
 */
char *
sh_database_url_get_auth_string (ShDatabaseUrl *self)
{
  g_autoptr(GString) auth = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->username == NULL && self->password == NULL)
    return NULL;

  auth = g_string_new (NULL);
  if (self->username != NULL)
    {
      g_autofree char *enc = encode_value (self->username);
      g_string_append_printf (auth, "USERNAME=%s", enc);
    }
  if (self->password != NULL)
    {
      g_autofree char *enc = encode_value (self->password);
      g_string_append_printf (auth, "%sPASSWORD=%s", auth->len ? ";" : "", enc);
    }

  return g_string_free (g_steal_pointer (&auth), FALSE);
}
