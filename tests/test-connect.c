/* test-connect.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connect flow in a real window, against the fake Stash over loopback: an API key
 * entered in Preferences and tested, a wrong key, an address nothing answers at, and a
 * self-signed certificate trusted by its fingerprint; and the database preference, on
 * SQLite and on the PostgreSQL server of the test run. Each test runs the application in a
 * subprocess, with STASHHOG_URL (and mostly STASHHOG_DATABASE) set as a user of the demo
 * would.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sh-config.h"
#include "sh-fake-stash.h"
#include "sh-gui-test-utils.h"
#include "sh-preferences-window.h"
#include "sh-secrets.h"
#include "sh-test-utils.h"

#define SUBPROCESS_TIMEOUT (30 * G_USEC_PER_SEC)
#define API_KEY            "Ak7-secret-key"
#define VERSION            "v0.27.2-test"

typedef struct
{
  ShFakeStash *fake;  /* (owned) (nullable) */
  char        *url;   /* (owned) */
  char        *dir;   /* (owned) the database's */
} Fixture;

static void
fixture_set_env (Fixture *fixture)
{
  g_autofree char *database = sh_gui_make_database_path (&fixture->dir);

  sh_gui_use_file_keyring (fixture->dir);
  g_setenv ("STASHHOG_URL", fixture->url, TRUE);
  g_setenv ("STASHHOG_DATABASE", database, TRUE);
  g_unsetenv ("STASHHOG_API_KEY");
}

static void
fixture_start (Fixture  *fixture,
               gboolean  tls)
{
  g_autoptr(GError) error = NULL;

  fixture->fake = sh_fake_stash_new ();
  sh_fake_stash_set_api_key (fixture->fake, API_KEY);
  sh_fake_stash_set_version (fixture->fake, VERSION);
  sh_fake_stash_set_scene_count (fixture->fake, 10);
  if (tls)
    sh_fake_stash_start_tls (fixture->fake, 0, &error);
  else
    sh_fake_stash_start (fixture->fake, 0, &error);
  g_assert_no_error (error);

  fixture->url = g_strdup (sh_fake_stash_get_url (fixture->fake));
  fixture_set_env (fixture);
}

static void
fixture_clear (Fixture *fixture)
{
  if (fixture->fake != NULL)
    sh_fake_stash_stop (fixture->fake);
  g_clear_object (&fixture->fake);
  g_clear_pointer (&fixture->url, g_free);
  sh_gui_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

/* Preferences */

static ShPreferencesWindow *
open_preferences (ShApplication *app)
{
  GtkWindow *prefs;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  sh_gui_flush ();

  prefs = sh_gui_find_toplevel (SH_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (prefs)));

  return SH_PREFERENCES_WINDOW (prefs);
}

static GObject *
prefs_child (ShPreferencesWindow *prefs,
             const char          *name)
{
  return sh_gui_child (prefs, SH_TYPE_PREFERENCES_WINDOW, name);
}

static gboolean
test_finished (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (prefs_child (data, "test_spinner")));
}

static gboolean
database_test_finished (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (prefs_child (data, "database_spinner")));
}

/* Types the key and presses Test Connection; returns what the connection row says. */
static const char *
test_connection (ShPreferencesWindow *prefs,
                 const char          *api_key)
{
  AdwActionRow *row = ADW_ACTION_ROW (prefs_child (prefs, "connection_row"));

  gtk_editable_set_text (GTK_EDITABLE (prefs_child (prefs, "api_key_row")), api_key);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Not tested yet");

  sh_gui_click (prefs_child (prefs, "test_button"));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Connecting…");
  sh_gui_wait (test_finished, prefs, "the connection test");
  sh_gui_flush ();

  return adw_action_row_get_subtitle (row);
}

static gboolean
has_api_key (ShSession *session)
{
  return sh_stash_client_has_api_key (sh_session_get_client (session));
}

static gboolean
connected_with_key (gpointer data)
{
  ShApplication *app = data;

  return sh_application_get_state (app) == SH_CONNECTION_CONNECTED &&
         has_api_key (sh_application_get_session (app));
}

static void
check_start (ShApplication *app,
             Fixture       *fixture)
{
  /* STASHHOG_URL is configured: the session opens on its own, keyless as the keyring has
   * nothing yet (the database needs no Stash). */
  sh_gui_wait (sh_gui_is_connected, app, "the session");
  g_assert_cmpstr (sh_session_get_url (sh_application_get_session (app)), ==, fixture->url);
  g_assert_false (has_api_key (sh_application_get_session (app)));
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  char **key = user_data;

  *key = sh_secrets_lookup_finish (result, NULL);
  if (*key == NULL)
    *key = g_strdup ("");
}

static gboolean
key_stored (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *key = NULL;

  sh_secrets_lookup_async (SH_SECRET_API_KEY, fixture->url, NULL, stored_cb, &key);
  while (key == NULL)
    g_main_context_iteration (NULL, TRUE);

  return g_str_equal (key, API_KEY);
}

static void
check_settings_have_no_key (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, API_KEY));
    }
}

static void
check_good_key (ShApplication *app,
                ShWindow      *window,
                gpointer       data)
{
  Fixture *fixture = data;
  ShPreferencesWindow *prefs;
  GtkWidget *url_row;
  const char *status;
  GtkStack *jobs_stack = GTK_STACK (sh_gui_child (window, SH_TYPE_WINDOW, "jobs_stack"));

  check_start (app, fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (jobs_stack), ==, "jobs");

  prefs = open_preferences (app);
  /* Each switch is named once, by its row's title. */
  sh_gui_assert_switches_named_once (GTK_WIDGET (prefs));

  /* The address comes from the environment, and shows so. */
  url_row = GTK_WIDGET (prefs_child (prefs, "url_row"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==, fixture->url);
  g_assert_false (gtk_widget_is_sensitive (url_row));

  status = test_connection (prefs, API_KEY);
  g_assert_nonnull (strstr (status, VERSION));
  g_assert_nonnull (strstr (status, "ready"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (prefs_child (prefs, "connection_row")),
                                           "status-success"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (prefs_child (prefs, "certificate_row"))));
  g_assert_cmpuint (sh_fake_stash_get_request_count (fixture->fake, "TestConnection"), >=, 1);

  sh_gui_assert_buttons_labelled (GTK_WIDGET (prefs));

  /* A successful test connects with that key, and keeps it in the keyring only. */
  sh_gui_wait (connected_with_key, app, "a session with the API key");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (jobs_stack), ==, "jobs");
  sh_gui_wait (key_stored, fixture, "the API key in the keyring");
  check_settings_have_no_key (sh_application_get_settings (app));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
check_bad_key (ShApplication *app,
               ShWindow      *window,
               gpointer       data)
{
  Fixture *fixture = data;
  ShPreferencesWindow *prefs;
  const char *status;

  check_start (app, fixture);
  prefs = open_preferences (app);

  status = test_connection (prefs, "not-the-key");
  g_assert_cmpstr (status, ==, "Stash refused the API key. Check the key in Preferences "
                               "(Stash: Settings › Security › API Key).");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (prefs_child (prefs, "connection_row")),
                                           "status-error"));

  /* Nothing changed: the same keyless session. */
  sh_gui_flush ();
  g_assert_true (sh_gui_is_connected (app));
  g_assert_false (has_api_key (sh_application_get_session (app)));

  /* The database comes from STASHHOG_DATABASE: shown read-only, and Test opens it. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (prefs_child (prefs,
                                                                    "database_kind_row"))));
  sh_gui_click (prefs_child (prefs, "database_test_button"));
  sh_gui_wait (database_test_finished, prefs, "the database test");
  status = adw_action_row_get_subtitle (ADW_ACTION_ROW (prefs_child (prefs, "database_row")));
  g_assert_true (g_str_has_prefix (status, "Works: "));
  g_assert_nonnull (strstr (status, g_getenv ("STASHHOG_DATABASE")));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
check_unreachable (ShApplication *app,
                   ShWindow      *window,
                   gpointer       data)
{
  Fixture *fixture = data;
  ShPreferencesWindow *prefs;
  const char *status;

  /* The mirror opens without Stash; only talking to Stash fails. */
  check_start (app, fixture);
  prefs = open_preferences (app);

  status = test_connection (prefs, API_KEY);
  g_assert_true (g_str_has_prefix (status, "Cannot connect to Stash at "));
  g_assert_nonnull (strstr (status, fixture->url));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (prefs_child (prefs, "connection_row")),
                                           "status-error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (prefs_child (prefs, "certificate_row"))));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static char *
expected_fingerprint (ShFakeStash *fake)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  GString *out = g_string_new (NULL);

  g_object_get (sh_fake_stash_get_certificate (fake), "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  for (guint i = 0; hex[i] != '\0'; i += 2)
    g_string_append_printf (out, "%s%c%c", i > 0 ? ":" : "",
                            g_ascii_toupper (hex[i]), g_ascii_toupper (hex[i + 1]));

  return g_string_free (out, FALSE);
}

static void
check_trust_certificate (ShApplication *app,
                         ShWindow      *window,
                         gpointer       data)
{
  Fixture *fixture = data;
  ShPreferencesWindow *prefs;
  AdwActionRow *certificate_row;
  g_autofree char *fingerprint = expected_fingerprint (fixture->fake);
  g_autofree char *trusted = NULL;
  const char *status;

  check_start (app, fixture);
  prefs = open_preferences (app);
  certificate_row = ADW_ACTION_ROW (prefs_child (prefs, "certificate_row"));

  /* The self-signed certificate is refused, and its fingerprint offered. */
  status = test_connection (prefs, API_KEY);
  g_assert_nonnull (strstr (status, "is not trusted"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (certificate_row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (certificate_row), ==, fingerprint);

  /* Trusting it tests again, and this time connects. */
  sh_gui_click (prefs_child (prefs, "trust_button"));
  sh_gui_wait (test_finished, prefs, "the second connection test");
  status = adw_action_row_get_subtitle (ADW_ACTION_ROW (prefs_child (prefs, "connection_row")));
  g_assert_nonnull (strstr (status, VERSION));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (certificate_row)));

  trusted = sh_config_dup_trusted_fingerprint (sh_application_get_settings (app), fixture->url);
  g_assert_cmpstr (trusted, ==, fingerprint);
  sh_gui_wait (connected_with_key, app, "a session with the API key");

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
run_test (ShGuiCheck check,
          gboolean   tls)
{
  Fixture fixture = { 0 };

  fixture_start (&fixture, tls);
  sh_gui_run (check, &fixture);
  fixture_clear (&fixture);
}

static void
test_connect_good_key (void)
{
  if (g_test_subprocess ())
    {
      run_test (check_good_key, FALSE);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_connect_bad_key (void)
{
  if (g_test_subprocess ())
    {
      run_test (check_bad_key, FALSE);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static char *
unused_url (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  /* A port that was free a moment ago: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

static void
test_connect_unreachable (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture.url = unused_url ();
      fixture_set_env (&fixture);
      sh_gui_run (check_unreachable, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_connect_trust_certificate (void)
{
  if (g_test_subprocess ())
    {
      run_test (check_trust_certificate, TRUE);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static gboolean
has_failed (gpointer data)
{
  return sh_application_get_state (SH_APPLICATION (data)) == SH_CONNECTION_FAILED;
}

static void
check_database_error (ShApplication *app,
                      ShWindow      *window,
                      gpointer       data)
{
  GtkStack *jobs_stack = GTK_STACK (sh_gui_child (window, SH_TYPE_WINDOW, "jobs_stack"));
  AdwStatusPage *error_page = ADW_STATUS_PAGE (sh_gui_child (window, SH_TYPE_WINDOW,
                                                             "error_page"));
  GtkWidget *retry = GTK_WIDGET (sh_gui_child (window, SH_TYPE_WINDOW, "retry_button"));

  /* The error, said in full where the jobs would be, with a way out. */
  sh_gui_wait (has_failed, app, "the session to fail");
  sh_gui_flush ();
  g_assert_null (sh_application_get_session (app));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (jobs_stack), ==, "error");
  g_assert_cmpstr (adw_status_page_get_title (error_page), ==, "Could Not Open the Database");
  g_assert_cmpstr (adw_status_page_get_description (error_page), ==,
                   sh_application_get_error (app));
  g_assert_nonnull (strstr (adw_status_page_get_description (error_page), "not a database"));
  g_assert_true (gtk_widget_is_drawable (retry));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (retry)), ==,
                   "win.reconnect");

  /* Trying again fails again, the same way. */
  sh_gui_click (retry);
  g_assert_cmpint (sh_application_get_state (app), ==, SH_CONNECTION_CONNECTING);
  sh_gui_wait (has_failed, app, "the session to fail again");
}

static void
test_connect_database_error (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *database = NULL;

      fixture.url = g_strdup ("http://127.0.0.1:9999");
      fixture_set_env (&fixture);
      database = g_strdup (g_getenv ("STASHHOG_DATABASE"));
      g_file_set_contents (database, "not a database\n", -1, &error);
      g_assert_no_error (error);

      sh_gui_run (check_database_error, &fixture);
      fixture_clear (&fixture);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The PostgreSQL half of the database preference */

#define DATABASE_PASSWORD "Pg-typed-secret-7"
#define ADDRESS_PASSWORD  "Pg-address-secret-9"

typedef struct
{
  Fixture  fixture;
  char    *sqlite;       /* (owned) the database it starts with */
  char    *good;         /* (owned) the test server's address, without a password */
  char    *password;     /* (owned) what is typed into the password field */
  char    *user;         /* (owned) (nullable) */
  char    *host;         /* (owned) */
  int      port;
} PostgresFixture;

static char *
postgres_address (PostgresFixture *fixture,
                  const char      *password,
                  int              port,
                  const char      *database)
{
  return g_uri_join_with_user (G_URI_FLAGS_ENCODED, "postgresql", fixture->user, password, NULL,
                               fixture->host, port, database, NULL, NULL);
}

static const char *
database_status (ShPreferencesWindow *prefs)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (prefs_child (prefs, "database_row")));
}

/* Types the address and password and presses Test; returns what the status row says. */
static const char *
test_database (ShPreferencesWindow *prefs,
               const char          *address,
               const char          *password)
{
  gtk_editable_set_text (GTK_EDITABLE (prefs_child (prefs, "database_url_row")), address);
  gtk_editable_set_text (GTK_EDITABLE (prefs_child (prefs, "database_password_row")), password);
  g_assert_cmpstr (database_status (prefs), ==, "Not tested yet");

  sh_gui_click (prefs_child (prefs, "database_test_button"));
  /* An address that cannot be one is refused at once; any other is opened. */
  if (!database_test_finished (prefs))
    {
      g_assert_cmpstr (database_status (prefs), ==, "Opening…");
      g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (prefs_child (prefs,
                                                                        "database_test_button"))));
      sh_gui_wait (database_test_finished, prefs, "the database test");
    }
  sh_gui_flush ();

  return database_status (prefs);
}

static gboolean
status_is (ShPreferencesWindow *prefs,
           const char          *css_class)
{
  return gtk_widget_has_css_class (GTK_WIDGET (prefs_child (prefs, "database_row")), css_class);
}

typedef struct
{
  ShApplication *app;
  const char    *provider;
} ProviderWait;

static gboolean
connected_to (gpointer data)
{
  ProviderWait *wait = data;
  ShSession *session = sh_application_get_session (wait->app);

  return sh_application_get_state (wait->app) == SH_CONNECTION_CONNECTED &&
         g_strcmp0 (sh_database_get_provider (sh_session_get_database (session)),
                    wait->provider) == 0;
}

typedef struct
{
  const char *database;
  const char *password;
} SecretWait;

static gboolean
password_stored (gpointer data)
{
  SecretWait *wait = data;
  g_autofree char *stored = NULL;

  sh_secrets_lookup_async (SH_SECRET_DATABASE_PASSWORD, wait->database, NULL, stored_cb,
                           &stored);
  while (stored == NULL)
    g_main_context_iteration (NULL, TRUE);

  return g_str_equal (stored, wait->password);
}

/* No key of the settings holds @secret, in any form. */
static void
check_settings_lack (GSettings  *settings,
                     const char *secret)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      if (strstr (text, secret) != NULL)
        g_error ("The settings key %s holds a password: %s", keys[i], text);
    }
}

static void
check_postgres_database (ShApplication *app,
                         ShWindow      *window,
                         gpointer       data)
{
  PostgresFixture *fixture = data;
  GSettings *settings = sh_application_get_settings (app);
  ProviderWait on_sqlite = { app, "SQLite" };
  ProviderWait on_postgres = { app, "PostgreSQL" };
  SecretWait typed = { fixture->good, fixture->password };
  SecretWait in_address = { fixture->good, ADDRESS_PASSWORD };
  ShPreferencesWindow *prefs;
  AdwComboRow *kind_row;
  GtkWidget *url_row;
  GtkWidget *password_row;
  g_autofree char *works = NULL;
  g_autofree char *wrong_name = NULL;
  g_autofree char *closed_port = NULL;
  g_autofree char *with_password = NULL;
  g_autofree char *setting = NULL;
  const char *status;

  /* It starts on its SQLite file, which the preference shows. */
  sh_gui_wait (connected_to, &on_sqlite, "the SQLite session");
  prefs = open_preferences (app);
  kind_row = ADW_COMBO_ROW (prefs_child (prefs, "database_kind_row"));
  url_row = GTK_WIDGET (prefs_child (prefs, "database_url_row"));
  password_row = GTK_WIDGET (prefs_child (prefs, "database_password_row"));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (kind_row)));
  g_assert_cmpuint (adw_combo_row_get_selected (kind_row), ==, 0);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (kind_row)), ==, fixture->sqlite);
  g_assert_false (gtk_widget_get_visible (url_row));
  g_assert_false (gtk_widget_get_visible (password_row));

  /* PostgreSQL asks for its address and password. */
  adw_combo_row_set_selected (kind_row, 1);
  sh_gui_flush ();
  g_assert_true (gtk_widget_get_mapped (url_row));
  g_assert_true (gtk_widget_get_mapped (password_row));
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (password_row));
  sh_gui_assert_buttons_labelled (GTK_WIDGET (prefs));

  /* The test server: it works, and is used from then on. */
  status = test_database (prefs, fixture->good, fixture->password);
  works = g_strdup_printf ("Works: PostgreSQL at %s", fixture->good);
  g_assert_cmpstr (status, ==, works);
  g_assert_true (status_is (prefs, "status-success"));
  g_assert_false (status_is (prefs, "status-error"));
  sh_gui_wait (connected_to, &on_postgres, "the PostgreSQL session");
  setting = g_settings_get_string (settings, "database-url");
  g_assert_cmpstr (setting, ==, fixture->good);
  g_clear_pointer (&setting, g_free);

  /* The password went to the keyring, and only there. */
  sh_gui_wait (password_stored, &typed, "the password in the keyring");
  check_settings_lack (settings, fixture->password);

  /* A database that does not exist on that server: said so, and nothing changes. */
  wrong_name = postgres_address (fixture, NULL, fixture->port, "/stashhog_no_such_database");
  status = test_database (prefs, wrong_name, fixture->password);
  g_test_message ("A database that does not exist: %s", status);
  g_assert_true (status_is (prefs, "status-error"));
  g_assert_false (status_is (prefs, "status-success"));
  g_assert_true (g_str_has_prefix (status, "Could not open the database "));
  g_assert_nonnull (strstr (status, wrong_name));
  g_assert_nonnull (strstr (status, "\"stashhog_no_such_database\" does not exist"));
  /* Without libpq's severity word. */
  g_assert_null (strstr (status, "FATAL"));
  g_assert_nonnull (strstr (status, "Check that the server is running"));
  g_assert_null (strstr (status, fixture->password));

  /* A port nothing listens on: said so, differently. */
  {
    g_autofree char *unused = unused_url ();
    g_autoptr(GUri) uri = g_uri_parse (unused, G_URI_FLAGS_NONE, NULL);

    closed_port = postgres_address (fixture, NULL, g_uri_get_port (uri), "/stashhog_test");
  }
  status = test_database (prefs, closed_port, fixture->password);
  g_test_message ("A closed port: %s", status);
  g_assert_true (status_is (prefs, "status-error"));
  g_assert_true (g_str_has_prefix (status, "Could not open the database "));
  g_assert_nonnull (strstr (status, closed_port));
  g_assert_nonnull (strstr (status, "refused"));
  g_assert_null (strstr (status, "does not exist"));

  /* Neither failure replaced the database that works. */
  sh_gui_flush ();
  g_assert_true (connected_to (&on_postgres));
  setting = g_settings_get_string (settings, "database-url");
  g_assert_cmpstr (setting, ==, fixture->good);
  g_clear_pointer (&setting, g_free);

  /* Not an address: explained before anything is tried. */
  status = test_database (prefs, "db.example.com/stashhog", "");
  g_assert_true (status_is (prefs, "status-error"));
  g_assert_nonnull (strstr (status, "postgresql://"));

  /* A password written into the address goes to the keyring too, not to the settings. */
  with_password = postgres_address (fixture, ADDRESS_PASSWORD, fixture->port, "/stashhog_test");
  status = test_database (prefs, with_password, "");
  g_assert_cmpstr (status, ==, works);
  check_settings_lack (settings, ADDRESS_PASSWORD);
  check_settings_lack (settings, fixture->password);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==, fixture->good);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, ADDRESS_PASSWORD);
  sh_gui_wait (password_stored, &in_address, "the new password in the keyring");
  sh_gui_wait (connected_to, &on_postgres, "the PostgreSQL session");

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
test_connect_postgres_database (void)
{
  if (g_getenv ("STASHHOG_TEST_POSTGRES") == NULL)
    {
      g_test_skip ("STASHHOG_TEST_POSTGRES is not set: this test needs a PostgreSQL server "
                   "(build-aux/test starts one)");
      return;
    }

  if (g_test_subprocess ())
    {
      PostgresFixture fixture = { 0 };
      g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
      g_autoptr(GUri) uri = NULL;
      g_autoptr(GError) error = NULL;
      const char *path;

      uri = g_uri_parse (sh_test_postgres_url (), G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED,
                         &error);
      g_assert_no_error (error);
      fixture.user = g_strdup (g_uri_get_user (uri));
      fixture.host = g_strdup (g_uri_get_host (uri));
      fixture.port = g_uri_get_port (uri);
      path = g_uri_get_path (uri);
      fixture.good = postgres_address (&fixture, NULL, fixture.port, path);
      /* The server of build-aux/test trusts its user and ignores the password; a server
       * that wants one has it in the address. */
      if (g_uri_get_password (uri) != NULL)
        fixture.password = g_uri_unescape_string (g_uri_get_password (uri), NULL);
      else
        fixture.password = g_strdup (DATABASE_PASSWORD);
      g_assert_cmpstr (fixture.password, !=, ADDRESS_PASSWORD);

      /* Chosen in Preferences, not by the environment: it starts on a file of its own. */
      fixture.fixture.url = unused_url ();
      fixture_set_env (&fixture.fixture);
      fixture.sqlite = g_strdup (g_getenv ("STASHHOG_DATABASE"));
      g_unsetenv ("STASHHOG_DATABASE");
      g_unsetenv ("STASHHOG_DATABASE_PASSWORD");
      g_settings_set_string (settings, "database-url", fixture.sqlite);

      sh_test_reset_postgres ();
      sh_gui_run (check_postgres_database, &fixture);
      sh_test_reset_postgres ();

      fixture_clear (&fixture.fixture);
      g_free (fixture.sqlite);
      g_free (fixture.good);
      g_free (fixture.password);
      g_free (fixture.user);
      g_free (fixture.host);
      return;
    }

  g_test_trap_subprocess (NULL, 2 * SUBPROCESS_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's accessibility backend for tests: what a screen reader would be told. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/connect/good-key", test_connect_good_key);
  g_test_add_func ("/ui/connect/bad-key", test_connect_bad_key);
  g_test_add_func ("/ui/connect/unreachable", test_connect_unreachable);
  g_test_add_func ("/ui/connect/trust-certificate", test_connect_trust_certificate);
  g_test_add_func ("/ui/connect/database-error", test_connect_database_error);
  g_test_add_func ("/ui/connect/postgres-database", test_connect_postgres_database);

  return g_test_run ();
}
