/* sh-window.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "sh-window.h"

struct _ShWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;  /* (owned) */

  /* Template widgets */
  AdwViewStack         *stack;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *primary_menu_button;
  AdwStatusPage        *jobs_status_page;
  GtkButton            *connect_button;
  AdwToastOverlay      *toast_overlay;
};

G_DEFINE_FINAL_TYPE (ShWindow, sh_window, ADW_TYPE_APPLICATION_WINDOW)

ShWindow *
sh_window_new (ShApplication *application)
{
  g_return_val_if_fail (SH_IS_APPLICATION (application), NULL);

  return g_object_new (SH_TYPE_WINDOW,
                       "application", application,
                       NULL);
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

static void
sh_window_save_state (ShWindow *self)
{
  int width;
  int height;

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

static gboolean
sh_window_close_request (GtkWindow *window)
{
  sh_window_save_state (SH_WINDOW (window));

  return GTK_WINDOW_CLASS (sh_window_parent_class)->close_request (window);
}

static void
sh_window_constructed (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);
  GtkApplication *app;
  g_autofree char *last_view = NULL;

  G_OBJECT_CLASS (sh_window_parent_class)->constructed (object);

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (SH_IS_APPLICATION (app))
    self->settings = g_object_ref (sh_application_get_settings (SH_APPLICATION (app)));
  else
    self->settings = g_settings_new (BASE_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_view = g_settings_get_string (self->settings, "last-view");
  if (adw_view_stack_get_child_by_name (self->stack, last_view) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, last_view);

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

static void
sh_window_dispose (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sh_window_parent_class)->dispose (object);
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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sh-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, jobs_status_page);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, toast_overlay);

  gtk_widget_class_install_action (widget_class, "win.show-view", "s",
                                   sh_window_show_view_action);
}

static void
sh_window_init (ShWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
