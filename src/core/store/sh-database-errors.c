/* sh-database-errors.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShDatabase's errors: libgda's errors of both providers turned into SH_STORE_ERROR codes
 * and sentences a user can act on, the database's own (not open, closed, connection lost),
 * and how a lost PostgreSQL connection is recognised in libpq's and the server's words.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-database-private.h"

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

void
_sh_database_set_closed_error (ShDatabase  *self,
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
