/* sh-test-utils.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the tests: waiting for async results, and a fresh database on SQLite or
 * on the PostgreSQL server of the `postgres` suite.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

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

/* Drops every table, so that each test starts from an empty database: every table,
 * including those of migrations newer than the test. Plain libgda on the test's thread: it
 * must work whatever state an earlier test left. */
void
sh_test_reset_postgres (void)
{
  g_autoptr(ShDatabaseUrl) url = NULL;
  g_autoptr(GdaConnection) cnc = NULL;
  g_autoptr(GdaDataModel) tables = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;
  int n_tables;

  gda_init ();
  url = sh_database_url_parse (sh_test_postgres_url (), &error);
  g_assert_no_error (error);
  auth = sh_database_url_get_auth_string (url);
  cnc = gda_connection_open_from_string (url->provider, url->cnc_string, auth,
                                         GDA_CONNECTION_OPTIONS_NONE, &error);
  g_assert_no_error (error);

  tables = gda_connection_execute_select_command (cnc,
                                                  "SELECT tablename FROM pg_tables "
                                                  "WHERE schemaname = current_schema()",
                                                  &error);
  g_assert_no_error (error);
  n_tables = gda_data_model_get_n_rows (tables);
  for (int row = 0; row < n_tables; row++)
    {
      const GValue *name = gda_data_model_get_value_at (tables, 0, row, &error);
      g_autofree char *sql = NULL;

      g_assert_no_error (error);
      sql = g_strdup_printf ("DROP TABLE IF EXISTS \"%s\" CASCADE", g_value_get_string (name));
      /* -2 ("rows unknown") is what DDL returns; only -1 is a failure. */
      g_assert_cmpint (gda_connection_execute_non_select_command (cnc, sql, &error), !=, -1);
      g_assert_no_error (error);
    }

  /* The data model must go before the connection closes. */
  g_clear_object (&tables);
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

/**
 * sh_test_get_job_record:
 * @store: a job store
 * @id: a job's id
 *
 * Returns: (transfer full): the job's row as stored (the test fails when there is none)
 */
ShJobRecord *
sh_test_get_job_record (ShJobStore *store,
                        const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShJobRecord *record;

  sh_job_store_get_async (store, id, NULL, sh_test_store_result, &result);
  record = sh_job_store_get_finish (store, sh_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);

  return record;
}

/* GNU gettext's counter of loaded catalogues: bumping it drops the translations it cached,
 * so that a change of LANGUAGE applies to the next lookup. */
extern int _nl_msg_cat_cntr;

/**
 * sh_test_allow_language_switch:
 *
 * Called first in main(), before GTK starts: lets sh_test_set_language() change the
 * language later. GLib decides at its first translation whether to translate at all, and
 * says no for a locale like C.UTF-8 (the usual one of a build machine); in the plain C
 * locale it says yes.
 */
void
sh_test_allow_language_switch (void)
{
  g_autofree char *previous = g_strdup (setlocale (LC_MESSAGES, NULL));

  setlocale (LC_MESSAGES, "C");
  (void) g_dgettext (GETTEXT_PACKAGE, "");
  setlocale (LC_MESSAGES, previous);
}

/**
 * sh_test_set_language:
 * @language: (nullable): a language such as "de", or %NULL for English
 *
 * Translates what is built from now on into @language with the catalogues of this build:
 * to measure a window in a language with longer words in the middle of a test that checks
 * English texts.
 */
void
sh_test_set_language (const char *language)
{
  static gboolean bound;

  if (!bound)
    {
      g_autofree char *localedir = g_build_filename (g_getenv ("STASHHOG_BUILD_ROOT"), "po",
                                                     NULL);

      /* gettext ignores LANGUAGE in the plain C locale. */
      g_assert_nonnull (setlocale (LC_MESSAGES, "C.UTF-8"));
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      /* As stashhog's main() does: _() looks in the default domain. */
      textdomain (GETTEXT_PACKAGE);
      bound = TRUE;
    }

  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  ++_nl_msg_cat_cntr;
}
