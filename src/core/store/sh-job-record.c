/* sh-job-record.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-job-record.h"

G_DEFINE_BOXED_TYPE (ShJobRecord, sh_job_record, sh_job_record_copy, sh_job_record_free)

/**
 * sh_job_record_new:
 *
 * Creates the record of a new job: a fresh UUID, `pending`, no progress yet, unknown
 * counts, created and updated now. The caller sets at least @type.
 *
 * Returns: (transfer full): a new #ShJobRecord
 */
ShJobRecord *
sh_job_record_new (void)
{
  ShJobRecord *self = g_new0 (ShJobRecord, 1);

  self->id = g_uuid_string_random ();
  self->status = g_strdup ("pending");
  self->processed_items = -1;
  self->total_items = -1;
  self->created_at = g_get_real_time ();
  self->updated_at = self->created_at;

  return self;
}

/**
 * sh_job_record_copy:
 * @self: a #ShJobRecord
 *
 * Returns: (transfer full): a deep copy of @self
 */
ShJobRecord *
sh_job_record_copy (const ShJobRecord *self)
{
  ShJobRecord *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->id = g_strdup (self->id);
  copy->type = g_strdup (self->type);
  copy->status = g_strdup (self->status);
  copy->message = g_strdup (self->message);
  copy->parameters = g_strdup (self->parameters);
  copy->result = g_strdup (self->result);
  copy->error = g_strdup (self->error);
  copy->stash_job_id = g_strdup (self->stash_job_id);
  copy->stash_job_added_at = g_strdup (self->stash_job_added_at);
  copy->parent_job_id = g_strdup (self->parent_job_id);

  return copy;
}

/**
 * sh_job_record_free:
 * @self: (nullable): a #ShJobRecord
 *
 * Frees @self and its strings.
 */
void
sh_job_record_free (ShJobRecord *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->type);
  g_free (self->status);
  g_free (self->message);
  g_free (self->parameters);
  g_free (self->result);
  g_free (self->error);
  g_free (self->stash_job_id);
  g_free (self->stash_job_added_at);
  g_free (self->parent_job_id);
  g_free (self);
}

/**
 * sh_job_record_is_active:
 * @self: a #ShJobRecord
 *
 * Returns: %TRUE while the job is `pending`, `running` or `cancelling`
 */
gboolean
sh_job_record_is_active (const ShJobRecord *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_strcmp0 (self->status, "pending") == 0
         || g_strcmp0 (self->status, "running") == 0
         || g_strcmp0 (self->status, "cancelling") == 0;
}
