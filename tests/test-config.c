/* test-config.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sh-config: one reading of where to connect for the app, Preferences and stashhogctl —
 * the command line over the environment over the settings, trimmed, a relative SQLite
 * path made absolute, the request deadline checked.
 */

#include "config.h"

#include "sh-config.h"
#include "sh-database.h"

static void
unset_env (void)
{
  g_unsetenv ("STASHHOG_URL");
  g_unsetenv ("STASHHOG_DATABASE");
  g_unsetenv ("STASHHOG_REQUEST_TIMEOUT");
  g_unsetenv ("STASHHOG_API_KEY");
}

static void
test_url (void)
{
  g_autoptr(GSettings) settings = sh_config_dup_app_settings ();
  g_autofree char *none = NULL;
  g_autofree char *from_settings = NULL;
  g_autofree char *from_env = NULL;
  g_autofree char *given = NULL;

  unset_env ();
  g_assert_nonnull (settings);
  none = sh_config_dup_url (settings, NULL);
  g_assert_null (none);

  /* The setting, trimmed (the CLI did not trim, the app did). */
  g_settings_set_string (settings, "stash-url", "  http://stash.lan:9999 \n");
  from_settings = sh_config_dup_url (settings, NULL);
  g_assert_cmpstr (from_settings, ==, "http://stash.lan:9999");
  g_assert_false (sh_config_url_from_env ());

  g_setenv ("STASHHOG_URL", " http://env:1 ", TRUE);
  from_env = sh_config_dup_url (settings, NULL);
  g_assert_cmpstr (from_env, ==, "http://env:1");
  g_assert_true (sh_config_url_from_env ());

  given = sh_config_dup_url (settings, "http://given:2");
  g_assert_cmpstr (given, ==, "http://given:2");

  g_settings_reset (settings, "stash-url");
  unset_env ();
}

static void
test_database (void)
{
  g_autoptr(GSettings) settings = sh_config_dup_app_settings ();
  g_autofree char *none = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *postgres = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected = g_build_filename (cwd, "mine.db", NULL);

  unset_env ();
  none = sh_config_dup_database (settings, NULL);
  g_assert_null (none);

  relative = sh_config_dup_database (settings, "mine.db");
  g_assert_cmpstr (relative, ==, expected);

  g_settings_set_string (settings, "database-url", "postgresql://hog@db:5432/stash");
  postgres = sh_config_dup_database (settings, NULL);
  g_assert_cmpstr (postgres, ==, "postgresql://hog@db:5432/stash");
  g_settings_reset (settings, "database-url");
}

static void
test_request_timeout (void)
{
  g_autoptr(GSettings) settings = sh_config_dup_app_settings ();
  g_autoptr(GError) error = NULL;

  unset_env ();
  g_assert_cmpuint (sh_config_get_request_timeout (settings, &error), ==, 30);
  g_assert_cmpuint (sh_config_get_request_timeout (NULL, &error), ==,
                    SH_CONFIG_DEFAULT_REQUEST_TIMEOUT);
  g_settings_set_uint (settings, "request-timeout", 45);
  g_assert_cmpuint (sh_config_get_request_timeout (settings, &error), ==, 45);
  g_setenv ("STASHHOG_REQUEST_TIMEOUT", "7", TRUE);
  g_assert_cmpuint (sh_config_get_request_timeout (settings, &error), ==, 7);
  g_assert_no_error (error);
  g_setenv ("STASHHOG_REQUEST_TIMEOUT", "0", TRUE);
  g_assert_cmpuint (sh_config_get_request_timeout (settings, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_settings_reset (settings, "request-timeout");
  unset_env ();

  g_assert_cmpuint (sh_config_get_failing_threshold (NULL), ==, SH_DEFAULT_FAILING_THRESHOLD);
  g_settings_set_uint (settings, "failing-threshold", 5);
  g_assert_cmpuint (sh_config_get_failing_threshold (settings), ==, 5);
  g_settings_reset (settings, "failing-threshold");
}

/* The certificate the user trusted in the app is the one stashhogctl trusts: one per
 * server, replaced when trusted again, forgotten on request. */
static void
test_trusted_certificate (void)
{
  g_autoptr(GSettings) settings = sh_config_dup_app_settings ();
  g_autofree char *none = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *other = NULL;
  g_autofree char *forgotten = NULL;

  none = sh_config_dup_trusted_fingerprint (settings, "https://stash.lan:9999");
  g_assert_null (none);
  g_assert_null (sh_config_dup_trusted_fingerprint (NULL, "https://stash.lan:9999"));

  sh_config_trust_certificate (settings, "https://stash.lan:9999", "AA:BB");
  sh_config_trust_certificate (settings, "https://other:9999", "CC:DD");
  first = sh_config_dup_trusted_fingerprint (settings, "https://stash.lan:9999");
  g_assert_cmpstr (first, ==, "AA:BB");

  sh_config_trust_certificate (settings, "https://stash.lan:9999", "EE:FF");
  second = sh_config_dup_trusted_fingerprint (settings, "https://stash.lan:9999");
  g_assert_cmpstr (second, ==, "EE:FF");

  sh_config_trust_certificate (settings, "https://stash.lan:9999", NULL);
  forgotten = sh_config_dup_trusted_fingerprint (settings, "https://stash.lan:9999");
  g_assert_null (forgotten);
  other = sh_config_dup_trusted_fingerprint (settings, "https://other:9999");
  g_assert_cmpstr (other, ==, "CC:DD");
  g_settings_reset (settings, "trusted-certificates");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/config/url", test_url);
  g_test_add_func ("/config/database", test_database);
  g_test_add_func ("/config/request-timeout", test_request_timeout);
  g_test_add_func ("/config/trusted-certificate", test_trusted_certificate);

  return g_test_run ();
}
