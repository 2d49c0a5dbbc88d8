/* sh-types.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Forward declarations of StashHog's classes and the names shared across layers, so that
 * a header can name a type without including its whole header.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ShDatabase          ShDatabase;
typedef struct _ShJob               ShJob;
typedef struct _ShJobManager        ShJobManager;
typedef struct _ShJobStore          ShJobStore;
typedef struct _ShSceneStore        ShSceneStore;
typedef struct _ShSession           ShSession;
typedef struct _ShStashClient       ShStashClient;
typedef struct _ShStashSubscription ShStashSubscription;

/* Job types, as stored in `job.type` (never translated; the labels are in each type's
 * ShJobTypeInfo). */
#define SH_JOB_TYPE_SYNC         "sync_scenes"
#define SH_JOB_TYPE_CHECK        "check_stash_generate"
#define SH_JOB_TYPE_GENERATE     "stash_generate"
#define SH_JOB_TYPE_PROCESS_NEW  "process_new_scenes"
#define SH_JOB_TYPE_MAINTENANCE  "maintenance"

G_END_DECLS
