/* sh-media-checker-pages.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pages of a media check: which scenes a page stands for (a chunk of the given ids,
 * or the next id range of the whole server), what Stash says about them and about their
 * covers, the probes that follow from it, and the page's scenes added to the result.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "sh-media-checker-private.h"
#include "sh-stash-error.h"
#include "sh-stash-media.h"

#define MAX_OPEN_PAGES 2

#define PATH_KINDS   (SH_MEDIA_SPRITE | SH_MEDIA_VTT | SH_MEDIA_PREVIEW | SH_MEDIA_WEBP | \
                      SH_MEDIA_HEATMAP)
#define MARKER_KINDS (SH_MEDIA_MARKER_VIDEO | SH_MEDIA_MARKER_SCREENSHOT | SH_MEDIA_MARKER_WEBP)

static Page *
page_new (void)
{
  Page *page = g_new0 (Page, 1);

  g_queue_init (&page->probes);

  return page;
}

void
_sh_media_page_free (Page *page)
{
  g_clear_pointer (&page->ids, g_array_unref);
  g_clear_pointer (&page->scenes, g_array_unref);
  g_queue_clear_full (&page->probes, (GDestroyNotify) _sh_media_probe_free);
  g_free (page);
}

gboolean
_sh_media_page_is_done (const Page *page)
{
  return page->scenes != NULL && !page->covers_pending && page->outstanding == 0 &&
         page->probes.length == 0;
}

/* The highest id of a fetched page that is not empty. */
static gint64
page_last_id (const Page *page)
{
  g_assert (page->scenes != NULL && page->scenes->len > 0);

  return g_array_index (page->scenes, SceneState, page->scenes->len - 1).id;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 id_a = *(const gint64 *) a;
  gint64 id_b = *(const gint64 *) b;

  return (id_a > id_b) - (id_a < id_b);
}

static SceneState *
find_scene (Page   *page,
            gint64  id)
{
  /* SceneState starts with its id. */
  return bsearch (&id, page->scenes->data, page->scenes->len, sizeof (SceneState),
                  compare_ids);
}

/* Queues the probe of one file of a scene. Stash always writes the address; without one it
 * cannot serve the file either, so the file counts as missing. */
static gboolean
queue_probe (Run         *run,
             Page        *page,
             guint        scene_index,
             SceneState  *scene,
             ShMediaKind  kind,
             const char  *address,
             GError     **error)
{
  Probe *probe;
  char *uri;

  if (!(run->kinds & kind) || (scene->missing & kind))
    return TRUE;

  if (address == NULL || *address == '\0')
    {
      scene->missing |= kind;
      return TRUE;
    }

  if (scene->pending == G_MAXUINT32)
    {
      sh_stash_error_set_bad_response (error, _("a scene with too many markers"));
      return FALSE;
    }

  if (!(uri = sh_stash_client_dup_media_uri (run->self->client, address, error)))
    return FALSE;

  probe = g_new0 (Probe, 1);
  probe->scene = scene_index;
  probe->kind = kind;
  probe->uri = uri;
  g_queue_push_tail (&page->probes, probe);
  scene->pending++;

  return TRUE;
}

/* What Stash's description of a scene tells before any probe: what is missing already,
 * what cannot apply, and the files to probe. */
static gboolean
read_scene (Run                     *run,
            Page                    *page,
            const ShStashMediaScene *media,
            SceneState              *scene,
            GError                 **error)
{
  guint index = page->scenes->len;

  /* Stash generates everything from the primary file (files[0]); without one there is
   * nothing it could make, and a Generate would skip the scene. */
  if (!media->has_file)
    {
      scene->ignored = SH_MEDIA_ALL;
      return TRUE;
    }

  if ((run->kinds & SH_MEDIA_PHASH) && (media->phash == NULL || *media->phash == '\0'))
    scene->missing |= SH_MEDIA_PHASH;

  if (!queue_probe (run, page, index, scene, SH_MEDIA_SPRITE, media->sprite, error) ||
      !queue_probe (run, page, index, scene, SH_MEDIA_VTT, media->vtt, error) ||
      !queue_probe (run, page, index, scene, SH_MEDIA_PREVIEW, media->preview, error) ||
      !queue_probe (run, page, index, scene, SH_MEDIA_WEBP, media->webp, error))
    return FALSE;

  /* Heatmaps exist only for interactive scenes; Stash fills the speed in when it makes
   * the heatmap, and makes it again when either is missing. */
  if (!media->interactive)
    scene->ignored |= SH_MEDIA_HEATMAP;
  else if (!media->has_interactive_speed)
    scene->missing |= run->kinds & SH_MEDIA_HEATMAP;
  else if (!queue_probe (run, page, index, scene, SH_MEDIA_HEATMAP, media->interactive_heatmap,
                         error))
    return FALSE;

  for (guint i = 0; media->markers != NULL && i < media->markers->len; i++)
    {
      const ShStashMediaMarker *marker = &g_array_index (media->markers, ShStashMediaMarker, i);

      /* Stash skips a marker past the end of the video: its media never appear. */
      if (media->duration >= 0 && marker->has_seconds && marker->seconds > media->duration)
        continue;

      if (!queue_probe (run, page, index, scene, SH_MEDIA_MARKER_VIDEO, marker->stream,
                        error) ||
          !queue_probe (run, page, index, scene, SH_MEDIA_MARKER_SCREENSHOT,
                        marker->screenshot, error) ||
          !queue_probe (run, page, index, scene, SH_MEDIA_MARKER_WEBP, marker->preview, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_scenes (Run                    *run,
             Page                   *page,
             const ShStashMediaPage *media,
             GError                **error)
{
  guint n = media->scenes->len;

  page->scenes = g_array_sized_new (FALSE, FALSE, sizeof (SceneState), n);

  for (guint i = 0; i < n; i++)
    {
      SceneState scene = { 0, };

      scene.id = g_array_index (media->scenes, ShStashMediaScene, i).id;
      if (!read_scene (run, page, &g_array_index (media->scenes, ShStashMediaScene, i), &scene,
                       error))
        return FALSE;
      g_array_append_val (page->scenes, scene);
      if (scene.pending == 0)
        run->done++;
    }

  /* Given ids that Stash does not have are over as well. */
  if (page->n_given > n)
    run->done += page->n_given - n;

  if (run->ids == NULL)
    {
      if (!run->counted && media->count >= 0)
        run->total = (guint64) media->count;
      run->counted = TRUE;

      run->more = n >= run->page_size && page_last_id (page) < SH_STASH_MAX_SCENE_ID;
      if (n > 0)
        run->cursor = page_last_id (page);
    }

  page->covers_pending = (run->kinds & SH_MEDIA_COVER) && n > 0;
  if (n > 0)
    page->covers_after = g_array_index (page->scenes, SceneState, 0).id - 1;

  return TRUE;
}

static void
split_page (Run  *run,
            Page *page)
{
  GList *link = g_queue_find (&run->pages, page);
  guint half = page->ids->len / 2;
  Page *second;

  g_assert (link != NULL);

  /* One id: ask for it by an id range, which simply finds nothing for an unknown id. */
  if (page->ids->len == 1)
    {
      page->first_id = page->last_id = g_array_index (page->ids, gint64, 0);
      g_clear_pointer (&page->ids, g_array_unref);
      return;
    }

  second = page_new ();
  second->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), page->ids->len - half);
  g_array_append_vals (second->ids, &g_array_index (page->ids, gint64, half),
                       page->ids->len - half);
  second->n_given = second->ids->len;
  g_array_set_size (page->ids, half);
  page->n_given = half;
  g_queue_insert_after (&run->pages, link, second);
}

static void
fetch_scenes_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  GTask *task = request->task;
  Run *run = _sh_media_request_answered (request);
  Page *page = request->page;
  g_autoptr(ShStashMediaPage) media = NULL;
  g_autoptr(GError) error = NULL;

  page->fetching = FALSE;
  media = sh_stash_client_find_media_scenes_finish (SH_STASH_CLIENT (object), result, &error);

  if (run->error != NULL)
    {
      /* Cancelled after another failure: nothing to add. */
    }
  /* A chunk of given ids fails as a whole when Stash does not have one of them (it was
   * deleted since the mirror was synced): halve it until the unknown id is alone. */
  else if (media == NULL && page->ids != NULL &&
           g_error_matches (error, SH_STASH_ERROR, SH_STASH_ERROR_GRAPHQL))
    {
      g_debug ("Scenes %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT " not found together: %s",
               g_array_index (page->ids, gint64, 0),
               g_array_index (page->ids, gint64, page->ids->len - 1), error->message);
      split_page (run, page);
    }
  else if (media == NULL)
    _sh_media_run_fail (run, g_steal_pointer (&error));
  else if (!read_scenes (run, page, media, &error))
    _sh_media_run_fail (run, g_steal_pointer (&error));

  _sh_media_run_pump (task);
}

void
_sh_media_run_fetch_scenes (GTask *task,
                            Page  *page)
{
  Run *run = g_task_get_task_data (task);
  ShStashMediaFields fields = SH_STASH_MEDIA_FIELDS_NONE;

  if (run->ids == NULL && !run->counted)
    fields |= SH_STASH_MEDIA_FIELDS_COUNT;
  if (run->kinds & PATH_KINDS)
    fields |= SH_STASH_MEDIA_FIELDS_PATHS;
  if (run->kinds & MARKER_KINDS)
    fields |= SH_STASH_MEDIA_FIELDS_MARKERS;

  page->fetching = TRUE;
  sh_stash_client_find_media_scenes_async (run->self->client,
                                           page->ids != NULL ? (gint64 *) page->ids->data : NULL,
                                           page->ids != NULL ? page->ids->len : 0,
                                           page->first_id, page->last_id, run->page_size,
                                           fields, run->cancellable, fetch_scenes_cb,
                                           _sh_media_request_new (task, page, NULL));
}

/* Marks the scenes of @page that Stash says have no cover. */
static void
read_covers (Run    *run,
             Page   *page,
             GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    {
      /* Within a chunk of given ids, the range also holds scenes not asked about. */
      SceneState *scene = find_scene (page, g_array_index (ids, gint64, i));

      if (scene != NULL)
        scene->missing |= SH_MEDIA_COVER;
    }
  if (ids->len > 0)
    page->covers_after = g_array_index (ids, gint64, ids->len - 1);

  /* A full page: more scenes of the range may miss their cover. */
  page->covers_pending = ids->len >= run->page_size && page->covers_after < page_last_id (page);
}

static void
fetch_covers_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  Run *run = _sh_media_request_answered (request);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  request->page->covers_fetching = FALSE;
  ids = sh_stash_client_find_missing_covers_finish (SH_STASH_CLIENT (object), result, &error);
  if (ids == NULL)
    _sh_media_run_fail (run, g_steal_pointer (&error));
  else if (run->error == NULL)
    read_covers (run, request->page, ids);

  _sh_media_run_pump (request->task);
}

void
_sh_media_run_fetch_covers (GTask *task,
                            Page  *page)
{
  Run *run = g_task_get_task_data (task);

  page->covers_fetching = TRUE;
  sh_stash_client_find_missing_covers_async (run->self->client, page->covers_after + 1,
                                             page_last_id (page), run->page_size,
                                             run->cancellable, fetch_covers_cb,
                                             _sh_media_request_new (task, page, NULL));
}

gboolean
_sh_media_run_open_page (Run *run)
{
  Page *page;

  if (g_queue_get_length (&run->pages) >= MAX_OPEN_PAGES)
    return FALSE;

  if (run->ids != NULL)
    {
      guint n;

      if (run->next_id >= run->ids->len)
        return FALSE;

      n = MIN (run->page_size, run->ids->len - run->next_id);
      page = page_new ();
      page->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
      g_array_append_vals (page->ids, &g_array_index (run->ids, gint64, run->next_id), n);
      page->n_given = n;
      run->next_id += n;
    }
  else
    {
      /* Keyset paging: the next page starts after the last id of the one before. */
      if (!run->more)
        return FALSE;

      page = page_new ();
      page->first_id = run->cursor + 1;
      page->last_id = SH_STASH_MAX_SCENE_ID;
      run->more = FALSE;
    }

  g_queue_push_tail (&run->pages, page);
  return TRUE;
}

/* Adds the scenes of a page that is over to the result, in id order: what each one
 * lacks of the kinds checked. */
void
_sh_media_run_add_page_results (Run  *run,
                                Page *page)
{
  for (guint i = 0; i < page->scenes->len; i++)
    {
      const SceneState *scene = &g_array_index (page->scenes, SceneState, i);

      _sh_media_check_result_add_scene (run->result, scene->id,
                                        scene->missing & run->kinds & ~scene->ignored);
    }
}

/* The given ids, sorted and unique, to be checked in chunks. */
void
_sh_media_run_set_given_ids (Run          *run,
                             const gint64 *scene_ids,
                             guint         n_ids)
{
  /* Stash's ids are positive GraphQL Ints; any other cannot be on the server. */
  run->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  for (guint i = 0; i < n_ids; i++)
    if (scene_ids[i] >= 1 && scene_ids[i] <= SH_STASH_MAX_SCENE_ID)
      g_array_append_val (run->ids, scene_ids[i]);
  g_array_sort (run->ids, compare_ids);
  if (run->ids->len > 1)
    {
      gint64 *id = (gint64 *) run->ids->data;
      guint n_unique = 1;

      for (guint i = 1; i < run->ids->len; i++)
        if (id[i] != id[n_unique - 1])
          id[n_unique++] = id[i];
      g_array_set_size (run->ids, n_unique);
    }
  run->total = run->ids->len;
}
