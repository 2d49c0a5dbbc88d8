/* test-secrets.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API key and database passwords in the real keyring (libsecret over the session bus
 * that build-aux/test starts, with an unlocked gnome-keyring).
 */

#include "config.h"

#include "sh-secrets.h"
#include "sh-test-utils.h"

static char *
lookup (ShSecretKind  kind,
        const char   *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  sh_secrets_lookup_async (kind, url, NULL, sh_test_store_result, &result);
  secret = sh_secrets_lookup_finish (sh_test_await (&result), &error);
  g_assert_no_error (error);

  return secret;
}

static void
store (ShSecretKind  kind,
       const char   *url,
       const char   *secret)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_secrets_store_async (kind, url, secret, NULL, sh_test_store_result, &result);
  if (!sh_secrets_store_finish (sh_test_await (&result), &error))
    g_error ("The keyring is not usable (%s). The tests need a D-Bus session with an unlocked "
             "gnome-keyring; run them with build-aux/test.", error->message);
}

static void
clear (ShSecretKind  kind,
       const char   *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_secrets_clear_async (kind, url, NULL, sh_test_store_result, &result);
  g_assert_true (sh_secrets_clear_finish (sh_test_await (&result), &error));
  g_assert_no_error (error);
}

static void
test_api_key (void)
{
  g_autofree char *none = NULL;
  g_autofree char *key = NULL;
  g_autofree char *slash = NULL;
  g_autofree char *other = NULL;
  g_autofree char *gone = NULL;

  none = lookup (SH_SECRET_API_KEY, "http://stash.test:9999");
  g_assert_null (none);

  store (SH_SECRET_API_KEY, "http://stash.test:9999", "key-1 \"quoted\" ünï");
  key = lookup (SH_SECRET_API_KEY, "http://stash.test:9999");
  g_assert_cmpstr (key, ==, "key-1 \"quoted\" ünï");

  /* One server, one spelling. */
  slash = lookup (SH_SECRET_API_KEY, "http://stash.test:9999/");
  g_assert_cmpstr (slash, ==, key);

  /* Keyed by server: another server has its own, and replacing keeps one. */
  other = lookup (SH_SECRET_API_KEY, "http://other.test:9999");
  g_assert_null (other);
  store (SH_SECRET_API_KEY, "http://stash.test:9999", "key-2");
  g_clear_pointer (&key, g_free);
  key = lookup (SH_SECRET_API_KEY, "http://stash.test:9999");
  g_assert_cmpstr (key, ==, "key-2");

  clear (SH_SECRET_API_KEY, "http://stash.test:9999");
  gone = lookup (SH_SECRET_API_KEY, "http://stash.test:9999");
  g_assert_null (gone);
}

static void
test_kinds_are_separate (void)
{
  g_autofree char *key = NULL;
  g_autofree char *password = NULL;

  store (SH_SECRET_DATABASE_PASSWORD, "postgresql://hog@db.test/stash", "pw");
  key = lookup (SH_SECRET_API_KEY, "postgresql://hog@db.test/stash");
  g_assert_null (key);
  password = lookup (SH_SECRET_DATABASE_PASSWORD, "postgresql://hog@db.test/stash");
  g_assert_cmpstr (password, ==, "pw");
  clear (SH_SECRET_DATABASE_PASSWORD, "postgresql://hog@db.test/stash");
}

int
main (int   argc,
      char *argv[])
{
  /* No ISOLATE_DIRS: the keyring daemon of the test session is found through the session
   * bus, and its files live in the throw-away HOME that build-aux/test sets. */
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/api-key", test_api_key);
  g_test_add_func ("/secrets/kinds-are-separate", test_kinds_are_separate);

  return g_test_run ();
}
