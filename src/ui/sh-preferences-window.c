/* sh-preferences-window.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "sh-preferences-window.h"

struct _ShPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;  /* (owned) */

  /* Template widgets */
  AdwEntryRow          *url_row;
  GtkSpinButton        *poll_spin;
  GtkSwitch            *notify_switch;
};

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShPreferencesWindow, sh_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

ShPreferencesWindow *
sh_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (SH_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       NULL);
}

static void
sh_preferences_window_constructed (GObject *object)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (sh_preferences_window_parent_class)->constructed (object);

  g_settings_bind (self->settings, "stash-url", self->url_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "poll-interval", self->poll_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-on-finish", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
sh_preferences_window_dispose (GObject *object)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sh_preferences_window_parent_class)->dispose (object);
}

static void
sh_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_preferences_window_class_init (ShPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sh_preferences_window_constructed;
  object_class->dispose = sh_preferences_window_dispose;
  object_class->set_property = sh_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/sh-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, poll_spin);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, notify_switch);
}

static void
sh_preferences_window_init (ShPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
