/* test-ctl-e2e.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * End-to-end tests of stashhogctl: the real binary against the standalone fake Stash
 * (stashhog-fake-stash), each test with its own server process and its own SQLite file.
 */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#define CTL_TIMEOUT_S      60
#define CANCEL_TIMEOUT_S   30
#define RUNNING_TIMEOUT_S  20
/* Seconds without a heartbeat after which stashhogctl counts a job as orphaned, in the
 * tests that kill it (STASHHOG_STALE_AFTER; 30 otherwise). */
#define STALE_AFTER_S      "2"
#define TEST_API_KEY       "e2e-secret-8c1f37a2d9"

typedef struct
{
  int       status;   /* the exit status; -1 when a signal ended the process */
  char     *out;      /* (owned) */
  char     *err;      /* (owned) */
  gboolean  json;     /* run with --json */
} CtlRun;

static void
ctl_run_clear (CtlRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CtlRun, ctl_run_clear)

typedef struct
{
  GSubprocess  *fake;          /* (owned) (nullable) */
  char         *url;           /* (owned) (nullable) the fake's, or one that nobody serves */
  guint         port;
  char         *fake_api_key;  /* (owned) (nullable) what the fake requires */
  char         *database;      /* (owned) an SQLite file in the test's data dir */
  char        **env;           /* (owned) stashhogctl's environment */
  GSocket      *reserved;      /* (owned) (nullable) keeps an unused address unused */
} Fixture;

/* Helpers */

/* Children die with the test, so a failed assertion leaves no server behind. */
static void
child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/* The test's environment without anything that configures StashHog, a headless session
 * (no keyring), no proxy, and messages as written. */
static char **
clean_environment (void)
{
  static const char * const unset[] = {
    "STASHHOG_URL", "STASHHOG_API_KEY", "STASHHOG_DATABASE", "STASHHOG_DATABASE_PASSWORD",
    "STASHHOG_FAKE_API_KEY", "LANGUAGE", "LANG",
  };
  char **env = g_get_environ ();

  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    env = g_environ_unsetenv (env, unset[i]);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  env = g_environ_setenv (env, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);

  return env;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @result is set or @timeout_ms pass. */
static gboolean
await_result (GAsyncResult **result,
              guint          timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (*result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);

  return *result != NULL;
}

static void
sleep_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  if (error != NULL)
    g_test_message ("Not JSON: %s", text);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));

  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
parse_json_object (const char *text)
{
  g_autoptr(JsonNode) node = parse_json (text);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* The output of a long command with --json: one JSON object per line, progress lines
 * (with the progress in percent, or null while it is not known) and then the job, which
 * is returned; or the job alone. */
static JsonObject *
parse_job_output (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);
  double last_progress = -1;

  /* Commands that only show a job print it whole, indented. */
  if (g_str_has_prefix (text, "{\n"))
    return parse_json_object (text);

  /* Ends with a newline: the last piece is empty. */
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (lines[n - 1], ==, "");

  for (guint i = 0; i + 2 < n; i++)
    {
      g_autoptr(JsonObject) line = parse_json_object (lines[i]);
      JsonNode *progress = json_object_get_member (line, "progress");

      g_assert_nonnull (progress);
      g_assert_false (json_object_has_member (line, "parameters"));
      g_assert_nonnull (json_object_get_string_member (line, "status"));
      if (!JSON_NODE_HOLDS_NULL (progress))
        {
          last_progress = json_node_get_double (progress);
          g_assert_cmpfloat (last_progress, >=, 0);
          g_assert_cmpfloat (last_progress, <=, 100);
        }
    }
  g_test_message ("%u progress lines, the last at %.0f%%", n - 2, last_progress);

  return parse_json_object (lines[n - 2]);
}

static JsonArray *
parse_json_array (const char *text)
{
  g_autoptr(JsonNode) node = parse_json (text);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

/* The fake Stash */

static void
fake_stop (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (f->fake == NULL)
    return;

  g_subprocess_send_signal (f->fake, SIGTERM);
  g_subprocess_wait_async (f->fake, NULL, store_result, &result);
  if (!await_result (&result, 10000))
    {
      g_subprocess_force_exit (f->fake);
      g_subprocess_wait (f->fake, NULL, NULL);
      g_clear_object (&f->fake);
      g_assert_not_reached ();
    }
  g_subprocess_wait_finish (f->fake, result, &error);
  g_assert_no_error (error);
  /* It stops cleanly on SIGTERM. */
  g_assert_true (g_subprocess_get_if_exited (f->fake));
  g_assert_cmpint (g_subprocess_get_exit_status (f->fake), ==, 0);
  g_clear_object (&f->fake);
}

/* Starts stashhog-fake-stash on @port (0 for any) and reads its address. On a given port
 * it tries again for a while: the old server's port may take a moment to free up. */
static void
fake_start_va (Fixture    *f,
               guint       port,
               const char *first_arg,
               va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *fake_exe = g_getenv ("STASHHOG_FAKE_STASH");
  g_auto(GStrv) env = clean_environment ();

  g_assert_nonnull (fake_exe);
  g_assert_null (f->fake);

  g_ptr_array_add (argv, g_strdup (fake_exe));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);

  if (f->fake_api_key != NULL)
    env = g_environ_setenv (env, "STASHHOG_FAKE_API_KEY", f->fake_api_key, TRUE);

  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) fake = NULL;
      g_autoptr(GDataInputStream) lines = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *line = NULL;
      g_autoptr(GUri) uri = NULL;

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_subprocess_launcher_set_environ (launcher, env);
      g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
      fake = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                           &error);
      g_assert_no_error (error);

      lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
      line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      g_assert_no_error (error);

      if (line == NULL)
        {
          /* It could not listen; only a fixed port is worth another try. */
          g_subprocess_wait (fake, NULL, NULL);
          g_assert_cmpuint (port, !=, 0);
          sleep_ms (100);
          continue;
        }

      g_assert_true (g_str_has_prefix (line, "Listening on http://127.0.0.1:"));
      g_free (f->url);
      f->url = g_strdup (line + strlen ("Listening on "));
      uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, &error);
      g_assert_no_error (error);
      f->port = g_uri_get_port (uri);
      g_assert_cmpuint (f->port, >, 0);
      if (port != 0)
        g_assert_cmpuint (f->port, ==, port);
      f->fake = g_steal_pointer (&fake);
      return;
    }

  g_assert_not_reached ();
}

static void fake_start (Fixture *f, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

static void
fake_start (Fixture    *f,
            const char *first_arg,
            ...)
{
  va_list args;

  va_start (args, first_arg);
  fake_start_va (f, 0, first_arg, args);
  va_end (args);
}

/* Another fake Stash at the same address: the mirror sees the same server. */
static void fake_restart (Fixture *f, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

static void
fake_restart (Fixture    *f,
              const char *first_arg,
              ...)
{
  guint port = f->port;
  va_list args;

  fake_stop (f);
  va_start (args, first_arg);
  fake_start_va (f, port, first_arg, args);
  va_end (args);
}

/* An address on which nothing listens: a port bound but not listening refuses
 * connections, and stays ours until the teardown. */
static char *
unused_url (Fixture *f)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (f->reserved);
  f->reserved = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                              G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (f->reserved, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (f->reserved, &error);
  g_assert_no_error (error);

  return g_strdup_printf ("http://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

/* stashhogctl */

/* Runs stashhogctl with @args, then --url (when the fixture has one) and --database. */
static GSubprocess *
ctl_spawn_va (Fixture    *f,
              const char *first_arg,
              va_list     args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *ctl = g_getenv ("STASHHOGCTL");
  gboolean json = FALSE;
  GSubprocess *proc;

  g_assert_nonnull (ctl);
  g_ptr_array_add (argv, (gpointer) ctl);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    {
      g_ptr_array_add (argv, (gpointer) arg);
      json |= g_str_equal (arg, "--json");
    }
  if (f->url != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--url");
      g_ptr_array_add (argv, f->url);
    }
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, f->database);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, f->env);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (proc), "json", GINT_TO_POINTER (json));

  return proc;
}

static GSubprocess *ctl_spawn (Fixture *f, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
ctl_spawn (Fixture    *f,
           const char *first_arg,
           ...)
{
  GSubprocess *proc;
  va_list args;

  va_start (args, first_arg);
  proc = ctl_spawn_va (f, first_arg, args);
  va_end (args);

  return proc;
}

/* Collects the output of @proc, which must end within @timeout_s. */
static void
ctl_finish (GSubprocess *proc,
            CtlRun      *run,
            guint        timeout_s)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_async (proc, NULL, NULL, store_result, &result);
  if (!await_result (&result, timeout_s * 1000))
    {
      g_test_message ("stashhogctl did not end within %u s", timeout_s);
      g_subprocess_force_exit (proc);
      await_result (&result, 10000);
      g_assert_not_reached ();
    }
  g_subprocess_communicate_utf8_finish (proc, result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->json = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (proc), "json"));

  /* It ended by itself, whatever its status. */
  if (!g_subprocess_get_if_exited (proc))
    g_test_message ("stashhogctl was killed by signal %d; stderr: %s",
                    g_subprocess_get_term_sig (proc), run->err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
}

/* Runs stashhogctl to its end. */
static void
ctl_va (Fixture    *f,
        CtlRun     *run,
        const char *first_arg,
        va_list     args)
{
  g_autoptr(GSubprocess) proc = ctl_spawn_va (f, first_arg, args);

  ctl_finish (proc, run, CTL_TIMEOUT_S);
}

static void ctl (Fixture *f, CtlRun *run, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

static void
ctl (Fixture    *f,
     CtlRun     *run,
     const char *first_arg,
     ...)
{
  va_list args;

  va_start (args, first_arg);
  ctl_va (f, run, first_arg, args);
  va_end (args);
}

/* Logs what a run printed when its status is not the expected one. */
static void
assert_status (CtlRun *run,
               int     status)
{
  if (run->status != status)
    g_test_message ("exit status %d, stdout: %s\nstderr: %s", run->status, run->out, run->err);
  g_assert_cmpint (run->status, ==, status);
}

/* The error object that --json prints on stdout: one line, `{"error": {"code",
 * "message", "exit_status"}}`, the message the one on stderr. Returns its code. */
static const char *
assert_error_object (CtlRun *run)
{
  g_autoptr(JsonObject) object = NULL;
  JsonObject *error;
  const char *code;
  g_autofree char *line = NULL;

  g_assert_true (g_str_has_suffix (run->out, "}\n"));
  g_assert_true (strchr (run->out, '\n') == run->out + strlen (run->out) - 1);
  object = parse_json_object (run->out);
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  error = json_object_get_object_member (object, "error");
  g_assert_nonnull (error);
  g_assert_cmpuint (json_object_get_size (error), ==, 3);
  code = json_object_get_string_member (error, "code");
  g_assert_nonnull (code);
  g_assert_true (g_regex_match_simple ("^[a-z][a-z0-9_]*$", code, 0, 0));
  g_assert_cmpint (json_object_get_int_member (error, "exit_status"), ==, run->status);
  line = g_strdup_printf ("stashhogctl: %s\n", json_object_get_string_member (error, "message"));
  g_assert_cmpstr (run->err, ==, line);

  /* Owned by the run's text, which outlives the returned pointer's use. */
  return g_intern_string (code);
}

/* Errors are one line on stderr, after the program's name; stdout holds nothing, or the
 * error object with --json. */
static void
assert_error_line (CtlRun     *run,
                   int         status,
                   const char *needle)
{
  assert_status (run, status);
  g_assert_true (g_str_has_prefix (run->err, "stashhogctl: "));
  g_assert_nonnull (strchr (run->err, '\n'));
  g_assert_cmpuint (strchr (run->err, '\n') - run->err, ==, strlen (run->err) - 1);
  if (needle != NULL && strstr (run->err, needle) == NULL)
    g_test_message ("“%s” not in: %s", needle, run->err);
  g_assert_nonnull (strstr (run->err, needle));
  if (run->json)
    assert_error_object (run);
  else
    g_assert_cmpstr (run->out, ==, "");
}

/* An error with --json, and its stable code. */
static void
assert_error_code (CtlRun     *run,
                   int         status,
                   const char *needle,
                   const char *code)
{
  g_assert_true (run->json);
  assert_error_line (run, status, needle);
  g_assert_cmpstr (assert_error_object (run), ==, code);
}

static void assert_documented (const char *shape,
                               JsonObject *object);

/* Runs a job command with --json; returns the final job. */
static JsonObject *ctl_job (Fixture *f, int status, const char *first_arg, ...)
  G_GNUC_NULL_TERMINATED;

static JsonObject *
ctl_job (Fixture    *f,
         int         status,
         const char *first_arg,
         ...)
{
  g_auto(CtlRun) run = { 0 };
  va_list args;

  va_start (args, first_arg);
  ctl_va (f, &run, first_arg, args);
  va_end (args);
  assert_status (&run, status);
  /* With --json and no terminal, a job that completes prints nothing else. */
  if (status == 0)
    g_assert_cmpstr (run.err, ==, "");

  return parse_job_output (run.out);
}

static gint64
result_int (JsonObject *job,
            const char *member)
{
  JsonObject *result = json_object_get_object_member (job, "result");

  g_assert_nonnull (result);
  g_assert_true (json_object_has_member (result, member));
  return json_object_get_int_member (result, member);
}

/* `scenes --count --json`, optionally with --generated and --job. */
static gint64
count_scenes (Fixture    *f,
              const char *generated,
              const char *job_id)
{
  g_auto(CtlRun) run = { 0 };
  g_autoptr(JsonObject) object = NULL;

  if (generated != NULL && job_id != NULL)
    ctl (f, &run, "scenes", "--count", "--json", "--generated", generated, "--job", job_id,
         NULL);
  else if (generated != NULL)
    ctl (f, &run, "scenes", "--count", "--json", "--generated", generated, NULL);
  else if (job_id != NULL)
    ctl (f, &run, "scenes", "--count", "--json", "--job", job_id, NULL);
  else
    ctl (f, &run, "scenes", "--count", "--json", NULL);
  assert_status (&run, 0);
  g_assert_cmpstr (run.err, ==, "");

  object = parse_json_object (run.out);
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  g_assert_true (json_object_has_member (object, "count"));

  return json_object_get_int_member (object, "count");
}

/* A scene list that --json printed: objects whose ids are @ids, in this order. */
static void
assert_scene_ids (CtlRun       *run,
                  const gint64 *ids,
                  guint         n_ids)
{
  g_autoptr(JsonArray) scenes = NULL;

  assert_status (run, 0);
  scenes = parse_json_array (run->out);
  g_assert_cmpuint (json_array_get_length (scenes), ==, n_ids);
  for (guint i = 0; i < n_ids; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (scenes, i),
                                                 "id"), ==, ids[i]);
}

static void
sync_scenes (Fixture *f,
             gint64   expected)
{
  g_autoptr(JsonObject) job = ctl_job (f, 0, "sync", "--json", NULL);

  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "completed");
  g_assert_cmpint (result_int (job, "synced"), ==, expected);
}

/* Waits until a Generate runs in Stash (another process follows it); returns its id. */
static char *
wait_for_running_generate (Fixture     *f,
                           GSubprocess *owner)
{
  gint64 deadline = g_get_monotonic_time () + RUNNING_TIMEOUT_S * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_auto(CtlRun) run = { 0 };
      g_autoptr(JsonArray) jobs = NULL;

      /* The owner must not have ended already. */
      if (g_subprocess_get_identifier (owner) == NULL)
        {
          g_auto(CtlRun) ended = { 0 };

          ctl_finish (owner, &ended, CTL_TIMEOUT_S);
          g_test_message ("The Generate ended early (%d): %s%s", ended.status, ended.out,
                          ended.err);
          g_assert_not_reached ();
        }

      ctl (f, &run, "jobs", "--status", "running", "--type", "stash_generate", "--json", NULL);
      assert_status (&run, 0);
      jobs = parse_json_array (run.out);
      g_assert_cmpuint (json_array_get_length (jobs), <=, 1);

      if (json_array_get_length (jobs) == 1)
        {
          JsonObject *job = json_array_get_object_element (jobs, 0);
          JsonNode *progress = json_object_get_member (job, "progress");

          /* Stash has the job and has done some of it. */
          if (!json_object_get_null_member (job, "stash_job_id") &&
              !JSON_NODE_HOLDS_NULL (progress) && json_node_get_double (progress) > 0)
            return g_strdup (json_object_get_string_member (job, "id"));
        }

      sleep_ms (100);
    }

  g_assert_not_reached ();
  return NULL;
}

/* Fixture */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  f->database = g_build_filename (g_get_user_data_dir (), "stashhog-e2e.sqlite", NULL);
  f->env = clean_environment ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fake_stop (f);
  g_clear_object (&f->reserved);
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->fake_api_key, g_free);
  g_clear_pointer (&f->database, g_free);
  g_clear_pointer (&f->env, g_strfreev);
}

/* test-connection */

static void
test_connection_ok (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(CtlRun) run = { 0 };
  g_auto(CtlRun) text = { 0 };
  g_autoptr(JsonObject) object = NULL;

  fake_start (f, "--scenes", "3", NULL);

  ctl (f, &run, "test-connection", "--json", NULL);
  assert_status (&run, 0);
  g_assert_cmpstr (run.err, ==, "");
  object = parse_json_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==, f->url);
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, "v0.30.1");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "OK");
  g_assert_true (json_object_get_boolean_member (object, "ffmpeg"));

  ctl (f, &text, "test-connection", NULL);
  assert_status (&text, 0);
  g_assert_nonnull (strstr (text.out, "v0.30.1"));
  g_assert_nonnull (strstr (text.out, f->url));
}

static void
test_connection_unreachable (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(CtlRun) run = { 0 };

  f->url = unused_url (f);

  ctl (f, &run, "test-connection", "--json", NULL);
  assert_error_code (&run, 1, "Cannot connect to Stash", "cannot_connect");
  g_assert_nonnull (strstr (run.err, f->url));
}

/* A server that trickles its answer a byte a second used to keep test-connection waiting
 * for minutes; now it fails at the deadline, after one attempt. */
static void
test_connection_trickle (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_auto(CtlRun) run = { 0 };
  g_auto(CtlRun) bad = { 0 };
  gint64 started;
  double elapsed;

  fake_start (f, "--scenes", "3", "--fault", "trickle", NULL);
  f->env = g_environ_setenv (f->env, "STASHHOG_REQUEST_TIMEOUT", "2", TRUE);

  started = g_get_monotonic_time ();
  proc = ctl_spawn (f, "test-connection", NULL);
  ctl_finish (proc, &run, 2 + 8);
  elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_test_message ("test-connection ended after %.2f s", elapsed);

  assert_error_line (&run, 1, "Stash did not answer TestConnection within 2 seconds");
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpfloat (elapsed, >=, 1.9);
  g_assert_cmpfloat (elapsed, <, 2.0 + 4.0);

  /* A deadline that is not a number of seconds is a usage error. */
  f->env = g_environ_setenv (f->env, "STASHHOG_REQUEST_TIMEOUT", "soon", TRUE);
  ctl (f, &bad, "test-connection", NULL);
  assert_error_line (&bad, 2, "STASHHOG_REQUEST_TIMEOUT");
}

static void
assert_no_key (CtlRun *run)
{
  g_assert_null (strstr (run->out, TEST_API_KEY));
  g_assert_null (strstr (run->err, TEST_API_KEY));
}

static void
test_connection_api_key (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(CtlRun) none = { 0 };
  g_auto(CtlRun) wrong = { 0 };
  g_auto(CtlRun) right = { 0 };
  g_auto(CtlRun) sync = { 0 };
  g_auto(CtlRun) generate = { 0 };
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) job = NULL;

  f->fake_api_key = g_strdup (TEST_API_KEY);
  fake_start (f, "--scenes", "4", NULL);

  ctl (f, &none, "test-connection", "--json", NULL);
  assert_error_code (&none, 1, "API key", "unauthorized");

  f->env = g_environ_setenv (f->env, "STASHHOG_API_KEY", "not-" TEST_API_KEY, TRUE);
  ctl (f, &wrong, "test-connection", "--json", NULL);
  assert_error_code (&wrong, 1, "API key", "unauthorized");
  assert_no_key (&wrong);

  f->env = g_environ_setenv (f->env, "STASHHOG_API_KEY", TEST_API_KEY, TRUE);
  ctl (f, &right, "test-connection", "--json", NULL);
  assert_status (&right, 0);
  assert_no_key (&right);
  object = parse_json_object (right.out);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "OK");

  /* The key serves every command (Generate's job subscription too), and none shows it. */
  ctl (f, &sync, "sync", "--json", NULL);
  assert_status (&sync, 0);
  assert_no_key (&sync);
  g_assert_cmpint (count_scenes (f, NULL, NULL), ==, 4);

  ctl (f, &generate, "generate", "--json", NULL);
  assert_status (&generate, 0);
  assert_no_key (&generate);
  job = parse_job_output (generate.out);
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "completed");
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, 4);
}

static void
test_connection_no_url (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(CtlRun) run = { 0 };

  ctl (f, &run, "test-connection", "--json", NULL);
  assert_error_code (&run, 2, "no Stash server configured", "configuration");
}

/* sync and scenes */

static void
test_sync (Fixture       *f,
           gconstpointer  data)
{
  g_auto(CtlRun) list = { 0 };
  g_auto(CtlRun) checks = { 0 };
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) full = NULL;
  g_autoptr(JsonArray) scenes = NULL;
  g_autoptr(JsonArray) check_jobs = NULL;

  fake_start (f, "--scenes", "25", NULL);

  sync_scenes (f, 25);
  g_assert_cmpint (count_scenes (f, NULL, NULL), ==, 25);
  /* Nothing has been checked or generated yet. */
  g_assert_cmpint (count_scenes (f, "no", NULL), ==, 25);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);

  ctl (f, &list, "scenes", "--limit", "5", "--json", NULL);
  assert_status (&list, 0);
  scenes = parse_json_array (list.out);
  g_assert_cmpuint (json_array_get_length (scenes), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);

      g_assert_nonnull (scene);
      g_assert_cmpint (json_object_get_int_member (scene, "id"), ==, i + 1);
      g_assert_true (json_object_has_member (scene, "title"));
      g_assert_false (json_object_get_boolean_member (scene, "generated"));
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (scenes, 0),
                                                  "title"), ==, "Scene 1");

  /* Nothing changed in Stash: an incremental sync reads nothing. */
  again = ctl_job (f, 0, "sync", "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "completed");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (again, "result"),
                                                  "mode"), ==, "incremental");
  g_assert_cmpint (result_int (again, "synced"), ==, 0);

  full = ctl_job (f, 0, "sync", "--full", "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (full, "status"), ==, "completed");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (full, "result"),
                                                  "mode"), ==, "full");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (full, "parameters"),
                                                 "full"));
  g_assert_cmpint (result_int (full, "synced"), ==, 25);
  g_assert_cmpint (result_int (full, "removed"), ==, 0);
  g_assert_cmpint (count_scenes (f, NULL, NULL), ==, 25);

  /* A pure sync: the app offers a Check after it, the command line runs none (Stash has
   * every media here, so a Check would have marked the scenes generated). */
  ctl (f, &checks, "jobs", "--type", "check_stash_generate", "--json", NULL);
  assert_status (&checks, 0);
  check_jobs = parse_json_array (checks.out);
  g_assert_cmpuint (json_array_get_length (check_jobs), ==, 0);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);
}

/* generate */

static void
test_generate_all (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(CtlRun) jobs_run = { 0 };
  g_auto(CtlRun) job_run = { 0 };
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) shown = NULL;
  g_autoptr(JsonArray) jobs = NULL;
  g_autofree char *id = NULL;
  gboolean listed = FALSE;

  fake_start (f, "--scenes", "20", "--missing", "all", "--job-speed", "5", NULL);
  sync_scenes (f, 20);

  job = ctl_job (f, 0, "generate", "--json", NULL);
  id = g_strdup (json_object_get_string_member (job, "id"));
  g_assert_cmpstr (json_object_get_string_member (job, "type"), ==, "stash_generate");
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "completed");
  g_assert_nonnull (json_object_get_string_member (job, "stash_job_id"));
  g_assert_cmpint (result_int (job, "scenes_tracked"), ==, 20);
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, 20);

  g_assert_cmpint (count_scenes (f, "no", NULL), ==, 0);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 20);
  g_assert_cmpint (count_scenes (f, NULL, id), ==, 20);

  ctl (f, &jobs_run, "jobs", "--json", NULL);
  assert_status (&jobs_run, 0);
  jobs = parse_json_array (jobs_run.out);
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonObject *element = json_array_get_object_element (jobs, i);

      if (g_strcmp0 (json_object_get_string_member (element, "id"), id) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (element, "status"), ==, "completed");
          g_assert_cmpstr (json_object_get_string_member (element, "type"), ==, "stash_generate");
          listed = TRUE;
        }
    }
  g_assert_true (listed);
  /* Newest first: the Generate came after the sync. */
  g_assert_cmpuint (json_array_get_length (jobs), ==, 2);
  /* --limit 0 means all, as for scenes; 1 means one. */
  {
    g_auto(CtlRun) all_run = { 0 };
    g_auto(CtlRun) one_run = { 0 };
    g_autoptr(JsonArray) all = NULL;
    g_autoptr(JsonArray) one = NULL;

    ctl (f, &all_run, "jobs", "--limit", "0", "--json", NULL);
    assert_status (&all_run, 0);
    all = parse_json_array (all_run.out);
    g_assert_cmpuint (json_array_get_length (all), ==, 2);
    ctl (f, &one_run, "jobs", "--limit", "1", "--json", NULL);
    assert_status (&one_run, 0);
    one = parse_json_array (one_run.out);
    g_assert_cmpuint (json_array_get_length (one), ==, 1);
  }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (jobs, 0), "id"),
                   ==, id);

  ctl (f, &job_run, "job", id, "--json", NULL);
  assert_status (&job_run, 0);
  shown = parse_json_object (job_run.out);
  g_assert_cmpstr (json_object_get_string_member (shown, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (shown, "status"), ==, "completed");
  g_assert_cmpint (result_int (shown, "scenes_updated_count"), ==, 20);
  g_assert_cmpstr (json_object_get_string_member (shown, "stash_job_id"), ==,
                   json_object_get_string_member (job, "stash_job_id"));
}

static void
test_generate_scenes (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(CtlRun) impacted_run = { 0 };
  g_auto(CtlRun) cancel_run = { 0 };
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonArray) ids = NULL;
  const char *id;

  fake_start (f, "--scenes", "20", "--missing", "all", "--job-speed", "5", NULL);
  sync_scenes (f, 20);

  job = ctl_job (f, 0, "generate", "--scene", "3", "--scene", "5", "--json", NULL);
  id = json_object_get_string_member (job, "id");
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "completed");
  g_assert_cmpint (result_int (job, "scenes_updated_count"), ==, 2);
  ids = json_array_ref (json_object_get_array_member (json_object_get_object_member (job,
                                                                                     "parameters"),
                                                      "sceneIDs"));
  g_assert_cmpuint (json_array_get_length (ids), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, "3");
  g_assert_cmpstr (json_array_get_string_element (ids, 1), ==, "5");

  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 2);
  g_assert_cmpint (count_scenes (f, "no", NULL), ==, 18);
  g_assert_cmpint (count_scenes (f, NULL, id), ==, 2);

  /* The scenes a job changed: objects with `id`, as every scene list. */
  ctl (f, &impacted_run, "scenes", "--job", id, "--json", NULL);
  assert_scene_ids (&impacted_run, (const gint64[]) { 3, 5 }, 2);

  /* A job that has ended cannot be cancelled. */
  ctl (f, &cancel_run, "cancel", id, "--json", NULL);
  assert_error_code (&cancel_run, 1, "completed", "job_not_active");
}

static void
test_generate_no_covers (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(CtlRun) shown_run = { 0 };
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) shown = NULL;
  JsonObject *parameters;

  fake_start (f, "--scenes", "6", "--missing", "all", "--job-speed", "5", NULL);
  sync_scenes (f, 6);

  job = ctl_job (f, 0, "generate", "--no-covers", "--preview-segments", "7", "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "completed");

  ctl (f, &shown_run, "job", json_object_get_string_member (job, "id"), "--json", NULL);
  assert_status (&shown_run, 0);
  shown = parse_json_object (shown_run.out);
  parameters = json_object_get_object_member (shown, "parameters");
  g_assert_nonnull (parameters);
  g_assert_false (json_object_get_boolean_member (parameters, "covers"));
  /* The other options keep the seed's defaults. */
  g_assert_true (json_object_get_boolean_member (parameters, "sprites"));
  g_assert_true (json_object_get_boolean_member (parameters, "previews"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (parameters,
                                                                              "previewOptions"),
                                               "previewSegments"), ==, 7);
}

static void
test_generate_invalid_options (Fixture       *f,
                               gconstpointer  data)
{
  g_auto(CtlRun) preset = { 0 };
  g_auto(CtlRun) scene = { 0 };
  g_auto(CtlRun) option = { 0 };

  /* Options are checked before anything is contacted: nobody listens here. */
  f->url = unused_url (f);

  ctl (f, &preset, "generate", "--preview-preset", "fastest", "--json", NULL);
  assert_error_code (&preset, 2, "preview preset", "invalid_parameters");

  ctl (f, &scene, "generate", "--scene", "abc", "--json", NULL);
  assert_error_code (&scene, 2, "abc", "invalid_parameters");

  ctl (f, &option, "generate", "--no-frobnicate", NULL);
  assert_error_line (&option, 2, "--no-frobnicate");
}

/* Ctrl-C stops the Generate in Stash; nothing is marked. Retrying runs it again. */
static void
test_generate_cancel_signal (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_auto(CtlRun) run = { 0 };
  g_auto(CtlRun) shown_run = { 0 };
  g_autoptr(JsonObject) cancelled = NULL;
  g_autoptr(JsonObject) shown = NULL;
  g_autoptr(JsonObject) retried = NULL;
  g_autofree char *id = NULL;
  gint64 signalled;
  double seconds;

  fake_start (f, "--scenes", "300", "--missing", "all", "--job-speed", "300", NULL);
  sync_scenes (f, 300);

  proc = ctl_spawn (f, "generate", "--json", NULL);
  id = wait_for_running_generate (f, proc);

  signalled = g_get_monotonic_time ();
  g_subprocess_send_signal (proc, SIGINT);
  ctl_finish (proc, &run, CANCEL_TIMEOUT_S);
  seconds = (g_get_monotonic_time () - signalled) / (double) G_USEC_PER_SEC;
  g_test_message ("Cancelled in %.1f s", seconds);
  assert_status (&run, 3);
  g_assert_cmpfloat (seconds, <, CANCEL_TIMEOUT_S);

  cancelled = parse_job_output (run.out);
  g_assert_cmpstr (json_object_get_string_member (cancelled, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (cancelled, "status"), ==, "cancelled");
  g_assert_cmpint (result_int (cancelled, "scenes_updated_count"), ==, 0);

  ctl (f, &shown_run, "job", id, "--json", NULL);
  assert_status (&shown_run, 0);
  shown = parse_json_object (shown_run.out);
  g_assert_cmpstr (json_object_get_string_member (shown, "status"), ==, "cancelled");

  /* Stash did part of the work, but the mirror records all or nothing. */
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);
  g_assert_cmpint (count_scenes (f, "no", NULL), ==, 300);
  g_assert_cmpint (count_scenes (f, NULL, id), ==, 0);

  /* A faster Stash at the same address, for the retry. */
  fake_restart (f, "--scenes", "300", "--missing", "all", "--job-speed", "2", NULL);

  retried = ctl_job (f, 0, "retry", id, "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (retried, "id"), !=, id);
  g_assert_cmpstr (json_object_get_string_member (retried, "type"), ==, "stash_generate");
  g_assert_cmpstr (json_object_get_string_member (retried, "status"), ==, "completed");
  g_assert_cmpint (result_int (retried, "scenes_updated_count"), ==, 300);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 300);
}

/* One Generate per server at a time; `cancel` stops one that another process runs. */
static void
test_generate_conflict (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GSubprocess) owner = NULL;
  g_auto(CtlRun) second = { 0 };
  g_auto(CtlRun) cancel = { 0 };
  g_auto(CtlRun) owner_run = { 0 };
  g_auto(CtlRun) retry_running = { 0 };
  g_autoptr(JsonObject) job = NULL;
  g_autofree char *id = NULL;

  fake_start (f, "--scenes", "300", "--missing", "all", "--job-speed", "300", NULL);
  sync_scenes (f, 300);

  owner = ctl_spawn (f, "generate", "--json", NULL);
  id = wait_for_running_generate (f, owner);

  ctl (f, &second, "generate", "--json", NULL);
  assert_error_code (&second, 1, id, "job_conflict");
  g_assert_nonnull (strstr (second.err, "already active"));

  /* Only failed and cancelled jobs can be retried. */
  ctl (f, &retry_running, "retry", id, "--json", NULL);
  assert_error_code (&retry_running, 1, "running", "job_not_retryable");

  /* `cancel --json` prints the job, as `job` does. */
  ctl (f, &cancel, "cancel", id, "--json", NULL);
  assert_status (&cancel, 0);
  {
    g_autoptr(JsonObject) cancelling = parse_json_object (cancel.out);

    g_assert_cmpstr (json_object_get_string_member (cancelling, "id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (cancelling, "type"), ==, "stash_generate");
    assert_documented ("job", cancelling);
  }

  ctl_finish (owner, &owner_run, CANCEL_TIMEOUT_S);
  assert_status (&owner_run, 3);
  job = parse_job_output (owner_run.out);
  g_assert_cmpstr (json_object_get_string_member (job, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "cancelled");
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);
}

/* check */

static void
assert_check (JsonObject *job,
              gint64      checked,
              gint64      complete,
              gint64      incomplete)
{
  g_assert_cmpstr (json_object_get_string_member (job, "type"), ==, "check_stash_generate");
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "completed");
  g_assert_cmpint (result_int (job, "checked"), ==, checked);
  g_assert_cmpint (result_int (job, "complete"), ==, complete);
  g_assert_cmpint (result_int (job, "incomplete"), ==, incomplete);
}

static void
test_check_after_generate (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) generate = NULL;
  g_autoptr(JsonObject) check = NULL;

  fake_start (f, "--scenes", "20", "--missing", "all", "--job-speed", "5", NULL);
  sync_scenes (f, 20);
  generate = ctl_job (f, 0, "generate", "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (generate, "status"), ==, "completed");

  check = ctl_job (f, 0, "check", "--json", NULL);
  assert_check (check, 20, 20, 0);
  /* The Generate had marked them already. */
  g_assert_cmpint (result_int (check, "scenes_updated_count"), ==, 0);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 20);
}

static void
test_check_some_missing (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) generate = NULL;
  g_autoptr(JsonObject) check = NULL;
  g_auto(CtlRun) list = { 0 };

  fake_start (f, "--scenes", "12", "--missing", "all", "--job-speed", "5", NULL);
  sync_scenes (f, 12);

  /* Nothing generated: every scene misses its media. */
  check = ctl_job (f, 0, "check", "--json", NULL);
  assert_check (check, 12, 0, 12);
  g_assert_cmpint (count_scenes (f, "no", NULL), ==, 12);
  g_clear_pointer (&check, json_object_unref);

  /* Then two of them get their media. */
  generate = ctl_job (f, 0, "generate", "--scene", "4", "--scene", "9", "--json", NULL);
  g_assert_cmpint (result_int (generate, "scenes_updated_count"), ==, 2);

  check = ctl_job (f, 0, "check", "--json", NULL);
  assert_check (check, 12, 2, 10);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 2);
  g_assert_cmpint (count_scenes (f, "no", NULL), ==, 10);

  ctl (f, &list, "scenes", "--generated", "yes", "--json", NULL);
  assert_scene_ids (&list, (const gint64[]) { 4, 9 }, 2);
}

/* Media that disappear from Stash: the check takes the mark away. */
static void
test_check_marks_not_generated (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;

  fake_start (f, "--scenes", "15", "--missing", "none", NULL);
  sync_scenes (f, 15);

  first = ctl_job (f, 0, "check", "--json", NULL);
  assert_check (first, 15, 15, 0);
  g_assert_cmpint (result_int (first, "scenes_updated_count"), ==, 15);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 15);

  /* The same server, its generated media gone. */
  fake_restart (f, "--scenes", "15", "--missing", "all", NULL);

  second = ctl_job (f, 0, "check", "--json", NULL);
  assert_check (second, 15, 0, 15);
  g_assert_cmpint (result_int (second, "scenes_updated_count"), ==, 15);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);
  g_assert_cmpint (count_scenes (f, "no", NULL), ==, 15);
}

/* process-new */

static void
test_process_new (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const types[] = { "sync_scenes", "stash_generate", "check_stash_generate" };
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) again = NULL;
  JsonArray *steps;

  fake_start (f, "--scenes", "10", "--missing", "all", "--job-speed", "5", NULL);

  job = ctl_job (f, 0, "process-new", "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (job, "type"), ==, "process_new_scenes");
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "completed");
  g_assert_cmpint (result_int (job, "new_scenes"), ==, 10);
  steps = json_object_get_array_member (json_object_get_object_member (job, "result"), "steps");
  g_assert_nonnull (steps);
  g_assert_cmpuint (json_array_get_length (steps), ==, G_N_ELEMENTS (types));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);

      g_assert_cmpstr (json_object_get_string_member (step, "type"), ==, types[i]);
      g_assert_cmpstr (json_object_get_string_member (step, "status"), ==, "completed");
      g_assert_nonnull (json_object_get_string_member (step, "job_id"));
    }

  g_assert_cmpint (count_scenes (f, NULL, NULL), ==, 10);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 10);

  /* Nothing new the second time. */
  again = ctl_job (f, 0, "process-new", "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "completed");
  g_assert_cmpint (result_int (again, "new_scenes"), ==, 0);
}

/* Processes that die, and stops that never come */

/* Kills @proc with SIGKILL: no cleanup, no last write, as when a machine dies. */
static void
ctl_kill (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
}

/* `jobs --json`'s entry for @id. */
static JsonObject *
find_listed_job (Fixture    *f,
                 const char *id)
{
  g_auto(CtlRun) run = { 0 };
  g_autoptr(JsonArray) jobs = NULL;

  ctl (f, &run, "jobs", "--json", NULL);
  assert_status (&run, 0);
  jobs = parse_json_array (run.out);
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);

      if (g_strcmp0 (json_object_get_string_member (job, "id"), id) == 0)
        return json_object_ref (job);
    }

  g_assert_not_reached ();
  return NULL;
}

/* Waits until `jobs` shows the job that a killed process ran as orphaned: its status is
 * still the one in the database, and nobody recovered it, since `jobs` only looks. */
static void
wait_for_orphaned (Fixture    *f,
                   const char *id,
                   const char *status)
{
  gint64 deadline = g_get_monotonic_time () + RUNNING_TIMEOUT_S * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonObject) job = find_listed_job (f, id);

      g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, status);
      if (json_object_get_boolean_member_with_default (job, "orphaned", FALSE))
        {
          g_auto(CtlRun) text = { 0 };
          g_autofree char *line = NULL;

          /* In the plain list too. */
          ctl (f, &text, "jobs", NULL);
          assert_status (&text, 0);
          line = g_strdup_printf ("%s  ", id);
          g_assert_nonnull (strstr (text.out, line));
          g_assert_nonnull (strstr (strstr (text.out, line), "orphaned"));
          return;
        }
      sleep_ms (200);
    }

  g_test_message ("Job %s never showed as orphaned", id);
  g_assert_not_reached ();
}

/* Issue 9, case 6: a `generate` killed while Stash works leaves its Generate orphaned;
 * the next `generate` re-attaches to it, follows it and marks the scenes, rather than
 * refusing ("already active") while Stash's work is thrown away. */
static void
test_generate_reattach_after_kill (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_auto(CtlRun) again = { 0 };
  g_autoptr(JsonObject) done = NULL;
  g_autofree char *id = NULL;
  g_autofree char *finished = NULL;

  f->env = g_environ_setenv (f->env, "STASHHOG_STALE_AFTER", STALE_AFTER_S, TRUE);
  fake_start (f, "--scenes", "20", "--missing", "all", "--job-speed", "60", NULL);
  sync_scenes (f, 20);

  proc = ctl_spawn (f, "generate", "--json", NULL);
  id = wait_for_running_generate (f, proc);
  ctl_kill (proc);

  wait_for_orphaned (f, id, "running");

  ctl (f, &again, "generate", NULL);
  assert_status (&again, 0);
  g_assert_nonnull (strstr (again.err, id));
  finished = g_strdup_printf ("Finished the earlier Generate job %s", id);
  g_assert_nonnull (strstr (again.out, finished));

  /* The earlier job itself completed, with Stash's work; no second Generate. */
  done = ctl_job (f, 0, "job", id, "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (done, "status"), ==, "completed");
  g_assert_false (json_object_get_boolean_member (done, "orphaned"));
  g_assert_cmpint (result_int (done, "scenes_updated_count"), ==, 20);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 20);
  {
    g_auto(CtlRun) run = { 0 };
    g_autoptr(JsonArray) jobs = NULL;

    ctl (f, &run, "jobs", "--type", "stash_generate", "--json", NULL);
    assert_status (&run, 0);
    jobs = parse_json_array (run.out);
    g_assert_cmpuint (json_array_get_length (jobs), ==, 1);
  }
}

/* A sync orphaned by a dead process does not block the next one: that one fails it, with
 * the reason, and runs. */
static void
test_sync_after_kill (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(JsonObject) synced = NULL;
  g_autoptr(JsonObject) dead = NULL;
  g_autofree char *id = NULL;
  gint64 deadline = g_get_monotonic_time () + RUNNING_TIMEOUT_S * G_USEC_PER_SEC;

  f->env = g_environ_setenv (f->env, "STASHHOG_STALE_AFTER", STALE_AFTER_S, TRUE);
  /* Slow answers: the sync is still running when it is killed. */
  fake_start (f, "--scenes", "30", "--latency", "2000", NULL);

  proc = ctl_spawn (f, "sync", "--full", "--json", NULL);
  while (id == NULL)
    {
      g_auto(CtlRun) run = { 0 };
      g_autoptr(JsonArray) jobs = NULL;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      ctl (f, &run, "jobs", "--status", "running", "--type", "sync_scenes", "--json", NULL);
      assert_status (&run, 0);
      jobs = parse_json_array (run.out);
      if (json_array_get_length (jobs) == 1)
        id = g_strdup (json_object_get_string_member (json_array_get_object_element (jobs, 0),
                                                      "id"));
      else
        sleep_ms (100);
    }
  ctl_kill (proc);

  wait_for_orphaned (f, id, "running");

  fake_restart (f, "--scenes", "30", NULL);
  synced = ctl_job (f, 0, "sync", "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (synced, "id"), !=, id);
  g_assert_cmpstr (json_object_get_string_member (synced, "status"), ==, "completed");
  g_assert_cmpint (count_scenes (f, NULL, NULL), ==, 30);

  dead = ctl_job (f, 0, "job", id, "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (dead, "status"), ==, "failed");
  g_assert_nonnull (strstr (json_object_get_string_member (dead, "error"), "stopped"));

  /* Read in German, with the catalogues of this build: the reason StashHog wrote (in
   * English) is shown in German; the JSON keeps it as it was written. */
  {
    g_auto(CtlRun) shown = { 0 };
    g_auto(CtlRun) shown_json = { 0 };
    g_autofree char *localedir = g_build_filename (g_getenv ("STASHHOG_BUILD_ROOT"), "po", NULL);

    f->env = g_environ_setenv (f->env, "LANGUAGE", "de", TRUE);
    f->env = g_environ_setenv (f->env, "STASHHOG_LOCALEDIR", localedir, TRUE);
    ctl (f, &shown, "job", id, NULL);
    ctl (f, &shown_json, "job", id, "--json", NULL);
    f->env = g_environ_unsetenv (f->env, "LANGUAGE");
    f->env = g_environ_unsetenv (f->env, "STASHHOG_LOCALEDIR");
    assert_status (&shown, 0);
    g_assert_nonnull (strstr (shown.out, "Der StashHog-Prozess, der diesen Auftrag ausgeführt "
                                         "hat, wurde beendet"));
    g_assert_nonnull (strstr (shown.out, "Unterbrochen"));
    g_assert_null (strstr (shown.out, "stopped"));
    assert_status (&shown_json, 0);
    g_assert_nonnull (strstr (shown_json.out, "The StashHog process that ran this job stopped"));
  }
}

/* A second Ctrl-C while Stash never confirms the stop stops waiting: exit 3 at once, and
 * the job says that Stash may still be stopping its job. */
static void
test_generate_abandon_stop (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_auto(CtlRun) run = { 0 };
  g_autoptr(JsonObject) shown = NULL;
  g_autoptr(JsonObject) printed = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  const char *stash_job_id;
  gint64 signalled;
  double seconds;

  fake_start (f, "--scenes", "300", "--missing", "all", "--job-speed", "300", "--ignore-stop",
              NULL);
  sync_scenes (f, 300);

  proc = ctl_spawn (f, "generate", "--json", NULL);
  id = wait_for_running_generate (f, proc);

  g_subprocess_send_signal (proc, SIGINT);
  /* The stop is under way (and never confirmed): the job says so. */
  {
    gint64 deadline = g_get_monotonic_time () + RUNNING_TIMEOUT_S * G_USEC_PER_SEC;

    for (;;)
      {
        g_autoptr(JsonObject) job = find_listed_job (f, id);

        if (g_strcmp0 (json_object_get_string_member (job, "status"), "cancelling") == 0)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        sleep_ms (100);
      }
  }
  sleep_ms (500);
  g_assert_nonnull (g_subprocess_get_identifier (proc));

  signalled = g_get_monotonic_time ();
  g_subprocess_send_signal (proc, SIGINT);
  ctl_finish (proc, &run, 10);
  seconds = (g_get_monotonic_time () - signalled) / (double) G_USEC_PER_SEC;
  g_test_message ("Stopped waiting in %.1f s", seconds);
  assert_status (&run, 3);
  g_assert_cmpfloat (seconds, <, 5);

  printed = parse_job_output (run.out);
  stash_job_id = json_object_get_string_member (printed, "stash_job_id");
  g_assert_nonnull (stash_job_id);
  expected = g_strdup_printf ("Stash may still be stopping job %s", stash_job_id);
  g_assert_nonnull (strstr (run.err, expected));

  /* Recorded on the job, which failed: a job shown as cancelled has no Stash job behind
   * it. Nothing was marked. */
  shown = ctl_job (f, 0, "job", id, "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (shown, "status"), ==, "failed");
  g_assert_nonnull (strstr (json_object_get_string_member (shown, "error"), expected));
  g_assert_nonnull (strstr (json_object_get_string_member (shown, "error"),
                            "stopped waiting"));
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);
}

/* Usage and lookup errors */

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(CtlRun) command = { 0 };
  g_auto(CtlRun) status = { 0 };
  g_auto(CtlRun) missing = { 0 };
  g_auto(CtlRun) no_id = { 0 };
  g_auto(CtlRun) generated = { 0 };

  fake_start (f, "--scenes", "2", NULL);

  ctl (f, &command, "frobnicate", NULL);
  assert_error_line (&command, 2, "frobnicate");
  g_assert_cmpstr (command.out, ==, "");

  ctl (f, &status, "jobs", "--status", "bogus", NULL);
  assert_error_line (&status, 2, "bogus");
  g_assert_cmpstr (status.out, ==, "");

  ctl (f, &generated, "scenes", "--generated", "maybe", NULL);
  assert_error_line (&generated, 2, "maybe");

  ctl (f, &no_id, "job", NULL);
  assert_error_line (&no_id, 2, "job id");

  ctl (f, &missing, "job", "does-not-exist", "--json", NULL);
  assert_error_code (&missing, 1, "does-not-exist", "job_not_found");

  /* With --json every error is an object on stdout as well, whatever stage finds it. */
  {
    static const char * const usage[][4] = {
      { "frobnicate", "--json", NULL },
      { "scenes", "--frobnicate", "--json", NULL },
      { "jobs", "--status", "bogus", "--json" },
      { "scenes", "--limit", "-1", "--json" },
      { "job", "--json", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
      {
        g_auto(CtlRun) run = { 0 };

        ctl (f, &run, usage[i][0], usage[i][1], usage[i][2], usage[i][3], NULL);
        assert_error_code (&run, 2, "", "usage");
      }
  }
}


/* A Generate in which Stash fails some previews and still says FINISHED: exit 1, nothing
 * marked, the failed scenes listed with Stash's errors; --mark-succeeded marks the rest
 * and exits 1 all the same; --retry-failed takes exactly the failed ones. */
static void
test_generate_verified (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(CtlRun) failed_run = { 0 };
  g_auto(CtlRun) failing_run = { 0 };
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) marked = NULL;
  g_autoptr(JsonObject) retry = NULL;
  g_autoptr(JsonArray) failures = NULL;
  g_autoptr(JsonArray) failing = NULL;
  g_autofree char *id = NULL;
  g_autofree char *marked_id = NULL;
  JsonObject *failure;

  fake_start (f, "--scenes", "20", "--missing", "all", "--job-speed", "5",
              "--broken", "4", "--broken", "9", NULL);
  sync_scenes (f, 20);

  job = ctl_job (f, 1, "generate", "--json", NULL);
  id = g_strdup (json_object_get_string_member (job, "id"));
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "failed");
  g_assert_nonnull (strstr (json_object_get_string_member (job, "error"),
                            "2 of 20 scenes still lack media"));
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);

  ctl (f, &failed_run, "scenes", "--job", id, "--role", "failed", "--json", NULL);
  assert_status (&failed_run, 0);
  failures = parse_json_array (failed_run.out);
  g_assert_cmpuint (json_array_get_length (failures), ==, 2);
  failure = json_array_get_object_element (failures, 0);
  g_assert_cmpint (json_object_get_int_member (failure, "id"), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (failure, "missing"), 0),
                   ==, "preview");
  g_assert_nonnull (strstr (json_array_get_string_element (json_object_get_array_member (failure, "errors"), 0),
                            "failed to generate preview"));

  marked = ctl_job (f, 1, "generate", "--mark-succeeded", "--json", NULL);
  marked_id = g_strdup (json_object_get_string_member (marked, "id"));
  g_assert_cmpstr (json_object_get_string_member (marked, "status"), ==, "completed");
  g_assert_cmpint (result_int (marked, "scenes_updated_count"), ==, 18);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 18);

  /* Two failed Generates in a row are not yet three: not failing. */
  ctl (f, &failing_run, "scenes", "--failing", "--json", NULL);
  assert_status (&failing_run, 0);
  failing = parse_json_array (failing_run.out);
  g_assert_cmpuint (json_array_get_length (failing), ==, 0);

  retry = ctl_job (f, 1, "generate", "--retry-failed", marked_id, "--json", NULL);
  g_assert_cmpint (result_int (retry, "scenes_tracked"), ==, 2);
  g_assert_cmpint (result_int (retry, "scenes_failed"), ==, 2);
}


/* mark: by id, and by the same filters as scenes; one transaction, counts printed. */
static void
test_mark (Fixture       *f,
           gconstpointer  data)
{
  g_auto(CtlRun) by_id = { 0 };
  g_auto(CtlRun) by_filter = { 0 };
  g_auto(CtlRun) no_scenes = { 0 };
  g_autoptr(JsonObject) counts = NULL;

  fake_start (f, "--scenes", "12", "--missing", "all", NULL);
  sync_scenes (f, 12);

  ctl (f, &by_id, "mark", "--generated", "yes", "--scene", "2", "--scene", "5", NULL);
  assert_status (&by_id, 0);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 2);

  ctl (f, &by_filter, "mark", "--generated", "no", "--where-generated", "yes", "--json", NULL);
  assert_status (&by_filter, 0);
  counts = parse_json_object (by_filter.out);
  g_assert_cmpint (json_object_get_int_member (counts, "changed"), ==, 2);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);

  ctl (f, &no_scenes, "mark", "--generated", "yes", NULL);
  assert_status (&no_scenes, 2);
  g_assert_cmpint (count_scenes (f, "yes", NULL), ==, 0);
}


/* The database file given is the file used: no ".db" appended, and a folder that does
 * not exist is a configuration error that creates nothing. */
static void
test_database_path (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(CtlRun) missing = { 0 };
  g_auto(CtlRun) missing_json = { 0 };
  g_auto(CtlRun) named = { 0 };
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "no-such-dir", NULL);
  g_autofree char *inside = g_build_filename (dir, "x.db", NULL);
  g_autofree char *sqlite = g_build_filename (g_get_user_data_dir (), "db1.sqlite", NULL);
  g_autofree char *appended = g_strconcat (sqlite, ".db", NULL);

  g_autofree char *fixture_database = NULL;

  fake_start (f, "--scenes", "3", NULL);
  /* Every run gets the fixture's --database: point it elsewhere for this test. */
  fixture_database = g_steal_pointer (&f->database);

  f->database = g_strdup (inside);
  ctl (f, &missing, "jobs", NULL);
  assert_error_line (&missing, 2, "does not exist");
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  ctl (f, &missing_json, "scenes", "--json", NULL);
  assert_error_code (&missing_json, 2, "does not exist", "configuration");
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  g_free (f->database);
  f->database = g_strdup (sqlite);
  ctl (f, &named, "sync", NULL);
  g_free (f->database);
  f->database = g_steal_pointer (&fixture_database);
  assert_status (&named, 0);
  g_assert_true (g_file_test (sqlite, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (appended, G_FILE_TEST_EXISTS));
}

/* The JSON contract: docs/json.md against the output */

typedef struct
{
  char     *path;      /* "error.code": members of members with dots */
  char     *type;      /* string, integer, number, boolean, object or array */
  gboolean  nullable;
  gboolean  optional;
} DocField;

static void
doc_field_free (DocField *field)
{
  g_free (field->path);
  g_free (field->type);
  g_free (field);
}

typedef struct
{
  GHashTable *shapes;        /* shape name → GPtrArray of DocField */
  GHashTable *stash_names;   /* Stash's input names, allowed inside `parameters` */
  GHashTable *checked;       /* shapes that some output was checked against */
} JsonDoc;

/* Reads the tables of docs/json.md: a `<!-- shape: NAME -->` line, then a table whose rows
 * are "| `field` | type | meaning |"; and the list of Stash's names. */
static JsonDoc *
json_doc_get (void)
{
  static JsonDoc *doc;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) backticked = NULL;
  GPtrArray *fields = NULL;
  gboolean in_names = FALSE;

  if (doc != NULL)
    return doc;

  path = g_build_filename (g_getenv ("STASHHOG_SOURCE_ROOT"), "docs", "json.md", NULL);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  doc = g_new0 (JsonDoc, 1);
  doc->shapes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_ptr_array_unref);
  doc->stash_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  doc->checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  backticked = g_regex_new ("`([A-Za-z0-9_.]+)`", 0, 0, &error);
  g_assert_no_error (error);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "<!-- shape: "))
        {
          g_autofree char *name = g_strndup (line + strlen ("<!-- shape: "),
                                             strlen (line) - strlen ("<!-- shape: ")
                                             - strlen (" -->"));

          g_assert_false (g_hash_table_contains (doc->shapes, name));
          fields = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_field_free);
          g_hash_table_insert (doc->shapes, g_steal_pointer (&name), fields);
        }
      else if (g_str_has_prefix (line, "<!-- names: stash-input -->"))
        in_names = TRUE;
      else if (g_str_has_prefix (line, "<!-- end names -->"))
        in_names = FALSE;
      else if (in_names)
        {
          g_autoptr(GMatchInfo) match = NULL;

          for (g_regex_match (backticked, line, 0, &match); g_match_info_matches (match);
               g_match_info_next (match, NULL))
            g_hash_table_add (doc->stash_names, g_match_info_fetch (match, 1));
        }
      else if (fields != NULL && g_str_has_prefix (line, "| `"))
        {
          g_auto(GStrv) cells = g_strsplit (line, "|", -1);
          DocField *field = g_new0 (DocField, 1);

          g_assert_cmpuint (g_strv_length (cells), ==, 5);
          field->path = g_strdup (g_strstrip (cells[1]));
          g_assert_true (g_str_has_prefix (field->path, "`"));
          g_assert_true (g_str_has_suffix (field->path, "`"));
          memmove (field->path, field->path + 1, strlen (field->path) - 2);
          field->path[strlen (field->path) - 2] = '\0';
          g_strstrip (cells[2]);
          field->type = g_strndup (cells[2], strcspn (cells[2], " ,"));
          field->nullable = strstr (cells[2], "or null") != NULL;
          field->optional = strstr (cells[2], "optional") != NULL;
          g_assert_true (g_strv_contains ((const char * const[]) { "string", "integer",
                                                                   "number", "boolean",
                                                                   "object", "array", NULL },
                                          field->type));
          g_ptr_array_add (fields, field);
        }
      else if (fields != NULL && !g_str_has_prefix (line, "|") && fields->len > 0)
        fields = NULL;
    }

  g_assert_cmpuint (g_hash_table_size (doc->shapes), >=, 10);
  g_assert_true (g_hash_table_contains (doc->stash_names, "previewOptions"));

  return doc;
}

static gboolean
has_type (JsonNode   *node,
          const char *type)
{
  if (g_str_equal (type, "object"))
    return JSON_NODE_HOLDS_OBJECT (node);
  if (g_str_equal (type, "array"))
    return JSON_NODE_HOLDS_ARRAY (node);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (g_str_equal (type, "string"))
    return json_node_get_value_type (node) == G_TYPE_STRING;
  if (g_str_equal (type, "boolean"))
    return json_node_get_value_type (node) == G_TYPE_BOOLEAN;
  if (g_str_equal (type, "integer"))
    return json_node_get_value_type (node) == G_TYPE_INT64;
  if (g_str_equal (type, "number"))
    return json_node_get_value_type (node) == G_TYPE_INT64 ||
           json_node_get_value_type (node) == G_TYPE_DOUBLE;

  g_assert_not_reached ();
}

/* The rules of every output: snake_case names but Stash's inside `parameters`, and no
 * negative number (an unknown one is null). */
static void
assert_json_rules (JsonNode *node,
                   gboolean  in_parameters)
{
  JsonDoc *doc = json_doc_get ();

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) names = json_object_get_members (object);

      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *name = l->data;
          gboolean snake = g_regex_match_simple ("^[a-z][a-z0-9_]*$", name, 0, 0);

          if (!snake && !(in_parameters && g_hash_table_contains (doc->stash_names, name)))
            g_error ("“%s” is neither snake_case nor one of Stash's names in parameters", name);
          assert_json_rules (json_object_get_member (object, name),
                             in_parameters || g_str_equal (name, "parameters"));
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        assert_json_rules (json_array_get_element (array, i), in_parameters);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    g_assert_cmpint (json_node_get_int (node), >=, 0);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    g_assert_cmpfloat (json_node_get_double (node), >=, 0);
}

static JsonNode *
lookup_path (JsonObject *object,
             const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (object == NULL || !json_object_has_member (object, parts[i]))
        return NULL;
      node = json_object_get_member (object, parts[i]);
      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }

  return node;
}

/* Every member of @object, at @prefix, is a documented field; members of members too, when
 * the documentation lists theirs. */
static void
assert_members_documented (const char *shape,
                           GPtrArray  *fields,
                           JsonObject *object,
                           const char *prefix)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *path = g_strconcat (prefix, l->data, NULL);
      g_autofree char *inner = g_strconcat (path, ".", NULL);
      JsonNode *value = json_object_get_member (object, l->data);
      gboolean documented = FALSE;
      gboolean has_inner = FALSE;

      for (guint i = 0; i < fields->len; i++)
        {
          DocField *field = g_ptr_array_index (fields, i);

          documented |= g_str_equal (field->path, path);
          has_inner |= g_str_has_prefix (field->path, inner);
        }
      if (!documented)
        g_error ("docs/json.md does not list “%s” of %s", path, shape);
      if (has_inner && JSON_NODE_HOLDS_OBJECT (value))
        assert_members_documented (shape, fields, json_node_get_object (value), inner);
    }
}

/* @object is what docs/json.md says of @shape: each field listed is there (unless
 * optional) with its type, and each field there is listed. */
static void
assert_documented (const char *shape,
                   JsonObject *object)
{
  JsonDoc *doc = json_doc_get ();
  GPtrArray *fields = g_hash_table_lookup (doc->shapes, shape);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  if (fields == NULL)
    g_error ("docs/json.md has no table for “%s”", shape);
  g_hash_table_add (doc->checked, g_strdup (shape));

  for (guint i = 0; i < fields->len; i++)
    {
      DocField *field = g_ptr_array_index (fields, i);
      JsonNode *value = lookup_path (object, field->path);

      if (value == NULL)
        {
          if (!field->optional)
            g_error ("%s has no “%s”, which docs/json.md lists", shape, field->path);
          continue;
        }
      if (JSON_NODE_HOLDS_NULL (value) ? !field->nullable : !has_type (value, field->type))
        g_error ("“%s” of %s is not a %s%s", field->path, shape, field->type,
                 field->nullable ? " or null" : "");
    }
  assert_members_documented (shape, fields, object, "");
  assert_json_rules (node, FALSE);

  /* A job's result, by its type. */
  if (g_str_equal (shape, "job") && !json_object_get_null_member (object, "result"))
    {
      g_autofree char *result_shape =
        g_strconcat ("result ", json_object_get_string_member (object, "type"), NULL);

      assert_documented (result_shape, json_object_get_object_member (object, "result"));
    }
}

/* A long command's lines: progress lines, then the job. Returns the job's id. */
static char *
assert_documented_lines (CtlRun *run)
{
  g_auto(GStrv) lines = g_strsplit (run->out, "\n", -1);
  guint n = g_strv_length (lines);
  g_autoptr(JsonObject) job = NULL;

  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 2 < n; i++)
    {
      g_autoptr(JsonObject) line = parse_json_object (lines[i]);

      assert_documented ("progress", line);
    }
  job = parse_json_object (lines[n - 2]);
  assert_documented ("job", job);

  return g_strdup (json_object_get_string_member (job, "id"));
}

/* Runs `stashhogctl @args --json`, which must exit with @status, and checks what it
 * printed against @shape: an object, an array of them, or (@long_command) progress lines
 * and the job. Returns the object, the array, or the job. */
static JsonNode *ctl_documented (Fixture *f, int status, const char *shape,
                                 gboolean long_command, const char *first_arg, ...)
  G_GNUC_NULL_TERMINATED;

static JsonNode *
ctl_documented (Fixture    *f,
                int         status,
                const char *shape,
                gboolean    long_command,
                const char *first_arg,
                ...)
{
  g_auto(CtlRun) run = { 0 };
  JsonNode *node;
  va_list args;

  va_start (args, first_arg);
  ctl_va (f, &run, first_arg, args);
  va_end (args);
  assert_status (&run, status);
  g_assert_true (run.json);

  if (long_command)
    {
      g_autofree char *id = assert_documented_lines (&run);
      g_auto(GStrv) lines = g_strsplit (run.out, "\n", -1);

      g_assert_cmpstr (shape, ==, "job");
      node = parse_json (lines[g_strv_length (lines) - 2]);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "id"), ==,
                       id);
      return node;
    }

  node = parse_json (run.out);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      g_assert_cmpuint (json_array_get_length (array), >, 0);
      for (guint i = 0; i < json_array_get_length (array); i++)
        assert_documented (shape, json_array_get_object_element (array, i));
    }
  else
    {
      assert_documented (shape, json_node_get_object (node));
    }

  return node;
}

static const char *
node_id (JsonNode *node)
{
  return json_object_get_string_member (json_node_get_object (node), "id");
}

/* Each command's --json output, for every shape docs/json.md describes. */
static void
test_json_documented (Fixture       *f,
                      gconstpointer  data)
{
  JsonDoc *doc = json_doc_get ();
  g_autoptr(JsonNode) connection = NULL;
  g_autoptr(JsonNode) failed = NULL;
  g_autoptr(JsonNode) marked = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(JsonNode) lost_sync = NULL;
  g_autoptr(JsonNode) lost_shown = NULL;
  static const char * const schedule_actions[] = { "status", "install", "status", "remove" };

  fake_start (f, "--scenes", "12", "--missing", "all", "--job-speed", "5", "--broken", "4",
              NULL);

  connection = ctl_documented (f, 0, "test-connection", FALSE, "test-connection", "--json",
                               NULL);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (connection), "ready"));
  json_node_unref (ctl_documented (f, 0, "version", FALSE, "version", "--json", NULL));

  /* Long commands; scene 4 cannot be made, so the Generates fail, and their last line is
   * the job all the same. Three failures in a row make it failing: maintain leaves it
   * out and completes. */
  json_node_unref (ctl_documented (f, 0, "job", TRUE, "sync", "--json", NULL));
  json_node_unref (ctl_documented (f, 0, "job", TRUE, "check", "--json", NULL));
  failed = ctl_documented (f, 1, "job", TRUE, "generate", "--json", NULL);
  marked = ctl_documented (f, 1, "job", TRUE, "generate", "--mark-succeeded", "--json", NULL);
  json_node_unref (ctl_documented (f, 1, "job", TRUE, "retry", node_id (failed), "--json",
                                   NULL));
  json_node_unref (ctl_documented (f, 0, "job", TRUE, "process-new", "--json", NULL));
  json_node_unref (ctl_documented (f, 0, "job", TRUE, "maintain", "--json", NULL));

  json_node_unref (ctl_documented (f, 0, "failed-scene", FALSE, "scenes", "--job",
                                   node_id (failed), "--role", "failed", "--json", NULL));
  json_node_unref (ctl_documented (f, 0, "job-scene", FALSE, "scenes", "--job",
                                   node_id (marked), "--json", NULL));
  json_node_unref (ctl_documented (f, 0, "scene", FALSE, "scenes", "--limit", "0", "--json",
                                   NULL));
  json_node_unref (ctl_documented (f, 0, "count", FALSE, "scenes", "--count", "--json", NULL));
  json_node_unref (ctl_documented (f, 0, "mark", FALSE, "mark", "--generated", "no", "--scene",
                                   "1", "--json", NULL));
  json_node_unref (ctl_documented (f, 0, "job", FALSE, "jobs", "--limit", "0", "--json",
                                   NULL));
  shown = ctl_documented (f, 0, "job", FALSE, "job", node_id (failed), "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (shown), "status"), ==,
                   "failed");

  /* The units go into the test's own configuration folder. */
  f->env = g_environ_setenv (f->env, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (schedule_actions); i++)
    {
      g_autoptr(JsonNode) schedule = ctl_documented (f, 0, "schedule", FALSE, "schedule",
                                                     schedule_actions[i], "--no-systemctl",
                                                     "--json", NULL);

      g_assert_cmpint (json_object_get_boolean_member (json_node_get_object (schedule),
                                                       "timer_installed"), ==,
                       i == 1 || i == 2);
    }

  /* Errors. */
  json_node_unref (ctl_documented (f, 2, "error", FALSE, "scenes", "--generated", "maybe",
                                   "--json", NULL));
  json_node_unref (ctl_documented (f, 1, "error", FALSE, "job", "does-not-exist", "--json",
                                   NULL));

  /* Stash gone: a sync fails before anything is counted (null, not -1), and its last
   * line is the failed job. */
  fake_stop (f);
  lost_sync = ctl_documented (f, 1, "job", TRUE, "sync", "--json", NULL);
  lost_shown = ctl_documented (f, 0, "job", FALSE, "job", node_id (lost_sync), "--json", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (lost_shown), "status"),
                   ==, "failed");
  g_assert_true (json_object_get_null_member (json_node_get_object (lost_shown),
                                              "total_items"));
  g_assert_true (json_object_get_null_member (json_node_get_object (lost_shown), "result"));

  /* Every table of the documentation was compared with some output. */
  {
    GHashTableIter iter;
    const char *shape;

    g_hash_table_iter_init (&iter, doc->shapes);
    while (g_hash_table_iter_next (&iter, (gpointer *) &shape, NULL))
      {
        if (!g_hash_table_contains (doc->checked, shape))
          g_error ("No output was checked against the table “%s” of docs/json.md", shape);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/ctl-e2e/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("test-connection/ok", test_connection_ok);
  ADD ("generate/verified", test_generate_verified);
  ADD ("mark", test_mark);
  ADD ("database-path", test_database_path);
  ADD ("test-connection/unreachable", test_connection_unreachable);
  ADD ("test-connection/trickle", test_connection_trickle);
  ADD ("test-connection/api-key", test_connection_api_key);
  ADD ("test-connection/no-url", test_connection_no_url);
  ADD ("sync", test_sync);
  ADD ("generate/all", test_generate_all);
  ADD ("generate/scenes", test_generate_scenes);
  ADD ("generate/no-covers", test_generate_no_covers);
  ADD ("generate/invalid-options", test_generate_invalid_options);
  ADD ("generate/cancel-signal", test_generate_cancel_signal);
  ADD ("generate/conflict", test_generate_conflict);
  ADD ("generate/reattach-after-kill", test_generate_reattach_after_kill);
  ADD ("generate/abandon-stop", test_generate_abandon_stop);
  ADD ("sync/after-kill", test_sync_after_kill);
  ADD ("check/after-generate", test_check_after_generate);
  ADD ("check/some-missing", test_check_some_missing);
  ADD ("check/marks-not-generated", test_check_marks_not_generated);
  ADD ("process-new", test_process_new);
  ADD ("usage-errors", test_usage_errors);
  ADD ("json-documented", test_json_documented);

#undef ADD

  return g_test_run ();
}
