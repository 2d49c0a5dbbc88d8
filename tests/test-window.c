/* test-window.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the real main window on a display and inspects it.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sh-application.h"
#include "sh-preferences-window.h"
#include "sh-window.h"

#define SUBPROCESS_TIMEOUT (20 * G_USEC_PER_SEC)

static void
flush_window (GtkWidget *widget)
{
  /* Let the window map and draw at least once. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  gdk_display_sync (gtk_widget_get_display (widget));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

typedef void (*WindowCheck) (ShApplication *app,
                             ShWindow      *window);

typedef struct
{
  WindowCheck check;
  gboolean    ran;
} RunData;

static gboolean
run_check_idle (gpointer user_data)
{
  ShApplication *app = user_data;
  RunData *data = g_object_get_data (G_OBJECT (app), "run-data");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (SH_IS_WINDOW (window));
  flush_window (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));

  data->check (app, SH_WINDOW (window));
  data->ran = TRUE;

  /* Closing the last window ends g_application_run(), as it does for a user. */
  gtk_window_close (window);
  return G_SOURCE_REMOVE;
}

static void
on_activate (ShApplication *app)
{
  g_idle_add (run_check_idle, app);
}

/* Runs the application as `stashhog` does, calls @check once its window is on screen, then
 * quits and checks that nothing keeps the application alive. */
static void
run_main_window (WindowCheck check)
{
  ShApplication *app = sh_application_new ();
  RunData data = { check, FALSE };
  const char *argv[] = { "stashhog", NULL };

  /* Tests must not talk to a running StashHog instance. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_object_set_data (G_OBJECT (app), "run-data", &data);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), NULL);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, (char **) argv), ==, 0);
  g_assert_true (data.ran);
  g_assert_finalize_object (app);
}

static GObject *
template_child (ShWindow   *window,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), SH_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static void
check_views (ShApplication *app,
             ShWindow      *window)
{
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  AdwViewSwitcherTitle *title = ADW_VIEW_SWITCHER_TITLE (template_child (window,
                                                                          "switcher_title"));
  AdwStatusPage *empty = ADW_STATUS_PAGE (template_child (window, "jobs_status_page"));
  GtkWidget *connect = GTK_WIDGET (template_child (window, "connect_button"));
  GtkMenuButton *menu = GTK_MENU_BUTTON (template_child (window, "primary_menu_button"));
  g_autoptr(GListModel) pages = G_LIST_MODEL (adw_view_stack_get_pages (stack));
  g_autofree char *about_label = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GMenuModel) section = NULL;
  g_auto(GStrv) accel_actions = NULL;
  g_auto(GStrv) sync_accels = NULL;
  g_auto(GStrv) generate_accels = NULL;
  g_autoptr(GMenuModel) run_section = NULL;
  static const char * const run_actions[] = {
    "win.sync-scenes", "win.check-media", "win.generate",
  };
  GMenuModel *run_menu;
  GMenuModel *menu_model;

  /* The view switcher shows exactly Jobs and Scenes. */
  g_assert_true (adw_view_switcher_title_get_stack (title) == stack);
  g_assert_cmpuint (g_list_model_get_n_items (pages), ==, 2);
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (stack,
                     adw_view_stack_get_child_by_name (stack, "jobs"))), ==, "Jobs");
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (stack,
                     adw_view_stack_get_child_by_name (stack, "scenes"))), ==, "Scenes");
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (title)));

  /* The empty state invites the user to connect, and it is on screen. */
  g_assert_cmpstr (sh_window_get_visible_view (window), ==, "jobs");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "Connect to Stash");
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (empty)));
  g_assert_true (gtk_widget_is_drawable (connect));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (connect)), ==,
                   "app.preferences");

  /* The primary menu has Preferences, Keyboard Shortcuts and About. */
  menu_model = gtk_menu_button_get_menu_model (menu);
  g_assert_nonnull (menu_model);
  section = g_menu_model_get_item_link (menu_model, 0, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (section), ==, 3);
  g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action);
  g_assert_cmpstr (action, ==, "app.preferences");
  g_clear_pointer (&action, g_free);
  g_menu_model_get_item_attribute (section, 1, G_MENU_ATTRIBUTE_ACTION, "s", &action);
  g_assert_cmpstr (action, ==, "win.show-help-overlay");
  g_menu_model_get_item_attribute (section, 2, G_MENU_ATTRIBUTE_LABEL, "s", &about_label);
  g_assert_cmpstr (about_label, ==, "_About StashHog");

  /* The actions behind them exist, and the shortcuts window was loaded. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  /* The Run menu: the jobs, with their shortcuts; nothing to run them on yet. */
  run_menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (template_child (window,
                                                                             "run_menu_button")));
  run_section = g_menu_model_get_item_link (run_menu, 0, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (run_section), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (run_actions); i++)
    {
      g_autofree char *run_action = NULL;

      g_menu_model_get_item_attribute (run_section, i, G_MENU_ATTRIBUTE_ACTION, "s",
                                       &run_action);
      g_assert_cmpstr (run_action, ==, run_actions[i]);
    }
  sync_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                       "win.sync-scenes");
  g_assert_cmpstr (sync_accels[0], ==, "<Shift><Control>s");
  generate_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                           "win.generate");
  g_assert_cmpstr (generate_accels[0], ==, "<Control>g");
  g_assert_cmpint (sh_application_get_state (app), ==, SH_CONNECTION_UNCONFIGURED);
  g_assert_null (sh_application_get_session (app));

  /* Switching views through the action, and its accelerator. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "scenes");
  g_assert_cmpstr (sh_window_get_visible_view (window), ==, "scenes");
  accel_actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Alt>2");
  g_assert_cmpstr (accel_actions[0], ==, "win.show-view::scenes");
}

static void
test_window_views (void)
{
  if (g_test_subprocess ())
    {
      run_main_window (check_views);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
check_about (ShApplication *app,
             ShWindow      *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwAboutWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  flush_window (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (item))
        about = ADW_ABOUT_WINDOW (item);
    }
  g_assert_nonnull (about);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (about)));
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "StashHog");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_website (about), ==, PACKAGE_WEBSITE);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_destroy (GTK_WINDOW (about));
}

static void
test_window_about (void)
{
  if (g_test_subprocess ())
    {
      run_main_window (check_about);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
check_german (ShApplication *app,
              ShWindow      *window)
{
  AdwStatusPage *empty = ADW_STATUS_PAGE (template_child (window, "jobs_status_page"));
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));

  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "Mit Stash verbinden");
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (stack,
                     adw_view_stack_get_child_by_name (stack, "jobs"))), ==, "Aufträge");
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (stack,
                     adw_view_stack_get_child_by_name (stack, "scenes"))), ==, "Szenen");
}

/* In the subprocess: the built German catalogue. */
static void
use_built_catalogue (void)
{
  g_autofree char *localedir = g_build_filename (g_getenv ("STASHHOG_BUILD_ROOT"), "po", NULL);

  /* gettext ignores LANGUAGE in the plain C locale. */
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Runs the current test in a subprocess with LANGUAGE=de. */
static void
trap_in_german (void)
{
  /* The child inherits the environment; g_test_trap_subprocess_with_envp() is newer than
   * our GLib floor. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("LANGUAGE");
  g_test_trap_assert_passed ();
}

static void
test_window_german (void)
{
  if (g_test_subprocess ())
    {
      use_built_catalogue ();
      run_main_window (check_german);
      return;
    }

  trap_in_german ();
}

/* The narrowest a phone or a tiled half of a small screen gives us (GNOME's HIG). */
#define NARROWEST_WIDTH 360

static int
minimum_width (GtkWidget *widget)
{
  int minimum = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        return GTK_WIDGET (item);
    }

  return NULL;
}

static void
check_narrow (ShApplication *app,
              ShWindow      *window)
{
  static const char * const views[] = { "jobs", "scenes" };
  GtkWidget *preferences;
  int width;

  /* The scenes' selection bar counts although it is hidden (a revealer measures its child),
   * so it must fit once shown. */
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", views[i]);
      flush_window (GTK_WIDGET (window));
      width = minimum_width (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)));
      g_test_message ("minimum width with the %s view: %d px", views[i], width);
      g_assert_cmpint (width, <=, NARROWEST_WIDTH);
    }

  /* Preferences, where a first-time user starts, too. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  flush_window (GTK_WIDGET (window));
  preferences = find_toplevel (SH_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  width = minimum_width (adw_window_get_content (ADW_WINDOW (preferences)));
  g_test_message ("minimum width of Preferences: %d px", width);
  g_assert_cmpint (width, <=, NARROWEST_WIDTH);
  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_window_narrow (void)
{
  if (g_test_subprocess ())
    {
      /* GNOME's own title bar buttons; GTK's default adds minimize and maximize, which
       * GNOME leaves out. */
      g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
      run_main_window (check_narrow);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* German's longer words must fit too. */
static void
test_window_narrow_german (void)
{
  if (g_test_subprocess ())
    {
      use_built_catalogue ();
      g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
      run_main_window (check_narrow);
      return;
    }

  trap_in_german ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/window/views", test_window_views);
  g_test_add_func ("/ui/window/about", test_window_about);
  g_test_add_func ("/ui/window/german", test_window_german);
  g_test_add_func ("/ui/window/narrow", test_window_narrow);
  g_test_add_func ("/ui/window/narrow-german", test_window_narrow_german);

  return g_test_run ();
}
