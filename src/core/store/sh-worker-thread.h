/* sh-worker-thread.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_TYPE_WORKER_THREAD (sh_worker_thread_get_type ())

G_DECLARE_FINAL_TYPE (ShWorkerThread, sh_worker_thread, SH, WORKER_THREAD, GObject)

/**
 * ShWorkerFunc:
 * @data: the data given with the function
 *
 * Work queued to an #ShWorkerThread; it runs on the worker thread.
 */
typedef void   (*ShWorkerFunc)     (gpointer data);

/**
 * ShWorkerIdleFunc:
 * @user_data: the data given to sh_worker_thread_new()
 *
 * Runs on the worker thread whenever its queue is empty, before it waits for work: does
 * what is due by now (reconnecting, say) and says when it wants to run again.
 *
 * Returns: the monotonic time at which to run it again if no work comes meanwhile, or
 *   %G_MAXINT64 to wait for work only
 */
typedef gint64 (*ShWorkerIdleFunc) (gpointer user_data);

ShWorkerThread *sh_worker_thread_new                   (const char       *name,
                                                        ShWorkerIdleFunc  idle_func,
                                                        gpointer          idle_data);
gboolean        sh_worker_thread_queue                 (ShWorkerThread   *self,
                                                        ShWorkerFunc      func,
                                                        gpointer          data);
void            sh_worker_thread_shutdown              (ShWorkerThread   *self,
                                                        ShWorkerFunc      last_func,
                                                        gpointer          last_data);
gboolean        sh_worker_thread_is_shut_down          (ShWorkerThread   *self);
gboolean        sh_worker_thread_is_in_worker_context  (ShWorkerThread   *self);
gboolean        sh_worker_thread_sleep_until           (ShWorkerThread   *self,
                                                        gint64            until,
                                                        GCancellable     *cancellable);

G_END_DECLS
