/* sh-scene-item.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-scene-item.h"

/**
 * ShSceneItem:
 *
 * One row of an #ShSceneListModel. An item starts as a placeholder that knows only its id
 * (#ShSceneItem:loaded is %FALSE); the model fills it in place when its page of rows
 * arrives from the database, and again when the rows are refreshed, so that a view bound
 * to its properties follows without the list changing.
 */

struct _ShSceneItem
{
  GObject   parent_instance;

  gint64    id;
  char     *title;        /* (owned) (nullable) */
  char     *path;         /* (owned) (nullable) */
  char     *last_synced;  /* (owned) (nullable) */
  char     *updated_at;   /* (owned) (nullable) Stash's, which changes with the cover */
  char     *failure_reason; /* (owned) (nullable) */
  int       failed_generates;
  guint     generated : 1;
  guint     loaded : 1;
};

G_DEFINE_FINAL_TYPE (ShSceneItem, sh_scene_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_PATH,
  PROP_GENERATED,
  PROP_LAST_SYNCED,
  PROP_UPDATED_AT,
  PROP_LOADED,
  PROP_FAILED_GENERATES,
  PROP_FAILURE_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sh_scene_item_finalize (GObject *object)
{
  ShSceneItem *self = (ShSceneItem *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->last_synced, g_free);
  g_clear_pointer (&self->updated_at, g_free);
  g_clear_pointer (&self->failure_reason, g_free);

  G_OBJECT_CLASS (sh_scene_item_parent_class)->finalize (object);
}

static void
sh_scene_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ShSceneItem *self = SH_SCENE_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_GENERATED:
      g_value_set_boolean (value, self->generated);
      break;

    case PROP_LAST_SYNCED:
      g_value_set_string (value, self->last_synced);
      break;

    case PROP_UPDATED_AT:
      g_value_set_string (value, self->updated_at);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    case PROP_FAILED_GENERATES:
      g_value_set_int (value, self->failed_generates);
      break;

    case PROP_FAILURE_REASON:
      g_value_set_string (value, self->failure_reason);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scene_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ShSceneItem *self = SH_SCENE_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scene_item_class_init (ShSceneItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sh_scene_item_finalize;
  object_class->get_property = sh_scene_item_get_property;
  object_class->set_property = sh_scene_item_set_property;

  /**
   * ShSceneItem:id:
   *
   * Stash's scene id, known from the start.
   */
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:title:
   *
   * The title, %NULL until loaded or when Stash has none.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:path:
   *
   * The server-side path of the primary file, %NULL until loaded.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:generated:
   *
   * Whether all generated media is known to exist; %FALSE until loaded.
   */
  properties[PROP_GENERATED] =
    g_param_spec_boolean ("generated", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:last-synced:
   *
   * When a sync last saw the scene (ISO 8601), %NULL until loaded.
   */
  properties[PROP_LAST_SYNCED] =
    g_param_spec_string ("last-synced", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:updated-at:
   *
   * When the scene last changed in Stash, as Stash sent it; %NULL until loaded.
   */
  properties[PROP_UPDATED_AT] =
    g_param_spec_string ("updated-at", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:loaded:
   *
   * Whether the row has been read from the database; a placeholder until then.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:failed-generates:
   *
   * How many Generates in a row left the scene without some of its media; 0 for most
   * scenes, and until loaded.
   */
  properties[PROP_FAILED_GENERATES] =
    g_param_spec_int ("failed-generates", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneItem:failure-reason:
   *
   * What the last failed Generate left missing (media kinds, space-separated), or %NULL.
   */
  properties[PROP_FAILURE_REASON] =
    g_param_spec_string ("failure-reason", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_scene_item_init (ShSceneItem *self)
{
}

/**
 * sh_scene_item_new:
 * @id: the scene id
 *
 * Returns: (transfer full): a placeholder for the scene @id
 */
ShSceneItem *
sh_scene_item_new (gint64 id)
{
  return g_object_new (SH_TYPE_SCENE_ITEM, "id", id, NULL);
}

gint64
sh_scene_item_get_id (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), 0);

  return self->id;
}

const char *
sh_scene_item_get_title (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), NULL);

  return self->title;
}

const char *
sh_scene_item_get_path (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), NULL);

  return self->path;
}

gboolean
sh_scene_item_get_generated (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), FALSE);

  return self->generated;
}

const char *
sh_scene_item_get_last_synced (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), NULL);

  return self->last_synced;
}

/**
 * sh_scene_item_dup_display_title:
 * @self: a #ShSceneItem
 *
 * Returns: (transfer full) (nullable): what names the scene for a user: its title, or as
 *   Stash does for a scene without one, its file's name; %NULL until loaded
 */
char *
sh_scene_item_dup_display_title (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), NULL);

  if (!self->loaded)
    return NULL;
  if (self->title != NULL && *self->title != '\0')
    return g_strdup (self->title);
  if (self->path != NULL && *self->path != '\0')
    return g_path_get_basename (self->path);

  return g_strdup (_("Untitled"));
}

/**
 * sh_scene_item_get_updated_at:
 * @self: a #ShSceneItem
 *
 * Returns: (nullable): Stash's `updated_at` of the scene, %NULL until loaded
 */
const char *
sh_scene_item_get_updated_at (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), NULL);

  return self->updated_at;
}

int
sh_scene_item_get_failed_generates (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), 0);

  return self->failed_generates;
}

const char *
sh_scene_item_get_failure_reason (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), NULL);

  return self->failure_reason;
}

static void
set_failed_generates (ShSceneItem *self,
                      int          failed_generates)
{
  if (self->failed_generates == failed_generates)
    return;

  self->failed_generates = failed_generates;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED_GENERATES]);
}

gboolean
sh_scene_item_get_loaded (ShSceneItem *self)
{
  g_return_val_if_fail (SH_IS_SCENE_ITEM (self), FALSE);

  return self->loaded;
}

static void
set_string (ShSceneItem  *self,
            char        **field,
            const char   *value,
            guint         prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/**
 * sh_scene_item_load:
 * @self: a #ShSceneItem
 * @record: (nullable): the scene's row, or %NULL when the scene no longer exists
 *
 * Fills the item from its row and marks it loaded, notifying only what changed. For the
 * list model.
 */
void
sh_scene_item_load (ShSceneItem         *self,
                    const ShSceneRecord *record)
{
  g_return_if_fail (SH_IS_SCENE_ITEM (self));
  g_return_if_fail (record == NULL || record->id == self->id);

  g_object_freeze_notify (G_OBJECT (self));

  set_string (self, &self->title, record ? record->title : NULL, PROP_TITLE);
  set_string (self, &self->path, record ? record->path : NULL, PROP_PATH);
  set_string (self, &self->last_synced, record ? record->last_synced : NULL, PROP_LAST_SYNCED);
  set_string (self, &self->updated_at, record ? record->stash_updated_at : NULL,
              PROP_UPDATED_AT);
  set_string (self, &self->failure_reason, record ? record->failure_reason : NULL,
              PROP_FAILURE_REASON);
  set_failed_generates (self, record ? record->failed_generates : 0);

  if (self->generated != (record != NULL && record->generated))
    {
      self->generated = record != NULL && record->generated;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GENERATED]);
    }

  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * sh_scene_item_reuse:
 * @self: a #ShSceneItem
 * @id: the scene the item stands for from now on
 * @record: (nullable): the scene's row, or %NULL to make the item a placeholder again
 *
 * Makes the item stand for another scene, notifying only what changed: the list model
 * keeps the items a view shows when its list is replaced, so that the view keeps its
 * rows and only their labels change. For the list model.
 */
void
sh_scene_item_reuse (ShSceneItem         *self,
                     gint64               id,
                     const ShSceneRecord *record)
{
  g_return_if_fail (SH_IS_SCENE_ITEM (self));
  g_return_if_fail (record == NULL || record->id == id);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
    }

  if (record != NULL)
    {
      sh_scene_item_load (self, record);
    }
  else
    {
      set_string (self, &self->title, NULL, PROP_TITLE);
      set_string (self, &self->path, NULL, PROP_PATH);
      set_string (self, &self->last_synced, NULL, PROP_LAST_SYNCED);
      set_string (self, &self->updated_at, NULL, PROP_UPDATED_AT);
      set_string (self, &self->failure_reason, NULL, PROP_FAILURE_REASON);
      set_failed_generates (self, 0);

      if (self->generated)
        {
          self->generated = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GENERATED]);
        }

      if (self->loaded)
        {
          self->loaded = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
        }
    }

  g_object_thaw_notify (G_OBJECT (self));
}
