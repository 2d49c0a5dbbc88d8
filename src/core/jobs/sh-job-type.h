/* sh-job-type.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _ShJobContext ShJobContext;

/**
 * ShJobTypeInfo:
 * @name: the type as stored, such as `stash_generate`
 * @label: a translatable label (N_()), such as "Generate Metadata"
 * @icon_name: a symbolic icon
 * @unit: what the counts count (N_("scenes")), or %NULL
 * @exclusive: at most one may be active per server (the database enforces it)
 * @validate: checks and normalizes the parameters; fills in defaults
 * @run_async: runs the job; reports progress through the context. Cancellation arrives
 *   through the cancellable; a handler that must tidy up first (stop a Stash job) may
 *   finish later, and reports what really happened.
 * @run_finish: the result object; its `status` member (`failed`, `cancelled`,
 *   `completed_with_errors`, anything else means completed) decides the job's status.
 *
 * A kind of job, registered with the job manager.
 */
typedef struct
{
  const char  *name;
  const char  *label;
  const char  *icon_name;
  const char  *unit;
  gboolean     exclusive;

  gboolean    (*validate)   (JsonObject           *parameters,
                             GError              **error);
  void        (*run_async)  (ShJobContext         *context,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data);
  JsonObject *(*run_finish) (GAsyncResult         *result,
                             GError              **error);
} ShJobTypeInfo;

G_END_DECLS
