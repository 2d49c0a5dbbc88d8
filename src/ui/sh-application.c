/* sh-application.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application owns the session (database, Stash client, job manager): it opens it at
 * start-up when a server is configured, again when the user connects to another server or
 * database, and closes it at shutdown. Jobs are created here and run in the background,
 * whatever window started them; a job that ends while no window is focused is announced
 * with a desktop notification.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sh-application-private.h"
#include "sh-config.h"
#include "sh-core.h"
#include "sh-job-error.h"
#include "sh-preferences-window.h"
#include "sh-secrets.h"
#include "sh-ui-enums.h"
#include "sh-window.h"
#include "stashhog-ui-resources.h"


enum {
  PROP_0,
  PROP_SESSION,
  PROP_STATE,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  JOB_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShApplication, sh_application, ADW_TYPE_APPLICATION)

ShApplication *
sh_application_new (void)
{
  return g_object_new (SH_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * sh_application_get_settings:
 * @self: a #ShApplication
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
sh_application_get_settings (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * sh_application_get_session:
 * @self: a #ShApplication
 *
 * Returns: (transfer none) (nullable): the open session, if there is one
 */
ShSession *
sh_application_get_session (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), NULL);

  return self->session;
}

ShConnectionState
sh_application_get_state (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), SH_CONNECTION_UNCONFIGURED);

  return self->state;
}

/**
 * sh_application_get_error_domain:
 * @self: a #ShApplication
 *
 * Returns: the domain of the error that kept the session from opening (%SH_STASH_ERROR for
 *   the server's address, the store's for the database), or 0
 */
GQuark
sh_application_get_error_domain (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), 0);

  return self->error_domain;
}

/**
 * sh_application_get_error:
 * @self: a #ShApplication
 *
 * Returns: (nullable): why the session could not be opened
 */
const char *
sh_application_get_error (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), NULL);

  return self->error;
}

ShWindow *
sh_application_get_main_window (ShApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (SH_IS_WINDOW (active))
    return SH_WINDOW (active);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (SH_IS_WINDOW (l->data))
        return SH_WINDOW (l->data);
    }

  return NULL;
}

void
sh_application_toast (ShApplication *self,
                      const char    *message)
{
  ShWindow *window = sh_application_get_main_window (self);

  if (window != NULL)
    sh_window_add_toast (window, adw_toast_new (message));
}

static gboolean
is_postgres (const char *database)
{
  return database != NULL && g_str_has_prefix (database, "postgres");
}

/* The session */

static void
sh_application_set_state (ShApplication     *self,
                          ShConnectionState  state,
                          const char        *error)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (self->error, error) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void
apply_poll_interval (ShApplication *self)
{
  guint seconds = g_settings_get_uint (self->settings, "poll-interval");

  if (self->session != NULL)
    sh_job_manager_set_poll_interval (sh_session_get_job_manager (self->session),
                                      seconds * 1000);
}

/* As for stashhogctl (sh_config_get_request_timeout()); a bad STASHHOG_REQUEST_TIMEOUT
 * falls back to the setting. */
static guint
request_timeout (ShApplication *self)
{
  guint seconds = sh_config_get_request_timeout (self->settings, NULL);

  return seconds > 0 ? seconds : g_settings_get_uint (self->settings, "request-timeout");
}

static void
apply_request_timeout (ShApplication *self)
{
  if (self->session != NULL)
    sh_session_set_request_timeout (self->session, request_timeout (self));
}

static void
apply_failing_threshold (ShApplication *self)
{
  if (self->session != NULL)
    sh_database_set_failing_threshold (sh_session_get_database (self->session),
                                       sh_config_get_failing_threshold (self->settings));
}

static void
sh_application_close_session (ShApplication *self)
{
  g_autoptr(ShSession) session = g_steal_pointer (&self->session);

  if (session == NULL)
    return;

  _sh_application_watch_jobs (self, NULL);
  if (self->scheduler != NULL)
    sh_scheduler_set_job_manager (self->scheduler, NULL);

  /* Let the windows drop what they hold of it first. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  sh_session_close (session);
}

typedef struct
{
  char *url;
  char *api_key;
  char *fingerprint;
  char *database;
  char *password;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_free (data->url);
  g_free (data->api_key);
  g_free (data->fingerprint);
  g_free (data->database);
  g_free (data->password);
  g_free (data);
}

static void
session_open_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShSession *session = SH_SESSION (object);
  g_autoptr(GError) error = NULL;

  if (!sh_session_open_finish (session, result, &error))
    {
      sh_session_close (session);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (session), g_object_unref);
}

static void
connect_open_session (GTask *task)
{
  ShApplication *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(ShSession) session = NULL;

  session = sh_session_new (data->url, data->api_key, data->fingerprint, data->database,
                            data->password);
  sh_session_set_request_timeout (session, request_timeout (self));
  sh_session_open_async (session, g_task_get_cancellable (task), session_open_cb,
                         g_object_ref (task));
}

static void
password_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->password = sh_secrets_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Without a keyring the server may still let us in (trust authentication, say). */
  if (error != NULL)
    g_debug ("The keyring could not be read: %s", error->message);

  connect_open_session (task);
}

static void
connect_database_password (GTask *task)
{
  ShApplication *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);

  if (!is_postgres (data->database))
    {
      connect_open_session (task);
      return;
    }

  if (g_getenv ("STASHHOG_DATABASE_PASSWORD") != NULL)
    {
      data->password = g_strdup (g_getenv ("STASHHOG_DATABASE_PASSWORD"));
      connect_open_session (task);
      return;
    }

  if (self->entered_database != NULL && g_str_equal (self->entered_database, data->database))
    {
      data->password = g_strdup (self->entered_password);
      connect_open_session (task);
      return;
    }

  sh_secrets_lookup_async (SH_SECRET_DATABASE_PASSWORD, data->database,
                           g_task_get_cancellable (task), password_lookup_cb,
                           g_object_ref (task));
}

static void
api_key_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->api_key = sh_secrets_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* No keyring is not an error: the server may need no key. */
  if (error != NULL)
    g_debug ("The keyring could not be read: %s", error->message);

  connect_database_password (task);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ShApplication *self = SH_APPLICATION (object);
  g_autoptr(ShSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  ShWindow *window;

  session = g_task_propagate_pointer (G_TASK (result), &error);

  /* Another attempt replaced this one, or the application is shutting down. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->connect_cancellable);
  version = g_steal_pointer (&self->announce_version);

  if (session == NULL)
    {
      self->error_domain = error->domain;
      sh_application_set_state (self, SH_CONNECTION_FAILED, error->message);
      return;
    }

  self->session = g_steal_pointer (&session);
  apply_poll_interval (self);
  apply_failing_threshold (self);
  if (self->scheduler != NULL)
    {
      /* Due runs waited for a connection; look again now. */
      sh_scheduler_set_job_manager (self->scheduler, sh_session_get_job_manager (self->session));
      sh_scheduler_tick (self->scheduler);
    }
  _sh_application_watch_jobs (self,
                             sh_job_manager_get_jobs (sh_session_get_job_manager (self->session)));

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  sh_application_set_state (self, SH_CONNECTION_CONNECTED, NULL);
  g_object_thaw_notify (G_OBJECT (self));

  window = sh_application_get_main_window (self);
  if (version != NULL && window != NULL)
    sh_window_offer_sync (window, version);
}

/**
 * sh_application_connect:
 * @self: a #ShApplication
 *
 * Opens a session with the configured server and database (closing the current one), or
 * goes back to %SH_CONNECTION_UNCONFIGURED when no server is configured. The API key
 * comes from `$STASHHOG_API_KEY`, else the keyring.
 */
void
sh_application_connect (ShApplication *self)
{
  g_autoptr(GTask) task = NULL;
  ConnectData *data;
  g_autofree char *url = NULL;

  g_return_if_fail (SH_IS_APPLICATION (self));

  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  sh_application_close_session (self);

  url = sh_config_dup_url (self->settings, NULL);
  if (url == NULL)
    {
      sh_application_set_state (self, SH_CONNECTION_UNCONFIGURED, NULL);
      return;
    }

  sh_application_set_state (self, SH_CONNECTION_CONNECTING, NULL);

  self->connect_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->connect_cancellable, connect_cb, NULL);
  g_task_set_source_tag (task, sh_application_connect);

  data = g_new0 (ConnectData, 1);
  data->fingerprint = sh_config_dup_trusted_fingerprint (self->settings, url);
  data->database = sh_config_dup_database (self->settings, NULL);
  data->url = g_steal_pointer (&url);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  if (sh_config_api_key_from_env ())
    {
      const char *key = g_getenv ("STASHHOG_API_KEY");

      data->api_key = *key != '\0' ? g_strdup (key) : NULL;
      connect_database_password (task);
    }
  else if (self->entered_url != NULL && g_str_equal (self->entered_url, data->url))
    {
      data->api_key = g_strdup (self->entered_key);
      connect_database_password (task);
    }
  else
    {
      sh_secrets_lookup_async (SH_SECRET_API_KEY, data->url, self->connect_cancellable,
                               api_key_lookup_cb, g_object_ref (task));
    }
}

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ShApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (sh_secrets_store_finish (result, &error))
    return;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message =
        g_strdup_printf (_("The keyring could not keep the secret: %s. StashHog uses it "
                           "until it quits."), error->message);

      sh_application_toast (self, message);
    }
}

static void
secret_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ShApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_secrets_clear_finish (result, &error))
    g_debug ("The keyring could not be cleared: %s", error->message);
}

/**
 * sh_application_use_server:
 * @self: a #ShApplication
 * @url: the server address the user tested
 * @api_key: (nullable): the API key that worked
 * @version: (nullable): Stash's version, to announce once connected
 *
 * Saves the server (the address in the settings unless `$STASHHOG_URL` decides it, the
 * key in the keyring unless `$STASHHOG_API_KEY` does) and connects to it.
 */
void
sh_application_use_server (ShApplication *self,
                           const char    *url,
                           const char    *api_key,
                           const char    *version)
{
  g_return_if_fail (SH_IS_APPLICATION (self));
  g_return_if_fail (url != NULL);

  if (api_key != NULL && *api_key == '\0')
    api_key = NULL;

  if (!sh_config_url_from_env ())
    g_settings_set_string (self->settings, "stash-url", url);

  if (!sh_config_api_key_from_env ())
    {
      g_free (self->entered_url);
      self->entered_url = g_strdup (url);
      g_free (self->entered_key);
      self->entered_key = g_strdup (api_key);

      if (api_key != NULL)
        sh_secrets_store_async (SH_SECRET_API_KEY, url, api_key, self->cancellable,
                                secret_stored_cb, g_object_ref (self));
      else
        sh_secrets_clear_async (SH_SECRET_API_KEY, url, self->cancellable,
                                secret_cleared_cb, g_object_ref (self));
    }

  g_free (self->announce_version);
  self->announce_version = g_strdup (version != NULL ? version : "");

  sh_application_connect (self);
}

/**
 * sh_application_set_database_password:
 * @self: a #ShApplication
 * @database: a postgresql:// address
 * @password: (nullable): the password it opened with; %NULL or empty for none
 *
 * Keeps the password of @database in the keyring (or forgets the one there, when it
 * opened without one), and uses it for the next connection to @database.
 */
void
sh_application_set_database_password (ShApplication *self,
                                      const char    *database,
                                      const char    *password)
{
  g_return_if_fail (SH_IS_APPLICATION (self));
  g_return_if_fail (is_postgres (database));

  if (password != NULL && *password == '\0')
    password = NULL;

  /* Used at once: the keyring is asynchronous, and a connection may not wait for it. */
  g_free (self->entered_database);
  self->entered_database = g_strdup (database);
  g_free (self->entered_password);
  self->entered_password = g_strdup (password);

  if (password != NULL)
    sh_secrets_store_async (SH_SECRET_DATABASE_PASSWORD, database, password,
                            self->cancellable, secret_stored_cb, g_object_ref (self));
  else
    /* An old password must not be sent from now on. */
    sh_secrets_clear_async (SH_SECRET_DATABASE_PASSWORD, database, self->cancellable,
                            secret_cleared_cb, g_object_ref (self));
}

/**
 * sh_application_use_database:
 * @self: a #ShApplication
 * @database: (nullable): an SQLite path or a postgresql:// address; %NULL or empty for the
 *   default SQLite file
 * @password: (nullable): the PostgreSQL password that worked
 *
 * Saves the database choice (the password in the keyring) and connects again.
 */
void
sh_application_use_database (ShApplication *self,
                             const char    *database,
                             const char    *password)
{
  g_return_if_fail (SH_IS_APPLICATION (self));

  if (!sh_config_database_from_env ())
    g_settings_set_string (self->settings, "database-url", database != NULL ? database : "");

  if (is_postgres (database))
    sh_application_set_database_password (self, database, password);

  sh_application_connect (self);
}

/**
 * sh_application_has_running_jobs:
 * @self: a #ShApplication
 *
 * Returns: whether jobs run in this process, which closing the session would interrupt
 */
gboolean
sh_application_has_running_jobs (ShApplication *self)
{
  ShJobManager *manager;
  GListModel *jobs;

  g_return_val_if_fail (SH_IS_APPLICATION (self), FALSE);

  if (self->session == NULL)
    return FALSE;

  manager = sh_session_get_job_manager (self->session);
  jobs = sh_job_manager_get_jobs (manager);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (sh_job_is_active (job) && sh_job_manager_is_running_here (manager, job))
        return TRUE;
    }

  return FALSE;
}

/* GApplication */

static void
sh_application_activate (GApplication *app)
{
  ShApplication *self = SH_APPLICATION (app);
  ShWindow *window = sh_application_get_main_window (self);

  /* Started at login to run in the background: no window until the user opens it. */
  if (self->start_hidden)
    {
      self->start_hidden = FALSE;
      return;
    }

  if (window == NULL)
    window = sh_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
}

static void
on_poll_interval_changed (GSettings     *settings,
                          const char    *key,
                          ShApplication *self)
{
  apply_poll_interval (self);
}

static void
on_request_timeout_changed (GSettings     *settings,
                            const char    *key,
                            ShApplication *self)
{
  apply_request_timeout (self);
}

static void
on_failing_threshold_changed (GSettings     *settings,
                              const char    *key,
                              ShApplication *self)
{
  apply_failing_threshold (self);
}

static void
sh_application_startup (GApplication *app)
{
  ShApplication *self = SH_APPLICATION (app);
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *jobs_accels[] = { "<Alt>1", NULL };
  static const char *scenes_accels[] = { "<Alt>2", NULL };
  static const char *sync_accels[] = { "<Control><Shift>s", NULL };
  static const char *generate_accels[] = { "<Control>g", NULL };

  G_APPLICATION_CLASS (sh_application_parent_class)->startup (app);

  self->settings = g_settings_new (BASE_ID);
  self->poll_changed_id = g_signal_connect (self->settings, "changed::poll-interval",
                                            G_CALLBACK (on_poll_interval_changed), self);
  self->timeout_changed_id = g_signal_connect (self->settings, "changed::request-timeout",
                                               G_CALLBACK (on_request_timeout_changed), self);
  self->failing_changed_id = g_signal_connect (self->settings, "changed::failing-threshold",
                                               G_CALLBACK (on_failing_threshold_changed),
                                               self);

  /* Scheduled maintenance runs while the app does (in the background too, when set). */
  self->scheduler = sh_scheduler_new (self->settings);
  sh_scheduler_start (self->scheduler, 30);
  self->background = sh_background_new (G_APPLICATION (self), self->settings);

  gtk_window_set_default_icon_name (APP_ID);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::jobs",
                                         jobs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::scenes",
                                         scenes_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.sync-scenes",
                                         sync_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.generate",
                                         generate_accels);

  sh_application_connect (self);
}

static int
sh_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  ShApplication *self = SH_APPLICATION (app);

  if (g_variant_dict_contains (options, "background"))
    self->start_hidden = TRUE;

  return -1;
}

/**
 * sh_application_get_runs_in_background:
 * @self: a #ShApplication
 *
 * Returns: whether closing the window leaves StashHog running (and its jobs with it)
 */
gboolean
sh_application_get_runs_in_background (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), FALSE);

  return !self->quitting && self->background != NULL &&
         sh_background_get_active (self->background);
}

static void
sh_application_shutdown (GApplication *app)
{
  ShApplication *self = SH_APPLICATION (app);

  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  g_cancellable_cancel (self->cancellable);
  if (self->scheduler != NULL)
    sh_scheduler_stop (self->scheduler);
  g_clear_object (&self->background);
  sh_application_close_session (self);

  G_APPLICATION_CLASS (sh_application_parent_class)->shutdown (app);
}

static void
sh_application_dispose (GObject *object)
{
  ShApplication *self = SH_APPLICATION (object);

  _sh_application_watch_jobs (self, NULL);
  if (self->settings != NULL)
    {
      g_clear_signal_handler (&self->poll_changed_id, self->settings);
      g_clear_signal_handler (&self->timeout_changed_id, self->settings);
      g_clear_signal_handler (&self->failing_changed_id, self->settings);
    }
  g_clear_object (&self->scheduler);
  g_clear_object (&self->session);
  g_clear_object (&self->connect_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sh_application_parent_class)->dispose (object);
}

static void
sh_application_finalize (GObject *object)
{
  ShApplication *self = SH_APPLICATION (object);

  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->entered_url, g_free);
  g_clear_pointer (&self->entered_key, g_free);
  g_clear_pointer (&self->entered_database, g_free);
  g_clear_pointer (&self->entered_password, g_free);
  g_clear_pointer (&self->announce_version, g_free);

  G_OBJECT_CLASS (sh_application_parent_class)->finalize (object);
}

static void
sh_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ShApplication *self = SH_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_application_class_init (ShApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sh_application_dispose;
  object_class->finalize = sh_application_finalize;
  object_class->get_property = sh_application_get_property;

  /* Before any template is loaded. */
  sh_core_init ();
  sh_ui_register_resource ();

  app_class->activate = sh_application_activate;
  app_class->startup = sh_application_startup;
  app_class->shutdown = sh_application_shutdown;
  app_class->handle_local_options = sh_application_handle_local_options;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SH_TYPE_SESSION,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SH_TYPE_CONNECTION_STATE,
                       SH_CONNECTION_UNCONFIGURED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShApplication::job-ended:
   * @self: the application
   * @job: a job of the session that just completed, failed or was cancelled
   *
   * Emitted whichever process ran the job.
   */
  signals[JOB_ENDED] =
    g_signal_new ("job-ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SH_TYPE_JOB);
}

static void
sh_application_init (ShApplication *self)
{
  self->cancellable = g_cancellable_new ();

  _sh_application_add_actions (self);

  g_application_add_main_option (G_APPLICATION (self), "background", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE,
                                 _("Start without a window, to run scheduled maintenance"),
                                 NULL);
}

/**
 * sh_application_get_scheduler:
 * @self: a #ShApplication
 *
 * Returns: (transfer none) (nullable): the scheduler of maintenance runs, once started up
 */
ShScheduler *
sh_application_get_scheduler (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), NULL);

  return self->scheduler;
}
