/* sh-database.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <sql-parser/gda-sql-parser.h>
#include <stdio.h>
#include <string.h>

#ifdef SH_HAVE_LIBPQ
# include <libpq-fe.h>
# include <poll.h>
#endif

#include "sh-database-private.h"
#include "sh-database-url.h"

#include <libgda/gda-connection-private.h>

/**
 * ShDatabase:
 *
 * The StashHog database: an SQLite file or a PostgreSQL server, reached through libgda.
 *
 * libgda is used from one dedicated worker thread that owns the connection. Every public
 * function is asynchronous: work is queued to the worker, runs there in order, and its
 * result is delivered on the caller's thread-default main context. Code that needs several
 * statements (a transaction, a bulk change) passes an #ShDatabaseFunc to
 * sh_database_run_async() and uses the worker-side helpers from inside it.
 *
 * A PostgreSQL connection can be lost (the server restarts, the network fails). That is a
 * state, not a failure of the program: the worker notices it before libgda does (libgda
 * 5's PostgreSQL provider crashes on an error that carries no SQLSTATE, which is what
 * libpq reports for a dead connection), never calls into the provider with that
 * connection again, and opens a new one with backoff — prepared statements are prepared
 * again and the connection's temporary tables created again. Meanwhile
 * #ShDatabase:available is %FALSE. Work that is safe to run again waits for the new
 * connection and runs again: work that had sent nothing yet or whose transaction the
 * server undid (for a while), and idempotent work (until the database is closed). Other
 * work fails with %SH_STORE_ERROR_CONNECTION_LOST.
 */

/* Reconnection attempts start at once, then back off up to this. */
#define RECONNECT_BACKOFF_MIN_MS  250
#define RECONNECT_BACKOFF_MAX_MS  5000
/* How long work that is safe to repeat, but not idempotent, waits for a new connection. */
#define RECONNECT_WAIT_S          30

typedef struct
{
  GdaStatement *stmt;    /* (owned) */
  GdaSet       *params;  /* (owned) (nullable) */
} ShCachedStatement;

typedef struct
{
  ShDatabaseFunc  func;
  gpointer        data;         /* (unowned) owned by the task's task data */
  GTask          *task;         /* (owned) (nullable) NULL for the close request */
  gboolean        needs_cnc;
  gboolean        idempotent;   /* may run again even when its outcome is unknown */
  gpointer        result;       /* (owned) (nullable) */
  GDestroyNotify  result_free;
  GError         *error;        /* (owned) (nullable) */
} ShDatabaseOp;

struct _ShDatabase
{
  GObject         parent_instance;

  /* Set at construction, read-only afterwards: any thread may read them. */
  ShDatabaseUrl  *url;             /* (owned) (nullable) NULL when the address is invalid */
  GError         *url_error;       /* (owned) (nullable) */
  char           *location;        /* (owned) a path, or a URL without its password */
  char           *sqlite_path;     /* (owned) (nullable) */

  GMutex          mutex;           /* guards thread and closed */
  GCond           cond;            /* signalled when closed */
  GThread        *thread;          /* (owned) (nullable) */
  GAsyncQueue    *queue;           /* (owned) of ShDatabaseOp */
  gboolean        closed;
  GMainContext   *context;         /* (owned) where notify::available is emitted */

  /* Any thread (atomic): FALSE while a lost connection is being made again. */
  int             available;

  /* Any thread (atomic): failed Generates in a row that make a scene *failing*. */
  guint           failing_threshold;

  /* Worker thread only. */
  GdaConnection  *cnc;             /* (owned) (nullable) */
  GdaSqlParser   *parser;          /* (owned) (nullable) */
  GHashTable     *statements;      /* (owned) SQL text → ShCachedStatement */
  gboolean        is_postgres;
  gboolean        in_transaction;
  gboolean        committing;
  guint           sqlite_version;  /* major * 1000000 + minor * 1000 + patch */
  gpointer        pgconn;          /* (unowned) (nullable) libpq's connection under cnc */
  gboolean        lost;            /* cnc is dead: never hand it to libgda again */
  char           *lost_reason;     /* (owned) (nullable) */
  gint64          next_attempt;    /* monotonic time of the next reconnection */
  guint           backoff_ms;
  gboolean        op_unsafe;       /* the running op changed something a retry would repeat */
  ShDatabaseExecuteHook execute_hook;
  gpointer        execute_hook_data;
};

static GQuark
sql_quark (void)
{
  return g_quark_from_static_string ("sh-database-sql");
}

G_DEFINE_FINAL_TYPE (ShDatabase, sh_database, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sh_cached_statement_free (gpointer data)
{
  ShCachedStatement *cached = data;

  g_clear_object (&cached->params);
  g_clear_object (&cached->stmt);
  g_free (cached);
}

static void
sh_database_op_free (ShDatabaseOp *op)
{
  if (op->result != NULL && op->result_free != NULL)
    op->result_free (op->result);
  g_clear_error (&op->error);
  g_clear_object (&op->task);
  g_free (op);
}

static gboolean
is_worker_thread (ShDatabase *self)
{
  return self->thread != NULL && g_thread_self () == self->thread;
}

/* libgda's messages are one line from SQLite, several from PostgreSQL (DETAIL, HINT, the
 * offending line); a user needs the first. */
static char *
first_line (const char *message)
{
  g_autofree char *line = NULL;
  gsize len;

  if (message == NULL || *message == '\0')
    return g_strdup (_("unknown error"));

  line = g_strndup (message, strcspn (message, "\r\n"));

  /* libpq's severity words ("…: FATAL:  database "x" does not exist") say nothing to a
   * user. */
  for (guint i = 0; i < 2; i++)
    {
      const char *prefix = i == 0 ? "FATAL:  " : "ERROR:  ";
      char *found;

      while ((found = strstr (line, prefix)) != NULL)
        memmove (found, found + strlen (prefix), strlen (found + strlen (prefix)) + 1);
    }

  g_strstrip (line);
  len = strlen (line);
  while (len > 0 && line[len - 1] == '.')
    line[--len] = '\0';

  return g_steal_pointer (&line);
}

/*
 * _sh_database_propagate_error:
 * @gda_error: (transfer full) (nullable): libgda's error
 * @code: the code to use when the error is not a constraint violation or corruption
 * @what: the first part of the message, a translated sentence without final period
 *
 * libgda maps neither SQLite's nor PostgreSQL's error codes reliably (it reports SQLSTATE
 * 00000 or -1 for a unique violation), so the kind of error is read from the message.
 */
void
_sh_database_propagate_error (ShDatabase    *self,
                              GError       **error,
                              GError        *gda_error,
                              ShStoreError   code,
                              const char    *what)
{
  g_autoptr(GError) owned = gda_error;
  g_autofree char *detail = NULL;
  const char *message = gda_error != NULL && gda_error->message != NULL ? gda_error->message : "";

  /* In a PostgreSQL transaction, libgda 5 retries a statement that failed to prepare
   * without preparing it, and reports that second failure ("current transaction is
   * aborted"). The real cause is the connection's first error event. */
  if (self->cnc != NULL && strstr (message, "current transaction is aborted") != NULL)
    {
      for (const GList *l = gda_connection_get_events (self->cnc); l != NULL; l = l->next)
        {
          GdaConnectionEvent *event = l->data;

          if (gda_connection_event_get_event_type (event) == GDA_CONNECTION_EVENT_ERROR
              && gda_connection_event_get_description (event) != NULL)
            {
              message = gda_connection_event_get_description (event);
              break;
            }
        }
    }
  detail = first_line (message);

  if (g_error_matches (gda_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || (gda_error != NULL && gda_error->domain == SH_STORE_ERROR))
    {
      g_propagate_error (error, g_steal_pointer (&owned));
      return;
    }

  if (strstr (message, "not a database") != NULL || strstr (message, "malformed") != NULL)
    {
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CORRUPT,
                   _("Could not use the database %s: %s. The file is damaged or is not a "
                     "database; move it away or choose another database in Preferences."),
                   self->location, detail);
      return;
    }

  if (strstr (message, "UNIQUE constraint failed") != NULL
      || strstr (message, "duplicate key value violates unique constraint") != NULL
      || strstr (message, "is not unique") != NULL
      || strstr (message, "must be unique") != NULL)
    {
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONSTRAINT,
                   _("%s: the change conflicts with a record that is already in the "
                     "database (%s)."),
                   what, detail);
      return;
    }

  if (strstr (message, "database is locked") != NULL)
    {
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY,
                   _("%s: the database %s is busy in another program. Try again in a "
                     "moment."),
                   what, self->location);
      return;
    }

  switch (code)
    {
    case SH_STORE_ERROR_OPEN:
      if (self->is_postgres
          || (self->url != NULL && g_strcmp0 (self->url->provider, "PostgreSQL") == 0))
        g_set_error (error, SH_STORE_ERROR, code,
                     _("%s: %s. Check that the server is running and that the address, user "
                       "name and password of the database in Preferences are right."),
                     what, detail);
      else
        g_set_error (error, SH_STORE_ERROR, code,
                     _("%s: %s. Check that the file can be written, or choose another "
                       "database in Preferences."),
                     what, detail);
      break;

    case SH_STORE_ERROR_MIGRATION:
      g_set_error (error, SH_STORE_ERROR, code,
                   _("%s: %s. Make sure the database can be written, or choose another "
                     "database in Preferences."),
                   what, detail);
      break;

    case SH_STORE_ERROR_QUERY:
    case SH_STORE_ERROR_CONSTRAINT:
    case SH_STORE_ERROR_CORRUPT:
    case SH_STORE_ERROR_CONNECTION_LOST:
    default:
      g_set_error (error, SH_STORE_ERROR, code,
                   _("%s: %s. Try again; if it keeps failing, check the database in "
                     "Preferences."),
                   what, detail);
      break;
    }
}

static void
set_not_open_error (ShDatabase  *self,
                    GError     **error)
{
  g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN,
               _("The database %s is not open. Open it before using it."), self->location);
}

static void
set_closed_error (ShDatabase  *self,
                  GError     **error)
{
  g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN,
               _("The database %s has been closed. Restart StashHog to use it again."),
               self->location);
}

static void
set_lost_error (ShDatabase  *self,
                GError     **error)
{
  g_autofree char *detail = first_line (self->lost_reason);

  g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_CONNECTION_LOST,
               _("The connection to the database %s was lost (%s). A change in progress was "
                 "not saved; StashHog is reconnecting. Try again in a moment, and check "
                 "that the database server is running if it keeps failing."),
               self->location, detail);
}

/* What libpq and PostgreSQL say when the connection is gone: libpq's own messages (no
 * SQLSTATE), and the server's when it shuts down or restarts. */
static gboolean
is_connection_lost_error (ShDatabase   *self,
                          const GError *gda_error)
{
  static const char * const messages[] = {
    "server closed the connection",
    "no connection to the server",
    "terminating connection due to administrator command",
    "could not send data to server",
    "could not receive data from server",
    "connection to server was lost",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "SSL SYSCALL error",
    "SSL connection has been closed unexpectedly",
  };
  const char *message;

  if (!self->is_postgres || gda_error == NULL || gda_error->domain == SH_STORE_ERROR
      || g_error_matches (gda_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  message = gda_error->message != NULL ? gda_error->message : "";
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      if (strstr (message, messages[i]) != NULL)
        return TRUE;
    }

  /* SQLSTATE class 08 (connection exception) and 57P01..57P03 (shutdown, crash, cannot
   * connect now), from the connection's latest error event. */
  if (self->cnc != NULL)
    {
      const GList *events = gda_connection_get_events (self->cnc);

      for (const GList *l = g_list_last ((GList *) events); l != NULL; l = l->prev)
        {
          GdaConnectionEvent *event = l->data;
          const char *sqlstate;

          if (gda_connection_event_get_event_type (event) != GDA_CONNECTION_EVENT_ERROR)
            continue;
          sqlstate = gda_connection_event_get_sqlstate (event);
          return sqlstate != NULL
                 && (g_str_has_prefix (sqlstate, "08") || g_str_equal (sqlstate, "57P01")
                     || g_str_equal (sqlstate, "57P02") || g_str_equal (sqlstate, "57P03"));
        }
    }

  return FALSE;
}

typedef struct
{
  GWeakRef self;
} NotifyAvailable;

static gboolean
notify_available_cb (gpointer user_data)
{
  NotifyAvailable *data = user_data;
  g_autoptr(ShDatabase) self = g_weak_ref_get (&data->self);

  if (self != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);

  return G_SOURCE_REMOVE;
}

static void
notify_available_free (gpointer user_data)
{
  NotifyAvailable *data = user_data;

  g_weak_ref_clear (&data->self);
  g_free (data);
}

/* On the worker: the property changes at once, its notification comes on the context
 * that created the database. */
static void
set_available (ShDatabase *self,
               gboolean    available)
{
  g_autoptr(GSource) source = NULL;
  NotifyAvailable *data;

  if (g_atomic_int_get (&self->available) == available)
    return;
  g_atomic_int_set (&self->available, available);

  data = g_new0 (NotifyAvailable, 1);
  g_weak_ref_init (&data->self, self);
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[stashhog] database available");
  g_source_set_callback (source, notify_available_cb, data, notify_available_free);
  g_source_attach (source, self->context);
}

/* On the worker: the connection is dead. It is not closed here (the running function may
 * still hold its data models) but after the function returns, and never used again. */
static void
mark_lost (ShDatabase *self,
           const char *reason)
{
  if (self->lost)
    return;

  g_message ("The connection to the database %s was lost: %s", self->location,
             reason != NULL ? reason : "?");
  self->lost = TRUE;
  g_free (self->lost_reason);
  self->lost_reason = g_strdup (reason);
  /* The server rolled the transaction back. */
  self->in_transaction = FALSE;
  self->committing = FALSE;
  self->next_attempt = g_get_monotonic_time ();
  self->backoff_ms = RECONNECT_BACKOFF_MIN_MS;
  set_available (self, FALSE);
}

/* On the worker, before each call into the provider: %FALSE (with @error set) when the
 * connection is gone. libpq learns it by reading what the server sent (its goodbye and
 * end of stream after a restart) without sending anything. */
void
_sh_database_set_execute_hook (ShDatabase            *self,
                               ShDatabaseExecuteHook  hook,
                               gpointer               user_data)
{
  self->execute_hook = hook;
  self->execute_hook_data = user_data;
}

static gboolean
check_connection (ShDatabase    *self,
                  GdaStatement  *stmt,
                  GError       **error)
{
  if (self->execute_hook != NULL && stmt != NULL)
    self->execute_hook (self, g_object_get_qdata (G_OBJECT (stmt), sql_quark ()),
                        self->execute_hook_data);

  if (self->lost)
    {
      set_lost_error (self, error);
      return FALSE;
    }

  if (self->cnc == NULL)
    {
      set_not_open_error (self, error);
      return FALSE;
    }

#ifdef SH_HAVE_LIBPQ
  if (self->pgconn != NULL)
    {
      PGconn *pgconn = self->pgconn;
      struct pollfd pfd = { PQsocket (pgconn), POLLIN, 0 };

      /* Between statements the server sends nothing unasked, so anything to read is a
       * goodbye ("terminating connection…") or the end of the stream; the reads go on
       * until libpq has seen the end, which one read may not reach. */
      for (guint i = 0; i < 8 && pfd.fd >= 0 && PQstatus (pgconn) == CONNECTION_OK; i++)
        {
          if (poll (&pfd, 1, 0) <= 0 || (pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
            break;
          if (PQconsumeInput (pgconn) == 0)
            break;
        }

      if (PQstatus (pgconn) != CONNECTION_OK)
        {
          mark_lost (self, PQerrorMessage (pgconn));
          set_lost_error (self, error);
          return FALSE;
        }
    }
#endif

  return TRUE;
}

/* Worker side ------------------------------------------------------------------------- */

static void
sh_database_worker_close (ShDatabase *self)
{
  if (self->in_transaction && !self->lost)
    sh_database_rollback (self);
  self->in_transaction = FALSE;
  self->pgconn = NULL;

  /* Statements and their parameter sets go first; libgda 5's PostgreSQL data models and
   * prepared statements still talk to the connection when they are finalized. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_object (&self->parser);

  if (self->cnc != NULL)
    {
      gda_connection_close (self->cnc);
      g_clear_object (&self->cnc);
    }
}

static gboolean
sh_database_complete_op_cb (gpointer user_data)
{
  ShDatabaseOp *op = user_data;

  if (op->error != NULL)
    g_task_return_error (op->task, g_steal_pointer (&op->error));
  else
    g_task_return_pointer (op->task, g_steal_pointer (&op->result), op->result_free);

  return G_SOURCE_REMOVE;
}

static gboolean
is_closed (ShDatabase *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->closed;
}

/* On the worker: sleeps until @until (monotonic), unless the database is closed or
 * @cancellable cancelled meanwhile. Returns %FALSE then. */
static gboolean
worker_sleep_until (ShDatabase   *self,
                    gint64        until,
                    GCancellable *cancellable)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();

      if (self->closed || g_cancellable_is_cancelled (cancellable))
        return FALSE;
      if (now >= until)
        return TRUE;
      /* Woken by close; a cancellable is looked at every 100 ms. */
      g_cond_wait_until (&self->cond, &self->mutex, MIN (until, now + 100 * G_TIME_SPAN_MILLISECOND));
    }
}

static gboolean sh_database_connect (ShDatabase  *self,
                                     GError     **error);

/* On the worker: one attempt to replace a lost connection, when its time has come. */
static gboolean
try_reconnect (ShDatabase  *self,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!self->lost)
    return TRUE;

  /* What is left of the dead connection goes first, without a word to the server. */
  sh_database_worker_close (self);

  if (g_get_monotonic_time () < self->next_attempt)
    {
      set_lost_error (self, error);
      return FALSE;
    }

  self->lost = FALSE;
  if (!sh_database_connect (self, &local_error)
      || !_sh_database_create_scratch_tables (self, &local_error))
    {
      self->lost = TRUE;
      sh_database_worker_close (self);
      self->next_attempt = g_get_monotonic_time () + self->backoff_ms * G_TIME_SPAN_MILLISECOND;
      self->backoff_ms = MIN (self->backoff_ms * 2, RECONNECT_BACKOFF_MAX_MS);
      g_debug ("Could not reconnect to the database %s: %s", self->location,
               local_error->message);
      set_lost_error (self, error);
      return FALSE;
    }

  g_message ("Reconnected to the database %s", self->location);
  g_clear_pointer (&self->lost_reason, g_free);
  self->backoff_ms = RECONNECT_BACKOFF_MIN_MS;
  set_available (self, TRUE);

  return TRUE;
}

/* On the worker, before an op that needs the connection: a new one if it was lost. An op
 * allowed to wait waits, with backoff, until @deadline. */
static gboolean
ensure_connection (ShDatabase    *self,
                   GCancellable  *cancellable,
                   gint64         deadline,
                   GError       **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      if (try_reconnect (self, &local_error))
        return TRUE;

      if (self->next_attempt > deadline || is_closed (self)
          || !worker_sleep_until (self, self->next_attempt, cancellable))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
}

static void
sh_database_worker_run_op (ShDatabase   *self,
                           ShDatabaseOp *op)
{
  GCancellable *cancellable = g_task_get_cancellable (op->task);
  g_autoptr(GSource) source = NULL;
  gint64 deadline = G_MAXINT64;

  while (!g_cancellable_set_error_if_cancelled (cancellable, &op->error))
    {
      if (op->needs_cnc && self->cnc == NULL && !self->lost)
        {
          set_not_open_error (self, &op->error);
          break;
        }

      if (op->needs_cnc && self->lost)
        {
          /* Waiting is for work that the caller wants done whenever it can be; the rest
           * waits a little, for a server that restarts, then fails. Nothing waits once
           * the database is being closed. */
          if (!op->idempotent && deadline == G_MAXINT64)
            deadline = g_get_monotonic_time () + RECONNECT_WAIT_S * G_TIME_SPAN_SECOND;
          if (!ensure_connection (self, cancellable, deadline, &op->error))
            break;
        }

      self->op_unsafe = FALSE;
      op->result = op->func (self, self->cnc, op->data, cancellable, &op->error);

      if (self->in_transaction)
        {
          /* Error paths may leave the rollback to us; success paths must commit. */
          if (op->error == NULL)
            g_critical ("A database function returned with its transaction still open; "
                        "rolling it back");
          sh_database_rollback (self);
        }

      if (self->lost)
        sh_database_worker_close (self);

      /* A transaction the lost connection cut was undone by the server, and work that
       * had sent nothing did nothing: both run again on a new connection. So does
       * idempotent work, whose outcome may be unknown (a COMMIT without its answer). */
      if (g_error_matches (op->error, SH_STORE_ERROR, SH_STORE_ERROR_CONNECTION_LOST)
          && op->needs_cnc && (op->idempotent || !self->op_unsafe) && !is_closed (self))
        {
          g_debug ("Running again, on a new connection, work cut by the lost connection: %s",
                   op->error->message);
          g_clear_error (&op->error);
          if (op->result != NULL && op->result_free != NULL)
            op->result_free (op->result);
          op->result = NULL;
          continue;
        }

      break;
    }

  if (op->error != NULL && op->result != NULL)
    {
      if (op->result_free != NULL)
        op->result_free (op->result);
      op->result = NULL;
    }

  /* The task is completed, and unreffed, on its own context: the last reference to the
   * database must never be dropped here, where dispose could not join this thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[stashhog] database result");
  g_source_set_callback (source, sh_database_complete_op_cb, op,
                         (GDestroyNotify) sh_database_op_free);
  g_source_attach (source, g_task_get_context (op->task));
}

static gpointer
sh_database_worker (gpointer data)
{
  ShDatabase *self = data;

  for (;;)
    {
      ShDatabaseOp *op;

      /* While the connection is lost and nothing is asked, reconnect in the background,
       * so that #ShDatabase:available comes back by itself. */
      if (self->lost)
        {
          gint64 wait = self->next_attempt - g_get_monotonic_time ();

          op = wait > 0 ? g_async_queue_timeout_pop (self->queue, (guint64) wait)
                        : g_async_queue_try_pop (self->queue);
          if (op == NULL)
            {
              try_reconnect (self, NULL);
              continue;
            }
        }
      else
        {
          op = g_async_queue_pop (self->queue);
        }

      if (op->task == NULL)
        {
          sh_database_worker_close (self);
          sh_database_op_free (op);
          break;
        }

      sh_database_worker_run_op (self, op);
    }

  return NULL;
}

/* Queues @op, or completes it with an error once the database is closed. */
static void
sh_database_push (ShDatabase   *self,
                  ShDatabaseOp *op)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (self->closed)
    {
      g_autoptr(GError) error = NULL;

      set_closed_error (self, &error);
      g_task_return_error (op->task, g_steal_pointer (&error));
      sh_database_op_free (op);
      return;
    }

  if (self->thread == NULL)
    self->thread = g_thread_new ("sh-database", sh_database_worker, self);

  g_async_queue_push (self->queue, op);
}

static void
sh_database_queue (ShDatabase     *self,
                   GTask          *task,
                   ShDatabaseFunc  func,
                   gpointer        data,
                   GDestroyNotify  result_free,
                   gboolean        needs_cnc)
{
  ShDatabaseOp *op = g_new0 (ShDatabaseOp, 1);

  op->task = g_object_ref (task);
  op->func = func;
  op->data = data;
  op->result_free = result_free;
  op->needs_cnc = needs_cnc;
  op->idempotent = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "sh-database-idempotent"));

  sh_database_push (self, op);
}

/* Object ------------------------------------------------------------------------------ */

static void
sh_database_dispose (GObject *object)
{
  ShDatabase *self = (ShDatabase *)object;

  sh_database_close (self);

  G_OBJECT_CLASS (sh_database_parent_class)->dispose (object);
}

static void
sh_database_finalize (GObject *object)
{
  ShDatabase *self = (ShDatabase *)object;

  g_assert (self->thread == NULL);
  g_assert (self->cnc == NULL);

  g_clear_pointer (&self->url, sh_database_url_free);
  g_clear_error (&self->url_error);
  g_clear_pointer (&self->location, g_free);
  g_clear_pointer (&self->sqlite_path, g_free);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->lost_reason, g_free);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sh_database_parent_class)->finalize (object);
}

static void
sh_database_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ShDatabase *self = SH_DATABASE (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, sh_database_get_available (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_database_class_init (ShDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_database_dispose;
  object_class->finalize = sh_database_finalize;
  object_class->get_property = sh_database_get_property;

  /**
   * ShDatabase:available:
   *
   * %FALSE while the connection to the database server is lost and being made again;
   * %TRUE otherwise (also before the database is opened). Notified on the main context
   * of the thread that created the database. When it turns %TRUE again, what other
   * processes changed meanwhile is worth reading again.
   */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gda_init ();
}

static void
sh_database_init (ShDatabase *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->queue = g_async_queue_new ();
  self->failing_threshold = SH_DEFAULT_FAILING_THRESHOLD;
  self->available = TRUE;
  self->backoff_ms = RECONNECT_BACKOFF_MIN_MS;
  self->context = g_main_context_ref_thread_default ();
}

/**
 * sh_database_get_available:
 * @self: a #ShDatabase
 *
 * Any thread may ask.
 *
 * Returns: %FALSE while a lost connection is being made again (see #ShDatabase:available)
 */
gboolean
sh_database_get_available (ShDatabase *self)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);

  return g_atomic_int_get (&self->available);
}

/**
 * sh_database_set_failing_threshold:
 * @self: a #ShDatabase
 * @n: failed Generates in a row (at least 1)
 *
 * From @n consecutive failed Generates on, a scene is *failing*: whole-library Generates
 * leave it out, and the Failing filter lists it (the `scene_failure` table).
 */
void
sh_database_set_failing_threshold (ShDatabase *self,
                                   guint       n)
{
  g_return_if_fail (SH_IS_DATABASE (self));

  g_atomic_int_set (&self->failing_threshold, MAX (n, 1));
}

guint
sh_database_get_failing_threshold (ShDatabase *self)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), SH_DEFAULT_FAILING_THRESHOLD);

  return g_atomic_int_get (&self->failing_threshold);
}

/**
 * sh_database_new:
 * @url: (nullable): an SQLite file path, `sqlite:///path` or
 *   `postgresql://user@host:port/database`; %NULL or empty for the default SQLite file
 *   `$XDG_DATA_HOME/stashhog/stashhog.db`
 * @password: (nullable): the PostgreSQL password, when @url carries none (the application
 *   keeps it in the keyring)
 *
 * Creates a database object. Nothing is opened until sh_database_open_async(); an invalid
 * @url is reported there.
 *
 * Returns: (transfer full): a new #ShDatabase
 */
ShDatabase *
sh_database_new (const char *url,
                 const char *password)
{
  ShDatabase *self = g_object_new (SH_TYPE_DATABASE, NULL);
  g_autofree char *default_path = NULL;

  if (url == NULL || *url == '\0')
    {
      default_path = g_build_filename (g_get_user_data_dir (), "stashhog", "stashhog.db", NULL);
      url = default_path;
    }

  self->url = sh_database_url_parse (url, &self->url_error);

  if (self->url != NULL && g_strcmp0 (self->url->provider, "SQLite") == 0)
    {
      if (g_path_is_absolute (url))
        {
          self->sqlite_path = g_strdup (url);
        }
      else
        {
          /* sqlite:///path → file:///path */
          g_autofree char *file_uri = g_strconcat ("file", url + strlen ("sqlite"), NULL);

          self->sqlite_path = g_filename_from_uri (file_uri, NULL, NULL);
        }
      self->location = g_strdup (self->sqlite_path != NULL ? self->sqlite_path : url);
    }
  else
    {
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED,
                                         NULL);

      /* Never show a password that was written into the address. */
      if (uri != NULL)
        self->location = g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);
      else
        self->location = g_strdup (url);
    }

  if (self->url != NULL && self->url->password == NULL && password != NULL && *password != '\0')
    self->url->password = g_strdup (password);

  return self;
}

/**
 * sh_database_get_provider:
 * @self: a #ShDatabase
 *
 * Returns: (nullable): the libgda provider, `SQLite` or `PostgreSQL`; %NULL when the
 *   address given to sh_database_new() is invalid
 */
const char *
sh_database_get_provider (ShDatabase *self)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), NULL);

  return self->url != NULL ? self->url->provider : NULL;
}

/**
 * sh_database_get_location:
 * @self: a #ShDatabase
 *
 * Returns: the database as shown to users: the SQLite file's path, or the PostgreSQL
 *   address without its password
 */
const char *
sh_database_get_location (ShDatabase *self)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), NULL);

  return self->location;
}

/* Opening ----------------------------------------------------------------------------- */

static gboolean
sh_database_setup_sqlite (ShDatabase  *self,
                          GError     **error)
{
  /* Settings for a desktop application's database:
   * - WAL lets the GUI read while stashhogctl or a sync writes, and makes commits cheap;
   * - synchronous=NORMAL is safe with WAL (a power cut may lose the last commits, never
   *   corrupt the file) and avoids an fsync per transaction;
   * - busy_timeout makes a second process wait for the write lock instead of failing;
   * - temp_store=MEMORY keeps the scratch tables of bulk operations off the disk;
   * - foreign_keys is off by default in SQLite. */
  static const char * const pragmas[] = {
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA foreign_keys = ON",
  };
  static const GType version_types[] = { G_TYPE_STRING, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *version = NULL;
  GdaStatement *stmt;
  guint major = 0, minor = 0, patch = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pragmas); i++)
    {
      if (!sh_database_execute_sql (self, pragmas[i], error))
        return FALSE;
    }

  /* ON CONFLICT … DO UPDATE needs SQLite 3.24. */
  if (!(stmt = sh_database_prepare (self, "SELECT sqlite_version()", error)))
    return FALSE;
  if (!(model = sh_database_select (self, stmt, NULL, version_types, error)))
    return FALSE;
  version = sh_database_model_dup_string (model, 0, 0);
  if (version == NULL || sscanf (version, "%u.%u.%u", &major, &minor, &patch) < 2
      || major < 3 || (major == 3 && minor < 24))
    {
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN,
                   _("Could not open the database %s: StashHog needs SQLite 3.24 or newer, "
                     "but libgda uses SQLite %s. Update SQLite or use a PostgreSQL database."),
                   self->location, version != NULL ? version : "?");
      return FALSE;
    }
  self->sqlite_version = major * 1000000 + minor * 1000 + patch;
  g_debug ("SQLite %s", version);

  return TRUE;
}

/* libgda 5 does not hand out libpq's connection. Its PostgreSQL provider keeps it in its
 * connection data right after a pointer to the GdaConnection (libgda 5 and 6 alike); it is
 * taken only when found there, and only to ask libpq whether it is still connected. */
static gpointer
find_pgconn (ShDatabase *self)
{
#ifdef SH_HAVE_LIBPQ
  gpointer *cdata = gda_connection_internal_get_provider_data_error (self->cnc, NULL);

  for (guint i = 0; cdata != NULL && i < 4; i++)
    {
      if (cdata[i] == (gpointer) self->cnc)
        {
          PGconn *pgconn = cdata[i + 1];

          g_autofree char *db_name = NULL;

          if (pgconn == NULL || PQstatus (pgconn) != CONNECTION_OK)
            break;
          db_name = g_strconcat ("DB_NAME=", PQdb (pgconn), NULL);
          if (strstr (self->url->cnc_string, db_name) != NULL)
            return pgconn;
          break;
        }
    }

  g_debug ("libpq's connection was not found; a lost connection is recognised by its "
           "errors only");
#endif

  return NULL;
}

/* On the worker: opens the connection and what goes with it (parser, statement cache). */
static gboolean
sh_database_connect (ShDatabase  *self,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *what = NULL;

  what = g_strdup_printf (_("Could not open the database %s"), self->location);
  auth = sh_database_url_get_auth_string (self->url);
  self->cnc = gda_connection_open_from_string (self->url->provider, self->url->cnc_string, auth,
                                               GDA_CONNECTION_OPTIONS_NONE, &local_error);
  if (auth != NULL)
    memset (auth, 0, strlen (auth));
  if (self->cnc == NULL)
    {
      _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                    SH_STORE_ERROR_OPEN, what);
      return FALSE;
    }

  /* The provider's own parser, in "delimit" mode: statements reach the server verbatim,
   * with only the ##name::type parameters replaced. libgda's full parser does not know
   * ON CONFLICT or IS DISTINCT FROM, and it rewrites some SQL it does know (`a IS NOT ?`
   * becomes `a IS (NOT ?)`). A raw BEGIN also keeps libgda from tracking the transaction,
   * which costs O(n) per statement in libgda 5. */
  self->parser = gda_connection_create_parser (self->cnc);
  if (self->parser == NULL)
    self->parser = gda_sql_parser_new ();
  g_object_set (self->parser, "mode", GDA_SQL_PARSER_MODE_DELIMIT, NULL);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            sh_cached_statement_free);

  if (self->is_postgres)
    self->pgconn = find_pgconn (self);

  return TRUE;
}

static gpointer
sh_database_open_func (ShDatabase     *self,
                       GdaConnection  *unused,
                       gpointer        data,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *what = NULL;

  if (self->cnc != NULL)
    return GINT_TO_POINTER (TRUE);

  if (self->url == NULL)
    {
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN,
                   _("Could not open the database: %s Choose another database in "
                     "Preferences."),
                   self->url_error != NULL ? self->url_error->message
                                           : _("The address is invalid."));
      return NULL;
    }

  self->is_postgres = g_strcmp0 (self->url->provider, "PostgreSQL") == 0;
  what = g_strdup_printf (_("Could not open the database %s"), self->location);

  if (self->sqlite_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->sqlite_path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int errsv = errno;

          g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN,
                       _("Could not create the folder %s for the database: %s. Check its "
                         "permissions, or choose another database in Preferences."),
                       dir, g_strerror (errsv));
          return NULL;
        }
    }

  if (!sh_database_connect (self, error))
    return NULL;

  if (!self->is_postgres)
    {
      if (!sh_database_setup_sqlite (self, &local_error))
        goto failed;
    }

  if (!_sh_database_migrate (self, cancellable, &local_error))
    goto failed;

  if (!_sh_database_create_scratch_tables (self, &local_error))
    goto failed;

  return GINT_TO_POINTER (TRUE);

failed:
  sh_database_worker_close (self);
  if (local_error->domain == SH_STORE_ERROR && local_error->code == SH_STORE_ERROR_QUERY)
    {
      /* A plain query failure while opening is an open failure for the user. */
      local_error->code = SH_STORE_ERROR_OPEN;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * sh_database_open_async:
 * @self: a #ShDatabase
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the database is open
 * @user_data: data for @callback
 *
 * Connects to the database (creating the SQLite file and its folder if needed) and brings
 * its schema up to date. Opening an open database succeeds at once.
 */
void
sh_database_open_async (ShDatabase          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_database_open_async);
  g_task_set_check_cancellable (task, FALSE);

  sh_database_queue (self, task, sh_database_open_func, NULL, NULL, FALSE);
}

/**
 * sh_database_open_finish:
 * @self: a #ShDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError in %SH_STORE_ERROR or %G_IO_ERROR
 *
 * Returns: %TRUE when the database is open and its schema current
 */
gboolean
sh_database_open_finish (ShDatabase    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sh_database_open_async, FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

/**
 * sh_database_run_async:
 * @self: a #ShDatabase
 * @func: (scope async): the work to run on the worker thread
 * @data: (nullable): data for @func
 * @data_free: (nullable): frees @data, on the caller's thread, once the task is done
 * @result_free: (nullable): frees @func's result if sh_database_run_finish() is never
 *   called
 * @cancellable: (nullable): a #GCancellable, also given to @func
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Queues @func to run on the worker thread with the open connection, after the work
 * queued before it. When @cancellable is cancelled before @func starts, @func does not run
 * and the result is %G_IO_ERROR_CANCELLED; once it runs, @func decides.
 */
void
sh_database_run_async (ShDatabase          *self,
                       ShDatabaseFunc       func,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GDestroyNotify       result_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_database_run_async);
  g_task_set_task_data (task, data, data_free);
  /* What the worker committed is the truth, even if the caller cancelled meanwhile. */
  g_task_set_check_cancellable (task, FALSE);

  sh_database_queue (self, task, func, data, result_free, TRUE);
}

/**
 * sh_database_run_finish:
 * @self: a #ShDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the function's result; %NULL with @error set on
 *   failure
 */
gpointer
sh_database_run_finish (ShDatabase    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sh_database_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Store operations --------------------------------------------------------------------- */

/* The task data of a store operation: its input, which the worker may also write to, and
 * how to free its result when nobody takes it. */
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

/*
 * _sh_database_run_task:
 * @task: the store's own task, which completes with the result of @func
 * @data: (transfer full) (nullable): the input, owned by @task, so that the worker may
 *   leave something in it for the store's _finish function (see
 *   _sh_database_task_get_data())
 * @result_free: how to free the result when nobody takes it
 *
 * Runs @func on the worker for a store (#ShSceneStore, #ShJobStore) and completes @task
 * with its result. Once the worker has committed, that is the truth: @task does not turn
 * into a cancellation error afterwards.
 */
void
_sh_database_run_task (ShDatabase     *self,
                       GTask          *task,
                       ShDatabaseFunc  func,
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

  sh_database_run_async (self, func, data, NULL, result_free, g_task_get_cancellable (task),
                         store_op_cb, g_object_ref (task));
}

/*
 * _sh_database_run_idempotent_task:
 *
 * As _sh_database_run_task(), for work that may run twice with the effect of once (a
 * job's row written again, a Generate's outcome applied again): when the connection is
 * lost, even in the middle of a COMMIT, it waits for a new connection and runs again,
 * until it is done, @task's cancellable is cancelled or the database is closed. What
 * must never be dropped (a job's final outcome) goes this way.
 */
void
_sh_database_run_idempotent_task (ShDatabase     *self,
                                  GTask          *task,
                                  ShDatabaseFunc  func,
                                  gpointer        data,
                                  GDestroyNotify  data_free,
                                  GDestroyNotify  result_free)
{
  StoreOp *op = g_new0 (StoreOp, 1);
  g_autoptr(GTask) inner = NULL;

  op->data = data;
  op->data_free = data_free;
  op->result_free = result_free;
  g_task_set_task_data (task, op, store_op_free);
  g_task_set_check_cancellable (task, FALSE);

  inner = g_task_new (self, g_task_get_cancellable (task), store_op_cb, g_object_ref (task));
  g_task_set_source_tag (inner, sh_database_run_async);
  g_task_set_check_cancellable (inner, FALSE);
  g_object_set_data (G_OBJECT (inner), "sh-database-idempotent", GINT_TO_POINTER (TRUE));

  sh_database_queue (self, inner, func, data, result_free, TRUE);
}

/*
 * _sh_database_task_get_data:
 *
 * Returns: (transfer none) (nullable): the input of a task run by _sh_database_run_task()
 */
gpointer
_sh_database_task_get_data (GTask *task)
{
  StoreOp *op = g_task_get_task_data (task);

  return op != NULL ? op->data : NULL;
}

/**
 * sh_database_close:
 * @self: a #ShDatabase
 *
 * Finishes the queued work, closes the connection and stops the worker thread. Results of
 * the finished work are still delivered; work queued afterwards fails with
 * %SH_STORE_ERROR_OPEN. Called by dispose; calling it again does nothing.
 */
void
sh_database_close (ShDatabase *self)
{
  GThread *thread = NULL;

  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (!is_worker_thread (self));

  g_mutex_lock (&self->mutex);
  if (!self->closed)
    {
      self->closed = TRUE;
      g_cond_broadcast (&self->cond);
      thread = self->thread;
      if (thread != NULL)
        g_async_queue_push (self->queue, g_new0 (ShDatabaseOp, 1));
    }
  g_mutex_unlock (&self->mutex);

  /* self->thread stays set until the worker has finished the queued work, which checks
   * that its helpers run on it. */
  if (thread != NULL)
    {
      g_thread_join (thread);
      g_mutex_lock (&self->mutex);
      self->thread = NULL;
      g_mutex_unlock (&self->mutex);
    }
}

/* Servers ----------------------------------------------------------------------------- */

static gboolean
is_secret_query_param (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autofree char *unescaped = g_uri_unescape_string (lower, NULL);
  const char *key = unescaped != NULL ? unescaped : lower;

  return g_str_equal (key, "apikey") || g_str_equal (key, "api_key")
         || g_str_equal (key, "api-key");
}

/**
 * sh_database_sanitize_server_url:
 * @url: a Stash server address
 * @error: return location for a #GError
 *
 * Normalizes a Stash address for storage: lower-case scheme and host, no trailing slash,
 * no fragment, and never a secret — user name, password and `apikey` query parameters are
 * removed.
 *
 * Returns: (transfer full) (nullable): the address to store, or %NULL with @error set
 *   (%G_IO_ERROR_INVALID_ARGUMENT) when @url is not an http or https address
 */
char *
sh_database_sanitize_server_url (const char  *url,
                                 GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;
  g_autoptr(GString) query = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  gsize len;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL
      || (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0
          && g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The Stash address must start with http:// or https:// and name a "
                     "server."));
      return NULL;
    }

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';

  if (g_uri_get_query (uri) != NULL)
    {
      g_auto(GStrv) params = g_strsplit (g_uri_get_query (uri), "&", -1);

      query = g_string_new (NULL);
      for (guint i = 0; params[i] != NULL; i++)
        {
          g_autofree char *name = g_strndup (params[i], strcspn (params[i], "="));

          if (*params[i] == '\0' || is_secret_query_param (name))
            continue;
          if (query->len > 0)
            g_string_append_c (query, '&');
          g_string_append (query, params[i]);
        }
    }

  clean = g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, host, g_uri_get_port (uri), path,
                       query != NULL && query->len > 0 ? query->str : NULL, NULL);

  return g_uri_to_string (clean);
}

typedef struct
{
  char *url;
  char *name;
  char *created_at;
} EnsureServer;

static void
ensure_server_free (gpointer data)
{
  EnsureServer *state = data;

  g_free (state->url);
  g_free (state->name);
  g_free (state->created_at);
  g_free (state);
}

static gboolean
lookup_server (ShDatabase  *self,
               const char  *url,
               gint64      *id,
               GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (self, "SELECT id FROM server WHERE url = ##url::string",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_string (params, "url", url);
  if (!(model = sh_database_select (self, stmt, params, types, error)))
    return FALSE;

  *id = gda_data_model_get_n_rows (model) > 0 ? sh_database_model_get_int64 (model, 0, 0) : 0;

  return TRUE;
}

static gpointer
ensure_server_func (ShDatabase     *self,
                    GdaConnection  *cnc,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  EnsureServer *state = data;
  GdaStatement *stmt;
  GdaSet *params;
  gint64 id = 0;

  if (!lookup_server (self, state->url, &id, error))
    return NULL;
  if (id > 0)
    return g_memdup2 (&id, sizeof id);

  /* Ids are MAX(id) + 1 rather than an identity column, whose syntax differs between
   * SQLite and PostgreSQL. ON CONFLICT DO NOTHING settles a race with another process:
   * whoever lost looks the row up again (same URL) or retries (same id). WHERE TRUE:
   * without it SQLite reads ON CONFLICT as part of the FROM clause. */
  stmt = sh_database_prepare_full (self,
                                   "INSERT INTO server (id, name, url, created_at) "
                                   "SELECT COALESCE(MAX(id), 0) + 1, ##name::string, "
                                   "##url::string, ##created_at::string FROM server "
                                   "WHERE TRUE ON CONFLICT DO NOTHING",
                                   &params, error);
  if (stmt == NULL)
    return NULL;

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      sh_database_set_string (params, "name", state->name);
      sh_database_set_string (params, "url", state->url);
      sh_database_set_string (params, "created_at", state->created_at);
      if (sh_database_execute (self, stmt, params, error) < 0)
        return NULL;
      if (!lookup_server (self, state->url, &id, error))
        return NULL;
      if (id > 0)
        return g_memdup2 (&id, sizeof id);
    }

  g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_QUERY,
               _("Could not add the Stash server %s to the database: other programs kept "
                 "adding servers at the same time. Try again."),
               state->url);
  return NULL;
}

/**
 * sh_database_ensure_server_async:
 * @self: a #ShDatabase
 * @url: the Stash server's address
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the server's id
 * @user_data: data for @callback
 *
 * Finds the `server` row of a Stash address, adding it if needed. The address is stored
 * as sh_database_sanitize_server_url() returns it, so an API key written into it never
 * reaches the database.
 */
void
sh_database_ensure_server_async (ShDatabase          *self,
                                 const char          *url,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GDateTime) now = NULL;
  EnsureServer *state;

  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_database_ensure_server_async);
  g_task_set_check_cancellable (task, FALSE);

  state = g_new0 (EnsureServer, 1);
  g_task_set_task_data (task, state, ensure_server_free);

  if (!(state->url = sh_database_sanitize_server_url (url, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  uri = g_uri_parse (state->url, G_URI_FLAGS_ENCODED, NULL);
  if (g_uri_get_port (uri) > 0)
    state->name = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  else
    state->name = g_strdup (g_uri_get_host (uri));
  now = g_date_time_new_now_utc ();
  state->created_at = g_date_time_format_iso8601 (now);

  sh_database_queue (self, task, ensure_server_func, state, g_free, TRUE);
}

/**
 * sh_database_ensure_server_finish:
 * @self: a #ShDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: the server's row id (> 0), or 0 with @error set
 */
gint64
sh_database_ensure_server_finish (ShDatabase    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (SH_IS_DATABASE (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == sh_database_ensure_server_async, 0);

  id = g_task_propagate_pointer (G_TASK (result), error);

  return id != NULL ? *id : 0;
}

/* Worker-side helpers ------------------------------------------------------------------ */

/**
 * sh_database_is_postgres:
 * @self: a #ShDatabase
 *
 * For the few statements whose syntax differs between the providers.
 *
 * Returns: %TRUE when connected to PostgreSQL
 */
gboolean
sh_database_is_postgres (ShDatabase *self)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);

  return self->is_postgres;
}

/**
 * sh_database_prepare_full:
 * @self: a #ShDatabase
 * @sql: one SQL statement, with parameters written `##name::type` (`::null` when the
 *   value may be %NULL), for example `WHERE id = ##id::gint64`
 * @params: (out) (optional) (transfer none) (nullable): the statement's parameters, shared
 *   by every user of this SQL text; set all of them before each execution
 * @error: return location for a #GError
 *
 * Parses @sql once and caches it by its text until the database closes. The SQL reaches
 * the server verbatim (only the parameters are replaced), so it may use syntax libgda does
 * not know, such as `ON CONFLICT`. Worker thread only.
 *
 * Returns: (transfer none) (nullable): the statement, or %NULL with @error set
 */
GdaStatement *
sh_database_prepare_full (ShDatabase  *self,
                          const char  *sql,
                          GdaSet     **params,
                          GError     **error)
{
  ShCachedStatement *cached;

  g_return_val_if_fail (SH_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (is_worker_thread (self), NULL);

  if (params != NULL)
    *params = NULL;

  if (self->lost)
    {
      set_lost_error (self, error);
      return NULL;
    }

  if (self->cnc == NULL)
    {
      set_not_open_error (self, error);
      return NULL;
    }

  cached = g_hash_table_lookup (self->statements, sql);
  if (cached == NULL)
    {
      g_autoptr(GdaStatement) stmt = NULL;
      g_autoptr(GdaSet) set = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *rest = NULL;

      stmt = gda_sql_parser_parse_string (self->parser, sql, &rest, &local_error);
      if (stmt == NULL
          || !gda_statement_get_parameters (stmt, &set, &local_error))
        {
          _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                        SH_STORE_ERROR_QUERY,
                                        _("Could not prepare a database statement"));
          return NULL;
        }

      /* Only one statement per call: a second one would be silently ignored. */
      g_return_val_if_fail (rest == NULL || strspn (rest, " \t\r\n;") == strlen (rest), NULL);

      /* Without this, every changed value emits validation signals through the set,
       * which doubled the cost of binding a page of scenes. Nothing here validates. */
      if (set != NULL)
        g_object_set (set, "validate-changes", FALSE, NULL);

      cached = g_new0 (ShCachedStatement, 1);
      cached->stmt = g_steal_pointer (&stmt);
      cached->params = g_steal_pointer (&set);
      g_object_set_qdata_full (G_OBJECT (cached->stmt), sql_quark (), g_strdup (sql), g_free);
      g_hash_table_insert (self->statements, g_strdup (sql), cached);
    }

  if (params != NULL)
    *params = cached->params;

  return cached->stmt;
}

/**
 * sh_database_prepare:
 * @self: a #ShDatabase
 * @sql: one SQL statement (see sh_database_prepare_full())
 * @error: return location for a #GError
 *
 * Like sh_database_prepare_full(), for callers that get the parameters with
 * gda_statement_get_parameters() or have none. Worker thread only.
 *
 * Returns: (transfer none) (nullable): the cached statement, or %NULL with @error set
 */
GdaStatement *
sh_database_prepare (ShDatabase  *self,
                     const char  *sql,
                     GError     **error)
{
  return sh_database_prepare_full (self, sql, NULL, error);
}

/**
 * sh_database_execute:
 * @self: a #ShDatabase
 * @stmt: a statement from sh_database_prepare_full()
 * @params: (nullable): its parameters
 * @error: return location for a #GError
 *
 * Runs a statement that returns no rows. Worker thread only.
 *
 * Returns: the number of rows changed; -2 when the provider does not say (DDL); -1 with
 *   @error set on failure
 */
gint64
sh_database_execute (ShDatabase    *self,
                     GdaStatement  *stmt,
                     GdaSet        *params,
                     GError       **error)
{
  g_autoptr(GObject) result = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 rows = -2;

  g_return_val_if_fail (SH_IS_DATABASE (self), -1);
  g_return_val_if_fail (GDA_IS_STATEMENT (stmt), -1);
  g_return_val_if_fail (is_worker_thread (self), -1);

  if (!check_connection (self, stmt, error))
    return -1;

  /* Outside a transaction, or committing it, a change is made for good: running the op
   * again after a lost connection could make it twice. */
  if (!self->in_transaction || self->committing)
    self->op_unsafe = TRUE;

  result = gda_connection_statement_execute (self->cnc, stmt, params,
                                             GDA_STATEMENT_MODEL_RANDOM_ACCESS, NULL,
                                             &local_error);
  if (result == NULL)
    {
      if (is_connection_lost_error (self, local_error))
        {
          mark_lost (self, local_error->message);
          set_lost_error (self, error);
          return -1;
        }
      _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                    SH_STORE_ERROR_QUERY,
                                    _("A change to the database failed"));
      return -1;
    }

  /* SQLite answers a PRAGMA with a data model; it is dropped here, at once. */
  if (GDA_IS_SET (result))
    {
      GdaHolder *holder = gda_set_get_holder (GDA_SET (result), "IMPACTED_ROWS");
      const GValue *value = holder != NULL ? gda_holder_get_value (holder) : NULL;

      if (value != NULL && G_VALUE_HOLDS_INT (value))
        rows = g_value_get_int (value);
      else if (value != NULL && G_VALUE_HOLDS_INT64 (value))
        rows = g_value_get_int64 (value);
    }

  return rows;
}

/**
 * sh_database_execute_sql:
 * @self: a #ShDatabase
 * @sql: one SQL statement without parameters
 * @error: return location for a #GError
 *
 * Prepares (cached) and runs @sql. Worker thread only.
 *
 * Returns: %TRUE on success
 */
gboolean
sh_database_execute_sql (ShDatabase  *self,
                         const char  *sql,
                         GError     **error)
{
  GdaStatement *stmt;

  if (!(stmt = sh_database_prepare (self, sql, error)))
    return FALSE;

  return sh_database_execute (self, stmt, NULL, error) != -1;
}

/**
 * sh_database_select:
 * @self: a #ShDatabase
 * @stmt: a statement from sh_database_prepare_full()
 * @params: (nullable): its parameters
 * @col_types: (array zero-terminated=0) (nullable): the GType of each column, ended by
 *   %G_TYPE_NONE; SQLite otherwise reports small integers as `gint` and booleans as
 *   integers
 * @error: return location for a #GError
 *
 * Runs a query. The model must be freed before the function running on the worker thread
 * returns. Worker thread only.
 *
 * Returns: (transfer full) (nullable): the rows, or %NULL with @error set
 */
GdaDataModel *
sh_database_select (ShDatabase    *self,
                    GdaStatement  *stmt,
                    GdaSet        *params,
                    const GType   *col_types,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GdaDataModel *model;

  g_return_val_if_fail (SH_IS_DATABASE (self), NULL);
  g_return_val_if_fail (GDA_IS_STATEMENT (stmt), NULL);
  g_return_val_if_fail (is_worker_thread (self), NULL);

  if (!check_connection (self, stmt, error))
    return NULL;

  model = gda_connection_statement_execute_select_full (self->cnc, stmt, params,
                                                        GDA_STATEMENT_MODEL_RANDOM_ACCESS,
                                                        (GType *)col_types, &local_error);
  if (model == NULL && is_connection_lost_error (self, local_error))
    {
      mark_lost (self, local_error->message);
      set_lost_error (self, error);
    }
  else if (model == NULL)
    {
      _sh_database_propagate_error (self, error, g_steal_pointer (&local_error),
                                    SH_STORE_ERROR_QUERY, _("A database query failed"));
    }

  return model;
}

/**
 * sh_database_begin:
 * @self: a #ShDatabase
 * @error: return location for a #GError
 *
 * Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so that two processes never
 * deadlock upgrading read locks). Transactions do not nest. Worker thread only.
 *
 * Returns: %TRUE on success
 */
gboolean
sh_database_begin (ShDatabase  *self,
                   GError     **error)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (is_worker_thread (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  /* In the transaction already for the bookkeeping: BEGIN changes nothing. */
  self->in_transaction = TRUE;
  if (!sh_database_execute_sql (self, self->is_postgres ? "BEGIN" : "BEGIN IMMEDIATE", error))
    {
      self->in_transaction = FALSE;
      return FALSE;
    }

  return TRUE;
}

/**
 * sh_database_commit:
 * @self: a #ShDatabase
 * @error: return location for a #GError
 *
 * Commits the transaction; when that fails, it is rolled back. Worker thread only.
 *
 * Returns: %TRUE on success
 */
gboolean
sh_database_commit (ShDatabase  *self,
                    GError     **error)
{
  g_return_val_if_fail (SH_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (is_worker_thread (self), FALSE);
  g_return_val_if_fail (self->in_transaction || self->lost, FALSE);

  /* The connection may have been lost inside the transaction: the server undid it. */
  if (!self->in_transaction)
    {
      set_lost_error (self, error);
      return FALSE;
    }

  self->committing = TRUE;
  if (!sh_database_execute_sql (self, "COMMIT", error))
    {
      self->committing = FALSE;
      sh_database_rollback (self);
      return FALSE;
    }

  self->committing = FALSE;
  self->in_transaction = FALSE;

  return TRUE;
}

/**
 * sh_database_rollback:
 * @self: a #ShDatabase
 *
 * Rolls the transaction back, if one is open. Errors are ignored: SQLite may already
 * have rolled back by itself after a failure. Worker thread only.
 */
void
sh_database_rollback (ShDatabase *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (is_worker_thread (self));

  if (!self->in_transaction || self->lost)
    return;

  /* Still in it while ROLLBACK runs: undoing changes nothing for good. */
  if (!sh_database_execute_sql (self, "ROLLBACK", &error))
    g_debug ("Rollback failed: %s", error->message);
  self->in_transaction = FALSE;
}

/*
 * _sh_database_get_distinct_operator:
 *
 * The null-safe inequality: `IS DISTINCT FROM` on PostgreSQL and SQLite 3.39 or newer,
 * SQLite's own `IS NOT` before that.
 */
const char *
_sh_database_get_distinct_operator (ShDatabase *self)
{
  if (self->is_postgres || self->sqlite_version >= 3039000)
    return "IS DISTINCT FROM";

  return "IS NOT";
}

/*
 * _sh_database_read_applied:
 * @applied: (out): whether the Generate @job_id was applied
 * @count: (out): how many scenes it updated then; 0 when not applied
 *
 * On the worker thread: the `job_applied` row of a Generate, which says that its
 * `tracked` scenes are the scenes it updated (see sh_job_store_apply_generated_async()).
 */
gboolean
_sh_database_read_applied (ShDatabase  *self,
                           const char  *job_id,
                           gboolean    *applied,
                           guint64     *count,
                           GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;
  GdaSet *params;

  stmt = sh_database_prepare_full (self,
                                   "SELECT scenes_updated FROM job_applied "
                                   "WHERE job_id = ##job_id::string",
                                   &params, error);
  if (stmt == NULL)
    return FALSE;
  sh_database_set_string (params, "job_id", job_id);
  if (!(model = sh_database_select (self, stmt, params, types, error)))
    return FALSE;

  *applied = gda_data_model_get_n_rows (model) > 0;
  *count = *applied ? (guint64) sh_database_model_get_int64 (model, 0, 0) : 0;

  return TRUE;
}

/*
 * _sh_database_get_updated_role:
 * @job_id: a job
 *
 * On the worker thread: the `job_scene` role that holds the scenes whose generated flag
 * @job_id changed. A Generate whose snapshot was applied keeps them as its `tracked`
 * scenes, every other job as `updated` rows.
 *
 * Returns: (transfer none): "tracked" or "updated"; %NULL with @error set on failure
 */
const char *
_sh_database_get_updated_role (ShDatabase  *self,
                               const char  *job_id,
                               GError     **error)
{
  gboolean applied = FALSE;
  guint64 count = 0;

  if (!_sh_database_read_applied (self, job_id, &applied, &count, error))
    return NULL;

  return applied ? "tracked" : "updated";
}

/* Scratch ids ------------------------------------------------------------------------- */

/* Ids per multi-row INSERT into the scratch table. libgda builds a statement's parameter
 * set in O(n²) of its parameters (gda_statement_get_parameters() took 0.4 s for 2,000
 * parameters and 1.7 s for 4,000), so statements stay at 400, which is also under the
 * 999 variables of older SQLite builds. The last chunk is padded by repeating the last
 * id, which IN (…) does not mind, so that one statement shape serves every list. */
#define ID_CHUNK_ROWS 400

/*
 * _sh_database_clear_ids:
 *
 * On the worker thread: empties the id scratch table.
 */
gboolean
_sh_database_clear_ids (ShDatabase  *self,
                        GError     **error)
{
  /* A DELETE would leave PostgreSQL's table full of dead rows, which every later use in
   * the transaction would read again; SQLite truncates on a DELETE without WHERE. */
  return sh_database_execute_sql (self,
                                  self->is_postgres
                                  ? "TRUNCATE " SH_TMP_ID_TABLE
                                  : "DELETE FROM " SH_TMP_ID_TABLE,
                                  error);
}

/*
 * _sh_database_release_ids:
 *
 * On the worker thread, after a use of the staged ids: PostgreSQL empties the table at
 * commit by itself; SQLite would keep the ids in memory until the next bulk operation.
 */
gboolean
_sh_database_release_ids (ShDatabase  *self,
                          GError     **error)
{
  return self->is_postgres || _sh_database_clear_ids (self, error);
}

/* The multi-row INSERT of ID_CHUNK_ROWS ids, and its holders in order. */
static GdaStatement *
prepare_id_chunk (ShDatabase  *self,
                  GdaSet     **params,
                  GPtrArray  **holders,
                  GError     **error)
{
  static char *sql = NULL;
  GdaStatement *stmt;
  GPtrArray *array;

  if (g_once_init_enter (&sql))
    {
      GString *text = g_string_new ("INSERT INTO " SH_TMP_ID_TABLE " (id) VALUES ");

      for (guint i = 0; i < ID_CHUNK_ROWS; i++)
        g_string_append_printf (text, "%s(##i%u::gint64)", i > 0 ? ", " : "", i);

      g_once_init_leave (&sql, g_string_free (text, FALSE));
    }

  if (!(stmt = sh_database_prepare_full (self, sql, params, error)))
    return NULL;

  /* Looking each holder up by name for every id would cost more than binding it. */
  array = g_object_get_data (G_OBJECT (*params), "sh-database-id-holders");
  if (array == NULL)
    {
      array = g_ptr_array_sized_new (ID_CHUNK_ROWS);
      for (guint i = 0; i < ID_CHUNK_ROWS; i++)
        {
          char name[16];

          g_snprintf (name, sizeof name, "i%u", i);
          g_ptr_array_add (array, _sh_database_get_holder (*params, name));
        }
      g_object_set_data_full (G_OBJECT (*params), "sh-database-id-holders", array,
                              (GDestroyNotify) g_ptr_array_unref);
    }

  *holders = array;

  return stmt;
}

/*
 * _sh_database_stage_ids:
 * @ids: (array length=n_ids): the ids; duplicates allowed
 *
 * On the worker thread, in a transaction: replaces the content of the id scratch table
 * (SH_TMP_ID_TABLE) by @ids, for a set-based statement to use. Call
 * _sh_database_release_ids() after the use.
 */
gboolean
_sh_database_stage_ids (ShDatabase    *self,
                        const gint64  *ids,
                        guint          n_ids,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GdaStatement *stmt;
  GPtrArray *holders = NULL;
  GdaSet *params = NULL;

  if (!_sh_database_clear_ids (self, error))
    return FALSE;

  if (n_ids == 0)
    return TRUE;

  if (!(stmt = prepare_id_chunk (self, &params, &holders, error)))
    return FALSE;

  for (guint start = 0; start < n_ids; start += ID_CHUNK_ROWS)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint i = 0; i < ID_CHUNK_ROWS; i++)
        _sh_database_holder_set_int64 (holders->pdata[i], ids[MIN (start + i, n_ids - 1)]);

      if (sh_database_execute (self, stmt, params, error) < 0)
        return FALSE;
    }

  return TRUE;
}

/* Values ------------------------------------------------------------------------------ */

static void
holder_set_gvalue (GdaHolder    *holder,
                   const GValue *value)
{
  g_autoptr(GError) error = NULL;
  GType type = gda_holder_get_g_type (holder);

  if (G_VALUE_TYPE (value) == type)
    {
      if (!gda_holder_set_value (holder, value, &error))
        g_critical ("Cannot set parameter %s: %s", gda_holder_get_id (holder), error->message);
    }
  else
    {
      g_auto(GValue) converted = G_VALUE_INIT;

      g_value_init (&converted, type);
      if (!g_value_transform (value, &converted))
        g_critical ("Parameter %s is a %s, not a %s", gda_holder_get_id (holder),
                    g_type_name (type), G_VALUE_TYPE_NAME (value));
      else if (!gda_holder_set_value (holder, &converted, &error))
        g_critical ("Cannot set parameter %s: %s", gda_holder_get_id (holder), error->message);
    }
}

void
_sh_database_holder_set_int64 (GdaHolder *holder,
                               gint64     value)
{
  g_auto(GValue) gvalue = G_VALUE_INIT;

  /* A nullable number is a ::string::null parameter (see above). */
  if (gda_holder_get_g_type (holder) == G_TYPE_STRING)
    {
      char text[32];

      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
      _sh_database_holder_set_string (holder, text);
      return;
    }

  g_value_init (&gvalue, G_TYPE_INT64);
  g_value_set_int64 (&gvalue, value);
  holder_set_gvalue (holder, &gvalue);
}

void
_sh_database_holder_set_int (GdaHolder *holder,
                             int        value)
{
  g_auto(GValue) gvalue = G_VALUE_INIT;

  if (gda_holder_get_g_type (holder) == G_TYPE_STRING)
    {
      _sh_database_holder_set_int64 (holder, value);
      return;
    }

  g_value_init (&gvalue, G_TYPE_INT);
  g_value_set_int (&gvalue, value);
  holder_set_gvalue (holder, &gvalue);
}

/* SQL NULL is bound as a string GValue holding a NULL pointer, which both providers pass
 * on as NULL (sqlite3_bind_text() and PQexecPrepared() treat a NULL pointer as NULL).
 * libgda's own NULL (gda_holder_set_value (holder, NULL)) must never be used: for every
 * NULL parameter libgda 5 copies the whole statement to look for `= NULL` to rewrite into
 * `IS NULL`, which (measured) leaks about 14 KB per parameter and execution, makes a
 * 64-row INSERT take 800 ms, and turns `SET col = NULL` into the syntax error
 * `SET col IS NULL`. Nullable parameters are therefore always declared ::string::null,
 * with a CAST where the database needs another type. */
void
_sh_database_holder_set_null (GdaHolder *holder)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) gvalue = G_VALUE_INIT;

  if (gda_holder_get_g_type (holder) != G_TYPE_STRING)
    {
      g_critical ("Parameter %s cannot be NULL: declare nullable parameters ##%s::string::null "
                  "(see sh_database_set_null())",
                  gda_holder_get_id (holder), gda_holder_get_id (holder));
      return;
    }

  g_value_init (&gvalue, G_TYPE_STRING);
  g_value_set_static_string (&gvalue, NULL);
  if (!gda_holder_set_value (holder, &gvalue, &error))
    g_critical ("Cannot set parameter %s: %s", gda_holder_get_id (holder), error->message);
}

void
_sh_database_holder_set_string (GdaHolder  *holder,
                                const char *value)
{
  g_auto(GValue) gvalue = G_VALUE_INIT;

  if (value == NULL)
    {
      _sh_database_holder_set_null (holder);
      return;
    }

  g_value_init (&gvalue, G_TYPE_STRING);
  g_value_set_static_string (&gvalue, value);
  holder_set_gvalue (holder, &gvalue);
}

void
_sh_database_holder_set_boolean (GdaHolder *holder,
                                 gboolean   value)
{
  g_auto(GValue) gvalue = G_VALUE_INIT;

  g_value_init (&gvalue, G_TYPE_BOOLEAN);
  g_value_set_boolean (&gvalue, !!value);
  holder_set_gvalue (holder, &gvalue);
}

void
_sh_database_holder_set_double (GdaHolder *holder,
                                double     value)
{
  g_auto(GValue) gvalue = G_VALUE_INIT;

  if (gda_holder_get_g_type (holder) == G_TYPE_STRING)
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];

      _sh_database_holder_set_string (holder, g_ascii_dtostr (text, sizeof text, value));
      return;
    }

  g_value_init (&gvalue, G_TYPE_DOUBLE);
  g_value_set_double (&gvalue, value);
  holder_set_gvalue (holder, &gvalue);
}

GdaHolder *
_sh_database_get_holder (GdaSet     *params,
                         const char *name)
{
  GdaHolder *holder = params != NULL ? gda_set_get_holder (params, name) : NULL;

  if (holder == NULL)
    g_critical ("The statement has no parameter ##%s", name);

  return holder;
}

/**
 * sh_database_set_int64:
 * @params: a statement's parameters
 * @name: the parameter's name, without `##`
 * @value: the value
 *
 * Sets a parameter, converting to its declared type.
 */
void
sh_database_set_int64 (GdaSet     *params,
                       const char *name,
                       gint64      value)
{
  GdaHolder *holder = _sh_database_get_holder (params, name);

  if (holder != NULL)
    _sh_database_holder_set_int64 (holder, value);
}

/**
 * sh_database_set_string:
 * @params: a statement's parameters
 * @name: the parameter's name, without `##`
 * @value: (nullable): the value, or %NULL for SQL NULL
 *
 * Sets a string parameter (declare it `::string::null` when it may be %NULL).
 */
void
sh_database_set_string (GdaSet     *params,
                        const char *name,
                        const char *value)
{
  GdaHolder *holder = _sh_database_get_holder (params, name);

  if (holder != NULL)
    _sh_database_holder_set_string (holder, value);
}

/**
 * sh_database_set_boolean:
 * @params: a statement's parameters
 * @name: the parameter's name, without `##`
 * @value: the value
 *
 * Sets a parameter.
 */
void
sh_database_set_boolean (GdaSet     *params,
                         const char *name,
                         gboolean    value)
{
  GdaHolder *holder = _sh_database_get_holder (params, name);

  if (holder != NULL)
    _sh_database_holder_set_boolean (holder, value);
}

/**
 * sh_database_set_double:
 * @params: a statement's parameters
 * @name: the parameter's name, without `##`
 * @value: the value
 *
 * Sets a parameter.
 */
void
sh_database_set_double (GdaSet     *params,
                        const char *name,
                        double      value)
{
  GdaHolder *holder = _sh_database_get_holder (params, name);

  if (holder != NULL)
    _sh_database_holder_set_double (holder, value);
}

/**
 * sh_database_set_null:
 * @params: a statement's parameters
 * @name: the parameter's name, without `##`
 *
 * Sets a parameter to SQL NULL. The parameter must be declared `##name::string::null`,
 * whatever its column's type: libgda 5 handles a NULL of any other type by rewriting the
 * statement on every execution, which leaks memory and breaks `SET col = NULL`. For a
 * nullable number write `CAST(##name::string::null AS BIGINT)` and set it with
 * sh_database_set_int64() or sh_database_set_double(), which then pass the number as text.
 */
void
sh_database_set_null (GdaSet     *params,
                      const char *name)
{
  GdaHolder *holder = _sh_database_get_holder (params, name);

  if (holder != NULL)
    _sh_database_holder_set_null (holder);
}

static const GValue *
model_value (GdaDataModel *model,
             int           row,
             int           column)
{
  g_autoptr(GError) error = NULL;
  const GValue *value;

  g_return_val_if_fail (GDA_IS_DATA_MODEL (model), NULL);

  value = gda_data_model_get_value_at (model, column, row, &error);
  if (value == NULL)
    g_debug ("No value at row %d, column %d: %s", row, column, error->message);

  return value;
}

/**
 * sh_database_model_is_null:
 * @model: a data model from sh_database_select()
 * @row: the row
 * @column: the column
 *
 * Returns: %TRUE when the value is SQL NULL (or missing)
 */
gboolean
sh_database_model_is_null (GdaDataModel *model,
                           int           row,
                           int           column)
{
  const GValue *value = model_value (model, row, column);

  return value == NULL || G_VALUE_TYPE (value) == GDA_TYPE_NULL
         || G_VALUE_TYPE (value) == G_TYPE_INVALID;
}

/**
 * sh_database_model_get_int64:
 * @model: a data model from sh_database_select()
 * @row: the row
 * @column: the column
 *
 * Returns: the value as an integer, 0 for NULL
 */
gint64
sh_database_model_get_int64 (GdaDataModel *model,
                             int           row,
                             int           column)
{
  const GValue *value = model_value (model, row, column);
  g_auto(GValue) converted = G_VALUE_INIT;

  if (value == NULL || G_VALUE_TYPE (value) == GDA_TYPE_NULL)
    return 0;
  if (G_VALUE_HOLDS_INT64 (value))
    return g_value_get_int64 (value);
  if (G_VALUE_HOLDS_STRING (value))
    return g_ascii_strtoll (g_value_get_string (value) != NULL ? g_value_get_string (value) : "0",
                            NULL, 10);

  g_value_init (&converted, G_TYPE_INT64);
  if (g_value_transform (value, &converted))
    return g_value_get_int64 (&converted);

  g_debug ("Cannot read a %s as an integer", G_VALUE_TYPE_NAME (value));
  return 0;
}

/**
 * sh_database_model_get_boolean:
 * @model: a data model from sh_database_select()
 * @row: the row
 * @column: the column
 *
 * Returns: the value as a boolean (SQLite stores 0 and 1), %FALSE for NULL
 */
gboolean
sh_database_model_get_boolean (GdaDataModel *model,
                               int           row,
                               int           column)
{
  const GValue *value = model_value (model, row, column);

  if (value == NULL || G_VALUE_TYPE (value) == GDA_TYPE_NULL)
    return FALSE;
  if (G_VALUE_HOLDS_BOOLEAN (value))
    return g_value_get_boolean (value);
  if (G_VALUE_HOLDS_STRING (value))
    {
      const char *str = g_value_get_string (value);

      return str != NULL && (g_ascii_strcasecmp (str, "t") == 0
                             || g_ascii_strcasecmp (str, "true") == 0
                             || g_strcmp0 (str, "1") == 0);
    }

  return sh_database_model_get_int64 (model, row, column) != 0;
}

/**
 * sh_database_model_get_double:
 * @model: a data model from sh_database_select()
 * @row: the row
 * @column: the column
 *
 * Returns: the value as a double, 0 for NULL
 */
double
sh_database_model_get_double (GdaDataModel *model,
                              int           row,
                              int           column)
{
  const GValue *value = model_value (model, row, column);
  g_auto(GValue) converted = G_VALUE_INIT;

  if (value == NULL || G_VALUE_TYPE (value) == GDA_TYPE_NULL)
    return 0;
  if (G_VALUE_HOLDS_DOUBLE (value))
    return g_value_get_double (value);
  if (G_VALUE_HOLDS_STRING (value))
    return g_ascii_strtod (g_value_get_string (value) != NULL ? g_value_get_string (value) : "0",
                           NULL);
  if (G_VALUE_TYPE (value) == GDA_TYPE_NUMERIC)
    return gda_numeric_get_double ((GdaNumeric *)gda_value_get_numeric (value));

  g_value_init (&converted, G_TYPE_DOUBLE);
  if (g_value_transform (value, &converted))
    return g_value_get_double (&converted);

  return 0;
}

/**
 * sh_database_model_dup_string:
 * @model: a data model from sh_database_select()
 * @row: the row
 * @column: the column
 *
 * Returns: (transfer full) (nullable): the value as a string, %NULL for NULL
 */
char *
sh_database_model_dup_string (GdaDataModel *model,
                              int           row,
                              int           column)
{
  const GValue *value = model_value (model, row, column);

  if (value == NULL || G_VALUE_TYPE (value) == GDA_TYPE_NULL)
    return NULL;
  if (G_VALUE_HOLDS_STRING (value))
    return g_value_dup_string (value);

  return gda_value_stringify (value);
}
