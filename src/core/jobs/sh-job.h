/* sh-job.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sh-job-record.h"
#include "sh-text.h"

G_BEGIN_DECLS

/**
 * ShJobStatus:
 * @SH_JOB_PENDING: created, not started
 * @SH_JOB_RUNNING: running
 * @SH_JOB_CANCELLING: a cancel was asked for; waiting for the work (and Stash) to stop
 * @SH_JOB_COMPLETED: finished
 * @SH_JOB_FAILED: ended with an error
 * @SH_JOB_CANCELLED: stopped on request
 */
typedef enum
{
  SH_JOB_PENDING,
  SH_JOB_RUNNING,
  SH_JOB_CANCELLING,
  SH_JOB_COMPLETED,
  SH_JOB_FAILED,
  SH_JOB_CANCELLED,
} ShJobStatus;

/* The member of a job's stored result under which sh_job_set_texts() keeps StashHog's
 * own messages untranslated: `{"error": TEXT, "message": TEXT}` (sh_text_to_json()). A
 * handler may put `{"error": TEXT}` there beside its result's `error`. Readers of
 * sh_job_dup_result() do not see it. */
#define SH_JOB_RESULT_TEXTS "texts"

#define SH_TYPE_JOB (sh_job_get_type ())

G_DECLARE_FINAL_TYPE (ShJob, sh_job, SH, JOB, GObject)

const char  *sh_job_status_to_string    (ShJobStatus         status);
gboolean     sh_job_status_from_string  (const char         *string,
                                         ShJobStatus        *status);

ShJob       *sh_job_new_from_record     (const ShJobRecord  *record);
const ShJobRecord *sh_job_get_record    (ShJob              *self);
void         sh_job_update_from_record  (ShJob              *self,
                                         const ShJobRecord  *record);

const char  *sh_job_get_id              (ShJob              *self);
const char  *sh_job_get_job_type        (ShJob              *self);
ShJobStatus  sh_job_get_status          (ShJob              *self);
gboolean     sh_job_is_active           (ShJob              *self);
gboolean     sh_job_is_finished         (ShJob              *self);
double       sh_job_get_progress        (ShJob              *self);
gint64       sh_job_get_processed_items (ShJob              *self);
gint64       sh_job_get_total_items     (ShJob              *self);
const char  *sh_job_get_message         (ShJob              *self);
const char  *sh_job_get_error           (ShJob              *self);
const char  *sh_job_get_sub_task        (ShJob              *self);
gint64       sh_job_get_eta             (ShJob              *self);
const char  *sh_job_get_stash_job_id    (ShJob              *self);
const char  *sh_job_get_parent_id       (ShJob              *self);
JsonObject  *sh_job_dup_parameters      (ShJob              *self);
void         sh_job_parameters_upgrade  (JsonObject         *parameters);
JsonObject  *sh_job_dup_result          (ShJob              *self);
char        *sh_job_dup_error_display   (ShJob              *self);
ShText      *sh_job_dup_error_text      (ShJob              *self);
void         sh_job_result_set_error    (JsonObject         *result,
                                         const ShText       *text);
ShText      *sh_job_text_step_failed    (ShJob              *child,
                                         guint               index,
                                         const char         *label_msgid);
char        *sh_job_dup_message_display (ShJob              *self);
JsonNode    *sh_job_to_json             (ShJob              *self);

/* Setters for the job manager and job handlers. */
void         sh_job_set_status          (ShJob              *self,
                                         ShJobStatus         status);
void         sh_job_set_progress        (ShJob              *self,
                                         double              percent,
                                         const char         *message);
void         sh_job_set_counts          (ShJob              *self,
                                         gint64              processed,
                                         gint64              total);
void         sh_job_set_sub_task        (ShJob              *self,
                                         const char         *sub_task);
void         sh_job_set_eta             (ShJob              *self,
                                         gint64              seconds);
void         sh_job_set_unreachable_since (ShJob            *self,
                                           gint64            real_time);
gint64       sh_job_get_unreachable_since (ShJob            *self);
void         sh_job_set_error           (ShJob              *self,
                                         const char         *error);
void         sh_job_set_result          (ShJob              *self,
                                         JsonObject         *result);
void         sh_job_set_texts           (ShJob              *self,
                                         const ShText       *message,
                                         const ShText       *error);
void         sh_job_set_stash_job       (ShJob              *self,
                                         const char         *stash_job_id,
                                         const char         *added_at);

G_END_DECLS
