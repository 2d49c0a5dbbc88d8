/* sh-stash-client.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client object: the server's address, the API key, the TLS trust decision, the
 * messages that carry them, and what a transport error means to the user. Requests and
 * operations are in sh-stash-client-request.c, -scenes.c and -jobs.c.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-stash-client-private.h"

#define DEFAULT_TIMEOUT_SECONDS 30
#define MAX_CONNECTIONS         16
#define QUERIES_PATH            "/io/github/stashhog/StashHog/queries/"

G_DEFINE_FINAL_TYPE (ShStashClient, sh_stash_client, G_TYPE_OBJECT)

static void
sh_stash_client_finalize (GObject *object)
{
  ShStashClient *self = SH_STASH_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_clear_pointer (&self->origin_uri, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->trusted_fingerprint, g_free);
  g_clear_pointer (&self->untrusted_fingerprint, g_free);

  G_OBJECT_CLASS (sh_stash_client_parent_class)->finalize (object);
}

static void
sh_stash_client_class_init (ShStashClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sh_stash_client_finalize;
}

static void
sh_stash_client_init (ShStashClient *self)
{
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  /* libsoup's default of 2 connections per host would cap the media checks' concurrency.
   * Its "timeout" is an idle timeout (a byte a second keeps it waiting for ever); requests
   * also have a deadline of their own, and the WebSocket handshake has this one. */
  self->session = soup_session_new_with_options ("timeout", DEFAULT_TIMEOUT_SECONDS,
                                                 "user-agent", "StashHog/" PACKAGE_VERSION,
                                                 "max-conns-per-host", MAX_CONNECTIONS,
                                                 /* Room for them all (and a WebSocket): at
                                                  * libsoup's default of 10 in all, it closes
                                                  * idle connections to open others, and
                                                  * libsoup 3.2's server leaks every
                                                  * connection a client closes. */
                                                 "max-conns", MAX_CONNECTIONS + 4,
                                                 NULL);
}

/**
 * sh_stash_client_new:
 * @base_url: the Stash server's address, such as `http://localhost:9999`
 * @api_key: (nullable): the API key, or %NULL when the server needs none
 * @error: return location for a #GError
 *
 * Creates a client. Nothing is sent until an operation is called.
 *
 * Returns: (transfer full): a new client, or %NULL if @base_url is not an http(s) address
 */
ShStashClient *
sh_stash_client_new (const char  *base_url,
                     const char  *api_key,
                     GError     **error)
{
  g_autoptr(ShStashClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) origin = NULL;
  g_autofree char *trimmed = NULL;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trimmed = g_strstrip (g_strdup (base_url));
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  uri = g_uri_parse (trimmed, G_URI_FLAGS_ENCODED, NULL);
  origin = g_uri_parse (trimmed, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || origin == NULL ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH,
                   _("“%s” is not a server address. Enter an address such as "
                     "http://localhost:9999."), base_url);
      return NULL;
    }

  /* The key belongs in the keyring and the ApiKey header, never in an address that is
   * shown or logged. */
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH,
                   _("The server address must not contain a user name, a query or a "
                     "fragment. Enter the API key in Preferences instead."));
      return NULL;
    }

  self = g_object_new (SH_TYPE_STASH_CLIENT, NULL);
  self->base_uri = g_steal_pointer (&uri);
  self->origin_uri = g_steal_pointer (&origin);
  self->base_url = g_steal_pointer (&trimmed);
  if (api_key != NULL && *api_key != '\0')
    self->api_key = g_strdup (api_key);

  return g_steal_pointer (&self);
}

const char *
sh_stash_client_get_base_url (ShStashClient *self)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * sh_stash_client_dup_graphql_url:
 * @self: a #ShStashClient
 * @websocket: %TRUE for the `ws://`/`wss://` form
 *
 * Returns: (transfer full): the GraphQL endpoint
 */
char *
sh_stash_client_dup_graphql_url (ShStashClient *self,
                                 gboolean       websocket)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);

  if (websocket)
    {
      const char *rest = strchr (self->base_url, ':');
      const char *scheme = g_str_equal (g_uri_get_scheme (self->base_uri), "https") ? "wss" : "ws";

      return g_strconcat (scheme, rest, "/graphql", NULL);
    }

  return g_strconcat (self->base_url, "/graphql", NULL);
}

gboolean
sh_stash_client_has_api_key (ShStashClient *self)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), FALSE);

  return self->api_key != NULL;
}

/**
 * sh_stash_client_set_trusted_fingerprint:
 * @self: a #ShStashClient
 * @sha256_hex: (nullable): the SHA-256 fingerprint of a certificate the user trusts, in hex
 *   (colons and case are ignored)
 *
 * A certificate that fails verification (self-signed, say) is accepted only when its
 * fingerprint is this one.
 */
void
sh_stash_client_set_trusted_fingerprint (ShStashClient *self,
                                         const char    *sha256_hex)
{
  g_autoptr(GString) normalized = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  g_clear_pointer (&self->trusted_fingerprint, g_free);
  if (sha256_hex == NULL)
    return;

  normalized = g_string_new (NULL);
  for (const char *p = sha256_hex; *p; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (normalized, g_ascii_tolower (*p));
  self->trusted_fingerprint = g_string_free (g_steal_pointer (&normalized), FALSE);
}

/**
 * sh_stash_client_set_timeout:
 * @self: a #ShStashClient
 * @seconds: the deadline, at least 1
 *
 * Sets how long a whole request may take, from connecting to the last byte of the answer
 * (30 seconds by default). A request that takes longer fails with
 * %SH_STASH_ERROR_TIMEOUT, however steadily the server trickles its answer. The WebSocket
 * handshake of a subscription gets the same time without an answer.
 */
void
sh_stash_client_set_timeout (ShStashClient *self,
                             guint          seconds)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (seconds > 0);

  self->timeout_seconds = seconds;
  soup_session_set_timeout (self->session, seconds);
}

/**
 * sh_stash_client_get_timeout:
 * @self: a #ShStashClient
 *
 * Returns: the deadline of a request, in seconds
 */
guint
sh_stash_client_get_timeout (ShStashClient *self)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), 0);

  return self->timeout_seconds;
}

/**
 * sh_stash_client_get_session:
 * @self: a #ShStashClient
 *
 * Returns: (transfer none): the session every request of this client goes through
 */
SoupSession *
sh_stash_client_get_session (ShStashClient *self)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);

  return self->session;
}

/* Hex SHA-256 of the certificate's DER form; with colons when @pretty. */
char *
_sh_stash_client_certificate_fingerprint (GTlsCertificate *certificate,
                                          gboolean         pretty)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  g_autoptr(GString) out = NULL;

  if (certificate == NULL)
    return NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  if (!pretty)
    return g_steal_pointer (&hex);

  out = g_string_new (NULL);
  for (guint i = 0; hex[i] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
      g_string_append_c (out, g_ascii_toupper (hex[i + 1]));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  ShStashClient *self = user_data;
  g_autofree char *fingerprint = NULL;

  if (self->trusted_fingerprint == NULL)
    return FALSE;

  fingerprint = _sh_stash_client_certificate_fingerprint (certificate, FALSE);

  return g_strcmp0 (fingerprint, self->trusted_fingerprint) == 0;
}

/**
 * sh_stash_client_new_message:
 * @self: a #ShStashClient
 * @method: the HTTP method
 * @uri: an absolute URI on the Stash server
 *
 * Creates a message that carries the `ApiKey` header (only when a key is set), the TLS
 * trust decision, and does not follow redirects (a redirect to `/login` means the address
 * or the key is wrong, and the caller must see it).
 *
 * Returns: (transfer full): a new message
 */
SoupMessage *
sh_stash_client_new_message (ShStashClient *self,
                             const char    *method,
                             const char    *uri)
{
  SoupMessage *message;

  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  message = soup_message_new (method, uri);
  g_return_val_if_fail (message != NULL, NULL);

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (self->api_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "ApiKey", self->api_key);
  g_signal_connect_object (message, "accept-certificate",
                           G_CALLBACK (on_accept_certificate), self, 0);

  return message;
}

/**
 * sh_stash_redact:
 * @text: (nullable): text that may contain a secret
 * @secret: (nullable): the secret
 *
 * Replaces every occurrence of @secret, and the value of any `apikey=` parameter, so the
 * text can be logged or shown.
 *
 * Returns: (transfer full) (nullable): the redacted text
 */
char *
sh_stash_redact (const char *text,
                 const char *secret)
{
  g_autoptr(GString) out = NULL;
  const char *p;

  if (text == NULL)
    return NULL;

  out = g_string_new (text);
  if (secret != NULL && *secret != '\0')
    g_string_replace (out, secret, "[redacted]", 0);

  /* apikey=VALUE in URLs, whatever the case of the name. */
  p = out->str;
  while ((p = strstr (p, "=")) != NULL)
    {
      gsize start = p - out->str;
      gsize end = start + 1;

      if (start >= 6 && g_ascii_strncasecmp (out->str + start - 6, "apikey", 6) == 0)
        {
          while (end < out->len && out->str[end] != '&' && out->str[end] != ' ' &&
                 out->str[end] != '"' && out->str[end] != '\n')
            end++;
          g_string_erase (out, start + 1, end - start - 1);
          g_string_insert (out, start + 1, "[redacted]");
        }
      p = out->str + start + 1;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * sh_stash_client_load_query:
 * @operation_name: the operation, such as `FindScenes`
 *
 * Returns: (transfer full): the GraphQL document of the operation, from the GResource
 */
char *
sh_stash_client_load_query (const char *operation_name)
{
  g_autofree char *path = g_strconcat (QUERIES_PATH, operation_name, ".graphql", NULL);
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    g_error ("The GraphQL document %s is missing from the resources", path);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static gboolean
content_type_is (SoupMessage *message,
                 const char  *type)
{
  const char *content_type;

  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                        NULL);

  return content_type != NULL && g_ascii_strcasecmp (content_type, type) == 0;
}

/* The answers that mean "not this server" or "not allowed", whatever the body says; also
 * used for a refused WebSocket handshake. Returns TRUE with @error set for those. */
gboolean
_sh_stash_client_status_error (ShStashClient  *self,
                               SoupMessage    *message,
                               GError        **error)
{
  guint status = soup_message_get_status (message);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      if (self->api_key != NULL)
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED,
                     _("Stash refused the API key. Check the key in Preferences (Stash: "
                       "Settings › Security › API Key)."));
      else
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED,
                     _("Stash requires an API key. Enter it in Preferences (Stash: "
                       "Settings › Security › API Key)."));
      return TRUE;
    }

  if (status == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_FORBIDDEN,
                   _("Stash at %s refused access (HTTP 403). Stash blocks connections from "
                     "outside the local network until a user name and password are set."),
                   self->base_url);
      return TRUE;
    }

  if (SOUP_STATUS_IS_REDIRECTION (status) || status == SOUP_STATUS_NOT_FOUND ||
      (SOUP_STATUS_IS_SUCCESSFUL (status) && content_type_is (message, "text/html")))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH,
                   _("%s does not look like a Stash server: its GraphQL endpoint answered "
                     "with %s. Check the address."),
                   self->base_url,
                   SOUP_STATUS_IS_REDIRECTION (status) ? _("a redirect to a login page")
                   : status == SOUP_STATUS_NOT_FOUND ? _("“not found”") : _("a web page"));
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_network_error (const GError *error)
{
  if (error->domain == G_RESOLVER_ERROR)
    return TRUE;
  if (error->domain != G_IO_ERROR)
    return FALSE;

  switch (error->code)
    {
    case G_IO_ERROR_CONNECTION_REFUSED:
    case G_IO_ERROR_HOST_NOT_FOUND:
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_CONNECTION_CLOSED:
    case G_IO_ERROR_NOT_CONNECTED:
    case G_IO_ERROR_PROXY_FAILED:
    case G_IO_ERROR_PARTIAL_INPUT:
    case G_IO_ERROR_FAILED:
      return TRUE;

    default:
      return FALSE;
    }
}

static GError *
timeout_error (ShStashClient *self,
               const char    *operation_name)
{
  guint n = self->timeout_seconds;

  if (operation_name != NULL)
    return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_TIMEOUT,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "Stash did not answer %s within %u second. The server "
                                     "may be busy; try again later.",
                                     "Stash did not answer %s within %u seconds. The server "
                                     "may be busy; try again later.", n),
                        operation_name, n);

  return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_TIMEOUT,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "Stash at %s did not answer within %u second. The server "
                                   "may be busy; try again later.",
                                   "Stash at %s did not answer within %u seconds. The server "
                                   "may be busy; try again later.", n),
                      self->base_url, n);
}

/* Turns a transport error into an SH_STASH_ERROR. @operation_name names the request in
 * the message when there is one; @timed_out says that our deadline cancelled it. */
GError *
_sh_stash_client_classify_error (ShStashClient *self,
                                 SoupMessage   *message,
                                 const char    *operation_name,
                                 gboolean       timed_out,
                                 const GError  *error)
{
  g_autofree char *detail = NULL;
  guint status = message != NULL ? soup_message_get_status (message) : SOUP_STATUS_NONE;

  g_assert (error != NULL);

  if (timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return timeout_error (self, operation_name);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  detail = sh_stash_redact (error->message, self->api_key);

  /* A refused WebSocket handshake fails with a generic error; the status says why. */
  if (status >= 300)
    {
      GError *status_err = NULL;

      if (_sh_stash_client_status_error (self, message, &status_err))
        return status_err;

      if (operation_name != NULL)
        return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                            _("Stash’s %s request failed: the server answered %u %s."),
                            operation_name, status,
                            soup_message_get_reason_phrase (message) ?: "");

      return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                          _("Stash at %s answered with HTTP %u %s."), self->base_url,
                          status, soup_message_get_reason_phrase (message) ?: "");
    }

  if (error->domain == G_TLS_ERROR ||
      (message != NULL && soup_message_get_tls_peer_certificate_errors (message) != 0))
    {
      GTlsCertificate *certificate = message ? soup_message_get_tls_peer_certificate (message) : NULL;
      g_autofree char *fingerprint = _sh_stash_client_certificate_fingerprint (certificate, TRUE);

      /* Kept as data for whoever offers to trust it (the message is translated). */
      if (fingerprint != NULL)
        {
          g_free (self->untrusted_fingerprint);
          self->untrusted_fingerprint = g_strdup (fingerprint);
        }

      if (fingerprint != NULL)
        return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_TLS,
                            _("The certificate of %s is not trusted (SHA-256 fingerprint %s). "
                              "If this is your server's own certificate, trust it in "
                              "Preferences."), self->base_url, fingerprint);

      return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_TLS,
                          _("A secure connection to %s could not be made: %s. Check the "
                            "address (http or https) and the server's certificate."),
                          self->base_url, detail);
    }

  /* The server was reached and had begun to answer: whatever broke, it is not that Stash
   * cannot be reached. */
  if (status != SOUP_STATUS_NONE)
    {
      if (operation_name != NULL)
        return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_CONNECTION_LOST,
                            _("Stash’s answer to %s broke off: %s. Try again later."),
                            operation_name, detail);

      return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_CONNECTION_LOST,
                          _("The answer of Stash at %s broke off: %s. Try again later."),
                          self->base_url, detail);
    }

  if (error->domain == SOUP_SESSION_ERROR)
    {
      if (operation_name != NULL)
        return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH,
                            _("Stash’s %s request failed: the answer from %s is not HTTP "
                              "(%s). Check the address."),
                            operation_name, self->base_url, detail);

      return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH,
                          _("The answer from %s is not HTTP (%s). Check the address."),
                          self->base_url, detail);
    }

  if (is_network_error (error))
    return sh_stash_error_new_text (SH_STASH_ERROR_CANNOT_CONNECT,
                                    sh_text_new (SH_TEXT_CANNOT_CONNECT, self->base_url, detail,
                                                 NULL));

  return sh_stash_error_new_text (SH_STASH_ERROR_CANNOT_CONNECT,
                                  sh_text_new (SH_TEXT_CONNECTION_FAILED, self->base_url, detail,
                                               NULL));
}

/**
 * sh_stash_client_classify_message_error:
 * @self: a #ShStashClient
 * @message: (nullable): the message that failed
 * @error: the transport error
 *
 * Turns a transport error into an %SH_STASH_ERROR a user can act on. Cancellation stays
 * %G_IO_ERROR_CANCELLED. Only errors that mean the server could not be reached become
 * %SH_STASH_ERROR_CANNOT_CONNECT or %SH_STASH_ERROR_TLS.
 *
 * Returns: (transfer full): the error
 */
GError *
sh_stash_client_classify_message_error (ShStashClient *self,
                                        SoupMessage   *message,
                                        const GError  *error)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (message == NULL || SOUP_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (error != NULL, NULL);

  return _sh_stash_client_classify_error (self, message, NULL, FALSE, error);
}

/**
 * sh_stash_client_dup_untrusted_fingerprint:
 * @self: a #ShStashClient
 *
 * After a request failed with %SH_STASH_ERROR_TLS because the server's certificate is not
 * trusted: that certificate's SHA-256 fingerprint, for the user to compare and trust (see
 * sh_stash_client_set_trusted_fingerprint()).
 *
 * Returns: (transfer full) (nullable): the fingerprint as `AB:CD:…`, or %NULL
 */
char *
sh_stash_client_dup_untrusted_fingerprint (ShStashClient *self)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);

  return g_strdup (self->untrusted_fingerprint);
}
