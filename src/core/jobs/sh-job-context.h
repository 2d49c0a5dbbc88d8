/* sh-job-context.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a job handler sees of the job manager while it runs.
 */

#pragma once

#include "sh-job-manager.h"

G_BEGIN_DECLS

ShJob         *sh_job_context_get_job          (ShJobContext *context);
ShJobManager  *sh_job_context_get_manager      (ShJobContext *context);
ShStashClient *sh_job_context_get_client       (ShJobContext *context);
ShSceneStore  *sh_job_context_get_scene_store  (ShJobContext *context);
ShJobStore    *sh_job_context_get_job_store    (ShJobContext *context);
gint64         sh_job_context_get_server_id    (ShJobContext *context);
JsonObject    *sh_job_context_get_parameters   (ShJobContext *context);
gboolean       sh_job_context_is_reattach      (ShJobContext *context);
gboolean       sh_job_context_is_abandoned     (ShJobContext *context);
void           sh_job_context_persist_now      (ShJobContext *context);
void           sh_job_context_log              (ShJobContext *context,
                                                const char   *format,
                                                ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
