/* sh-fake-stash-http.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HTTP side of the fake Stash: routing, authentication (internal/api/authentication.go),
 * the WebSocket upgrade, injected faults and latency.
 */

#include "config.h"

#include <sys/socket.h>

#include <string.h>

#include "sh-fake-stash-private.h"

typedef struct
{
  ShFakeStash       *self;         /* (unowned) */
  SoupServerMessage *msg;          /* (owned) */
  GSource           *source;       /* (owned) */
  gulong             finished_id;
} ShFakeDelayed;

/* An answer written a piece at a time: trickled, or too large to build in memory. */
typedef struct
{
  ShFakeStash       *self;         /* (unowned) */
  SoupServerMessage *msg;          /* (owned) */
  GBytes            *data;         /* (owned) (nullable) a trickled answer; NULL when huge */
  guint64            offset;       /* bytes handed to libsoup so far */
  guint64            size;         /* the whole answer */
  GSource           *source;       /* (owned) (nullable) the trickle's timer */
  gulong             finished_id;
  gulong             wrote_chunk_id;
} ShFakeStream;

#define HUGE_CHUNK_BYTES (64 * 1024)

static const char huge_prefix[] = "{\"data\":{\"padding\":\"";
static const char huge_suffix[] = "\"}}";

static const char index_html[] =
  "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Stash</title></head>"
  "<body><noscript>You need to enable JavaScript to run this app.</noscript>"
  "<div id=\"root\"></div></body></html>\n";

static const char login_html[] =
  "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Login</title></head>"
  "<body><form method=\"post\" action=\"/login\"><input name=\"username\">"
  "<input name=\"password\" type=\"password\"><button>Login</button></form></body></html>\n";

static void
delayed_free (gpointer data)
{
  ShFakeDelayed *delayed = data;

  g_source_destroy (delayed->source);
  g_source_unref (delayed->source);
  g_clear_signal_handler (&delayed->finished_id, delayed->msg);
  g_object_unref (delayed->msg);
  g_free (delayed);
}

static gboolean
delayed_cb (gpointer user_data)
{
  ShFakeDelayed *delayed = user_data;

  soup_server_message_unpause (delayed->msg);
  g_ptr_array_remove_fast (delayed->self->delayed, delayed);

  return G_SOURCE_REMOVE;
}

static void
delayed_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  ShFakeDelayed *delayed = user_data;

  /* The client went away before the answer was due. */
  g_ptr_array_remove_fast (delayed->self->delayed, delayed);
}

/* The response is ready: send it now, or after the latency without blocking anything. */
void
sh_fake_stash_deliver (ShFakeStash       *self,
                       SoupServerMessage *msg)
{
  sh_fake_stash_deliver_after (self, msg, self->latency_ms);
}

/* The same with a latency of its own, such as a cover's. */
void
sh_fake_stash_deliver_after (ShFakeStash       *self,
                             SoupServerMessage *msg,
                             guint              latency_ms)
{
  ShFakeDelayed *delayed;

  if (latency_ms == 0)
    return;

  soup_server_message_pause (msg);

  delayed = g_new0 (ShFakeDelayed, 1);
  delayed->self = self;
  delayed->msg = g_object_ref (msg);
  delayed->finished_id = g_signal_connect (msg, "finished",
                                           G_CALLBACK (delayed_finished_cb), delayed);
  delayed->source = g_timeout_source_new (latency_ms);
  g_source_set_callback (delayed->source, delayed_cb, delayed, NULL);
  g_source_set_static_name (delayed->source, "[fake-stash] latency");
  g_source_attach (delayed->source, self->context);
  g_ptr_array_add (self->delayed, delayed);
}

void
sh_fake_stash_http_clear (ShFakeStash *self)
{
  if (self->delayed != NULL)
    g_ptr_array_set_size (self->delayed, 0);
  if (self->streams != NULL)
    g_ptr_array_set_size (self->streams, 0);
  if (self->sweep_source != NULL)
    {
      g_source_destroy (self->sweep_source);
      g_clear_pointer (&self->sweep_source, g_source_unref);
    }
  g_clear_pointer (&self->sockets, g_hash_table_unref);
}

static void
stream_free (gpointer data)
{
  ShFakeStream *stream = data;

  if (stream->source != NULL)
    g_source_destroy (stream->source);
  g_clear_pointer (&stream->source, g_source_unref);
  g_clear_signal_handler (&stream->finished_id, stream->msg);
  g_clear_signal_handler (&stream->wrote_chunk_id, stream->msg);
  g_object_unref (stream->msg);
  g_clear_pointer (&stream->data, g_bytes_unref);
  g_free (stream);
}

static void
stream_finished_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  ShFakeStream *stream = user_data;

  /* Written in full, or the client went away. */
  g_ptr_array_remove_fast (stream->self->streams, stream);
}

static ShFakeStream *
stream_new (ShFakeStash       *self,
            SoupServerMessage *msg)
{
  ShFakeStream *stream = g_new0 (ShFakeStream, 1);

  stream->self = self;
  stream->msg = g_object_ref (msg);
  stream->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (stream_finished_cb),
                                          stream);
  g_ptr_array_add (self->streams, stream);

  return stream;
}

static gboolean
trickle_cb (gpointer user_data)
{
  ShFakeStream *stream = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (stream->msg);
  const char *data = g_bytes_get_data (stream->data, NULL);

  soup_message_body_append (body, SOUP_MEMORY_COPY, data + stream->offset, 1);
  stream->offset++;
  if (stream->offset == stream->size)
    {
      soup_message_body_complete (body);
      g_clear_pointer (&stream->source, g_source_unref);
      soup_server_message_unpause (stream->msg);
      return G_SOURCE_REMOVE;
    }

  soup_server_message_unpause (stream->msg);
  return G_SOURCE_CONTINUE;
}

/* Sends the answer already set on @msg a byte at a time, as chunks. */
static void
trickle_answer (ShFakeStash       *self,
                SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  ShFakeStream *stream;

  stream = stream_new (self, msg);
  stream->data = soup_message_body_flatten (body);
  stream->size = g_bytes_get_size (stream->data);
  soup_message_body_truncate (body);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);

  if (stream->size == 0)
    {
      soup_message_body_complete (body);
      return;
    }

  stream->source = g_timeout_source_new (self->trickle_ms_per_byte);
  g_source_set_callback (stream->source, trickle_cb, stream, NULL);
  g_source_set_static_name (stream->source, "[fake-stash] trickle");
  g_source_attach (stream->source, self->context);
}

/* Appends the next piece of a huge answer, or ends it. */
static void
huge_append (ShFakeStream *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (stream->msg);
  char buf[HUGE_CHUNK_BYTES];
  gsize prefix_len = strlen (huge_prefix);
  gsize suffix_len = strlen (huge_suffix);
  gsize len;

  if (stream->offset == stream->size)
    {
      soup_message_body_complete (body);
      return;
    }

  len = (gsize) MIN ((guint64) sizeof buf, stream->size - stream->offset);
  for (gsize i = 0; i < len; i++)
    {
      guint64 at = stream->offset + i;

      if (at < prefix_len)
        buf[i] = huge_prefix[at];
      else if (at >= stream->size - suffix_len)
        buf[i] = huge_suffix[at - (stream->size - suffix_len)];
      else
        buf[i] = 'x';
    }
  soup_message_body_append (body, SOUP_MEMORY_COPY, buf, len);
  stream->offset += len;
}

static void
huge_wrote_chunk_cb (SoupServerMessage *msg,
                     guint              chunk_size,
                     gpointer           user_data)
{
  ShFakeStream *stream = user_data;

  huge_append (stream);
  soup_server_message_unpause (msg);
}

/* A valid answer of exactly the configured size, written a chunk at a time as the client
 * takes it: the server never holds more than a chunk. */
static void
huge_answer (ShFakeStash       *self,
             SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  ShFakeStream *stream;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  if (self->huge_with_length)
    soup_message_headers_set_content_length (headers, (goffset) self->huge_size);
  else
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (body, FALSE);

  stream = stream_new (self, msg);
  stream->size = self->huge_size;
  stream->wrote_chunk_id = g_signal_connect (msg, "wrote-chunk",
                                             G_CALLBACK (huge_wrote_chunk_cb), stream);
  huge_append (stream);
}

/* Opens @depth arrays in `data` and closes them again. */
static void
nested_answer (ShFakeStash       *self,
               SoupServerMessage *msg)
{
  GString *text = g_string_sized_new (2 * self->nested_depth + 16);
  gsize len;

  g_string_append (text, "{\"data\":");
  for (guint i = 0; i < self->nested_depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < self->nested_depth; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');

  len = text->len;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (text, FALSE), len);
}

void
sh_fake_stash_set_not_found (SoupServerMessage *msg)
{
  static const char body[] = "404 page not found\n";

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    body, strlen (body));
}

static void
set_text (SoupServerMessage *msg,
          guint              status,
          const char        *content_type,
          const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

/* Stash compares the ApiKey header (or ?apikey=) with its key, which is "" when no
 * credentials are set: so any non-empty key is wrong then. Without a key, the API and
 * files get 401 and pages a redirect to the login page. */
gboolean
sh_fake_stash_authorize (ShFakeStash       *self,
                         SoupServerMessage *msg,
                         const char        *path,
                         GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *expected = self->api_key != NULL ? self->api_key : "";
  const char *key = soup_message_headers_get_one (headers, "ApiKey");
  const char *last_segment = strrchr (path, '/');
  g_autofree char *escaped = NULL;
  g_autofree char *location = NULL;
  g_autofree char *body = NULL;

  if ((key == NULL || *key == '\0') && query != NULL)
    key = g_hash_table_lookup (query, "apikey");

  if (key != NULL && *key != '\0')
    {
      if (g_str_equal (key, expected))
        return TRUE;
    }
  else if (*expected == '\0')
    {
      return TRUE;
    }
  else if (!g_str_equal (path, "/graphql") &&
           (last_segment == NULL || strchr (last_segment, '.') == NULL ||
            g_str_has_suffix (path, ".html")))
    {
      escaped = g_uri_escape_string (path, NULL, FALSE);
      location = g_strconcat ("/login?returnURL=", escaped, NULL);
      body = g_strdup_printf ("<a href=\"%s\">Found</a>.\n\n", location);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Location", location);
      set_text (msg, SOUP_STATUS_FOUND, "text/html; charset=utf-8", body);
      return FALSE;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "FormBased");
  return FALSE;
}

static void
graphql_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  ShFakeStash *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);

  sh_fake_stash_record_request (self, headers, NULL, NULL);

  if (!g_str_equal (path, "/graphql"))
    {
      sh_fake_stash_set_not_found (msg);
    }
  else if (soup_message_headers_header_contains (headers, "Upgrade", "websocket"))
    {
      /* Called before the WebSocket handler: leaving the status unset lets libsoup go on
       * with the handshake; setting one refuses the upgrade, as Stash's middleware does. */
      if (sh_fake_stash_authorize (self, msg, path, query) && !self->websockets_enabled)
        set_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain; charset=utf-8",
                  "WebSocket upgrades are disabled\n");
      return;
    }
  else if (self->n_nested > 0)
    {
      self->n_nested--;
      nested_answer (self, msg);
    }
  else if (self->n_huge > 0)
    {
      self->n_huge--;
      huge_answer (self, msg);
      return;
    }
  else if (self->n_failures > 0)
    {
      /* A proxy, or something that is not Stash, answers before Stash authenticates. */
      gsize size = 0;
      gconstpointer body = self->failure_body ? g_bytes_get_data (self->failure_body, &size)
                                              : NULL;

      self->n_failures--;
      soup_server_message_set_status (msg, self->failure_status, NULL);
      if (SOUP_STATUS_IS_REDIRECTION (self->failure_status))
        soup_message_headers_replace (response_headers, "Location", "/login");
      soup_server_message_set_response (msg, self->failure_content_type, SOUP_MEMORY_COPY,
                                        body, size);
    }
  else if (sh_fake_stash_authorize (self, msg, path, query))
    {
      sh_fake_stash_handle_graphql (self, msg, query);
      if (self->n_trickled > 0)
        {
          self->n_trickled--;
          trickle_answer (self, msg);
          return;
        }
    }

  sh_fake_stash_deliver (self, msg);
}

static void
media_finished_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  ShFakeStash *self = user_data;

  if (self->media_in_flight > 0)
    self->media_in_flight--;
}

/* Every request for generated media, from its arrival until its answer is sent (after the
 * latency): what a test of a client's concurrency looks at. */
static void
track_media_request (ShFakeStash       *self,
                     SoupServerMessage *msg)
{
  self->media_requests++;
  self->media_in_flight++;
  self->media_max_in_flight = MAX (self->media_max_in_flight, self->media_in_flight);
  g_signal_connect_object (msg, "finished", G_CALLBACK (media_finished_cb), self, 0);
}

/* What a proxy in front of Stash (502), or Stash's authentication (401, or a redirect to
 * the login page for paths without an extension), answers instead of the file. */
static void
fail_media_request (ShFakeStash       *self,
                    SoupServerMessage *msg,
                    const char        *path)
{
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  guint status = self->media_failure_status;

  self->n_media_failures--;

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autofree char *escaped = g_uri_escape_string (path, NULL, FALSE);
      g_autofree char *location = g_strconcat ("/login?returnURL=", escaped, NULL);
      g_autofree char *body = g_strdup_printf ("<a href=\"%s\">Found</a>.\n\n", location);

      soup_message_headers_replace (response_headers, "Location", location);
      set_text (msg, status, "text/html; charset=utf-8", body);
    }
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      soup_server_message_set_status (msg, status, NULL);
      soup_message_headers_replace (response_headers, "WWW-Authenticate", "FormBased");
    }
  else
    {
      g_autofree char *body = g_strdup_printf ("<html><body><h1>%u %s</h1></body></html>\n",
                                               status, soup_status_get_phrase (status));

      set_text (msg, status, "text/html", body);
    }
}

static void
default_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  ShFakeStash *self = user_data;

  if (g_str_has_prefix (path, "/scene/"))
    track_media_request (self, msg);

  /* chi's Heartbeat runs before authentication. */
  if (g_str_equal (path, "/healthz"))
    {
      set_text (msg, SOUP_STATUS_OK, "text/plain", ".");
    }
  else if (g_str_has_prefix (path, "/scene/") && self->n_media_failures > 0)
    {
      fail_media_request (self, msg, path);
    }
  else if (g_str_equal (path, "/login"))
    {
      set_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", login_html);
    }
  else if (sh_fake_stash_authorize (self, msg, path, query))
    {
      if (g_str_has_prefix (path, "/scene/"))
        {
          sh_fake_stash_handle_media (self, msg, path);
          return;
        }

      if (g_str_equal (path, "/"))
        set_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", index_html);
      else
        sh_fake_stash_set_not_found (msg);
    }

  sh_fake_stash_deliver (self, msg);
}

/* libsoup 3.2's server never notices that a client closed an idle keep-alive connection
 * (fixed in 3.3: GNOME/libsoup commit d20c6601): the socket stays open in CLOSE-WAIT, and
 * over millions of requests the fake Stash runs out of file descriptors and stops
 * answering, which real Stash (Go's server) does not. Every few seconds, the connections
 * whose client has gone (a peek reads end of file) are closed. */
static gboolean
sweep_closed_cb (gpointer user_data)
{
  ShFakeStash *self = user_data;
  GHashTableIter iter;
  GSocket *socket;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, (gpointer *) &socket, NULL))
    {
      char byte;
      gssize n;

      if (g_socket_is_closed (socket))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      if (!(g_socket_condition_check (socket, G_IO_IN | G_IO_HUP) & (G_IO_IN | G_IO_HUP)))
        continue;
      n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0)
        {
          g_socket_close (socket, NULL);
          g_hash_table_iter_remove (&iter);
        }
    }

  return G_SOURCE_CONTINUE;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    ShFakeStash       *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_hash_table_add (self->sockets, g_object_ref (socket));
}

void
sh_fake_stash_http_attach (ShFakeStash *self,
                           SoupServer  *server)
{
  const char *protocols[] = { "graphql-transport-ws", NULL };

  if (self->sockets == NULL)
    self->sockets = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (request_started_cb), self);
  if (self->sweep_source == NULL)
    {
      self->sweep_source = g_timeout_source_new_seconds (2);
      g_source_set_callback (self->sweep_source, sweep_closed_cb, self, NULL);
      g_source_set_static_name (self->sweep_source, "[fake-stash] closed connections");
      g_source_attach (self->sweep_source, self->context);
    }

  if (self->delayed == NULL)
    self->delayed = g_ptr_array_new_with_free_func (delayed_free);
  if (self->streams == NULL)
    self->streams = g_ptr_array_new_with_free_func (stream_free);

  soup_server_add_handler (server, NULL, default_cb, self, NULL);
  /* The same path for both: the HTTP handler runs first and can refuse the upgrade. */
  soup_server_add_handler (server, "/graphql", graphql_cb, self, NULL);
  soup_server_add_websocket_handler (server, "/graphql", NULL, (char **) protocols,
                                     sh_fake_stash_ws_handler, self, NULL);
}

/* The next @n requests for generated media (under /scene/) get @status instead of the
 * file: 502 as from a proxy, 401 or 302 as from Stash's authentication. */
void
sh_fake_stash_fail_media_requests (ShFakeStash *self,
                                   guint        n,
                                   guint        status)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (status >= 100 && status < 600);

  self->n_media_failures = n;
  self->media_failure_status = status;
}

/* Requests for generated media since the last reset, whatever their answer. */
guint
sh_fake_stash_get_media_request_count (ShFakeStash *self)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  return self->media_requests;
}

/* The most requests for generated media that were open at the same time. */
guint
sh_fake_stash_get_media_max_in_flight (ShFakeStash *self)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  return self->media_max_in_flight;
}

void
sh_fake_stash_reset_media_counts (ShFakeStash *self)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->media_requests = 0;
  self->media_max_in_flight = self->media_in_flight;
}
