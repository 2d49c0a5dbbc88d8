/* sh-fake-stash.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * ShFakeArtifact:
 * @SH_FAKE_ARTIFACT_COVER: the scene cover (`is_missing: "cover"`)
 * @SH_FAKE_ARTIFACT_SPRITE: the scrubber sprite and its vtt (they exist together)
 * @SH_FAKE_ARTIFACT_PREVIEW: the mp4 preview
 * @SH_FAKE_ARTIFACT_WEBP: the animated webp preview
 * @SH_FAKE_ARTIFACT_PHASH: the phash fingerprint of the primary file
 * @SH_FAKE_ARTIFACT_HEATMAP: the heatmap and speed (interactive scenes only)
 * @SH_FAKE_ARTIFACT_MARKER_VIDEO: the mp4 of every marker (scenes with markers only)
 * @SH_FAKE_ARTIFACT_MARKER_SCREENSHOT: the jpg of every marker
 * @SH_FAKE_ARTIFACT_MARKER_WEBP: the webp of every marker
 * @SH_FAKE_ARTIFACT_ALL: all of them
 *
 * Generated media of a scene, as a bit mask.
 */
typedef enum
{
  SH_FAKE_ARTIFACT_COVER             = 1 << 0,
  SH_FAKE_ARTIFACT_SPRITE            = 1 << 1,
  SH_FAKE_ARTIFACT_PREVIEW           = 1 << 2,
  SH_FAKE_ARTIFACT_WEBP              = 1 << 3,
  SH_FAKE_ARTIFACT_PHASH             = 1 << 4,
  SH_FAKE_ARTIFACT_HEATMAP           = 1 << 5,
  SH_FAKE_ARTIFACT_MARKER_VIDEO      = 1 << 6,
  SH_FAKE_ARTIFACT_MARKER_SCREENSHOT = 1 << 7,
  SH_FAKE_ARTIFACT_MARKER_WEBP       = 1 << 8,
  SH_FAKE_ARTIFACT_ALL               = 0x1ff,
} ShFakeArtifact;

#define SH_TYPE_FAKE_STASH (sh_fake_stash_get_type ())

G_DECLARE_FINAL_TYPE (ShFakeStash, sh_fake_stash, SH, FAKE_STASH, GObject)

ShFakeStash     *sh_fake_stash_new                   (void);

/* Serving */
gboolean         sh_fake_stash_start                 (ShFakeStash     *self,
                                                      guint            port,
                                                      GError         **error);
gboolean         sh_fake_stash_start_tls             (ShFakeStash     *self,
                                                      guint            port,
                                                      GError         **error);
GTlsCertificate *sh_fake_stash_get_certificate       (ShFakeStash     *self);
const char      *sh_fake_stash_get_url               (ShFakeStash     *self);
void             sh_fake_stash_stop                  (ShFakeStash     *self);
void             sh_fake_stash_restart               (ShFakeStash     *self);

/* Server configuration */
void             sh_fake_stash_set_api_key           (ShFakeStash     *self,
                                                      const char      *key);
void             sh_fake_stash_set_ffmpeg            (ShFakeStash     *self,
                                                      gboolean         present);
void             sh_fake_stash_set_version           (ShFakeStash     *self,
                                                      const char      *version);
void             sh_fake_stash_set_system_status     (ShFakeStash     *self,
                                                      const char      *status);

/* The scene library */
void             sh_fake_stash_set_scene_count       (ShFakeStash     *self,
                                                      guint            n);
guint            sh_fake_stash_get_scene_count       (ShFakeStash     *self);
void             sh_fake_stash_touch_scene           (ShFakeStash     *self,
                                                      guint            id);
void             sh_fake_stash_change_scene_file     (ShFakeStash     *self,
                                                      guint            id);
void             sh_fake_stash_change_scene_markers  (ShFakeStash     *self,
                                                      guint            id);
void             sh_fake_stash_set_scene_title       (ShFakeStash     *self,
                                                      guint            id,
                                                      const char      *title);
guint            sh_fake_stash_add_scene             (ShFakeStash     *self);
void             sh_fake_stash_remove_scene          (ShFakeStash     *self,
                                                      guint            id);
char            *sh_fake_stash_dup_scene_oshash      (ShFakeStash     *self,
                                                      guint            id);
char            *sh_fake_stash_dup_scene_updated_at  (ShFakeStash     *self,
                                                      guint            id);
guint            sh_fake_stash_get_scene_n_markers   (ShFakeStash     *self,
                                                      guint            id);
char            *sh_fake_stash_dup_scene_marker_id   (ShFakeStash     *self,
                                                      guint            id,
                                                      guint            index);

/* Generated media */
void             sh_fake_stash_set_missing           (ShFakeStash     *self,
                                                      guint            id,
                                                      ShFakeArtifact   artifacts,
                                                      gboolean         missing);
void             sh_fake_stash_set_all_missing       (ShFakeStash     *self,
                                                      ShFakeArtifact   artifacts,
                                                      gboolean         missing);
ShFakeArtifact   sh_fake_stash_get_missing           (ShFakeStash     *self,
                                                      guint            id);

/* Jobs */
void             sh_fake_stash_set_job_speed         (ShFakeStash     *self,
                                                      guint            ms_per_task);
void             sh_fake_stash_fail_next_job         (ShFakeStash     *self);
void             sh_fake_stash_set_broken            (ShFakeStash     *self,
                                                      guint            id,
                                                      ShFakeArtifact   artifacts);
guint            sh_fake_stash_add_foreign_job       (ShFakeStash     *self,
                                                      const char      *description,
                                                      guint            n_ticks);
guint            sh_fake_stash_get_log_length        (ShFakeStash     *self);
void             sh_fake_stash_set_log_capacity      (ShFakeStash     *self,
                                                      guint            n);
void             sh_fake_stash_set_stop_ignored      (ShFakeStash     *self,
                                                      gboolean         ignored);
char            *sh_fake_stash_dup_job_status        (ShFakeStash     *self,
                                                      const char      *job_id);

/* Faults */
void             sh_fake_stash_set_latency           (ShFakeStash     *self,
                                                      guint            ms);
void             sh_fake_stash_fail_requests         (ShFakeStash     *self,
                                                      guint            n,
                                                      guint            status,
                                                      const char      *content_type,
                                                      const char      *body);
void             sh_fake_stash_fail_operation        (ShFakeStash     *self,
                                                      const char      *operation_name,
                                                      guint            n,
                                                      guint            status);
void             sh_fake_stash_fail_media_requests   (ShFakeStash     *self,
                                                      guint            n,
                                                      guint            status);
void             sh_fake_stash_answer_nested         (ShFakeStash     *self,
                                                      guint            n,
                                                      guint            depth);
void             sh_fake_stash_trickle_answers       (ShFakeStash     *self,
                                                      guint            n,
                                                      guint            ms_per_byte);
void             sh_fake_stash_answer_huge           (ShFakeStash     *self,
                                                      guint            n,
                                                      guint64          size,
                                                      gboolean         with_length);
void             sh_fake_stash_send_nested_websocket_message (ShFakeStash *self,
                                                              guint        depth);
void             sh_fake_stash_drop_websockets       (ShFakeStash     *self);
void             sh_fake_stash_set_websockets_enabled (ShFakeStash    *self,
                                                       gboolean        enabled);

/* What the client did */
guint            sh_fake_stash_get_request_count     (ShFakeStash     *self,
                                                      const char      *operation_name);
JsonNode        *sh_fake_stash_dup_last_variables    (ShFakeStash     *self,
                                                      const char      *operation_name);
char            *sh_fake_stash_dup_last_header       (ShFakeStash     *self,
                                                      const char      *header_name);
guint            sh_fake_stash_get_websocket_count   (ShFakeStash     *self);
guint            sh_fake_stash_get_media_request_count (ShFakeStash   *self);
guint            sh_fake_stash_get_media_max_in_flight (ShFakeStash   *self);
void             sh_fake_stash_reset_media_counts    (ShFakeStash     *self);
guint            sh_fake_stash_get_cover_request_count (ShFakeStash   *self,
                                                        guint          id);
void             sh_fake_stash_set_cover_latency     (ShFakeStash     *self,
                                                      guint            ms);
GBytes          *sh_fake_stash_dup_cover             (guint            id);
gboolean         sh_fake_stash_cover_color_to_id     (guint8           red,
                                                      guint8           green,
                                                      guint           *id);

G_END_DECLS
