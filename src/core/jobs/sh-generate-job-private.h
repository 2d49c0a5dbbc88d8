/* sh-generate-job-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of the Generate job share: a run's state and the steps that more than
 * one of them takes.
 */

#pragma once

#include "sh-types.h"

#include "sh-job-context.h"
#include "sh-media-checker.h"
#include "sh-stash-log.h"
#include "sh-stash-subscription.h"

G_BEGIN_DECLS

#include "sh-job-error.h"
#include "sh-media-checker.h"
#include "sh-stash-error.h"
#include "sh-stash-log.h"
#include "sh-stash-subscription.h"

#define MAX_BACKOFF_MS          30000
#define SUBSCRIBE_WAIT_MS       3000
/* With a live socket, poll anyway when it has been quiet this long (events can be lost). */
#define QUIET_FACTOR            5
/* Up to this many not-generated scenes are sent as sceneIDs (confirmed in Stash first), so
 * that Stash does exactly what the window says; more, and Stash walks its library. */
#define MAX_SENT_IDS            10000
/* Tracked scenes verified per step: bounded memory however large the snapshot. */
#define VERIFY_PAGE             2000
#define VERIFY_IN_FLIGHT        16
/* A page whose probes fail for a passing reason (a timeout, a dropped connection, a 5xx
 * of a proxy) is probed again, after 1, 2, 4… seconds: Stash's finished work is not thrown
 * away for one bad request among millions. */
#define VERIFY_ATTEMPTS         5
/* Lines of Stash's log kept per failed scene. */
#define MAX_ERRORS_PER_SCENE    5
#define MAX_LOG_LINES           20000
/* Failed scenes whose lines are looked for in the log: the search is lines × scenes, and a
 * Stash that failed everything needs no more examples than this. */
#define MAX_SCENES_WITH_ERRORS  5000
/* A job first seen after a failed look-up must have been added within this window of
 * our own metadataGenerate (Stash's clock against ours, generously). */
#define IDENTIFY_WINDOW_S       120
#define GENERATE_DESCRIPTION    "Generating..."


typedef struct
{
  ShJobContext        *context;         /* (unowned) valid for the run */
  ShJob               *job;             /* (owned) */
  ShStashClient       *client;          /* (owned) */
  GTask               *task;            /* (owned) until it returns */
  GCancellable        *cancellable;     /* (owned) the job's: a cancel request */
  gulong               cancelled_id;
  GCancellable        *io;              /* (owned) our own network and database work */

  ShStashSubscription *subscription;    /* (owned) (nullable) */
  gulong               update_id;
  gulong               connected_id;
  guint                subscribe_wait_source;

  char                *stash_job_id;    /* (owned) (nullable) */
  char                *add_time;        /* (owned) (nullable) */
  guint64              tracked;
  char                *start_time;      /* (owned) ISO 8601 */

  GArray              *targets;         /* (owned) (nullable) the scenes asked for */
  GArray              *send_ids;        /* (owned) (nullable) the sceneIDs sent */
  guint64              removed;         /* targets Stash no longer had */
  gboolean             identify_failed; /* a look-up failed before the job was known */
  gint64               sent_at;         /* real time when metadataGenerate answered */
  gulong               log_id;
  GPtrArray           *log_lines;       /* (owned) ShStashLogEntry: errors seen live */
  GHashTable          *log_seen;        /* (owned) "usec message" of log_lines */
  guint                scenes_with_errors;
  gint64               stash_start;     /* Stash's start and end of the job, µs */
  gint64               stash_end;

  /* Verification */
  ShMediaKind          kinds;
  gint64               verify_after;
  guint64              verified;
  guint64              failed;
  GArray              *page_ids;        /* (owned) (nullable) */
  ShMediaCheckResult  *page_result;     /* (owned) (nullable) */
  guint                page_attempts;
  guint                retry_source;

  guint                poll_source;
  guint                poll_delay_ms;
  gboolean             polling;
  gint64               last_event;      /* monotonic */
  gint64               unreachable_since; /* monotonic, 0 while reachable */

  gboolean             stop_requested;
  gboolean             stop_sent;
  gint64               stop_deadline;   /* monotonic */
  gboolean             generate_sent;
  gboolean             done;
} GenerateData;

void _sh_generate_complete (GenerateData *data,
                            JsonObject   *result,
                            GError       *error);
void _sh_generate_fail (GenerateData *data,
                        int           code,
                        const char   *format,
                        ...) G_GNUC_PRINTF (3, 4);
void _sh_generate_fail_text (GenerateData *data,
                             int           code,
                             ShText       *text);
JsonObject * _sh_generate_base_result (GenerateData *data,
                                       const char   *status,
                                       guint64       updated);
GenerateData * _sh_generate_data_ref (GenerateData *data);
void _sh_generate_data_unref (GenerateData *data);
void _sh_generate_finish_success (GenerateData     *data,
                                  const ShStashJob *stash_job);
gint64 _sh_generate_parse_time (const char *text);
void _sh_generate_on_log_entries (ShStashSubscription *subscription,
                                  GPtrArray           *entries,
                                  GenerateData        *data);
gboolean _sh_generate_identify (GenerateData     *data,
                                const ShStashJob *stash_job);
void _sh_generate_schedule_poll (GenerateData *data,
                                 guint         delay_ms);
void _sh_generate_send_stop (GenerateData *data);
void _sh_generate_poll_now (GenerateData *data);
void _sh_generate_handle_stash_job (GenerateData     *data,
                                    const ShStashJob *stash_job);
void _sh_generate_on_subscription_connected (ShStashSubscription *subscription,
                                             GenerateData        *data);
void _sh_generate_on_job_update (ShStashSubscription *subscription,
                                 guint                type,
                                 ShStashJob          *stash_job,
                                 GenerateData        *data);
void _sh_generate_on_cancelled_any_thread (GCancellable *cancellable,
                                           GenerateData *data);
gboolean _sh_generate_is_transient (const GError *error);
void _sh_generate_split_listed (const ShMediaCheckResult  *checked,
                                GArray                    *ids,
                                GArray                   **listed,
                                GArray                   **vanished);
gboolean _sh_generate_take_page_ids (GenerateData *data,
                                     GObject      *store,
                                     GAsyncResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GenerateData, _sh_generate_data_unref)

G_END_DECLS
