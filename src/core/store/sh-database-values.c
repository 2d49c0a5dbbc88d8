/* sh-database-values.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ShDatabase's values: parameters set on GdaSets and GdaHolders, and values read from
 * data models, in one place for both databases.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sh-database-private.h"
#include "sh-store-error.h"

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
