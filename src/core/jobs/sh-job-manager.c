/* sh-job-manager.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owns the job types, creates jobs (the database refuses a second active exclusive job),
 * runs them with a progress channel and a cancellable, maps the handler's result to a
 * status, persists every change (coalesced: at most a few writes a second per job), keeps
 * the heartbeat of the jobs it runs in `job_owner` (by the database's clock, so that other
 * processes, on other machines too, can tell a live job from one left by a dead process),
 * and recovers the jobs whose owner is gone.
 *
 * This file holds the object, the registry of job types and the model of jobs; running
 * is in sh-job-manager-run.c, creating and starting in -create.c, loading and recovery in
 * -recovery.c, and the handlers' view of a run in sh-job-context.c.
 */

#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "sh-job-error.h"
#include "sh-job-manager-private.h"
#include "sh-job-types.h"

#define DEFAULT_POLL_INTERVAL_MS    2000
#define DEFAULT_GRACE_PERIOD_S      600
#define DEFAULT_STOP_TIMEOUT_S      300
#define DEFAULT_PERSIST_INTERVAL_MS 250
#define DEFAULT_STALE_AFTER_S       30

G_DEFINE_FINAL_TYPE (ShJobManager, sh_job_manager, G_TYPE_OBJECT)

static void
sh_job_manager_dispose (GObject *object)
{
  ShJobManager *self = SH_JOB_MANAGER (object);

  /* Runs hold a reference on the manager, so none is left here. */
  g_assert (self->runs == NULL || g_hash_table_size (self->runs) == 0);

  g_clear_object (&self->jobs);
  g_clear_object (&self->job_store);
  g_clear_object (&self->scene_store);
  g_clear_object (&self->client);
  g_clear_object (&self->database);
  g_clear_pointer (&self->types, g_hash_table_unref);
  g_clear_pointer (&self->runs, g_hash_table_unref);
  g_clear_pointer (&self->owner, g_free);

  G_OBJECT_CLASS (sh_job_manager_parent_class)->dispose (object);
}

static void
sh_job_manager_class_init (ShJobManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_job_manager_dispose;
}

static void
sh_job_manager_init (ShJobManager *self)
{
  self->jobs = g_list_store_new (SH_TYPE_JOB);
  self->types = g_hash_table_new (g_str_hash, g_str_equal);
  self->runs = g_hash_table_new (g_str_hash, g_str_equal);
  self->poll_interval_ms = DEFAULT_POLL_INTERVAL_MS;
  self->grace_period_s = DEFAULT_GRACE_PERIOD_S;
  self->stop_timeout_s = DEFAULT_STOP_TIMEOUT_S;
  self->persist_interval_ms = DEFAULT_PERSIST_INTERVAL_MS;
  self->stale_after_s = DEFAULT_STALE_AFTER_S;
  /* Unique per process (and per manager): host, pid, and a random part for a pid that
   * comes again. */
  self->owner = g_strdup_printf ("%s:%d:%08" G_GINT32_MODIFIER "x", g_get_host_name (),
                                 (int) getpid (), g_random_int ());
}

/**
 * sh_job_manager_new:
 * @database: an open database
 * @client: the client of the Stash server the jobs work on
 * @server_id: that server's row
 *
 * Creates a job manager with the built-in job types registered.
 *
 * Returns: (transfer full): a new job manager
 */
ShJobManager *
sh_job_manager_new (ShDatabase    *database,
                    ShStashClient *client,
                    gint64         server_id)
{
  ShJobManager *self;

  g_return_val_if_fail (SH_IS_DATABASE (database), NULL);
  g_return_val_if_fail (SH_IS_STASH_CLIENT (client), NULL);

  self = g_object_new (SH_TYPE_JOB_MANAGER, NULL);
  self->database = g_object_ref (database);
  self->client = g_object_ref (client);
  self->server_id = server_id;
  self->scene_store = sh_scene_store_new (database);
  self->job_store = sh_job_store_new (database);

  sh_job_types_register_all (self);

  return self;
}

ShStashClient *
sh_job_manager_get_client (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return self->client;
}

ShDatabase *
sh_job_manager_get_database (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return self->database;
}

ShSceneStore *
sh_job_manager_get_scene_store (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return self->scene_store;
}

ShJobStore *
sh_job_manager_get_job_store (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return self->job_store;
}

gint64
sh_job_manager_get_server_id (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), -1);
  return self->server_id;
}

/**
 * sh_job_manager_get_jobs:
 * @self: a #ShJobManager
 *
 * Returns: (transfer none): the jobs known to this manager, newest first
 */
GListModel *
sh_job_manager_get_jobs (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return G_LIST_MODEL (self->jobs);
}

void
sh_job_manager_register_type (ShJobManager        *self,
                              const ShJobTypeInfo *info)
{
  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (info != NULL && info->name != NULL && info->run_async != NULL);

  g_hash_table_replace (self->types, (gpointer) info->name, (gpointer) info);
}

/**
 * sh_job_manager_lookup_type:
 * @self: a #ShJobManager
 * @name: a job type name
 *
 * Returns: (nullable): the type, or %NULL when unknown
 */
const ShJobTypeInfo *
sh_job_manager_lookup_type (ShJobManager *self,
                            const char   *name)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return name ? g_hash_table_lookup (self->types, name) : NULL;
}

#define SETTER(name, field)                                           \
  void sh_job_manager_set_##name (ShJobManager *self, guint value)    \
  {                                                                   \
    g_return_if_fail (SH_IS_JOB_MANAGER (self));                      \
    self->field = value;                                              \
  }                                                                   \
  guint sh_job_manager_get_##name (ShJobManager *self)                \
  {                                                                   \
    g_return_val_if_fail (SH_IS_JOB_MANAGER (self), 0);               \
    return self->field;                                               \
  }

SETTER (poll_interval, poll_interval_ms)
SETTER (grace_period, grace_period_s)
SETTER (stop_timeout, stop_timeout_s)

#undef SETTER

void
sh_job_manager_set_persist_interval (ShJobManager *self,
                                     guint         msec)
{
  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  self->persist_interval_ms = msec;
}

/**
 * sh_job_manager_get_write_count:
 * @self: a #ShJobManager
 *
 * Returns: how many job rows this manager has written (for tests of the coalescing)
 */
guint
sh_job_manager_get_write_count (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), 0);
  return self->write_count;
}

static ShJob *
find_in_model (ShJobManager *self,
               const char   *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (g_strcmp0 (sh_job_get_id (job), id) == 0)
        return job;
    }

  return NULL;
}

/* The model's job for @record: the existing object updated, or a new one added in order. */
ShJob *
_sh_job_manager_track_record (ShJobManager      *self,
                              const ShJobRecord *record,
                              gboolean           newest)
{
  ShJob *job = find_in_model (self, record->id);

  if (job != NULL)
    {
      /* Our own running jobs are the truth; another process only updates the others. */
      if (!g_hash_table_contains (self->runs, record->id))
        sh_job_update_from_record (job, record);
      return job;
    }

  if (record->updated_at > self->last_seen_update)
    self->last_seen_update = record->updated_at;

  job = sh_job_new_from_record (record);
  if (newest)
    g_list_store_insert (self->jobs, 0, job);
  else
    g_list_store_append (self->jobs, job);
  g_object_unref (job);

  return job;
}

/* Looking up */

static void
get_job_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  g_autoptr(ShJobRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = sh_job_store_get_finish (SH_JOB_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (record == NULL)
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_NOT_FOUND,
                               _("There is no job “%s”."),
                               (const char *) g_task_get_task_data (task));
      return;
    }

  g_task_return_pointer (task, g_object_ref (_sh_job_manager_track_record (self, record, TRUE)),
                         g_object_unref);
}

/**
 * sh_job_manager_get_job_async:
 * @self: a #ShJobManager
 * @id: a job id; a unique prefix of at least 4 characters is enough for jobs in the list
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads a job from the database (it may be another process's).
 */
void
sh_job_manager_get_job_async (ShJobManager        *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *full_id = id;
  guint n;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_get_job_async);
  g_task_set_task_data (task, g_strdup (id), g_free);

  /* Let people type the first characters of an id, as with git. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  if (strlen (id) >= 4 && strlen (id) < 36)
    {
      guint matches = 0;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ShJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

          if (g_str_has_prefix (sh_job_get_id (job), id))
            {
              full_id = sh_job_get_id (job);
              matches++;
            }
        }
      if (matches > 1)
        {
          g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_NOT_FOUND,
                                   _("“%s” matches several jobs; give more of the id."), id);
          return;
        }
    }

  sh_job_store_get_async (self->job_store, full_id, cancellable, get_job_cb,
                          g_steal_pointer (&task));
}

/**
 * sh_job_manager_get_job_finish:
 * @self: a #ShJobManager
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the job
 */
ShJob *
sh_job_manager_get_job_finish (ShJobManager  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Refreshing: what other processes changed */

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = sh_job_store_list_changed_since_finish (SH_JOB_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Oldest change first, so that new jobs end up newest at the top. */
  for (guint i = 0; i < records->len; i++)
    {
      ShJobRecord *record = g_ptr_array_index (records, i);

      if (record->server_id != self->server_id)
        continue;
      _sh_job_manager_track_record (self, record, TRUE);
      if (record->updated_at > self->last_seen_update)
        self->last_seen_update = record->updated_at;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * sh_job_manager_refresh_async:
 * @self: a #ShJobManager
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the jobs that changed in the database since the last look — jobs that another
 * process (stashhogctl, another desktop sharing PostgreSQL) created or runs — and updates
 * the job list. Cheap: one indexed query.
 */
void
sh_job_manager_refresh_async (ShJobManager        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_refresh_async);
  sh_job_store_list_changed_since_async (self->job_store, self->last_seen_update, cancellable,
                                         changed_cb, g_steal_pointer (&task));
}

gboolean
sh_job_manager_refresh_finish (ShJobManager  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

