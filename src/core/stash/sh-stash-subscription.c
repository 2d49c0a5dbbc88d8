/* sh-stash-subscription.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stash's jobs (and, when asked, its log lines) as they change, over a WebSocket with the
 * graphql-transport-ws protocol. This file holds the object and the connection's life:
 * connecting, keep-alive, failure and reconnection with backoff; the protocol's messages
 * are in sh-stash-subscription-messages.c.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-stash-error.h"
#include "sh-stash-subscription-private.h"

G_DEFINE_FINAL_TYPE (ShStashSubscription, sh_stash_subscription, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_CONNECTED,
  PROP_KEEPALIVE_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _sh_stash_subscription_signals[N_SIGNALS];

/* What an asynchronous connect needs after the subscription may be gone. */
typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable; /* (owned) identifies the attempt */
  SoupMessage  *message;     /* (owned) the upgrade request, to classify a failure */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_weak_ref_clear (&data->self);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->message);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConnectData, connect_data_free)

static void sh_stash_subscription_connect (ShStashSubscription *self);

GSource *
_sh_stash_subscription_add_timeout (ShStashSubscription *self,
                                    guint                msec,
                                    GSourceFunc          func,
                                    const char          *name)
{
  GSource *source = g_timeout_source_new (msec);

  g_source_set_callback (source, func, self, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, self->context);

  return source;
}

void
_sh_stash_subscription_clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

void
_sh_stash_subscription_set_connected (ShStashSubscription *self,
                                      gboolean             connected)
{
  connected = !!connected;

  if (self->connected != connected)
    {
      self->connected = connected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
    }
}

static void
on_released_connection_closed (SoupWebsocketConnection *connection,
                               gpointer                 user_data)
{
  g_signal_handlers_disconnect_by_func (connection, on_released_connection_closed, user_data);
  g_object_unref (connection);
}

/* Takes ownership of @connection and closes it in the background. Dropping the last
 * reference at once would reset the socket; keeping it until "closed" lets the server see
 * a clean close and forget its subscriber. libsoup stops waiting for the peer's close
 * frame after a few seconds, so this never keeps a socket open for long. */
static void
release_connection (SoupWebsocketConnection *connection,
                    gushort                  code)
{
  switch (soup_websocket_connection_get_state (connection))
    {
    case SOUP_WEBSOCKET_STATE_CLOSED:
      g_object_unref (connection);
      return;

    case SOUP_WEBSOCKET_STATE_OPEN:
      soup_websocket_connection_close (connection, code, NULL);
      break;

    case SOUP_WEBSOCKET_STATE_CLOSING:
    default:
      break;
    }

  g_signal_connect (connection, "closed", G_CALLBACK (on_released_connection_closed), NULL);
}

/* Forgets the current connection (if any) and its timers, without any signal. */
static void
sh_stash_subscription_detach (ShStashSubscription *self,
                              gushort              code,
                              gboolean             send_complete)
{
  SoupWebsocketConnection *connection = g_steal_pointer (&self->connection);

  _sh_stash_subscription_clear_source (&self->ack_timeout);
  _sh_stash_subscription_clear_source (&self->keepalive);
  g_clear_error (&self->close_error);

  if (connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (connection, self);

  /* Tell the server the subscription is over, so that it stops sending events before the
   * close handshake completes. */
  if (send_complete && self->connected)
    _sh_stash_subscription_send_simple (connection, "complete", SUBSCRIPTION_ID);

  release_connection (connection, code);
}

static gboolean
sh_stash_subscription_reconnect_cb (gpointer user_data)
{
  ShStashSubscription *self = user_data;

  g_assert (SH_IS_STASH_SUBSCRIPTION (self));

  g_clear_pointer (&self->reconnect, g_source_unref);
  if (self->running && self->connection == NULL)
    sh_stash_subscription_connect (self);

  return G_SOURCE_REMOVE;
}

static void
sh_stash_subscription_schedule_reconnect (ShStashSubscription *self)
{
  g_assert (self->running);

  _sh_stash_subscription_clear_source (&self->reconnect);

  g_debug ("Reconnecting the job subscription in %u ms", self->backoff);
  self->reconnect = _sh_stash_subscription_add_timeout (self,
                                                        self->backoff,
                                                        sh_stash_subscription_reconnect_cb,
                                                        "[stashhog] subscription reconnect");
  self->backoff = MIN (self->backoff * 2, BACKOFF_MAX);
}

/* The connection failed or could not open: tell the callers (they fall back to polling)
 * and try again later. Takes ownership of @error. */
void
_sh_stash_subscription_fail (ShStashSubscription *self,
                             GError              *error)
{
  g_autoptr(ShStashSubscription) hold = g_object_ref (self);
  g_autoptr(GError) owned_error = error;

  g_assert (error != NULL);

  g_debug ("Job subscription disconnected: %s", error->message);

  sh_stash_subscription_detach (self, SOUP_WEBSOCKET_CLOSE_NORMAL, FALSE);
  _sh_stash_subscription_set_connected (self, FALSE);

  if (self->running)
    sh_stash_subscription_schedule_reconnect (self);

  g_signal_emit (self, _sh_stash_subscription_signals[DISCONNECTED], 0, owned_error);
}

static void
on_error (SoupWebsocketConnection *connection,
          const GError            *error,
          gpointer                 user_data)
{
  ShStashSubscription *self = user_data;

  g_assert (SH_IS_STASH_SUBSCRIPTION (self));

  g_debug ("Job subscription error: %s", error->message);

  /* A fatal error is followed by "closed"; remember the first one to say why. */
  if (self->close_error == NULL)
    self->close_error = g_error_copy (error);
}

static GError *
sh_stash_subscription_dup_close_error (ShStashSubscription *self)
{
  gushort code = soup_websocket_connection_get_close_code (self->connection);
  const char *reason = soup_websocket_connection_get_close_data (self->connection);

  if (self->close_error != NULL)
    return g_error_new (SH_STASH_ERROR,
                        self->close_error->domain == G_TLS_ERROR ? SH_STASH_ERROR_TLS
                                                                 : SH_STASH_ERROR_CANNOT_CONNECT,
                        _("The connection to Stash was lost: %s"),
                        self->close_error->message);

  switch (code)
    {
    case CLOSE_UNAUTHORIZED:
      return g_error_new_literal (SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED,
                                  _("Stash refused the job subscription because the API key is "
                                    "missing or wrong. Check the API key in Preferences."));

    case CLOSE_FORBIDDEN:
      return g_error_new_literal (SH_STASH_ERROR, SH_STASH_ERROR_FORBIDDEN,
                                  _("Stash refused the job subscription."));

    default:
      if (code >= 4000 && reason != NULL && *reason != '\0')
        return g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT,
                            _("Stash closed the job subscription: %s (code %u)."),
                            reason, code);
      return g_error_new_literal (SH_STASH_ERROR, SH_STASH_ERROR_CANNOT_CONNECT,
                                  _("The connection to Stash was lost."));
    }
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  ShStashSubscription *self = user_data;

  g_assert (SH_IS_STASH_SUBSCRIPTION (self));
  g_assert (connection == self->connection);

  _sh_stash_subscription_fail (self, sh_stash_subscription_dup_close_error (self));
}

static gboolean
sh_stash_subscription_ack_timeout_cb (gpointer user_data)
{
  ShStashSubscription *self = user_data;

  g_assert (SH_IS_STASH_SUBSCRIPTION (self));

  g_clear_pointer (&self->ack_timeout, g_source_unref);
  _sh_stash_subscription_fail (self,
                               g_error_new_literal (SH_STASH_ERROR,
                                                    SH_STASH_ERROR_TIMEOUT,
                                                    _("Stash did not accept the job "
                                                      "subscription in time.")));

  return G_SOURCE_REMOVE;
}

gboolean
_sh_stash_subscription_keepalive_cb (gpointer user_data)
{
  ShStashSubscription *self = user_data;
  gint64 silence;

  g_assert (SH_IS_STASH_SUBSCRIPTION (self));
  g_assert (self->connection != NULL);

  /* A peer that vanished without closing the TCP connection (suspend, a dropped VPN,
   * a NAT timeout) leaves the socket open forever; only its silence gives it away. */
  silence = g_get_monotonic_time () - self->last_activity;
  if (silence >= 2 * (gint64) self->keepalive_interval * 1000)
    {
      g_clear_pointer (&self->keepalive, g_source_unref);
      _sh_stash_subscription_fail (self,
                                   g_error_new_literal (SH_STASH_ERROR,
                                                        SH_STASH_ERROR_TIMEOUT,
                                                        _("Stash stopped answering on the job "
                                                          "subscription.")));
      return G_SOURCE_REMOVE;
    }

  _sh_stash_subscription_send_simple (self->connection, "ping", NULL);

  return G_SOURCE_CONTINUE;
}

static void
sh_stash_subscription_attach (ShStashSubscription     *self,
                              SoupWebsocketConnection *connection)
{
  g_assert (self->connection == NULL);

  self->connection = connection;
  self->last_activity = g_get_monotonic_time ();

  g_signal_connect (connection, "message", G_CALLBACK (_sh_stash_subscription_on_message), self);
  g_signal_connect (connection, "error", G_CALLBACK (on_error), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);

  /* The server waits for connection_init without a timeout; we do not wait for its
   * answer forever either. */
  self->ack_timeout = _sh_stash_subscription_add_timeout (self,
                                                          self->keepalive_interval,
                                                          sh_stash_subscription_ack_timeout_cb,
                                                          "[stashhog] subscription ack");
  _sh_stash_subscription_send_simple (connection, "connection_init", NULL);
}

static void
sh_stash_subscription_connect_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(ConnectData) data = user_data;
  g_autoptr(ShStashSubscription) self = g_weak_ref_get (&data->self);
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  /* Disposed, stopped, or superseded by a later start (). */
  if (self == NULL || data->cancellable != self->cancellable || !self->running ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (connection != NULL)
        release_connection (g_steal_pointer (&connection), SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
      return;
    }

  if (error != NULL)
    {
      _sh_stash_subscription_fail (self,
                                   sh_stash_client_classify_message_error (self->client,
                                                                           data->message,
                                                                           error));
      return;
    }

  sh_stash_subscription_attach (self, g_steal_pointer (&connection));
}

static void
sh_stash_subscription_connect (ShStashSubscription *self)
{
  static const char *protocols[] = { PROTOCOL, NULL };
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  ConnectData *data;

  g_assert (SH_IS_STASH_SUBSCRIPTION (self));
  g_assert (self->running);
  g_assert (self->connection == NULL);

  url = sh_stash_client_dup_graphql_url (self->client, TRUE);
  message = sh_stash_client_new_message (self->client, "GET", url);

  data = g_new0 (ConnectData, 1);
  g_weak_ref_init (&data->self, self);
  data->cancellable = g_object_ref (self->cancellable);
  data->message = g_object_ref (message);

  g_debug ("Connecting the job subscription");
  soup_session_websocket_connect_async (sh_stash_client_get_session (self->client),
                                        message,
                                        NULL,
                                        (char **) protocols,
                                        G_PRIORITY_DEFAULT,
                                        self->cancellable,
                                        sh_stash_subscription_connect_cb,
                                        data);
}

static void
sh_stash_subscription_dispose (GObject *object)
{
  ShStashSubscription *self = (ShStashSubscription *)object;

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  _sh_stash_subscription_clear_source (&self->reconnect);
  sh_stash_subscription_detach (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, TRUE);
  self->connected = FALSE;

  g_clear_object (&self->client);

  G_OBJECT_CLASS (sh_stash_subscription_parent_class)->dispose (object);
}

static void
sh_stash_subscription_finalize (GObject *object)
{
  ShStashSubscription *self = (ShStashSubscription *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->document, g_free);
  g_clear_pointer (&self->log_document, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (sh_stash_subscription_parent_class)->finalize (object);
}

static void
sh_stash_subscription_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ShStashSubscription *self = SH_STASH_SUBSCRIPTION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;

    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
sh_stash_subscription_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ShStashSubscription *self = SH_STASH_SUBSCRIPTION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_KEEPALIVE_INTERVAL:
      sh_stash_subscription_set_keepalive_interval (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
sh_stash_subscription_class_init (ShStashSubscriptionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_stash_subscription_dispose;
  object_class->finalize = sh_stash_subscription_finalize;
  object_class->get_property = sh_stash_subscription_get_property;
  object_class->set_property = sh_stash_subscription_set_property;

  /**
   * ShStashSubscription:client:
   *
   * The client whose session, address and API key are used.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         SH_TYPE_STASH_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ShStashSubscription:connected:
   *
   * Whether Stash acknowledged the connection and the subscription was sent, so that
   * job events arrive.
   */
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShStashSubscription:keepalive-interval:
   *
   * Milliseconds between two pings. A connection that stays silent for two intervals,
   * or is not acknowledged within one, is considered dead. Applies from the next
   * connection.
   */
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, NULL,
                       MIN_KEEPALIVE_INTERVAL, G_MAXINT / 2, DEFAULT_KEEPALIVE_INTERVAL,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShStashSubscription::job-update:
   * @self: a #ShStashSubscription
   * @type: the #ShStashJobUpdateType of the event, as a guint
   * @job: (type ShStashJob): the job as Stash reported it; copy it to keep it
   *
   * Emitted for every `jobsSubscribe` event. Stash drops events when a subscriber is
   * slow and sends no snapshot, so this is a hint to act on, not a complete record.
   */
  _sh_stash_subscription_signals[JOB_UPDATE] =
    g_signal_new ("job-update",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_UINT,
                  SH_TYPE_STASH_JOB | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ShStashSubscription::log-entries:
   * @self: a #ShStashSubscription
   * @entries: (element-type ShStashLogEntry): new lines of Stash's log
   *
   * Emitted for every `loggingSubscribe` batch, when
   * [method@StashSubscription.set_follow_log] asked for them. Stash drops batches for
   * slow subscribers and a reconnect loses what was logged meanwhile: read the `logs`
   * query when completeness matters.
   */
  _sh_stash_subscription_signals[LOG_ENTRIES] =
    g_signal_new ("log-entries",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ShStashSubscription::connected:
   * @self: a #ShStashSubscription
   *
   * Emitted each time Stash acknowledges a connection and the subscription is sent.
   * Events may have been missed before (there is no initial snapshot), so handlers
   * query `jobQueue` or `findJob` again.
   */
  _sh_stash_subscription_signals[CONNECTED] =
    g_signal_new ("connected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);

  /**
   * ShStashSubscription::disconnected:
   * @self: a #ShStashSubscription
   * @error: why, in %SH_STASH_ERROR
   *
   * Emitted each time a connection closes, fails, or cannot be opened, until
   * [method@StashSubscription.stop] is called (which does not emit it). Another attempt
   * follows after a delay; meanwhile handlers poll `findJob`.
   */
  _sh_stash_subscription_signals[DISCONNECTED] =
    g_signal_new ("disconnected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sh_stash_subscription_init (ShStashSubscription *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->keepalive_interval = DEFAULT_KEEPALIVE_INTERVAL;
  self->backoff = BACKOFF_MIN;
  self->document = sh_stash_client_load_query (OPERATION_NAME);
}

/**
 * sh_stash_subscription_new:
 * @client: a #ShStashClient
 *
 * Creates a subscription to Stash's job events over a WebSocket
 * (`graphql-transport-ws`). It does nothing until [method@StashSubscription.start].
 * Use it, and run its callbacks, on the thread-default main context of the thread that
 * creates it.
 *
 * Returns: (transfer full): a new #ShStashSubscription
 */
ShStashSubscription *
sh_stash_subscription_new (ShStashClient *client)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (client), NULL);

  return g_object_new (SH_TYPE_STASH_SUBSCRIPTION,
                       "client", client,
                       NULL);
}

/**
 * sh_stash_subscription_get_client:
 * @self: a #ShStashSubscription
 *
 * Returns: (transfer none): the client
 */
ShStashClient *
sh_stash_subscription_get_client (ShStashSubscription *self)
{
  g_return_val_if_fail (SH_IS_STASH_SUBSCRIPTION (self), NULL);

  return self->client;
}

/**
 * sh_stash_subscription_start:
 * @self: a #ShStashSubscription
 *
 * Connects, and keeps reconnecting after every failure (waiting 0.5 s, doubling up to
 * 30 s, back to 0.5 s after a success) until [method@StashSubscription.stop]. Does
 * nothing when already started.
 */
void
sh_stash_subscription_start (ShStashSubscription *self)
{
  g_return_if_fail (SH_IS_STASH_SUBSCRIPTION (self));

  if (self->running)
    return;

  self->running = TRUE;
  self->backoff = BACKOFF_MIN;
  sh_stash_subscription_connect (self);
}

/**
 * sh_stash_subscription_stop:
 * @self: a #ShStashSubscription
 *
 * Ends the subscription (`complete`), closes the connection cleanly and stops
 * reconnecting. Emits no #ShStashSubscription::disconnected. It may be started again.
 */
void
sh_stash_subscription_stop (ShStashSubscription *self)
{
  g_return_if_fail (SH_IS_STASH_SUBSCRIPTION (self));

  if (!self->running)
    return;

  self->running = FALSE;

  /* Abandon an attempt in flight; the next start () gets a fresh cancellable. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  _sh_stash_subscription_clear_source (&self->reconnect);
  sh_stash_subscription_detach (self, SOUP_WEBSOCKET_CLOSE_NORMAL, TRUE);
  _sh_stash_subscription_set_connected (self, FALSE);
}

/**
 * sh_stash_subscription_get_connected:
 * @self: a #ShStashSubscription
 *
 * Returns: %TRUE when Stash acknowledged the connection and the subscription was sent
 */
gboolean
sh_stash_subscription_get_connected (ShStashSubscription *self)
{
  g_return_val_if_fail (SH_IS_STASH_SUBSCRIPTION (self), FALSE);

  return self->connected;
}

/**
 * sh_stash_subscription_get_keepalive_interval:
 * @self: a #ShStashSubscription
 *
 * Returns: the milliseconds between two pings
 */
guint
sh_stash_subscription_get_keepalive_interval (ShStashSubscription *self)
{
  g_return_val_if_fail (SH_IS_STASH_SUBSCRIPTION (self), 0);

  return self->keepalive_interval;
}

/**
 * sh_stash_subscription_set_keepalive_interval:
 * @self: a #ShStashSubscription
 * @msec: milliseconds between two pings (10 s by default, as Stash's own)
 *
 * Sets how often the connection is checked; see
 * [property@StashSubscription:keepalive-interval].
 */
void
sh_stash_subscription_set_keepalive_interval (ShStashSubscription *self,
                                              guint                msec)
{
  g_return_if_fail (SH_IS_STASH_SUBSCRIPTION (self));
  g_return_if_fail (msec >= MIN_KEEPALIVE_INTERVAL && msec <= G_MAXINT / 2);

  if (self->keepalive_interval != msec)
    {
      self->keepalive_interval = msec;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEPALIVE_INTERVAL]);
    }
}

/**
 * sh_stash_subscription_set_follow_log:
 * @self: a #ShStashSubscription
 * @follow: whether to subscribe to Stash's log as well
 *
 * Also subscribes to `loggingSubscribe` on the same connection and emits
 * #ShStashSubscription::log-entries. Takes effect at the next connection: call it before
 * [method@StashSubscription.start].
 */
void
sh_stash_subscription_set_follow_log (ShStashSubscription *self,
                                      gboolean             follow)
{
  g_return_if_fail (SH_IS_STASH_SUBSCRIPTION (self));

  g_clear_pointer (&self->log_document, g_free);
  if (follow)
    self->log_document = sh_stash_client_load_query (LOG_OPERATION_NAME);
}
