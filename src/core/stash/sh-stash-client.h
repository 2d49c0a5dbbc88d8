/* sh-stash-client.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-stash-job.h"

G_BEGIN_DECLS

#define SH_TYPE_STASH_CLIENT (sh_stash_client_get_type ())

G_DECLARE_FINAL_TYPE (ShStashClient, sh_stash_client, SH, STASH_CLIENT, GObject)

/**
 * ShStashServerInfo:
 * @version: Stash's version string (may be empty on builds without one)
 * @status: `OK`, `SETUP` or `NEEDS_MIGRATION`
 * @has_ffmpeg: whether both ffmpeg and ffprobe were found
 */
typedef struct
{
  char     *version;
  char     *status;
  gboolean  has_ffmpeg;
} ShStashServerInfo;

void sh_stash_server_info_free (ShStashServerInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShStashServerInfo, sh_stash_server_info_free)

/**
 * ShStashScenePage:
 * @scenes: (element-type ShSceneRecord): the scenes of the page
 * @count: the total across pages, or -1 when it was not asked for
 */
typedef struct
{
  GPtrArray *scenes;
  gint64     count;
} ShStashScenePage;

void sh_stash_scene_page_free (ShStashScenePage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShStashScenePage, sh_stash_scene_page_free)

ShStashClient *sh_stash_client_new                    (const char           *base_url,
                                                       const char           *api_key,
                                                       GError              **error);
const char    *sh_stash_client_get_base_url           (ShStashClient        *self);
char          *sh_stash_client_dup_graphql_url        (ShStashClient        *self,
                                                       gboolean              websocket);
gboolean       sh_stash_client_has_api_key            (ShStashClient        *self);
void           sh_stash_client_set_trusted_fingerprint (ShStashClient       *self,
                                                        const char          *sha256_hex);
char          *sh_stash_client_dup_untrusted_fingerprint (ShStashClient     *self);
void           sh_stash_client_set_timeout            (ShStashClient        *self,
                                                       guint                 seconds);
guint          sh_stash_client_get_timeout            (ShStashClient        *self);
SoupSession   *sh_stash_client_get_session            (ShStashClient        *self);
SoupMessage   *sh_stash_client_new_message            (ShStashClient        *self,
                                                       const char           *method,
                                                       const char           *uri);
GError        *sh_stash_client_classify_message_error (ShStashClient        *self,
                                                       SoupMessage          *message,
                                                       const GError         *error);
char          *sh_stash_client_load_query             (const char           *operation_name);
char          *sh_stash_redact                        (const char           *text,
                                                       const char           *secret);

void           sh_stash_client_execute_async          (ShStashClient        *self,
                                                       const char           *operation_name,
                                                       JsonNode             *variables,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
JsonNode      *sh_stash_client_execute_finish         (ShStashClient        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void           sh_stash_client_test_connection_async  (ShStashClient        *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
ShStashServerInfo *sh_stash_client_test_connection_finish (ShStashClient    *self,
                                                           GAsyncResult     *result,
                                                           GError          **error);

void           sh_stash_client_find_scenes_async      (ShStashClient        *self,
                                                       gint64                after_id,
                                                       guint                 per_page,
                                                       const char           *updated_after,
                                                       gboolean              with_count,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
ShStashScenePage *sh_stash_client_find_scenes_finish  (ShStashClient        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void           sh_stash_client_metadata_generate_async (ShStashClient       *self,
                                                        JsonNode            *input,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char          *sh_stash_client_metadata_generate_finish (ShStashClient      *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

void           sh_stash_client_metadata_scan_async    (ShStashClient        *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
char          *sh_stash_client_metadata_scan_finish   (ShStashClient        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void           sh_stash_client_find_job_async         (ShStashClient        *self,
                                                       const char           *job_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean       sh_stash_client_find_job_finish        (ShStashClient        *self,
                                                       GAsyncResult         *result,
                                                       ShStashJob          **job,
                                                       GError              **error);

void           sh_stash_client_job_queue_async        (ShStashClient        *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray     *sh_stash_client_job_queue_finish       (ShStashClient        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void           sh_stash_client_latest_scene_update_async  (ShStashClient        *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
char          *sh_stash_client_latest_scene_update_finish (ShStashClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void           sh_stash_client_generate_defaults_async  (ShStashClient        *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
JsonObject    *sh_stash_client_generate_defaults_finish (ShStashClient        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

void           sh_stash_client_stop_job_async         (ShStashClient        *self,
                                                       const char           *job_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean       sh_stash_client_stop_job_finish        (ShStashClient        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void           sh_stash_client_probe_async            (ShStashClient        *self,
                                                       const char           *uri,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean       sh_stash_client_probe_finish           (ShStashClient        *self,
                                                       GAsyncResult         *result,
                                                       guint                *status,
                                                       char                **content_type,
                                                       GError              **error);

G_END_DECLS
