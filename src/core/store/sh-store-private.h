/* sh-store-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plumbing every store method uses (see sh-store.c): one call runs a worker function
 * on the database and completes the caller's task, one call finishes it with the type the
 * method returns.
 */

#pragma once

#include "sh-database-private.h"
#include "sh-store.h"

G_BEGIN_DECLS

void      _sh_store_run               (ShStore              *self,
                                       gpointer              source_tag,
                                       ShDatabaseFunc        func,
                                       gpointer              data,
                                       GDestroyNotify        data_free,
                                       GDestroyNotify        result_free,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
void      _sh_store_run_idempotent    (ShStore              *self,
                                       gpointer              source_tag,
                                       ShDatabaseFunc        func,
                                       gpointer              data,
                                       GDestroyNotify        data_free,
                                       GDestroyNotify        result_free,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
void      _sh_store_run_task          (ShStore              *self,
                                       GTask                *task,
                                       ShDatabaseFunc        func,
                                       gpointer              data,
                                       GDestroyNotify        data_free,
                                       GDestroyNotify        result_free);
void      _sh_store_return            (ShStore              *self,
                                       gpointer              source_tag,
                                       gpointer              result,
                                       GDestroyNotify        result_free,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

gboolean  _sh_store_is_valid          (ShStore              *self,
                                       GAsyncResult         *result,
                                       gpointer              source_tag);
gpointer  _sh_store_get_data          (GAsyncResult         *result);
gpointer  _sh_store_propagate_pointer (ShStore              *self,
                                       GAsyncResult         *result,
                                       gpointer              source_tag,
                                       GError              **error);
gboolean  _sh_store_propagate_boolean (ShStore              *self,
                                       GAsyncResult         *result,
                                       gpointer              source_tag,
                                       GError              **error);
gboolean  _sh_store_propagate_count   (ShStore              *self,
                                       GAsyncResult         *result,
                                       gpointer              source_tag,
                                       guint64              *count,
                                       GError              **error);
guint64   _sh_store_propagate_uint64  (ShStore              *self,
                                       GAsyncResult         *result,
                                       gpointer              source_tag,
                                       GError              **error);

gpointer  _sh_store_new_count         (guint64               count);

G_END_DECLS
