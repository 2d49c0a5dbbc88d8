/* sh-database-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-database.h"

G_BEGIN_DECLS

/* The newest schema version this build knows; migrations are numbered 1..this. */
#define SH_DATABASE_SCHEMA_VERSION 5

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
void       _sh_database_run_task             (ShDatabase     *self,
                                              GTask          *task,
                                              ShDatabaseFunc  func,
                                              gpointer        data,
                                              GDestroyNotify  data_free,
                                              GDestroyNotify  result_free);
void       _sh_database_run_idempotent_task  (ShDatabase     *self,
                                              GTask          *task,
                                              ShDatabaseFunc  func,
                                              gpointer        data,
                                              GDestroyNotify  data_free,
                                              GDestroyNotify  result_free);
gpointer   _sh_database_task_get_data        (GTask          *task);
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

/* For tests: called on the worker before each statement runs (with its SQL text), so that
 * a test can make the server restart at a chosen point. */
typedef void (*ShDatabaseExecuteHook) (ShDatabase *self,
                                       const char *sql,
                                       gpointer    user_data);
void       _sh_database_set_execute_hook     (ShDatabase            *self,
                                              ShDatabaseExecuteHook  hook,
                                              gpointer               user_data);

G_END_DECLS
