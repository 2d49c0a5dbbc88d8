/* sh-job-store-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ShJobStore share: the instance, the job columns, the text form of
 * times and the scenes of a Generate or Check. sh-job-store.c holds one job at a time,
 * -rows.c a job as a row, -lists.c the reads of many jobs, -generate.c and -check.c the
 * job_scene_set rules of a Generate and a Check, -failures.c a Generate's failed scenes,
 * -scenes.c the pages of a job's scenes, and -owners.c the owners and heartbeats of
 * running jobs.
 */

#pragma once

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-job-store.h"
#include "sh-store-private.h"

G_BEGIN_DECLS

struct _ShJobStore
{
  ShStore parent_instance;
};

#define ACTIVE_STATUSES "('pending', 'running', 'cancelling')"

/* The job columns, in the order of _sh_job_store_record_from_row(). */
#define JOB_COLUMNS \
  "id, type, status, server_id, progress, processed_items, total_items, message, " \
  "parameters, result, error, stash_job_id, stash_job_added_at, parent_job_id, " \
  "created_at, started_at, completed_at, updated_at"

const char  *_sh_job_store_db_now             (ShDatabase      *db);
char        *_sh_job_store_time_to_text       (gint64           usec);
gint64       _sh_job_store_time_from_text     (const char      *text);
void         _sh_job_store_set_optional_int64 (GdaSet          *params,
                                              const char      *name,
                                              gint64           value,
                                              gboolean         present);
double       _sh_job_store_clamp_progress     (double           progress);
ShJobRecord *_sh_job_store_record_from_row    (GdaDataModel    *model,
                                              int              row);
GPtrArray   *_sh_job_store_select_records     (ShDatabase      *db,
                                              GdaStatement    *stmt,
                                              GdaSet          *params,
                                              GError         **error);
ShJobRecord *_sh_job_store_select_record      (ShDatabase      *db,
                                              GdaStatement    *stmt,
                                              GdaSet          *params,
                                              GError         **error);
gboolean     _sh_job_store_is_valid_role      (const char      *role);

/* The scenes of a Generate (its job and server, and for a targeted one the scenes asked
 * for) or of a Check (the incomplete scenes in @ids, the complete ones in @complete). */
typedef struct
{
  char     *job_id;      /* (owned) */
  gint64    server_id;
  gboolean  targeted;    /* only @ids, rather than every scene of the server */
  gint64   *ids;         /* (owned) (nullable) */
  guint     n_ids;
  gint64   *complete;    /* (owned) (nullable) */
  guint     n_complete;
  /* A Check's findings per scene, for scene_media: @media_ids (unsorted, as given) and
   * the kinds each misses; @checked_kinds 0 records nothing. */
  guint     checked_kinds;
  gint64   *media_ids;   /* (owned) (nullable) */
  guint    *missing;     /* (owned) (nullable) */
} ScenesData;

ScenesData  *_sh_job_store_scenes_data_new    (const char      *job_id,
                                              gint64           server_id);
void         _sh_job_store_scenes_data_free   (gpointer         data);

G_END_DECLS
