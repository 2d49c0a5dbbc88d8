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




GQuark
_sh_database_sql_quark (void)
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

gboolean
_sh_database_is_worker_thread (ShDatabase *self)
{
  return sh_worker_thread_is_in_worker_context (self->worker);
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

void
_sh_database_set_not_open_error (ShDatabase  *self,
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

void
_sh_database_set_lost_error (ShDatabase  *self,
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
gboolean
_sh_database_is_connection_lost_error (ShDatabase   *self,
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
void
_sh_database_mark_lost (ShDatabase *self,
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

gboolean
_sh_database_check_connection (ShDatabase    *self,
                               GdaStatement  *stmt,
                               GError       **error)
{
  if (self->execute_hook != NULL && stmt != NULL)
    self->execute_hook (self, g_object_get_qdata (G_OBJECT (stmt), _sh_database_sql_quark ()),
                        self->execute_hook_data);

  if (self->lost)
    {
      _sh_database_set_lost_error (self, error);
      return FALSE;
    }

  if (self->cnc == NULL)
    {
      _sh_database_set_not_open_error (self, error);
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
          _sh_database_mark_lost (self, PQerrorMessage (pgconn));
          _sh_database_set_lost_error (self, error);
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
  return sh_worker_thread_is_shut_down (self->worker);
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
      _sh_database_set_lost_error (self, error);
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
      _sh_database_set_lost_error (self, error);
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
          || !sh_worker_thread_sleep_until (self->worker, self->next_attempt, cancellable))
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
          _sh_database_set_not_open_error (self, &op->error);
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

static void
sh_database_worker_run_op_cb (gpointer data)
{
  ShDatabaseOp *op = data;

  sh_database_worker_run_op (op->db, op);
}

/* While the connection is lost and nothing is asked, reconnect in the background, so that
 * #ShDatabase:available comes back by itself. */
static gint64
sh_database_worker_idle_cb (gpointer data)
{
  ShDatabase *self = data;

  if (self->lost && g_get_monotonic_time () >= self->next_attempt)
    try_reconnect (self, NULL);

  return self->lost ? self->next_attempt : G_MAXINT64;
}

static void
sh_database_worker_close_cb (gpointer data)
{
  sh_database_worker_close (data);
}

/* Queues @op, or completes it with an error once the database is closed. */
static void
sh_database_push (ShDatabase   *self,
                  ShDatabaseOp *op)
{
  g_autoptr(GError) error = NULL;

  op->db = self;
  if (sh_worker_thread_queue (self->worker, sh_database_worker_run_op_cb, op))
    return;

  set_closed_error (self, &error);
  g_task_return_error (op->task, g_steal_pointer (&error));
  sh_database_op_free (op);
}

void
_sh_database_queue (ShDatabase     *self,
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

  g_assert (self->cnc == NULL);

  g_clear_pointer (&self->url, sh_database_url_free);
  g_clear_error (&self->url_error);
  g_clear_pointer (&self->location, g_free);
  g_clear_pointer (&self->sqlite_path, g_free);
  g_clear_object (&self->worker);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->lost_reason, g_free);

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
  self->worker = sh_worker_thread_new ("sh-database", sh_database_worker_idle_cb, self);
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

  _sh_database_queue (self, task, sh_database_open_func, NULL, NULL, FALSE);
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

  _sh_database_queue (self, task, func, data, result_free, TRUE);
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

/*
 * _sh_database_run_idempotent_async:
 *
 * As sh_database_run_async(), for work that may run twice with the effect of once: when
 * the connection is lost, even in the middle of a COMMIT, it waits for a new connection
 * and runs again, until it is done, @cancellable is cancelled or the database is closed.
 * Finish it with sh_database_run_finish().
 */
void
_sh_database_run_idempotent_async (ShDatabase          *self,
                                   ShDatabaseFunc       func,
                                   gpointer             data,
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
  g_task_set_check_cancellable (task, FALSE);
  g_object_set_data (G_OBJECT (task), "sh-database-idempotent", GINT_TO_POINTER (TRUE));

  _sh_database_queue (self, task, func, data, result_free, TRUE);
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
  g_return_if_fail (SH_IS_DATABASE (self));
  g_return_if_fail (!_sh_database_is_worker_thread (self));

  sh_worker_thread_shutdown (self->worker, sh_database_worker_close_cb, self);
}
