/* sh-database-server.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShDatabase's server rows: the one row per Stash server, found by its address without
 * secrets (see sh_database_ensure_server_async()).
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-database-private.h"
#include "sh-store-error.h"

/* Servers ----------------------------------------------------------------------------- */

static gboolean
is_secret_query_param (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autofree char *unescaped = g_uri_unescape_string (lower, NULL);
  const char *key = unescaped != NULL ? unescaped : lower;

  return g_str_equal (key, "apikey") || g_str_equal (key, "api_key")
         || g_str_equal (key, "api-key");
}

/**
 * sh_database_sanitize_server_url:
 * @url: a Stash server address
 * @error: return location for a #GError
 *
 * Normalizes a Stash address for storage: lower-case scheme and host, no trailing slash,
 * no fragment, and never a secret — user name, password and `apikey` query parameters are
 * removed.
 *
 * Returns: (transfer full) (nullable): the address to store, or %NULL with @error set
 *   (%G_IO_ERROR_INVALID_ARGUMENT) when @url is not an http or https address
 */
char *
sh_database_sanitize_server_url (const char  *url,
                                 GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;
  g_autoptr(GString) query = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  gsize len;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL
      || (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0
          && g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The Stash address must start with http:// or https:// and name a "
                     "server."));
      return NULL;
    }

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';

  if (g_uri_get_query (uri) != NULL)
    {
      g_auto(GStrv) params = g_strsplit (g_uri_get_query (uri), "&", -1);

      query = g_string_new (NULL);
      for (guint i = 0; params[i] != NULL; i++)
        {
          g_autofree char *name = g_strndup (params[i], strcspn (params[i], "="));

          if (*params[i] == '\0' || is_secret_query_param (name))
            continue;
          if (query->len > 0)
            g_string_append_c (query, '&');
          g_string_append (query, params[i]);
        }
    }

  clean = g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, host, g_uri_get_port (uri), path,
                       query != NULL && query->len > 0 ? query->str : NULL, NULL);

  return g_uri_to_string (clean);
}

typedef struct
{
  char *url;
  char *name;
  char *created_at;
} EnsureServer;

static void
ensure_server_free (gpointer data)
{
  EnsureServer *state = data;

  g_free (state->url);
  g_free (state->name);
  g_free (state->created_at);
  g_free (state);
}

static gboolean
lookup_server (ShDatabase  *self,
               const char  *url,
               gint64      *id,
               GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (self, "SELECT id FROM server WHERE url = ##url::string",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_string (params, "url", url);
  if (!(model = sh_database_select (self, stmt, params, types, error)))
    return FALSE;

  *id = gda_data_model_get_n_rows (model) > 0 ? sh_database_model_get_int64 (model, 0, 0) : 0;

  return TRUE;
}

static gpointer
ensure_server_func (ShDatabase     *self,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  EnsureServer *state = data;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 id = 0;

  if (!lookup_server (self, state->url, &id, error))
    return NULL;
  if (id > 0)
    return g_memdup2 (&id, sizeof id);

  /* Ids are MAX(id) + 1 rather than an identity column, whose syntax differs between
   * SQLite and PostgreSQL. ON CONFLICT DO NOTHING settles a race with another process:
   * whoever lost looks the row up again (same URL) or retries (same id). WHERE TRUE:
   * without it SQLite reads ON CONFLICT as part of the FROM clause. */
  stmt = sh_database_prepare_full (self,
                                   "INSERT INTO server (id, name, url, created_at) "
                                   "SELECT COALESCE(MAX(id), 0) + 1, ##name::string, "
                                   "##url::string, ##created_at::string FROM server "
                                   "WHERE TRUE ON CONFLICT DO NOTHING",
                                   &params, error);
  if (stmt == NULL)
    return NULL;

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      sh_database_set_string (params, "name", state->name);
      sh_database_set_string (params, "url", state->url);
      sh_database_set_string (params, "created_at", state->created_at);
      if (sh_database_execute (self, stmt, params, error) < 0)
        return NULL;
      if (!lookup_server (self, state->url, &id, error))
        return NULL;
      if (id > 0)
        return g_memdup2 (&id, sizeof id);
    }

  g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY,
               _("Could not add the Stash server %s to the database: other programs kept "
                 "adding servers at the same time. Try again."),
               state->url);
  return NULL;
}

/**
 * sh_database_ensure_server_async:
 * @self: a #ShDatabase
 * @url: the Stash server's address
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the server's id
 * @user_data: data for @callback
 *
 * Finds the `server` row of a Stash address, adding it if needed. The address is stored
 * as sh_database_sanitize_server_url() returns it, so an API key written into it never
 * reaches the database.
 */
void
sh_database_ensure_server_async (ShDatabase          *self,
                                 const char          *url,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GDateTime) now = NULL;
  EnsureServer *state;

  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_database_ensure_server_async);
  g_task_set_check_cancellable (task, FALSE);

  state = g_new0 (EnsureServer, 1);
  g_task_set_task_data (task, state, ensure_server_free);

  if (!(state->url = sh_database_sanitize_server_url (url, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  uri = g_uri_parse (state->url, G_URI_FLAGS_ENCODED, NULL);
  if (g_uri_get_port (uri) > 0)
    state->name = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  else
    state->name = g_strdup (g_uri_get_host (uri));
  now = g_date_time_new_now_utc ();
  state->created_at = g_date_time_format_iso8601 (now);

  _sh_database_queue (self, task, ensure_server_func, state, g_free,
                      SH_DATABASE_OP_NEEDS_CONNECTION);
}

/**
 * sh_database_ensure_server_finish:
 * @self: a #ShDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: the server's row id (> 0), or 0 with @error set
 */
gint64
sh_database_ensure_server_finish (ShDatabase    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (SH_IS_DATABASE (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == sh_database_ensure_server_async, 0);

  id = g_task_propagate_pointer (G_TASK (result), error);

  return id != NULL ? *id : 0;
}
