/* sh-media-checker.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decides, per scene, which generated media really exist (shared/reference/stash-api.md
 * §5). Stash fills in every `paths` URL whether or not the file is there, so:
 *  - cover: `is_missing: "cover"` over the id range of each page (no Scene field says);
 *  - phash: the primary file's phash fingerprint is null;
 *  - sprite, vtt, preview, webp, heatmap and marker videos: a GET of the first byte (HEAD
 *    gets 405) answers 206 when the file exists and 404 when it does not;
 *  - heatmap: interactive scenes only, and a null interactive_speed is missing already;
 *  - marker screenshots and webp: always 200, with a PNG placeholder when missing.
 *
 * Scenes are read by key in id order (or by the given ids, in chunks), at most two pages at
 * a time. Every request, GraphQL or probe, goes through one queue with at most
 * max-in-flight of them open. A page's scenes are added to the result in order, and the
 * page is freed, as soon as its last probe has answered: only the two id lists of the
 * result grow with the library. An answer that means neither "present" nor "missing" (401,
 * a redirect to the login page, 5xx) stops the whole run: a wrong key or a broken proxy
 * must never read as "everything is missing".
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "sh-media-checker.h"
#include "sh-stash-error.h"
#include "sh-stash-media.h"

#define MAX_SAMPLES        5
#define MAX_OPEN_PAGES     2
#define MAX_IN_FLIGHT      256
#define MAX_PAGE_SIZE      10000
#define PROGRESS_INTERVAL  (G_USEC_PER_SEC / 10)

#define PATH_KINDS   (SH_MEDIA_SPRITE | SH_MEDIA_VTT | SH_MEDIA_PREVIEW | SH_MEDIA_WEBP | \
                      SH_MEDIA_HEATMAP)
#define MARKER_KINDS (SH_MEDIA_MARKER_VIDEO | SH_MEDIA_MARKER_SCREENSHOT | SH_MEDIA_MARKER_WEBP)

struct _ShMediaChecker
{
  GObject        parent_instance;

  ShStashClient *client;           /* (owned) */
  ShMediaKind    kinds;
  guint          max_in_flight;
  guint          page_size;
  guint          peak_in_flight;   /* the most requests open at once in the last run */
  guint          running : 1;
};

G_DEFINE_FINAL_TYPE (ShMediaChecker, sh_media_checker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_KINDS,
  PROP_MAX_IN_FLIGHT,
  PROP_PAGE_SIZE,
  PROP_PEAK_IN_FLIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Indexed by bit position. */
static const struct {
  const char *name;
  const char *label;
} kind_names[SH_MEDIA_N_KINDS] = {
  { "cover",             N_("cover") },
  { "sprite",            N_("scrubber sprite") },
  { "vtt",               N_("sprite index (VTT)") },
  { "preview",           N_("preview video") },
  { "webp",              N_("animated preview") },
  { "phash",             N_("perceptual hash") },
  { "heatmap",           N_("interactive heatmap") },
  { "marker_video",      N_("marker video") },
  { "marker_screenshot", N_("marker screenshot") },
  { "marker_webp",       N_("marker animated preview") },
};

static gboolean
is_single_kind (ShMediaKind kind)
{
  return kind != 0 && (kind & (kind - 1)) == 0 && (kind & ~SH_MEDIA_ALL) == 0;
}

static guint
kind_index (ShMediaKind single_kind)
{
  return (guint) g_bit_nth_lsf (single_kind, -1);
}

static const char *
kind_label (ShMediaKind single_kind)
{
  return _(kind_names[kind_index (single_kind)].label);
}

/**
 * sh_media_kind_to_string:
 * @single_kind: one kind (a single bit)
 *
 * Returns: the kind's name, such as `marker_video`, as used in results and on the
 *   command line
 */
const char *
sh_media_kind_to_string (ShMediaKind single_kind)
{
  g_return_val_if_fail (is_single_kind (single_kind), NULL);

  return kind_names[kind_index (single_kind)].name;
}

/**
 * sh_media_kind_dup_labels:
 * @names: kind names as sh_media_kind_to_string() writes them, space-separated (as a
 *   Generate records what a scene lacks)
 *
 * Returns: (transfer full): the kinds as a user reads them, comma-separated, such as
 *   “preview video, cover”; an unknown name is kept as it is
 */
char *
sh_media_kind_dup_labels (const char *names)
{
  g_auto(GStrv) split = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (names != NULL, NULL);

  split = g_strsplit_set (names, " ,", -1);
  for (guint i = 0; split[i] != NULL; i++)
    {
      const char *label = split[i];

      if (*label == '\0')
        continue;
      for (guint k = 0; k < SH_MEDIA_N_KINDS; k++)
        if (g_str_equal (split[i], kind_names[k].name))
          label = _(kind_names[k].label);

      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, label);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static ShMediaKind
kind_from_string (const char *name)
{
  if (g_str_equal (name, "default"))
    return SH_MEDIA_DEFAULT;
  if (g_str_equal (name, "all"))
    return SH_MEDIA_ALL;

  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    if (g_str_equal (name, kind_names[i].name))
      return 1 << i;

  return 0;
}

static char *
dup_kind_names (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    g_string_append_printf (out, "%s, ", kind_names[i].name);
  g_string_append (out, "default, all");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * sh_media_kinds_from_strings:
 * @names: (array zero-terminated=1): kind names as sh_media_kind_to_string() writes them,
 *   or `default` or `all`
 * @out: (out): return location for the kinds
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @names holds at least one name and every name is known
 */
gboolean
sh_media_kinds_from_strings (const char * const  *names,
                             ShMediaKind         *out,
                             GError             **error)
{
  g_autofree char *known = NULL;
  ShMediaKind kinds = 0;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      ShMediaKind kind = kind_from_string (names[i]);

      if (kind == 0)
        {
          known = dup_kind_names ();
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a kind of generated media. Use one of: %s."),
                       names[i], known);
          return FALSE;
        }
      kinds |= kind;
    }

  if (kinds == 0)
    {
      known = dup_kind_names ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No kind of generated media was given. Use one or more of: %s."), known);
      return FALSE;
    }

  *out = kinds;
  return TRUE;
}

static ShMediaCheckResult *
sh_media_check_result_new (ShMediaKind kinds)
{
  ShMediaCheckResult *result = g_new0 (ShMediaCheckResult, 1);

  result->kinds = kinds;
  result->complete = g_array_new (FALSE, FALSE, sizeof (gint64));
  result->incomplete = g_array_new (FALSE, FALSE, sizeof (gint64));
  result->incomplete_missing = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    result->samples[i] = g_array_sized_new (FALSE, FALSE, sizeof (gint64), MAX_SAMPLES);

  return result;
}

void
sh_media_check_result_free (ShMediaCheckResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->complete, g_array_unref);
  g_clear_pointer (&result->incomplete, g_array_unref);
  g_clear_pointer (&result->incomplete_missing, g_array_unref);
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    g_clear_pointer (&result->samples[i], g_array_unref);
  g_free (result);
}

/**
 * sh_media_check_result_to_json:
 * @result: a result
 *
 * Summarises @result for a job's result column: counts, and for each checked kind the
 * number of scenes that miss it and a few of their ids (as strings, like Stash's IDs).
 * The id lists are never included.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
sh_media_check_result_to_json (const ShMediaCheckResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "checked");
  json_builder_add_int_value (builder, (gint64) result->checked);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_int_value (builder, result->complete->len);
  json_builder_set_member_name (builder, "incomplete");
  json_builder_add_int_value (builder, result->incomplete->len);

  json_builder_set_member_name (builder, "missing");
  json_builder_begin_object (builder);
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    {
      if (!(result->kinds & (1 << i)))
        continue;
      json_builder_set_member_name (builder, kind_names[i].name);
      json_builder_add_int_value (builder, (gint64) result->missing_count[i]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "samples");
  json_builder_begin_object (builder);
  for (guint i = 0; i < SH_MEDIA_N_KINDS; i++)
    {
      if (!(result->kinds & (1 << i)))
        continue;
      json_builder_set_member_name (builder, kind_names[i].name);
      json_builder_begin_array (builder);
      for (guint j = 0; j < result->samples[i]->len; j++)
        {
          char id[24];

          g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT,
                      g_array_index (result->samples[i], gint64, j));
          json_builder_add_string_value (builder, id);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, (gint64) result->requests);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The run: scenes, their pages, and the probes of each page. */

typedef struct
{
  gint64   id;
  guint32  pending;   /* probes not answered yet */
  guint16  missing;   /* ShMediaKind found missing */
  guint16  ignored;   /* ShMediaKind that cannot apply to this scene */
} SceneState;

typedef struct
{
  guint        scene;   /* index in the page's scenes */
  ShMediaKind  kind;
  char        *uri;     /* (owned) */
} Probe;

typedef struct
{
  /* What the page stands for: a chunk of the given ids, or an id range. */
  GArray  *ids;             /* (owned) (nullable) gint64, ascending */
  gint64   first_id;        /* range: the lowest id asked for */
  gint64   last_id;         /* range: the highest id asked for */
  guint    n_given;         /* given ids the page stands for (0 for the whole server) */

  GArray  *scenes;          /* (owned) (nullable) SceneState, ascending; NULL until fetched */
  GQueue   probes;          /* Probe (owned), not sent yet */
  gint64   covers_after;    /* the key of the next cover query */
  guint    outstanding;     /* requests of this page in flight */
  guint    fetching : 1;
  guint    covers_pending : 1;
  guint    covers_fetching : 1;
} Page;

typedef struct
{
  ShMediaChecker       *self;                /* (owned) */
  ShMediaKind           kinds;
  guint                 page_size;
  GCancellable         *cancellable;         /* (owned) for the requests: cancelled by the
                                                caller's, or at the first error */
  GCancellable         *caller_cancellable;  /* (owned) (nullable) */
  gulong                cancelled_id;
  ShMediaCheckProgress  progress;
  gpointer              progress_data;
  gint64                progress_time;
  guint64               progress_done;

  GArray               *ids;                 /* (owned) (nullable) given ids, sorted, unique */
  guint                 next_id;             /* the first given id not in a page yet */
  gint64                cursor;              /* whole server: the last id read */
  gboolean              more;                /* whole server: scenes after @cursor may exist */
  gboolean              counted;             /* whole server: @total came from Stash */
  GQueue                pages;               /* Page (owned), in id order */

  guint                 in_flight;
  guint64               total;
  guint64               done;                /* scenes and unknown given ids whose check ended */
  GError               *error;               /* (owned) (nullable) the first error */
  gboolean              returned;

  ShMediaCheckResult   *result;              /* (owned) */
} Run;

typedef struct
{
  GTask *task;    /* (owned) */
  Page  *page;    /* (unowned) a page with requests in flight is not freed */
  Probe *probe;   /* (owned) (nullable) */
} Request;

static void
probe_free (Probe *probe)
{
  g_free (probe->uri);
  g_free (probe);
}

static Page *
page_new (void)
{
  Page *page = g_new0 (Page, 1);

  g_queue_init (&page->probes);

  return page;
}

static void
page_free (Page *page)
{
  g_clear_pointer (&page->ids, g_array_unref);
  g_clear_pointer (&page->scenes, g_array_unref);
  g_queue_clear_full (&page->probes, (GDestroyNotify) probe_free);
  g_free (page);
}

static gboolean
page_is_done (const Page *page)
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

static void
run_free (Run *run)
{
  g_assert (run->in_flight == 0);

  if (run->caller_cancellable != NULL)
    g_cancellable_disconnect (run->caller_cancellable, run->cancelled_id);
  g_clear_object (&run->caller_cancellable);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->ids, g_array_unref);
  g_queue_clear_full (&run->pages, (GDestroyNotify) page_free);
  g_clear_error (&run->error);
  g_clear_pointer (&run->result, sh_media_check_result_free);
  g_clear_object (&run->self);
  g_free (run);
}

static Request *
request_new (GTask *task,
             Page  *page,
             Probe *probe)
{
  Run *run = g_task_get_task_data (task);
  Request *request = g_new0 (Request, 1);

  request->task = g_object_ref (task);
  request->page = page;
  request->probe = probe;

  page->outstanding++;
  run->in_flight++;
  if (run->in_flight > run->self->peak_in_flight)
    run->self->peak_in_flight = run->in_flight;

  return request;
}

static void
request_free (Request *request)
{
  g_clear_pointer (&request->probe, probe_free);
  g_clear_object (&request->task);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

/* First thing in a callback: the request no longer counts as open, so that the pump at
 * its end sees the page's state as it is. */
static Run *
request_answered (Request *request)
{
  Run *run = g_task_get_task_data (request->task);

  g_assert (run->in_flight > 0 && request->page->outstanding > 0);
  run->in_flight--;
  request->page->outstanding--;

  return run;
}

/* Keeps the first error: after it, the other requests are cancelled, and their
 * "cancelled" errors say nothing new. */
static void
run_fail (Run    *run,
          GError *error)
{
  if (run->error != NULL)
    {
      g_error_free (error);
      return;
    }

  g_debug ("Check failed: %s", error->message);
  run->error = error;
  g_cancellable_cancel (run->cancellable);
}

static void
scene_answered (Run        *run,
                SceneState *scene)
{
  g_assert (scene->pending > 0);

  if (--scene->pending == 0)
    run->done++;
}

static void
report_progress (Run      *run,
                 gboolean  force)
{
  gint64 now;

  if (run->progress == NULL || (!force && run->done == run->progress_done))
    return;

  now = g_get_monotonic_time ();
  if (!force && now - run->progress_time < PROGRESS_INTERVAL)
    return;

  run->progress_time = now;
  run->progress_done = run->done;
  run->progress (run->done, MAX (run->total, run->done), run->progress_data);
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

static void pump (GTask *task);

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
  Run *run = request_answered (request);
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
    run_fail (run, g_steal_pointer (&error));
  else if (!read_scenes (run, page, media, &error))
    run_fail (run, g_steal_pointer (&error));

  pump (task);
}

static void
fetch_scenes (GTask *task,
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
                                           request_new (task, page, NULL));
}

static void
fetch_covers_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  GTask *task = request->task;
  Run *run = request_answered (request);
  Page *page = request->page;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  page->covers_fetching = FALSE;
  ids = sh_stash_client_find_missing_covers_finish (SH_STASH_CLIENT (object), result, &error);
  if (ids == NULL || run->error != NULL)
    {
      if (error != NULL)
        run_fail (run, g_steal_pointer (&error));
      pump (task);
      return;
    }

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

  pump (task);
}

static void
fetch_covers (GTask *task,
              Page  *page)
{
  Run *run = g_task_get_task_data (task);

  page->covers_fetching = TRUE;
  sh_stash_client_find_missing_covers_async (run->self->client, page->covers_after + 1,
                                             page_last_id (page), run->page_size,
                                             run->cancellable, fetch_covers_cb,
                                             request_new (task, page, NULL));
}

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
                       kind_label (kind), scene_id);
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
                   kind_label (kind), scene_id, content_type ? content_type : "");
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
                     kind_label (kind), scene_id, status);
      else
        g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_UNAUTHORIZED,
                     _("Stash refused to send the %s of scene %" PRId64 " (HTTP %u): "
                       "it requires an API key. Enter it in Preferences (Stash: Settings › "
                       "Security › API Key)."),
                     kind_label (kind), scene_id, status);
      return ANSWER_FAILED;
    }

  if (status == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_FORBIDDEN,
                   _("Stash refused access to the %s of scene %" PRId64 " (HTTP 403). "
                     "Stash blocks connections from outside the local network until a user "
                     "name and password are set."),
                   kind_label (kind), scene_id);
      return ANSWER_FAILED;
    }

  g_set_error (error, SH_STASH_ERROR, SH_STASH_ERROR_HTTP,
               _("Stash answered a request for the %s of scene %" PRId64 " with "
                 "HTTP %u %s, so the check stopped. The server or a proxy in front of it has "
                 "a problem; try again later."),
               kind_label (kind), scene_id, status, soup_status_get_phrase (status));
  return ANSWER_FAILED;
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  GTask *task = request->task;
  Run *run = request_answered (request);
  Probe *probe = request->probe;
  SceneState *scene = &g_array_index (request->page->scenes, SceneState, probe->scene);
  g_autofree char *content_type = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  run->result->requests++;

  if (!sh_stash_client_probe_finish (SH_STASH_CLIENT (object), result, &status, &content_type,
                                     &error))
    {
      run_fail (run, g_steal_pointer (&error));
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
          run_fail (run, g_steal_pointer (&error));
          break;

        default:
          g_assert_not_reached ();
        }
    }

  scene_answered (run, scene);
  pump (task);
}

static void
send_probe (GTask *task,
            Page  *page,
            Probe *probe)
{
  Run *run = g_task_get_task_data (task);
  Request *request = request_new (task, page, probe);

  sh_stash_client_probe_async (run->self->client, probe->uri, run->cancellable,
                               probe_cb, request);
}

/* Starts one request, or drops probes that can no longer tell anything. Returns whether
 * it did either. */
static gboolean
start_request (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  /* Queries first: they make the work of the probes. */
  for (GList *l = run->pages.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      if (page->scenes == NULL && !page->fetching)
        {
          fetch_scenes (task, page);
          return TRUE;
        }
      if (page->scenes != NULL && page->covers_pending && !page->covers_fetching)
        {
          fetch_covers (task, page);
          return TRUE;
        }
    }

  for (GList *l = run->pages.head; l != NULL; l = l->next)
    {
      Page *page = l->data;
      Probe *probe = g_queue_pop_head (&page->probes);
      SceneState *scene;

      if (probe == NULL)
        continue;

      /* Another marker of the scene already misses this kind. */
      scene = &g_array_index (page->scenes, SceneState, probe->scene);
      if (scene->missing & probe->kind)
        {
          probe_free (probe);
          scene_answered (run, scene);
          return TRUE;
        }

      send_probe (task, page, probe);
      return TRUE;
    }

  return FALSE;
}

static gboolean
open_page (Run *run)
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

static void
add_page_results (Run  *run,
                  Page *page)
{
  ShMediaCheckResult *result = run->result;

  for (guint i = 0; i < page->scenes->len; i++)
    {
      const SceneState *scene = &g_array_index (page->scenes, SceneState, i);
      guint missing = scene->missing & run->kinds & ~scene->ignored;

      result->checked++;
      if (missing == 0)
        {
          g_array_append_val (result->complete, scene->id);
          continue;
        }

      g_array_append_val (result->incomplete, scene->id);
      g_array_append_val (result->incomplete_missing, missing);
      for (guint k = 0; k < SH_MEDIA_N_KINDS; k++)
        {
          if (!(missing & (1 << k)))
            continue;
          result->missing_count[k]++;
          if (result->samples[k]->len < MAX_SAMPLES)
            g_array_append_val (result->samples[k], scene->id);
        }
    }
}

static void
return_result (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  ShMediaChecker *self = run->self;

  run->returned = TRUE;
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEAK_IN_FLIGHT]);

  if (run->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&run->error));
      return;
    }

  /* Scenes may have been added or deleted since Stash counted them. */
  run->total = run->done;
  report_progress (run, TRUE);
  g_debug ("Checked %" G_GUINT64_FORMAT " scenes, %u incomplete, with %" G_GUINT64_FORMAT
           " probes", run->result->checked, run->result->incomplete->len,
           run->result->requests);
  g_task_return_pointer (task, g_steal_pointer (&run->result),
                         (GDestroyNotify) sh_media_check_result_free);
}

/* Moves the run on after every answer: adds the pages that are over (in order), opens new
 * ones, and starts requests while there is room. */
static void
pump (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Page *page;

  if (run->returned)
    return;

  for (;;)
    {
      if (run->error == NULL)
        g_cancellable_set_error_if_cancelled (run->cancellable, &run->error);

      if (run->error != NULL)
        {
          /* Wait for the cancelled requests, so that none answers after the return. */
          if (run->in_flight == 0)
            return_result (task);
          return;
        }

      while ((page = g_queue_peek_head (&run->pages)) != NULL && page_is_done (page))
        {
          add_page_results (run, g_queue_pop_head (&run->pages));
          page_free (page);
        }

      if (open_page (run))
        continue;

      /* Requests belong to pages: with none left, nothing is in flight. */
      if (g_queue_is_empty (&run->pages))
        {
          g_assert (run->in_flight == 0);
          return_result (task);
          return;
        }

      if (run->in_flight < run->self->max_in_flight && start_request (task))
        continue;
      break;
    }

  report_progress (run, FALSE);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

/**
 * sh_media_checker_run_async:
 * @self: a #ShMediaChecker
 * @scene_ids: (array length=n_ids) (nullable): the scenes to check, or %NULL for every
 *   scene on the server
 * @n_ids: the length of @scene_ids
 * @progress: (nullable) (closure progress_data): called with the scenes checked so far
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the check is over
 * @user_data: data for @callback
 *
 * Checks which of the checker's kinds of generated media each scene misses. Every scene
 * of the server is read by key in id order, in pages; given ids are checked in chunks,
 * and those Stash does not have are skipped. Everything runs on the caller's
 * thread-default main context. Any answer that is neither "present" nor "missing" (such
 * as 401 or 502) fails the run with an %SH_STASH_ERROR; cancelling fails it with
 * %G_IO_ERROR_CANCELLED.
 */
void
sh_media_checker_run_async (ShMediaChecker       *self,
                            const gint64         *scene_ids,
                            guint                 n_ids,
                            ShMediaCheckProgress  progress,
                            gpointer              progress_data,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (SH_IS_MEDIA_CHECKER (self));
  g_return_if_fail (scene_ids != NULL || n_ids == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_media_checker_run_async);

  /* One run at a time keeps max-in-flight a promise about the server's load. */
  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A check of generated media is already running."));
      return;
    }

  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->kinds = self->kinds;
  run->page_size = self->page_size;
  run->cancellable = g_cancellable_new ();
  run->progress = progress;
  run->progress_data = progress_data;
  run->result = sh_media_check_result_new (self->kinds);
  g_queue_init (&run->pages);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (cancellable);
      run->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                 g_object_ref (run->cancellable),
                                                 g_object_unref);
    }

  if (scene_ids != NULL)
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
  else
    {
      run->more = TRUE;
    }

  self->running = TRUE;
  self->peak_in_flight = 0;

  pump (task);
}

/**
 * sh_media_checker_run_finish:
 * @self: a #ShMediaChecker
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what the check found, or %NULL with @error set
 */
ShMediaCheckResult *
sh_media_checker_run_finish (ShMediaChecker  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (SH_IS_MEDIA_CHECKER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sh_media_checker_run_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sh_media_checker_finalize (GObject *object)
{
  ShMediaChecker *self = SH_MEDIA_CHECKER (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (sh_media_checker_parent_class)->finalize (object);
}

static void
sh_media_checker_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ShMediaChecker *self = SH_MEDIA_CHECKER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_KINDS:
      g_value_set_flags (value, self->kinds);
      break;

    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;

    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;

    case PROP_PEAK_IN_FLIGHT:
      g_value_set_uint (value, self->peak_in_flight);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_media_checker_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ShMediaChecker *self = SH_MEDIA_CHECKER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_KINDS:
      self->kinds = g_value_get_flags (value);
      break;

    case PROP_MAX_IN_FLIGHT:
      sh_media_checker_set_max_in_flight (self, g_value_get_uint (value));
      break;

    case PROP_PAGE_SIZE:
      self->page_size = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_media_checker_class_init (ShMediaCheckerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sh_media_checker_finalize;
  object_class->get_property = sh_media_checker_get_property;
  object_class->set_property = sh_media_checker_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         SH_TYPE_STASH_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_KINDS] =
    g_param_spec_flags ("kinds", NULL, NULL,
                        SH_TYPE_MEDIA_KIND, SH_MEDIA_DEFAULT,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, NULL,
                       1, MAX_IN_FLIGHT, SH_MEDIA_CHECKER_DEFAULT_MAX_IN_FLIGHT,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /* Scenes per GraphQL page (and given ids per chunk); tests make it small. */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL,
                       1, MAX_PAGE_SIZE, SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The most requests that were open at the same time during the last run. */
  properties[PROP_PEAK_IN_FLIGHT] =
    g_param_spec_uint ("peak-in-flight", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_media_checker_init (ShMediaChecker *self)
{
  self->max_in_flight = SH_MEDIA_CHECKER_DEFAULT_MAX_IN_FLIGHT;
  self->page_size = SH_MEDIA_CHECKER_DEFAULT_PAGE_SIZE;
}

/**
 * sh_media_checker_new:
 * @client: the client of the Stash server
 * @kinds: the kinds of generated media to check (at least one)
 *
 * Returns: (transfer full): a new checker
 */
ShMediaChecker *
sh_media_checker_new (ShStashClient *client,
                      ShMediaKind    kinds)
{
  g_return_val_if_fail (SH_IS_STASH_CLIENT (client), NULL);
  g_return_val_if_fail (kinds != 0 && (kinds & ~SH_MEDIA_ALL) == 0, NULL);

  return g_object_new (SH_TYPE_MEDIA_CHECKER,
                       "client", client,
                       "kinds", kinds,
                       NULL);
}

ShMediaKind
sh_media_checker_get_kinds (ShMediaChecker *self)
{
  g_return_val_if_fail (SH_IS_MEDIA_CHECKER (self), 0);

  return self->kinds;
}

guint
sh_media_checker_get_max_in_flight (ShMediaChecker *self)
{
  g_return_val_if_fail (SH_IS_MEDIA_CHECKER (self), 0);

  return self->max_in_flight;
}

/**
 * sh_media_checker_set_max_in_flight:
 * @self: a #ShMediaChecker
 * @n: the most requests to have open at once (at least 1; 8 by default)
 *
 * Bounds the load a check puts on Stash: there are never more than @n requests, GraphQL
 * queries and probes together, waiting for an answer. A change applies at once, also to
 * a running check.
 */
void
sh_media_checker_set_max_in_flight (ShMediaChecker *self,
                                    guint           n)
{
  g_return_if_fail (SH_IS_MEDIA_CHECKER (self));
  g_return_if_fail (n >= 1 && n <= MAX_IN_FLIGHT);

  if (self->max_in_flight == n)
    return;

  self->max_in_flight = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IN_FLIGHT]);
}
