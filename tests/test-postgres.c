/* test-postgres.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connects to the PostgreSQL server named by STASHHOG_TEST_POSTGRES
 * (postgresql://user@host:port/db) through libgda's PostgreSQL provider.
 */

#include "config.h"

#include "sh-gda.h"

#include "sh-database-url.h"

static void
test_connect (void)
{
  const char *url_string = g_getenv ("STASHHOG_TEST_POSTGRES");
  g_autoptr(ShDatabaseUrl) url = NULL;
  g_autoptr(GdaConnection) cnc = NULL;
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *version = NULL;
  const GValue *value;

  if (url_string == NULL || *url_string == '\0')
    {
      g_test_message ("STASHHOG_TEST_POSTGRES is not set. The postgres suite needs a running "
                      "PostgreSQL server: set STASHHOG_TEST_POSTGRES to "
                      "postgresql://user@host:port/database, or run tests/run-tests.sh, which "
                      "starts one.");
      g_test_fail ();
      return;
    }

  url = sh_database_url_parse (url_string, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url->provider, ==, "PostgreSQL");

  auth = sh_database_url_get_auth_string (url);
  cnc = gda_connection_open_from_string (url->provider, url->cnc_string, auth,
                                         GDA_CONNECTION_OPTIONS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (gda_connection_is_opened (cnc));

  model = gda_connection_execute_select_command (cnc,
                                                 "SELECT current_setting('server_version_num')",
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (model), ==, 1);
  value = gda_data_model_get_value_at (model, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  version = gda_value_stringify (value);
  g_test_message ("PostgreSQL server_version_num %s", version);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), >=, 100000);

  /* A PostgreSQL data model talks to its connection when it is finalized (libgda 5), so it
   * must go before the connection closes. */
  g_clear_object (&model);
  gda_connection_close (cnc);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gda_init ();

  g_test_add_func ("/postgres/connect", test_connect);

  return g_test_run ();
}
