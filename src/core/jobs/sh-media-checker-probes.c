/* sh-media-checker-probes.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The probes of a media check: a ranged GET of one media file, and what its answer says
 * about the file. Anything but "present" or "missing" stops the run.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "sh-media-checker-private.h"
#include "sh-stash-error.h"

typedef enum
{
  ANSWER_PRESENT,
  ANSWER_MISSING,
  ANSWER_FAILED,
} Answer;

static gboolean
content_type_is (const char *content_type,
                 const char *type)
{
  return content_type != NULL && g_ascii_strcasecmp (content_type, type) == 0;
}

/* What an answer to a probe says about the file; anything but "present" or "missing"
 * is an error that stops the run. */
static Answer
classify_answer (Run          *run,
                 const Probe  *probe,
                 gint64        scene_id,
                 guint         status,
                 const char   *content_type,
                 GError      **error)
{
  ShMediaKind kind = probe->kind;
  gboolean has_placeholder = kind == SH_MEDIA_MARKER_SCREENSHOT || kind == SH_MEDIA_MARKER_WEBP;

  /* http.ServeFile's answer for a missing file (or scene, or marker, deleted meanwhile). */
  if (status == SOUP_STATUS_NOT_FOUND)
    return ANSWER_MISSING;

  if (status == SOUP_STATUS_OK || status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (content_type_is (content_type, "text/html"))
        {
          g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_NOT_STASH,
                       _("A request for the %s of scene %" PRId64 " was answered "
                         "with a web page instead of a file. Check the server address: it "
                         "must lead to Stash itself."),
                       _sh_media_kind_get_label (kind), scene_id);
          return ANSWER_FAILED;
        }

      if (!has_placeholder)
        return ANSWER_PRESENT;

      /* Marker images always answer 200; a missing one is the pending-generation PNG. */
      if (content_type_is (content_type, "image/png"))
        return ANSWER_MISSING;
      if (content_type_is (content_type, "image/jpeg") ||
          content_type_is (content_type, "image/webp"))
        return ANSWER_PRESENT;

      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                   _("Stash sent the %s of scene %" PRId64 " as “%s”, which is "
                     "neither an image nor Stash’s placeholder for a missing one."),
                   _sh_media_kind_get_label (kind), scene_id, content_type ? content_type : "");
      return ANSWER_FAILED;
    }

  /* ServeFile cannot send byte 0 of an empty file, but the file is there, and a Generate
   * without overwrite would leave it alone. */
  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && !has_placeholder)
    return ANSWER_PRESENT;

  /* Without a valid key Stash redirects media paths to its login page. */
  if (status == SOUP_STATUS_UNAUTHORIZED || SOUP_STATUS_IS_REDIRECTION (status))
    {
      if (sh_stash_client_has_api_key (run->self->client))
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED,
                     _("Stash refused to send the %s of scene %" PRId64 " (HTTP %u): "
                       "it did not accept the API key. Check the key in Preferences (Stash: "
                       "Settings › Security › API Key)."),
                     _sh_media_kind_get_label (kind), scene_id, status);
      else
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED,
                     _("Stash refused to send the %s of scene %" PRId64 " (HTTP %u): "
                       "it requires an API key. Enter it in Preferences (Stash: Settings › "
                       "Security › API Key)."),
                     _sh_media_kind_get_label (kind), scene_id, status);
      return ANSWER_FAILED;
    }

  if (status == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_FORBIDDEN,
                   _("Stash refused access to the %s of scene %" PRId64 " (HTTP 403). "
                     "Stash blocks connections from outside the local network until a user "
                     "name and password are set."),
                   _sh_media_kind_get_label (kind), scene_id);
      return ANSWER_FAILED;
    }

  g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
               _("Stash answered a request for the %s of scene %" PRId64 " with "
                 "HTTP %u %s, so the check stopped. The server or a proxy in front of it has "
                 "a problem; try again later."),
               _sh_media_kind_get_label (kind), scene_id, status, soup_status_get_phrase (status));
  return ANSWER_FAILED;
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  GTask *task = request->task;
  Run *run = _sh_media_request_answered (request);
  Probe *probe = request->probe;
  SceneState *scene = &g_array_index (request->page->scenes, SceneState, probe->scene);
  g_autofree char *content_type = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  run->result->requests++;

  if (!sh_stash_client_probe_finish (SH_STASH_CLIENT (object), result, &status, &content_type,
                                     &error))
    {
      _sh_media_run_fail (run, g_steal_pointer (&error));
    }
  else if (run->error == NULL)
    {
      switch (classify_answer (run, probe, scene->id, status, content_type, &error))
        {
        case ANSWER_PRESENT:
          break;

        case ANSWER_MISSING:
          scene->missing |= probe->kind;
          break;

        case ANSWER_FAILED:
          _sh_media_run_fail (run, g_steal_pointer (&error));
          break;

        default:
          g_assert_not_reached ();
        }
    }

  _sh_media_run_scene_answered (run, scene);
  _sh_media_run_pump (task);
}

void
_sh_media_run_send_probe (GTask *task,
                          Page  *page,
                          Probe *probe)
{
  Run *run = g_task_get_task_data (task);
  Request *request = _sh_media_request_new (task, page, probe);

  sh_stash_client_probe_async (run->self->client, probe->uri, run->cancellable,
                               probe_cb, request);
}
