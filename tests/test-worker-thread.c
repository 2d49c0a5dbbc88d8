/* test-worker-thread.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShWorkerThread: the thread that runs ShDatabase's work in order, its shutdown, its sleeps
 * and its idle function.
 */

#include "config.h"

#include "sh-worker-thread.h"

/* Waits, without a deadline of its own (the test's timeout is one), for another thread to
 * bring @counter to @value. */
static void
wait_for (int *counter,
          int  value)
{
  while (g_atomic_int_get (counter) < value)
    g_usleep (1000);
}

typedef struct
{
  ShWorkerThread *worker;     /* (unowned) */
  GArray         *order;      /* (unowned) written on the worker only */
  int             index;
  gboolean        on_worker;
} Item;

static void
append_func (gpointer data)
{
  Item *item = data;

  item->on_worker = sh_worker_thread_is_in_worker_context (item->worker);
  g_array_append_val (item->order, item->index);
}

static void
never_func (gpointer data)
{
  g_assert_not_reached ();
}

static void
test_order (void)
{
  g_autoptr(ShWorkerThread) worker = sh_worker_thread_new ("sh-test-worker", NULL, NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (int));
  Item items[100];
  Item last = { worker, order, -1, FALSE };

  g_assert_false (sh_worker_thread_is_in_worker_context (worker));
  g_assert_false (sh_worker_thread_is_shut_down (worker));

  for (int i = 0; i < (int) G_N_ELEMENTS (items); i++)
    {
      items[i] = (Item) { worker, order, i, FALSE };
      g_assert_true (sh_worker_thread_queue (worker, append_func, &items[i]));
    }

  /* The queued work runs, then the last function, then the thread ends. */
  sh_worker_thread_shutdown (worker, append_func, &last);
  g_assert_true (sh_worker_thread_is_shut_down (worker));
  g_assert_cmpuint (order->len, ==, G_N_ELEMENTS (items) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_assert_cmpint (g_array_index (order, int, i), ==, i);
      g_assert_true (items[i].on_worker);
    }
  g_assert_cmpint (g_array_index (order, int, G_N_ELEMENTS (items)), ==, -1);
  g_assert_true (last.on_worker);
  g_assert_false (sh_worker_thread_is_in_worker_context (worker));

  /* Afterwards, nothing is queued; a second shutdown does nothing. */
  g_assert_false (sh_worker_thread_queue (worker, never_func, NULL));
  sh_worker_thread_shutdown (worker, never_func, NULL);

  g_assert_finalize_object (g_steal_pointer (&worker));
}

static void
test_never_started (void)
{
  g_autoptr(ShWorkerThread) worker = sh_worker_thread_new ("sh-test-worker", NULL, NULL);

  /* Without work there is no thread, and nothing to run last. */
  sh_worker_thread_shutdown (worker, never_func, NULL);
  g_assert_true (sh_worker_thread_is_shut_down (worker));
  g_assert_false (sh_worker_thread_queue (worker, never_func, NULL));

  g_assert_finalize_object (g_steal_pointer (&worker));
}

typedef struct
{
  ShWorkerThread *worker;         /* (unowned) */
  GCancellable   *cancellable;    /* (unowned) */
  int             started;
  gboolean        past;
  gboolean        cancelled;
  gboolean        future;
} Sleep;

static void
sleep_func (gpointer data)
{
  Sleep *sleep = data;
  gint64 now = g_get_monotonic_time ();

  sleep->past = sh_worker_thread_sleep_until (sleep->worker, now - 1, NULL);
  sleep->cancelled = sh_worker_thread_sleep_until (sleep->worker, now + G_TIME_SPAN_HOUR,
                                                   sleep->cancellable);
  g_atomic_int_set (&sleep->started, 1);
  /* Only the shutdown ends this one. */
  sleep->future = sh_worker_thread_sleep_until (sleep->worker, now + G_TIME_SPAN_HOUR, NULL);
}

static void
test_sleep (void)
{
  g_autoptr(ShWorkerThread) worker = sh_worker_thread_new ("sh-test-worker", NULL, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Sleep sleep = { worker, cancellable, 0, FALSE, TRUE, TRUE };

  g_cancellable_cancel (cancellable);
  g_assert_true (sh_worker_thread_queue (worker, sleep_func, &sleep));
  wait_for (&sleep.started, 1);
  sh_worker_thread_shutdown (worker, NULL, NULL);

  g_assert_true (sleep.past);
  g_assert_false (sleep.cancelled);
  g_assert_false (sleep.future);

  g_assert_finalize_object (g_steal_pointer (&worker));
}

typedef struct
{
  int calls;
  int done;
} Idle;

/* Due at once three times, then only when work has come. */
static gint64
idle_func (gpointer user_data)
{
  Idle *idle = user_data;
  int calls = g_atomic_int_add (&idle->calls, 1) + 1;

  return calls < 4 ? g_get_monotonic_time () : G_MAXINT64;
}

static void
done_func (gpointer data)
{
  Idle *idle = data;

  g_atomic_int_inc (&idle->done);
}

static void
test_idle (void)
{
  Idle idle = { 0, 0 };
  g_autoptr(ShWorkerThread) worker = sh_worker_thread_new ("sh-test-worker", idle_func, &idle);

  /* Not before the thread starts, and not before its first work. */
  g_assert_cmpint (g_atomic_int_get (&idle.calls), ==, 0);

  g_assert_true (sh_worker_thread_queue (worker, done_func, &idle));
  wait_for (&idle.calls, 4);

  /* Having said G_MAXINT64, it runs again once after the next work, and not before. */
  g_assert_cmpint (g_atomic_int_get (&idle.done), ==, 1);
  g_assert_true (sh_worker_thread_queue (worker, done_func, &idle));
  wait_for (&idle.calls, 5);
  sh_worker_thread_shutdown (worker, NULL, NULL);

  g_assert_cmpint (idle.done, ==, 2);
  g_assert_cmpint (idle.calls, ==, 5);

  g_assert_finalize_object (g_steal_pointer (&worker));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/worker-thread/order", test_order);
  g_test_add_func ("/worker-thread/never-started", test_never_started);
  g_test_add_func ("/worker-thread/sleep", test_sleep);
  g_test_add_func ("/worker-thread/idle", test_idle);

  return g_test_run ();
}
