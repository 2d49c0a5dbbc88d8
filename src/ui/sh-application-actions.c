/* sh-application-actions.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application's actions: About, Preferences, Quit, and those notifications call
 * (show a job, retry the scenes a job left incomplete).
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-application-private.h"
#include "sh-preferences-window.h"

static void
sh_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  ShApplication *self = user_data;
  static const char *developers[] = { "The StashHog authors", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "modal", TRUE,
                        "application-name", "StashHog",
                        "application-icon", APP_ID,
                        "developer-name", _("The StashHog authors"),
                        "version", PACKAGE_VERSION,
                        "website", PACKAGE_WEBSITE,
                        "issue-url", PACKAGE_ISSUES,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The StashHog authors",
                        "developers", developers,
                        /* Translators: Replace "translator-credits" with your name */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
sh_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  ShApplication *self = user_data;
  ShWindow *window = sh_application_get_main_window (self);
  ShPreferencesWindow *prefs = NULL;

  /* One preferences window at a time. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (SH_IS_PREFERENCES_WINDOW (l->data))
        prefs = SH_PREFERENCES_WINDOW (l->data);
    }

  if (prefs == NULL)
    {
      prefs = sh_preferences_window_new (self);
      gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
    }

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
sh_application_show_job_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  ShApplication *self = user_data;
  ShWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = sh_application_get_main_window (self);
  if (window != NULL)
    sh_window_show_job (window, g_variant_get_string (parameter, NULL));
}

static void
sh_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  ShApplication *self = user_data;
  ShWindow *window = sh_application_get_main_window (self);

  /* Quit means quit, also when running in the background. */
  self->quitting = TRUE;
  if (self->background != NULL)
    sh_background_release (self->background);

  /* The window asks first when jobs run here. */
  if (window != NULL)
    gtk_window_close (GTK_WINDOW (window));
  else
    g_application_quit (G_APPLICATION (self));
}

/* From a notification: a Generate of exactly the scenes that job left incomplete. */
static void
sh_application_retry_failed_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  ShApplication *self = user_data;
  ShWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = sh_application_get_main_window (self);
  if (window != NULL)
    sh_window_retry_failed_scenes (window, g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { "about", sh_application_about_action },
  { "preferences", sh_application_preferences_action },
  { "show-job", sh_application_show_job_action, "s" },
  { "retry-failed", sh_application_retry_failed_action, "s" },
  { "quit", sh_application_quit_action },
};

/* Called once, at construction. */
void
_sh_application_add_actions (ShApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
}
