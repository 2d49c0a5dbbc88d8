/* sh-stash-subscription-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ShStashSubscription share: its fields, its signals, and the steps of
 * the connection's life that the protocol's messages take.
 */

#pragma once

#include <libsoup/soup.h>

#include "sh-stash-subscription.h"

G_BEGIN_DECLS

/* The protocol of the graphql-ws library, which Stash's own web UI uses. Without a
 * Sec-WebSocket-Protocol gqlgen would fall back to the legacy Apollo protocol. */
#define PROTOCOL                    "graphql-transport-ws"
#define SUBSCRIPTION_ID             "1"
#define OPERATION_NAME              "JobsSubscribe"
/* The optional second subscription on the same connection: Stash's new log lines. */
#define LOG_SUBSCRIPTION_ID         "2"
#define LOG_OPERATION_NAME          "LoggingSubscribe"

/* Stash's own keep-alive interval; the server never pings a graphql-transport-ws client,
 * so our pings are the only way to notice a connection that died without a FIN. */
#define DEFAULT_KEEPALIVE_INTERVAL  10000
#define MIN_KEEPALIVE_INTERVAL      10

#define BACKOFF_MIN                 500
#define BACKOFF_MAX                 30000

/* Close codes of graphql-transport-ws (github.com/enisdenjo/graphql-ws, PROTOCOL.md). */
#define CLOSE_UNAUTHORIZED          4401
#define CLOSE_FORBIDDEN             4403

struct _ShStashSubscription
{
  GObject                  parent_instance;

  ShStashClient           *client;             /* (owned) */
  GMainContext            *context;            /* (owned) the creator's thread-default context */
  GCancellable            *cancellable;        /* (owned) new after stop (), cancelled in dispose */
  char                    *document;           /* (owned) the JobsSubscribe document */
  char                    *log_document;       /* (owned) (nullable) LoggingSubscribe, when followed */

  SoupWebsocketConnection *connection;         /* (owned) (nullable) */
  GError                  *close_error;        /* (owned) (nullable) why the connection failed */
  GSource                 *ack_timeout;        /* (owned) (nullable) */
  GSource                 *keepalive;          /* (owned) (nullable) */
  GSource                 *reconnect;          /* (owned) (nullable) */

  gint64                   last_activity;      /* monotonic time of the last message received */
  guint                    keepalive_interval; /* milliseconds */
  guint                    backoff;            /* milliseconds before the next attempt */

  guint                    running : 1;
  guint                    connected : 1;
};

enum {
  JOB_UPDATE,
  LOG_ENTRIES,
  CONNECTED,
  DISCONNECTED,
  N_SIGNALS
};

extern guint _sh_stash_subscription_signals[N_SIGNALS];

GSource  *_sh_stash_subscription_add_timeout  (ShStashSubscription     *self,
                                               guint                    msec,
                                               GSourceFunc              func,
                                               const char              *name);
void      _sh_stash_subscription_clear_source (GSource                **source);
void      _sh_stash_subscription_set_connected (ShStashSubscription    *self,
                                                gboolean                connected);
gboolean  _sh_stash_subscription_keepalive_cb (gpointer                 user_data);
void      _sh_stash_subscription_fail         (ShStashSubscription     *self,
                                               GError                  *error);

gboolean  _sh_stash_subscription_send_simple  (SoupWebsocketConnection *connection,
                                               const char              *type,
                                               const char              *id);
void      _sh_stash_subscription_on_message   (SoupWebsocketConnection *connection,
                                               int                      type,
                                               GBytes                  *bytes,
                                               gpointer                 user_data);

G_END_DECLS
