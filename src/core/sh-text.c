/* sh-text.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages kept untranslated beside the text a job stores, and shown again in the
 * reader's language. What comes back from a database is not trusted: only a message id
 * of the table below is ever translated and used as a format, and only when it and its
 * translation take exactly the strings that were stored.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sh-text.h"

/* No message takes more. */
#define MAX_ARGS 4

struct _ShText
{
  char      *msgid;         /* (owned) */
  char      *msgid_plural;  /* (owned) (nullable) */
  guint64    n;
  GStrv      args;          /* (owned) as written */
  GPtrArray *nested;        /* (owned) (nullable) ShText or NULL per argument */
};

typedef struct
{
  const char *msgid;
  const char *msgid_plural;
} KnownText;

static const KnownText known_texts[] = {
  { SH_TEXT_CANCELLED },
  { SH_TEXT_FAILED },
  { SH_TEXT_INTERRUPTED },
  { SH_TEXT_COMPLETED },
  { SH_TEXT_COMPLETED_WITH_ERRORS },
  { SH_TEXT_JOB_FAILED },
  { SH_TEXT_ORPHANED },
  { SH_TEXT_ORPHANED_GENERATE_GONE },
  { SH_TEXT_STOPPED_WAITING },
  { SH_TEXT_STOPPED_WAITING_STASH },
  { SH_TEXT_STOP_NOT_CONFIRMED },
  { SH_TEXT_STASH_RESTARTED },
  { SH_TEXT_STASH_FORGOT_JOB },
  { SH_TEXT_COULD_NOT_TELL },
  { SH_TEXT_STASH_JOB_FAILED },
  { SH_TEXT_STASH_JOB_FAILED_SILENTLY },
  { SH_TEXT_UNREACHABLE_TOO_LONG },
  { SH_TEXT_POLL_FAILED_TOO_LONG },
  { SH_TEXT_NOT_READY },
  { SH_TEXT_NO_FFMPEG },
  { SH_TEXT_STILL_LACKING },
  { SH_TEXT_STEP_FAILED },
  { SH_TEXT_STEP_WAIT_QUEUE },
  { SH_TEXT_STEP_SCAN },
  { SH_TEXT_STEP_SYNC },
  { SH_TEXT_STEP_CHECK },
  { SH_TEXT_STEP_GENERATE },
  { SH_TEXT_STEP_SYNC_NEW },
  { SH_TEXT_STEP_GENERATE_NEW },
  { SH_TEXT_STEP_CHECK_NEW },
  { SH_TEXT_CANNOT_CONNECT },
  { SH_TEXT_CONNECTION_FAILED },
};

static const KnownText *
lookup_known (const char *msgid,
              const char *msgid_plural)
{
  for (guint i = 0; msgid != NULL && i < G_N_ELEMENTS (known_texts); i++)
    {
      if (g_str_equal (known_texts[i].msgid, msgid) &&
          g_strcmp0 (known_texts[i].msgid_plural, msgid_plural) == 0)
        return &known_texts[i];
    }

  return NULL;
}

/* Whether @format takes exactly @n_args strings: `%s` only (and `%%`), either all plain
 * and @n_args of them, or all positional (`%2$s`, as a translation may reorder them) and
 * each of 1…@n_args taken. */
static gboolean
takes_strings (const char *format,
               guint       n_args)
{
  guint plain = 0;
  guint positional = 0;
  guint used = 0;

  for (const char *p = format; *p != '\0'; p++)
    {
      if (*p != '%')
        continue;
      p++;
      if (*p == '%')
        continue;
      if (*p == 's')
        {
          plain++;
          continue;
        }
      if (*p >= '1' && *p <= '9' && p[1] == '$' && p[2] == 's')
        {
          guint index = *p - '0';

          if (index > n_args)
            return FALSE;
          positional++;
          used |= 1u << (index - 1);
          p += 2;
          continue;
        }
      /* Anything else, an `%n` or a width, is not ours. */
      return FALSE;
    }

  if (positional > 0)
    return plain == 0 && used == (1u << n_args) - 1;

  return plain == n_args;
}

static ShText *
text_new_valist (const char *msgid,
                 const char *msgid_plural,
                 guint64     n,
                 va_list     args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  ShText *text;
  const char *arg;

  while ((arg = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, arg);

  text = g_new0 (ShText, 1);
  text->msgid = g_strdup (msgid);
  text->msgid_plural = g_strdup (msgid_plural);
  text->n = n;
  text->args = g_strv_builder_end (builder);

  return text;
}

/**
 * sh_text_new:
 * @msgid: one of the `SH_TEXT_` message ids of sh-text.h, untranslated
 * @...: the strings for its `%s`, then %NULL
 *
 * Returns: (transfer full): the message
 */
ShText *
sh_text_new (const char *msgid,
             ...)
{
  ShText *text;
  va_list args;

  g_return_val_if_fail (msgid != NULL, NULL);

  va_start (args, msgid);
  text = text_new_valist (msgid, NULL, 0, args);
  va_end (args);

  if (lookup_known (msgid, NULL) == NULL ||
      !takes_strings (msgid, g_strv_length (text->args)))
    g_critical ("“%s” is not a known message with %u arguments", msgid,
                g_strv_length (text->args));

  return text;
}

/**
 * sh_text_new_plural:
 * @msgid: the singular of an `SH_TEXT_` pair of sh-text.h
 * @msgid_plural: its plural
 * @n: the number that chooses the form
 * @...: the strings for its `%s`, then %NULL
 *
 * Returns: (transfer full): the message
 */
ShText *
sh_text_new_plural (const char *msgid,
                    const char *msgid_plural,
                    guint64     n,
                    ...)
{
  ShText *text;
  va_list args;

  g_return_val_if_fail (msgid != NULL, NULL);
  g_return_val_if_fail (msgid_plural != NULL, NULL);

  va_start (args, n);
  text = text_new_valist (msgid, msgid_plural, n, args);
  va_end (args);

  if (lookup_known (msgid, msgid_plural) == NULL ||
      !takes_strings (msgid, g_strv_length (text->args)) ||
      !takes_strings (msgid_plural, g_strv_length (text->args)))
    g_critical ("“%s” is not a known message with %u arguments", msgid,
                g_strv_length (text->args));

  return text;
}

/**
 * sh_text_copy:
 * @text: a message
 *
 * Returns: (transfer full): a copy of @text, nested messages too
 */
ShText *
sh_text_copy (const ShText *text)
{
  ShText *copy;

  g_return_val_if_fail (text != NULL, NULL);

  copy = g_new0 (ShText, 1);
  copy->msgid = g_strdup (text->msgid);
  copy->msgid_plural = g_strdup (text->msgid_plural);
  copy->n = text->n;
  copy->args = g_strdupv (text->args);
  if (text->nested != NULL)
    {
      copy->nested = g_ptr_array_new_full (text->nested->len, (GDestroyNotify) sh_text_free);
      for (guint i = 0; i < text->nested->len; i++)
        {
          ShText *nested = g_ptr_array_index (text->nested, i);

          g_ptr_array_add (copy->nested, nested != NULL ? sh_text_copy (nested) : NULL);
        }
    }

  return copy;
}

/**
 * sh_text_free:
 * @text: (nullable): a message
 */
void
sh_text_free (ShText *text)
{
  if (text == NULL)
    return;

  g_free (text->msgid);
  g_free (text->msgid_plural);
  g_strfreev (text->args);
  g_clear_pointer (&text->nested, g_ptr_array_unref);
  g_free (text);
}

/**
 * sh_text_set_nested:
 * @text: a message
 * @index: one of its arguments
 * @nested: (transfer full) (nullable): a message that the argument says (itself without
 *   nested messages), such as the error of a workflow's step
 *
 * The argument is then shown as @nested in the reader's language, and as written when
 * @nested cannot be.
 */
void
sh_text_set_nested (ShText *text,
                    guint   index,
                    ShText *nested)
{
  g_return_if_fail (text != NULL);
  g_return_if_fail (index < g_strv_length (text->args));
  g_return_if_fail (nested == NULL || nested->nested == NULL);

  if (nested == NULL)
    return;
  if (text->nested == NULL)
    {
      text->nested = g_ptr_array_new_full (g_strv_length (text->args),
                                           (GDestroyNotify) sh_text_free);
      g_ptr_array_set_size (text->nested, g_strv_length (text->args));
    }
  g_clear_pointer (&g_ptr_array_index (text->nested, index), sh_text_free);
  g_ptr_array_index (text->nested, index) = nested;
}

/**
 * sh_text_render:
 * @text: a message
 *
 * The message in the current language (the catalogue of %GETTEXT_PACKAGE).
 *
 * Returns: (transfer full) (nullable): the text, or %NULL when @text is not one of the
 *   known messages with as many `%s` as it has arguments (say, it was read from a
 *   database that someone changed), or its translation is broken: show the stored text
 *   then
 */
char *
sh_text_render (const ShText *text)
{
  const char *args[MAX_ARGS] = { NULL, };
  char *rendered[MAX_ARGS] = { NULL, };
  const KnownText *known;
  char *result;
  const char *format;
  guint n_args;

  g_return_val_if_fail (text != NULL, NULL);

  known = lookup_known (text->msgid, text->msgid_plural);
  n_args = g_strv_length (text->args);
  if (known == NULL || n_args > MAX_ARGS || !takes_strings (known->msgid, n_args) ||
      (known->msgid_plural != NULL && !takes_strings (known->msgid_plural, n_args)))
    return NULL;

  /* The table's strings, not the stored ones, from here on. */
  if (known->msgid_plural != NULL)
    format = g_dngettext (GETTEXT_PACKAGE, known->msgid, known->msgid_plural,
                          (gulong) MIN (text->n, G_MAXULONG));
  else
    format = g_dgettext (GETTEXT_PACKAGE, known->msgid);
  if (!takes_strings (format, n_args))
    return NULL;

  for (guint i = 0; i < n_args; i++)
    {
      ShText *nested = text->nested != NULL ? g_ptr_array_index (text->nested, i) : NULL;

      args[i] = text->args[i];
      if (nested != NULL && (rendered[i] = sh_text_render (nested)) != NULL)
        args[i] = rendered[i];
    }
  for (guint i = n_args; i < MAX_ARGS; i++)
    args[i] = "";

  /* Every conversion is a string that the format takes: checked above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  result = g_strdup_printf (format, args[0], args[1], args[2], args[3]);
#pragma GCC diagnostic pop

  for (guint i = 0; i < MAX_ARGS; i++)
    g_free (rendered[i]);

  return result;
}

/**
 * sh_text_says:
 * @text: (nullable): a message
 * @string: (nullable): a text
 *
 * Whether @text, in the current language, is @string: a message is kept beside a text
 * only when it says the same (not, say, when a prefix was added to an error since).
 *
 * Returns: %TRUE when both are set and agree
 */
gboolean
sh_text_says (const ShText *text,
              const char   *string)
{
  g_autofree char *rendered = NULL;

  if (text == NULL || string == NULL)
    return FALSE;

  rendered = sh_text_render (text);
  return g_strcmp0 (rendered, string) == 0;
}

/**
 * sh_text_to_json:
 * @text: a message
 *
 * The form kept in a job's result: `msgid`, `msgid_plural` and `n` for a plural, and
 * `args`: an array of strings, or for a nested message (sh_text_set_nested()) an object
 * with the string as `written` and the message as `text`.
 *
 * Returns: (transfer full): a new object
 */
JsonObject *
sh_text_to_json (const ShText *text)
{
  JsonObject *object;
  JsonArray *args;

  g_return_val_if_fail (text != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "msgid", text->msgid);
  if (text->msgid_plural != NULL)
    {
      json_object_set_string_member (object, "msgid_plural", text->msgid_plural);
      json_object_set_int_member (object, "n", (gint64) MIN (text->n, G_MAXINT64));
    }
  args = json_array_sized_new (g_strv_length (text->args));
  for (guint i = 0; text->args[i] != NULL; i++)
    {
      ShText *nested = text->nested != NULL ? g_ptr_array_index (text->nested, i) : NULL;

      if (nested != NULL)
        {
          JsonObject *arg = json_object_new ();

          json_object_set_string_member (arg, "written", text->args[i]);
          json_object_set_object_member (arg, "text", sh_text_to_json (nested));
          json_array_add_object_element (args, arg);
        }
      else
        json_array_add_string_element (args, text->args[i]);
    }
  json_object_set_array_member (object, "args", args);

  return object;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * sh_text_from_json:
 * @object: (nullable): what sh_text_to_json() made, as read back
 *
 * Returns: (transfer full) (nullable): the message, or %NULL when @object does not have
 *   its shape; whether it is a known one is for sh_text_render() to say
 */
static ShText *text_from_json (JsonObject *object,
                                gboolean    nested);

ShText *
sh_text_from_json (JsonObject *object)
{
  return text_from_json (object, FALSE);
}

static ShText *
text_from_json (JsonObject *object,
                gboolean    nested)
{
  g_autoptr(GPtrArray) nested_texts = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  const char *msgid;
  const char *msgid_plural;
  JsonNode *node;
  JsonArray *args;
  gint64 n = 0;
  ShText *text;

  if (object == NULL || (msgid = get_string (object, "msgid")) == NULL)
    return NULL;

  msgid_plural = get_string (object, "msgid_plural");
  if (msgid_plural != NULL)
    {
      node = json_object_get_member (object, "n");
      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 0)
        return NULL;
      n = json_node_get_int (node);
    }

  node = json_object_get_member (object, "args");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  args = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (args); i++)
    {
      JsonNode *arg = json_array_get_element (args, i);

      if (JSON_NODE_HOLDS_OBJECT (arg) && !nested)
        {
          JsonObject *arg_object = json_node_get_object (arg);
          const char *written = get_string (arg_object, "written");
          JsonNode *inner = json_object_get_member (arg_object, "text");
          ShText *inner_text;

          if (written == NULL || inner == NULL || !JSON_NODE_HOLDS_OBJECT (inner) ||
              (inner_text = text_from_json (json_node_get_object (inner), TRUE)) == NULL)
            return NULL;
          if (nested_texts == NULL)
            {
              nested_texts = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_text_free);
              g_ptr_array_set_size (nested_texts, json_array_get_length (args));
            }
          g_ptr_array_index (nested_texts, i) = inner_text;
          g_strv_builder_add (builder, written);
          continue;
        }
      if (!JSON_NODE_HOLDS_VALUE (arg) || json_node_get_value_type (arg) != G_TYPE_STRING)
        return NULL;
      g_strv_builder_add (builder, json_node_get_string (arg));
    }

  text = g_new0 (ShText, 1);
  text->msgid = g_strdup (msgid);
  text->msgid_plural = g_strdup (msgid_plural);
  text->n = (guint64) n;
  text->args = g_strv_builder_end (builder);
  text->nested = g_steal_pointer (&nested_texts);

  return text;
}
