/* sh-scene-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mirrors a Stash server's scenes into the store. Pages are read by key (id > last id) in
 * a fixed order; while one page is being written, the next one is already being fetched,
 * so the network and the database work at the same time. Each page is written in one
 * transaction.
 *
 * A full pass reads every scene. Each of its pages holds all the scenes Stash has in an
 * id range (the previous page's last id, this page's last id], so the page's transaction
 * also deletes the mirror's scenes of that range that are not on it, and moves the pass's
 * cursor to the page's last id. An interrupted pass leaves the cursor, and the next sync,
 * unless it is asked to start over, resumes the pass after it; the scenes below it were
 * stored, and checked for removal, by the earlier run. Only the last page of a pass keeps
 * the incremental sync point, and clears the cursor.
 *
 * An incremental sync asks only for scenes updated after that point, in Stash's own
 * timestamp text: Stash's newest updated_at when the last completed pass (or incremental
 * sync) began — for a resumed pass, when its first run began, so that what changed while
 * it was interrupted is read again. Not the newest scene that sync read: a scene changed
 * while it ran (behind its page cursor) would sort before that, and never be read again.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-scene-sync.h"
#include "sh-stash-error.h"

typedef struct
{
  ShStashClient       *client;        /* (owned) */
  ShSceneStore        *store;         /* (owned) */
  gint64               server_id;
  gboolean             full;
  guint                page_size;
  ShSceneSyncProgress  progress;
  gpointer             progress_data;

  char                *updated_after; /* (owned) (nullable) */
  char                *next_point;    /* (owned) Stash's newest updated_at at the start;
                                       * "" when it has no scene */
  char                *sync_stamp;    /* (owned) */

  /* The page being written and the one being fetched, at most one of each. */
  ShStashScenePage    *writing;       /* (owned) (nullable) */
  ShStashScenePage    *fetched;       /* (owned) (nullable) */
  gboolean             fetching;
  gboolean             failed;        /* the task has returned its error */
  gboolean             more;          /* Stash may have scenes after last_id */
  gint64               last_id;       /* of the last page fetched */
  gint64               write_after;   /* full pass: the id the next page written was read
                                       * after (the last id of the page written before) */

  ShSceneSyncResult    result;
} SyncData;

static void
sync_data_free (SyncData *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->store);
  g_free (data->updated_after);
  g_free (data->next_point);
  g_free (data->sync_stamp);
  g_clear_pointer (&data->writing, sh_stash_scene_page_free);
  g_clear_pointer (&data->fetched, sh_stash_scene_page_free);
  g_free (data);
}

static void fetch_next (GTask *task);
static void pump (GTask *task);

/* Returns the first error only: the fetch and the write of a page run at the same time,
 * and both may fail (for example when the sync is cancelled). */
static void
fail (GTask  *task,
      GError *error)
{
  SyncData *data = g_task_get_task_data (task);

  if (data->failed)
    {
      g_error_free (error);
      return;
    }

  data->failed = TRUE;
  g_task_return_error (task, error);
}

static void
sync_point_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sh_scene_store_set_sync_point_finish (SH_SCENE_STORE (object), result, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Synced %" G_GUINT64_FORMAT " scenes in %u pages (%s), %" G_GUINT64_FORMAT
           " removed, %" G_GUINT64_FORMAT " reset; the next sync starts after %s",
           data->result.synced, data->result.pages, data->result.full ? "full" : "incremental",
           data->result.removed, data->result.reset, data->next_point);
  g_task_return_boolean (task, TRUE);
}

/* Everything is stored: the next sync starts from where Stash was when this one began. */
static void
finish_sync (GTask *task)
{
  SyncData *data = g_task_get_task_data (task);

  if (data->next_point == NULL || *data->next_point == '\0')
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  sh_scene_store_set_sync_point_async (data->store, data->server_id, data->next_point,
                                       g_task_get_cancellable (task), sync_point_saved_cb,
                                       g_object_ref (task));
}

/* A full pass's page is stored, with its removals and the cursor; after the last page,
 * the pass is complete and its sync point kept. */
static void
full_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint64 n_removed = 0;
  guint n_reset = 0;
  guint n_scenes;

  if (!sh_scene_store_upsert_full_page_finish (SH_SCENE_STORE (object), result, &n_reset,
                                               &n_removed, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (data->failed)
    return;

  n_scenes = data->writing->scenes->len;
  data->result.synced += n_scenes;
  data->result.reset += n_reset;
  data->result.removed += n_removed;
  g_clear_pointer (&data->writing, sh_stash_scene_page_free);

  if (data->progress != NULL && n_scenes > 0)
    data->progress (data->result.synced, data->result.total, data->progress_data);

  pump (task);
}

static void
write_full_page (GTask *task)
{
  SyncData *data = g_task_get_task_data (task);
  GPtrArray *scenes = data->writing->scenes;
  gint64 after = data->write_after;

  if (scenes->len > 0)
    data->write_after = ((ShSceneRecord *) g_ptr_array_index (scenes, scenes->len - 1))->id;

  sh_scene_store_upsert_full_page_async (data->store,
                                         data->server_id,
                                         scenes,
                                         data->sync_stamp,
                                         after,
                                         scenes->len < data->page_size,
                                         data->next_point,
                                         g_task_get_cancellable (task),
                                         full_page_cb,
                                         g_object_ref (task));
}

static void
upsert_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint n_reset = 0;

  if (!sh_scene_store_upsert_finish (SH_SCENE_STORE (object), result, &n_reset, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (data->failed)
    return;

  data->result.synced += data->writing->scenes->len;
  data->result.reset += n_reset;
  g_clear_pointer (&data->writing, sh_stash_scene_page_free);

  if (data->progress != NULL)
    data->progress (data->result.synced, data->result.total, data->progress_data);

  pump (task);
}

static void
find_scenes_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(ShStashScenePage) page = NULL;
  g_autoptr(GError) error = NULL;

  data->fetching = FALSE;
  page = sh_stash_client_find_scenes_finish (SH_STASH_CLIENT (object), result, &error);
  if (page == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (data->failed)
    return;

  data->result.pages++;
  if (data->result.pages == 1)
    data->result.total = page->count;

  /* Keyset paging: a short page is the last one. Ids must grow, or a misbehaving server
   * could keep us paging forever. */
  data->more = page->scenes->len == data->page_size;
  if (page->scenes->len > 0)
    {
      ShSceneRecord *last = g_ptr_array_index (page->scenes, page->scenes->len - 1);

      if (last->id <= data->last_id)
        {
          fail (task, g_error_new (SH_STASH_ERROR, SH_STASH_ERROR_BAD_RESPONSE,
                                   _("Stash returned the scenes out of order, so the sync "
                                     "stopped. Try again; if it keeps happening, report it.")));
          return;
        }
      data->last_id = last->id;
    }

  data->fetched = g_steal_pointer (&page);
  pump (task);
}

static void
fetch_next (GTask *task)
{
  SyncData *data = g_task_get_task_data (task);

  g_assert (!data->fetching);
  data->fetching = TRUE;
  sh_stash_client_find_scenes_async (data->client,
                                     data->last_id,
                                     data->page_size,
                                     data->updated_after,
                                     data->result.pages == 0,
                                     g_task_get_cancellable (task),
                                     find_scenes_cb,
                                     g_object_ref (task));
}

/* Moves the pipeline on: write the fetched page when the writer is free, and fetch the
 * next page while it is written. Ends when nothing is left to do. */
static void
pump (GTask *task)
{
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }

  if (data->writing == NULL && data->fetched != NULL)
    {
      data->writing = g_steal_pointer (&data->fetched);

      /* Every page of a full pass is written, even an empty last one: it ends the pass. */
      if (data->result.full)
        write_full_page (task);
      else if (data->writing->scenes->len > 0)
        sh_scene_store_upsert_async (data->store,
                                     data->server_id,
                                     data->writing->scenes,
                                     data->sync_stamp,
                                     g_task_get_cancellable (task),
                                     upsert_cb,
                                     g_object_ref (task));
      else
        g_clear_pointer (&data->writing, sh_stash_scene_page_free);
    }

  if (data->more && !data->fetching && data->fetched == NULL)
    fetch_next (task);

  if (data->writing != NULL || data->fetching || data->fetched != NULL)
    return;

  /* The last page of a full pass has kept its sync point already. */
  if (data->result.full)
    {
      g_debug ("Synced %" G_GUINT64_FORMAT " scenes in %u pages (full, after scene %"
               G_GINT64_FORMAT "), %" G_GUINT64_FORMAT " removed, %" G_GUINT64_FORMAT
               " reset; the next sync starts after %s",
               data->result.synced, data->result.pages, data->result.resumed_after,
               data->result.removed, data->result.reset, data->next_point);
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      finish_sync (task);
    }
}

/* The first page is read after the sync's starting point is known and, for an
 * incremental sync or a fresh pass, after Stash's newest update was read. */
static void
read_pages (GTask *task)
{
  SyncData *data = g_task_get_task_data (task);

  data->more = TRUE;
  pump (task);
}

/* Where Stash is now, before the first page: what the next sync starts after. */
static void
latest_update_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->next_point = sh_stash_client_latest_scene_update_finish (SH_STASH_CLIENT (object),
                                                                 result, &error);
  if (data->next_point == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }

  read_pages (task);
}

static void
read_latest_update (GTask *task)
{
  SyncData *data = g_task_get_task_data (task);

  sh_stash_client_latest_scene_update_async (data->client, g_task_get_cancellable (task),
                                             latest_update_cb, g_object_ref (task));
}

static void
sync_point_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->updated_after = sh_scene_store_get_sync_point_finish (SH_SCENE_STORE (object), result,
                                                              &error);
  if (error != NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }

  /* No completed sync to be incremental to (an empty mirror, or one whose full pass never
   * completed, or one from before the point was kept): a full pass, from the start. */
  data->result.full = data->updated_after == NULL;
  g_debug ("%s sync after %s", data->result.full ? "Full" : "Incremental",
           data->updated_after ? data->updated_after : "(nothing)");

  read_latest_update (task);
}

static void
cursor_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *sync_point = NULL;
  gint64 after_id;

  if (!sh_scene_store_get_cursor_finish (SH_SCENE_STORE (object), result, &after_id,
                                         &sync_point, &error))
    {
      if (error != NULL)
        {
          fail (task, g_steal_pointer (&error));
          return;
        }

      sh_scene_store_get_sync_point_async (data->store, data->server_id,
                                           g_task_get_cancellable (task), sync_point_cb,
                                           g_object_ref (task));
      return;
    }

  /* A full pass was interrupted: it goes on after its cursor, and what it keeps as the
   * sync point is where Stash was when it first began, not now. Scenes changed since then
   * below the cursor are not read by this run; the next incremental sync reads them. */
  g_debug ("Resuming a full sync after scene %" G_GINT64_FORMAT, after_id);
  data->result.full = TRUE;
  data->result.resumed_after = after_id;
  data->last_id = after_id;
  data->write_after = after_id;
  data->next_point = sync_point != NULL ? g_steal_pointer (&sync_point) : g_strdup ("");

  read_pages (task);
}

static void
cursor_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_scene_store_clear_cursor_finish (SH_SCENE_STORE (object), result, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }

  read_latest_update (task);
}

/**
 * sh_scene_sync_run_async:
 * @client: the Stash client
 * @store: the scene store
 * @server_id: the server's row in the store
 * @full: %TRUE for a fresh full pass: read every scene and remove those Stash no longer
 *   has, forgetting any pass under way; %FALSE to resume the full pass under way if there
 *   is one, else to read only the scenes updated since the last completed sync began (or
 *   everything, when no sync has completed)
 * @page_size: scenes per request, 0 for the default
 * @progress: (nullable) (scope notified): called after every page
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Mirrors the scenes of a Stash server. Each page is stored in one transaction, so a
 * cancelled or failed sync leaves whole pages behind and the next sync continues: a full
 * pass where it stopped, an incremental sync from the same point as before.
 */
void
sh_scene_sync_run_async (ShStashClient       *client,
                         ShSceneStore        *store,
                         gint64               server_id,
                         gboolean             full,
                         guint                page_size,
                         ShSceneSyncProgress  progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDateTime) now = NULL;
  SyncData *data;

  g_return_if_fail (SH_IS_STASH_CLIENT (client));
  g_return_if_fail (SH_IS_SCENE_STORE (store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_scene_sync_run_async);

  now = g_date_time_new_now_utc ();
  data = g_new0 (SyncData, 1);
  data->client = g_object_ref (client);
  data->store = g_object_ref (store);
  data->server_id = server_id;
  data->page_size = page_size > 0 ? page_size : SH_SCENE_SYNC_DEFAULT_PAGE_SIZE;
  data->progress = progress;
  data->progress_data = progress_data;
  data->sync_stamp = g_date_time_format_iso8601 (now);
  data->result.total = -1;
  g_task_set_task_data (task, data, (GDestroyNotify) sync_data_free);

  data->result.full = full;
  if (full)
    sh_scene_store_clear_cursor_async (store, server_id, cancellable, cursor_cleared_cb,
                                       g_steal_pointer (&task));
  else
    sh_scene_store_get_cursor_async (store, server_id, cancellable, cursor_cb,
                                     g_steal_pointer (&task));
}

/**
 * sh_scene_sync_run_finish:
 * @result: the result
 * @out_result: (out) (optional): what the sync did
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
sh_scene_sync_run_finish (GAsyncResult       *result,
                          ShSceneSyncResult  *out_result,
                          GError            **error)
{
  GTask *task = G_TASK (result);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (task, error))
    return FALSE;

  if (out_result != NULL)
    *out_result = ((SyncData *) g_task_get_task_data (task))->result;

  return TRUE;
}
