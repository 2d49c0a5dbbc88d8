/* sh-ctl-json.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON that stashhogctl prints, in one place: the job object (the same wherever a job
 * is printed), the error object, and the rules they follow. docs/json.md documents them;
 * tests/test-ctl-e2e.c checks that the documentation and the output agree. StashHog's own
 * names are snake_case; Stash's input names (a Generate's options) stay as Stash spells
 * them; a number that is not known is null, never -1.
 */

#include "config.h"

#include <stdio.h>

#include "sh-ctl.h"
#include "sh-ctl-json.h"
#include "sh-job-error.h"
#include "sh-stash-error.h"
#include "sh-store-error.h"

G_DEFINE_QUARK (sh-ctl-error-quark, sh_ctl_error)

/**
 * sh_ctl_json_add_count:
 * @builder: a builder inside an object
 * @name: the member's name
 * @value: a count, negative when it is not known
 *
 * Adds @value, or null when it is not known.
 */
void
sh_ctl_json_add_count (JsonBuilder *builder,
                       const char  *name,
                       gint64       value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, name);
  if (value >= 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * sh_ctl_json_add_string:
 * @builder: a builder inside an object
 * @name: the member's name
 * @value: (nullable): the value
 *
 * Adds @value, or null for %NULL or an empty string (which stands for "not known" in
 * the mirror).
 */
void
sh_ctl_json_add_string (JsonBuilder *builder,
                        const char  *name,
                        const char  *value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, name);
  if (value != NULL && *value != '\0')
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * sh_ctl_job_to_json:
 * @job: a job
 * @orphaned: whether no live process owns @job
 *
 * The job object of `jobs`, `job`, `cancel` and the last line of a long command: the
 * job's row (see sh_job_to_json()), with its counts null while they are not known, and
 * `orphaned`.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
sh_ctl_job_to_json (ShJob    *job,
                    gboolean  orphaned)
{
  g_autoptr(JsonNode) row = NULL;
  g_autoptr(GList) names = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObject *object;

  g_return_val_if_fail (SH_IS_JOB (job), NULL);

  /* The row's node is sealed: the job object is a new one, in the row's order. */
  row = sh_job_to_json (job);
  object = json_node_get_object (row);
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (object, name);

      if ((g_str_equal (name, "processed_items") || g_str_equal (name, "total_items")) &&
          JSON_NODE_HOLDS_VALUE (value) && json_node_get_int (value) < 0)
        json_object_set_null_member (out, name);
      else
        json_object_set_member (out, name, json_node_copy (value));
    }
  json_object_set_boolean_member (out, "orphaned", orphaned);

  return json_node_init_object (json_node_alloc (), out);
}

/* The stable identifiers of errors, by domain and code. Scripts match on them; the
 * message may change and is translated. */
typedef struct
{
  int         code;
  const char *name;
} ErrorName;

static const ErrorName ctl_errors[] = {
  { SH_CTL_ERROR_USAGE, "usage" },
  { SH_CTL_ERROR_CONFIGURATION, "configuration" },
  { SH_CTL_ERROR_JOB_NOT_ACTIVE, "job_not_active" },
  { SH_CTL_ERROR_SYSTEM, "system" },
};

static const ErrorName stash_errors[] = {
  { SH_STASH_ERROR_CANNOT_CONNECT, "cannot_connect" },
  { SH_STASH_ERROR_TLS, "tls_not_trusted" },
  { SH_STASH_ERROR_UNAUTHORIZED, "unauthorized" },
  { SH_STASH_ERROR_FORBIDDEN, "forbidden" },
  { SH_STASH_ERROR_NOT_STASH, "not_stash" },
  { SH_STASH_ERROR_HTTP, "http_error" },
  { SH_STASH_ERROR_NOT_JSON, "not_json" },
  { SH_STASH_ERROR_GRAPHQL, "graphql_error" },
  { SH_STASH_ERROR_BAD_RESPONSE, "bad_response" },
  { SH_STASH_ERROR_TIMEOUT, "timeout" },
  { SH_STASH_ERROR_CONNECTION_LOST, "connection_lost" },
};

static const ErrorName store_errors[] = {
  { SH_STORE_ERROR_OPEN, "database_open" },
  { SH_STORE_ERROR_MIGRATION, "database_migration" },
  { SH_STORE_ERROR_QUERY, "database_query" },
  { SH_STORE_ERROR_CONSTRAINT, "database_constraint" },
  { SH_STORE_ERROR_CORRUPT, "database_corrupt" },
  { SH_STORE_ERROR_CONNECTION_LOST, "database_connection_lost" },
};

static const ErrorName job_errors[] = {
  { SH_JOB_ERROR_INVALID_PARAMETERS, "invalid_parameters" },
  { SH_JOB_ERROR_UNKNOWN_TYPE, "unknown_job_type" },
  { SH_JOB_ERROR_CONFLICT, "job_conflict" },
  { SH_JOB_ERROR_NOT_FOUND, "job_not_found" },
  { SH_JOB_ERROR_NOT_RETRYABLE, "job_not_retryable" },
  { SH_JOB_ERROR_STASH_FAILED, "stash_job_failed" },
  { SH_JOB_ERROR_STASH_LOST, "stash_job_lost" },
  { SH_JOB_ERROR_STASH_UNREACHABLE, "stash_unreachable" },
  { SH_JOB_ERROR_INTERRUPTED, "interrupted" },
  { SH_JOB_ERROR_NOT_READY, "stash_not_ready" },
  { SH_JOB_ERROR_STOP_TIMEOUT, "stop_timeout" },
  { SH_JOB_ERROR_NOT_OWNER, "not_owner" },
};

static const char *
lookup_name (const ErrorName *names,
             gsize            n_names,
             int              code,
             const char      *fallback)
{
  for (gsize i = 0; i < n_names; i++)
    {
      if (names[i].code == code)
        return names[i].name;
    }

  return fallback;
}

/**
 * sh_ctl_error_code:
 * @error: an error
 *
 * Returns: the stable identifier of @error (see docs/json.md), from its domain and code
 */
const char *
sh_ctl_error_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == SH_CTL_ERROR)
    return lookup_name (ctl_errors, G_N_ELEMENTS (ctl_errors), error->code, "error");
  if (error->domain == G_OPTION_ERROR)
    return "usage";
  if (error->domain == SH_STASH_ERROR)
    return lookup_name (stash_errors, G_N_ELEMENTS (stash_errors), error->code, "stash_error");
  if (error->domain == SH_STORE_ERROR)
    return lookup_name (store_errors, G_N_ELEMENTS (store_errors), error->code,
                        "database_error");
  if (error->domain == SH_JOB_ERROR)
    return lookup_name (job_errors, G_N_ELEMENTS (job_errors), error->code, "job_error");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return "system";

  return "error";
}

/**
 * sh_ctl_error_to_json:
 * @error: what went wrong
 * @exit_status: the status stashhogctl exits with
 *
 * Returns: (transfer full): the error object: `{"error": {"code", "message",
 *   "exit_status"}}`
 */
JsonNode *
sh_ctl_error_to_json (const GError *error,
                      int           exit_status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (error != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, sh_ctl_error_code (error));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "exit_status");
  json_builder_add_int_value (builder, exit_status);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * sh_ctl_print_json:
 * @node: what to print
 * @pretty: indented over several lines, or on one line
 *
 * Prints @node on stdout, and flushes it: a line of a long command goes out when it is
 * written, also into a pipe.
 */
void
sh_ctl_print_json (JsonNode *node,
                   gboolean  pretty)
{
  g_autofree char *text = NULL;

  g_return_if_fail (node != NULL);

  text = json_to_string (node, pretty);
  g_print ("%s\n", text);
  fflush (stdout);
}
