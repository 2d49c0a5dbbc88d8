/* sh-job-record.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SH_TYPE_JOB_RECORD (sh_job_record_get_type ())

/**
 * ShJobRecord:
 * @id: the job's UUID
 * @type: the job type: `sync_scenes`, `stash_generate`, `check_stash_generate` or
 *   `process_new_scenes`
 * @status: `pending`, `running`, `cancelling`, `completed`, `failed` or `cancelled`
 * @server_id: the Stash server's row id, or 0 for a job that belongs to no server
 * @progress: 0 to 100, or -1 while the progress is indeterminate
 * @processed_items: how many items are done, or -1 when unknown
 * @total_items: how many items there are, or -1 when unknown
 * @message: (nullable): the current status line
 * @parameters: (nullable): the job's parameters, JSON text
 * @result: (nullable): the job's result, JSON text
 * @error: (nullable): why the job failed
 * @stash_job_id: (nullable): the id of the job in Stash's queue
 * @stash_job_added_at: (nullable): Stash's `addTime` of that job, verbatim; with the id it
 *   tells a job apart from a later one that got the same id after Stash restarted
 * @parent_job_id: (nullable): the workflow job that started this one
 * @created_at: when the job was created, in microseconds since the Unix epoch (UTC)
 * @started_at: when it started running, or 0
 * @completed_at: when it ended, or 0
 * @updated_at: when the row last changed
 *
 * One row of the `job` table. Plain data, shared by the job store, the job manager and
 * the list models. Times are stored to the microsecond.
 */
typedef struct
{
  char    *id;
  char    *type;
  char    *status;
  gint64   server_id;
  double   progress;
  gint64   processed_items;
  gint64   total_items;
  char    *message;
  char    *parameters;
  char    *result;
  char    *error;
  char    *stash_job_id;
  char    *stash_job_added_at;
  char    *parent_job_id;
  gint64   created_at;
  gint64   started_at;
  gint64   completed_at;
  gint64   updated_at;
} ShJobRecord;

GType        sh_job_record_get_type  (void) G_GNUC_CONST;
ShJobRecord *sh_job_record_new       (void);
ShJobRecord *sh_job_record_copy      (const ShJobRecord *self);
void         sh_job_record_free      (ShJobRecord       *self);
gboolean     sh_job_record_is_active (const ShJobRecord *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShJobRecord, sh_job_record_free)

G_END_DECLS
