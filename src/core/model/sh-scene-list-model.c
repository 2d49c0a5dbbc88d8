/* sh-scene-list-model.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sh-scene-list-model.h"

/**
 * ShSceneListModel:
 *
 * The scenes of a server as a #GListModel of #ShSceneItem, lazy enough for a library of
 * a million scenes.
 *
 * When the filter or the order changes, one query on the database's worker thread
 * returns the ids of every matching scene in order (eight bytes each); the model then
 * knows its length, reads the rows of its first two pages (what a view shows first), and
 * replaces the list, reusing the items a view shows (see apply_keys() and
 * #ShSceneListModel::replaced). Other items are created a page at a time when a view asks for them, as
 * placeholders that know only their id, and the page's rows are read by id off the main
 * thread, most recently wanted page first, one page at a time. Rows fill the placeholders
 * in place (the items notify; the list does not change). At most
 * #ShSceneListModel:cache-size items are kept, least recently used pages going first.
 *
 * sh_scene_list_model_reload() reads the ids again after the scenes changed; when they
 * are the same, the items a view still shows are refreshed in place, so that the
 * selection and the scroll position stay.
 */

#define DEFAULT_PAGE_SIZE  200
#define DEFAULT_CACHE_SIZE 20000

/* Pages read with the list itself: those a GTK 4.8 list view binds first (it makes about
 * 200 rows, whatever fits on screen). */
#define PREFETCH_PAGES     2

typedef enum
{
  PAGE_EMPTY,
  PAGE_FETCHING,
  PAGE_LOADED,
  PAGE_FAILED,
} PageState;

typedef struct
{
  GList        link;      /* in ShSceneListModel.lru, data = the page */
  guint        index;
  guint        serial;    /* tells a fetch's page from a later one at the same index */
  PageState    state;
  gboolean     stale;     /* the rows changed since they were read */
  guint        n_items;
  ShSceneItem **items;    /* (owned) (array length=n_items) */
} Page;

struct _ShSceneListModel
{
  GObject            parent_instance;

  ShSceneStore      *store;          /* (owned) */
  gint64             server_id;
  guint              page_size;
  guint              cache_size;

  ShGeneratedFilter  generated;
  char              *search;         /* (owned) (nullable) */
  char              *job_id;         /* (owned) (nullable) */
  ShSceneSort        sort;
  gboolean           descending;

  GArray            *keys;           /* (owned) (nullable) of gint64, in order */
  GHashTable        *pages;          /* (owned) page index → Page */
  GQueue             lru;            /* of Page, most recently used first */
  guint              next_serial;

  GCancellable      *cancellable;    /* (owned) */
  GError            *error;          /* (owned) (nullable) */
  guint              reload_source;
  guint              keys_loading : 1;
  guint              keys_dirty : 1; /* the filter changed while the ids were read */
  guint              fetching : 1;
  guint              loading : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ShSceneListModel, sh_scene_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_SERVER_ID,
  PROP_PAGE_SIZE,
  PROP_CACHE_SIZE,
  PROP_GENERATED,
  PROP_SEARCH,
  PROP_JOB_ID,
  PROP_SORT,
  PROP_DESCENDING,
  PROP_N_ITEMS,
  PROP_LOADING,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REPLACED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_fetch (ShSceneListModel *self);

/* Pages ------------------------------------------------------------------------------- */

static void
page_free (gpointer data)
{
  Page *page = data;

  for (guint i = 0; i < page->n_items; i++)
    g_clear_object (&page->items[i]);
  g_free (page->items);
  g_free (page);
}

static Page *
page_new (ShSceneListModel *self,
          guint             index)
{
  guint first = index * self->page_size;
  guint n_items = MIN (self->page_size, self->keys->len - first);
  Page *page = g_new0 (Page, 1);

  page->items = g_new (ShSceneItem *, n_items);
  page->link.data = page;
  page->index = index;
  page->serial = ++self->next_serial;
  page->state = PAGE_EMPTY;
  page->n_items = n_items;
  for (guint i = 0; i < n_items; i++)
    page->items[i] = sh_scene_item_new (g_array_index (self->keys, gint64, first + i));

  return page;
}

static void
drop_page (ShSceneListModel *self,
           Page             *page)
{
  g_queue_unlink (&self->lru, &page->link);
  g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->index));
}

static void
drop_all_pages (ShSceneListModel *self)
{
  while (self->lru.head != NULL)
    drop_page (self, self->lru.head->data);
}

/* Whether something besides the page (a view's row, most likely) holds one of its
 * items: such a page must be refreshed in place, any other can simply go. */
static gboolean
page_is_shown (Page *page)
{
  for (guint i = 0; i < page->n_items; i++)
    if (g_atomic_int_get (&G_OBJECT (page->items[i])->ref_count) > 1)
      return TRUE;

  return FALSE;
}

/* Drops the least recently used pages beyond the cache size, but never one a view still
 * shows (its items could not be refreshed any more), nor the most recently used one,
 * whose item may be on its way to a caller that holds nothing yet. */
static void
evict_pages (ShSceneListModel *self)
{
  guint max_pages = MAX (1, self->cache_size / self->page_size);
  GList *l = self->lru.tail;

  while (self->lru.length > max_pages && l != NULL && l != self->lru.head)
    {
      Page *page = l->data;

      l = l->prev;
      if (!page_is_shown (page))
        drop_page (self, page);
    }
}

/* State ------------------------------------------------------------------------------- */

static void
update_loading (ShSceneListModel *self)
{
  gboolean loading = self->reload_source != 0 || self->keys_loading;

  if (self->loading != loading)
    {
      self->loading = loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

static void
set_error (ShSceneListModel *self,
           const GError     *error)
{
  if (self->error == NULL && error == NULL)
    return;

  g_clear_error (&self->error);
  if (error != NULL)
    {
      /* Shown by whoever shows the list; not a programming error. */
      g_debug ("Could not read the scenes: %s", error->message);
      self->error = g_error_copy (error);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Rows -------------------------------------------------------------------------------- */

typedef struct
{
  ShSceneListModel *self;    /* (owned) */
  guint             index;
  guint             serial;
} FetchData;

static void
fetch_data_free (FetchData *fetch)
{
  g_clear_object (&fetch->self);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchData, fetch_data_free)

/* Scene id → its #ShSceneRecord in @records (which keeps them). */
static GHashTable *
records_by_id (GPtrArray *records)
{
  GHashTable *by_id = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < records->len; i++)
    {
      ShSceneRecord *record = g_ptr_array_index (records, i);

      g_hash_table_insert (by_id, &record->id, record);
    }

  return by_id;
}

static void
fill_page (Page       *page,
           GHashTable *by_id)
{
  for (guint i = 0; i < page->n_items; i++)
    {
      gint64 id = sh_scene_item_get_id (page->items[i]);

      /* NULL: the scene was deleted since the ids were read. */
      sh_scene_item_load (page->items[i], g_hash_table_lookup (by_id, &id));
    }
}

static void
get_scenes_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FetchData) fetch = user_data;
  ShSceneListModel *self = fetch->self;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  Page *page;

  records = sh_scene_store_get_scenes_finish (SH_SCENE_STORE (object), result, &error);
  self->fetching = FALSE;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (fetch->index));
  if (page != NULL && page->serial == fetch->serial)
    {
      if (records == NULL)
        {
          page->state = PAGE_FAILED;
          set_error (self, error);
        }
      else
        {
          g_autoptr(GHashTable) by_id = records_by_id (records);

          fill_page (page, by_id);
          page->state = PAGE_LOADED;
        }
    }

  schedule_fetch (self);
}

/* Reads the rows of the most recently wanted page that needs them, unless a read is
 * already under way: the worker runs one query at a time, so queuing more would only
 * delay the page the user scrolled to last. */
static void
schedule_fetch (ShSceneListModel *self)
{
  g_autofree gint64 *ids = NULL;
  FetchData *fetch;
  Page *page = NULL;

  g_assert (SH_IS_SCENE_LIST_MODEL (self));

  if (self->fetching || self->keys_loading || self->keys == NULL)
    return;

  for (GList *l = self->lru.head; l != NULL; l = l->next)
    {
      Page *candidate = l->data;

      if (candidate->state == PAGE_EMPTY || (candidate->state == PAGE_LOADED && candidate->stale))
        {
          page = candidate;
          break;
        }
    }

  if (page == NULL)
    return;

  ids = g_memdup2 (&g_array_index (self->keys, gint64, page->index * self->page_size),
                   page->n_items * sizeof (gint64));
  page->state = PAGE_FETCHING;
  page->stale = FALSE;
  self->fetching = TRUE;

  fetch = g_new0 (FetchData, 1);
  fetch->self = g_object_ref (self);
  fetch->index = page->index;
  fetch->serial = page->serial;

  sh_scene_store_get_scenes_async (self->store, self->server_id, ids, page->n_items,
                                   self->cancellable, get_scenes_cb, fetch);
}

/* Keys -------------------------------------------------------------------------------- */

/* Keeps the items a view shows, to be read again; drops the others. */
static void
refresh_in_place (ShSceneListModel *self)
{
  GList *l = self->lru.head;

  while (l != NULL)
    {
      Page *page = l->data;

      l = l->next;

      if (!page_is_shown (page))
        drop_page (self, page);
      else if (page->state == PAGE_FAILED)
        page->state = PAGE_EMPTY;
      else
        page->stale = TRUE;
    }
}

/* Makes a page that a view shows stand for the same positions of the new list: its
 * items are reused for other scenes (filled from @rows when they hold them), cut off
 * past the new end, and added up to the page's new length. */
static void
page_reuse (ShSceneListModel *self,
            Page             *page,
            GHashTable       *rows)
{
  guint first = page->index * self->page_size;
  guint n_items = MIN (self->page_size, self->keys->len - first);
  gboolean loaded = rows != NULL;
  gboolean same = TRUE;

  for (guint i = n_items; i < page->n_items; i++)
    g_clear_object (&page->items[i]);
  page->items = g_renew (ShSceneItem *, page->items, n_items);

  for (guint i = 0; i < n_items; i++)
    {
      gint64 id = g_array_index (self->keys, gint64, first + i);
      const ShSceneRecord *record = rows != NULL ? g_hash_table_lookup (rows, &id) : NULL;

      if (i >= page->n_items)
        {
          page->items[i] = sh_scene_item_new (id);
          same = FALSE;
        }
      else if (record != NULL || sh_scene_item_get_id (page->items[i]) != id
               || !sh_scene_item_get_loaded (page->items[i]))
        {
          sh_scene_item_reuse (page->items[i], id, record);
          same = same && record != NULL;
        }
      /* else the same scene stays where it was, shown as it was until read again */

      loaded = loaded && record != NULL;
    }

  page->n_items = n_items;
  page->serial = ++self->next_serial;
  page->state = loaded || same ? PAGE_LOADED : PAGE_EMPTY;
  /* Rows kept as they were are read again, in place. */
  page->stale = !loaded && same;
}

/* Replaces the list by @keys; @first_rows, when given, are the rows of its first pages.
 *
 * A GTK 4.8 list view makes its rows (about 200, whatever fits on screen) anew for every
 * item that a change replaces, and when the change removes an item it tracks (its focus
 * or scroll anchor) it looks up every added item to find where it went, which would
 * materialize the whole new list. So the items a view holds are kept and reused for the
 * scenes at their positions (see sh_scene_item_reuse()), and the list signals only the
 * change of its length, at its end. Pages nobody shows simply go. Then
 * #ShSceneListModel::replaced tells that the positions now hold other scenes. */
static void
apply_keys (ShSceneListModel *self,
            GArray           *keys,
            GPtrArray        *first_rows)
{
  g_autoptr(GHashTable) rows = NULL;
  guint old_n = self->keys != NULL ? self->keys->len : 0;
  GList *l;

  g_clear_pointer (&self->keys, g_array_unref);
  self->keys = keys;

  if (first_rows != NULL)
    rows = records_by_id (first_rows);

  l = self->lru.head;
  while (l != NULL)
    {
      Page *page = l->data;

      l = l->next;

      if (page->index * self->page_size >= keys->len || !page_is_shown (page))
        drop_page (self, page);
      else
        page_reuse (self, page, page->index < PREFETCH_PAGES ? rows : NULL);
    }

  /* The view starts at the top: its first rows are bound once, to their data. */
  for (guint index = 0; rows != NULL && index < PREFETCH_PAGES; index++)
    {
      Page *page;

      if (index * self->page_size >= keys->len)
        break;
      if (g_hash_table_contains (self->pages, GUINT_TO_POINTER (index)))
        continue;

      page = page_new (self, index);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
      g_queue_push_tail_link (&self->lru, &page->link);
      fill_page (page, rows);
      page->state = PAGE_LOADED;
    }
  evict_pages (self);

  if (keys->len < old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), keys->len, old_n - keys->len, 0);
  else if (keys->len > old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, keys->len - old_n);

  if (old_n != keys->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  g_signal_emit (self, signals[REPLACED], 0);
}

static void start_keys_query (ShSceneListModel *self);

/* The end of a read of the list, with the rows of its first pages or without. */
static void
finish_keys (ShSceneListModel *self,
             GArray           *keys,
             GPtrArray        *first_rows,
             const GError     *error)
{
  self->keys_loading = FALSE;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  /* The filter changed meanwhile: these ids are already out of date. */
  if (self->keys_dirty)
    {
      start_keys_query (self);
      return;
    }

  if (keys == NULL)
    set_error (self, error);
  else
    {
      set_error (self, NULL);
      apply_keys (self, g_array_ref (keys), first_rows);
    }

  update_loading (self);
  schedule_fetch (self);
}

typedef struct
{
  ShSceneListModel *self;   /* (owned) */
  GArray           *keys;   /* (owned) */
} FirstRowsData;

static void
first_rows_data_free (FirstRowsData *data)
{
  g_clear_object (&data->self);
  g_clear_pointer (&data->keys, g_array_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FirstRowsData, first_rows_data_free)

static void
first_rows_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FirstRowsData) data = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  /* Without them, the pages are read when the view asks for them. */
  records = sh_scene_store_get_scenes_finish (SH_SCENE_STORE (object), result, &error);
  if (records == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not read the first scenes: %s", error->message);

  finish_keys (data->self, data->keys, records, NULL);
}

static void
list_ids_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ShSceneListModel) self = user_data;
  g_autoptr(GArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  FirstRowsData *data;
  guint n_first;

  keys = sh_scene_store_list_ids_finish (SH_SCENE_STORE (object), result, &error);

  if (keys == NULL || self->keys_dirty || g_cancellable_is_cancelled (self->cancellable))
    {
      finish_keys (self, keys, NULL, error);
      return;
    }

  /* The same scenes in the same order: keep the items, so that a view keeps its
   * selection and scroll position, and read the rows it shows again. */
  if (self->keys != NULL && keys->len == self->keys->len
      && memcmp (keys->data, self->keys->data, keys->len * sizeof (gint64)) == 0)
    {
      self->keys_loading = FALSE;
      refresh_in_place (self);
      update_loading (self);
      schedule_fetch (self);
      return;
    }

  /* A new list: read the rows a view shows first before the list changes, rather than
   * binding placeholders and filling them a moment later. */
  n_first = MIN (keys->len, PREFETCH_PAGES * self->page_size);
  if (n_first == 0)
    {
      finish_keys (self, keys, NULL, NULL);
      return;
    }

  data = g_new0 (FirstRowsData, 1);
  data->self = g_object_ref (self);
  data->keys = g_steal_pointer (&keys);
  sh_scene_store_get_scenes_async (self->store, self->server_id,
                                   (const gint64 *) data->keys->data, n_first,
                                   self->cancellable, first_rows_cb, data);
}

static void
start_keys_query (ShSceneListModel *self)
{
  g_assert (SH_IS_SCENE_LIST_MODEL (self));

  /* One query at a time: the worker cannot stop one that runs, so a new filter waits for
   * it and replaces its result. */
  if (self->keys_loading)
    {
      self->keys_dirty = TRUE;
      return;
    }

  self->keys_dirty = FALSE;
  self->keys_loading = TRUE;
  update_loading (self);

  sh_scene_store_list_ids_async (self->store, self->server_id, self->generated, self->search,
                                 self->job_id, self->sort, self->descending, self->cancellable,
                                 list_ids_cb, g_object_ref (self));
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  ShSceneListModel *self = user_data;

  self->reload_source = 0;
  start_keys_query (self);
  update_loading (self);

  return G_SOURCE_REMOVE;
}

/* Filter changes of one main loop iteration (a search text and a sort, say) make one
 * query. */
static void
queue_reload (ShSceneListModel *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
  update_loading (self);
}

/* GListModel -------------------------------------------------------------------------- */


static GType
sh_scene_list_model_get_item_type (GListModel *model)
{
  return SH_TYPE_SCENE_ITEM;
}

static guint
sh_scene_list_model_get_n_items (GListModel *model)
{
  ShSceneListModel *self = SH_SCENE_LIST_MODEL (model);

  return self->keys != NULL ? self->keys->len : 0;
}

static gpointer
sh_scene_list_model_get_item (GListModel *model,
                              guint       position)
{
  ShSceneListModel *self = SH_SCENE_LIST_MODEL (model);
  Page *page;
  guint index;

  if (self->keys == NULL || position >= self->keys->len)
    return NULL;

  index = position / self->page_size;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

  if (page == NULL)
    {
      page = page_new (self, index);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
      g_queue_push_head_link (&self->lru, &page->link);
      evict_pages (self);
      schedule_fetch (self);
    }
  else if (self->lru.head != &page->link)
    {
      g_queue_unlink (&self->lru, &page->link);
      g_queue_push_head_link (&self->lru, &page->link);
    }

  return g_object_ref (page->items[position - index * self->page_size]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sh_scene_list_model_get_item_type;
  iface->get_n_items = sh_scene_list_model_get_n_items;
  iface->get_item = sh_scene_list_model_get_item;
}

/* GObject ----------------------------------------------------------------------------- */

static void
sh_scene_list_model_constructed (GObject *object)
{
  ShSceneListModel *self = (ShSceneListModel *)object;

  G_OBJECT_CLASS (sh_scene_list_model_parent_class)->constructed (object);

  g_return_if_fail (SH_IS_SCENE_STORE (self->store));

  queue_reload (self);
}

static void
sh_scene_list_model_dispose (GObject *object)
{
  ShSceneListModel *self = (ShSceneListModel *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->pages != NULL)
    drop_all_pages (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sh_scene_list_model_parent_class)->dispose (object);
}

static void
sh_scene_list_model_finalize (GObject *object)
{
  ShSceneListModel *self = (ShSceneListModel *)object;

  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->keys, g_array_unref);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->job_id, g_free);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sh_scene_list_model_parent_class)->finalize (object);
}

static void
sh_scene_list_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ShSceneListModel *self = SH_SCENE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SERVER_ID:
      g_value_set_int64 (value, self->server_id);
      break;

    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;

    case PROP_CACHE_SIZE:
      g_value_set_uint (value, self->cache_size);
      break;

    case PROP_GENERATED:
      g_value_set_enum (value, self->generated);
      break;

    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;

    case PROP_JOB_ID:
      g_value_set_string (value, self->job_id);
      break;

    case PROP_SORT:
      g_value_set_enum (value, self->sort);
      break;

    case PROP_DESCENDING:
      g_value_set_boolean (value, self->descending);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self)));
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scene_list_model_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ShSceneListModel *self = SH_SCENE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_SERVER_ID:
      self->server_id = g_value_get_int64 (value);
      break;

    case PROP_PAGE_SIZE:
      self->page_size = g_value_get_uint (value);
      break;

    case PROP_CACHE_SIZE:
      self->cache_size = g_value_get_uint (value);
      break;

    case PROP_GENERATED:
      sh_scene_list_model_set_generated (self, g_value_get_enum (value));
      break;

    case PROP_SEARCH:
      sh_scene_list_model_set_search (self, g_value_get_string (value));
      break;

    case PROP_JOB_ID:
      sh_scene_list_model_set_job_id (self, g_value_get_string (value));
      break;

    case PROP_SORT:
      sh_scene_list_model_set_sort (self, g_value_get_enum (value), self->descending);
      break;

    case PROP_DESCENDING:
      sh_scene_list_model_set_sort (self, self->sort, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scene_list_model_class_init (ShSceneListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sh_scene_list_model_constructed;
  object_class->dispose = sh_scene_list_model_dispose;
  object_class->finalize = sh_scene_list_model_finalize;
  object_class->get_property = sh_scene_list_model_get_property;
  object_class->set_property = sh_scene_list_model_set_property;

  /**
   * ShSceneListModel:store:
   *
   * The scene store the model reads.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         SH_TYPE_SCENE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:server-id:
   *
   * The server whose scenes are listed.
   */
  properties[PROP_SERVER_ID] =
    g_param_spec_int64 ("server-id", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:page-size:
   *
   * How many rows are read at a time.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL,
                       1, 10000, DEFAULT_PAGE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:cache-size:
   *
   * How many items are kept at most (whole pages; at least one page).
   */
  properties[PROP_CACHE_SIZE] =
    g_param_spec_uint ("cache-size", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_CACHE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:generated:
   *
   * Which scenes are listed, by their generated flag.
   */
  properties[PROP_GENERATED] =
    g_param_spec_enum ("generated", NULL, NULL,
                       SH_TYPE_GENERATED_FILTER, SH_GENERATED_ANY,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:search:
   *
   * Text the title or the path must contain, ignoring case; %NULL for every scene.
   */
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:job-id:
   *
   * When set, only the scenes whose generated flag this job changed.
   */
  properties[PROP_JOB_ID] =
    g_param_spec_string ("job-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:sort:
   *
   * The column the scenes are sorted by.
   */
  properties[PROP_SORT] =
    g_param_spec_enum ("sort", NULL, NULL,
                       SH_TYPE_SCENE_SORT, SH_SCENE_SORT_ID,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:descending:
   *
   * Whether the order is reversed.
   */
  properties[PROP_DESCENDING] =
    g_param_spec_boolean ("descending", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:n-items:
   *
   * The number of scenes listed.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:loading:
   *
   * Whether the list is being read again (after a change of filter, or a reload).
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneListModel:error:
   *
   * Why the last read failed, or %NULL.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShSceneListModel::replaced:
   *
   * The list was replaced by another one (a new filter or order, or a reload that found
   * other scenes). The items a view shows stay, standing for the scenes now at their
   * positions, so #GListModel::items-changed covers only the change of length: a
   * selection by position, for one, must be dropped.
   */
  signals[REPLACED] =
    g_signal_new ("replaced",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

static void
sh_scene_list_model_init (ShSceneListModel *self)
{
  self->page_size = DEFAULT_PAGE_SIZE;
  self->cache_size = DEFAULT_CACHE_SIZE;
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  self->cancellable = g_cancellable_new ();
}

/* API --------------------------------------------------------------------------------- */

/**
 * sh_scene_list_model_new:
 * @store: a #ShSceneStore
 * @server_id: the server's row id
 *
 * Creates a model of every scene of the server, ordered by id; it starts reading at once.
 *
 * Returns: (transfer full): a new #ShSceneListModel
 */
ShSceneListModel *
sh_scene_list_model_new (ShSceneStore *store,
                         gint64        server_id)
{
  g_return_val_if_fail (SH_IS_SCENE_STORE (store), NULL);

  return g_object_new (SH_TYPE_SCENE_LIST_MODEL,
                       "store", store,
                       "server-id", server_id,
                       NULL);
}

ShSceneStore *
sh_scene_list_model_get_store (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), NULL);

  return self->store;
}

gint64
sh_scene_list_model_get_server_id (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), 0);

  return self->server_id;
}

ShGeneratedFilter
sh_scene_list_model_get_generated (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), SH_GENERATED_ANY);

  return self->generated;
}

void
sh_scene_list_model_set_generated (ShSceneListModel  *self,
                                   ShGeneratedFilter  generated)
{
  g_return_if_fail (SH_IS_SCENE_LIST_MODEL (self));
  g_return_if_fail (generated <= SH_GENERATED_FAILING);

  if (self->generated == generated)
    return;

  self->generated = generated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GENERATED]);
  queue_reload (self);
}

const char *
sh_scene_list_model_get_search (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), NULL);

  return self->search;
}

/**
 * sh_scene_list_model_set_search:
 * @self: a #ShSceneListModel
 * @search: (nullable): text the title or the path must contain; %NULL or empty for all
 *
 * Narrows the list to the scenes whose title or path contains @search, ignoring case.
 * `%` and `_` are taken literally.
 */
void
sh_scene_list_model_set_search (ShSceneListModel *self,
                                const char       *search)
{
  g_return_if_fail (SH_IS_SCENE_LIST_MODEL (self));

  if (search != NULL && *search == '\0')
    search = NULL;

  if (g_strcmp0 (self->search, search) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (search);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
  queue_reload (self);
}

const char *
sh_scene_list_model_get_job_id (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), NULL);

  return self->job_id;
}

/**
 * sh_scene_list_model_set_job_id:
 * @self: a #ShSceneListModel
 * @job_id: (nullable): a job id, or %NULL for every scene
 *
 * Narrows the list to the scenes whose generated flag the job changed (the impacted
 * scenes of a Generate or a Check).
 */
void
sh_scene_list_model_set_job_id (ShSceneListModel *self,
                                const char       *job_id)
{
  g_return_if_fail (SH_IS_SCENE_LIST_MODEL (self));

  if (job_id != NULL && *job_id == '\0')
    job_id = NULL;

  if (g_strcmp0 (self->job_id, job_id) == 0)
    return;

  g_free (self->job_id);
  self->job_id = g_strdup (job_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB_ID]);
  queue_reload (self);
}

ShSceneSort
sh_scene_list_model_get_sort (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), SH_SCENE_SORT_ID);

  return self->sort;
}

gboolean
sh_scene_list_model_get_descending (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), FALSE);

  return self->descending;
}

/**
 * sh_scene_list_model_set_sort:
 * @self: a #ShSceneListModel
 * @sort: the column to sort by
 * @descending: whether to reverse the order
 *
 * Sorts the list; ties are broken by id.
 */
void
sh_scene_list_model_set_sort (ShSceneListModel *self,
                              ShSceneSort       sort,
                              gboolean          descending)
{
  g_return_if_fail (SH_IS_SCENE_LIST_MODEL (self));
  g_return_if_fail (sort <= SH_SCENE_SORT_LAST_SYNCED);

  descending = !!descending;

  if (self->sort == sort && self->descending == descending)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->sort != sort)
    {
      self->sort = sort;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
    }
  if (self->descending != descending)
    {
      self->descending = descending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCENDING]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  queue_reload (self);
}

gboolean
sh_scene_list_model_get_loading (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), FALSE);

  return self->loading;
}

/**
 * sh_scene_list_model_get_error:
 * @self: a #ShSceneListModel
 *
 * Returns: (nullable) (transfer none): why the last read failed, or %NULL
 */
const GError *
sh_scene_list_model_get_error (ShSceneListModel *self)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), NULL);

  return self->error;
}

/**
 * sh_scene_list_model_get_id:
 * @self: a #ShSceneListModel
 * @position: a position in the list
 *
 * The scene id at @position, without creating its item: for a selection of any size.
 *
 * Returns: the scene id, or 0 when @position is out of range
 */
gint64
sh_scene_list_model_get_id (ShSceneListModel *self,
                            guint             position)
{
  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), 0);

  if (self->keys == NULL || position >= self->keys->len)
    return 0;

  return g_array_index (self->keys, gint64, position);
}

/**
 * sh_scene_list_model_get_n_cached:
 * @self: a #ShSceneListModel
 *
 * Returns: how many items the model holds now (placeholders included)
 */
guint
sh_scene_list_model_get_n_cached (ShSceneListModel *self)
{
  guint n = 0;

  g_return_val_if_fail (SH_IS_SCENE_LIST_MODEL (self), 0);

  for (GList *l = self->lru.head; l != NULL; l = l->next)
    n += ((Page *)l->data)->n_items;

  return n;
}

/**
 * sh_scene_list_model_reload:
 * @self: a #ShSceneListModel
 *
 * Reads the list again, after the scenes changed (a sync, a Generate, flags set by hand).
 * When the same scenes match in the same order, the list does not change and the items a
 * view shows are refreshed in place.
 */
void
sh_scene_list_model_reload (ShSceneListModel *self)
{
  g_return_if_fail (SH_IS_SCENE_LIST_MODEL (self));

  queue_reload (self);
}
