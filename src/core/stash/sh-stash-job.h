/* sh-stash-job.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * ShStashJobStatus:
 *
 * Stash's `JobStatus`.
 */
typedef enum
{
  SH_STASH_JOB_READY,
  SH_STASH_JOB_RUNNING,
  SH_STASH_JOB_FINISHED,
  SH_STASH_JOB_STOPPING,
  SH_STASH_JOB_CANCELLED,
  SH_STASH_JOB_FAILED,
} ShStashJobStatus;

/**
 * ShStashJobUpdateType:
 *
 * Stash's `JobStatusUpdateType`, the kind of a `jobsSubscribe` event.
 */
typedef enum
{
  SH_STASH_JOB_UPDATE_ADD,
  SH_STASH_JOB_UPDATE_UPDATE,
  SH_STASH_JOB_UPDATE_REMOVE,
} ShStashJobUpdateType;

#define SH_TYPE_STASH_JOB (sh_stash_job_get_type ())

/**
 * ShStashJob:
 * @id: the job id, a decimal string (ids restart at 1 when Stash restarts)
 * @status: the status
 * @sub_tasks: (nullable): descriptions of the running tasks, newest first
 * @description: Stash's description, such as "Generating..."
 * @has_progress: %FALSE while Stash has not counted the work (progress null)
 * @progress: 0..1 when @has_progress
 * @start_time: (nullable): RFC 3339 string
 * @end_time: (nullable): RFC 3339 string
 * @add_time: RFC 3339 string; with @id it identifies the job across restarts
 * @error: (nullable): the error message (null even on some failures)
 *
 * A job as Stash reports it.
 */
typedef struct
{
  char              *id;
  ShStashJobStatus   status;
  char             **sub_tasks;
  char              *description;
  gboolean           has_progress;
  double             progress;
  char              *start_time;
  char              *end_time;
  char              *add_time;
  char              *error;
} ShStashJob;

GType        sh_stash_job_get_type         (void) G_GNUC_CONST;
ShStashJob  *sh_stash_job_new_from_json    (JsonObject          *object,
                                            GError             **error);
ShStashJob  *sh_stash_job_copy             (const ShStashJob    *self);
void         sh_stash_job_free             (ShStashJob          *self);
gboolean     sh_stash_job_is_done          (const ShStashJob    *self);
const char  *sh_stash_job_status_to_string (ShStashJobStatus     status);
gboolean     sh_stash_job_status_from_string (const char        *string,
                                              ShStashJobStatus  *status);
gboolean     sh_stash_job_update_type_from_string (const char            *string,
                                                   ShStashJobUpdateType  *type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShStashJob, sh_stash_job_free)

G_END_DECLS
