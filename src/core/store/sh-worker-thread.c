/* sh-worker-thread.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-worker-thread.h"

/**
 * ShWorkerThread:
 *
 * One thread that runs queued work in order, after gnome-software's `GsWorkerThread`: the
 * thread of #ShDatabase, the only one that uses libgda.
 *
 * The thread starts with the first work queued. sh_worker_thread_shutdown() lets it finish
 * what is queued, runs a last function and joins it; from then on nothing more is queued.
 * While its queue is empty, the thread runs an idle function when that asked for it (an
 * #ShDatabase reconnects to a server that went away there), and work that waits on the
 * thread (sh_worker_thread_sleep_until()) is woken by the shutdown.
 */

struct _ShWorkerThread
{
  GObject           parent_instance;

  /* Set at construction. */
  char             *name;        /* (owned) */
  ShWorkerIdleFunc  idle_func;   /* (nullable) */
  gpointer          idle_data;   /* (unowned) */

  GMutex            mutex;       /* guards thread and shut_down */
  GCond             cond;        /* signalled at shutdown */
  GThread          *thread;      /* (owned) (nullable) */
  GAsyncQueue      *queue;       /* (owned) of WorkItem */
  gboolean          shut_down;
};

typedef struct
{
  ShWorkerFunc func;  /* (nullable) */
  gpointer     data;
  gboolean     last;
} WorkItem;

G_DEFINE_FINAL_TYPE (ShWorkerThread, sh_worker_thread, G_TYPE_OBJECT)

static void
sh_worker_thread_dispose (GObject *object)
{
  ShWorkerThread *self = (ShWorkerThread *)object;

  sh_worker_thread_shutdown (self, NULL, NULL);

  G_OBJECT_CLASS (sh_worker_thread_parent_class)->dispose (object);
}

static void
sh_worker_thread_finalize (GObject *object)
{
  ShWorkerThread *self = (ShWorkerThread *)object;

  g_assert (self->thread == NULL);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sh_worker_thread_parent_class)->finalize (object);
}

static void
sh_worker_thread_class_init (ShWorkerThreadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_worker_thread_dispose;
  object_class->finalize = sh_worker_thread_finalize;
}

static void
sh_worker_thread_init (ShWorkerThread *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->queue = g_async_queue_new ();
}

/**
 * sh_worker_thread_new:
 * @name: the thread's name, for debuggers
 * @idle_func: (nullable) (scope notified): runs while the queue is empty (see
 *   #ShWorkerIdleFunc)
 * @idle_data: (nullable): data for @idle_func, which must outlive the thread
 *
 * Returns: (transfer full): a worker thread, not started yet
 */
ShWorkerThread *
sh_worker_thread_new (const char       *name,
                      ShWorkerIdleFunc  idle_func,
                      gpointer          idle_data)
{
  ShWorkerThread *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SH_TYPE_WORKER_THREAD, NULL);
  self->name = g_strdup (name);
  self->idle_func = idle_func;
  self->idle_data = idle_data;

  return self;
}

static gpointer
worker_main (gpointer data)
{
  ShWorkerThread *self = data;

  /* sh_worker_thread_queue() holds the lock until self->thread is set, which
   * sh_worker_thread_is_in_worker_context() reads. */
  g_mutex_lock (&self->mutex);
  g_mutex_unlock (&self->mutex);

  for (;;)
    {
      WorkItem *item = g_async_queue_try_pop (self->queue);
      gboolean last;

      if (item == NULL)
        {
          gint64 wake = self->idle_func != NULL ? self->idle_func (self->idle_data) : G_MAXINT64;

          if (wake == G_MAXINT64)
            {
              item = g_async_queue_pop (self->queue);
            }
          else
            {
              gint64 wait = wake - g_get_monotonic_time ();

              item = wait > 0 ? g_async_queue_timeout_pop (self->queue, (guint64) wait)
                              : g_async_queue_try_pop (self->queue);
              if (item == NULL)
                continue;
            }
        }

      if (item->func != NULL)
        item->func (item->data);
      last = item->last;
      g_free (item);

      if (last)
        break;
    }

  return NULL;
}

/**
 * sh_worker_thread_queue:
 * @self: a #ShWorkerThread
 * @func: (scope async): the work
 * @data: (nullable): data for @func
 *
 * Queues @func to run on the thread after the work queued before it, starting the thread
 * if it has not started yet.
 *
 * Returns: %TRUE when @func is queued; %FALSE (and @func never runs) once
 *   sh_worker_thread_shutdown() was called
 */
gboolean
sh_worker_thread_queue (ShWorkerThread *self,
                        ShWorkerFunc    func,
                        gpointer        data)
{
  g_autoptr(GMutexLocker) locker = NULL;
  WorkItem *item;

  g_return_val_if_fail (SH_IS_WORKER_THREAD (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  if (self->shut_down)
    return FALSE;

  item = g_new0 (WorkItem, 1);
  item->func = func;
  item->data = data;
  g_async_queue_push (self->queue, item);

  /* Started after the push, so that the first work runs before the idle function. */
  if (self->thread == NULL)
    self->thread = g_thread_new (self->name, worker_main, self);

  return TRUE;
}

/**
 * sh_worker_thread_shutdown:
 * @self: a #ShWorkerThread
 * @last_func: (nullable) (scope call): the last work, run on the thread after the queued
 *   work when the thread has started
 * @last_data: (nullable): data for @last_func
 *
 * Stops the thread: the work queued so far runs, then @last_func, then the thread ends and
 * is joined. Work queued from now on is refused, and sleeps on the thread end at once.
 * Must not be called on the thread itself. Calling it again does nothing.
 */
void
sh_worker_thread_shutdown (ShWorkerThread *self,
                           ShWorkerFunc    last_func,
                           gpointer        last_data)
{
  GThread *thread = NULL;

  g_return_if_fail (SH_IS_WORKER_THREAD (self));
  g_return_if_fail (!sh_worker_thread_is_in_worker_context (self));

  g_mutex_lock (&self->mutex);
  if (!self->shut_down)
    {
      self->shut_down = TRUE;
      g_cond_broadcast (&self->cond);
      thread = self->thread;
      if (thread != NULL)
        {
          WorkItem *item = g_new0 (WorkItem, 1);

          item->func = last_func;
          item->data = last_data;
          item->last = TRUE;
          g_async_queue_push (self->queue, item);
        }
    }
  g_mutex_unlock (&self->mutex);

  /* self->thread stays set until the thread has finished the queued work, which may check
   * that it runs there. */
  if (thread != NULL)
    {
      g_thread_join (thread);
      g_mutex_lock (&self->mutex);
      self->thread = NULL;
      g_mutex_unlock (&self->mutex);
    }
}

/**
 * sh_worker_thread_is_shut_down:
 * @self: a #ShWorkerThread
 *
 * Any thread may ask.
 *
 * Returns: whether sh_worker_thread_shutdown() was called
 */
gboolean
sh_worker_thread_is_shut_down (ShWorkerThread *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SH_IS_WORKER_THREAD (self), TRUE);

  locker = g_mutex_locker_new (&self->mutex);

  return self->shut_down;
}

/**
 * sh_worker_thread_is_in_worker_context:
 * @self: a #ShWorkerThread
 *
 * Returns: whether the caller runs on the thread
 */
gboolean
sh_worker_thread_is_in_worker_context (ShWorkerThread *self)
{
  g_return_val_if_fail (SH_IS_WORKER_THREAD (self), FALSE);

  /* Only the thread itself can find itself here, and it is set before it runs. */
  return self->thread != NULL && g_thread_self () == self->thread;
}

/**
 * sh_worker_thread_sleep_until:
 * @self: a #ShWorkerThread
 * @until: a monotonic time
 * @cancellable: (nullable): a #GCancellable
 *
 * On the thread: sleeps until @until, unless the thread is shut down or @cancellable
 * cancelled meanwhile (a cancellable is looked at every 100 ms).
 *
 * Returns: %TRUE when @until has come; %FALSE when the sleep was cut short
 */
gboolean
sh_worker_thread_sleep_until (ShWorkerThread *self,
                              gint64          until,
                              GCancellable   *cancellable)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SH_IS_WORKER_THREAD (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();

      if (self->shut_down || g_cancellable_is_cancelled (cancellable))
        return FALSE;
      if (now >= until)
        return TRUE;
      g_cond_wait_until (&self->cond, &self->mutex,
                         MIN (until, now + 100 * G_TIME_SPAN_MILLISECOND));
    }
}
