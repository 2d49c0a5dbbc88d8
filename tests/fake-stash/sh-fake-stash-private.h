/* sh-fake-stash-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of the fake Stash share: the instance structure, the scene model, the job
 * queue, and the helpers that write Stash's JSON.
 */

#pragma once

#include <libsoup/soup.h>

#include "sh-fake-stash.h"

G_BEGIN_DECLS

/* Stash reports times in the server's zone; ours is fixed so that output is reproducible. */
#define SH_FAKE_ZONE_OFFSET      (11 * 3600)
#define SH_FAKE_TIMESTAMP_LEN    32

/* Scene bits: the missing artifacts in the low bits, then flags. */
#define SH_FAKE_SCENE_MISSING    0x01ff
#define SH_FAKE_SCENE_REMOVED    (1 << 9)
#define SH_FAKE_SCENE_OVERRIDDEN (1 << 10)

#define SH_FAKE_MARKER_ARTIFACTS (SH_FAKE_ARTIFACT_MARKER_VIDEO      | \
                                  SH_FAKE_ARTIFACT_MARKER_SCREENSHOT | \
                                  SH_FAKE_ARTIFACT_MARKER_WEBP)

#define SH_FAKE_STASH_ERROR (sh_fake_stash_error_quark ())

typedef enum
{
  SH_FAKE_STASH_ERROR_RESOLVER,   /* 200 with "errors" and "data": null */
  SH_FAKE_STASH_ERROR_VALIDATION, /* 422 GRAPHQL_VALIDATION_FAILED */
} ShFakeStashError;

typedef enum
{
  SH_FAKE_JOB_READY,
  SH_FAKE_JOB_RUNNING,
  SH_FAKE_JOB_FINISHED,
  SH_FAKE_JOB_STOPPING,
  SH_FAKE_JOB_CANCELLED,
  SH_FAKE_JOB_FAILED,
} ShFakeJobStatus;

/* Only what differs from the generated scene; most scenes have none. */
typedef struct
{
  char   *title;               /* (owned) (nullable) when title_set */
  gint64  created_at;          /* seconds; 0 for the generated time */
  gint64  updated_at;          /* seconds; 0 for the generated time */
  gint64  markers_updated_at;  /* seconds; 0 for the scene's generated time */
  guint   file_generation;
  guint   marker_generation;
  guint   title_set : 1;
} ShFakeSceneOverride;

typedef struct
{
  guint            id;
  ShFakeJobStatus  status;
  double           progress;     /* -1 while indefinite (null on the wire) */
  GPtrArray       *sub_tasks;    /* (owned) (nullable) (element-type utf8) */
  gint64           add_time;     /* real time in µs */
  gint64           start_time;   /* 0 until it runs */
  gint64           end_time;     /* 0 until it ends */
  GArray          *scene_ids;    /* (owned) (nullable) requested targets; NULL for all */
  GArray          *tasks;        /* (owned) (nullable) scene ids, once counted */
  guint            n_done;
  guint16          selected;     /* ShFakeArtifact to generate */
  guint            overwrite : 1;
  guint            counted : 1;
  guint            fails : 1;
  guint            foreign : 1;    /* not a Generate: ticks without touching media */
  const char      *description;  /* "Generating...", "Scanning...", … (static) */
} ShFakeJob;

/* One entry of Stash's log (pkg/logger): what the `logs` query and loggingSubscribe give. */
typedef struct
{
  gint64  time;      /* real time in µs */
  char   *level;     /* (owned) Trace, Debug, Info, Progress, Warning, Error */
  char   *message;   /* (owned) */
} ShFakeLogEntry;

struct _ShFakeStash
{
  GObject             parent_instance;

  GMainContext       *context;             /* (owned) where everything runs */
  SoupServer         *server;              /* (owned) (nullable) while serving */
  char               *url;                 /* (owned) (nullable) */
  GTlsCertificate    *certificate;         /* (owned) (nullable) */

  /* Server configuration */
  char               *api_key;             /* (owned) (nullable) */
  char               *version;             /* (owned) */
  char               *system_status;       /* (owned) */
  guint               has_ffmpeg : 1;
  guint               websockets_enabled : 1;

  /* Scenes: ids 1..n_scenes are generated on the fly */
  guint               n_scenes;
  guint               n_removed;
  guint16            *scene_bits;          /* (owned) n_scenes + 1 entries */
  gsize               scene_bits_size;
  GHashTable         *overrides;           /* (owned) id → ShFakeSceneOverride */
  gint64              clock;               /* last updated_at handed out */

  /* Jobs */
  guint               ms_per_task;
  guint               next_job_id;
  guint               fail_next_job : 1;
  guint               stop_ignored : 1;
  GQueue              queue;               /* ShFakeJob (owned); the head runs */
  GQueue              graveyard;           /* ShFakeJob (owned); newest first */
  GSource            *job_source;          /* (owned) (nullable) */
  GHashTable         *broken;              /* (owned) scene id → ShFakeArtifact that fail */
  GQueue              log;                 /* ShFakeLogEntry (owned), oldest first */
  guint               log_capacity;

  /* WebSockets */
  GPtrArray          *websockets;          /* (owned) ShFakeWebsocket */
  GHashTable         *throttles;           /* (owned) job id → ShFakeThrottle */

  /* Faults */
  guint               latency_ms;
  guint               n_failures;
  guint               failure_status;
  char               *failure_content_type; /* (owned) (nullable) */
  GBytes             *failure_body;         /* (owned) (nullable) */
  GPtrArray          *delayed;              /* (owned) ShFakeDelayed */
  GHashTable         *sockets;              /* (owned) GSocket (owned) of served connections */
  GSource            *sweep_source;         /* (owned) (nullable) */
  guint               n_operation_failures;
  guint               operation_failure_status;
  char               *failing_operation;    /* (owned) (nullable) */
  guint               n_nested;
  guint               nested_depth;
  guint               n_trickled;
  guint               trickle_ms_per_byte;
  guint               n_huge;
  guint64             huge_size;
  guint               huge_with_length : 1;
  GPtrArray          *streams;              /* (owned) ShFakeStream: answers being written */
  guint               n_media_failures;
  guint               media_failure_status;

  /* What the client did */
  GHashTable         *request_counts;       /* (owned) operation → count */
  GHashTable         *last_variables;       /* (owned) operation → JsonNode */
  SoupMessageHeaders *last_headers;         /* (owned) (nullable) */
  guint               media_requests;       /* to /scene/…, since the last reset */
  guint               media_in_flight;
  guint               media_max_in_flight;
  GHashTable         *cover_requests;       /* (owned) scene id → count of cover GETs */
  guint               cover_latency_ms;     /* how long a cover takes to answer */
};

/* A scene_filter as sh-fake-stash-scene-filter.c understands it. */
typedef enum
{
  SH_FAKE_MOD_EQUALS,
  SH_FAKE_MOD_NOT_EQUALS,
  SH_FAKE_MOD_GREATER_THAN,
  SH_FAKE_MOD_LESS_THAN,
  SH_FAKE_MOD_BETWEEN,
  SH_FAKE_MOD_NOT_BETWEEN,
} ShFakeModifier;

typedef struct
{
  gboolean        set;
  ShFakeModifier  modifier;
  gint64          value;
  gint64          value2;
} ShFakeIntCriterion;

typedef struct
{
  gboolean        set;
  ShFakeModifier  modifier;
  const char     *value;    /* borrowed from the request's variables */
  const char     *value2;
  char            default_value2[SH_FAKE_TIMESTAMP_LEN];
} ShFakeTimeCriterion;

typedef struct
{
  ShFakeIntCriterion   id;
  ShFakeTimeCriterion  created_at;
  ShFakeTimeCriterion  updated_at;
  guint                is_missing;  /* ShFakeArtifact; 0 when not set */
  char                *q;   /* (owned) (nullable) folded to lower case */
} ShFakeSceneFilter;

typedef enum
{
  SH_FAKE_SORT_ID,
  SH_FAKE_SORT_CREATED_AT,
  SH_FAKE_SORT_UPDATED_AT,
  SH_FAKE_SORT_TITLE,
  SH_FAKE_SORT_PATH,
} ShFakeSortKey;

/* Resolvers append `"field":value` to @data, or fail with SH_FAKE_STASH_ERROR. */
typedef gboolean (*ShFakeResolver) (ShFakeStash  *self,
                                    JsonObject   *variables,
                                    const char   *query,
                                    GString      *data,
                                    GError      **error);

GQuark       sh_fake_stash_error_quark              (void);
void         sh_fake_stash_emit_job_changed         (ShFakeStash        *self,
                                                     ShFakeJob          *job);

/* sh-fake-stash-json.c */
void         sh_fake_json_append_string             (GString            *out,
                                                     const char         *str);
void         sh_fake_format_timestamp               (char                buf[SH_FAKE_TIMESTAMP_LEN],
                                                     gint64              seconds);
void         sh_fake_json_append_timestamp          (GString            *out,
                                                     gint64              seconds);
void         sh_fake_json_append_time_usec          (GString            *out,
                                                     gint64              usec);
JsonObject  *sh_fake_json_get_object               (JsonObject         *object,
                                                     const char         *name);
const char  *sh_fake_json_get_string               (JsonObject         *object,
                                                     const char         *name);
gboolean     sh_fake_json_get_int                   (JsonObject         *object,
                                                     const char         *name,
                                                     gint64             *value);
gboolean     sh_fake_json_get_boolean               (JsonObject         *object,
                                                     const char         *name);
gboolean     sh_fake_json_parse_id                  (JsonNode           *node,
                                                     guint              *id);

/* sh-fake-stash-http.c */
void         sh_fake_stash_http_attach              (ShFakeStash        *self,
                                                     SoupServer         *server);
void         sh_fake_stash_http_clear               (ShFakeStash        *self);
gboolean     sh_fake_stash_authorize                (ShFakeStash        *self,
                                                     SoupServerMessage  *msg,
                                                     const char         *path,
                                                     GHashTable         *query);
void         sh_fake_stash_deliver                  (ShFakeStash        *self,
                                                     SoupServerMessage  *msg);
void         sh_fake_stash_deliver_after            (ShFakeStash        *self,
                                                     SoupServerMessage  *msg,
                                                     guint               latency_ms);
void         sh_fake_stash_set_not_found            (SoupServerMessage  *msg);

/* sh-fake-stash-graphql.c */
void         sh_fake_stash_record_request           (ShFakeStash        *self,
                                                     SoupMessageHeaders *headers,
                                                     const char         *operation,
                                                     JsonNode           *variables);
void         sh_fake_stash_handle_graphql           (ShFakeStash        *self,
                                                     SoupServerMessage  *msg,
                                                     GHashTable         *params);

/* sh-fake-stash-scenes.c */
void         sh_fake_stash_scenes_reset             (ShFakeStash        *self,
                                                     guint               n_scenes);
void         sh_fake_stash_scenes_reserve           (ShFakeStash        *self,
                                                     gsize               n_entries);
gboolean     sh_fake_scene_exists                   (ShFakeStash        *self,
                                                     guint               id);
ShFakeSceneOverride *
             sh_fake_scene_lookup                   (ShFakeStash        *self,
                                                     guint               id);
ShFakeSceneOverride *
             sh_fake_scene_ensure_override          (ShFakeStash        *self,
                                                     guint               id);
gint64       sh_fake_stash_tick                     (ShFakeStash        *self);
guint        sh_fake_scene_applicable               (ShFakeStash        *self,
                                                     guint               id);
void         sh_fake_scene_clear_missing            (ShFakeStash        *self,
                                                     guint               id,
                                                     guint               artifacts);
gboolean     sh_fake_scene_is_interactive           (guint               id);
const char  *sh_fake_scene_get_title                (ShFakeStash        *self,
                                                     guint               id,
                                                     char               *buf,
                                                     gsize               size);
void         sh_fake_scene_format_path              (ShFakeStash        *self,
                                                     guint               id,
                                                     char               *buf,
                                                     gsize               size);
guint64      sh_fake_scene_get_file_id              (ShFakeStash        *self,
                                                     guint               id);
guint64      sh_fake_scene_get_oshash               (ShFakeStash        *self,
                                                     guint               id);
guint        sh_fake_scene_find_by_oshash           (ShFakeStash        *self,
                                                     const char         *hex);
guint64      sh_fake_scene_get_phash                (ShFakeStash        *self,
                                                     guint               id);
gint64       sh_fake_scene_get_created_at           (ShFakeStash        *self,
                                                     guint               id);
gint64       sh_fake_scene_get_updated_at           (ShFakeStash        *self,
                                                     guint               id);
guint        sh_fake_scene_get_n_markers            (ShFakeStash        *self,
                                                     guint               id);
guint        sh_fake_scene_get_marker_id            (ShFakeStash        *self,
                                                     guint               id,
                                                     guint               index);
double       sh_fake_scene_get_marker_seconds       (ShFakeStash        *self,
                                                     guint               id,
                                                     guint               index);
gint64       sh_fake_scene_get_markers_updated_at   (ShFakeStash        *self,
                                                     guint               id);

/* sh-fake-stash-scene-filter.c */
gboolean     sh_fake_scene_filter_parse             (JsonObject         *scene_filter,
                                                     ShFakeSceneFilter  *filter,
                                                     GError            **error);
gboolean     sh_fake_scene_filter_matches           (ShFakeStash        *self,
                                                     const ShFakeSceneFilter *filter,
                                                     guint               id);
gboolean     sh_fake_parse_sort                     (const char         *sort,
                                                     ShFakeSortKey      *key,
                                                     GError            **error);

/* sh-fake-stash-find-scenes.c */
gboolean     sh_fake_stash_resolve_find_scenes      (ShFakeStash        *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);
gboolean     sh_fake_stash_resolve_check_media_scenes (ShFakeStash      *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);
gboolean     sh_fake_stash_resolve_find_scene_ids   (ShFakeStash        *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);
gboolean     sh_fake_stash_resolve_latest_scene_update (ShFakeStash      *self,
                                                        JsonObject       *variables,
                                                        const char       *query,
                                                        GString          *data,
                                                        GError          **error);

/* sh-fake-stash-jobs.c */
void         sh_fake_stash_jobs_clear               (ShFakeStash        *self);
ShFakeJob   *sh_fake_stash_jobs_add                 (ShFakeStash        *self,
                                                     JsonObject         *input);
ShFakeJob   *sh_fake_stash_jobs_find                (ShFakeStash        *self,
                                                     guint               id);
void         sh_fake_stash_jobs_stop                (ShFakeStash        *self,
                                                     guint               id);
const char  *sh_fake_job_status_to_string           (ShFakeJobStatus     status);

/* sh-fake-stash-jobs-graphql.c */
void         sh_fake_job_append_json                (GString            *out,
                                                     ShFakeJob          *job);
gboolean     sh_fake_stash_resolve_metadata_generate (ShFakeStash       *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);
gboolean     sh_fake_stash_resolve_find_job         (ShFakeStash        *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);
gboolean     sh_fake_stash_resolve_metadata_scan    (ShFakeStash        *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);
gboolean     sh_fake_stash_resolve_job_queue        (ShFakeStash        *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);
gboolean     sh_fake_stash_resolve_stop_job         (ShFakeStash        *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);

/* sh-fake-stash-log.c */
void         sh_fake_stash_log_add                  (ShFakeStash        *self,
                                                     const char         *level,
                                                     const char         *format,
                                                     ...) G_GNUC_PRINTF (3, 4);
void         sh_fake_stash_log_clear                (ShFakeStash        *self);
void         sh_fake_log_entry_append_json          (GString            *out,
                                                     const ShFakeLogEntry *entry);
gboolean     sh_fake_stash_resolve_logs             (ShFakeStash        *self,
                                                     JsonObject         *variables,
                                                     const char         *query,
                                                     GString            *data,
                                                     GError            **error);

/* sh-fake-stash-ws.c */
void         sh_fake_stash_ws_log_event             (ShFakeStash        *self,
                                                     const ShFakeLogEntry *entry);
void         sh_fake_stash_ws_init                  (ShFakeStash        *self);
void         sh_fake_stash_ws_clear                 (ShFakeStash        *self);
void         sh_fake_stash_ws_handler               (SoupServer               *server,
                                                     SoupServerMessage        *msg,
                                                     const char               *path,
                                                     SoupWebsocketConnection  *connection,
                                                     gpointer                  user_data);
void         sh_fake_stash_ws_drop_all              (ShFakeStash        *self);
void         sh_fake_stash_ws_send_nested           (ShFakeStash        *self,
                                                     guint               depth);
void         sh_fake_stash_ws_job_event             (ShFakeStash        *self,
                                                     ShFakeJob          *job,
                                                     const char         *type);
void         sh_fake_stash_ws_forget_jobs           (ShFakeStash        *self);
guint        sh_fake_stash_ws_count                 (ShFakeStash        *self);

/* sh-fake-stash-media.c */
void         sh_fake_stash_handle_media             (ShFakeStash        *self,
                                                     SoupServerMessage  *msg,
                                                     const char         *path);

G_END_DECLS
