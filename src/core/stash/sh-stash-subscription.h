/* sh-stash-subscription.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-stash-client.h"
#include "sh-stash-job.h"

G_BEGIN_DECLS

#define SH_TYPE_STASH_SUBSCRIPTION (sh_stash_subscription_get_type ())

G_DECLARE_FINAL_TYPE (ShStashSubscription, sh_stash_subscription, SH, STASH_SUBSCRIPTION, GObject)

ShStashSubscription *sh_stash_subscription_new                    (ShStashClient       *client);
ShStashClient       *sh_stash_subscription_get_client             (ShStashSubscription *self);
void                 sh_stash_subscription_start                  (ShStashSubscription *self);
void                 sh_stash_subscription_stop                   (ShStashSubscription *self);
void                 sh_stash_subscription_set_follow_log         (ShStashSubscription *self,
                                                                   gboolean             follow);
gboolean             sh_stash_subscription_get_connected          (ShStashSubscription *self);
guint                sh_stash_subscription_get_keepalive_interval (ShStashSubscription *self);
void                 sh_stash_subscription_set_keepalive_interval (ShStashSubscription *self,
                                                                   guint                msec);

G_END_DECLS
