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
char         *bench_load_average      (void);

/* One run of a benchmark: wall and CPU seconds. */
typedef struct
{
  double wall;
  double cpu;
} BenchSample;

#define BENCH_MAX_RUNS 15

double        bench_median            (const double  *values,
                                       guint          n,
                                       double        *out_min,
                                       double        *out_max);
void          bench_print_stats       (const char    *what,
                                       const BenchSample *samples,
                                       guint          n,
                                       guint          scenes);

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

ShDatabase   *bench_open_filled       (const char    *url,
                                       BenchFill     *fill,
                                       char         **tmp_path);
void          bench_remove_filled     (ShDatabase    *db,
                                       BenchFill     *fill,
                                       char          *tmp_path);

void          bench_floor_run         (const char    *base,
                                       guint64        requests,
                                       guint          scenes,
                                       guint          max_in_flight);

G_END_DECLS
