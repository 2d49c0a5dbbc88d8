/* sh-session.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-database.h"
#include "sh-job-manager.h"
#include "sh-scene-store.h"
#include "sh-stash-client.h"

G_BEGIN_DECLS

#define SH_TYPE_SESSION (sh_session_get_type ())

G_DECLARE_FINAL_TYPE (ShSession, sh_session, SH, SESSION, GObject)

ShSession     *sh_session_new                (const char           *url,
                                              const char           *api_key,
                                              const char           *trusted_fingerprint,
                                              const char           *database,
                                              const char           *database_password);
void           sh_session_open_async         (ShSession            *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       sh_session_open_finish        (ShSession            *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void           sh_session_close              (ShSession            *self);
const char    *sh_session_get_url            (ShSession            *self);
ShStashClient *sh_session_get_client         (ShSession            *self);
ShDatabase    *sh_session_get_database       (ShSession            *self);
ShSceneStore  *sh_session_get_scene_store    (ShSession            *self);
ShJobManager  *sh_session_get_job_manager    (ShSession            *self);
gint64         sh_session_get_server_id      (ShSession            *self);
void           sh_session_set_refresh_interval (ShSession          *self,
                                                guint               msec);
void           sh_session_set_request_timeout  (ShSession          *self,
                                                guint               seconds);
void           sh_session_set_recovery       (ShSession            *self,
                                              ShJobRecovery         recovery);
void           sh_session_set_history_limit  (ShSession            *self,
                                              guint                 limit);

G_END_DECLS
