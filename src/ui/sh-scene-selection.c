/* sh-scene-selection.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-scene-selection.h"

/**
 * ShSceneSelection:
 *
 * A multiple selection over a list of a million scenes: the selected positions in a
 * #GtkBitset, and nothing else.
 *
 * GTK 4.8's #GtkMultiSelection also keeps every selected item in a hash table, so that a
 * selection follows its items when the list changes. Selecting all of a million lazy
 * items asked the list for each of them: 87 s, and a million placeholders in memory.
 * Here Ctrl+A is one range in a bitset. A change of the list moves the selection with
 * the positions (gtk_bitset_splice()); #ShSceneListModel says when its positions start
 * to hold other scenes, and the owner drops the selection then.
 */

struct _ShSceneSelection
{
  GObject     parent_instance;

  GListModel *model;     /* (owned) (nullable) */
  GtkBitset  *selected;  /* (owned) */
};

static void list_model_iface_init      (GListModelInterface      *iface);
static void selection_model_iface_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ShSceneSelection, sh_scene_selection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                      selection_model_iface_init))

enum {
  PROP_0,
  PROP_MODEL,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GListModel -------------------------------------------------------------------------- */

static GType
sh_scene_selection_get_item_type (GListModel *list)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (list);

  return self->model != NULL ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
sh_scene_selection_get_n_items (GListModel *list)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (list);

  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

static gpointer
sh_scene_selection_get_item (GListModel *list,
                             guint       position)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (list);

  return self->model != NULL ? g_list_model_get_item (self->model, position) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sh_scene_selection_get_item_type;
  iface->get_n_items = sh_scene_selection_get_n_items;
  iface->get_item = sh_scene_selection_get_item;
}

/* GtkSelectionModel ------------------------------------------------------------------- */

static gboolean
sh_scene_selection_is_selected (GtkSelectionModel *model,
                                guint              position)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (model);

  return gtk_bitset_contains (self->selected, position);
}

static GtkBitset *
sh_scene_selection_get_selection_in_range (GtkSelectionModel *model,
                                           guint              position,
                                           guint              n_items)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (model);

  /* A copy: the caller may keep it, or hand it back as a mask. Ranges copy cheaply. */
  return gtk_bitset_copy (self->selected);
}

/* The selected positions become (selected ∩ mask) ∪ (old − mask); one signal covers what
 * changed. */
static gboolean
sh_scene_selection_set_selection (GtkSelectionModel *model,
                                  GtkBitset         *selected,
                                  GtkBitset         *mask)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (model);
  g_autoptr(GtkBitset) changed = gtk_bitset_copy (self->selected);
  g_autoptr(GtkBitset) added = gtk_bitset_copy (selected);
  guint first;
  guint last;

  gtk_bitset_subtract (self->selected, mask);
  gtk_bitset_intersect (added, mask);
  gtk_bitset_union (self->selected, added);

  /* Selected before or now, but not both (GTK's "difference" is the symmetric one). */
  gtk_bitset_difference (changed, self->selected);

  if (gtk_bitset_is_empty (changed))
    return TRUE;

  first = gtk_bitset_get_minimum (changed);
  last = gtk_bitset_get_maximum (changed);
  gtk_selection_model_selection_changed (model, first, last - first + 1);

  return TRUE;
}

static void
selection_model_iface_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = sh_scene_selection_is_selected;
  iface->get_selection_in_range = sh_scene_selection_get_selection_in_range;
  iface->set_selection = sh_scene_selection_set_selection;
}

/* Model ------------------------------------------------------------------------------- */

static void
items_changed_cb (ShSceneSelection *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *model)
{
  /* The selection moves with the positions. */
  gtk_bitset_splice (self->selected, position, removed, added);

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * sh_scene_selection_set_model:
 * @self: a #ShSceneSelection
 * @model: (nullable): the list to select in
 *
 * Replaces the list; the selection starts empty.
 */
void
sh_scene_selection_set_model (ShSceneSelection *self,
                              GListModel       *model)
{
  guint old_n;
  guint new_n;

  g_return_if_fail (SH_IS_SCENE_SELECTION (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  old_n = sh_scene_selection_get_n_items (G_LIST_MODEL (self));

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_object (model, "items-changed", G_CALLBACK (items_changed_cb), self,
                             G_CONNECT_SWAPPED);

  gtk_bitset_remove_all (self->selected);
  new_n = sh_scene_selection_get_n_items (G_LIST_MODEL (self));

  if (old_n > 0 || new_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, new_n);
  if (old_n != new_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * sh_scene_selection_get_model:
 * @self: a #ShSceneSelection
 *
 * Returns: (transfer none) (nullable): the list
 */
GListModel *
sh_scene_selection_get_model (ShSceneSelection *self)
{
  g_return_val_if_fail (SH_IS_SCENE_SELECTION (self), NULL);

  return self->model;
}

/* GObject ----------------------------------------------------------------------------- */

static void
sh_scene_selection_dispose (GObject *object)
{
  ShSceneSelection *self = (ShSceneSelection *)object;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (sh_scene_selection_parent_class)->dispose (object);
}

static void
sh_scene_selection_finalize (GObject *object)
{
  ShSceneSelection *self = (ShSceneSelection *)object;

  g_clear_pointer (&self->selected, gtk_bitset_unref);

  G_OBJECT_CLASS (sh_scene_selection_parent_class)->finalize (object);
}

static void
sh_scene_selection_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, sh_scene_selection_get_n_items (G_LIST_MODEL (self)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scene_selection_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ShSceneSelection *self = SH_SCENE_SELECTION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      sh_scene_selection_set_model (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_scene_selection_class_init (ShSceneSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_scene_selection_dispose;
  object_class->finalize = sh_scene_selection_finalize;
  object_class->get_property = sh_scene_selection_get_property;
  object_class->set_property = sh_scene_selection_set_property;

  /**
   * ShSceneSelection:model:
   *
   * The list to select in.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ShSceneSelection:n-items:
   *
   * The number of items, as the list's.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_scene_selection_init (ShSceneSelection *self)
{
  self->selected = gtk_bitset_new_empty ();
}

/**
 * sh_scene_selection_new:
 * @model: (nullable): the list to select in
 *
 * Returns: (transfer full): a selection over @model
 */
ShSceneSelection *
sh_scene_selection_new (GListModel *model)
{
  g_return_val_if_fail (model == NULL || G_IS_LIST_MODEL (model), NULL);

  return g_object_new (SH_TYPE_SCENE_SELECTION, "model", model, NULL);
}
