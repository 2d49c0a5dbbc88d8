/* sh-background.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Run in the background": while the setting is on, the application holds itself, so that
 * closing its window leaves it running (the scheduler with it) until Quit; and it starts at
 * login: through the Background portal when sandboxed (RequestBackground with autostart),
 * otherwise with an XDG autostart entry. Either way it starts with --background, which
 * opens no window.
 */

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sh-background.h"

struct _ShBackground
{
  GObject       parent_instance;

  GApplication *application;   /* (unowned) it owns us */
  GSettings    *settings;      /* (owned) */
  gulong        changed_id;
  gboolean      held;
};

G_DEFINE_FINAL_TYPE (ShBackground, sh_background, G_TYPE_OBJECT)

static gboolean
is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * sh_background_dup_autostart_path:
 *
 * Returns: (transfer full): where the XDG autostart entry goes
 */
char *
sh_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

static void
write_autostart (gboolean enable)
{
  g_autofree char *path = sh_background_dup_autostart_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  if (!enable)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", path, g_strerror (errno));
      return;
    }

  contents = g_strdup_printf ("[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=%s\n"
                              "Comment=%s\n"
                              "Exec=stashhog --background\n"
                              "Icon=" APP_ID "\n"
                              "NoDisplay=true\n"
                              "X-GNOME-Autostart-enabled=true\n",
                              _("StashHog"),
                              _("Runs scheduled maintenance of your Stash library"));
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, contents, -1, &error))
    g_warning ("Could not write %s: %s", path, error ? error->message : g_strerror (errno));
}

static void
request_background_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_debug ("The Background portal refused: %s", error->message);
}

/* The portal answers through a Request object; the outcome only decides autostart, which
 * the user can change in the system settings, so it is not followed up. */
static void
request_background (ShBackground *self,
                    gboolean      enable)
{
  GDBusConnection *bus = g_application_get_dbus_connection (self->application);
  GVariantBuilder options;
  const char * const commandline[] = { "stashhog", "--background", NULL };

  if (bus == NULL)
    return;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Scheduled maintenance of your Stash library")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enable));
  g_variant_builder_add (&options, "{sv}", "commandline",
                         g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop",
                          "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, request_background_cb, NULL);
}

static void
apply (ShBackground *self,
       gboolean      user_changed)
{
  gboolean active = g_settings_get_boolean (self->settings, "run-in-background");

  if (active && !self->held)
    {
      g_application_hold (self->application);
      self->held = TRUE;
    }
  else if (!active && self->held)
    {
      self->held = FALSE;
      g_application_release (self->application);
    }

  /* Start at login as the user chose, not again on every start. */
  if (!user_changed)
    return;
  if (is_sandboxed ())
    request_background (self, active);
  else
    write_autostart (active);
}

static void
on_changed (GSettings    *settings,
            const char   *key,
            ShBackground *self)
{
  apply (self, TRUE);
}

static void
sh_background_dispose (GObject *object)
{
  ShBackground *self = SH_BACKGROUND (object);

  if (self->settings != NULL)
    g_clear_signal_handler (&self->changed_id, self->settings);
  sh_background_release (self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sh_background_parent_class)->dispose (object);
}

static void
sh_background_class_init (ShBackgroundClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_background_dispose;
}

static void
sh_background_init (ShBackground *self)
{
}

/**
 * sh_background_new:
 * @application: the application to keep running
 * @settings: the application's settings (`run-in-background`)
 *
 * Returns: (transfer full): an object that holds @application while the setting is on
 */
ShBackground *
sh_background_new (GApplication *application,
                   GSettings    *settings)
{
  ShBackground *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SH_TYPE_BACKGROUND, NULL);
  self->application = application;
  self->settings = g_object_ref (settings);
  self->changed_id = g_signal_connect (settings, "changed::run-in-background",
                                       G_CALLBACK (on_changed), self);
  apply (self, FALSE);

  return self;
}

/**
 * sh_background_get_active:
 *
 * Returns: whether closing the window leaves the application running
 */
gboolean
sh_background_get_active (ShBackground *self)
{
  g_return_val_if_fail (SH_IS_BACKGROUND (self), FALSE);

  return self->held;
}

/**
 * sh_background_release:
 *
 * Lets the application end with its last window (Quit from the menu); the setting stays.
 */
void
sh_background_release (ShBackground *self)
{
  g_return_if_fail (SH_IS_BACKGROUND (self));

  if (self->held)
    {
      self->held = FALSE;
      g_application_release (self->application);
    }
}
