/* sh-gui-test-utils.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the GUI tests of the application share: run StashHog as `stashhog` does with a
 * check once its window is on screen, wait for something with a deadline, find windows and
 * template children. Static functions, so that each test program stays one file.
 */

#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sh-application.h"
#include "sh-window.h"

G_BEGIN_DECLS

#define SH_GUI_WAIT_TIMEOUT_S 15

typedef void     (*ShGuiCheck)     (ShApplication *app,
                                    ShWindow      *window,
                                    gpointer       data);
typedef gboolean (*ShGuiCondition) (gpointer       data);

typedef struct
{
  ShGuiCheck check;
  gpointer   data;
  gboolean   scheduled;
  gboolean   ran;
} ShGuiRun;

/* Lets the windows map and draw at least once. */
G_GNUC_UNUSED static void
sh_gui_flush (void)
{
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  gdk_display_sync (gdk_display_get_default ());
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

G_GNUC_UNUSED static void
sh_gui_wait (ShGuiCondition  condition,
             gpointer        data,
             const char     *what)
{
  gint64 deadline = g_get_monotonic_time () + SH_GUI_WAIT_TIMEOUT_S * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

/* The newest job of @type in @manager's list, other than @other_than (nullable). */
G_GNUC_UNUSED static ShJob *
sh_gui_find_job (ShJobManager *manager,
                 const char   *type,
                 const char   *other_than)
{
  GListModel *jobs = sh_job_manager_get_jobs (manager);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (jobs, i);

      if (g_str_equal (sh_job_get_job_type (job), type) &&
          g_strcmp0 (sh_job_get_id (job), other_than) != 0)
        return job;  /* the model keeps it */
    }

  return NULL;
}

typedef struct
{
  ShJobManager *manager;
  const char   *type;
  const char   *other_than;
  ShJobStatus   status;
} ShGuiJobWait;

static gboolean
sh_gui_job_has_status (gpointer data)
{
  ShGuiJobWait *wait = data;
  ShJob *job = sh_gui_find_job (wait->manager, wait->type, wait->other_than);

  return job != NULL && sh_job_get_status (job) == wait->status;
}

/* Waits until the newest job of @type (other than @other_than) has @status. */
G_GNUC_UNUSED static ShJob *
sh_gui_wait_job (ShJobManager *manager,
                 const char   *type,
                 const char   *other_than,
                 ShJobStatus   status)
{
  ShGuiJobWait wait = { manager, type, other_than, status };
  g_autofree char *what = g_strdup_printf ("a %s job %s", type,
                                           sh_job_status_to_string (status));

  sh_gui_wait (sh_gui_job_has_status, &wait, what);
  sh_gui_flush ();

  return sh_gui_find_job (manager, type, other_than);
}

/* A database of its own for a test (gtk_test_init() does not isolate directories). */
G_GNUC_UNUSED static char *
sh_gui_make_database_path (char **dir)
{
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp ("stashhog-gui-XXXXXX", &error);
  g_assert_no_error (error);

  return g_build_filename (*dir, "stashhog.db", NULL);
}

/* libsecret's file backend, in @dir: the tests neither need a keyring daemon nor touch
 * the user's keyring. */
G_GNUC_UNUSED static void
sh_gui_use_file_keyring (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "keyring", NULL);

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "stashhog-test", TRUE);
}

G_GNUC_UNUSED static void
sh_gui_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_assert_no_errno (g_remove (file));
    }
  g_assert_no_errno (g_rmdir (path));
}

/* Needs GTK_A11Y=test. Every switch under @widget has one name: the title of its row (libadwaita labels a
 * row's activatable widget by the title), not a label of its own besides. */
G_GNUC_UNUSED static void
sh_gui_assert_switches_named_once (GtkWidget *widget)
{
  /* (An expander row's own switch, hidden, is libadwaita's.) */
  if (GTK_IS_SWITCH (widget) && gtk_widget_get_visible (widget))
    {
      g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                                       GTK_ACCESSIBLE_RELATION_LABELLED_BY));
      g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                                        GTK_ACCESSIBLE_PROPERTY_LABEL));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sh_gui_assert_switches_named_once (child);
}

G_GNUC_UNUSED static GtkWindow *
sh_gui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return GTK_WINDOW (item);
    }

  return NULL;
}

G_GNUC_UNUSED static GObject *
sh_gui_child (gpointer    widget,
              GType       type,
              const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (child == NULL)
    g_error ("No template child %s", name);

  return child;
}

G_GNUC_UNUSED static void
sh_gui_click (gpointer button)
{
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
}

G_GNUC_UNUSED static gboolean
sh_gui_is_connected (gpointer data)
{
  return sh_application_get_state (SH_APPLICATION (data)) == SH_CONNECTION_CONNECTED;
}

static gboolean
sh_gui_run_check_idle (gpointer user_data)
{
  ShApplication *app = user_data;
  ShGuiRun *run = g_object_get_data (G_OBJECT (app), "sh-gui-run");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (SH_IS_WINDOW (window));
  sh_gui_flush ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));

  run->check (app, SH_WINDOW (window), run->data);
  run->ran = TRUE;

  /* Closing the last window ends g_application_run(), as it does for a user. */
  gtk_window_close (window);
  return G_SOURCE_REMOVE;
}

static void
sh_gui_on_activate (ShApplication *app)
{
  ShGuiRun *run = g_object_get_data (G_OBJECT (app), "sh-gui-run");

  /* Once: a notification, say, activates the application again. */
  if (!run->scheduled)
    g_idle_add (sh_gui_run_check_idle, app);
  run->scheduled = TRUE;
}

/* Every button a user can reach says what it does: a label, or a tooltip for one that only
 * has an icon (and the accessible name the .ui files give it). Window controls are GTK's. */
G_GNUC_UNUSED static void
sh_gui_assert_buttons_labelled (GtkWidget *widget)
{
  /* Composite widgets label their own parts: check them as a whole. */
  if (GTK_IS_WINDOW_CONTROLS (widget) || ADW_IS_VIEW_SWITCHER (widget) ||
      GTK_IS_SPIN_BUTTON (widget) ||
      g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget"))
    return;

  if (GTK_IS_DROP_DOWN (widget) && gtk_widget_get_visible (widget))
    {
      g_assert_nonnull (gtk_widget_get_tooltip_text (widget));
      return;
    }

  if ((GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget)) &&
      gtk_widget_get_visible (widget) && gtk_widget_get_can_target (widget))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (widget);
      const char *label = NULL;

      if (GTK_IS_BUTTON (widget))
        label = gtk_button_get_label (GTK_BUTTON (widget));
      else
        label = gtk_menu_button_get_label (GTK_MENU_BUTTON (widget));

      /* A button whose child is a label (or a label and an icon) shows its text. */
      if (label == NULL && GTK_IS_BUTTON (widget))
        {
          GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

          if (GTK_IS_LABEL (child))
            label = gtk_label_get_label (GTK_LABEL (child));
          else if (ADW_IS_BUTTON_CONTENT (child))
            label = adw_button_content_get_label (ADW_BUTTON_CONTENT (child));
        }

      if ((label == NULL || *label == '\0') && (tooltip == NULL || *tooltip == '\0'))
        g_error ("A %s (%s) has neither a label nor a tooltip",
                 G_OBJECT_TYPE_NAME (widget),
                 gtk_widget_get_name (gtk_widget_get_parent (widget)));
    }

  if (GTK_IS_MENU_BUTTON (widget))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sh_gui_assert_buttons_labelled (child);
}

/* The texts of the toasts on show in @window (a toast's title and button label), one a
 * line: the toasts are the overlay's children other than its main child. */
static void
sh_gui_collect_labels (GtkWidget *widget,
                       GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      g_string_append (out, gtk_label_get_label (GTK_LABEL (widget)));
      g_string_append_c (out, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sh_gui_collect_labels (child, out);
}

G_GNUC_UNUSED static char *
sh_gui_dup_toasts_text (ShWindow *window)
{
  GString *out = g_string_new (NULL);
  GtkWidget *overlay = GTK_WIDGET (sh_gui_child (window, SH_TYPE_WINDOW, "toast_overlay"));

  for (GtkWidget *child = gtk_widget_get_first_child (overlay);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
      sh_gui_collect_labels (child, out);

  return g_string_free (out, FALSE);
}

typedef struct
{
  ShWindow   *window;
  const char *text;
} ShGuiToastWait;

static gboolean
sh_gui_toast_shown (gpointer data)
{
  ShGuiToastWait *wait = data;
  g_autofree char *text = sh_gui_dup_toasts_text (wait->window);

  return strstr (text, wait->text) != NULL;
}

/* Waits until a toast of @window shows @text (in its title or its button). */
G_GNUC_UNUSED static void
sh_gui_wait_toast (ShWindow   *window,
                   const char *text)
{
  ShGuiToastWait wait = { window, text };

  sh_gui_wait (sh_gui_toast_shown, &wait, text);
}

/* A desktop notification server on the session bus (org.freedesktop.Notifications, the
 * interface GLib uses outside a sandbox), so that notifications can be checked, and
 * clicked, without a desktop. */
typedef struct
{
  GDBusConnection *connection;  /* (owned) */
  guint            object_id;
  GPtrArray       *summaries;   /* (owned) of char*: what was notified */
  GPtrArray       *bodies;      /* (owned) of char* */
  GPtrArray       *actions;     /* (owned) of GStrv: action id, label, id, label… */
  guint            last_id;
} ShGuiNotifications;

static void
sh_gui_notifications_method (GDBusConnection       *connection,
                             const char            *sender,
                             const char            *object_path,
                             const char            *interface_name,
                             const char            *method_name,
                             GVariant              *parameters,
                             GDBusMethodInvocation *invocation,
                             gpointer               user_data)
{
  ShGuiNotifications *self = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary;
      const char *body;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (self->summaries, g_strdup (summary));
      g_ptr_array_add (self->bodies, g_strdup (body));
      {
        g_autoptr(GVariant) actions = g_variant_get_child_value (parameters, 5);

        g_ptr_array_add (self->actions, g_variant_dup_strv (actions, NULL));
      }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", ++self->last_id));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", (char **) caps));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "test", "StashHog", "1",
                                                            "1.2"));
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

G_GNUC_UNUSED static void
sh_gui_notifications_start (ShGuiNotifications *self)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    " <method name='Notify'>"
    "  <arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "  <arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "  <arg type='s' direction='in'/><arg type='as' direction='in'/>"
    "  <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "  <arg type='u' direction='out'/>"
    " </method>"
    " <method name='CloseNotification'><arg type='u' direction='in'/></method>"
    " <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    " <method name='GetServerInformation'>"
    "  <arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "  <arg type='s' direction='out'/><arg type='s' direction='out'/>"
    " </method>"
    " <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
    " <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { sh_gui_notifications_method, NULL, NULL };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  self->summaries = g_ptr_array_new_with_free_func (g_free);
  self->bodies = g_ptr_array_new_with_free_func (g_free);
  self->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  info = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  self->object_id = g_dbus_connection_register_object (self->connection,
                                                       "/org/freedesktop/Notifications",
                                                       info->interfaces[0], &vtable, self,
                                                       NULL, &error);
  g_assert_no_error (error);

  /* Owned before the application starts, synchronously. */
  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications",
                                                      4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
}

/* Clicks notification @id (1 for the first one), as a user would. */
G_GNUC_UNUSED static void
sh_gui_notifications_click (ShGuiNotifications *self,
                            guint               id)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (self->connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, "default"), &error);
  g_assert_no_error (error);
}

G_GNUC_UNUSED static void
sh_gui_notifications_stop (ShGuiNotifications *self)
{
  g_dbus_connection_unregister_object (self->connection, self->object_id);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->summaries, g_ptr_array_unref);
  g_clear_pointer (&self->bodies, g_ptr_array_unref);
  g_clear_pointer (&self->actions, g_ptr_array_unref);
}

/* The action id of notification @id (1 for the first) whose button says @label, or NULL. */
G_GNUC_UNUSED static const char *
sh_gui_notifications_find_button (ShGuiNotifications *self,
                                  guint               id,
                                  const char         *label)
{
  char **actions;

  g_assert_cmpuint (id, >=, 1);
  g_assert_cmpuint (id, <=, self->actions->len);
  actions = g_ptr_array_index (self->actions, id - 1);
  for (guint i = 0; actions[i] != NULL && actions[i + 1] != NULL; i += 2)
    if (g_str_equal (actions[i + 1], label))
      return actions[i];

  return NULL;
}

/* Clicks the button @action_id of notification @id. */
G_GNUC_UNUSED static void
sh_gui_notifications_click_button (ShGuiNotifications *self,
                                   guint               id,
                                   const char         *action_id)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (self->connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, action_id), &error);
  g_assert_no_error (error);
}

/* Runs the application as `stashhog` does, calls @check once its window is on screen,
 * then closes the window and checks that nothing keeps the application alive. */
G_GNUC_UNUSED static void
sh_gui_run (ShGuiCheck check,
            gpointer   data)
{
  ShApplication *app = sh_application_new ();
  ShGuiRun run = { check, data, FALSE, FALSE };
  const char *argv[] = { "stashhog", NULL };

  /* Tests must not talk to a running StashHog instance. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_object_set_data (G_OBJECT (app), "sh-gui-run", &run);
  g_signal_connect_after (app, "activate", G_CALLBACK (sh_gui_on_activate), NULL);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, (char **) argv), ==, 0);
  g_assert_true (run.ran);
  g_assert_finalize_object (app);
}

G_END_DECLS
