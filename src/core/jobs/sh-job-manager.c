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
 */

#include "config.h"

#include "sh-types.h"

#include <inttypes.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "sh-job-context.h"
#include "sh-job-error.h"
#include "sh-job-manager.h"
#include "sh-job-types.h"
#include "sh-stash-error.h"
#include "sh-store-error.h"

#define DEFAULT_POLL_INTERVAL_MS    2000
#define DEFAULT_GRACE_PERIOD_S      600
#define DEFAULT_STOP_TIMEOUT_S      300
#define DEFAULT_PERSIST_INTERVAL_MS 250
/* A running job's owner beats at least this often; one silent for the stale threshold
 * (by the database's clock) is dead. */
#define HEARTBEAT_S                 5
#define DEFAULT_STALE_AFTER_S       30


struct _ShJobManager
{
  GObject        parent_instance;

  ShDatabase    *database;      /* (owned) */
  ShStashClient *client;        /* (owned) */
  ShSceneStore  *scene_store;   /* (owned) */
  ShJobStore    *job_store;     /* (owned) */
  gint64         server_id;

  GListStore    *jobs;          /* (owned) of ShJob, newest first */
  GHashTable    *types;         /* (owned) name → const ShJobTypeInfo* */
  GHashTable    *runs;          /* (owned) job id → RunData* (borrowed) */

  guint          poll_interval_ms;
  guint          grace_period_s;
  guint          stop_timeout_s;
  guint          persist_interval_ms;
  guint          write_count;
  guint          stale_after_s;
  gint64         last_seen_update;  /* newest updated_at read from the database */
  char          *owner;         /* (owned) this manager's name in job_owner */
};

G_DEFINE_FINAL_TYPE (ShJobManager, sh_job_manager, G_TYPE_OBJECT)

typedef struct _RunData RunData;

struct _ShJobContext
{
  ShJobManager *manager;      /* (unowned) the run holds the manager */
  ShJob        *job;          /* (unowned) */
  JsonObject   *parameters;   /* (owned) */
  gboolean      reattach;
  RunData      *run;          /* (unowned) */
};

struct _RunData
{
  ShJobManager  *manager;         /* (owned) */
  ShJob         *job;             /* (owned) */
  GTask         *task;            /* (owned) */
  ShJobContext   context;
  const ShJobTypeInfo *info;

  GCancellable  *cancellable;     /* (owned) the handler's */
  GCancellable  *caller_cancellable; /* (owned) (nullable) */
  gulong         caller_cancelled_id;
  gulong         notify_id;

  guint          persist_source;
  guint          heartbeat_source;
  gboolean       writing;
  gboolean       dirty;
  gboolean       finishing;       /* the final write is queued; then the task returns */
  gboolean       releasing;       /* the final write is made; the owner row goes */
  gboolean       abandoned;       /* ended without waiting for the handler */
  GPtrArray     *waiters;         /* (owned) of GTask: sh_job_manager_wait_async() */
};

static void     persist         (RunData  *run);
static gboolean persist_timeout (gpointer  user_data);

static void
run_data_free (RunData *run)
{
  g_clear_handle_id (&run->persist_source, g_source_remove);
  g_clear_handle_id (&run->heartbeat_source, g_source_remove);
  g_clear_signal_handler (&run->notify_id, run->job);
  if (run->caller_cancellable != NULL && run->caller_cancelled_id != 0)
    g_cancellable_disconnect (run->caller_cancellable, run->caller_cancelled_id);
  g_clear_object (&run->caller_cancellable);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->waiters, g_ptr_array_unref);
  g_clear_pointer (&run->context.parameters, json_object_unref);
  g_clear_object (&run->job);
  g_clear_object (&run->manager);
  g_free (run);
}

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
static ShJob *
track_record (ShJobManager      *self,
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

/* Persistence */

static gint64
now_usec (void)
{
  return g_get_real_time ();
}

static void
persist_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunData *run = user_data;
  g_autoptr(GError) error = NULL;

  run->writing = FALSE;
  run->manager->write_count++;

  if (!sh_job_store_update_finish (SH_JOB_STORE (object), result, &error))
    {
      /* Lost while the database was being closed or never came back: the row is written
       * again, whole, later; the final outcome is never dropped while the database is
       * open. */
      if (g_error_matches (error, SH_STORE_ERROR, SH_STORE_ERROR_CONNECTION_LOST))
        {
          g_debug ("Could not save job %s yet: %s", sh_job_get_id (run->job), error->message);
          run->dirty = TRUE;
          g_clear_handle_id (&run->persist_source, g_source_remove);
          run->persist_source = g_timeout_add_seconds (1, persist_timeout, run);
          return;
        }
      g_warning ("Could not save job %s: %s", sh_job_get_id (run->job), error->message);
    }

  if (run->dirty || run->finishing)
    persist (run);
}

static void
release_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunData *run = user_data;
  GTask *task = g_steal_pointer (&run->task);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&run->waiters);
  g_autoptr(GError) error = NULL;

  /* A row left behind is harmless: only active jobs are judged by it. */
  if (!sh_job_store_release_finish (SH_JOB_STORE (object), result, &error))
    g_debug ("Could not release job %s: %s", sh_job_get_id (run->job), error->message);

  g_hash_table_remove (run->manager->runs, sh_job_get_id (run->job));
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Writes the job's row now, or right after the write in flight. */
static void
persist (RunData *run)
{
  g_autoptr(ShJobRecord) record = NULL;

  g_clear_handle_id (&run->persist_source, g_source_remove);

  if (run->writing)
    {
      run->dirty = TRUE;
      return;
    }

  /* The final write has been made: the job is no longer ours, then the run is over. */
  if (run->finishing && !run->dirty)
    {
      if (!run->releasing)
        {
          run->releasing = TRUE;
          sh_job_store_release_async (run->manager->job_store, sh_job_get_id (run->job),
                                      run->manager->owner, NULL, release_cb, run);
        }
      return;
    }

  run->dirty = FALSE;
  run->writing = TRUE;
  record = sh_job_record_copy (sh_job_get_record (run->job));
  record->updated_at = now_usec ();
  sh_job_store_update_async (run->manager->job_store, record, NULL, persist_cb, run);
}

static gboolean
persist_timeout (gpointer user_data)
{
  RunData *run = user_data;

  run->persist_source = 0;
  persist (run);

  return G_SOURCE_REMOVE;
}

static void
on_job_notify (ShJob      *job,
               GParamSpec *pspec,
               RunData    *run)
{
  /* Coalesced: one write per interval at most, whatever the handler reports. */
  run->dirty = TRUE;
  if (run->persist_source == 0 && !run->writing && !run->finishing)
    run->persist_source = g_timeout_add (run->manager->persist_interval_ms, persist_timeout, run);
}

static void
heartbeat_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree char *id = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_heartbeat_finish (SH_JOB_STORE (object), result, &error))
    {
      if (error != NULL)
        g_warning ("Could not write the heartbeat of job %s: %s", id, error->message);
      else
        g_warning ("Job %s is no longer ours: another process judged this one dead and "
                   "took it over", id);
    }
}

/* Another process asked to cancel the job (sh_job_manager_request_cancel_async()): the
 * row says `cancelling` while this run did not cancel itself. */
static void
cancel_check_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ShJobManager) self = user_data;
  g_autoptr(ShJobRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  RunData *run;

  record = sh_job_store_get_finish (SH_JOB_STORE (object), result, &error);
  if (record == NULL)
    return;

  run = g_hash_table_lookup (self->runs, record->id);
  if (run == NULL || run->finishing || g_cancellable_is_cancelled (run->cancellable))
    return;

  if (g_strcmp0 (record->status, "cancelling") == 0)
    {
      g_debug ("Job %s: another process asked to cancel it", record->id);
      g_cancellable_cancel (run->cancellable);
    }
}

static gboolean
heartbeat (gpointer user_data)
{
  RunData *run = user_data;

  if (run->finishing)
    return G_SOURCE_CONTINUE;

  sh_job_store_heartbeat_async (run->manager->job_store, sh_job_get_id (run->job),
                                run->manager->owner, NULL, heartbeat_cb,
                                g_strdup (sh_job_get_id (run->job)));
  if (!g_cancellable_is_cancelled (run->cancellable))
    sh_job_store_get_async (run->manager->job_store, sh_job_get_id (run->job), NULL,
                            cancel_check_cb, g_object_ref (run->manager));
  /* The row too, so that other processes following the list see the job move. */
  if (run->persist_source == 0 && !run->writing)
    persist (run);

  return G_SOURCE_CONTINUE;
}

static void
claim_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree char *id = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_claim_finish (SH_JOB_STORE (object), result, &error))
    g_warning ("Could not own job %s: %s", id,
               error ? error->message : "another live process owns it");
}

/* The context handlers use */

ShJob *
sh_job_context_get_job (ShJobContext *context)
{
  return context->job;
}

ShJobManager *
sh_job_context_get_manager (ShJobContext *context)
{
  return context->manager;
}

ShStashClient *
sh_job_context_get_client (ShJobContext *context)
{
  return context->manager->client;
}

ShSceneStore *
sh_job_context_get_scene_store (ShJobContext *context)
{
  return context->manager->scene_store;
}

ShJobStore *
sh_job_context_get_job_store (ShJobContext *context)
{
  return context->manager->job_store;
}

gint64
sh_job_context_get_server_id (ShJobContext *context)
{
  return context->manager->server_id;
}

/**
 * sh_job_context_get_parameters:
 * @context: a job context
 *
 * Returns: (transfer none): the validated parameters, defaults filled in
 */
JsonObject *
sh_job_context_get_parameters (ShJobContext *context)
{
  return context->parameters;
}

/**
 * sh_job_context_is_reattach:
 * @context: a job context
 *
 * Returns: whether this run continues a job that a crashed StashHog left running
 */
gboolean
sh_job_context_is_reattach (ShJobContext *context)
{
  return context->reattach;
}

/**
 * sh_job_context_is_abandoned:
 * @context: a job context
 *
 * Whether the manager stopped waiting for this run (sh_job_manager_abandon()): the job
 * has ended already, and the handler should stop its work and return soon. What it
 * returns then is ignored.
 *
 * Returns: %TRUE once abandoned
 */
gboolean
sh_job_context_is_abandoned (ShJobContext *context)
{
  return context->run->abandoned;
}

/**
 * sh_job_context_persist_now:
 * @context: a job context
 *
 * Writes the job at once, for what must survive a crash right away (the Stash job id).
 */
void
sh_job_context_persist_now (ShJobContext *context)
{
  RunData *run = context->run;

  if (!run->finishing)
    persist (run);
}

void
sh_job_context_log (ShJobContext *context,
                    const char   *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_info ("Job %s: %s", sh_job_get_id (context->job), message);
}

/* Running */

static const char *
result_status (JsonObject *result)
{
  if (result == NULL || !json_object_has_member (result, "status"))
    return NULL;

  return json_object_get_string_member_with_default (result, "status", NULL);
}

static void
finish_run (RunData    *run,
            JsonObject *result,
            GError     *error)
{
  ShJob *job = run->job;
  const char *status = result_status (result);
  ShJobRecord *record = (ShJobRecord *) sh_job_get_record (job);

  g_object_freeze_notify (G_OBJECT (job));

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sh_job_set_status (job, SH_JOB_CANCELLED);
      sh_job_set_progress (job, sh_job_get_progress (job), _("Cancelled"));
    }
  else if (error != NULL)
    {
      sh_job_set_status (job, SH_JOB_FAILED);
      sh_job_set_error (job, error->message);
      sh_job_set_progress (job, sh_job_get_progress (job), _("Failed"));
    }
  else if (g_strcmp0 (status, "failed") == 0)
    {
      const char *message = json_object_get_string_member_with_default (result, "error", NULL);

      sh_job_set_status (job, SH_JOB_FAILED);
      sh_job_set_error (job, message ? message : _("The job failed."));
      sh_job_set_progress (job, sh_job_get_progress (job), _("Failed"));
    }
  else if (g_strcmp0 (status, "cancelled") == 0)
    {
      sh_job_set_status (job, SH_JOB_CANCELLED);
      sh_job_set_progress (job, sh_job_get_progress (job), _("Cancelled"));
    }
  else if (g_strcmp0 (status, "completed_with_errors") == 0)
    {
      gint64 n_errors = 0;
      g_autofree char *message = NULL;

      if (json_object_has_member (result, "errors"))
        {
          JsonNode *errors = json_object_get_member (result, "errors");

          n_errors = JSON_NODE_HOLDS_ARRAY (errors)
            ? json_array_get_length (json_node_get_array (errors))
            : json_node_get_int (errors);
        }
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Completed with %" PRId64 " error",
                                              "Completed with %" PRId64 " errors",
                                              n_errors), n_errors);
      sh_job_set_status (job, SH_JOB_COMPLETED);
      sh_job_set_progress (job, 100, message);
    }
  else
    {
      /* A workflow may say in a sentence what it did ("12 scenes generated, …"). */
      const char *summary = result != NULL
        ? json_object_get_string_member_with_default (result, "summary", NULL)
        : NULL;

      sh_job_set_status (job, SH_JOB_COMPLETED);
      if (sh_job_get_total_items (job) >= 0)
        sh_job_set_counts (job, sh_job_get_total_items (job), sh_job_get_total_items (job));
      sh_job_set_progress (job, 100, summary ? summary : _("Completed"));
    }

  if (result != NULL)
    sh_job_set_result (job, result);
  sh_job_set_sub_task (job, NULL);
  sh_job_set_eta (job, -1);
  record->completed_at = now_usec ();

  g_object_thaw_notify (G_OBJECT (job));

  g_debug ("Job %s (%s) ended %s", sh_job_get_id (job), sh_job_get_job_type (job),
           sh_job_status_to_string (sh_job_get_status (job)));

  run->finishing = TRUE;
  run->dirty = TRUE;
  g_clear_handle_id (&run->heartbeat_source, g_source_remove);
  if (!run->writing)
    persist (run);
}

/* The handler holds the run's task (and so the run and its context) until it returns,
 * even after an abandoned run has ended without it. */
static void
handler_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *run = g_task_get_task_data (task);
  g_autoptr(JsonObject) value = NULL;
  g_autoptr(GError) error = NULL;

  value = run->info->run_finish (result, &error);
  if (run->abandoned)
    {
      g_debug ("Job %s: the handler of the abandoned run returned", sh_job_get_id (run->job));
      return;
    }
  finish_run (run, value, error);
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     RunData      *run)
{
  /* May run in another thread's emission; the handler's cancellable is thread-safe. */
  g_cancellable_cancel (run->cancellable);
}

static void
on_handler_cancelled (GCancellable *cancellable,
                      RunData      *run)
{
  if (sh_job_get_status (run->job) == SH_JOB_RUNNING || sh_job_get_status (run->job) == SH_JOB_PENDING)
    {
      sh_job_set_status (run->job, SH_JOB_CANCELLING);
      sh_job_set_progress (run->job, sh_job_get_progress (run->job), _("Cancelling…"));
    }
}

/* Several beats per stale period, so that one late beat does not make a live job stale. */
static guint
heartbeat_interval (ShJobManager *self)
{
  return CLAMP (self->stale_after_s / 3, 1, HEARTBEAT_S);
}

static void
start_run (ShJobManager *self,
           ShJob        *job,
           gboolean      reattach,
           GCancellable *cancellable,
           GTask        *task)
{
  const ShJobTypeInfo *info = sh_job_manager_lookup_type (self, sh_job_get_job_type (job));
  g_autoptr(GError) error = NULL;
  ShJobRecord *record;
  RunData *run;

  if (info == NULL)
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_UNKNOWN_TYPE,
                               _("This version of StashHog cannot run jobs of type “%s”."),
                               sh_job_get_job_type (job));
      return;
    }

  if (g_hash_table_contains (self->runs, sh_job_get_id (job)))
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT,
                               _("The job %s is already running."), sh_job_get_id (job));
      return;
    }

  run = g_new0 (RunData, 1);
  run->manager = g_object_ref (self);
  run->job = g_object_ref (job);
  run->task = g_object_ref (task);
  run->info = info;
  run->cancellable = g_cancellable_new ();
  run->context.manager = self;
  run->context.job = job;
  run->context.reattach = reattach;
  run->context.run = run;
  run->context.parameters = sh_job_dup_parameters (job);
  g_task_set_task_data (task, run, (GDestroyNotify) run_data_free);
  g_hash_table_insert (self->runs, (gpointer) sh_job_get_id (job), run);

  if (cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (cancellable);
      run->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (on_caller_cancelled),
                                                        run, NULL);
    }
  g_signal_connect (run->cancellable, "cancelled", G_CALLBACK (on_handler_cancelled), run);

  /* Parameters are validated again: a retried job or another process may hold old ones. */
  if (info->validate != NULL && !info->validate (run->context.parameters, &error))
    {
      finish_run (run, NULL, error);
      return;
    }

  record = (ShJobRecord *) sh_job_get_record (job);
  if (!reattach || record->started_at == 0)
    record->started_at = now_usec ();
  sh_job_set_status (job, SH_JOB_RUNNING);
  run->notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), run);
  /* Ours since its creation or its recovery; claiming again refreshes the heartbeat, and
   * makes a job created without an owner ours. */
  sh_job_store_claim_async (self->job_store, sh_job_get_id (job), self->owner,
                            self->stale_after_s, NULL, claim_cb, g_strdup (sh_job_get_id (job)));
  run->heartbeat_source = g_timeout_add_seconds (heartbeat_interval (self), heartbeat, run);
  persist (run);

  g_debug ("Job %s (%s) %s", sh_job_get_id (job), info->name, reattach ? "re-attached" : "started");
  info->run_async (&run->context, run->cancellable, handler_cb, g_object_ref (task));
}

/**
 * sh_job_manager_run_async:
 * @self: a #ShJobManager
 * @job: a pending job of this manager
 * @cancellable: (nullable): cancelling it cancels the job (as sh_job_manager_cancel())
 * @callback: called when the job has ended, whatever its status
 * @user_data: data for @callback
 *
 * Runs a job. The callback sees an error only when the job could not be run at all; the
 * job's own outcome is its status.
 */
void
sh_job_manager_run_async (ShJobManager        *self,
                          ShJob               *job,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_run_async);

  if (sh_job_get_status (job) != SH_JOB_PENDING)
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT,
                               _("The job %s has already run; retry it instead."),
                               sh_job_get_id (job));
      return;
    }

  start_run (self, job, FALSE, cancellable, task);
}

gboolean
sh_job_manager_run_finish (ShJobManager  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_job_manager_cancel:
 * @self: a #ShJobManager
 * @job: a job this manager is running
 *
 * Asks the job to stop. Its status becomes `cancelling` at once and `cancelled` when the
 * work (and, for Generate, Stash) has really stopped.
 */
void
sh_job_manager_cancel (ShJobManager *self,
                       ShJob        *job)
{
  RunData *run;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  run = g_hash_table_lookup (self->runs, sh_job_get_id (job));
  if (run != NULL)
    g_cancellable_cancel (run->cancellable);
}

static void
stop_stash_job_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_stash_client_stop_job_finish (SH_STASH_CLIENT (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
request_cancel_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  ShJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_request_cancel_finish (SH_JOB_STORE (object), result, &error))
    {
      if (error == NULL)
        error = g_error_new (SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE,
                             _("The job is not running any more."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A Generate run elsewhere is also stopped in Stash at once: its owner sees CANCELLED
   * and records it (and a Generate whose owner died is stopped all the same). */
  if (g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) == 0 &&
      sh_job_get_stash_job_id (job) != NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      sh_stash_client_stop_job_async (self->client, sh_job_get_stash_job_id (job), cancellable,
                                      stop_stash_job_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * sh_job_manager_request_cancel_async:
 * @self: a #ShJobManager
 * @job: an active job, of any type, run here or by another process (on this machine or
 *   another one sharing the database)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the cancellation is asked for
 * @user_data: data for @callback
 *
 * The one cancel rule, for the app and stashhogctl: cancels a job wherever it runs. Here,
 * as sh_job_manager_cancel(). Elsewhere, the job's row turns `cancelling`; its owner sees
 * it on its next heartbeat (a few seconds) and cancels its run, which ends `cancelled` as
 * if cancelled there; a Generate is also stopped in Stash at once. A job that is not
 * active fails with %SH_JOB_ERROR_NOT_RETRYABLE.
 */
void
sh_job_manager_request_cancel_async (ShJobManager        *self,
                                     ShJob               *job,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_request_cancel_async);
  g_task_set_task_data (task, g_object_ref (job), g_object_unref);

  if (!sh_job_is_active (job))
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE,
                               _("The job is not running any more."));
      return;
    }

  if (sh_job_manager_is_running_here (self, job))
    {
      sh_job_manager_cancel (self, job);
      g_task_return_boolean (task, TRUE);
      return;
    }

  sh_job_store_request_cancel_async (self->job_store, sh_job_get_id (job), cancellable,
                                     request_cancel_cb, g_steal_pointer (&task));
}

gboolean
sh_job_manager_request_cancel_finish (ShJobManager  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sh_job_manager_is_running_here (ShJobManager *self,
                                ShJob        *job)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (SH_IS_JOB (job), FALSE);

  return g_hash_table_contains (self->runs, sh_job_get_id (job));
}

/**
 * sh_job_manager_abandon:
 * @self: a #ShJobManager
 * @job: a job this manager is running
 *
 * Stops waiting for a job to stop — when Stash never confirms a stop and the user insists.
 * The job is cancelled (if it was not yet), then ends at once as failed, its error saying
 * that StashHog stopped waiting and that Stash may still be stopping its job: a job shown
 * as cancelled never has a Stash job behind it. The handler learns it from
 * sh_job_context_is_abandoned(); whatever it returns later is ignored.
 *
 * Returns: %TRUE when the job was abandoned; %FALSE when it does not run here or has ended
 */
gboolean
sh_job_manager_abandon (ShJobManager *self,
                        ShJob        *job)
{
  g_autoptr(GError) error = NULL;
  const char *stash_job_id;
  RunData *run;

  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (SH_IS_JOB (job), FALSE);

  run = g_hash_table_lookup (self->runs, sh_job_get_id (job));
  if (run == NULL || run->finishing)
    return FALSE;

  /* Abandoned first: a handler that returns as soon as it is cancelled is ignored too. */
  run->abandoned = TRUE;
  g_cancellable_cancel (run->cancellable);

  stash_job_id = sh_job_get_stash_job_id (job);
  if (stash_job_id != NULL)
    error = g_error_new (SH_JOB_ERROR, SH_JOB_ERROR_STOP_TIMEOUT,
                         _("StashHog stopped waiting for Stash to confirm the stop; Stash may "
                           "still be stopping job %s. No scene was marked as generated."),
                         stash_job_id);
  else
    error = g_error_new (SH_JOB_ERROR, SH_JOB_ERROR_STOP_TIMEOUT,
                         _("StashHog stopped waiting for the job to stop."));
  finish_run (run, NULL, error);

  return TRUE;
}

/**
 * sh_job_manager_wait_async:
 * @self: a #ShJobManager
 * @job: a job
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when this manager's run of @job has ended (at once if it runs
 *   elsewhere or not at all)
 * @user_data: data for @callback
 *
 * Waits for a run started by someone else: a job re-attached at load, say.
 */
void
sh_job_manager_wait_async (ShJobManager        *self,
                           ShJob               *job,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *run;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_wait_async);

  run = g_hash_table_lookup (self->runs, sh_job_get_id (job));
  if (run == NULL || run->task == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (run->waiters == NULL)
    run->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (run->waiters, g_steal_pointer (&task));
}

gboolean
sh_job_manager_wait_finish (ShJobManager  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_job_manager_get_owner:
 * @self: a #ShJobManager
 *
 * Returns: the name this manager (this process) goes by in `job_owner`
 */
const char *
sh_job_manager_get_owner (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  return self->owner;
}

/**
 * sh_job_manager_set_stale_after:
 * @self: a #ShJobManager
 * @seconds: how long a job's owner may go without a heartbeat before the job counts as
 *   orphaned (at least 1; 30 by default)
 *
 * Also sets how often this manager's own jobs beat (a third of it, at most every 5 s).
 * Processes sharing a database should agree on it; tests shorten it.
 */
void
sh_job_manager_set_stale_after (ShJobManager *self,
                                guint         seconds)
{
  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  self->stale_after_s = MAX (seconds, 1);
}

guint
sh_job_manager_get_stale_after (ShJobManager *self)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), 0);
  return self->stale_after_s;
}

/* Creating */

typedef struct
{
  ShJobRecord *record;   /* (owned) */
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_clear_pointer (&data->record, sh_job_record_free);
  g_free (data);
}

static void
insert_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(ShJobRecord) conflict = NULL;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_insert_finish (SH_JOB_STORE (object), result, &conflict, &error))
    {
      if (g_error_matches (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT))
        g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT, "%s",
                                 error->message);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (track_record (self, data->record, TRUE)),
                         g_object_unref);
}

/**
 * sh_job_manager_create_async:
 * @self: a #ShJobManager
 * @type: the job type
 * @parameters: (nullable): the parameters; validated, defaults filled in
 * @parent_id: (nullable): the workflow job this one is a step of
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Creates a pending job and saves it. A second active job of an exclusive type for the
 * same server is refused (%SH_JOB_ERROR_CONFLICT, naming the active job), by the database,
 * so that two processes sharing it cannot both start one.
 */
void
sh_job_manager_create_async (ShJobManager        *self,
                             const char          *type,
                             JsonObject          *parameters,
                             const char          *parent_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) params = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const ShJobTypeInfo *info;
  CreateData *data;
  ShJobRecord *record;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_create_async);

  info = sh_job_manager_lookup_type (self, type);
  if (info == NULL)
    {
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_UNKNOWN_TYPE,
                               _("There is no job type “%s”."), type);
      return;
    }

  /* Validation may fill in defaults: work on a copy. */
  node = json_node_init_object (json_node_alloc (), parameters ? parameters : json_object_new ());
  {
    g_autoptr(JsonNode) copy = json_node_copy (node);

    params = json_object_ref (json_node_get_object (copy));
  }
  if (info->validate != NULL && !info->validate (params, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (CreateData, 1);
  record = data->record = sh_job_record_new ();
  record->id = g_uuid_string_random ();
  record->type = g_strdup (type);
  record->status = g_strdup ("pending");
  record->server_id = self->server_id;
  record->progress = 0;
  record->processed_items = -1;
  record->total_items = -1;
  record->message = g_strdup (_("Waiting to start"));
  {
    g_autoptr(JsonNode) params_node = json_node_init_object (json_node_alloc (), params);

    record->parameters = json_to_string (params_node, FALSE);
  }
  record->parent_job_id = g_strdup (parent_id);
  record->created_at = record->updated_at = now_usec ();
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);

  /* Owned from the start: a pending job is as alive as the process that will run it. */
  sh_job_store_insert_owned_async (self->job_store, record, self->owner, cancellable,
                                   insert_cb, g_steal_pointer (&task));
}

/**
 * sh_job_manager_create_finish:
 * @self: a #ShJobManager
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new pending job, also in the job list
 */
ShJob *
sh_job_manager_create_finish (ShJobManager  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
started_run_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* How the job ended is on the job; this is about running it at all, which a fresh job
   * always is. */
  if (!sh_job_manager_run_finish (SH_JOB_MANAGER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("A started job could not run: %s", error->message);
}

static void
start_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = SH_JOB_MANAGER (object);
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = sh_job_manager_create_finish (self, result, &error);
  if (job == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Not cancellable: once the job is in the database it must run, or it would block
   * every later job of its type. */
  sh_job_manager_run_async (self, job, NULL, started_run_cb, NULL);
  g_task_return_pointer (task, g_steal_pointer (&job), g_object_unref);
}

/**
 * sh_job_manager_start_async:
 * @self: a #ShJobManager
 * @type: a registered job type
 * @parameters: (nullable): its parameters, validated by the type
 * @cancellable: (nullable): a #GCancellable for the creation only
 * @callback: called once the job is created, and running
 * @user_data: data for @callback
 *
 * The one way to start a job, for the app, its dialogs, the scheduler and stashhogctl:
 * creates it (a second active job of an exclusive type is refused with
 * %SH_JOB_ERROR_CONFLICT) and runs it here. Its progress and outcome are on the job;
 * sh_job_manager_wait_async() waits for the run.
 */
void
sh_job_manager_start_async (ShJobManager        *self,
                            const char          *type,
                            JsonObject          *parameters,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_start_async);
  sh_job_manager_create_async (self, type, parameters, NULL, cancellable, start_created_cb,
                               g_steal_pointer (&task));
}

/**
 * sh_job_manager_start_finish:
 *
 * Returns: (transfer full): the job, now running; %NULL with @error set when it could not
 *   be created
 */
ShJob *
sh_job_manager_start_finish (ShJobManager  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sh_job_manager_retry_async:
 * @self: a #ShJobManager
 * @job: a failed or cancelled job
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Creates a new pending job of the same type with the same parameters.
 */
void
sh_job_manager_retry_async (ShJobManager        *self,
                            ShJob               *job,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) parameters = NULL;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));
  g_return_if_fail (SH_IS_JOB (job));

  if (sh_job_get_status (job) != SH_JOB_FAILED && sh_job_get_status (job) != SH_JOB_CANCELLED)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, sh_job_manager_create_async);
      g_task_return_new_error (task, SH_JOB_ERROR, SH_JOB_ERROR_NOT_RETRYABLE,
                               _("Only failed and cancelled jobs can be retried; this one "
                                 "is %s."), sh_job_status_to_string (sh_job_get_status (job)));
      return;
    }

  parameters = sh_job_dup_parameters (job);
  sh_job_manager_create_async (self, sh_job_get_job_type (job), parameters, NULL, cancellable,
                               callback, user_data);
}

ShJob *
sh_job_manager_retry_finish (ShJobManager  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return sh_job_manager_create_finish (self, result, error);
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

  g_task_return_pointer (task, g_object_ref (track_record (self, record, TRUE)), g_object_unref);
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

/* Loading and recovery */

typedef struct
{
  guint          limit;
  ShJobRecovery  recovery;
  guint          pending;    /* recoveries in flight */
  GError        *error;      /* (owned) (nullable) the first one */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
load_step_done (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    return;

  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
reattached_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sh_job_manager_run_finish (SH_JOB_MANAGER (object), result, &error))
    g_warning ("A re-attached job could not run: %s", error->message);
}

typedef enum
{
  RECOVER_FAIL,
  RECOVER_REATTACH,
} RecoverAction;

typedef struct
{
  GTask         *task;   /* (owned) */
  ShJob         *job;    /* (owned) */
  RecoverAction  action;
  char          *why;    /* (owned) (nullable) for RECOVER_FAIL */
} RecoverData;

static RecoverData *
recover_data_new (GTask *task,
                  ShJob *job)
{
  RecoverData *recover = g_new0 (RecoverData, 1);

  recover->task = g_object_ref (task);
  recover->job = g_object_ref (job);

  return recover;
}

/* Ends one recovery step. */
static void
recover_data_done (RecoverData *recover)
{
  load_step_done (recover->task);
  g_object_unref (recover->task);
  g_object_unref (recover->job);
  g_free (recover->why);
  g_free (recover);
}

static void
recover_keep_error (RecoverData *recover,
                    GError      *error)
{
  LoadData *data = g_task_get_task_data (recover->task);

  if (data->error == NULL)
    data->error = error;
  else
    g_error_free (error);
}

static void
released_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RecoverData *recover = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_job_store_release_finish (SH_JOB_STORE (object), result, &error))
    g_debug ("Could not release job %s: %s", sh_job_get_id (recover->job), error->message);

  recover_data_done (recover);
}

static void
mark_failed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RecoverData *recover = user_data;
  ShJobManager *self = g_task_get_source_object (recover->task);
  GError *error = NULL;

  if (!sh_job_store_update_finish (SH_JOB_STORE (object), result, &error))
    {
      recover_keep_error (recover, error);
      recover_data_done (recover);
      return;
    }

  sh_job_store_release_async (self->job_store, sh_job_get_id (recover->job), self->owner, NULL,
                              released_cb, recover);
}

/* The job is ours (claimed): fail it with the reason. */
static void
mark_interrupted (RecoverData *recover)
{
  ShJobManager *self = g_task_get_source_object (recover->task);
  ShJob *job = recover->job;
  g_autoptr(ShJobRecord) record = NULL;

  g_debug ("Job %s (%s) orphaned: failing it", sh_job_get_id (job), sh_job_get_job_type (job));
  sh_job_set_status (job, SH_JOB_FAILED);
  sh_job_set_error (job, recover->why);
  sh_job_set_progress (job, sh_job_get_progress (job), _("Interrupted"));
  record = sh_job_record_copy (sh_job_get_record (job));
  record->completed_at = record->updated_at = now_usec ();

  sh_job_store_update_async (self->job_store, record, NULL, mark_failed_cb, recover);
}

static void
recover_claim_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RecoverData *recover = user_data;
  ShJobManager *self = g_task_get_source_object (recover->task);
  GError *error = NULL;

  if (!sh_job_store_claim_finish (SH_JOB_STORE (object), result, &error))
    {
      /* Another process got there first (or the job ended meanwhile): its business. */
      if (error != NULL)
        recover_keep_error (recover, error);
      else
        g_debug ("Job %s was claimed by another process", sh_job_get_id (recover->job));
      recover_data_done (recover);
      return;
    }

  if (recover->action == RECOVER_FAIL)
    {
      mark_interrupted (recover);
      return;
    }

  /* Same id and addTime: the same Stash job. Follow it to the end. */
  {
    g_autoptr(GTask) run_task = g_task_new (self, NULL, reattached_cb, NULL);

    g_debug ("Job %s orphaned: re-attaching to Stash job %s", sh_job_get_id (recover->job),
             sh_job_get_stash_job_id (recover->job));
    g_task_set_source_tag (run_task, sh_job_manager_run_async);
    sh_job_set_status (recover->job, SH_JOB_PENDING);
    start_run (self, recover->job, TRUE, NULL, run_task);
  }
  recover_data_done (recover);
}

/* Takes the job from its dead owner, then fails or re-attaches it. */
static void
recover_claim (RecoverData   *recover,
               RecoverAction  action,
               const char    *why)
{
  ShJobManager *self = g_task_get_source_object (recover->task);

  recover->action = action;
  recover->why = g_strdup (why);
  sh_job_store_claim_async (self->job_store, sh_job_get_id (recover->job), self->owner,
                            self->stale_after_s, NULL, recover_claim_cb, recover);
}

static void
find_stash_job_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RecoverData *recover = user_data;
  LoadData *data = g_task_get_task_data (recover->task);
  g_autoptr(ShStashJob) stash_job = NULL;
  g_autoptr(GError) error = NULL;
  const ShJobRecord *record = sh_job_get_record (recover->job);

  if (!sh_stash_client_find_job_finish (SH_STASH_CLIENT (object), result, &stash_job, &error))
    {
      /* Stash is unreachable: re-attach all the same; the job's own retry and grace period
       * decide, rather than failing a job that may still be running. */
      g_debug ("Could not ask Stash about job %s: %s", record->stash_job_id, error->message);
    }

  if (error == NULL &&
      (stash_job == NULL || g_strcmp0 (stash_job->add_time, record->stash_job_added_at) != 0))
    {
      recover_claim (recover, RECOVER_FAIL,
                     _("StashHog stopped while this job was running, and Stash no longer "
                       "has its job (Stash restarted, or the job ended more than ten jobs "
                       "ago). No scene was marked as generated; run it again."));
    }
  else if (data->recovery == SH_JOB_RECOVERY_REATTACH)
    recover_claim (recover, RECOVER_REATTACH, NULL);
  else
    {
      /* Left orphaned for a process that re-attaches (the app, a `generate`). */
      recover_data_done (recover);
    }
}

static void
recover (GTask *task,
         ShJob *job)
{
  ShJobManager *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  const ShJobRecord *record = sh_job_get_record (job);
  RecoverData *recover_data = recover_data_new (task, job);

  data->pending++;
  if (g_strcmp0 (record->type, SH_JOB_TYPE_GENERATE) == 0 && record->stash_job_id != NULL)
    {
      sh_stash_client_find_job_async (self->client, record->stash_job_id, NULL,
                                      find_stash_job_cb, recover_data);
      return;
    }

  recover_claim (recover_data, RECOVER_FAIL,
                 _("The StashHog process that ran this job stopped (it no longer answers). "
                   "Nothing was recorded for it; run it again."));
}

static void
list_orphaned_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  LoadData *data = g_task_get_task_data (task);

  records = sh_job_store_list_orphaned_finish (SH_JOB_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->pending = 1;
  for (guint i = 0; i < records->len; i++)
    {
      ShJobRecord *record = g_ptr_array_index (records, i);

      if (g_hash_table_contains (self->runs, record->id))
        continue;
      recover (task, track_record (self, record, TRUE));
    }
  load_step_done (task);
}

static void
start_recovery (GTask *task)
{
  ShJobManager *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (data->recovery == SH_JOB_RECOVERY_NONE)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  sh_job_store_list_orphaned_async (self->job_store, self->server_id, self->stale_after_s,
                                    cancellable, list_orphaned_cb, task);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShJobManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = sh_job_store_list_finish (SH_JOB_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < records->len; i++)
    track_record (self, g_ptr_array_index (records, i), FALSE);

  start_recovery (g_steal_pointer (&task));
}

/**
 * sh_job_manager_load_async:
 * @self: a #ShJobManager
 * @limit: how many recent jobs to list (0 for all)
 * @recovery: what to do with orphaned jobs (%FALSE and %TRUE, as this argument was once a
 *   boolean, mean %SH_JOB_RECOVERY_FAIL and %SH_JOB_RECOVERY_REATTACH)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Fills the job list from the database, then recovers the orphaned jobs as
 * sh_job_manager_recover_async() does. Jobs another live process runs are left alone.
 * When it returns, re-attached jobs run here (sh_job_manager_is_running_here()).
 */
void
sh_job_manager_load_async (ShJobManager        *self,
                           guint                limit,
                           ShJobRecovery        recovery,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_load_async);
  data = g_new0 (LoadData, 1);
  data->limit = limit;
  data->recovery = recovery;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  sh_job_store_list_async (self->job_store, self->server_id, NULL, NULL, 0, limit,
                           cancellable, list_cb, g_steal_pointer (&task));
}

gboolean
sh_job_manager_load_finish (ShJobManager  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_job_manager_recover_async:
 * @self: a #ShJobManager
 * @recovery: %SH_JOB_RECOVERY_FAIL or %SH_JOB_RECOVERY_REATTACH
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Recovers this server's orphaned jobs: the active jobs whose owner's heartbeat is stale
 * by the database's clock (sh_job_manager_set_stale_after()). Each is first claimed, so
 * that of several processes one recovers it. A Generate whose Stash job still exists or
 * is still remembered (same id and addTime) is re-attached with
 * %SH_JOB_RECOVERY_REATTACH, and left orphaned otherwise; a Generate whose Stash job is
 * gone, and any other job, is marked failed with the reason.
 */
void
sh_job_manager_recover_async (ShJobManager        *self,
                              ShJobRecovery        recovery,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  LoadData *data;

  g_return_if_fail (SH_IS_JOB_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_job_manager_recover_async);
  data = g_new0 (LoadData, 1);
  data->recovery = recovery;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  start_recovery (task);
}

gboolean
sh_job_manager_recover_finish (ShJobManager  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SH_IS_JOB_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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
      track_record (self, record, TRUE);
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
