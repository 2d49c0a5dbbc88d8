/* sh-database-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sql-parser/gda-sql-parser.h>

#include "sh-database.h"
#include "sh-database-url.h"
#include "sh-worker-thread.h"

G_BEGIN_DECLS

typedef void (*ShDatabaseExecuteHook) (ShDatabase *self,
                                       const char *sql,
                                       gpointer    user_data);

typedef struct
{
  GdaStatement *stmt;    /* (owned) */
  GdaSet       *params;  /* (owned) (nullable) */
} ShCachedStatement;

/* How an op runs: with the connection (all but opening), and again after a lost
 * connection even when its outcome is unknown (see _sh_database_run_idempotent_async()). */
typedef enum
{
  SH_DATABASE_OP_NEEDS_CONNECTION = 1 << 0,
  SH_DATABASE_OP_IDEMPOTENT       = 1 << 1,
} ShDatabaseOpFlags;

typedef struct
{
  ShDatabase     *db;           /* (unowned) */
  ShDatabaseFunc  func;
  gpointer        data;         /* (unowned) owned by the task's task data */
  GTask          *task;         /* (owned) */
  gboolean        needs_cnc;
  gboolean        idempotent;   /* may run again even when its outcome is unknown */
  gpointer        result;       /* (owned) (nullable) */
  GDestroyNotify  result_free;
  GError         *error;        /* (owned) (nullable) */
} ShDatabaseOp;

struct _ShDatabase
{
  GObject         parent_instance;

  /* Set at construction, read-only afterwards: any thread may read them. */
  ShDatabaseUrl  *url;             /* (owned) (nullable) NULL when the address is invalid */
  GError         *url_error;       /* (owned) (nullable) */
  char           *location;        /* (owned) a path, or a URL without its password */
  char           *sqlite_path;     /* (owned) (nullable) */

  ShWorkerThread *worker;          /* (owned) the only thread that uses libgda */
  GMainContext   *context;         /* (owned) where notify::available is emitted */

  /* Any thread (atomic): FALSE while a lost connection is being made again. */
  int             available;

  /* Any thread (atomic): failed Generates in a row that make a scene *failing*. */
  guint           failing_threshold;

  /* Worker thread only. */
  GdaConnection  *cnc;             /* (owned) (nullable) */
  GdaSqlParser   *parser;          /* (owned) (nullable) */
  GHashTable     *statements;      /* (owned) SQL text → ShCachedStatement */
  gboolean        is_postgres;
  gboolean        in_transaction;
  gboolean        committing;
  guint           sqlite_version;  /* major * 1000000 + minor * 1000 + patch */
  char           *sqlite_source_id; /* (owned) (nullable) the build of SQLite libgda loaded */
  gpointer        pgconn;          /* (unowned) (nullable) libpq's connection under cnc */
  gpointer        sqlite;          /* (unowned) (nullable) SQLite's connection under cnc */
  GHashTable     *sqlite_statements; /* (owned) (nullable) SQL text → sqlite3_stmt */
  gboolean        sqlite_direct_disabled; /* set before opening, by tests */
  gboolean        lost;            /* cnc is dead: never hand it to libgda again */
  char           *lost_reason;     /* (owned) (nullable) */
  gint64          next_attempt;    /* monotonic time of the next reconnection */
  guint           backoff_ms;
  gboolean        op_unsafe;       /* the running op changed something a retry would repeat */
  ShDatabaseExecuteHook execute_hook;
  gpointer        execute_hook_data;
};


/* Reconnection attempts start at once, then back off up to this. */
#define RECONNECT_BACKOFF_MIN_MS  250
#define RECONNECT_BACKOFF_MAX_MS  5000

/* The newest schema version this build knows; migrations are numbered up to this. */
#define SH_DATABASE_SCHEMA_VERSION 8

/* The scenes of a job (`job_scene_set`, schema 7) name the job by its compact key and
 * their role by a number, in SQL written as these literals. */
#define SH_ROLE_TRACKED "1"
#define SH_ROLE_UPDATED "2"

/* The key of the job named by the parameter ##job_id::string, in SQL. A job without
 * scenes has no key: the subquery is NULL and matches no row. */
#define SH_JOB_KEY_OF_JOB_ID "(SELECT k.job_key FROM job_key k WHERE k.job_id = ##job_id::string)"

/* Connection-private scratch tables, created on every connection after the migrations.
 * Bulk operations stage keys or rows in them with multi-row INSERTs, then apply them with
 * one set-based statement. They are emptied at the start of every use; on PostgreSQL they
 * are also emptied at commit, because autovacuum never visits temporary tables. */
#define SH_TMP_ID_TABLE    "sh_tmp_id"
#define SH_TMP_SCENE_TABLE "sh_tmp_scene"

gboolean   _sh_database_migrate              (ShDatabase    *self,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean   _sh_database_create_scratch_tables (ShDatabase   *self,
                                              GError       **error);
void       _sh_database_propagate_error      (ShDatabase    *self,
                                              GError       **error,
                                              GError        *gda_error,
                                              ShStoreError   code,
                                              const char    *what);
const char *_sh_database_get_distinct_operator (ShDatabase *self);
void       _sh_database_run_idempotent_async (ShDatabase          *self,
                                              ShDatabaseFunc       func,
                                              gpointer             data,
                                              GDestroyNotify       result_free,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GArray    *_sh_database_select_ids           (ShDatabase    *self,
                                              GdaStatement  *stmt,
                                              GdaSet        *params,
                                              GError       **error);
gboolean   _sh_database_stage_ids            (ShDatabase    *self,
                                              const gint64  *ids,
                                              guint          n_ids,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean   _sh_database_clear_ids            (ShDatabase    *self,
                                              GError       **error);
gboolean   _sh_database_release_ids          (ShDatabase    *self,
                                              GError       **error);
gboolean   _sh_database_read_applied         (ShDatabase    *self,
                                              const char    *job_id,
                                              gboolean      *applied,
                                              guint64       *count,
                                              GError       **error);
const char *_sh_database_get_updated_role    (ShDatabase    *self,
                                              const char    *job_id,
                                              GError       **error);
gint64     _sh_database_role_code            (const char    *role);
gboolean   _sh_database_ensure_job_key       (ShDatabase    *self,
                                              const char    *job_id,
                                              gint64        *key,
                                              GError       **error);
GdaHolder *_sh_database_get_holder           (GdaSet        *params,
                                              const char    *name);
void       _sh_database_holder_set_int64     (GdaHolder     *holder,
                                              gint64         value);
void       _sh_database_holder_set_string    (GdaHolder     *holder,
                                              const char    *value);
void       _sh_database_holder_set_boolean   (GdaHolder     *holder,
                                              gboolean       value);
void       _sh_database_holder_set_double    (GdaHolder     *holder,
                                              double         value);
void       _sh_database_holder_set_int       (GdaHolder     *holder,
                                              int            value);
void       _sh_database_holder_set_null      (GdaHolder     *holder);

/* sh-database-sqlite.c: SQLite's own handle under libgda, for binding many values. */
gpointer   _sh_database_get_sqlite           (ShDatabase    *self);
gpointer   _sh_database_sqlite_prepare       (ShDatabase    *self,
                                              const char    *sql,
                                              GError       **error);
gboolean   _sh_database_sqlite_run           (ShDatabase    *self,
                                              gpointer       stmt,
                                              int            bind_rc,
                                              GError       **error);
void       _sh_database_find_sqlite          (ShDatabase    *self);
void       _sh_database_forget_sqlite        (ShDatabase    *self);

/* For tests, before sh_database_open_async(): never use SQLite's handle directly, so that
 * a test can compare both ways of writing. */
void       _sh_database_disable_direct_sqlite (ShDatabase   *self);

/* For tests: called on the worker before each statement runs (with its SQL text), so that
 * a test can make the server restart at a chosen point. */
void       _sh_database_set_execute_hook     (ShDatabase            *self,
                                              ShDatabaseExecuteHook  hook,
                                              gpointer               user_data);

/* Shared by the files of ShDatabase: sh-database.c (the object, its queue of work, opening
 * and closing), -connection.c, -errors.c, -statements.c, -values.c, -ids.c, -server.c,
 * -migrations.c. */
void      _sh_database_queue                    (ShDatabase        *self,
                                                 GTask             *task,
                                                 ShDatabaseFunc     func,
                                                 gpointer           data,
                                                 GDestroyNotify     result_free,
                                                 ShDatabaseOpFlags  flags);
GQuark    _sh_database_sql_quark                (void);
gboolean  _sh_database_check_connection         (ShDatabase     *self,
                                                 GdaStatement   *stmt,
                                                 GError        **error);
gboolean  _sh_database_is_connection_lost_error (ShDatabase     *self,
                                                 const GError   *gda_error);
void      _sh_database_mark_lost                (ShDatabase     *self,
                                                 const char     *reason);
gboolean  _sh_database_is_worker_thread         (ShDatabase     *self);
void      _sh_database_set_lost_error           (ShDatabase     *self,
                                                 GError        **error);
void      _sh_database_set_not_open_error       (ShDatabase     *self,
                                                 GError        **error);
void      _sh_database_set_closed_error         (ShDatabase     *self,
                                                 GError        **error);
void      _sh_database_set_available            (ShDatabase     *self,
                                                 gboolean        available);
gboolean  _sh_database_connect                  (ShDatabase     *self,
                                                 GError        **error);
gboolean  _sh_database_setup_sqlite             (ShDatabase     *self,
                                                 GError        **error);
void      _sh_database_worker_close             (ShDatabase     *self);
gboolean  _sh_database_try_reconnect            (ShDatabase     *self,
                                                 GError        **error);
gboolean  _sh_database_ensure_connection        (ShDatabase     *self,
                                                 GCancellable   *cancellable,
                                                 gint64          deadline,
                                                 GError        **error);

G_END_DECLS
