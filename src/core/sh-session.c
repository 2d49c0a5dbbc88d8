/* sh-session.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a connection to one Stash server needs, opened together: the database
 * (migrated), the server's row, the client and the job manager with its jobs loaded and
 * orphaned ones recovered. While open, the job list follows what other processes do, and
 * jobs orphaned meanwhile (their process died) are recovered too. The desktop app and
 * every stashhogctl command open one, so that recovery is the same everywhere.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-session.h"

#define DEFAULT_REFRESH_MS 2000
#define HISTORY_LIMIT      500

struct _ShSession
{
  GObject        parent_instance;

  char          *url;              /* (owned) */
  char          *database_url;     /* (owned) (nullable) */
  char          *database_password; /* (owned) (nullable) */
  ShStashClient *client;           /* (owned) (nullable) until open */
  ShDatabase    *database;         /* (owned) (nullable) */
  ShSceneStore  *scene_store;      /* (owned) (nullable) */
  ShJobManager  *manager;          /* (owned) (nullable) */
  gint64         server_id;
  GCancellable  *cancellable;      /* (owned) */
  guint          refresh_ms;
  guint          request_timeout;  /* seconds; 0 for the client's default */
  guint          refresh_source;
  gboolean       refreshing;
  char          *api_key;          /* (owned) (nullable) */
  char          *fingerprint;      /* (owned) (nullable) */
  ShJobRecovery  recovery;
  guint          history_limit;
  gint64         last_recovery;    /* monotonic */
  gboolean       recovering;
};

G_DEFINE_FINAL_TYPE (ShSession, sh_session, G_TYPE_OBJECT)

static void
sh_session_dispose (GObject *object)
{
  ShSession *self = SH_SESSION (object);

  sh_session_close (self);

  G_OBJECT_CLASS (sh_session_parent_class)->dispose (object);
}

static void
sh_session_finalize (GObject *object)
{
  ShSession *self = SH_SESSION (object);

  g_free (self->url);
  g_free (self->database_url);
  if (self->database_password != NULL)
    memset (self->database_password, 0, strlen (self->database_password));
  g_free (self->database_password);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_free (self->fingerprint);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sh_session_parent_class)->finalize (object);
}

static void
sh_session_class_init (ShSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_session_dispose;
  object_class->finalize = sh_session_finalize;
}

static void
sh_session_init (ShSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->refresh_ms = DEFAULT_REFRESH_MS;
  self->server_id = -1;
  self->recovery = SH_JOB_RECOVERY_REATTACH;
  self->history_limit = HISTORY_LIMIT;
}

/**
 * sh_session_new:
 * @url: the Stash server's address
 * @api_key: (nullable): its API key
 * @trusted_fingerprint: (nullable): a certificate fingerprint the user trusted
 * @database: (nullable): an SQLite path or a postgresql:// address; %NULL for the default
 * @database_password: (nullable): the PostgreSQL password
 *
 * Returns: (transfer full): a session, not open yet
 */
ShSession *
sh_session_new (const char *url,
                const char *api_key,
                const char *trusted_fingerprint,
                const char *database,
                const char *database_password)
{
  ShSession *self;

  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (SH_TYPE_SESSION, NULL);
  self->url = g_strdup (url);
  self->api_key = g_strdup (api_key);
  self->fingerprint = g_strdup (trusted_fingerprint);
  self->database_url = g_strdup (database);
  self->database_password = g_strdup (database_password);

  return self;
}

static void refresh (ShSession *self);

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShSession) self = user_data;
  g_autoptr(GError) error = NULL;

  self->refreshing = FALSE;
  if (!sh_job_manager_refresh_finish (SH_JOB_MANAGER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not refresh the jobs: %s", error->message);
}

static gboolean
refresh_timeout (gpointer user_data)
{
  refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
recover_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShSession) self = user_data;
  g_autoptr(GError) error = NULL;

  self->recovering = FALSE;
  if (!sh_job_manager_recover_finish (SH_JOB_MANAGER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not recover orphaned jobs: %s", error->message);
}

static void
refresh (ShSession *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->manager == NULL)
    return;

  /* A process that dies while we are open leaves its jobs to us: look once per stale
   * period. */
  if (self->recovery != SH_JOB_RECOVERY_NONE && !self->recovering &&
      now - self->last_recovery >
        (gint64) sh_job_manager_get_stale_after (self->manager) * G_USEC_PER_SEC)
    {
      self->last_recovery = now;
      self->recovering = TRUE;
      sh_job_manager_recover_async (self->manager, self->recovery, self->cancellable,
                                    recover_cb, g_object_ref (self));
    }

  if (self->refreshing)
    return;

  self->refreshing = TRUE;
  sh_job_manager_refresh_async (self->manager, self->cancellable, refresh_cb,
                                g_object_ref (self));
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!sh_job_manager_load_finish (SH_JOB_MANAGER (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->refresh_ms > 0)
    self->refresh_source = g_timeout_add (self->refresh_ms, refresh_timeout, self);

  g_task_return_boolean (task, TRUE);
}

static void
ensure_server_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  const char *stale_after;

  self->server_id = sh_database_ensure_server_finish (SH_DATABASE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->scene_store = sh_scene_store_new (self->database);
  self->manager = sh_job_manager_new (self->database, self->client, self->server_id);
  stale_after = g_getenv ("STASHHOG_STALE_AFTER");
  if (stale_after != NULL && *stale_after != '\0')
    {
      guint64 seconds;

      /* For tests only: how soon a silent process's jobs count as orphaned. */
      if (g_ascii_string_to_unsigned (stale_after, 10, 1, 3600, &seconds, NULL))
        sh_job_manager_set_stale_after (self->manager, (guint) seconds);
      else
        g_warning ("Ignoring STASHHOG_STALE_AFTER=%s: not a number of seconds", stale_after);
    }
  self->last_recovery = g_get_monotonic_time ();
  sh_job_manager_load_async (self->manager, self->history_limit, self->recovery,
                             self->cancellable, load_cb, g_steal_pointer (&task));
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!sh_database_open_finish (SH_DATABASE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sh_database_ensure_server_async (self->database, sh_stash_client_get_base_url (self->client),
                                   self->cancellable, ensure_server_cb, g_steal_pointer (&task));
}

/**
 * sh_session_open_async:
 * @self: a #ShSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Opens the database (migrating it), records the server, creates the client and the job
 * manager, loads the job history and recovers the orphaned jobs as
 * sh_session_set_recovery() says (by default, re-attaching a Generate that a dead process
 * left running). Nothing is sent to Stash except to recover such a Generate.
 *
 * `STASHHOG_STALE_AFTER`, for tests only, sets how many seconds without a heartbeat make
 * a job orphaned (sh_job_manager_set_stale_after()).
 */
void
sh_session_open_async (ShSession           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SH_IS_SESSION (self));
  g_return_if_fail (self->database == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_session_open_async);

  self->client = sh_stash_client_new (self->url, self->api_key, &error);
  if (self->client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->fingerprint != NULL)
    sh_stash_client_set_trusted_fingerprint (self->client, self->fingerprint);
  if (self->request_timeout > 0)
    sh_stash_client_set_timeout (self->client, self->request_timeout);

  self->database = sh_database_new (self->database_url, self->database_password);
  sh_database_open_async (self->database, cancellable, open_cb, g_steal_pointer (&task));
}

gboolean
sh_session_open_finish (ShSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (SH_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sh_session_close:
 * @self: a #ShSession
 *
 * Stops following other processes and closes the database once its queued work is done.
 * Running jobs keep their references and finish first.
 */
void
sh_session_close (ShSession *self)
{
  g_return_if_fail (SH_IS_SESSION (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_object (&self->manager);
  g_clear_object (&self->scene_store);
  if (self->database != NULL)
    sh_database_close (self->database);
  g_clear_object (&self->database);
  g_clear_object (&self->client);
}

const char *
sh_session_get_url (ShSession *self)
{
  g_return_val_if_fail (SH_IS_SESSION (self), NULL);
  return self->url;
}

/**
 * sh_session_get_client:
 * @self: a #ShSession
 *
 * Returns: (transfer none) (nullable): the client, once open
 */
ShStashClient *
sh_session_get_client (ShSession *self)
{
  g_return_val_if_fail (SH_IS_SESSION (self), NULL);
  return self->client;
}

/**
 * sh_session_get_database:
 * @self: a #ShSession
 *
 * Returns: (transfer none) (nullable): the database, once open
 */
ShDatabase *
sh_session_get_database (ShSession *self)
{
  g_return_val_if_fail (SH_IS_SESSION (self), NULL);
  return self->database;
}

/**
 * sh_session_get_scene_store:
 * @self: a #ShSession
 *
 * Returns: (transfer none) (nullable): the scene store, once open
 */
ShSceneStore *
sh_session_get_scene_store (ShSession *self)
{
  g_return_val_if_fail (SH_IS_SESSION (self), NULL);
  return self->scene_store;
}

/**
 * sh_session_get_job_manager:
 * @self: a #ShSession
 *
 * Returns: (transfer none) (nullable): the job manager, once open
 */
ShJobManager *
sh_session_get_job_manager (ShSession *self)
{
  g_return_val_if_fail (SH_IS_SESSION (self), NULL);
  return self->manager;
}

gint64
sh_session_get_server_id (ShSession *self)
{
  g_return_val_if_fail (SH_IS_SESSION (self), -1);
  return self->server_id;
}

/**
 * sh_session_set_refresh_interval:
 * @self: a #ShSession
 * @msec: how often to look for jobs changed by other processes; 0 never
 *
 * Takes effect when the session is opened.
 */
void
sh_session_set_refresh_interval (ShSession *self,
                                 guint      msec)
{
  g_return_if_fail (SH_IS_SESSION (self));
  self->refresh_ms = msec;
}

/**
 * sh_session_set_request_timeout:
 * @self: a #ShSession
 * @seconds: how long a request to Stash may take in all, at least 1
 *
 * Sets the deadline of the client's requests, now if the session is open and when it
 * opens otherwise (see sh_stash_client_set_timeout()).
 */
void
sh_session_set_request_timeout (ShSession *self,
                                guint      seconds)
{
  g_return_if_fail (SH_IS_SESSION (self));
  g_return_if_fail (seconds > 0);

  self->request_timeout = seconds;
  if (self->client != NULL)
    sh_stash_client_set_timeout (self->client, seconds);
}

/**
 * sh_session_set_recovery:
 * @self: a #ShSession
 * @recovery: what to do with orphaned jobs; %SH_JOB_RECOVERY_REATTACH by default
 *
 * Takes effect when the session is opened. Commands that only look at the jobs use
 * %SH_JOB_RECOVERY_NONE, so that they show orphaned jobs as they are.
 */
void
sh_session_set_recovery (ShSession     *self,
                         ShJobRecovery  recovery)
{
  g_return_if_fail (SH_IS_SESSION (self));
  self->recovery = recovery;
}

/**
 * sh_session_set_history_limit:
 * @self: a #ShSession
 * @limit: how many recent jobs to load (0 for all; 500 by default)
 *
 * Takes effect when the session is opened.
 */
void
sh_session_set_history_limit (ShSession *self,
                              guint      limit)
{
  g_return_if_fail (SH_IS_SESSION (self));
  self->history_limit = limit;
}
