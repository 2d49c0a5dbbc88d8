/* sh-application.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "sh-application.h"
#include "sh-core.h"
#include "stashhog-ui-resources.h"
#include "sh-preferences-window.h"
#include "sh-window.h"

struct _ShApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;  /* (owned) */
};

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

static ShWindow *
sh_application_get_main_window (ShApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (SH_IS_WINDOW (window))
    return SH_WINDOW (window);

  return NULL;
}

static void
sh_application_activate (GApplication *app)
{
  ShApplication *self = SH_APPLICATION (app);
  ShWindow *window = sh_application_get_main_window (self);

  if (window == NULL)
    window = sh_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
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

  G_APPLICATION_CLASS (sh_application_parent_class)->startup (app);

  self->settings = g_settings_new (BASE_ID);

  gtk_window_set_default_icon_name (APP_ID);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::jobs",
                                         jobs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-view::scenes",
                                         scenes_accels);
}

static void
sh_application_dispose (GObject *object)
{
  ShApplication *self = SH_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sh_application_parent_class)->dispose (object);
}

static void
sh_application_class_init (ShApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sh_application_dispose;

  /* Before any template is loaded. */
  sh_core_init ();
  sh_ui_register_resource ();

  app_class->activate = sh_application_activate;
  app_class->startup = sh_application_startup;
}

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
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  ShPreferencesWindow *prefs;

  prefs = sh_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
sh_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", sh_application_about_action },
  { "preferences", sh_application_preferences_action },
  { "quit", sh_application_quit_action },
};

static void
sh_application_init (ShApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
}
