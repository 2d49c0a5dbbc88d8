/* sh-job-manager-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ShJobManager share: its fields, a run's state, the context handlers
 * get, and the few steps more than one file takes.
 */

#pragma once

#include "sh-types.h"

#include "sh-job-context.h"
#include "sh-job-manager.h"

G_BEGIN_DECLS

struct _ShJobManager
{
  GObject        parent_instance;

  ShDatabase    *database;      /* (owned) */
  ShStashClient *client;        /* (owned) */
  ShSceneStore  *scene_store;   /* (owned) */
  ShJobStore    *job_store;     /* (owned) */
  gint64         server_id;

  GListStore    *jobs;          /* (owned) of ShJob, newest first */
  GHashTable    *types;         /* (owned) name → const ShJobTypeInfo* */
  GHashTable    *runs;          /* (owned) job id → RunData* (borrowed) */

  guint          poll_interval_ms;
  guint          grace_period_s;
  guint          stop_timeout_s;
  guint          persist_interval_ms;
  guint          write_count;
  guint          stale_after_s;
  gint64         last_seen_update;  /* newest updated_at read from the database */
  char          *owner;         /* (owned) this manager's name in job_owner */
};

typedef struct _RunData RunData;

struct _ShJobContext
{
  ShJobManager *manager;      /* (unowned) the run holds the manager */
  ShJob        *job;          /* (unowned) */
  JsonObject   *parameters;   /* (owned) */
  gboolean      reattach;
  RunData      *run;          /* (unowned) */
};

struct _RunData
{
  ShJobManager  *manager;         /* (owned) */
  ShJob         *job;             /* (owned) */
  GTask         *task;            /* (owned) */
  ShJobContext   context;
  const ShJobTypeInfo *info;

  GCancellable  *cancellable;     /* (owned) the handler's */
  GCancellable  *caller_cancellable; /* (owned) (nullable) */
  gulong         caller_cancelled_id;
  gulong         notify_id;

  guint          persist_source;
  guint          heartbeat_source;
  gboolean       writing;
  gboolean       dirty;
  gboolean       finishing;       /* the final write is queued; then the task returns */
  gboolean       releasing;       /* the final write is made; the owner row goes */
  gboolean       abandoned;       /* ended without waiting for the handler */
  GPtrArray     *waiters;         /* (owned) of GTask: sh_job_manager_wait_async() */
};

ShJob *_sh_job_manager_track_record (ShJobManager        *self,
                                     const ShJobRecord   *record,
                                     gboolean             newest);
void   _sh_job_manager_persist      (RunData             *run);
void   _sh_job_manager_start_run    (ShJobManager        *self,
                                     ShJob               *job,
                                     gboolean             reattach,
                                     GCancellable        *cancellable,
                                     GTask               *task);

G_END_DECLS
