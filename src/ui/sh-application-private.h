/* sh-application-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ShApplication share: sh-application.c keeps the lifecycle (start-up,
 * the session and the connection), sh-application-actions.c the application's actions,
 * sh-application-jobs.c starting, retrying and cancelling jobs, sh-application-notify.c
 * the notice that a job ended.
 */

#pragma once

#include "sh-application.h"
#include "sh-background.h"
#include "sh-scheduler.h"
#include "sh-window.h"

G_BEGIN_DECLS

struct _ShApplication
{
  AdwApplication     parent_instance;

  GSettings         *settings;            /* (owned) */
  ShScheduler       *scheduler;           /* (owned) (nullable) scheduled maintenance */
  ShBackground      *background;          /* (owned) (nullable) holds us without a window */
  gboolean           start_hidden;        /* --background: the first activation opens nothing */
  gboolean           quitting;
  ShSession         *session;             /* (owned) (nullable) */
  ShConnectionState  state;
  char              *error;               /* (owned) (nullable) */
  GQuark             error_domain;

  GCancellable      *connect_cancellable; /* (owned) (nullable) the attempt under way */
  GCancellable      *cancellable;         /* (owned) everything else, until shutdown */

  /* Secrets the user just entered: used for this run even when the keyring cannot keep
   * them, and without waiting for the keyring. Never written anywhere else. */
  char              *entered_url;         /* (owned) (nullable) */
  char              *entered_key;         /* (owned) (nullable) */
  char              *entered_database;    /* (owned) (nullable) */
  char              *entered_password;    /* (owned) (nullable) */
  /* Stash's version when the user has just connected: announced once the session is open. */
  char              *announce_version;    /* (owned) (nullable) */

  GListModel        *jobs;                /* (owned) (nullable) the session's jobs */
  gulong             jobs_changed_id;
  GHashTable        *watches;             /* (owned) ShJob → JobWatch */
  gulong             poll_changed_id;
  gulong             timeout_changed_id;
  gulong             failing_changed_id;
};

ShWindow *sh_application_get_main_window (ShApplication *self);
void      sh_application_toast           (ShApplication *self,
                                          const char    *message);
void      _sh_application_add_actions    (ShApplication *self);
void      _sh_application_watch_jobs     (ShApplication *self,
                                          GListModel    *jobs);

G_END_DECLS
