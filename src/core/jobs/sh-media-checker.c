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
 *
 * This file holds the object and the run (its queue of requests and its end); the pages
 * are in sh-media-checker-pages.c, the probes in sh-media-checker-probes.c, the kinds in
 * sh-media-kind.c and the result in sh-media-check-result.c.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-media-checker-private.h"
#include "sh-stash-media.h"

#define MAX_IN_FLIGHT      256
#define MAX_PAGE_SIZE      10000
#define PROGRESS_INTERVAL  (G_USEC_PER_SEC / 10)

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

void
_sh_media_probe_free (Probe *probe)
{
  g_free (probe->uri);
  g_free (probe);
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
  g_queue_clear_full (&run->pages, (GDestroyNotify) _sh_media_page_free);
  g_clear_error (&run->error);
  g_clear_pointer (&run->result, sh_media_check_result_free);
  g_clear_object (&run->self);
  g_free (run);
}

Request *
_sh_media_request_new (GTask *task,
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

void
_sh_media_request_free (Request *request)
{
  g_clear_pointer (&request->probe, _sh_media_probe_free);
  g_clear_object (&request->task);
  g_free (request);
}

/* First thing in a callback: the request no longer counts as open, so that the pump at its
 * end sees the page's state as it is. */
Run *
_sh_media_request_answered (Request *request)
{
  Run *run = g_task_get_task_data (request->task);

  g_assert (run->in_flight > 0 && request->page->outstanding > 0);
  run->in_flight--;
  request->page->outstanding--;

  return run;
}

/* Keeps the first error: after it, the other requests are cancelled, and their
 * "cancelled" errors say nothing new. */
void
_sh_media_run_fail (Run    *run,
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

void
_sh_media_run_scene_answered (Run        *run,
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
          _sh_media_run_fetch_scenes (task, page);
          return TRUE;
        }
      if (page->scenes != NULL && page->covers_pending && !page->covers_fetching)
        {
          _sh_media_run_fetch_covers (task, page);
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
          _sh_media_probe_free (probe);
          _sh_media_run_scene_answered (run, scene);
          return TRUE;
        }

      _sh_media_run_send_probe (task, page, probe);
      return TRUE;
    }

  return FALSE;
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
void
_sh_media_run_pump (GTask *task)
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

      while ((page = g_queue_peek_head (&run->pages)) != NULL && _sh_media_page_is_done (page))
        {
          _sh_media_run_add_page_results (run, g_queue_pop_head (&run->pages));
          _sh_media_page_free (page);
        }

      if (_sh_media_run_open_page (run))
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
  run->result = _sh_media_check_result_new (self->kinds);
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
    _sh_media_run_set_given_ids (run, scene_ids, n_ids);
  else
    run->more = TRUE;

  self->running = TRUE;
  self->peak_in_flight = 0;

  _sh_media_run_pump (task);
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
