/* bench-util.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the benchmarks share: waiting for a result on the main context, failing loudly,
 * the process's CPU time and peak memory, and a mirror of realistic rows.
 */

#pragma once

#include "sh-database.h"

G_BEGIN_DECLS

void          bench_store_result      (GObject       *object,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *bench_await             (GAsyncResult **slot);
void          bench_check             (GError        *error,
                                       const char    *what);
double        bench_cpu_seconds       (void);
double        bench_peak_rss_mib      (void);

typedef struct
{
  gint64 server_id;
  gint64 n_scenes;
  guint  generated_every;  /* every Nth scene generated; 0 for none */
} BenchFill;

gpointer      bench_fill_func         (ShDatabase    *db,
                                       GdaConnection *cnc,
                                       gpointer       data,
                                       GCancellable  *cancellable,
                                       GError       **error);
gpointer      bench_delete_server_func (ShDatabase    *db,
                                        GdaConnection *cnc,
                                        gpointer       data,
                                        GCancellable  *cancellable,
                                        GError       **error);

G_END_DECLS
