/* sh-stash-client.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sh-scene-record.h"
#include "sh-stash-client.h"
#include "sh-stash-error.h"
#include "sh-stash-json.h"
#include "sh-stash-scene-page.h"

#define DEFAULT_TIMEOUT_SECONDS 30
#define MAX_CONNECTIONS         16
#define QUERIES_PATH            "/io/github/stashhog/StashHog/queries/"
/* The biggest answer we ask for, a page of 1000 scenes with their files and markers, is a
 * few megabytes; anything much larger is a broken or hostile server. */
#define MAX_RESPONSE_BYTES      (64 * 1024 * 1024)
/* A media probe asks for one byte; what else comes (an error page) is read up to this and
 * then dropped. */
#define MAX_PROBE_BYTES         (64 * 1024)
#define READ_CHUNK_BYTES        (64 * 1024)

struct _ShStashClient
{
  GObject      parent_instance;

  SoupSession *session;             /* (owned) */
  GUri        *base_uri;            /* (owned) */
  char        *base_url;            /* (owned) without trailing slash */
  char        *api_key;             /* (owned) (nullable) */
  char        *trusted_fingerprint; /* (owned) (nullable) lower-case hex SHA-256 */
  char        *untrusted_fingerprint; /* (owned) (nullable) of the last certificate refused */
  guint        timeout_seconds;     /* the deadline of a whole request */
};

G_DEFINE_FINAL_TYPE (ShStashClient, sh_stash_client, G_TYPE_OBJECT)

void
sh_stash_server_info_free (ShStashServerInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->version);
  g_free (info->status);
  g_free (info);
}

void
sh_stash_scene_page_free (ShStashScenePage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->scenes, g_ptr_array_unref);
  g_free (page);
}

static void
sh_stash_client_finalize (GObject *object)
{
  ShStashClient *self = SH_STASH_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_uri, g_uri_unref);
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
  g_autofree char *trimmed = NULL;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trimmed = g_strstrip (g_strdup (base_url));
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  uri = g_uri_parse (trimmed, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL ||
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
static char *
certificate_fingerprint (GTlsCertificate *certificate,
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

  fingerprint = certificate_fingerprint (certificate, FALSE);

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
static gboolean
status_error (ShStashClient  *self,
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
static GError *
classify_error (ShStashClient *self,
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

      if (status_error (self, message, &status_err))
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
      g_autofree char *fingerprint = certificate_fingerprint (certificate, TRUE);

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
    return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT,
                        _("Cannot connect to Stash at %s: %s. Check that the server is "
                          "running and the address is right."), self->base_url, detail);

  return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT,
                      _("The connection to Stash at %s failed: %s."), self->base_url, detail);
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

  return classify_error (self, message, NULL, FALSE, error);
}

/* Joins the messages of a GraphQL `errors` array; NULL when there are none. */
static char *
graphql_error_messages (JsonNode *errors)
{
  g_autoptr(GString) out = NULL;
  JsonArray *array;

  if (errors == NULL || !JSON_NODE_HOLDS_ARRAY (errors))
    return NULL;

  array = json_node_get_array (errors);
  if (json_array_get_length (array) == 0)
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *text = NULL;

      if (JSON_NODE_HOLDS_OBJECT (element))
        {
          JsonNode *node = json_object_get_member (json_node_get_object (element), "message");

          if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
              json_node_get_value_type (node) == G_TYPE_STRING)
            text = json_node_get_string (node);
        }
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, text != NULL ? text : _("unknown error"));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static JsonNode *parse_graphql_text (ShStashClient  *self,
                                     const char     *operation_name,
                                     guint           status,
                                     const char     *reason,
                                     const char     *text,
                                     gsize           size,
                                     GError        **error);

/* Decides what an HTTP answer means. Returns the `data` object on success. */
static JsonNode *
parse_graphql_response (ShStashClient  *self,
                        const char     *operation_name,
                        SoupMessage    *message,
                        GBytes         *body,
                        GError        **error)
{
  guint status = soup_message_get_status (message);
  gsize size = body ? g_bytes_get_size (body) : 0;
  const char *text = body ? g_bytes_get_data (body, NULL) : NULL;

  if (status_error (self, message, error))
    return NULL;

  /* 422 and 400 carry GraphQL errors: our document is not valid for this server. */
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) &&
      status != SOUP_STATUS_UNPROCESSABLE_ENTITY && status != SOUP_STATUS_BAD_REQUEST)
    {
      const char *reason = soup_message_get_reason_phrase (message);

      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                   _("Stash’s %s request failed: the server answered %u %s. The server or a "
                     "proxy in front of it has a problem; try again later."),
                   operation_name, status, reason ? reason : "");
      return NULL;
    }

  return parse_graphql_text (self, operation_name, status,
                             soup_message_get_reason_phrase (message), text, size, error);
}

/* The body of an answer with @status, which is a success or carries GraphQL errors. */
static JsonNode *
parse_graphql_text (ShStashClient  *self,
                    const char     *operation_name,
                    guint           status,
                    const char     *reason,
                    const char     *text,
                    gsize           size,
                    GError        **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *messages = NULL;
  JsonObject *root;
  JsonNode *data;

  /* json-glib's parser recurses once per level: bound the depth before it sees the text. */
  if (!sh_stash_json_depth_ok (text, size, SH_STASH_JSON_MAX_DEPTH))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash’s answer to %s is nested too deeply to be read (more than %u "
                     "levels)."), operation_name, SH_STASH_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (size == 0 || !json_parser_load_from_data (parser, text, size, &local_error))
    {
      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                     _("Stash’s %s request failed: the server answered %u %s."),
                     operation_name, status, reason ?: "");
      else
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_JSON,
                     _("Stash’s %s request failed: the answer from %s is not JSON. Check "
                       "that the address leads to Stash and not to another service."),
                     operation_name, self->base_url);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash sent an unexpected answer to %s."), operation_name);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  messages = graphql_error_messages (json_object_get_member (root, "errors"));
  if (messages != NULL)
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_GRAPHQL,
                   _("Stash reported an error: %s"), messages);
      return NULL;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
                   _("Stash’s %s request failed: the server answered %u %s."),
                   operation_name, status, reason ?: "");
      return NULL;
    }

  data = json_object_get_member (root, "data");
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash sent an answer to %s without data."), operation_name);
      return NULL;
    }

  return json_node_ref (data);
}

/* One request, bounded in time and size: the whole of it (connecting, sending, reading the
 * answer) must end before the deadline, and the answer is read in chunks that stop at a
 * cap instead of being gathered whole by libsoup. */
typedef struct
{
  SoupMessage  *message;            /* (owned) */
  char         *operation_name;     /* (owned) (nullable) NULL for a media probe */
  GCancellable *cancellable;        /* (owned) cancelled by the deadline or the caller */
  GCancellable *caller_cancellable; /* (owned) (nullable) */
  gulong        cancelled_id;
  GSource      *deadline;           /* (owned) */
  GInputStream *stream;             /* (owned) (nullable) the answer's body */
  GByteArray   *body;               /* (owned) */
  gsize         max_bytes;
  gint64        started_at;
  guint         timed_out : 1;
  guint         discard_excess : 1;
} Request;

/* The request has its outcome: neither the deadline nor the caller can change it now. */
static void
request_disarm (Request *request)
{
  g_source_destroy (request->deadline);
  g_clear_signal_handler (&request->cancelled_id, request->caller_cancellable);
}

static void
request_free (Request *request)
{
  request_disarm (request);
  g_clear_object (&request->caller_cancellable);
  g_clear_pointer (&request->deadline, g_source_unref);
  /* Cancelling first ends the message, so that dropping an unfinished stream does not
   * wait for the rest of the answer. */
  if (request->stream != NULL && !g_input_stream_is_closed (request->stream))
    g_cancellable_cancel (request->cancellable);
  g_clear_object (&request->stream);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->message);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request->operation_name);
  g_free (request);
}

static gboolean
request_deadline_cb (gpointer user_data)
{
  Request *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

static void
request_caller_cancelled_cb (GCancellable *caller_cancellable,
                             gpointer      user_data)
{
  Request *request = user_data;

  g_cancellable_cancel (request->cancellable);
}

static void
request_return_error (GTask        *task,
                      const GError *error)
{
  ShStashClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  request_disarm (request);
  g_debug ("%s: failed after %.0f ms: %s", request->operation_name ?: "probe",
           (g_get_monotonic_time () - request->started_at) / 1000.0, error->message);
  g_task_return_error (task, classify_error (self, request->message, request->operation_name,
                                             request->timed_out, error));
}

static void
request_return_too_large (GTask *task)
{
  ShStashClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  guint mb = (guint) (request->max_bytes / (1024 * 1024));

  g_assert (request->operation_name != NULL);

  request_disarm (request);
  /* Stop the transfer now rather than when the task lets go of the stream. */
  g_cancellable_cancel (request->cancellable);
  g_debug ("%s: the answer is larger than %" G_GSIZE_FORMAT " bytes", request->operation_name,
           request->max_bytes);
  g_task_return_new_error (task, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                           _("Stash’s answer to %s is larger than %u MB. Stash at %s may be "
                             "broken, or it is not Stash."),
                           request->operation_name, mb, self->base_url);
}

static void
request_return_body (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  request_disarm (request);
  g_debug ("%s: answered %u after %.0f ms", request->operation_name ?: "probe",
           soup_message_get_status (request->message),
           (g_get_monotonic_time () - request->started_at) / 1000.0);
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&request->body)),
                         (GDestroyNotify) g_bytes_unref);
}

static void request_read_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data);

static void
request_read_next (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   request->cancellable, request_read_cb, task);
}

static void
request_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      request_return_error (task, error);
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      g_input_stream_close (request->stream, NULL, NULL);
      request_return_body (task);
      return;
    }

  if (size > request->max_bytes - request->body->len)
    {
      if (request->discard_excess)
        {
          request_return_body (task);
          return;
        }
      request_return_too_large (task);
      return;
    }

  g_byte_array_append (request->body, g_bytes_get_data (chunk, NULL), size);
  request_read_next (g_steal_pointer (&task));
}

static void
request_send_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      request_return_error (task, error);
      return;
    }

  /* No need to read what is announced too large (it may be compressed: a body within the
   * cap is still counted as it is read). */
  headers = soup_message_get_response_headers (request->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) request->max_bytes)
    {
      if (request->discard_excess)
        request_return_body (task);
      else
        request_return_too_large (task);
      return;
    }

  request_read_next (g_steal_pointer (&task));
}

/* Sends @message and reads its answer into a GBytes of at most @max_bytes, all before the
 * client's deadline. Past the cap the request fails, or with @discard_excess returns what
 * it has. Errors are SH_STASH_ERROR (or G_IO_ERROR_CANCELLED), named after
 * @operation_name. */
static void
request_send_async (ShStashClient       *self,
                    SoupMessage         *message,
                    const char          *operation_name,
                    gsize                max_bytes,
                    gboolean             discard_excess,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_assert (SH_IS_STASH_CLIENT (self));
  g_assert (SOUP_IS_MESSAGE (message));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, request_send_async);

  request = g_new0 (Request, 1);
  request->message = g_object_ref (message);
  request->operation_name = g_strdup (operation_name);
  request->cancellable = g_cancellable_new ();
  request->body = g_byte_array_new ();
  request->max_bytes = max_bytes;
  request->discard_excess = !!discard_excess;
  request->started_at = g_get_monotonic_time ();
  request->deadline = g_timeout_source_new (self->timeout_seconds * 1000);
  g_source_set_callback (request->deadline, request_deadline_cb, request, NULL);
  g_source_set_static_name (request->deadline, "[stashhog] request deadline");
  g_source_attach (request->deadline, g_main_context_get_thread_default ());
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (cancellable != NULL)
    {
      request->caller_cancellable = g_object_ref (cancellable);
      request->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                                G_CALLBACK (request_caller_cancelled_cb),
                                                request);
    }

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, request->cancellable,
                           request_send_cb, g_steal_pointer (&task));
}

static GBytes *
request_send_finish (ShStashClient  *self,
                     GAsyncResult   *result,
                     GError        **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == request_send_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  SoupMessage *message;          /* (owned) */
  char        *operation_name;   /* (owned) */
} ExecuteData;

static void
execute_data_free (ExecuteData *data)
{
  g_clear_object (&data->message);
  g_free (data->operation_name);
  g_free (data);
}

static SoupMessage *new_graphql_message (ShStashClient *self,
                                         const char    *operation_name,
                                         JsonNode      *variables);

static void
execute_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShStashClient *self = SH_STASH_CLIENT (object);
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  body = request_send_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  node = parse_graphql_response (self, data->operation_name, data->message, body, &error);
  if (node == NULL)
    {
      g_debug ("%s: %s", data->operation_name, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

/**
 * sh_stash_client_execute_async:
 * @self: a #ShStashClient
 * @operation_name: the operation; its document is `queries/<name>.graphql`
 * @variables: (nullable) (transfer none): the variables object; values are only ever sent
 *   as variables, never pasted into the document
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the answer is there
 * @user_data: data for @callback
 *
 * Sends one GraphQL operation.
 */
void
sh_stash_client_execute_async (ShStashClient       *self,
                               const char          *operation_name,
                               JsonNode            *variables,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExecuteData *data;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (operation_name != NULL);
  g_return_if_fail (variables == NULL || JSON_NODE_HOLDS_OBJECT (variables));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_stash_client_execute_async);

  data = g_new0 (ExecuteData, 1);
  data->message = new_graphql_message (self, operation_name, variables);
  data->operation_name = g_strdup (operation_name);
  g_task_set_task_data (task, data, (GDestroyNotify) execute_data_free);

  request_send_async (self, data->message, operation_name, MAX_RESPONSE_BYTES, FALSE,
                      cancellable, execute_cb, g_steal_pointer (&task));
}

/* A POST of @operation_name's document with @variables. */
static SoupMessage *
new_graphql_message (ShStashClient *self,
                     const char    *operation_name,
                     JsonNode      *variables)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *query = NULL;
  SoupMessage *message;
  char *text;
  gsize length;

  query = sh_stash_client_load_query (operation_name);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query);
  json_builder_set_member_name (builder, "operationName");
  json_builder_add_string_value (builder, operation_name);
  json_builder_set_member_name (builder, "variables");
  if (variables != NULL)
    json_builder_add_value (builder, json_node_copy (variables));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  body = g_bytes_new_take (text, length);

  url = sh_stash_client_dup_graphql_url (self, FALSE);
  message = sh_stash_client_new_message (self, SOUP_METHOD_POST, url);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  g_debug ("%s: sending to %s", operation_name, url);

  return message;
}

/**
 * sh_stash_client_execute_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the `data` object of the answer, or %NULL with @error set
 */
JsonNode *
sh_stash_client_execute_finish (ShStashClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Typed operations: execute, then turn `data` into C values in a parse function. */

typedef gpointer (*ParseFunc) (JsonObject *data, GError **error);

typedef struct
{
  ParseFunc      parse;
  GDestroyNotify free_func;
} TypedData;

static void
typed_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TypedData *typed = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  data = sh_stash_client_execute_finish (SH_STASH_CLIENT (object), result, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = typed->parse (json_node_get_object (data), &error);
  if (error != NULL)
    {
      g_assert (value == NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, value, typed->free_func);
}

static void
execute_typed (ShStashClient       *self,
               gpointer             source_tag,
               const char          *operation_name,
               JsonNode            *variables,
               ParseFunc            parse,
               GDestroyNotify       free_func,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task;
  TypedData *typed;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  typed = g_new0 (TypedData, 1);
  typed->parse = parse;
  typed->free_func = free_func;
  g_task_set_task_data (task, typed, g_free);

  sh_stash_client_execute_async (self, operation_name, variables, cancellable, typed_cb, task);
}

static gpointer
finish_typed (ShStashClient  *self,
              GAsyncResult   *result,
              gpointer        source_tag,
              GError        **error)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
set_shape_error (GError     **error,
                 const char  *what)
{
  g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
               _("Stash sent an unexpected answer: %s."), what);
}

static gpointer
parse_server_info (JsonObject  *data,
                   GError     **error)
{
  g_autoptr(ShStashServerInfo) info = g_new0 (ShStashServerInfo, 1);
  JsonObject *version = sh_stash_json_get_object (data, "version");
  JsonObject *status = sh_stash_json_get_object (data, "systemStatus");
  const char *ffmpeg;
  const char *ffprobe;

  if (version == NULL || status == NULL || sh_stash_json_get_string (status, "status") == NULL)
    {
      set_shape_error (error, _("the version or system status is missing"));
      return NULL;
    }

  info->version = g_strdup (sh_stash_json_get_string (version, "version") ?: "");
  info->status = g_strdup (sh_stash_json_get_string (status, "status"));
  ffmpeg = sh_stash_json_get_string (status, "ffmpegPath");
  ffprobe = sh_stash_json_get_string (status, "ffprobePath");
  info->has_ffmpeg = ffmpeg != NULL && *ffmpeg != '\0' && ffprobe != NULL && *ffprobe != '\0';

  return g_steal_pointer (&info);
}

void
sh_stash_client_test_connection_async (ShStashClient       *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  execute_typed (self, sh_stash_client_test_connection_async, "TestConnection", NULL,
                 parse_server_info, (GDestroyNotify) sh_stash_server_info_free,
                 cancellable, callback, user_data);
}

/**
 * sh_stash_client_test_connection_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the server's version and status, or %NULL with @error set
 */
ShStashServerInfo *
sh_stash_client_test_connection_finish (ShStashClient  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  return finish_typed (self, result, sh_stash_client_test_connection_async, error);
}

/* A digest of what marker media depends on: ids and times. NULL without markers. */
static char *
markers_digest (JsonArray *markers)
{
  g_autofree ShStashMarker *items = NULL;
  guint n;

  n = markers != NULL ? json_array_get_length (markers) : 0;
  if (n == 0)
    return NULL;

  items = g_new0 (ShStashMarker, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (markers, i);
      JsonObject *marker = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

      sh_stash_json_get_id (marker, "id", G_MAXINT64, &items[i].id);
      sh_stash_json_get_number (marker, "seconds", &items[i].seconds);
      items[i].updated_at = sh_stash_json_get_string (marker, "updated_at");
    }

  return sh_stash_markers_digest (items, n);
}

static ShSceneRecord *
parse_scene (JsonObject  *scene,
             GError     **error)
{
  g_autoptr(ShSceneRecord) record = sh_scene_record_new ();
  JsonArray *files;
  double value;

  if (!sh_stash_json_get_id (scene, "id", G_MAXINT64, &record->id) ||
      sh_stash_json_get_string (scene, "updated_at") == NULL)
    {
      set_shape_error (error, _("a scene without a valid id or update time"));
      return NULL;
    }

  record->title = g_strdup (sh_stash_json_get_string (scene, "title"));
  record->organized = sh_stash_json_get_boolean (scene, "organized");
  record->interactive = sh_stash_json_get_boolean (scene, "interactive");
  if (sh_stash_json_get_number (scene, "interactive_speed", &value))
    record->interactive_speed = (int) CLAMP (value, 0, G_MAXINT);
  record->stash_created_at = g_strdup (sh_stash_json_get_string (scene, "created_at"));
  record->stash_updated_at = g_strdup (sh_stash_json_get_string (scene, "updated_at"));

  /* files[0] is the primary file. */
  files = sh_stash_json_get_array (scene, "files");
  if (files != NULL && json_array_get_length (files) > 0)
    {
      JsonNode *element = json_array_get_element (files, 0);
      JsonObject *file = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

      record->path = g_strdup (sh_stash_json_get_string (file, "path"));
      record->oshash = g_strdup (sh_stash_json_get_string (file, "oshash"));
      record->phash = g_strdup (sh_stash_json_get_string (file, "phash"));
      if (sh_stash_json_get_number (file, "duration", &value) && value >= 0)
        record->duration = value;
    }

  record->markers_digest = markers_digest (sh_stash_json_get_array (scene, "scene_markers"));

  return g_steal_pointer (&record);
}

static gpointer
parse_scene_page (JsonObject  *data,
                  GError     **error)
{
  g_autoptr(ShStashScenePage) page = g_new0 (ShStashScenePage, 1);
  JsonObject *result = sh_stash_json_get_object (data, "findScenes");
  JsonArray *scenes = sh_stash_json_get_array (result, "scenes");
  double count;

  if (scenes == NULL)
    {
      set_shape_error (error, _("the scene list is missing"));
      return NULL;
    }

  page->count = -1;
  if (sh_stash_json_get_number (result, "count", &count) && count >= 0)
    page->count = (gint64) count;
  page->scenes = g_ptr_array_new_full (json_array_get_length (scenes),
                                       (GDestroyNotify) sh_scene_record_free);
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonNode *element = json_array_get_element (scenes, i);
      ShSceneRecord *record;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_shape_error (error, _("a scene that is not an object"));
          return NULL;
        }
      record = parse_scene (json_node_get_object (element), error);
      if (record == NULL)
        return NULL;
      g_ptr_array_add (page->scenes, record);
    }

  return g_steal_pointer (&page);
}

/* A page as json-glib reads it: the same checks and errors as every other answer. */
static ShStashScenePage *
parse_scene_page_json (ShStashClient  *self,
                       SoupMessage    *message,
                       GBytes         *body,
                       GError        **error)
{
  g_autoptr(JsonNode) data = NULL;

  data = parse_graphql_response (self, "FindScenes", message, body, error);
  if (data == NULL)
    return NULL;

  return parse_scene_page (json_node_get_object (data), error);
}

ShStashScenePage *
_sh_stash_scene_page_parse_json (const char  *data,
                                 gsize        size,
                                 GError     **error)
{
  g_autoptr(ShStashClient) self = sh_stash_client_new ("http://localhost", NULL, NULL);
  g_autoptr(JsonNode) node = NULL;

  node = parse_graphql_text (self, "FindScenes", SOUP_STATUS_OK, "OK", data, size, error);
  if (node == NULL)
    return NULL;

  return parse_scene_page (json_node_get_object (node), error);
}

static void
find_scenes_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShStashClient *self = SH_STASH_CLIENT (object);
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  ShStashScenePage *page = NULL;
  gsize size;
  const char *text;

  body = request_send_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A sync reads thousands of these: a well-formed page is read without a JSON tree;
   * anything else goes the way of every other answer. */
  text = g_bytes_get_data (body, &size);
  if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)) &&
      !status_error (self, message, NULL))
    page = sh_stash_scene_page_read (text, size);
  if (page == NULL)
    page = parse_scene_page_json (self, message, body, &error);
  if (page == NULL)
    {
      g_debug ("FindScenes: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, page, (GDestroyNotify) sh_stash_scene_page_free);
}

/**
 * sh_stash_client_find_scenes_async:
 * @self: a #ShStashClient
 * @after_id: only scenes with a larger id (0 for the first page)
 * @per_page: scenes per page
 * @updated_after: (nullable): only scenes whose `updated_at` is later than this string
 *   (Stash's own timestamp, compared as Stash compares it: as text)
 * @with_count: whether to ask for the total (costly on the server; first page only)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the next page of scenes by id (keyset paging). Unlike page numbers, this neither
 * skips nor repeats scenes when scenes are added or removed while the pages are read, and
 * it costs the server no OFFSET scan on deep pages.
 */
void
sh_stash_client_find_scenes_async (ShStashClient       *self,
                                   gint64               after_id,
                                   guint                per_page,
                                   const char          *updated_after,
                                   gboolean             with_count,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) variables = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (after_id >= 0 && after_id <= G_MAXINT32);
  g_return_if_fail (per_page >= 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "per_page");
  json_builder_add_int_value (builder, per_page);
  json_builder_set_member_name (builder, "sort");
  json_builder_add_string_value (builder, "id");
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, "ASC");
  json_builder_end_object (builder);

  /* The criteria of one filter object are combined with AND. */
  json_builder_set_member_name (builder, "sceneFilter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_int_value (builder, after_id);
  json_builder_set_member_name (builder, "modifier");
  json_builder_add_string_value (builder, "GREATER_THAN");
  json_builder_end_object (builder);
  if (updated_after != NULL)
    {
      json_builder_set_member_name (builder, "updated_at");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, updated_after);
      json_builder_set_member_name (builder, "modifier");
      json_builder_add_string_value (builder, "GREATER_THAN");
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "withCount");
  json_builder_add_boolean_value (builder, with_count);
  json_builder_end_object (builder);
  variables = json_builder_get_root (builder);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_stash_client_find_scenes_async);
  message = new_graphql_message (self, "FindScenes", variables);
  g_task_set_task_data (task, g_object_ref (message), g_object_unref);

  request_send_async (self, message, "FindScenes", MAX_RESPONSE_BYTES, FALSE, cancellable,
                      find_scenes_cb, g_steal_pointer (&task));
}

/**
 * sh_stash_client_find_scenes_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
ShStashScenePage *
sh_stash_client_find_scenes_finish (ShStashClient  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return finish_typed (self, result, sh_stash_client_find_scenes_async, error);
}

static gpointer
parse_generate (JsonObject  *data,
                GError     **error)
{
  gint64 id;

  if (!sh_stash_json_get_id (data, "metadataGenerate", G_MAXINT64, &id))
    {
      set_shape_error (error, _("Generate did not return a job id"));
      return NULL;
    }

  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/**
 * sh_stash_client_metadata_generate_async:
 * @self: a #ShStashClient
 * @input: (transfer none): a `GenerateMetadataInput` object
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Queues Stash's Generate task.
 */
void
sh_stash_client_metadata_generate_async (ShStashClient       *self,
                                         JsonNode            *input,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (input != NULL && JSON_NODE_HOLDS_OBJECT (input));

  json_object_set_member (variables, "input", json_node_copy (input));
  json_node_set_object (node, variables);

  execute_typed (self, sh_stash_client_metadata_generate_async, "MetadataGenerate", node,
                 parse_generate, g_free, cancellable, callback, user_data);
}

/**
 * sh_stash_client_metadata_generate_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): Stash's job id, or %NULL with @error set
 */
char *
sh_stash_client_metadata_generate_finish (ShStashClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return finish_typed (self, result, sh_stash_client_metadata_generate_async, error);
}

static gpointer
parse_scan (JsonObject  *data,
            GError     **error)
{
  gint64 id;

  if (!sh_stash_json_get_id (data, "metadataScan", G_MAXINT64, &id))
    {
      set_shape_error (error, _("Scan did not return a job id"));
      return NULL;
    }

  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/**
 * sh_stash_client_metadata_scan_async:
 * @self: a #ShStashClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Queues Stash's Scan task over every library path, with Stash's own defaults for
 * what the scan generates on the way.
 */
void
sh_stash_client_metadata_scan_async (ShStashClient       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  json_object_set_object_member (variables, "input", json_object_new ());
  json_node_set_object (node, variables);

  execute_typed (self, sh_stash_client_metadata_scan_async, "MetadataScan", node,
                 parse_scan, g_free, cancellable, callback, user_data);
}

/**
 * sh_stash_client_metadata_scan_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): Stash's job id, or %NULL with @error set
 */
char *
sh_stash_client_metadata_scan_finish (ShStashClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return finish_typed (self, result, sh_stash_client_metadata_scan_async, error);
}

static JsonNode *
id_variables (const char *name,
              const char *id)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, name, id);
  json_node_set_object (node, object);

  return node;
}

/* findJob's answer may be null (unknown id); a boxed wrapper tells that from an error. */
typedef struct
{
  ShStashJob *job;
} FoundJob;

static void
found_job_free (FoundJob *found)
{
  g_clear_pointer (&found->job, sh_stash_job_free);
  g_free (found);
}

static gpointer
parse_find_job (JsonObject  *data,
                GError     **error)
{
  g_autofree FoundJob *found = g_new0 (FoundJob, 1);
  JsonNode *node = json_object_get_member (data, "findJob");

  if (node == NULL)
    {
      set_shape_error (error, _("the job is missing"));
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&found);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_shape_error (error, _("the job is not an object"));
      return NULL;
    }

  found->job = sh_stash_job_new_from_json (json_node_get_object (node), error);
  if (found->job == NULL)
    return NULL;

  return g_steal_pointer (&found);
}

void
sh_stash_client_find_job_async (ShStashClient       *self,
                                const char          *job_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonNode) variables = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  variables = id_variables ("id", job_id);
  execute_typed (self, sh_stash_client_find_job_async, "FindJob", variables,
                 parse_find_job, (GDestroyNotify) found_job_free,
                 cancellable, callback, user_data);
}

/**
 * sh_stash_client_find_job_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @job: (out) (transfer full) (nullable): the job, or %NULL when Stash does not know it
 *   (it finished more than ten jobs ago, or Stash restarted)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when Stash answered
 */
gboolean
sh_stash_client_find_job_finish (ShStashClient  *self,
                                 GAsyncResult   *result,
                                 ShStashJob    **job,
                                 GError        **error)
{
  FoundJob *found = finish_typed (self, result, sh_stash_client_find_job_async, error);

  if (found == NULL)
    return FALSE;

  if (job != NULL)
    *job = g_steal_pointer (&found->job);
  found_job_free (found);

  return TRUE;
}

static gpointer
parse_job_queue (JsonObject  *data,
                 GError     **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_stash_job_free);
  JsonNode *node = json_object_get_member (data, "jobQueue");
  JsonArray *array;

  /* Stash answers null, not [], when the queue is empty. */
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&jobs);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_shape_error (error, _("the job queue is not a list"));
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      ShStashJob *job;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_shape_error (error, _("a job that is not an object"));
          return NULL;
        }
      job = sh_stash_job_new_from_json (json_node_get_object (element), error);
      if (job == NULL)
        return NULL;
      g_ptr_array_add (jobs, job);
    }

  return g_steal_pointer (&jobs);
}

void
sh_stash_client_job_queue_async (ShStashClient       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  execute_typed (self, sh_stash_client_job_queue_async, "JobQueue", NULL,
                 parse_job_queue, (GDestroyNotify) g_ptr_array_unref,
                 cancellable, callback, user_data);
}

/**
 * sh_stash_client_job_queue_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ShStashJob): the queued, running and stopping
 *   jobs (empty when the queue is empty), or %NULL with @error set
 */
GPtrArray *
sh_stash_client_job_queue_finish (ShStashClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return finish_typed (self, result, sh_stash_client_job_queue_async, error);
}

static gpointer
parse_latest_scene_update (JsonObject  *data,
                           GError     **error)
{
  JsonNode *node = json_object_get_member (data, "findScenes");
  JsonObject *found;
  JsonArray *scenes;
  JsonObject *scene;
  const char *updated_at;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_shape_error (error, _("the scene list is missing"));
      return NULL;
    }
  found = json_node_get_object (node);
  node = json_object_get_member (found, "scenes");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_shape_error (error, _("the scene list is missing"));
      return NULL;
    }
  scenes = json_node_get_array (node);

  /* No scene at all: nothing to start from. */
  if (json_array_get_length (scenes) == 0)
    return g_strdup ("");

  node = json_array_get_element (scenes, 0);
  scene = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  node = scene != NULL ? json_object_get_member (scene, "updated_at") : NULL;
  updated_at = node != NULL && JSON_NODE_HOLDS_VALUE (node)
               && json_node_get_value_type (node) == G_TYPE_STRING
               ? json_node_get_string (node) : NULL;
  if (updated_at == NULL || *updated_at == '\0')
    {
      set_shape_error (error, _("a scene without the time it was last updated"));
      return NULL;
    }

  return g_strdup (updated_at);
}

/**
 * sh_stash_client_latest_scene_update_async:
 * @self: a #ShStashClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the time
 * @user_data: data for @callback
 *
 * Asks for the newest `updated_at` among the server's scenes, as Stash's text.
 */
void
sh_stash_client_latest_scene_update_async (ShStashClient       *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) variables = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filter");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "per_page");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "sort");
  json_builder_add_string_value (builder, "updated_at");
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, "DESC");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  variables = json_builder_get_root (builder);

  execute_typed (self, sh_stash_client_latest_scene_update_async, "LatestSceneUpdate",
                 variables, parse_latest_scene_update, g_free, cancellable, callback,
                 user_data);
}

/**
 * sh_stash_client_latest_scene_update_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the newest `updated_at`, an empty string when the server has
 *   no scene, or %NULL with @error set
 */
char *
sh_stash_client_latest_scene_update_finish (ShStashClient  *self,
                                            GAsyncResult   *result,
                                            GError        **error)
{
  return finish_typed (self, result, sh_stash_client_latest_scene_update_async, error);
}

/* Copies @name from @from to @to when it is a value of @type (null: Stash has none). */
static void
copy_value (JsonObject *to,
            JsonObject *from,
            const char *name,
            GType       type)
{
  JsonNode *node = from != NULL ? json_object_get_member (from, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_object_has_member (to, name))
    return;
  if (json_node_get_value_type (node) == type ||
      (type == G_TYPE_DOUBLE && json_node_get_value_type (node) == G_TYPE_INT64))
    json_object_set_member (to, name, json_node_copy (node));
}

static gpointer
parse_generate_defaults (JsonObject  *data,
                         GError     **error)
{
  static const char * const flags[] = {
    "covers", "sprites", "previews", "imagePreviews", "markers", "markerImagePreviews",
    "markerScreenshots", "transcodes", "phashes", "interactiveHeatmapsSpeeds",
    "imageThumbnails", "clipPreviews",
  };
  static const struct { const char *name; GType type; } preview_fields[] = {
    { "previewSegments", G_TYPE_INT64 },
    { "previewSegmentDuration", G_TYPE_DOUBLE },
    { "previewExcludeStart", G_TYPE_STRING },
    { "previewExcludeEnd", G_TYPE_STRING },
    { "previewPreset", G_TYPE_STRING },
  };
  JsonObject *configuration = sh_stash_json_get_object (data, "configuration");
  JsonObject *defaults = sh_stash_json_get_object (configuration, "defaults");
  JsonObject *generate = sh_stash_json_get_object (defaults, "generate");
  JsonObject *general = sh_stash_json_get_object (configuration, "general");
  JsonObject *saved_preview;
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObject *preview = json_object_new ();

  if (configuration == NULL)
    {
      json_object_unref (preview);
      set_shape_error (error, _("the configuration is missing"));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    copy_value (out, generate, flags[i], G_TYPE_BOOLEAN);

  /* The saved Generate defaults first; what they leave out, from the general settings. */
  saved_preview = sh_stash_json_get_object (generate, "previewOptions");
  for (guint i = 0; i < G_N_ELEMENTS (preview_fields); i++)
    {
      copy_value (preview, saved_preview, preview_fields[i].name, preview_fields[i].type);
      copy_value (preview, general, preview_fields[i].name, preview_fields[i].type);
    }
  json_object_set_object_member (out, "previewOptions", preview);

  return g_steal_pointer (&out);
}

/**
 * sh_stash_client_generate_defaults_async:
 * @self: a #ShStashClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the options
 * @user_data: data for @callback
 *
 * Asks for the Generate options saved in Stash, with the general preview settings for
 * the preview options they leave out.
 */
void
sh_stash_client_generate_defaults_async (ShStashClient       *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (SH_IS_STASH_CLIENT (self));

  execute_typed (self, sh_stash_client_generate_defaults_async, "GenerateDefaults", NULL,
                 parse_generate_defaults, (GDestroyNotify) json_object_unref, cancellable,
                 callback, user_data);
}

/**
 * sh_stash_client_generate_defaults_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the options Stash has, as `stash_generate` parameters (its
 *   flags, and `previewOptions`), each only when Stash has a value; or %NULL with @error
 */
JsonObject *
sh_stash_client_generate_defaults_finish (ShStashClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return finish_typed (self, result, sh_stash_client_generate_defaults_async, error);
}

static gpointer
parse_stop_job (JsonObject  *data,
                GError     **error)
{
  JsonNode *node = json_object_get_member (data, "stopJob");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      set_shape_error (error, _("stopping the job did not return a result"));
      return NULL;
    }

  /* A non-NULL pointer for "answered"; Stash says true even for unknown ids. */
  return GINT_TO_POINTER (1);
}

void
sh_stash_client_stop_job_async (ShStashClient       *self,
                                const char          *job_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonNode) variables = NULL;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  variables = id_variables ("id", job_id);
  execute_typed (self, sh_stash_client_stop_job_async, "StopJob", variables,
                 parse_stop_job, NULL, cancellable, callback, user_data);
}

gboolean
sh_stash_client_stop_job_finish (ShStashClient  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return finish_typed (self, result, sh_stash_client_stop_job_async, error) != NULL;
}

typedef struct
{
  SoupMessage *message;
  guint        status;
  char        *content_type;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_clear_object (&data->message);
  g_free (data->content_type);
  g_free (data);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShStashClient *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *content_type;

  body = request_send_finish (self, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->status = soup_message_get_status (data->message);
  content_type = soup_message_headers_get_content_type (
      soup_message_get_response_headers (data->message), NULL);
  data->content_type = g_strdup (content_type);

  g_task_return_boolean (task, TRUE);
}

/**
 * sh_stash_client_probe_async:
 * @self: a #ShStashClient
 * @uri: a media URL on the server
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Asks for the first byte of a media file (`Range: bytes=0-0`): Stash answers 206 when it
 * exists and 404 when it does not. HEAD cannot be used; Stash refuses it with 405.
 */
void
sh_stash_client_probe_async (ShStashClient       *self,
                             const char          *uri,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ProbeData *data;

  g_return_if_fail (SH_IS_STASH_CLIENT (self));
  g_return_if_fail (uri != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_stash_client_probe_async);

  data = g_new0 (ProbeData, 1);
  data->message = sh_stash_client_new_message (self, SOUP_METHOD_GET, uri);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  soup_message_headers_set_range (soup_message_get_request_headers (data->message), 0, 0);

  request_send_async (self, data->message, NULL, MAX_PROBE_BYTES, TRUE, cancellable,
                      probe_cb, g_steal_pointer (&task));
}

/**
 * sh_stash_client_probe_finish:
 * @self: a #ShStashClient
 * @result: the result
 * @status: (out): the HTTP status
 * @content_type: (out) (optional) (transfer full) (nullable): the Content-Type
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server answered (whatever the status)
 */
gboolean
sh_stash_client_probe_finish (ShStashClient  *self,
                              GAsyncResult   *result,
                              guint          *status,
                              char          **content_type,
                              GError        **error)
{
  ProbeData *data;

  g_return_val_if_fail (SH_IS_STASH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (status != NULL)
    *status = data->status;
  if (content_type != NULL)
    *content_type = g_strdup (data->content_type);

  return TRUE;
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
