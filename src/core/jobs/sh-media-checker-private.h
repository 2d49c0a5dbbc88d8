/* sh-media-checker-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ShMediaChecker share: the state of a run (its pages, their scenes and
 * probes, the requests in flight) and the steps that move it on.
 */

#pragma once

#include "sh-media-checker.h"

G_BEGIN_DECLS

struct _ShMediaChecker
{
  GObject        parent_instance;

  ShStashClient *client;           /* (owned) */
  ShMediaKind    kinds;
  guint          max_in_flight;
  guint          page_size;
  guint          peak_in_flight;   /* the most requests open at once in the last run */
  guint          running : 1;
};

/* The run: scenes, their pages, and the probes of each page. */

typedef struct
{
  gint64   id;
  guint32  pending;   /* probes not answered yet */
  guint16  missing;   /* ShMediaKind found missing */
  guint16  ignored;   /* ShMediaKind that cannot apply to this scene */
} SceneState;

typedef struct
{
  guint        scene;   /* index in the page's scenes */
  ShMediaKind  kind;
  char        *uri;     /* (owned) */
} Probe;

typedef struct
{
  /* What the page stands for: a chunk of the given ids, or an id range. */
  GArray  *ids;             /* (owned) (nullable) gint64, ascending */
  gint64   first_id;        /* range: the lowest id asked for */
  gint64   last_id;         /* range: the highest id asked for */
  guint    n_given;         /* given ids the page stands for (0 for the whole server) */

  GArray  *scenes;          /* (owned) (nullable) SceneState, ascending; NULL until fetched */
  GQueue   probes;          /* Probe (owned), not sent yet */
  gint64   covers_after;    /* the key of the next cover query */
  guint    outstanding;     /* requests of this page in flight */
  guint    fetching : 1;
  guint    covers_pending : 1;
  guint    covers_fetching : 1;
} Page;

typedef struct
{
  ShMediaChecker       *self;                /* (owned) */
  ShMediaKind           kinds;
  guint                 page_size;
  GCancellable         *cancellable;         /* (owned) for the requests: cancelled by the
                                                caller's, or at the first error */
  GCancellable         *caller_cancellable;  /* (owned) (nullable) */
  gulong                cancelled_id;
  ShMediaCheckProgress  progress;
  gpointer              progress_data;
  gint64                progress_time;
  guint64               progress_done;

  GArray               *ids;                 /* (owned) (nullable) given ids, sorted, unique */
  guint                 next_id;             /* the first given id not in a page yet */
  gint64                cursor;              /* whole server: the last id read */
  gboolean              more;                /* whole server: scenes after @cursor may exist */
  gboolean              counted;             /* whole server: @total came from Stash */
  GQueue                pages;               /* Page (owned), in id order */

  guint                 in_flight;
  guint64               total;
  guint64               done;                /* scenes and unknown given ids whose check ended */
  GError               *error;               /* (owned) (nullable) the first error */
  gboolean              returned;

  ShMediaCheckResult   *result;              /* (owned) */
} Run;

typedef struct
{
  GTask *task;    /* (owned) */
  Page  *page;    /* (unowned) a page with requests in flight is not freed */
  Probe *probe;   /* (owned) (nullable) */
} Request;

/* sh-media-kind.c */
const char         *_sh_media_kind_get_label        (ShMediaKind          single_kind);

/* sh-media-check-result.c */
ShMediaCheckResult *_sh_media_check_result_new      (ShMediaKind          kinds);
void                _sh_media_check_result_add_scene (ShMediaCheckResult *result,
                                                      gint64              scene_id,
                                                      ShMediaKind         missing);

/* sh-media-checker.c: the run and its requests */
void                _sh_media_probe_free            (Probe               *probe);
Request            *_sh_media_request_new           (GTask               *task,
                                                     Page                *page,
                                                     Probe               *probe);
void                _sh_media_request_free          (Request             *request);
Run                *_sh_media_request_answered      (Request             *request);
void                _sh_media_run_fail              (Run                 *run,
                                                     GError              *error);
void                _sh_media_run_scene_answered    (Run                 *run,
                                                     SceneState          *scene);
void                _sh_media_run_pump              (GTask               *task);

/* sh-media-checker-pages.c */
void                _sh_media_page_free             (Page                *page);
gboolean            _sh_media_page_is_done          (const Page          *page);
void                _sh_media_run_set_given_ids     (Run                 *run,
                                                     const gint64        *scene_ids,
                                                     guint                n_ids);
gboolean            _sh_media_run_open_page         (Run                 *run);
void                _sh_media_run_fetch_scenes      (GTask               *task,
                                                     Page                *page);
void                _sh_media_run_fetch_covers      (GTask               *task,
                                                     Page                *page);
void                _sh_media_run_add_page_results  (Run                 *run,
                                                     Page                *page);

/* sh-media-checker-probes.c */
void                _sh_media_run_send_probe        (GTask               *task,
                                                     Page                *page,
                                                     Probe               *probe);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, _sh_media_request_free)

G_END_DECLS
