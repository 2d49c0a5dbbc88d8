/* sh-database.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-gda.h"
#include "sh-store-error.h"

G_BEGIN_DECLS

/* Failed Generates in a row after which a scene is *failing* (a setting). */
#define SH_DEFAULT_FAILING_THRESHOLD 3

#define SH_TYPE_DATABASE (sh_database_get_type ())

G_DECLARE_FINAL_TYPE (ShDatabase, sh_database, SH, DATABASE, GObject)

/**
 * ShDatabaseFunc:
 * @db: the database
 * @cnc: the connection, owned by the worker thread
 * @data: the data given to sh_database_run_async()
 * @cancellable: (nullable): the operation's cancellable
 * @error: return location for a #GError
 *
 * Work that runs on the database's worker thread, the only thread that uses libgda. It may
 * use the helpers below (sh_database_prepare(), sh_database_begin(), …) but must not keep
 * libgda objects (data models in particular) beyond its return.
 *
 * Returns: (nullable) (transfer full): the result; %NULL with @error set on failure, or
 *   %NULL without an error as a valid result
 */
typedef gpointer (*ShDatabaseFunc) (ShDatabase    *db,
                                    GdaConnection *cnc,
                                    gpointer       data,
                                    GCancellable  *cancellable,
                                    GError       **error);

ShDatabase   *sh_database_new                  (const char           *url,
                                                const char           *password);
const char   *sh_database_get_provider         (ShDatabase           *self);
const char   *sh_database_get_location         (ShDatabase           *self);
void          sh_database_open_async           (ShDatabase           *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean      sh_database_open_finish          (ShDatabase           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void          sh_database_run_async            (ShDatabase           *self,
                                                ShDatabaseFunc        func,
                                                gpointer              data,
                                                GDestroyNotify        data_free,
                                                GDestroyNotify        result_free,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gpointer      sh_database_run_finish           (ShDatabase           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void          sh_database_close                (ShDatabase           *self);
gboolean      sh_database_get_available        (ShDatabase           *self);
void          sh_database_ensure_server_async  (ShDatabase           *self,
                                                const char           *url,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gint64        sh_database_ensure_server_finish (ShDatabase           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
char         *sh_database_sanitize_server_url  (const char           *url,
                                                GError              **error);

/* Helpers for an ShDatabaseFunc: worker thread only. */
gboolean      sh_database_is_postgres          (ShDatabase           *self);
void          sh_database_set_failing_threshold (ShDatabase          *self,
                                                 guint                n);
guint         sh_database_get_failing_threshold (ShDatabase          *self);
GdaStatement *sh_database_prepare              (ShDatabase           *self,
                                                const char           *sql,
                                                GError              **error);
GdaStatement *sh_database_prepare_full         (ShDatabase           *self,
                                                const char           *sql,
                                                GdaSet              **params,
                                                GError              **error);
gint64        sh_database_execute              (ShDatabase           *self,
                                                GdaStatement         *stmt,
                                                GdaSet               *params,
                                                GError              **error);
gboolean      sh_database_execute_sql          (ShDatabase           *self,
                                                const char           *sql,
                                                GError              **error);
GdaDataModel *sh_database_select               (ShDatabase           *self,
                                                GdaStatement         *stmt,
                                                GdaSet               *params,
                                                const GType          *col_types,
                                                GError              **error);
gboolean      sh_database_begin                (ShDatabase           *self,
                                                GError              **error);
gboolean      sh_database_commit               (ShDatabase           *self,
                                                GError              **error);
void          sh_database_rollback             (ShDatabase           *self);

/* Parameter setters and value getters that hide the providers' type differences. */
void          sh_database_set_int64            (GdaSet               *params,
                                                const char           *name,
                                                gint64                value);
void          sh_database_set_string           (GdaSet               *params,
                                                const char           *name,
                                                const char           *value);
void          sh_database_set_boolean          (GdaSet               *params,
                                                const char           *name,
                                                gboolean              value);
void          sh_database_set_double           (GdaSet               *params,
                                                const char           *name,
                                                double                value);
void          sh_database_set_null             (GdaSet               *params,
                                                const char           *name);
gboolean      sh_database_model_is_null        (GdaDataModel         *model,
                                                int                   row,
                                                int                   column);
gint64        sh_database_model_get_int64      (GdaDataModel         *model,
                                                int                   row,
                                                int                   column);
gboolean      sh_database_model_get_boolean    (GdaDataModel         *model,
                                                int                   row,
                                                int                   column);
double        sh_database_model_get_double     (GdaDataModel         *model,
                                                int                   row,
                                                int                   column);
char         *sh_database_model_dup_string     (GdaDataModel         *model,
                                                int                   row,
                                                int                   column);

G_END_DECLS
