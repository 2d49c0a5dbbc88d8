/* test-flatpak-manifest.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Flatpak manifest cannot be built on a test machine (no flatpak-builder, no network),
 * so this checks what can be checked offline: it parses and names every module with a
 * pinned, checksummed source and the finish args the app needs.
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

static JsonObject *
load_manifest_file (JsonParser *parser,
                    const char *file)
{
  g_autofree char *path = g_build_filename (g_getenv ("STASHHOG_SOURCE_ROOT"), "flatpak",
                                            file, NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_node_get_object (root);
}

static JsonObject *
load_manifest (JsonParser *parser)
{
  return load_manifest_file (parser, BASE_ID ".json");
}

static JsonObject *
find_module (JsonObject *manifest,
             const char *name)
{
  JsonArray *modules = json_object_get_array_member (manifest, "modules");

  g_assert_nonnull (modules);
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonObject *module = json_array_get_object_element (modules, i);

      g_assert_nonnull (module);
      if (g_strcmp0 (json_object_get_string_member_with_default (module, "name", NULL),
                     name) == 0)
        return module;
    }

  return NULL;
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;

  return FALSE;
}

static void
test_app (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  JsonArray *finish_args = json_object_get_array_member (manifest, "finish-args");
  const char *needed[] = {
    "--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
  };

  g_assert_cmpstr (json_object_get_string_member (manifest, "id"), ==, BASE_ID);
  g_assert_cmpstr (json_object_get_string_member (manifest, "runtime"), ==,
                   "org.gnome.Platform");
  g_assert_cmpstr (json_object_get_string_member (manifest, "sdk"), ==, "org.gnome.Sdk");
  g_assert_cmpstr (json_object_get_string_member (manifest, "command"), ==, "stashhog");
  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    g_assert_true (array_has_string (finish_args, needed[i]));
  /* X11 only as a fallback to Wayland. */
  g_assert_false (array_has_string (finish_args, "--socket=x11"));

  /* The keyring, notifications and running in the background go through portals, which
   * need no hole in the sandbox. */
  for (guint i = 0; i < json_array_get_length (finish_args); i++)
    g_assert_false (g_str_has_prefix (json_array_get_string_element (finish_args, i),
                                      "--talk-name="));

  /* The newest stable GNOME runtime (51, late 2026); the code keeps the Debian 12 floor. */
  g_assert_cmpint (g_ascii_strtoll (json_object_get_string_member (manifest, "runtime-version"),
                                    NULL, 10), >=, 51);
}

/* The tests run as commands (a test-rule is one ninja target, and "test --suite unit"
 * would be a target of that name), in suites that need no session bus or systemd. */
static void
test_tests (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *app = find_module (load_manifest (parser), "stashhog");
  JsonArray *commands;
  const char *command;

  g_assert_true (json_object_get_boolean_member (app, "run-tests"));
  g_assert_false (json_object_has_member (app, "test-rule"));
  commands = json_object_get_array_member (app, "test-commands");
  g_assert_cmpuint (json_array_get_length (commands), ==, 1);
  command = json_array_get_string_element (commands, 0);
  g_assert_true (g_str_has_prefix (command, "meson test "));
  g_assert_nonnull (strstr (command, "--suite unit"));
  g_assert_nonnull (strstr (command, "--no-suite systemd"));
  g_assert_null (strstr (command, "keyring"));
}

/* Flathub builds the app from its git repository; the development manifest builds the
 * working tree. */
static void
test_sources (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) devel_parser = json_parser_new ();
  JsonObject *app = find_module (load_manifest (parser), "stashhog");
  JsonObject *devel = find_module (load_manifest_file (devel_parser, BASE_ID ".Devel.json"),
                                   "stashhog");
  JsonObject *source;

  source = json_array_get_object_element (json_object_get_array_member (app, "sources"), 0);
  g_assert_cmpstr (json_object_get_string_member (source, "type"), ==, "git");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (source, "url"), "https://"));

  source = json_array_get_object_element (json_object_get_array_member (devel, "sources"), 0);
  g_assert_cmpstr (json_object_get_string_member (source, "type"), ==, "dir");
}

/* libgda 5.2.10 predates GCC 14 (which makes old warnings errors) and GCC 15 (C23 by
 * default): it is built as C17 with those errors back to warnings. */
static void
test_libgda_flags (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *gda = find_module (load_manifest (parser), "libgda");
  JsonObject *options = json_object_get_object_member (gda, "build-options");
  const char *cflags;

  g_assert_nonnull (options);
  cflags = json_object_get_string_member (options, "cflags");
  g_assert_nonnull (strstr (cflags, "-std=gnu17"));
  g_assert_nonnull (strstr (cflags, "-Wno-error=incompatible-pointer-types"));
  g_assert_nonnull (strstr (cflags, "-Wno-error=implicit-function-declaration"));
  g_assert_nonnull (strstr (cflags, "-Wno-error=int-conversion"));
}

static void
test_modules (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  const char *names[] = { "libpq", "libgda", "stashhog" };
  JsonObject *gda;
  JsonObject *app;
  JsonArray *opts;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *module = find_module (manifest, names[i]);
      JsonArray *sources;

      g_assert_nonnull (module);
      sources = json_object_get_array_member (module, "sources");
      g_assert_cmpuint (json_array_get_length (sources), >=, 1);

      /* Every archive is pinned by checksum. */
      for (guint j = 0; j < json_array_get_length (sources); j++)
        {
          JsonObject *source = json_array_get_object_element (sources, j);

          if (g_strcmp0 (json_object_get_string_member (source, "type"), "archive") == 0)
            {
              const char *sum = json_object_get_string_member_with_default (source, "sha256",
                                                                            "");
              g_assert_cmpuint (strlen (sum), ==, 64);
              g_assert_true (g_str_has_prefix (json_object_get_string_member (source, "url"),
                                               "https://"));
            }
        }
    }

  /* libgda: its release tarball, only the SQLite and PostgreSQL providers. */
  gda = find_module (manifest, "libgda");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (gda, "sources"), 0), "url"),
                                   "/libgda-5.2.10.tar.xz"));
  opts = json_object_get_array_member (gda, "config-opts");
  g_assert_true (array_has_string (opts, "--with-postgres=/app"));
  g_assert_true (array_has_string (opts, "--enable-system-sqlite"));
  g_assert_true (array_has_string (opts, "--without-mysql"));
  g_assert_true (array_has_string (opts, "--without-oracle"));
  g_assert_true (array_has_string (opts, "--without-firebird"));
  g_assert_true (array_has_string (opts, "--without-bdb"));
  g_assert_true (array_has_string (opts, "--without-mdb"));
  g_assert_true (array_has_string (opts, "--without-ldap"));
  g_assert_true (array_has_string (opts, "--without-jdbc"));

  /* The app is the last module, built with meson, and runs its tests. */
  app = find_module (manifest, "stashhog");
  g_assert_cmpstr (json_object_get_string_member (app, "buildsystem"), ==, "meson");
  g_assert_true (json_object_get_boolean_member (app, "run-tests"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/flatpak/manifest/app", test_app);
  g_test_add_func ("/flatpak/manifest/modules", test_modules);
  g_test_add_func ("/flatpak/manifest/tests", test_tests);
  g_test_add_func ("/flatpak/manifest/sources", test_sources);
  g_test_add_func ("/flatpak/manifest/libgda-flags", test_libgda_flags);

  return g_test_run ();
}
