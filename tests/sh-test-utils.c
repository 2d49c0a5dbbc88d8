/* sh-test-utils.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the tests: waiting for async results, and a fresh database on SQLite or
 * on the PostgreSQL server of the `postgres` suite.
 */

#include "config.h"

#include "sh-database-url.h"
#include "sh-gda.h"
#include "sh-test-utils.h"

/* A GAsyncReadyCallback that stores the result in the GAsyncResult* slot it was given. */
void
sh_test_store_result (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

GAsyncResult *
sh_test_await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

/* The server of the `postgres` suite; the test fails clearly when there is none. */
const char *
sh_test_postgres_url (void)
{
  const char *url = g_getenv ("STASHHOG_TEST_POSTGRES");

  if (url == NULL || *url == '\0')
    g_error ("STASHHOG_TEST_POSTGRES is not set. The postgres suite needs a running "
             "PostgreSQL server: set it to postgresql://user@host:port/database, or run "
             "build-aux/test, which starts one.");

  return url;
}

/* Drops every table so that each test starts from an empty database. */
void
sh_test_reset_postgres (void)
{
  static const char * const tables[] = { "job_scene", "job", "scene", "server", "schema_version" };
  g_autoptr(ShDatabaseUrl) url = NULL;
  g_autoptr(GdaConnection) cnc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;

  gda_init ();
  url = sh_database_url_parse (sh_test_postgres_url (), &error);
  g_assert_no_error (error);
  auth = sh_database_url_get_auth_string (url);
  cnc = gda_connection_open_from_string (url->provider, url->cnc_string, auth,
                                         GDA_CONNECTION_OPTIONS_NONE, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DROP TABLE IF EXISTS %s CASCADE", tables[i]);

      /* -2 ("rows unknown") is what DDL returns; only -1 is a failure. */
      g_assert_cmpint (gda_connection_execute_non_select_command (cnc, sql, &error), !=, -1);
      g_assert_no_error (error);
    }
  gda_connection_close (cnc);
}

/* Opens and migrates a fresh database: the PostgreSQL test server emptied, or a new SQLite
 * file at @sqlite_path. */
ShDatabase *
sh_test_open_database (gboolean    postgres,
                       const char *sqlite_path)
{
  g_autoptr(ShDatabase) db = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (postgres)
    sh_test_reset_postgres ();

  db = sh_database_new (postgres ? sh_test_postgres_url () : sqlite_path, NULL);
  sh_database_open_async (db, NULL, sh_test_store_result, &result);
  g_assert_true (sh_database_open_finish (db, sh_test_await (&result), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&db);
}
