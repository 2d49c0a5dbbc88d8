/* sh-thumbnail-cache.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <utime.h>

#include "sh-stash-error.h"
#include "sh-thumbnail-cache.h"

/**
 * ShThumbnailCache:
 *
 * Scene covers, fetched from Stash (`<base>/scene/<id>/screenshot`, with the `ApiKey`
 * header of the client's messages) and kept on disk, one file per server, scene and
 * Stash `updated_at`, so that a changed cover is fetched again. Stash answers 200 with
 * its default SVG when a scene has no cover: that is kept as an empty file and reported
 * as "no cover" (%NULL without an error).
 *
 * Files are read and written on worker threads; at most a few fetches run at once, the
 * others wait in order, and one cancelled while it waits is never sent. The files of the
 * least recently used covers are removed when the directory grows over its cap.
 */

/* Each file counts at least this much, so that the "no cover" marks are capped too. */
#define MIN_FILE_BYTES     4096
/* Removing goes down to this share of the cap, so that it does not run on every write. */
#define EVICT_TO_PERCENT   90
#define REQUEST_TIMEOUT_S  30

struct _ShThumbnailCache
{
  GObject      parent_instance;

  char        *directory;     /* (owned) */
  guint64      max_bytes;
  guint        max_in_flight;
  guint        in_flight;
  GQueue       pending;       /* (owned) GTasks waiting for a slot */
  SoupSession *session;       /* (owned) */
  guint64      requests;

  GMutex       lock;          /* guards @size */
  gint64       size;          /* bytes in the directory, as counted; -1 until counted */
};

G_DEFINE_FINAL_TYPE (ShThumbnailCache, sh_thumbnail_cache, G_TYPE_OBJECT)

typedef struct
{
  ShStashClient *client;      /* (owned) */
  char          *path;        /* (owned) the cache file */
  char          *uri;         /* (owned) */
  SoupMessage   *message;     /* (owned) (nullable) */
  GBytes        *bytes;       /* (owned) (nullable) what to store */
  gint64         scene_id;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->message);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data->path);
  g_free (data->uri);
  g_free (data);
}

static void
sh_thumbnail_cache_finalize (GObject *object)
{
  ShThumbnailCache *self = (ShThumbnailCache *)object;

  /* Every task holds a reference: nothing can wait any more. */
  g_assert (g_queue_is_empty (&self->pending));

  g_clear_object (&self->session);
  g_free (self->directory);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sh_thumbnail_cache_parent_class)->finalize (object);
}

static void
sh_thumbnail_cache_class_init (ShThumbnailCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sh_thumbnail_cache_finalize;
}

static void
sh_thumbnail_cache_init (ShThumbnailCache *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->pending);
  self->size = -1;
  self->max_in_flight = SH_THUMBNAIL_CACHE_DEFAULT_MAX_IN_FLIGHT;
  self->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S,
                                                 "max-conns-per-host",
                                                 SH_THUMBNAIL_CACHE_DEFAULT_MAX_IN_FLIGHT,
                                                 NULL);
}

/**
 * sh_thumbnail_cache_dup_default_directory:
 *
 * Returns: (transfer full): `stashhog/thumbnails` in the user's cache directory
 */
char *
sh_thumbnail_cache_dup_default_directory (void)
{
  return g_build_filename (g_get_user_cache_dir (), "stashhog", "thumbnails", NULL);
}

/**
 * sh_thumbnail_cache_new:
 * @directory: where the covers are kept; made when needed
 * @max_bytes: how much the directory may hold
 *
 * Returns: (transfer full): a new #ShThumbnailCache
 */
ShThumbnailCache *
sh_thumbnail_cache_new (const char *directory,
                        guint64     max_bytes)
{
  ShThumbnailCache *self;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (max_bytes > 0, NULL);

  self = g_object_new (SH_TYPE_THUMBNAIL_CACHE, NULL);
  self->directory = g_strdup (directory);
  self->max_bytes = max_bytes;

  return self;
}

/**
 * sh_thumbnail_cache_get_directory:
 * @self: a #ShThumbnailCache
 *
 * Returns: where the covers are kept
 */
const char *
sh_thumbnail_cache_get_directory (ShThumbnailCache *self)
{
  g_return_val_if_fail (SH_IS_THUMBNAIL_CACHE (self), NULL);

  return self->directory;
}

/**
 * sh_thumbnail_cache_get_max_bytes:
 * @self: a #ShThumbnailCache
 *
 * Returns: how much the directory may hold
 */
guint64
sh_thumbnail_cache_get_max_bytes (ShThumbnailCache *self)
{
  g_return_val_if_fail (SH_IS_THUMBNAIL_CACHE (self), 0);

  return self->max_bytes;
}

/**
 * sh_thumbnail_cache_set_max_in_flight:
 * @self: a #ShThumbnailCache
 * @n: how many fetches may run at once, at least 1
 *
 * Sets how many fetches may run at once; the others wait.
 */
void
sh_thumbnail_cache_set_max_in_flight (ShThumbnailCache *self,
                                      guint             n)
{
  g_return_if_fail (SH_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (n > 0);

  self->max_in_flight = n;
}

/**
 * sh_thumbnail_cache_get_requests:
 * @self: a #ShThumbnailCache
 *
 * Returns: how many covers were asked of Stash (not found on disk)
 */
guint64
sh_thumbnail_cache_get_requests (ShThumbnailCache *self)
{
  g_return_val_if_fail (SH_IS_THUMBNAIL_CACHE (self), 0);

  return self->requests;
}

/* Disk, on worker threads --------------------------------------------------------------- */

static gint64
counted_size (gint64 size)
{
  return MAX (size, MIN_FILE_BYTES);
}

typedef struct
{
  char   *path;
  gint64  size;
  gint64  used;  /* modification time in microseconds: reads touch it */
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;

  if (x->used != y->used)
    return x->used < y->used ? -1 : 1;
  return g_strcmp0 (x->path, y->path);
}

static void
entry_clear (Entry *entry)
{
  g_free (entry->path);
}

/* Lists the directory; returns its counted size. With @evict_to ≥ 0, removes the least
 * recently used files until the size is at most @evict_to. Called with the lock held. */
static gint64
scan_directory (ShThumbnailCache *self,
                gint64            evict_to)
{
  g_autoptr(GFile) directory = g_file_new_for_path (self->directory);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  gint64 total = 0;
  GFileInfo *info;

  g_array_set_clear_func (entries, (GDestroyNotify) entry_clear);
  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (enumerator == NULL)
    return 0;

  while ((info = g_file_enumerator_next_file (enumerator, NULL, NULL)) != NULL)
    {
      Entry entry;

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
          !g_str_has_suffix (g_file_info_get_name (info), ".cover"))
        {
          g_object_unref (info);
          continue;
        }

      entry.path = g_build_filename (self->directory, g_file_info_get_name (info), NULL);
      entry.size = counted_size (g_file_info_get_size (info));
      entry.used = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
                   * G_USEC_PER_SEC
                   + g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
      total += entry.size;
      g_array_append_val (entries, entry);
      g_object_unref (info);
    }

  if (evict_to < 0 || total <= evict_to)
    return total;

  g_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len && total > evict_to; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);

      if (g_unlink (entry->path) == 0)
        total -= entry->size;
    }

  return total;
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FetchData *data = task_data;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (data->path, &contents, &length, NULL))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  /* Used now: the last to be removed. */
  g_utime (data->path, NULL);
  g_task_return_pointer (task, g_bytes_new_take (contents, length),
                         (GDestroyNotify) g_bytes_unref);
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ShThumbnailCache *self = source_object;
  FetchData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  gsize size = g_bytes_get_size (data->bytes);

  if (g_mkdir_with_parents (self->directory, 0700) != 0 ||
      !g_file_set_contents_full (data->path, g_bytes_get_data (data->bytes, NULL), size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      /* Only a cache: the cover is shown all the same. */
      g_debug ("Could not keep the cover of scene %" G_GINT64_FORMAT ": %s", data->scene_id,
               error != NULL ? error->message : g_strerror (errno));
      g_task_return_boolean (task, TRUE);
      return;
    }

  locker = g_mutex_locker_new (&self->lock);
  if (self->size < 0)
    self->size = scan_directory (self, -1);
  else
    self->size += counted_size (size);

  if ((guint64) self->size > self->max_bytes)
    self->size = scan_directory (self, self->max_bytes * EVICT_TO_PERCENT / 100);

  g_task_return_boolean (task, TRUE);
}

/* Fetching ------------------------------------------------------------------------------ */

static void pump (ShThumbnailCache *self);

/* Ends a fetch that had a slot, and lets the next one start. */
static void
fetch_done (GTask  *task,
            GBytes *bytes,
            GError *error)
{
  ShThumbnailCache *self = g_task_get_source_object (task);

  g_assert (self->in_flight > 0);
  self->in_flight--;

  if (error != NULL)
    g_task_return_error (task, error);
  else if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_pointer (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);

  pump (self);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);

  fetch_done (task, data->bytes, NULL);
}

static gboolean
is_image (const char *content_type)
{
  return content_type != NULL && g_str_has_prefix (content_type, "image/");
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShThumbnailCache *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GTask) store = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  const char *content_type;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      fetch_done (task, NULL, error);
      return;
    }

  status = soup_message_get_status (data->message);
  content_type = soup_message_headers_get_content_type (
      soup_message_get_response_headers (data->message), NULL);

  if (status != SOUP_STATUS_OK || !is_image (content_type))
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, data->scene_id);

      /* A 401, or a redirect to the login page: the same answer as for any request. */
      fetch_done (task, NULL,
                  g_error_new (SH_STASH_ERROR,
                               status == SOUP_STATUS_UNAUTHORIZED ||
                               SOUP_STATUS_IS_REDIRECTION (status)
                               ? SH_STASH_ERROR_UNAUTHORIZED : SH_STASH_ERROR_HTTP,
                               /* Translators: %s is a scene id, %u an HTTP status */
                               _("Stash did not send the cover of scene %s (HTTP %u)."),
                               id, status));
      return;
    }

  /* Stash's default image: the scene has no cover, and that is worth keeping too. */
  if (g_str_equal (content_type, "image/svg+xml"))
    data->bytes = g_bytes_new (NULL, 0);
  else
    data->bytes = g_steal_pointer (&body);

  store = g_task_new (self, NULL, store_cb, g_steal_pointer (&task));
  g_task_set_source_tag (store, store_thread);
  g_task_set_task_data (store, data, NULL);
  g_task_run_in_thread (store, store_thread);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShThumbnailCache *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (bytes != NULL || error != NULL)
    {
      fetch_done (task, bytes, error);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      self->in_flight--;
      pump (self);
      return;
    }

  data->message = sh_stash_client_new_message (data->client, SOUP_METHOD_GET, data->uri);
  cancellable = g_task_get_cancellable (task);
  self->requests++;
  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_LOW, cancellable,
                                    send_cb, g_steal_pointer (&task));
}

static void
start (ShThumbnailCache *self,
       GTask            *task)
{
  g_autoptr(GTask) lookup = g_task_new (self, NULL, lookup_cb, task);

  self->in_flight++;
  g_task_set_source_tag (lookup, lookup_thread);
  g_task_set_task_data (lookup, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (lookup, lookup_thread);
}

static void
pump (ShThumbnailCache *self)
{
  while (self->in_flight < self->max_in_flight && !g_queue_is_empty (&self->pending))
    {
      GTask *task = g_queue_pop_head (&self->pending);

      /* Scrolled away while it waited: never sent. */
      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (task);
          continue;
        }

      start (self, task);
    }
}

/**
 * sh_thumbnail_cache_fetch_async:
 * @self: a #ShThumbnailCache
 * @client: the client of the scene's server, for its address, key and TLS trust
 * @scene_id: Stash's scene id
 * @updated_at: (nullable): the scene's `updated_at` as Stash sent it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the cover
 * @user_data: data for @callback
 *
 * Gets a scene's cover: from disk when this version of the scene was fetched before,
 * otherwise from Stash, keeping it. Fetches beyond the limit wait in order.
 */
void
sh_thumbnail_cache_fetch_async (ShThumbnailCache    *self,
                                ShStashClient       *client,
                                gint64               scene_id,
                                const char          *updated_at,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *name = NULL;
  const char *base_url;
  FetchData *data;

  g_return_if_fail (SH_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (SH_IS_STASH_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_thumbnail_cache_fetch_async);

  base_url = sh_stash_client_get_base_url (client);
  key = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%s", base_url, scene_id,
                         updated_at != NULL ? updated_at : "");

  data = g_new0 (FetchData, 1);
  data->client = g_object_ref (client);
  data->scene_id = scene_id;
  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  name = g_strconcat (checksum, ".cover", NULL);
  data->path = g_build_filename (self->directory, name, NULL);
  data->uri = g_strdup_printf ("%s/scene/%" G_GINT64_FORMAT "/screenshot", base_url, scene_id);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  g_queue_push_tail (&self->pending, g_steal_pointer (&task));
  pump (self);
}

/**
 * sh_thumbnail_cache_fetch_finish:
 * @self: a #ShThumbnailCache
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the image file as Stash sent it; %NULL without
 *   @error when the scene has no cover
 */
GBytes *
sh_thumbnail_cache_fetch_finish (ShThumbnailCache  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (SH_IS_THUMBNAIL_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sh_thumbnail_cache_fetch_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
