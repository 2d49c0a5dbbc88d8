/* sh-database.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "sh-database-private.h"
#include "sh-database-url.h"

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
void
_sh_database_set_available (ShDatabase *self,
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

/* Worker side ------------------------------------------------------------------------- */

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
          if (!_sh_database_ensure_connection (self, cancellable, deadline, &op->error))
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
        _sh_database_worker_close (self);

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
    _sh_database_try_reconnect (self, NULL);

  return self->lost ? self->next_attempt : G_MAXINT64;
}

static void
sh_database_worker_close_cb (gpointer data)
{
  _sh_database_worker_close (data);
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

  _sh_database_set_closed_error (self, &error);
  g_task_return_error (op->task, g_steal_pointer (&error));
  sh_database_op_free (op);
}

void
_sh_database_queue (ShDatabase        *self,
                    GTask             *task,
                    ShDatabaseFunc     func,
                    gpointer           data,
                    GDestroyNotify     result_free,
                    ShDatabaseOpFlags  flags)
{
  ShDatabaseOp *op = g_new0 (ShDatabaseOp, 1);

  op->task = g_object_ref (task);
  op->func = func;
  op->data = data;
  op->result_free = result_free;
  op->needs_cnc = (flags & SH_DATABASE_OP_NEEDS_CONNECTION) != 0;
  op->idempotent = (flags & SH_DATABASE_OP_IDEMPOTENT) != 0;

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
  g_clear_pointer (&self->sqlite_source_id, g_free);
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

  if (!_sh_database_connect (self, error))
    return NULL;

  if (!self->is_postgres)
    {
      if (!_sh_database_setup_sqlite (self, &local_error))
        goto failed;
      _sh_database_find_sqlite (self);
    }

  if (!_sh_database_migrate (self, cancellable, &local_error))
    goto failed;

  if (!_sh_database_create_scratch_tables (self, &local_error))
    goto failed;

  return GINT_TO_POINTER (TRUE);

failed:
  _sh_database_worker_close (self);
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

  _sh_database_queue (self, task, sh_database_open_func, NULL, NULL, 0);
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

static void
run_async (ShDatabase          *self,
           ShDatabaseFunc       func,
           gpointer             data,
           GDestroyNotify       data_free,
           GDestroyNotify       result_free,
           ShDatabaseOpFlags    flags,
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

  _sh_database_queue (self, task, func, data, result_free, flags);
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
  run_async (self, func, data, data_free, result_free, SH_DATABASE_OP_NEEDS_CONNECTION,
             cancellable, callback, user_data);
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
  run_async (self, func, data, NULL, result_free,
             SH_DATABASE_OP_NEEDS_CONNECTION | SH_DATABASE_OP_IDEMPOTENT, cancellable, callback,
             user_data);
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
