/* sh-window.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: the Jobs and Scenes views, the Run menu, and what the user does with
 * jobs (start, cancel, retry, look at one). The session belongs to the application; the
 * window shows whatever state it is in.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-generate-dialog.h"
#include "sh-job-details-window.h"
#include "sh-job-error.h"
#include "sh-jobs-page.h"
#include "sh-scene-store-summary.h"
#include "sh-scenes-page.h"
#include "sh-stash-error.h"
#include "sh-ui-util.h"
#include "sh-window.h"

#define TOAST_TIMEOUT_LONG 10
/* While the window is open, a lost connection is noticed within this time. */
#define SERVER_CHECK_INTERVAL_S 60

struct _ShWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;        /* (owned) */
  GCancellable         *cancellable;     /* (owned) */
  ShSession            *session;         /* (owned) (nullable) the one shown */
  GtkWindow            *details;         /* (nullable) weak: the job details window */
  gboolean              close_confirmed;
  GListModel           *active_jobs;     /* (owned) (nullable) the Jobs page's */
  gulong                active_jobs_id;
  guint                 server_check_id;
  guint                 server_check_interval;
  gboolean              checking_server;

  /* Template widgets */
  AdwViewStack         *stack;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *run_menu_button;
  GtkMenuButton        *primary_menu_button;
  GtkStack             *jobs_stack;
  AdwStatusPage        *jobs_status_page;
  GtkButton            *connect_button;
  GtkSpinner           *connecting_spinner;
  AdwStatusPage        *error_page;
  GtkWidget            *retry_button;
  ShJobsPage           *jobs_page;
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *database_banner;
  ShDatabase           *database;        /* (owned) (nullable) the session's, followed */
  gulong                available_id;
  GtkRevealer          *server_banner;
  GtkLabel             *server_banner_label;
};

G_DEFINE_FINAL_TYPE (ShWindow, sh_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const job_actions[] = {
  "win.sync-scenes", "win.full-sync", "win.check-media", "win.generate", "win.process-new",
};

ShWindow *
sh_window_new (ShApplication *application)
{
  g_return_val_if_fail (SH_IS_APPLICATION (application), NULL);

  return g_object_new (SH_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static ShApplication *
sh_window_get_app (ShWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return SH_IS_APPLICATION (app) ? SH_APPLICATION (app) : NULL;
}

/**
 * sh_window_get_visible_view:
 * @self: a #ShWindow
 *
 * Returns: (nullable): the name of the view shown, `jobs` or `scenes`
 */
const char *
sh_window_get_visible_view (ShWindow *self)
{
  g_return_val_if_fail (SH_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

/**
 * sh_window_add_toast:
 * @self: a #ShWindow
 * @toast: (transfer full): a toast
 */
void
sh_window_add_toast (ShWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * sh_window_get_details_window:
 * @self: a #ShWindow
 *
 * Returns: (transfer none) (nullable): the job details window, while one is open
 */
GtkWindow *
sh_window_get_details_window (ShWindow *self)
{
  g_return_val_if_fail (SH_IS_WINDOW (self), NULL);

  return self->details;
}

static void
sh_window_show_error (ShWindow     *self,
                      const char   *heading,
                      const GError *error)
{
  AdwMessageDialog *dialog;

  if (!g_error_matches (error, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT))
    {
      sh_window_add_toast (self, adw_toast_new (error->message));
      return;
    }

  /* A conflict names the job that is in the way: worth more than a passing toast. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static const ShJobTypeInfo *
lookup_type (ShWindow   *self,
             const char *type)
{
  if (self->session == NULL)
    return NULL;

  return sh_job_manager_lookup_type (sh_session_get_job_manager (self->session), type);
}

/* Starting jobs */

static void
job_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  /* A job that started is shown by the Jobs tab; a toast tells how it ends. */
  job = sh_application_start_job_finish (SH_APPLICATION (object), result, &error);
  if (job == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sh_window_show_error (self, _("Could Not Start the Job"), error);
}

/**
 * sh_window_run_job:
 * @self: a #ShWindow
 * @type: a job type
 * @parameters: (nullable): its parameters
 *
 * Starts a job, or tells the user why it could not (a conflict with a job already running
 * in a dialog, anything else in a toast). How it ends is told when it ends.
 */
void
sh_window_run_job (ShWindow   *self,
                   const char *type,
                   JsonObject *parameters)
{
  ShApplication *app;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (type != NULL);

  app = sh_window_get_app (self);
  if (app == NULL)
    return;

  /* Not cancelled with the window: a job created in the database must also be run, or a
   * pending one would block the next of its type. */
  sh_application_start_job_async (app, type, parameters, NULL, job_started_cb,
                                  g_object_ref (self));
}

static void
run_job_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  g_autoptr(JsonObject) parameters = json_object_new ();

  if (g_str_equal (action_name, "win.sync-scenes") || g_str_equal (action_name, "win.full-sync"))
    {
      json_object_set_boolean_member (parameters, "full",
                                      g_str_equal (action_name, "win.full-sync"));
      sh_window_run_job (self, SH_JOB_TYPE_SYNC, parameters);
    }
  else if (g_str_equal (action_name, "win.check-media"))
    sh_window_run_job (self, SH_JOB_TYPE_CHECK, parameters);
  else if (g_str_equal (action_name, "win.process-new"))
    sh_window_run_job (self, SH_JOB_TYPE_PROCESS_NEW, parameters);
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  ShGenerateDialog *dialog;
  GtkWidget *scenes;

  if (self->session == NULL)
    return;

  /* Scenes selected in the view shown: Ctrl+G is for them. */
  scenes = adw_view_stack_get_child_by_name (self->stack, "scenes");
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "scenes") == 0 &&
      SH_IS_SCENES_PAGE (scenes) && sh_scenes_page_generate_selected (SH_SCENES_PAGE (scenes)))
    return;

  /* No selection: the dialog offers every scene that is not generated yet. */
  dialog = sh_generate_dialog_new (GTK_WINDOW (self), self->session, NULL, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* One job */

static void
sh_window_present_details (ShWindow *self,
                           ShJob    *job)
{
  if (self->details == NULL)
    {
      self->details = GTK_WINDOW (sh_job_details_window_new (GTK_WINDOW (self)));
      g_object_add_weak_pointer (G_OBJECT (self->details), (gpointer *) &self->details);
    }

  sh_job_details_window_set_job (SH_JOB_DETAILS_WINDOW (self->details), job,
                                 lookup_type (self, sh_job_get_job_type (job)));
  gtk_window_present (self->details);
}

static ShJob *
find_job (ShWindow   *self,
          const char *job_id)
{
  GListModel *jobs;

  if (self->session == NULL)
    return NULL;

  jobs = sh_job_manager_get_jobs (sh_session_get_job_manager (self->session));
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (g_strcmp0 (sh_job_get_id (job), job_id) == 0)
        return g_steal_pointer (&job);
    }

  return NULL;
}

static void
get_job_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  job = sh_job_manager_get_job_finish (SH_JOB_MANAGER (object), result, &error);
  if (job == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sh_window_add_toast (self, adw_toast_new (error->message));
      return;
    }

  sh_window_present_details (self, job);
}

/**
 * sh_window_show_job:
 * @self: a #ShWindow
 * @job_id: a job id
 *
 * Opens the details of a job (from a row, a toast or a notification).
 */
void
sh_window_show_job (ShWindow   *self,
                    const char *job_id)
{
  g_autoptr(ShJob) job = NULL;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (job_id != NULL);

  if (self->session == NULL)
    return;

  job = find_job (self, job_id);
  if (job != NULL)
    {
      sh_window_present_details (self, job);
      return;
    }

  /* Older than the jobs loaded at start-up. */
  sh_job_manager_get_job_async (sh_session_get_job_manager (self->session), job_id,
                                self->cancellable, get_job_cb, g_object_ref (self));
}

static void
cancel_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_application_cancel_job_finish (SH_APPLICATION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sh_window_add_toast (self, adw_toast_new (error->message));
    }
}

static void
cancel_remote_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_application_cancel_job_finish (SH_APPLICATION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sh_window_add_toast (self, adw_toast_new (error->message));
      return;
    }

  sh_window_add_toast (self, adw_toast_new (_("Stash was asked to stop the job; it ends when "
                                              "Stash confirms.")));
}

/**
 * sh_window_cancel_job:
 * @self: a #ShWindow
 * @job: an active job
 */
void
sh_window_cancel_job (ShWindow *self,
                      ShJob    *job)
{
  ShApplication *app;
  gboolean here;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (SH_IS_JOB (job));

  app = sh_window_get_app (self);
  if (app == NULL || self->session == NULL)
    return;

  here = sh_job_manager_is_running_here (sh_session_get_job_manager (self->session), job);
  sh_application_cancel_job_async (app, job, self->cancellable,
                                   here ? cancel_cb : cancel_remote_cb, g_object_ref (self));
}

/* A retry started: the details follow the new job, which is the one the user now waits
 * for, and a toast leads to it. */
static void
follow_retry (ShWindow   *self,
              ShJob      *job,
              const char *message)
{
  AdwToast *toast;

  if (self->details != NULL && gtk_widget_get_visible (GTK_WIDGET (self->details)))
    sh_job_details_window_set_job (SH_JOB_DETAILS_WINDOW (self->details), job,
                                   lookup_type (self, sh_job_get_job_type (job)));

  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-job");
  adw_toast_set_action_target_value (toast, g_variant_new_string (sh_job_get_id (job)));
  sh_window_add_toast (self, toast);
}

static void
retry_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  job = sh_application_retry_job_finish (SH_APPLICATION (object), result, &error);
  if (job != NULL)
    follow_retry (self, job, _("Retrying as a new job"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sh_window_show_error (self, _("Could Not Retry the Job"), error);
}

/**
 * sh_window_retry_job:
 * @self: a #ShWindow
 * @job: a failed or cancelled job
 *
 * Runs the job again as a new job.
 */
void
sh_window_retry_job (ShWindow *self,
                     ShJob    *job)
{
  ShApplication *app;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (SH_IS_JOB (job));

  app = sh_window_get_app (self);
  if (app == NULL)
    return;

  sh_application_retry_job_async (app, job, NULL, retry_cb, g_object_ref (self));
}

static void
retry_failed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShJob) job = NULL;

  job = sh_application_start_job_finish (SH_APPLICATION (object), result, &error);
  if (job != NULL)
    follow_retry (self, job, _("Retrying the failed scenes as a new job"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sh_window_add_toast (self, adw_toast_new (error->message));
}

/**
 * sh_window_retry_failed_scenes:
 * @self: a #ShWindow
 * @job_id: the id of a Generate that left scenes incomplete
 *
 * Starts a Generate of exactly the scenes that job left incomplete.
 */
void
sh_window_retry_failed_scenes (ShWindow   *self,
                               const char *job_id)
{
  ShApplication *app;
  g_autoptr(JsonObject) parameters = NULL;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (job_id != NULL);

  app = sh_window_get_app (self);
  if (app == NULL)
    return;

  parameters = json_object_new ();
  json_object_set_string_member (parameters, "retry_failed_of", job_id);
  /* Not cancelled with the window: a job created in the database must also be run. */
  sh_application_start_job_async (app, SH_JOB_TYPE_GENERATE, parameters, NULL,
                                  retry_failed_cb, g_object_ref (self));
}

/**
 * sh_window_view_impacted_scenes:
 * @self: a #ShWindow
 * @job_id: a job id
 *
 * Shows the Scenes view, filtered to the scenes the job changed.
 */
void
sh_window_view_impacted_scenes (ShWindow   *self,
                                const char *job_id)
{
  GtkWidget *scenes;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (job_id != NULL);

  /* The details were a step on the way to the scenes. */
  if (self->details != NULL)
    gtk_window_close (self->details);

  scenes = adw_view_stack_get_child_by_name (self->stack, "scenes");
  adw_view_stack_set_visible_child_name (self->stack, "scenes");
  gtk_window_present (GTK_WINDOW (self));

  if (SH_IS_SCENES_PAGE (scenes))
    sh_scenes_page_show_job (SH_SCENES_PAGE (scenes), job_id);
}

static void
job_id_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  const char *job_id = g_variant_get_string (parameter, NULL);
  g_autoptr(ShJob) job = NULL;

  if (g_str_equal (action_name, "win.show-job"))
    {
      sh_window_show_job (self, job_id);
      return;
    }
  if (g_str_equal (action_name, "win.view-impacted"))
    {
      sh_window_view_impacted_scenes (self, job_id);
      return;
    }
  if (g_str_equal (action_name, "win.retry-failed"))
    {
      sh_window_retry_failed_scenes (self, job_id);
      return;
    }

  job = find_job (self, job_id);
  if (job == NULL)
    return;

  if (g_str_equal (action_name, "win.cancel-job"))
    sh_window_cancel_job (self, job);
  else if (g_str_equal (action_name, "win.retry-job"))
    sh_window_retry_job (self, job);
}

/* Connection */

static void
server_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = sh_stash_client_test_connection_finish (SH_STASH_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->checking_server = FALSE;

  /* The mirror and the job history still work offline; say why jobs will fail, in full. */
  if (info == NULL)
    gtk_label_set_label (self->server_banner_label, error->message);
  gtk_revealer_set_reveal_child (self->server_banner, info == NULL);
}

static void
sh_window_check_server (ShWindow *self)
{
  if (self->session == NULL)
    {
      gtk_revealer_set_reveal_child (self->server_banner, FALSE);
      return;
    }

  if (self->checking_server)
    return;
  self->checking_server = TRUE;
  sh_stash_client_test_connection_async (sh_session_get_client (self->session),
                                         self->cancellable, server_checked_cb,
                                         g_object_ref (self));
}

/* A light request now and then while the window shows: a Stash that went away while
 * nothing ran is noticed, and the bar goes once it is back. */
static gboolean
server_check_timeout (gpointer user_data)
{
  ShWindow *self = SH_WINDOW (user_data);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sh_window_check_server (self);

  return G_SOURCE_CONTINUE;
}

/**
 * sh_window_set_server_check_interval:
 * @self: a #ShWindow
 * @seconds: how often to check that Stash answers while the window is open; 0 never
 */
void
sh_window_set_server_check_interval (ShWindow *self,
                                     guint     seconds)
{
  g_return_if_fail (SH_IS_WINDOW (self));

  self->server_check_interval = seconds;
  g_clear_handle_id (&self->server_check_id, g_source_remove);
  if (seconds > 0)
    self->server_check_id = g_timeout_add_seconds (seconds, server_check_timeout, self);
}

/* The Jobs tab */

static AdwViewStackPage *
sh_window_get_jobs_tab (ShWindow *self)
{
  return adw_view_stack_get_page (self->stack, GTK_WIDGET (self->jobs_stack));
}

/* How many jobs run, on the tab, wherever the user is. */
static void
sh_window_update_jobs_badge (ShWindow *self)
{
  guint n_active = self->active_jobs != NULL ? g_list_model_get_n_items (self->active_jobs) : 0;

  adw_view_stack_page_set_badge_number (sh_window_get_jobs_tab (self), n_active);
}

static void
sh_window_watch_active_jobs (ShWindow *self)
{
  GListModel *active = sh_jobs_page_get_active_model (self->jobs_page);

  if (self->active_jobs != NULL)
    g_clear_signal_handler (&self->active_jobs_id, self->active_jobs);
  g_set_object (&self->active_jobs, active);
  if (active != NULL)
    self->active_jobs_id = g_signal_connect_object (active, "items-changed",
                                                    G_CALLBACK (sh_window_update_jobs_badge),
                                                    self, G_CONNECT_SWAPPED);
  sh_window_update_jobs_badge (self);
}

static gboolean
sh_window_shows_jobs (ShWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "jobs") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (self));
}

/* A failure is marked on the tab until the Jobs page is seen. */
static void
on_visible_view_changed (ShWindow *self)
{
  if (sh_window_shows_jobs (self))
    adw_view_stack_page_set_needs_attention (sh_window_get_jobs_tab (self), FALSE);
}

/* Says how a job ended, with the way to its details. */
static void
sh_window_announce_outcome (ShWindow *self,
                            ShJob    *job)
{
  const ShJobTypeInfo *info = lookup_type (self, sh_job_get_job_type (job));
  const char *label = sh_job_type_label (info, job);
  g_autofree char *title = NULL;
  AdwToast *toast;

  switch (sh_job_get_status (job))
    {
    case SH_JOB_COMPLETED:
      {
        gint64 total = sh_job_get_total_items (job);

        if (sh_job_completed_with_errors (job))
          /* Translators: %s is a job type, such as “Generate Metadata” */
          title = g_strdup_printf (_("%s completed with errors"), label);
        else if (total > 0 && info != NULL && info->unit != NULL)
          {
            g_autofree char *count = sh_format_count (total);

            /* Translators: “Generate Metadata completed: 1,204 scenes”: the job type, how
             * many items and what they are */
            title = g_strdup_printf (_("%s completed: %s %s"), label, count, _(info->unit));
          }
        else
          /* Translators: %s is a job type, such as “Sync Scenes” */
          title = g_strdup_printf (_("%s completed"), label);
      }
      break;

    case SH_JOB_FAILED:
      /* Translators: %s is a job type, such as “Generate Metadata” */
      title = g_strdup_printf (_("%s failed"), label);
      break;

    case SH_JOB_CANCELLED:
      /* Translators: %s is a job type, such as “Generate Metadata” */
      title = g_strdup_printf (_("%s cancelled"), label);
      break;

    case SH_JOB_PENDING:
    case SH_JOB_RUNNING:
    case SH_JOB_CANCELLING:
    default:
      return;
    }

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-job");
  adw_toast_set_action_target_value (toast, g_variant_new_string (sh_job_get_id (job)));
  if (sh_job_get_status (job) == SH_JOB_FAILED)
    adw_toast_set_timeout (toast, TOAST_TIMEOUT_LONG);
  sh_window_add_toast (self, toast);
}

/* After a sync, while no scene was ever checked, the next step is a Check: the mirror
 * takes every scene for not generated until then, and a Generate of a library that Stash
 * has mostly made already would redo hours of work. */
typedef struct
{
  ShWindow *self;  /* (owned) */
  ShJob    *job;   /* (owned) the sync that ended */
} SyncEnded;

static void
sync_ended_free (SyncEnded *ended)
{
  g_clear_object (&ended->self);
  g_clear_object (&ended->job);
  g_free (ended);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncEnded, sync_ended_free)

static void
sync_summarized_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SyncEnded) ended = user_data;
  g_autoptr(ShSceneSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;
  gint64 total;

  summary = sh_scene_store_summarize_finish (SH_SCENE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (summary == NULL || summary->scenes == 0 || summary->checked > 0)
    {
      sh_window_announce_outcome (ended->self, ended->job);
      return;
    }

  total = sh_job_get_total_items (ended->job);
  if (total > 0)
    {
      g_autofree char *count = sh_format_count (total);

      /* Translators: %s is a number of scenes, with thousands separators */
      title = g_strdup_printf (ngettext ("Synced %s scene — check which media Stash "
                                         "already has",
                                         "Synced %s scenes — check which media Stash "
                                         "already has", total),
                               count);
    }
  else
    title = g_strdup (_("Scenes synced — check which media Stash already has"));

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Check Media"));
  adw_toast_set_action_name (toast, "win.check-media");
  sh_window_add_toast (ended->self, toast);
}

static void
on_job_ended (ShWindow *self,
              ShJob    *job)
{
  ShSceneStore *store = self->session != NULL ? sh_session_get_scene_store (self->session)
                                              : NULL;

  /* A workflow's sync is one step of it: the workflow goes on by itself. */
  if (g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_SYNC) == 0 &&
      sh_job_get_parent_id (job) == NULL &&
      sh_job_get_status (job) == SH_JOB_COMPLETED && !sh_job_completed_with_errors (job) &&
      store != NULL)
    {
      SyncEnded *ended = g_new0 (SyncEnded, 1);

      ended->self = g_object_ref (self);
      ended->job = g_object_ref (job);
      sh_scene_store_summarize_async (store, sh_session_get_server_id (self->session), NULL, 0,
                                      self->cancellable, sync_summarized_cb, ended);
    }
  else
    sh_window_announce_outcome (self, job);

  if ((sh_job_get_status (job) == SH_JOB_FAILED || sh_job_completed_with_errors (job)) &&
      !sh_window_shows_jobs (self))
    adw_view_stack_page_set_needs_attention (sh_window_get_jobs_tab (self), TRUE);

  /* A job that completed talked to Stash: a warning that it cannot be reached is stale. */
  if (gtk_revealer_get_reveal_child (self->server_banner) &&
      sh_job_get_status (job) == SH_JOB_COMPLETED)
    sh_window_check_server (self);
}

static void
check_server_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  sh_window_check_server (SH_WINDOW (widget));
}

/**
 * sh_window_offer_sync:
 * @self: a #ShWindow
 * @version: Stash's version, or an empty string
 *
 * Tells the user the connection works and offers the first thing to do.
 */
void
sh_window_offer_sync (ShWindow   *self,
                      const char *version)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_return_if_fail (SH_IS_WINDOW (self));

  if (version != NULL && *version != '\0')
    /* Translators: %s is Stash's version, such as “v0.27.2” */
    title = g_strdup_printf (_("Connected to Stash %s"), version);
  else
    title = g_strdup (_("Connected to Stash"));

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Sync Scenes"));
  adw_toast_set_action_name (toast, "win.sync-scenes");
  adw_toast_set_timeout (toast, TOAST_TIMEOUT_LONG);
  sh_window_add_toast (self, toast);

  adw_view_stack_set_visible_child_name (self->stack, "jobs");
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sh_job_manager_refresh_finish (SH_JOB_MANAGER (object), result, &error))
    g_debug ("Could not refresh the jobs: %s", error->message);
}

/* The database connection was lost (a PostgreSQL restart, the network): say so while it
 * is made again, then read everything again, since other processes went on meanwhile. */
static void
on_database_available (ShWindow *self)
{
  gboolean available = self->database == NULL || sh_database_get_available (self->database);
  GtkWidget *scenes;

  gtk_revealer_set_reveal_child (self->database_banner, !available);
  if (!available || self->session == NULL)
    return;

  sh_job_manager_refresh_async (sh_session_get_job_manager (self->session), NULL, refresh_cb,
                                NULL);
  scenes = adw_view_stack_get_child_by_name (self->stack, "scenes");
  if (SH_IS_SCENES_PAGE (scenes))
    sh_scenes_page_reload (SH_SCENES_PAGE (scenes));
}

static void
sh_window_follow_database (ShWindow   *self,
                           ShDatabase *database)
{
  if (self->database == database)
    return;

  if (self->database != NULL)
    g_clear_signal_handler (&self->available_id, self->database);
  g_set_object (&self->database, database);
  if (database != NULL)
    self->available_id = g_signal_connect_object (database, "notify::available",
                                                  G_CALLBACK (on_database_available), self,
                                                  G_CONNECT_SWAPPED);
  gtk_revealer_set_reveal_child (self->database_banner,
                                 database != NULL && !sh_database_get_available (database));
}

static void
sh_window_update_session (ShWindow *self)
{
  ShApplication *app = sh_window_get_app (self);
  ShSession *session = app != NULL ? sh_application_get_session (app) : NULL;
  GtkWidget *scenes;

  for (guint i = 0; i < G_N_ELEMENTS (job_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), job_actions[i], session != NULL);

  sh_jobs_page_set_scheduler (self->jobs_page, app != NULL ? sh_application_get_scheduler (app)
                                                            : NULL);
  if (session == self->session)
    return;

  g_set_object (&self->session, session);
  sh_window_follow_database (self, session != NULL ? sh_session_get_database (session) : NULL);
  sh_jobs_page_set_session (self->jobs_page, session);
  sh_window_watch_active_jobs (self);

  scenes = adw_view_stack_get_child_by_name (self->stack, "scenes");
  if (SH_IS_SCENES_PAGE (scenes))
    sh_scenes_page_set_session (SH_SCENES_PAGE (scenes), session);

  if (self->details != NULL)
    gtk_window_destroy (self->details);

  sh_window_check_server (self);
}

static void
sh_window_update_state (ShWindow *self)
{
  ShApplication *app = sh_window_get_app (self);
  ShConnectionState state = app != NULL ? sh_application_get_state (app)
                                        : SH_CONNECTION_UNCONFIGURED;

  gtk_spinner_set_spinning (self->connecting_spinner, state == SH_CONNECTION_CONNECTING);

  switch (state)
    {
    case SH_CONNECTION_CONNECTING:
      gtk_stack_set_visible_child_name (self->jobs_stack, "connecting");
      break;

    case SH_CONNECTION_CONNECTED:
      gtk_stack_set_visible_child_name (self->jobs_stack, "jobs");
      break;

    case SH_CONNECTION_FAILED:
      adw_status_page_set_title (self->error_page,
                                 sh_application_get_error_domain (app) == SH_STASH_ERROR
                                 ? _("Could Not Use This Server")
                                 : _("Could Not Open the Database"));
      adw_status_page_set_description (self->error_page, sh_application_get_error (app));
      gtk_stack_set_visible_child_name (self->jobs_stack, "error");
      break;

    case SH_CONNECTION_UNCONFIGURED:
    default:
      gtk_stack_set_visible_child_name (self->jobs_stack, "connect");
      break;
    }
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ShApplication *app = sh_window_get_app (SH_WINDOW (widget));

  if (app != NULL)
    sh_application_connect (app);
}

static void
sh_window_show_view_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, name);
}

/* Window state */

static void
sh_window_save_state (ShWindow *self)
{
  int width;
  int height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_set_string (self->settings, "last-view",
                         adw_view_stack_get_visible_child_name (self->stack));
  g_settings_apply (self->settings);
}

static void
quit_confirmed_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   ShWindow         *self)
{
  if (!g_str_equal (response, "quit"))
    return;

  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
only_generates_run_here (ShWindow *self)
{
  ShJobManager *manager;
  GListModel *jobs;

  if (self->session == NULL)
    return FALSE;

  manager = sh_session_get_job_manager (self->session);
  jobs = sh_job_manager_get_jobs (manager);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (sh_job_is_active (job) && sh_job_manager_is_running_here (manager, job) &&
          g_strcmp0 (sh_job_get_job_type (job), SH_JOB_TYPE_GENERATE) != 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
sh_window_close_request (GtkWindow *window)
{
  ShWindow *self = SH_WINDOW (window);
  ShApplication *app = sh_window_get_app (self);

  /* Running in the background, the jobs go on without the window: nothing to ask. */
  if (!self->close_confirmed && app != NULL && sh_application_has_running_jobs (app) &&
      !sh_application_get_runs_in_background (app))
    {
      AdwMessageDialog *dialog;
      const char *body;

      /* Stash runs a Generate; StashHog only follows it. Everything else runs here. */
      if (only_generates_run_here (self))
        body = _("Stash goes on generating, and StashHog follows the job again when it "
                 "starts.");
      else
        body = _("Running jobs stop and are marked as interrupted. A Generate goes on in "
                 "Stash, and StashHog follows it again when it starts.");

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Quit While Jobs Run?"),
                                                           body));
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Keep Running"),
                                        "quit", _("_Quit"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "quit", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (quit_confirmed_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  sh_window_save_state (self);

  return GTK_WINDOW_CLASS (sh_window_parent_class)->close_request (window);
}

/* GtkWindow:application is set after construction: that is when the window learns where
 * its settings and its session are. */
static void
on_application_changed (ShWindow *self)
{
  ShApplication *app = sh_window_get_app (self);
  g_autofree char *last_view = NULL;

  if (app == NULL || self->settings != NULL)
    return;

  self->settings = g_object_ref (sh_application_get_settings (app));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_view = g_settings_get_string (self->settings, "last-view");
  if (adw_view_stack_get_child_by_name (self->stack, last_view) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, last_view);

  g_signal_connect_object (app, "notify::state", G_CALLBACK (sh_window_update_state),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::session", G_CALLBACK (sh_window_update_session),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "job-ended", G_CALLBACK (on_job_ended), self,
                           G_CONNECT_SWAPPED);

  sh_window_update_session (self);
  sh_window_update_state (self);
}

static void
sh_window_constructed (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);

  G_OBJECT_CLASS (sh_window_parent_class)->constructed (object);

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_changed), NULL);
  on_application_changed (self);
  sh_window_update_session (self);
  sh_window_update_state (self);
}

static void
sh_window_dispose (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->server_check_id, g_source_remove);
  if (self->active_jobs != NULL)
    g_clear_signal_handler (&self->active_jobs_id, self->active_jobs);
  g_clear_object (&self->active_jobs);
  if (self->details != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->details), (gpointer *) &self->details);
      gtk_window_destroy (self->details);
      self->details = NULL;
    }

  if (self->database != NULL)
    g_clear_signal_handler (&self->available_id, self->database);
  g_clear_object (&self->database);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_WINDOW);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sh_window_parent_class)->dispose (object);
}

/* Ctrl+F: the search of the Scenes page, from anywhere in the window. */
static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  GtkWidget *scenes = adw_view_stack_get_child_by_name (self->stack, "scenes");

  adw_view_stack_set_visible_child_name (self->stack, "scenes");
  if (scenes != NULL)
    gtk_widget_activate_action (scenes, "scenes.search", NULL);
}

static void
sh_window_class_init (ShWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = sh_window_constructed;
  object_class->dispose = sh_window_dispose;

  window_class->close_request = sh_window_close_request;

  g_type_ensure (SH_TYPE_JOBS_PAGE);
  g_type_ensure (SH_TYPE_SCENES_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sh-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, run_menu_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, jobs_stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, jobs_status_page);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, jobs_page);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, database_banner);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, server_banner);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, server_banner_label);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s",
                                   sh_window_show_view_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.check-server", NULL, check_server_action);
  gtk_widget_class_install_action (widget_class, "win.sync-scenes", NULL, run_job_action);
  gtk_widget_class_install_action (widget_class, "win.full-sync", NULL, run_job_action);
  gtk_widget_class_install_action (widget_class, "win.check-media", NULL, run_job_action);
  gtk_widget_class_install_action (widget_class, "win.process-new", NULL, run_job_action);
  gtk_widget_class_install_action (widget_class, "win.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "win.show-job", "s", job_id_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-job", "s", job_id_action);
  gtk_widget_class_install_action (widget_class, "win.retry-job", "s", job_id_action);
  gtk_widget_class_install_action (widget_class, "win.view-impacted", "s", job_id_action);
  gtk_widget_class_install_action (widget_class, "win.retry-failed", "s", job_id_action);
}

static void
undo_clicked_cb (AdwToast     *toast,
                 ShScenesPage *page)
{
  sh_scenes_page_undo_mark (page);
}

static void
on_scenes_toast (ShScenesPage *page,
                 const char   *message,
                 gboolean      undoable,
                 ShWindow     *self)
{
  AdwToast *toast = adw_toast_new (message);

  if (undoable)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), page, 0);
    }
  sh_window_add_toast (self, toast);
}

static void
sh_window_init (ShWindow *self)
{
  GtkWidget *scenes;

  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  scenes = adw_view_stack_get_child_by_name (self->stack, "scenes");
  if (SH_IS_SCENES_PAGE (scenes))
    g_signal_connect_object (scenes, "toast", G_CALLBACK (on_scenes_toast), self, 0);

  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_view_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_visible_view_changed), NULL);
  sh_window_set_server_check_interval (self, SERVER_CHECK_INTERVAL_S);
}
