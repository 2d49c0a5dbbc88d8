/* sh-application.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sh-scheduler.h"
#include "sh-session.h"

G_BEGIN_DECLS

/**
 * ShConnectionState:
 * @SH_CONNECTION_UNCONFIGURED: no Stash server is configured yet
 * @SH_CONNECTION_CONNECTING: the session is being opened
 * @SH_CONNECTION_CONNECTED: the session is open
 * @SH_CONNECTION_FAILED: the session could not be opened; see the error
 *
 * Where the application is in opening its session.
 */
typedef enum
{
  SH_CONNECTION_UNCONFIGURED,
  SH_CONNECTION_CONNECTING,
  SH_CONNECTION_CONNECTED,
  SH_CONNECTION_FAILED,
} ShConnectionState;

#define SH_TYPE_APPLICATION (sh_application_get_type ())

G_DECLARE_FINAL_TYPE (ShApplication, sh_application, SH, APPLICATION, AdwApplication)

ShApplication     *sh_application_new                   (void);
GSettings         *sh_application_get_settings          (ShApplication        *self);
ShSession         *sh_application_get_session           (ShApplication        *self);
ShScheduler       *sh_application_get_scheduler         (ShApplication        *self);
ShConnectionState  sh_application_get_state             (ShApplication        *self);
const char        *sh_application_get_error             (ShApplication        *self);
GQuark             sh_application_get_error_domain      (ShApplication        *self);
void               sh_application_connect               (ShApplication        *self);
void               sh_application_use_server            (ShApplication        *self,
                                                         const char           *url,
                                                         const char           *api_key,
                                                         const char           *version);
void               sh_application_use_database          (ShApplication        *self,
                                                         const char           *database,
                                                         const char           *password);
void               sh_application_set_database_password (ShApplication        *self,
                                                         const char           *database,
                                                         const char           *password);
gboolean           sh_application_has_running_jobs      (ShApplication        *self);

/* Jobs: created, then run in the background by the application. */
void               sh_application_start_job_async       (ShApplication        *self,
                                                         const char           *type,
                                                         JsonObject           *parameters,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
ShJob             *sh_application_start_job_finish      (ShApplication        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void               sh_application_retry_job_async       (ShApplication        *self,
                                                         ShJob                *job,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
ShJob             *sh_application_retry_job_finish      (ShApplication        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void               sh_application_cancel_job_async      (ShApplication        *self,
                                                         ShJob                *job,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean           sh_application_cancel_job_finish     (ShApplication        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

gboolean       sh_application_get_runs_in_background (ShApplication *self);

G_END_DECLS
