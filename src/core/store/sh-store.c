/* sh-store.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-store-private.h"

/**
 * ShStore:
 *
 * The base of the stores (#ShSceneStore, #ShJobStore): a set of tables of an #ShDatabase
 * and the asynchronous methods that read and write them.
 *
 * Every method of a store is a pair. Its `_async` half checks its arguments, gathers them
 * in a struct and hands it to _sh_store_run() with a worker function, which runs on the
 * database's worker thread; its `_finish` half checks its arguments and returns what the
 * worker function returned, through one of the typed helpers (_sh_store_propagate_pointer(),
 * _sh_store_propagate_boolean(), _sh_store_propagate_count()).
 *
 * A worker function returns %NULL with an error on failure, and a non-%NULL pointer on
 * success: the result itself, `GINT_TO_POINTER (TRUE)` for a yes, or a count made by
 * _sh_store_new_count(). Once the worker has committed, that is the truth: the task does
 * not turn into a cancellation error afterwards.
 */

typedef struct
{
  ShDatabase *db;  /* (owned) */
} ShStorePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ShStore, sh_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATABASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sh_store_dispose (GObject *object)
{
  ShStore *self = (ShStore *)object;
  ShStorePrivate *priv = sh_store_get_instance_private (self);

  g_clear_object (&priv->db);

  G_OBJECT_CLASS (sh_store_parent_class)->dispose (object);
}

static void
sh_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ShStore *self = SH_STORE (object);
  ShStorePrivate *priv = sh_store_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_DATABASE:
      g_value_set_object (value, priv->db);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  ShStore *self = SH_STORE (object);
  ShStorePrivate *priv = sh_store_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_DATABASE:
      priv->db = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_store_class_init (ShStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_store_dispose;
  object_class->get_property = sh_store_get_property;
  object_class->set_property = sh_store_set_property;

  /**
   * ShStore:database:
   *
   * The database holding the store's tables.
   */
  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL,
                         SH_TYPE_DATABASE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_store_init (ShStore *self)
{
}

/**
 * sh_store_get_database:
 * @self: a #ShStore
 *
 * Returns: (transfer none): the database
 */
ShDatabase *
sh_store_get_database (ShStore *self)
{
  ShStorePrivate *priv;

  g_return_val_if_fail (SH_IS_STORE (self), NULL);

  priv = sh_store_get_instance_private (self);

  return priv->db;
}

/* Running ----------------------------------------------------------------------------- */

/* The task data of a store operation: its input, which the worker may also write to, and
 * how to free its result, for _sh_store_propagate_boolean() and for when nobody takes it. */
typedef struct
{
  gpointer       data;         /* (owned) (nullable) */
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} StoreOp;

static void
store_op_free (gpointer user_data)
{
  StoreOp *op = user_data;

  if (op->data != NULL && op->data_free != NULL)
    op->data_free (op->data);
  g_free (op);
}

static void
store_op_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gpointer value;

  value = sh_database_run_finish (SH_DATABASE (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, op->result_free);
}

static void
set_op (GTask          *task,
        gpointer        data,
        GDestroyNotify  data_free,
        GDestroyNotify  result_free)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->data = data;
  op->data_free = data_free;
  op->result_free = result_free;
  g_task_set_task_data (task, op, store_op_free);
  g_task_set_check_cancellable (task, FALSE);
}

static void
run_task (ShStore        *self,
          GTask          *task,
          gboolean        idempotent,
          ShDatabaseFunc  func,
          gpointer        data,
          GDestroyNotify  data_free,
          GDestroyNotify  result_free)
{
  ShStorePrivate *priv = sh_store_get_instance_private (self);

  g_assert (SH_IS_STORE (self));
  g_assert (G_IS_TASK (task));
  g_assert (func != NULL);

  set_op (task, data, data_free, result_free);

  if (idempotent)
    _sh_database_run_idempotent_async (priv->db, func, data, result_free,
                                       g_task_get_cancellable (task), store_op_cb,
                                       g_object_ref (task));
  else
    sh_database_run_async (priv->db, func, data, NULL, result_free,
                           g_task_get_cancellable (task), store_op_cb, g_object_ref (task));
}

static GTask *
new_task (ShStore             *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  return task;
}

static void
run (ShStore             *self,
     gpointer             source_tag,
     gboolean             idempotent,
     ShDatabaseFunc       func,
     gpointer             data,
     GDestroyNotify       data_free,
     GDestroyNotify       result_free,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, source_tag, cancellable, callback, user_data);
  run_task (self, task, idempotent, func, data, data_free, result_free);
}

/*
 * _sh_store_run:
 * @source_tag: the store method's `_async` function
 * @func: the work, run on the database's worker thread with @data
 * @data: (transfer full) (nullable): the input, owned by the task until it is finished,
 *   so that the worker may leave something in it for the `_finish` function (see
 *   _sh_store_get_data())
 * @data_free: (nullable): frees @data
 * @result_free: (nullable): frees @func's result
 *
 * Runs @func on the database's worker and completes a task of @self with its result.
 */
void
_sh_store_run (ShStore             *self,
               gpointer             source_tag,
               ShDatabaseFunc       func,
               gpointer             data,
               GDestroyNotify       data_free,
               GDestroyNotify       result_free,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  run (self, source_tag, FALSE, func, data, data_free, result_free, cancellable, callback,
       user_data);
}

/*
 * _sh_store_run_idempotent:
 *
 * As _sh_store_run(), for work that may run twice with the effect of once (a job's row
 * written again, a Generate's outcome applied again): when the connection is lost, even in
 * the middle of a COMMIT, it waits for a new connection and runs again, until it is done,
 * @cancellable is cancelled or the database is closed. What must never be dropped (a job's
 * final outcome) goes this way.
 */
void
_sh_store_run_idempotent (ShStore             *self,
                          gpointer             source_tag,
                          ShDatabaseFunc       func,
                          gpointer             data,
                          GDestroyNotify       data_free,
                          GDestroyNotify       result_free,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  run (self, source_tag, TRUE, func, data, data_free, result_free, cancellable, callback,
       user_data);
}

/*
 * _sh_store_run_task:
 * @task: a task of @self, with its source tag set
 *
 * As _sh_store_run(), for a task the caller made.
 */
void
_sh_store_run_task (ShStore        *self,
                    GTask          *task,
                    ShDatabaseFunc  func,
                    gpointer        data,
                    GDestroyNotify  data_free,
                    GDestroyNotify  result_free)
{
  g_return_if_fail (SH_IS_STORE (self));
  g_return_if_fail (G_IS_TASK (task));

  run_task (self, task, FALSE, func, data, data_free, result_free);
}

/*
 * _sh_store_return:
 * @result: (transfer full) (nullable): the result, non-%NULL as a worker function's
 *
 * Completes a task of @self at once, without the worker: for a method whose answer is
 * known from its arguments (nothing to read or change).
 */
void
_sh_store_return (ShStore             *self,
                  gpointer             source_tag,
                  gpointer             result,
                  GDestroyNotify       result_free,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, source_tag, cancellable, callback, user_data);
  set_op (task, NULL, NULL, result_free);
  g_task_return_pointer (task, result, result_free);
}

/* Finishing --------------------------------------------------------------------------- */

/*
 * _sh_store_is_valid:
 *
 * Returns: whether @result is a task of @self started by @source_tag
 */
gboolean
_sh_store_is_valid (ShStore      *self,
                    GAsyncResult *result,
                    gpointer      source_tag)
{
  return g_task_is_valid (result, self) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

/*
 * _sh_store_get_data:
 *
 * Returns: (transfer none) (nullable): the input of a task run by _sh_store_run()
 */
gpointer
_sh_store_get_data (GAsyncResult *result)
{
  StoreOp *op = g_task_get_task_data (G_TASK (result));

  return op != NULL ? op->data : NULL;
}

/*
 * _sh_store_propagate_pointer:
 *
 * Returns: (transfer full) (nullable): the worker function's result; %NULL with @error
 *   set on failure, or without an error when the function found nothing
 */
gpointer
_sh_store_propagate_pointer (ShStore       *self,
                             GAsyncResult  *result,
                             gpointer       source_tag,
                             GError       **error)
{
  g_return_val_if_fail (_sh_store_is_valid (self, result, source_tag), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * _sh_store_propagate_boolean:
 *
 * Returns: %TRUE when the worker function returned something (which is freed); %FALSE
 *   with @error set on failure, or without an error for a no
 */
gboolean
_sh_store_propagate_boolean (ShStore       *self,
                             GAsyncResult  *result,
                             gpointer       source_tag,
                             GError       **error)
{
  StoreOp *op;
  gpointer value;

  g_return_val_if_fail (_sh_store_is_valid (self, result, source_tag), FALSE);

  op = g_task_get_task_data (G_TASK (result));
  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value != NULL && op != NULL && op->result_free != NULL)
    op->result_free (value);

  return value != NULL;
}

/*
 * _sh_store_propagate_count:
 * @count: (out) (optional): the count of a worker function that returned
 *   _sh_store_new_count(); 0 on failure
 *
 * Returns: %TRUE on success; %FALSE with @error set on failure
 */
gboolean
_sh_store_propagate_count (ShStore       *self,
                           GAsyncResult  *result,
                           gpointer       source_tag,
                           guint64       *count,
                           GError       **error)
{
  g_autofree guint64 *value = NULL;

  if (count != NULL)
    *count = 0;

  g_return_val_if_fail (_sh_store_is_valid (self, result, source_tag), FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value != NULL && count != NULL)
    *count = *value;

  return value != NULL;
}

/*
 * _sh_store_propagate_uint64:
 *
 * As _sh_store_propagate_count(), for a `_finish` function that returns the count.
 *
 * Returns: the count; 0 with @error set on failure
 */
guint64
_sh_store_propagate_uint64 (ShStore       *self,
                            GAsyncResult  *result,
                            gpointer       source_tag,
                            GError       **error)
{
  guint64 count;

  _sh_store_propagate_count (self, result, source_tag, &count, error);

  return count;
}

/*
 * _sh_store_new_count:
 *
 * Returns: (transfer full): a worker function's result for a count, freed with g_free()
 */
gpointer
_sh_store_new_count (guint64 count)
{
  return g_memdup2 (&count, sizeof count);
}
