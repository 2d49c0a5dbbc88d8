/* sh-preferences-window.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences, and the connect flow of the first run: the server address and API key are
 * used once Test Connection succeeds with them (the key then goes to the keyring, never to
 * the settings); a certificate that cannot be verified can be trusted by its fingerprint.
 * The database works the same way: Test opens it, and a database that opens is used.
 * Values from the environment (STASHHOG_URL, STASHHOG_API_KEY, STASHHOG_DATABASE) win over
 * all of this, as for stashhogctl, and are shown read-only.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "sh-config.h"
#include "sh-database.h"
#include "sh-schedule.h"
#include "sh-preferences-window.h"
#include "sh-secrets.h"
#include "sh-stash-error.h"
#include "sh-ui-util.h"

#define TEST_TIMEOUT_S 15

enum {
  DATABASE_LOCAL,
  DATABASE_POSTGRES,
};

struct _ShPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  ShApplication        *application;     /* (owned) */
  GSettings            *settings;        /* (owned) */
  GCancellable         *cancellable;     /* (owned) */
  char                 *untrusted_url;   /* (owned) (nullable) where the TLS error came from */
  char                 *fingerprint;     /* (owned) (nullable) the certificate it showed */
  gboolean              key_edited;

  /* Template widgets */
  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *url_row;
  AdwEntryRow          *api_key_row;
  AdwActionRow         *connection_row;
  GtkSpinner           *test_spinner;
  GtkWidget            *test_button;
  AdwActionRow         *certificate_row;
  GtkWidget            *trust_button;
  AdwPreferencesGroup  *database_group;
  AdwComboRow          *database_kind_row;
  AdwEntryRow          *database_url_row;
  AdwEntryRow          *database_password_row;
  AdwActionRow         *database_row;
  GtkSpinner           *database_spinner;
  GtkWidget            *database_test_button;
  GtkSpinButton        *poll_spin;
  GtkSpinButton        *failing_spin;
  GtkSwitch            *notify_switch;
  AdwComboRow          *schedule_mode_row;
  AdwActionRow         *schedule_hours_row;
  GtkSpinButton        *schedule_hours_spin;
  AdwComboRow          *schedule_weekday_row;
  AdwEntryRow          *window_start_row;
  AdwEntryRow          *window_end_row;
  AdwComboRow          *window_end_action_row;
  GtkSwitch            *maintenance_scan_switch;
  GtkSwitch            *maintenance_mark_switch;
  GtkSwitch            *background_switch;
};

G_DEFINE_FINAL_TYPE (ShPreferencesWindow, sh_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void sh_preferences_window_load (ShPreferencesWindow *self);

/**
 * sh_preferences_window_new:
 * @application: the application, whose settings and connection the window shows
 *
 * Returns: (transfer full): a new preferences window
 */
ShPreferencesWindow *
sh_preferences_window_new (ShApplication *application)
{
  ShPreferencesWindow *self;

  g_return_val_if_fail (SH_IS_APPLICATION (application), NULL);

  self = g_object_new (SH_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       NULL);
  self->application = g_object_ref (application);
  sh_preferences_window_load (self);

  return self;
}

typedef enum
{
  STATUS_NEUTRAL,
  STATUS_SUCCESS,
  STATUS_ERROR,
} StatusKind;

static void
set_status (AdwActionRow *row,
            const char   *text,
            StatusKind    kind)
{
  adw_action_row_set_subtitle (row, text);

  if (kind == STATUS_SUCCESS)
    gtk_widget_add_css_class (GTK_WIDGET (row), "status-success");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "status-success");

  if (kind == STATUS_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (row), "status-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "status-error");
}

static void
set_busy (GtkSpinner *spinner,
          GtkWidget  *button,
          gboolean    busy)
{
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_set_sensitive (button, !busy);
}

static char *
entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* The server */

static void
hide_certificate (ShPreferencesWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_row), FALSE);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->untrusted_url, g_free);
}

static void
on_server_changed (ShPreferencesWindow *self)
{
  set_status (self->connection_row, _("Not tested yet"), STATUS_NEUTRAL);
  hide_certificate (self);
}

static void
on_key_changed (ShPreferencesWindow *self)
{
  self->key_edited = TRUE;
  on_server_changed (self);
}

static char *
describe_server (const ShStashServerInfo *info)
{
  const char *version = info->version != NULL && *info->version != '\0'
                        ? info->version : _("(unknown version)");
  const char *state;
  g_autofree char *text = NULL;

  if (g_strcmp0 (info->status, "OK") == 0)
    state = _("ready");
  else if (g_strcmp0 (info->status, "SETUP") == 0)
    state = _("needs to be set up in Stash first");
  else if (g_strcmp0 (info->status, "NEEDS_MIGRATION") == 0)
    state = _("needs a database migration in Stash first");
  else
    state = info->status;

  /* Translators: “Connected to Stash v0.27.2, ready” */
  text = g_strdup_printf (_("Connected to Stash %s, %s"), version, state);
  if (!info->has_ffmpeg)
    return g_strconcat (text, ". ",
                        _("Stash has no ffmpeg, so it cannot generate media."), NULL);

  return g_steal_pointer (&text);
}

typedef struct
{
  ShPreferencesWindow *self;  /* (owned) */
  char                *url;
  char                *api_key;
} TestData;

static void
test_data_free (TestData *data)
{
  g_clear_object (&data->self);
  g_free (data->url);
  g_free (data->api_key);
  g_free (data);
}

static void
test_connection_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TestData *data = user_data;
  ShPreferencesWindow *self = data->self;
  g_autoptr(ShStashServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  info = sh_stash_client_test_connection_finish (SH_STASH_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      test_data_free (data);
      return;
    }

  set_busy (self->test_spinner, self->test_button, FALSE);

  if (info == NULL)
    {
      set_status (self->connection_row, error->message, STATUS_ERROR);

      if (g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_TLS))
        {
          g_autofree char *fingerprint =
            sh_stash_client_dup_untrusted_fingerprint (SH_STASH_CLIENT (object));

          if (fingerprint != NULL)
            {
              g_free (self->fingerprint);
              self->fingerprint = g_steal_pointer (&fingerprint);
              g_free (self->untrusted_url);
              self->untrusted_url = g_strdup (data->url);
              adw_action_row_set_subtitle (self->certificate_row, self->fingerprint);
              gtk_widget_set_visible (GTK_WIDGET (self->certificate_row), TRUE);
            }
        }

      test_data_free (data);
      return;
    }

  text = describe_server (info);

  if (sh_application_has_running_jobs (self->application))
    {
      g_autofree char *waiting = g_strconcat (text, ". ",
                                              _("Connect again once the running jobs end."),
                                              NULL);

      set_status (self->connection_row, waiting, STATUS_SUCCESS);
      test_data_free (data);
      return;
    }

  set_status (self->connection_row, text, STATUS_SUCCESS);
  sh_application_use_server (self->application, data->url, data->api_key, info->version);
  test_data_free (data);
}

static void
test_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (widget);
  g_autoptr(ShStashClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = entry_text (self->url_row);
  g_autofree char *api_key = NULL;
  g_autofree char *fingerprint = NULL;
  TestData *data;

  if (*url == '\0')
    {
      set_status (self->connection_row,
                  _("Enter the address of your Stash server, such as http://localhost:9999."),
                  STATUS_ERROR);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }

  if (sh_config_api_key_from_env ())
    api_key = g_strdup (g_getenv ("STASHHOG_API_KEY"));
  else
    api_key = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->api_key_row)));
  if (api_key != NULL && *api_key == '\0')
    g_clear_pointer (&api_key, g_free);

  client = sh_stash_client_new (url, api_key, &error);
  if (client == NULL)
    {
      set_status (self->connection_row, error->message, STATUS_ERROR);
      return;
    }

  fingerprint = sh_config_dup_trusted_fingerprint (sh_application_get_settings (self->application), url);
  sh_stash_client_set_trusted_fingerprint (client, fingerprint);
  sh_stash_client_set_timeout (client, TEST_TIMEOUT_S);

  gtk_widget_set_visible (GTK_WIDGET (self->certificate_row), FALSE);
  set_status (self->connection_row, _("Connecting…"), STATUS_NEUTRAL);
  set_busy (self->test_spinner, self->test_button, TRUE);

  data = g_new0 (TestData, 1);
  data->self = g_object_ref (self);
  data->url = g_steal_pointer (&url);
  data->api_key = g_steal_pointer (&api_key);
  sh_stash_client_test_connection_async (client, self->cancellable, test_connection_cb, data);
}

static void
trust_certificate_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (widget);

  if (self->fingerprint == NULL || self->untrusted_url == NULL)
    return;

  sh_config_trust_certificate (sh_application_get_settings (self->application),
                               self->untrusted_url, self->fingerprint);
  hide_certificate (self);

  /* Now the same test passes, and the server is used. */
  gtk_widget_activate_action (widget, "prefs.test-connection", NULL);
}

static void
api_key_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ShPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  key = sh_secrets_lookup_finish (result, &error);
  if (key == NULL || self->key_edited)
    return;

  g_signal_handlers_block_by_func (self->api_key_row, on_key_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->api_key_row), key);
  g_signal_handlers_unblock_by_func (self->api_key_row, on_key_changed, self);
}

/* The database */

static void
update_database_rows (ShPreferencesWindow *self)
{
  gboolean postgres = adw_combo_row_get_selected (self->database_kind_row) == DATABASE_POSTGRES;
  g_autofree char *current = sh_config_dup_database (sh_application_get_settings (self->application), NULL);
  g_autofree char *file = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->database_url_row), postgres);
  gtk_widget_set_visible (GTK_WIDGET (self->database_password_row), postgres);

  /* Where “This Computer” keeps it. */
  if (!postgres && current != NULL && !g_str_has_prefix (current, "postgres"))
    file = g_steal_pointer (&current);
  else if (!postgres)
    file = g_build_filename (g_get_user_data_dir (), "stashhog", "stashhog.db", NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->database_kind_row), file != NULL ? file : "");
}

static void
on_database_changed (ShPreferencesWindow *self)
{
  update_database_rows (self);
  set_status (self->database_row, _("Not tested yet"), STATUS_NEUTRAL);
}

/* A password written into the address would be saved with it, in the settings: it moves
 * to the password field, which goes to the keyring, and the address keeps the rest. */
static void
move_password_out_of_address (ShPreferencesWindow *self)
{
  g_autofree char *url = entry_text (self->database_url_row);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *password = NULL;
  g_autofree char *bare = NULL;
  const char *user;

  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_password (uri) == NULL)
    return;

  password = g_uri_unescape_string (g_uri_get_password (uri), NULL);
  if (password == NULL)
    password = g_strdup (g_uri_get_password (uri));
  user = g_uri_get_user (uri);
  bare = g_uri_join_with_user (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri),
                               user != NULL && *user != '\0' ? user : NULL, NULL, NULL,
                               g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                               g_uri_get_query (uri), g_uri_get_fragment (uri));

  gtk_editable_set_text (GTK_EDITABLE (self->database_url_row), bare);
  gtk_editable_set_text (GTK_EDITABLE (self->database_password_row), password);
}

/* What the rows say, as the value for sh_database_new(): NULL for the default file. */
static char *
chosen_database (ShPreferencesWindow  *self,
                 GError              **error)
{
  g_autofree char *current = sh_config_dup_database (sh_application_get_settings (self->application), NULL);
  g_autofree char *url = NULL;

  if (sh_config_database_from_env ())
    return g_steal_pointer (&current);

  if (adw_combo_row_get_selected (self->database_kind_row) == DATABASE_LOCAL)
    {
      /* A custom SQLite file (set for stashhogctl, say) stays; PostgreSQL goes. */
      if (current != NULL && !g_str_has_prefix (current, "postgres"))
        return g_steal_pointer (&current);
      return NULL;
    }

  move_password_out_of_address (self);
  url = entry_text (self->database_url_row);
  if (!g_str_has_prefix (url, "postgresql://") && !g_str_has_prefix (url, "postgres://"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter a PostgreSQL address, such as "
                             "postgresql://stashhog@db.example.com:5432/stashhog."));
      return NULL;
    }

  return g_steal_pointer (&url);
}

typedef struct
{
  ShPreferencesWindow *self;      /* (owned) */
  char                *database;  /* (nullable) */
  char                *password;  /* (nullable) */
} DatabaseTest;

static void
database_test_free (DatabaseTest *data)
{
  g_clear_object (&data->self);
  g_free (data->database);
  g_free (data->password);
  g_free (data);
}

static void
database_open_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DatabaseTest *data = user_data;
  ShPreferencesWindow *self = data->self;
  ShDatabase *db = SH_DATABASE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;
  g_autofree char *text = NULL;
  gboolean opened;

  opened = sh_database_open_finish (db, result, &error);
  if (opened && g_strcmp0 (sh_database_get_provider (db), "PostgreSQL") == 0)
    /* Translators: %s is where the database is, such as “db.example.com:5432/stashhog” */
    text = g_strdup_printf (_("Works: PostgreSQL at %s"), sh_database_get_location (db));
  else if (opened)
    /* Translators: %s is a file name */
    text = g_strdup_printf (_("Works: %s"), sh_database_get_location (db));
  sh_database_close (db);
  g_object_unref (db);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      database_test_free (data);
      return;
    }

  set_busy (self->database_spinner, self->database_test_button, FALSE);

  if (!opened)
    {
      set_status (self->database_row, error->message, STATUS_ERROR);
      database_test_free (data);
      return;
    }

  current = sh_config_dup_database (sh_application_get_settings (self->application), NULL);
  if (g_strcmp0 (current, data->database) == 0 &&
      sh_application_get_state (self->application) == SH_CONNECTION_CONNECTED)
    {
      /* The database in use, perhaps with a new password: the next start needs it. */
      set_status (self->database_row, text, STATUS_SUCCESS);
      if (data->database != NULL && g_str_has_prefix (data->database, "postgres") &&
          !sh_config_database_from_env ())
        sh_application_set_database_password (self->application, data->database,
                                              data->password);
    }
  else if (sh_application_has_running_jobs (self->application))
    {
      g_autofree char *waiting = g_strconcat (text, ". ",
                                              _("Use it once the running jobs end."), NULL);

      set_status (self->database_row, waiting, STATUS_SUCCESS);
    }
  else
    {
      set_status (self->database_row, text, STATUS_SUCCESS);
      sh_application_use_database (self->application, data->database, data->password);
    }

  database_test_free (data);
}

static void
test_database_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *database = chosen_database (self, &error);
  g_autofree char *password = NULL;
  DatabaseTest *data;
  ShDatabase *db;

  if (error != NULL)
    {
      set_status (self->database_row, error->message, STATUS_ERROR);
      return;
    }

  if (database != NULL && g_str_has_prefix (database, "postgres"))
    {
      if (g_getenv ("STASHHOG_DATABASE_PASSWORD") != NULL && sh_config_database_from_env ())
        password = g_strdup (g_getenv ("STASHHOG_DATABASE_PASSWORD"));
      else
        password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->database_password_row)));
      if (*password == '\0')
        g_clear_pointer (&password, g_free);
    }

  set_status (self->database_row, _("Opening…"), STATUS_NEUTRAL);
  set_busy (self->database_spinner, self->database_test_button, TRUE);

  data = g_new0 (DatabaseTest, 1);
  data->self = g_object_ref (self);
  data->database = g_steal_pointer (&database);
  data->password = g_steal_pointer (&password);

  db = sh_database_new (data->database, data->password);
  sh_database_open_async (db, self->cancellable, database_open_cb, data);
}

static void
password_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ShPreferencesWindow) self = user_data;
  g_autofree char *password = sh_secrets_lookup_finish (result, NULL);

  if (password != NULL &&
      *gtk_editable_get_text (GTK_EDITABLE (self->database_password_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->database_password_row), password);
}

/* Construction */

static void
on_entry_activated (ShPreferencesWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "prefs.test-connection", NULL);
}

/* Scheduled maintenance: settings strings and numbers as the rows' positions. */

static const char * const schedule_modes[] = { "off", "hours", "daily", "weekly", NULL };
static const char * const end_actions[] = { "continue", "cancel", NULL };

static gboolean
choice_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], choice))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
choice_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) choices))
    return NULL;

  return g_variant_new_string (choices[index]);
}

static gboolean
weekday_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  g_value_set_uint (value, CLAMP (g_variant_get_uint32 (variant), 1, 7) - 1);
  return TRUE;
}

static GVariant *
weekday_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  return index < 7 ? g_variant_new_uint32 (index + 1) : NULL;
}

/* Only a valid "HH:MM" reaches the setting; the row shows what is wrong meanwhile. */
static GVariant *
time_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char *text = g_value_get_string (value);
  guint minute;

  if (!sh_schedule_parse_time (text, &minute))
    return NULL;

  return g_variant_new_printf ("%02u:%02u", minute / 60, minute % 60);
}

static void
on_time_changed (AdwEntryRow *row)
{
  guint minute;

  if (sh_schedule_parse_time (gtk_editable_get_text (GTK_EDITABLE (row)), &minute))
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
}

static void
update_schedule_rows (ShPreferencesWindow *self)
{
  guint mode = adw_combo_row_get_selected (self->schedule_mode_row);
  gboolean windowed = mode == 2 || mode == 3;

  gtk_widget_set_visible (GTK_WIDGET (self->schedule_hours_row), mode == 1);
  gtk_widget_set_visible (GTK_WIDGET (self->schedule_weekday_row), mode == 3);
  gtk_widget_set_visible (GTK_WIDGET (self->window_start_row), windowed || mode == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->window_end_row), windowed || mode == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->window_end_action_row), windowed || mode == 0);
}

static void
bind_maintenance (ShPreferencesWindow *self)
{
  g_settings_bind_with_mapping (self->settings, "schedule-mode", self->schedule_mode_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, choice_get_mapping,
                                choice_set_mapping, (gpointer) schedule_modes, NULL);
  g_settings_bind (self->settings, "schedule-hours", self->schedule_hours_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "schedule-weekday", self->schedule_weekday_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, weekday_get_mapping,
                                weekday_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "schedule-window-start", self->window_start_row,
                                "text", G_SETTINGS_BIND_DEFAULT, NULL, time_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "schedule-window-end", self->window_end_row,
                                "text", G_SETTINGS_BIND_DEFAULT, NULL, time_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "schedule-window-end-action",
                                self->window_end_action_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping,
                                choice_set_mapping, (gpointer) end_actions, NULL);
  g_settings_bind (self->settings, "maintenance-scan", self->maintenance_scan_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "maintenance-mark-succeeded", self->maintenance_mark_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect (self->window_start_row, "changed", G_CALLBACK (on_time_changed), NULL);
  g_signal_connect (self->window_end_row, "changed", G_CALLBACK (on_time_changed), NULL);
  g_signal_connect_object (self->schedule_mode_row, "notify::selected",
                           G_CALLBACK (update_schedule_rows), self, G_CONNECT_SWAPPED);
  update_schedule_rows (self);
}

static void
sh_preferences_window_load (ShPreferencesWindow *self)
{
  g_autofree char *url = sh_config_dup_url (sh_application_get_settings (self->application), NULL);
  g_autofree char *database = sh_config_dup_database (sh_application_get_settings (self->application), NULL);
  g_autoptr(GString) notes = g_string_new (NULL);
  gboolean postgres = database != NULL && g_str_has_prefix (database, "postgres");

  self->settings = g_object_ref (sh_application_get_settings (self->application));
  g_settings_bind (self->settings, "poll-interval", self->poll_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-on-finish", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "failing-threshold", self->failing_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  bind_maintenance (self);

  /* The server */
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  if (sh_config_url_from_env ())
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), FALSE);
      g_string_append (notes, _("The address comes from the STASHHOG_URL environment "
                                "variable."));
    }
  if (sh_config_api_key_from_env ())
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->api_key_row), FALSE);
      if (notes->len > 0)
        g_string_append_c (notes, ' ');
      g_string_append (notes, _("The API key comes from the STASHHOG_API_KEY environment "
                                "variable."));
    }
  else if (url != NULL)
    {
      sh_secrets_lookup_async (SH_SECRET_API_KEY, url, self->cancellable, api_key_lookup_cb,
                               g_object_ref (self));
    }
  if (notes->len > 0)
    adw_preferences_group_set_description (self->server_group, notes->str);

  if (sh_application_get_state (self->application) == SH_CONNECTION_CONNECTED)
    set_status (self->connection_row, _("Connected"), STATUS_SUCCESS);

  /* The database */
  adw_combo_row_set_selected (self->database_kind_row,
                              postgres ? DATABASE_POSTGRES : DATABASE_LOCAL);
  if (postgres)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->database_url_row), database);
      sh_secrets_lookup_async (SH_SECRET_DATABASE_PASSWORD, database, self->cancellable,
                               password_lookup_cb, g_object_ref (self));
    }
  update_database_rows (self);
  set_status (self->database_row, _("Not tested yet"), STATUS_NEUTRAL);
  if (sh_config_database_from_env ())
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->database_kind_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->database_url_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->database_password_row), FALSE);
      adw_preferences_group_set_description (self->database_group,
                                             _("The database comes from the "
                                               "STASHHOG_DATABASE environment variable."));
    }

  g_signal_connect_swapped (self->url_row, "changed", G_CALLBACK (on_server_changed), self);
  g_signal_connect_swapped (self->api_key_row, "changed", G_CALLBACK (on_key_changed), self);
  g_signal_connect_swapped (self->database_kind_row, "notify::selected",
                            G_CALLBACK (on_database_changed), self);
  g_signal_connect_swapped (self->database_url_row, "changed",
                            G_CALLBACK (on_database_changed), self);
  g_signal_connect_swapped (self->database_password_row, "changed",
                            G_CALLBACK (on_database_changed), self);

  /* Enter in a field tests, as the button does. */
  g_signal_connect_swapped (self->url_row, "entry-activated",
                            G_CALLBACK (on_entry_activated), self);
  g_signal_connect_swapped (self->api_key_row, "entry-activated",
                            G_CALLBACK (on_entry_activated), self);
}

static void
sh_preferences_window_dispose (GObject *object)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sh_preferences_window_parent_class)->dispose (object);
}

static void
sh_preferences_window_finalize (GObject *object)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->untrusted_url, g_free);

  G_OBJECT_CLASS (sh_preferences_window_parent_class)->finalize (object);
}

static void
sh_preferences_window_class_init (ShPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_preferences_window_dispose;
  object_class->finalize = sh_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/sh-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, schedule_mode_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, schedule_hours_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, schedule_hours_spin);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, schedule_weekday_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, window_start_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, window_end_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, window_end_action_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, maintenance_scan_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, maintenance_mark_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, api_key_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, connection_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, certificate_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, trust_button);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, database_group);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, database_kind_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, database_url_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow,
                                        database_password_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, database_spinner);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow,
                                        database_test_button);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, poll_spin);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, failing_spin);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, notify_switch);

  gtk_widget_class_install_action (widget_class, "prefs.test-connection", NULL,
                                   test_connection_action);
  gtk_widget_class_install_action (widget_class, "prefs.trust-certificate", NULL,
                                   trust_certificate_action);
  gtk_widget_class_install_action (widget_class, "prefs.test-database", NULL,
                                   test_database_action);
}

static void
sh_preferences_window_init (ShPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
