/* sh-fake-stash.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShFakeStash: a Stash server for tests, on 127.0.0.1, that answers what StashHog asks the
 * way the real one does (shared/reference/stash-api.md), quirks included. Everything runs
 * on the thread-default main context of its creation; nothing blocks it, except
 * sh_fake_stash_start_tls() generating its certificate.
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "sh-fake-stash-private.h"

/**
 * ShFakeStash:
 *
 * A fake Stash server. Configure it, start it, point a client at
 * sh_fake_stash_get_url(), then look at what the client did.
 */

enum {
  JOB_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShFakeStash, sh_fake_stash, G_TYPE_OBJECT)

G_DEFINE_QUARK (sh-fake-stash-error-quark, sh_fake_stash_error)

void
sh_fake_stash_emit_job_changed (ShFakeStash *self,
                                ShFakeJob   *job)
{
  char id[16];

  g_snprintf (id, sizeof id, "%u", job->id);
  g_signal_emit (self, signals[JOB_CHANGED], 0, id, sh_fake_job_status_to_string (job->status));
}

static void
sh_fake_stash_dispose (GObject *object)
{
  ShFakeStash *self = SH_FAKE_STASH (object);

  sh_fake_stash_stop (self);
  sh_fake_stash_jobs_clear (self);
  if (self->throttles != NULL)
    sh_fake_stash_ws_forget_jobs (self);

  G_OBJECT_CLASS (sh_fake_stash_parent_class)->dispose (object);
}

static void
sh_fake_stash_finalize (GObject *object)
{
  ShFakeStash *self = SH_FAKE_STASH (object);

  sh_fake_stash_ws_clear (self);
  g_clear_pointer (&self->delayed, g_ptr_array_unref);
  g_clear_pointer (&self->streams, g_ptr_array_unref);
  g_clear_pointer (&self->url, g_free);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->version, g_free);
  g_clear_pointer (&self->system_status, g_free);
  g_clear_pointer (&self->scene_bits, g_free);
  g_clear_pointer (&self->overrides, g_hash_table_unref);
  g_clear_pointer (&self->broken, g_hash_table_unref);
  sh_fake_stash_log_clear (self);
  g_clear_pointer (&self->failure_content_type, g_free);
  g_clear_pointer (&self->failing_operation, g_free);
  g_clear_pointer (&self->failure_body, g_bytes_unref);
  g_clear_pointer (&self->request_counts, g_hash_table_unref);
  g_clear_pointer (&self->cover_requests, g_hash_table_unref);
  g_clear_pointer (&self->last_variables, g_hash_table_unref);
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (sh_fake_stash_parent_class)->finalize (object);
}

static void
sh_fake_stash_class_init (ShFakeStashClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_fake_stash_dispose;
  object_class->finalize = sh_fake_stash_finalize;

  /**
   * ShFakeStash::job-changed:
   * @self: a #ShFakeStash
   * @job_id: the job's id, as Stash writes it
   * @status: its new status, a `JobStatus` name such as "RUNNING"
   *
   * Emitted whenever a job changes status, including when it is queued (READY).
   */
  signals[JOB_CHANGED] =
    g_signal_new ("job-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
sh_fake_stash_init (ShFakeStash *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->version = g_strdup ("v0.30.1");
  self->system_status = g_strdup ("OK");
  self->has_ffmpeg = TRUE;
  self->websockets_enabled = TRUE;
  self->ms_per_task = 20;
  self->next_job_id = 1;
  g_queue_init (&self->queue);
  g_queue_init (&self->graveyard);
  g_queue_init (&self->log);
  self->log_capacity = 1000;
  self->broken = g_hash_table_new (NULL, NULL);

  sh_fake_stash_scenes_reset (self, 0);
  sh_fake_stash_ws_init (self);

  self->request_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cover_requests = g_hash_table_new (NULL, NULL);
  self->last_variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) json_node_unref);
}

ShFakeStash *
sh_fake_stash_new (void)
{
  return g_object_new (SH_TYPE_FAKE_STASH, NULL);
}

/* Self-signed for 127.0.0.1, made fresh for every run, like many a home Stash's. */
static GTlsCertificate *
generate_certificate (GError **error)
{
  g_autoptr(GSubprocess) openssl = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *output = NULL;
  GTlsCertificate *certificate = NULL;

  if (!(dir = g_dir_make_tmp ("sh-fake-stash-XXXXXX", error)))
    return NULL;
  key = g_build_filename (dir, "stash.key", NULL);
  cert = g_build_filename (dir, "stash.crt", NULL);

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                              error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                              "-days", "2", "-subj", "/CN=127.0.0.1",
                              "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", key, "-out", cert, NULL);
  if (openssl != NULL &&
      g_subprocess_communicate_utf8 (openssl, NULL, NULL, &output, NULL, error))
    {
      if (!g_subprocess_get_successful (openssl))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "openssl could not make a certificate: %s", output);
      else
        certificate = g_tls_certificate_new_from_files (cert, key, error);
    }

  g_remove (key);
  g_remove (cert);
  g_rmdir (dir);

  return certificate;
}

static gboolean
sh_fake_stash_listen (ShFakeStash  *self,
                      guint         port,
                      gboolean      tls,
                      GError      **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) local = NULL;
  GSList *listeners;
  gboolean listening;

  g_return_val_if_fail (SH_IS_FAKE_STASH (self), FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->server != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                           "The fake Stash is already serving.");
      return FALSE;
    }

  if (tls && self->certificate == NULL && !(self->certificate = generate_certificate (error)))
    return FALSE;

  server = soup_server_new (NULL, NULL);
  if (tls)
    soup_server_set_tls_certificate (server, self->certificate);
  sh_fake_stash_http_attach (self, server);

  /* The listening socket attaches to the thread-default context. */
  g_main_context_push_thread_default (self->context);
  listening = soup_server_listen (server, address, tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
  g_main_context_pop_thread_default (self->context);
  if (!listening)
    return FALSE;

  /* Not soup_server_get_uris (), which leaks an address in libsoup 3.2. */
  listeners = soup_server_get_listeners (server);
  local = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (local == NULL)
    return FALSE;

  g_free (self->url);
  self->url = g_strdup_printf ("%s://127.0.0.1:%u", tls ? "https" : "http",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  self->server = g_steal_pointer (&server);

  return TRUE;
}

gboolean
sh_fake_stash_start (ShFakeStash  *self,
                     guint         port,
                     GError      **error)
{
  return sh_fake_stash_listen (self, port, FALSE, error);
}

/* Blocks while openssl makes the certificate, the first time. */
gboolean
sh_fake_stash_start_tls (ShFakeStash  *self,
                         guint         port,
                         GError      **error)
{
  return sh_fake_stash_listen (self, port, TRUE, error);
}

/**
 * sh_fake_stash_get_certificate:
 * @self: a #ShFakeStash
 *
 * Returns: (transfer none) (nullable): the certificate served by sh_fake_stash_start_tls()
 */
GTlsCertificate *
sh_fake_stash_get_certificate (ShFakeStash *self)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), NULL);

  return self->certificate;
}

/* Like "http://127.0.0.1:41234", without a trailing slash; still set after a stop. */
const char *
sh_fake_stash_get_url (ShFakeStash *self)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), NULL);

  return self->url;
}

/* The server goes away (connections refused, WebSockets dropped); the library and the
 * jobs stay as they are. */
void
sh_fake_stash_stop (ShFakeStash *self)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  if (self->server == NULL)
    return;

  sh_fake_stash_http_clear (self);
  sh_fake_stash_ws_drop_all (self);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

/* Like restarting Stash: jobs exist only in its memory, so the queue (running job
 * included, without any event), the graveyard and the job ids are gone, and so are every
 * WebSocket and the log cache. Scenes and generated media persist. */
void
sh_fake_stash_restart (ShFakeStash *self)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  sh_fake_stash_jobs_clear (self);
  sh_fake_stash_ws_forget_jobs (self);
  sh_fake_stash_ws_drop_all (self);
  sh_fake_stash_log_clear (self);
}

/* %NULL or "" configures no credentials: then any non-empty ApiKey gets 401. */
void
sh_fake_stash_set_api_key (ShFakeStash *self,
                           const char  *key)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  g_free (self->api_key);
  self->api_key = key != NULL && *key != '\0' ? g_strdup (key) : NULL;
}

void
sh_fake_stash_set_ffmpeg (ShFakeStash *self,
                          gboolean     present)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->has_ffmpeg = !!present;
}

/* "" for a build without a version, as Stash reports it. */
void
sh_fake_stash_set_version (ShFakeStash *self,
                           const char  *version)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (version != NULL);

  g_free (self->version);
  self->version = g_strdup (version);
}

void
sh_fake_stash_set_system_status (ShFakeStash *self,
                                 const char  *status)
{
  const char * const statuses[] = { "SETUP", "NEEDS_MIGRATION", "OK", NULL };

  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (status != NULL && g_strv_contains (statuses, status));

  g_free (self->system_status);
  self->system_status = g_strdup (status);
}

void
sh_fake_stash_drop_websockets (ShFakeStash *self)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  sh_fake_stash_ws_drop_all (self);
}

/* Disabled, upgrades get 400, as behind a proxy that does not pass them on. */
void
sh_fake_stash_set_websockets_enabled (ShFakeStash *self,
                                      gboolean     enabled)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->websockets_enabled = !!enabled;
}

/* Open WebSocket connections, whether or not they have subscribed yet. */
guint
sh_fake_stash_get_websocket_count (ShFakeStash *self)
{
  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  return sh_fake_stash_ws_count (self);
}

void
sh_fake_stash_set_latency (ShFakeStash *self,
                           guint        ms)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->latency_ms = ms;
}

/* The next @n requests of the operation @operation_name get an HTML error page with
 * @status, as from a proxy whose upstream failed; other requests are served. */
void
sh_fake_stash_fail_operation (ShFakeStash *self,
                              const char  *operation_name,
                              guint        n,
                              guint        status)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (operation_name != NULL);

  g_free (self->failing_operation);
  self->failing_operation = g_strdup (operation_name);
  self->n_operation_failures = n;
  self->operation_failure_status = status;
}

/* The next @n requests to /graphql get exactly this answer (and a Location: /login with
 * a redirect status), before any authentication: a proxy, or not Stash at all. */
void
sh_fake_stash_fail_requests (ShFakeStash *self,
                             guint        n,
                             guint        status,
                             const char  *content_type,
                             const char  *body)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (status >= 100 && status < 600);

  self->n_failures = n;
  self->failure_status = status;
  g_free (self->failure_content_type);
  self->failure_content_type = g_strdup (content_type);
  g_clear_pointer (&self->failure_body, g_bytes_unref);
  if (body != NULL)
    self->failure_body = g_bytes_new (body, strlen (body));
}

/**
 * sh_fake_stash_answer_nested:
 * @self: a #ShFakeStash
 * @n: how many requests
 * @depth: how many arrays to nest
 *
 * The next @n requests to /graphql get, before any authentication, a 200 answer whose
 * `data` is @depth arrays nested in each other: valid JSON that overflows the stack of a
 * recursive parser when @depth is large (100,000 is plenty).
 */
void
sh_fake_stash_answer_nested (ShFakeStash *self,
                             guint        n,
                             guint        depth)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->n_nested = n;
  self->nested_depth = depth;
}

/**
 * sh_fake_stash_trickle_answers:
 * @self: a #ShFakeStash
 * @n: how many requests
 * @ms_per_byte: the time between two bytes
 *
 * The next @n GraphQL requests get their real answer, but chunked a byte at a time with
 * @ms_per_byte between bytes (1000 for a byte a second): the connection is never idle for
 * long, yet the answer takes minutes.
 */
void
sh_fake_stash_trickle_answers (ShFakeStash *self,
                               guint        n,
                               guint        ms_per_byte)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (ms_per_byte > 0);

  self->n_trickled = n;
  self->trickle_ms_per_byte = ms_per_byte;
}

/**
 * sh_fake_stash_answer_huge:
 * @self: a #ShFakeStash
 * @n: how many requests
 * @size: the size of the answer in bytes (at least 32)
 * @with_length: whether to announce @size in `Content-Length`, or send it chunked
 *
 * The next @n requests to /graphql get, before any authentication, a valid JSON answer of
 * @size bytes (`{"data":{"padding":"xxx…"}}`). It is made as it is sent, a chunk at a time
 * and only as fast as the client reads, so the fake itself stays small.
 */
void
sh_fake_stash_answer_huge (ShFakeStash *self,
                           guint        n,
                           guint64      size,
                           gboolean     with_length)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));
  g_return_if_fail (size >= 32);

  self->n_huge = n;
  self->huge_size = size;
  self->huge_with_length = !!with_length;
}

/**
 * sh_fake_stash_send_nested_websocket_message:
 * @self: a #ShFakeStash
 * @depth: how many arrays to open
 *
 * Sends every subscribed WebSocket a `next` message whose payload opens @depth arrays and
 * never closes them: libsoup refuses messages over 128 KiB by default, and this is the
 * deepest nesting that fits (100,000 does).
 */
void
sh_fake_stash_send_nested_websocket_message (ShFakeStash *self,
                                             guint        depth)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  sh_fake_stash_ws_send_nested (self, depth);
}

/**
 * sh_fake_stash_get_cover_request_count:
 * @self: a #ShFakeStash
 * @id: a scene id, or 0 for every scene
 *
 * Returns: how many times the scene's cover (`/scene/<id>/screenshot`) was asked for
 */
guint
sh_fake_stash_get_cover_request_count (ShFakeStash *self,
                                       guint        id)
{
  GHashTableIter iter;
  gpointer value;
  guint total = 0;

  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  if (id != 0)
    return GPOINTER_TO_UINT (g_hash_table_lookup (self->cover_requests, GUINT_TO_POINTER (id)));

  g_hash_table_iter_init (&iter, self->cover_requests);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += GPOINTER_TO_UINT (value);

  return total;
}

/**
 * sh_fake_stash_set_cover_latency:
 * @self: a #ShFakeStash
 * @ms: how long each cover takes to answer, in milliseconds
 *
 * Slows the covers down, as a large cover over a slow link is.
 */
void
sh_fake_stash_set_cover_latency (ShFakeStash *self,
                                 guint        ms)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->cover_latency_ms = ms;
}
