/* sh-stash-client-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ShStashClient share: its fields, the bounded request, the reading of
 * GraphQL answers and the typed operations built on them.
 */

#pragma once

#include "sh-stash-client.h"
#include "sh-stash-error.h"
#include "sh-stash-json.h"

G_BEGIN_DECLS

/* The biggest answer we ask for, a page of 1000 scenes with their files and markers, is a
 * few megabytes; anything much larger is a broken or hostile server. */
#define SH_STASH_MAX_RESPONSE_BYTES (64 * 1024 * 1024)

struct _ShStashClient
{
  GObject      parent_instance;

  SoupSession *session;             /* (owned) */
  GUri        *base_uri;            /* (owned) */
  GUri        *origin_uri;          /* (owned) @base_uri with the scheme's default port
                                       filled in, to compare origins with */
  char        *base_url;            /* (owned) without trailing slash */
  char        *api_key;             /* (owned) (nullable) */
  char        *trusted_fingerprint; /* (owned) (nullable) lower-case hex SHA-256 */
  char        *untrusted_fingerprint; /* (owned) (nullable) of the last certificate refused */
  guint        timeout_seconds;     /* the deadline of a whole request */
};

/* Turns `data` of an answer into a C value; returns NULL with @error set when the answer
 * does not have the expected shape. @parse_data is what the operation passed along. */
typedef gpointer (*ShStashParseFunc) (JsonObject     *data,
                                      gconstpointer   parse_data,
                                      GError        **error);

char        *_sh_stash_client_certificate_fingerprint (GTlsCertificate     *certificate,
                                                       gboolean             pretty);
gboolean     _sh_stash_client_status_error            (ShStashClient       *self,
                                                       SoupMessage         *message,
                                                       GError             **error);
GError      *_sh_stash_client_classify_error          (ShStashClient       *self,
                                                       SoupMessage         *message,
                                                       const char          *operation_name,
                                                       gboolean             timed_out,
                                                       const GError        *error);

void         _sh_stash_client_send_async              (ShStashClient       *self,
                                                       SoupMessage         *message,
                                                       const char          *operation_name,
                                                       gsize                max_bytes,
                                                       gboolean             discard_excess,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GBytes      *_sh_stash_client_send_finish             (ShStashClient       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

SoupMessage *_sh_stash_client_new_graphql_message     (ShStashClient       *self,
                                                       const char          *operation_name,
                                                       JsonNode            *variables);
JsonNode    *_sh_stash_client_parse_graphql_response  (ShStashClient       *self,
                                                       const char          *operation_name,
                                                       SoupMessage         *message,
                                                       GBytes              *body,
                                                       GError             **error);
JsonNode    *_sh_stash_client_parse_graphql_text      (ShStashClient       *self,
                                                       const char          *operation_name,
                                                       guint                status,
                                                       const char          *reason,
                                                       const char          *text,
                                                       gsize                size,
                                                       GError             **error);

void         _sh_stash_client_add_find_filter         (JsonBuilder         *builder,
                                                       guint                per_page);
void         _sh_stash_client_execute_typed           (ShStashClient       *self,
                                                       gpointer             source_tag,
                                                       const char          *operation_name,
                                                       JsonNode            *variables,
                                                       ShStashParseFunc     parse,
                                                       gpointer             parse_data,
                                                       GDestroyNotify       parse_data_free,
                                                       GDestroyNotify       free_func,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gpointer     _sh_stash_client_finish_typed            (ShStashClient       *self,
                                                       GAsyncResult        *result,
                                                       gpointer             source_tag,
                                                       GError             **error);

G_END_DECLS
