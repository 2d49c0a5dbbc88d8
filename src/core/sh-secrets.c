/* sh-secrets.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API key and database passwords live in the user's keyring (libsecret), nowhere else.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "sh-secrets.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    BASE_ID ".Secret", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static const char *
kind_to_string (ShSecretKind kind)
{
  switch (kind)
    {
    case SH_SECRET_API_KEY:
      return "api-key";

    case SH_SECRET_DATABASE_PASSWORD:
      return "database-password";

    default:
      g_return_val_if_reached (NULL);
    }
}

/* One spelling per server: without trailing slashes. */
static char *
normalize_url (const char *url)
{
  char *out = g_strstrip (g_strdup (url));

  while (g_str_has_suffix (out, "/"))
    out[strlen (out) - 1] = '\0';

  return out;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

/**
 * sh_secrets_lookup_async:
 * @kind: what to look up
 * @url: the server or database address it belongs to
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Looks a secret up in the keyring.
 */
void
sh_secrets_lookup_async (ShSecretKind         kind,
                         const char          *url,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_secrets_lookup_async);
  key = normalize_url (url);

  secret_password_lookup (get_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          "kind", kind_to_string (kind),
                          "url", key,
                          NULL);
}

/**
 * sh_secrets_lookup_finish:
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL when there is none (then
 *   @error is not set) or the keyring failed (then it is)
 */
char *
sh_secrets_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
boolean_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == sh_secrets_store_async)
    ok = secret_password_store_finish (result, &error);
  else
    {
      secret_password_clear_finish (result, &error);
      ok = error == NULL;
    }

  /* libsecret fails without an error when the user dismisses the keyring's prompt. */
  if (!ok && error == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             _("The keyring was not unlocked."));
  else if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sh_secrets_store_async:
 * @kind: what to store
 * @url: the server or database address it belongs to
 * @secret: the secret
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Stores a secret in the default keyring, replacing an earlier one for the same address.
 */
void
sh_secrets_store_async (ShSecretKind         kind,
                        const char          *url,
                        const char          *secret,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (url != NULL);
  g_return_if_fail (secret != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_secrets_store_async);
  key = normalize_url (url);
  label = kind == SH_SECRET_API_KEY
    ? g_strdup_printf (_("Stash API key for %s"), key)
    : g_strdup_printf (_("StashHog database password for %s"), key);

  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                         cancellable, boolean_cb, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         "url", key,
                         NULL);
}

gboolean
sh_secrets_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_secrets_clear_async:
 * @kind: what to remove
 * @url: the server or database address it belongs to
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Removes a secret from the keyring; succeeds when there was none.
 */
void
sh_secrets_clear_async (ShSecretKind         kind,
                        const char          *url,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_secrets_clear_async);
  key = normalize_url (url);

  secret_password_clear (get_schema (), cancellable, boolean_cb, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         "url", key,
                         NULL);
}

gboolean
sh_secrets_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
