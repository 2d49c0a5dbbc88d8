/* sh-fake-stash-jobs.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stash's job queue (pkg/job/manager.go) running its Generate task
 * (internal/manager/task_generate.go), on a timer instead of ffmpeg: one job at a time in
 * FIFO order; a first tick with indefinite progress while it counts; then one task per
 * scene every ms_per_task with progress done/total; a graveyard of the last ten jobs.
 * A task that fails (a "broken" scene) only logs its error, as Stash's tasks do, and the
 * job still ends FINISHED. Other jobs (a Scan, say) run as plain ticks in the same queue.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

#define GRAVEYARD_SIZE 10

static void
job_free (gpointer data)
{
  ShFakeJob *job = data;

  g_clear_pointer (&job->sub_tasks, g_ptr_array_unref);
  g_clear_pointer (&job->scene_ids, g_array_unref);
  g_clear_pointer (&job->tasks, g_array_unref);
  g_free (job);
}

const char *
sh_fake_job_status_to_string (ShFakeJobStatus status)
{
  switch (status)
    {
    case SH_FAKE_JOB_READY:     return "READY";
    case SH_FAKE_JOB_RUNNING:   return "RUNNING";
    case SH_FAKE_JOB_FINISHED:  return "FINISHED";
    case SH_FAKE_JOB_STOPPING:  return "STOPPING";
    case SH_FAKE_JOB_CANCELLED: return "CANCELLED";
    case SH_FAKE_JOB_FAILED:    return "FAILED";
    default:                    g_return_val_if_reached (NULL);
    }
}

static void
clear_job_source (ShFakeStash *self)
{
  if (self->job_source != NULL)
    {
      g_source_destroy (self->job_source);
      g_clear_pointer (&self->job_source, g_source_unref);
    }
}

static void
schedule (ShFakeStash *self,
          guint        ms,
          GSourceFunc  func)
{
  clear_job_source (self);

  self->job_source = g_timeout_source_new (ms);
  g_source_set_callback (self->job_source, func, self, NULL);
  g_source_set_static_name (self->job_source, "[fake-stash] job");
  g_source_attach (self->job_source, self->context);
}

static void
set_status (ShFakeStash     *self,
            ShFakeJob       *job,
            ShFakeJobStatus  status)
{
  job->status = status;
  sh_fake_stash_emit_job_changed (self, job);
}

static gboolean start_next_cb (gpointer user_data);
static gboolean tick_cb       (gpointer user_data);

static void
schedule_next (ShFakeStash *self)
{
  ShFakeJob *head = g_queue_peek_head (&self->queue);

  if (head != NULL && head->status == SH_FAKE_JOB_READY)
    schedule (self, 0, start_next_cb);
}

/* The job leaves the queue for the graveyard; subscribers see its final state. */
static void
end_job (ShFakeStash     *self,
         ShFakeJob       *job,
         ShFakeJobStatus  status)
{
  job->end_time = g_get_real_time ();
  g_clear_pointer (&job->sub_tasks, g_ptr_array_unref);

  g_queue_remove (&self->queue, job);
  g_queue_push_head (&self->graveyard, job);
  while (g_queue_get_length (&self->graveyard) > GRAVEYARD_SIZE)
    job_free (g_queue_pop_tail (&self->graveyard));

  set_status (self, job, status);
  sh_fake_stash_ws_job_event (self, job, "REMOVE");
  if (!job->foreign && status == SH_FAKE_JOB_FINISHED)
    sh_fake_stash_log_add (self, "Info", "Generate finished (%.3fs)",
                           (job->end_time - job->start_time) / (double) G_USEC_PER_SEC);
  schedule_next (self);
}

/* Stash's walk: the targets (all scenes unless sceneIDs) that need a selected artifact.
 * One unknown id in sceneIDs makes FindMany fail, and Stash then queues nothing at all. */
static void
count_tasks (ShFakeStash *self,
             ShFakeJob   *job)
{
  guint n_targets = job->scene_ids != NULL ? job->scene_ids->len : self->n_scenes;

  job->tasks = g_array_new (FALSE, FALSE, sizeof (guint));
  job->counted = TRUE;

  /* FindMany fails for an unknown id, and for a repeated one (it finds fewer scenes than
   * it was asked for); the error is ignored and nothing is queued. */
  if (job->scene_ids != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

      for (guint i = 0; i < job->scene_ids->len; i++)
        {
          guint id = g_array_index (job->scene_ids, guint, i);

          if (!sh_fake_scene_exists (self, id) ||
              !g_hash_table_add (seen, GUINT_TO_POINTER (id)))
            return;
        }
    }

  for (guint i = 0; i < n_targets; i++)
    {
      guint id = job->scene_ids != NULL ? g_array_index (job->scene_ids, guint, i) : i + 1;
      guint wanted;

      if (!sh_fake_scene_exists (self, id))
        continue;

      wanted = job->selected & sh_fake_scene_applicable (self, id);
      if (wanted != 0 && (job->overwrite || (self->scene_bits[id] & wanted) != 0))
        g_array_append_val (job->tasks, id);
    }
}

/* subTasks: the GetDescription() of every task Stash would run for this scene. */
static void
start_task (ShFakeStash *self,
            ShFakeJob   *job)
{
  guint id = g_array_index (job->tasks, guint, job->n_done);
  guint wanted = job->selected & sh_fake_scene_applicable (self, id);
  char title_buf[64];
  char path[256];
  const char *title;

  if (!job->overwrite)
    wanted &= self->scene_bits[id];

  sh_fake_scene_format_path (self, id, path, sizeof path);
  title = sh_fake_scene_get_title (self, id, title_buf, sizeof title_buf);
  if (title == NULL || *title == '\0')
    title = strrchr (path, '/') + 1;

  g_clear_pointer (&job->sub_tasks, g_ptr_array_unref);
  job->sub_tasks = g_ptr_array_new_with_free_func (g_free);

  if (wanted & SH_FAKE_ARTIFACT_COVER)
    g_ptr_array_add (job->sub_tasks, g_strdup_printf ("Generating cover for %s", title));
  if (wanted & SH_FAKE_ARTIFACT_SPRITE)
    g_ptr_array_add (job->sub_tasks, g_strdup_printf ("Generating sprites for %s", path));
  if (wanted & (SH_FAKE_ARTIFACT_PREVIEW | SH_FAKE_ARTIFACT_WEBP))
    g_ptr_array_add (job->sub_tasks, g_strdup_printf ("Generating preview for %s", path));
  if (wanted & SH_FAKE_MARKER_ARTIFACTS)
    g_ptr_array_add (job->sub_tasks, g_strdup_printf ("Generating markers for %s", path));
  if (wanted & SH_FAKE_ARTIFACT_PHASH)
    g_ptr_array_add (job->sub_tasks, g_strdup_printf ("Generating phash for %s", path));
  if (wanted & SH_FAKE_ARTIFACT_HEATMAP)
    g_ptr_array_add (job->sub_tasks,
                     g_strdup_printf ("Generating heatmap and speed for %s", path));

  sh_fake_stash_ws_job_event (self, job, "UPDATE");
  schedule (self, self->ms_per_task, tick_cb);
}

/* The task's work: what it was asked to make now exists, but for the broken artifacts,
 * whose errors go only to the log, in the words of Stash's generators. */
static void
run_task (ShFakeStash *self,
          ShFakeJob   *job,
          guint        id)
{
  guint broken = GPOINTER_TO_UINT (g_hash_table_lookup (self->broken, GUINT_TO_POINTER (id)));
  guint wanted = job->selected & sh_fake_scene_applicable (self, id);
  char path[256];

  if (!job->overwrite)
    wanted &= self->scene_bits[id];
  broken &= wanted;
  sh_fake_scene_clear_missing (self, id, wanted & ~broken);
  if (broken == 0)
    return;

  sh_fake_scene_format_path (self, id, path, sizeof path);
  if (broken & SH_FAKE_ARTIFACT_COVER)
    sh_fake_stash_log_add (self, "Error", "error generating screenshot for %s: "
                           "ffmpeg: exit status 1", path);
  if (broken & SH_FAKE_ARTIFACT_SPRITE)
    sh_fake_stash_log_add (self, "Error", "error generating sprite: %s: exit status 1", path);
  if (broken & SH_FAKE_ARTIFACT_PREVIEW)
    sh_fake_stash_log_add (self, "Error", "[generator] failed to generate preview for %s: "
                           "ffmpeg: exit status 1", path);
  if (broken & SH_FAKE_ARTIFACT_WEBP)
    sh_fake_stash_log_add (self, "Error", "[generator] failed to generate webp preview for "
                           "%s: ffmpeg: exit status 1", path);
  if (broken & SH_FAKE_ARTIFACT_PHASH)
    sh_fake_stash_log_add (self, "Error", "error generating phash for %s: "
                           "unexpected EOF", path);
  if (broken & SH_FAKE_ARTIFACT_HEATMAP)
    sh_fake_stash_log_add (self, "Error", "error generating heatmap for %s: "
                           "invalid funscript", path);
  if (broken & SH_FAKE_MARKER_ARTIFACTS)
    sh_fake_stash_log_add (self, "Error", "[generator] failed to generate marker video: "
                           "%s: exit status 1", path);
}

static gboolean
tick_cb (gpointer user_data)
{
  ShFakeStash *self = user_data;
  ShFakeJob *job = g_queue_peek_head (&self->queue);

  g_clear_pointer (&self->job_source, g_source_unref);
  g_assert (job != NULL);
  g_assert (job->status == SH_FAKE_JOB_RUNNING || job->status == SH_FAKE_JOB_STOPPING);

  if (job->foreign)
    {
      job->n_done++;
      job->progress = (double) job->n_done / job->tasks->len;
      if (job->status == SH_FAKE_JOB_STOPPING || job->n_done >= job->tasks->len)
        end_job (self, job, job->status == SH_FAKE_JOB_STOPPING ? SH_FAKE_JOB_CANCELLED
                                                                : SH_FAKE_JOB_FINISHED);
      else
        {
          sh_fake_stash_ws_job_event (self, job, "UPDATE");
          schedule (self, self->ms_per_task, tick_cb);
        }
      return G_SOURCE_REMOVE;
    }

  if (!job->counted)
    {
      if (job->status == SH_FAKE_JOB_STOPPING)
        {
          end_job (self, job, SH_FAKE_JOB_CANCELLED);
          return G_SOURCE_REMOVE;
        }

      count_tasks (self, job);
      /* Stash leaves the progress null when there is nothing to do. */
      if (job->tasks->len == 0)
        {
          end_job (self, job, job->fails ? SH_FAKE_JOB_FAILED : SH_FAKE_JOB_FINISHED);
          return G_SOURCE_REMOVE;
        }

      job->progress = 0;
      sh_fake_stash_log_add (self, "Info", "Generate started with 1 parallel tasks");
      start_task (self, job);
      return G_SOURCE_REMOVE;
    }

  /* A panic in the middle of a task: FAILED, and Stash's recover() leaves error null. */
  if (job->fails && (job->n_done >= 1 || job->tasks->len == 1))
    {
      end_job (self, job, SH_FAKE_JOB_FAILED);
      return G_SOURCE_REMOVE;
    }

  run_task (self, job, g_array_index (job->tasks, guint, job->n_done));
  job->n_done++;
  job->progress = (double) job->n_done / job->tasks->len;
  g_clear_pointer (&job->sub_tasks, g_ptr_array_unref);

  /* Cancelling lets the running task finish; the job then ends CANCELLED. */
  if (job->status == SH_FAKE_JOB_STOPPING || job->n_done == job->tasks->len)
    {
      sh_fake_stash_ws_job_event (self, job, "UPDATE");
      end_job (self, job, job->status == SH_FAKE_JOB_STOPPING ? SH_FAKE_JOB_CANCELLED
                                                              : SH_FAKE_JOB_FINISHED);
      return G_SOURCE_REMOVE;
    }

  start_task (self, job);
  return G_SOURCE_REMOVE;
}

static gboolean
start_next_cb (gpointer user_data)
{
  ShFakeStash *self = user_data;
  ShFakeJob *job = g_queue_peek_head (&self->queue);

  g_clear_pointer (&self->job_source, g_source_unref);
  if (job == NULL || job->status != SH_FAKE_JOB_READY)
    return G_SOURCE_REMOVE;

  job->start_time = g_get_real_time ();
  job->progress = -1;
  set_status (self, job, SH_FAKE_JOB_RUNNING);
  sh_fake_stash_ws_job_event (self, job, "UPDATE");
  schedule (self, self->ms_per_task, tick_cb);

  return G_SOURCE_REMOVE;
}

ShFakeJob *
sh_fake_stash_jobs_add (ShFakeStash *self,
                        JsonObject  *input)
{
  ShFakeJob *job = g_new0 (ShFakeJob, 1);
  JsonNode *ids = json_object_get_member (input, "sceneIDs");

  job->id = self->next_job_id++;
  job->status = SH_FAKE_JOB_READY;
  job->progress = -1;
  job->add_time = g_get_real_time ();
  job->fails = self->fail_next_job;
  job->description = "Generating...";
  self->fail_next_job = FALSE;

  /* Null or omitted booleans are false; imagePreviews only counts together with previews. */
  if (sh_fake_json_get_boolean (input, "covers"))
    job->selected |= SH_FAKE_ARTIFACT_COVER;
  if (sh_fake_json_get_boolean (input, "sprites"))
    job->selected |= SH_FAKE_ARTIFACT_SPRITE;
  if (sh_fake_json_get_boolean (input, "previews"))
    job->selected |= SH_FAKE_ARTIFACT_PREVIEW;
  if (sh_fake_json_get_boolean (input, "previews") &&
      sh_fake_json_get_boolean (input, "imagePreviews"))
    job->selected |= SH_FAKE_ARTIFACT_WEBP;
  if (sh_fake_json_get_boolean (input, "phashes"))
    job->selected |= SH_FAKE_ARTIFACT_PHASH;
  if (sh_fake_json_get_boolean (input, "markers"))
    job->selected |= SH_FAKE_ARTIFACT_MARKER_VIDEO;
  if (sh_fake_json_get_boolean (input, "markerScreenshots"))
    job->selected |= SH_FAKE_ARTIFACT_MARKER_SCREENSHOT;
  if (sh_fake_json_get_boolean (input, "markerImagePreviews"))
    job->selected |= SH_FAKE_ARTIFACT_MARKER_WEBP;
  if (sh_fake_json_get_boolean (input, "interactiveHeatmapsSpeeds"))
    job->selected |= SH_FAKE_ARTIFACT_HEATMAP;
  job->overwrite = sh_fake_json_get_boolean (input, "overwrite");

  /* Ids that are not numbers are only logged by Stash. */
  if (ids != NULL && JSON_NODE_HOLDS_ARRAY (ids) &&
      json_array_get_length (json_node_get_array (ids)) > 0)
    {
      JsonArray *array = json_node_get_array (ids);

      job->scene_ids = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          guint id;

          if (sh_fake_json_parse_id (json_array_get_element (array, i), &id))
            g_array_append_val (job->scene_ids, id);
        }
    }

  g_queue_push_tail (&self->queue, job);
  sh_fake_stash_emit_job_changed (self, job);
  sh_fake_stash_ws_job_event (self, job, "ADD");
  if (g_queue_get_length (&self->queue) == 1)
    schedule_next (self);

  return job;
}

ShFakeJob *
sh_fake_stash_jobs_find (ShFakeStash *self,
                         guint        id)
{
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    if (((ShFakeJob *) l->data)->id == id)
      return l->data;

  for (GList *l = self->graveyard.head; l != NULL; l = l->next)
    if (((ShFakeJob *) l->data)->id == id)
      return l->data;

  return NULL;
}

/* A READY job is removed at once; a RUNNING one only says STOPPING (no event) until its
 * current task is done. */
void
sh_fake_stash_jobs_stop (ShFakeStash *self,
                         guint        id)
{
  ShFakeJob *job = sh_fake_stash_jobs_find (self, id);

  if (job == NULL || self->stop_ignored)
    return;

  if (job->status == SH_FAKE_JOB_READY)
    end_job (self, job, SH_FAKE_JOB_CANCELLED);
  else if (job->status == SH_FAKE_JOB_RUNNING)
    set_status (self, job, SH_FAKE_JOB_STOPPING);
}

/**
 * sh_fake_stash_add_foreign_job:
 * @description: what Stash calls it, such as "Scanning..."
 * @n_ticks: how many task times it runs
 *
 * Queues a job that is not a Generate, as if someone had started a Scan in Stash's UI.
 *
 * Returns: its id
 */
guint
sh_fake_stash_add_foreign_job (ShFakeStash *self,
                               const char  *description,
                               guint        n_ticks)
{
  ShFakeJob *job;

  g_return_val_if_fail (SH_IS_FAKE_STASH (self), 0);

  job = g_new0 (ShFakeJob, 1);
  job->id = self->next_job_id++;
  job->status = SH_FAKE_JOB_READY;
  job->progress = -1;
  job->add_time = g_get_real_time ();
  job->description = g_intern_string (description);
  job->foreign = TRUE;
  job->counted = TRUE;
  job->tasks = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_set_size (job->tasks, MAX (n_ticks, 1));

  g_queue_push_tail (&self->queue, job);
  sh_fake_stash_emit_job_changed (self, job);
  sh_fake_stash_ws_job_event (self, job, "ADD");
  if (g_queue_get_length (&self->queue) == 1)
    schedule_next (self);

  return job->id;
}

/**
 * sh_fake_stash_set_broken:
 * @id: a scene
 * @artifacts: the media whose generation fails for it, or 0
 *
 * Makes Stash's generators fail for these media of the scene: a Generate logs an error
 * for each (and only in the log), leaves them missing, and still ends FINISHED.
 */
void
sh_fake_stash_set_broken (ShFakeStash    *self,
                          guint           id,
                          ShFakeArtifact  artifacts)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  if (artifacts == 0)
    g_hash_table_remove (self->broken, GUINT_TO_POINTER (id));
  else
    g_hash_table_insert (self->broken, GUINT_TO_POINTER (id), GUINT_TO_POINTER (artifacts));
}

/* Jobs live only in memory: a restart loses them and numbers them from 1 again. */
void
sh_fake_stash_jobs_clear (ShFakeStash *self)
{
  clear_job_source (self);
  g_queue_clear_full (&self->queue, job_free);
  g_queue_clear_full (&self->graveyard, job_free);
  self->next_job_id = 1;
  self->fail_next_job = FALSE;
}

void
sh_fake_stash_set_job_speed (ShFakeStash *self,
                             guint        ms_per_task)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->ms_per_task = MAX (ms_per_task, 1);
}

/* A fault: stopJob answers true and changes nothing, as a Stash stuck in a task would. */
void
sh_fake_stash_set_stop_ignored (ShFakeStash *self,
                                gboolean     ignored)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->stop_ignored = !!ignored;
}

/* The next queued job panics during its second task (or its first, if it has one). */
void
sh_fake_stash_fail_next_job (ShFakeStash *self)
{
  g_return_if_fail (SH_IS_FAKE_STASH (self));

  self->fail_next_job = TRUE;
}

char *
sh_fake_stash_dup_job_status (ShFakeStash *self,
                              const char  *job_id)
{
  ShFakeJob *job;
  guint64 id;

  g_return_val_if_fail (SH_IS_FAKE_STASH (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  if (!g_ascii_string_to_unsigned (job_id, 10, 0, G_MAXUINT, &id, NULL) ||
      !(job = sh_fake_stash_jobs_find (self, (guint) id)))
    return NULL;

  return g_strdup (sh_fake_job_status_to_string (job->status));
}
