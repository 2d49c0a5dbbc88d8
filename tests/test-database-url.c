/* test-database-url.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <gio/gio.h>

#include "sh-database-url.h"

static void
test_sqlite_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShDatabaseUrl) url = sh_database_url_parse ("/var/lib/my data/stashhog.db", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url->provider, ==, "SQLite");
  g_assert_cmpstr (url->cnc_string, ==, "DB_DIR=%2Fvar%2Flib%2Fmy%20data;DB_NAME=stashhog.db;APPEND_DB_EXTENSION=FALSE");
  g_assert_null (sh_database_url_get_auth_string (url));
}

static void
test_sqlite_uri (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShDatabaseUrl) url = sh_database_url_parse ("sqlite:///tmp/hog.db", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url->provider, ==, "SQLite");
  g_assert_cmpstr (url->cnc_string, ==, "DB_DIR=%2Ftmp;DB_NAME=hog.db;APPEND_DB_EXTENSION=FALSE");
}

static void
test_postgresql (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShDatabaseUrl) url = NULL;
  g_autofree char *auth = NULL;

  url = sh_database_url_parse ("postgresql://hog%40home:s%3Bcret@db.local:5433/stash_hog", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url->provider, ==, "PostgreSQL");
  g_assert_cmpstr (url->cnc_string, ==, "HOST=db.local;PORT=5433;DB_NAME=stash_hog");
  g_assert_cmpstr (url->username, ==, "hog@home");
  g_assert_cmpstr (url->password, ==, "s;cret");
  auth = sh_database_url_get_auth_string (url);
  g_assert_cmpstr (auth, ==, "USERNAME=hog%40home;PASSWORD=s%3Bcret");
}

static void
test_postgresql_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShDatabaseUrl) url = sh_database_url_parse ("postgres://hog@/stash", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url->cnc_string, ==, "HOST=localhost;PORT=5432;DB_NAME=stash");
  g_assert_cmpstr (url->username, ==, "hog");
  g_assert_null (url->password);
}

static void
test_invalid (void)
{
  const char *bad[] = {
    "",
    "relative/path.db",
    "mysql://x@y/z",
    "postgresql://hog@host:5432/",
    "postgresql://hog@host:5432/a/b",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShDatabaseUrl) url = sh_database_url_parse (bad[i], &error);

      g_assert_null (url);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (error->message);
    }
}

/* The file given is the file used, whatever its name (libgda would make db1.sqlite.db);
 * a file that an earlier version made at PATH.db is still found. */
static void
test_sqlite_any_name (void)
{
  g_autoptr(ShDatabaseUrl) url = NULL;
  g_autoptr(ShDatabaseUrl) old = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stashhog-url-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "db1.sqlite", NULL);
  g_autofree char *legacy = g_build_filename (dir, "old.sqlite", NULL);
  g_autofree char *legacy_db = g_build_filename (dir, "old.sqlite.db", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *enc_dir = g_uri_escape_string (dir, NULL, FALSE);

  url = sh_database_url_parse (path, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("DB_DIR=%s;DB_NAME=db1.sqlite;APPEND_DB_EXTENSION=FALSE", enc_dir);
  g_assert_cmpstr (url->cnc_string, ==, expected);

  g_assert_true (g_file_set_contents (legacy_db, "", 0, NULL));
  old = sh_database_url_parse (legacy, &error);
  g_assert_no_error (error);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("DB_DIR=%s;DB_NAME=old.sqlite.db;APPEND_DB_EXTENSION=FALSE", enc_dir);
  g_assert_cmpstr (old->cnc_string, ==, expected);

  g_unlink (legacy_db);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/database-url/sqlite-path", test_sqlite_path);
  g_test_add_func ("/store/database-url/sqlite-any-name", test_sqlite_any_name);
  g_test_add_func ("/store/database-url/sqlite-uri", test_sqlite_uri);
  g_test_add_func ("/store/database-url/postgresql", test_postgresql);
  g_test_add_func ("/store/database-url/postgresql-defaults", test_postgresql_defaults);
  g_test_add_func ("/store/database-url/invalid", test_invalid);

  return g_test_run ();
}
