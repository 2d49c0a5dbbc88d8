/* sh-fake-stash-json.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing and reading the JSON of the fake Stash. Responses are written straight into a
 * GString: a page of a thousand scenes must not go through a JsonBuilder tree.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

void
sh_fake_json_append_string (GString    *out,
                            const char *str)
{
  const char *run;
  const char *p;

  if (str == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');

  /* Copy runs of plain bytes at once; UTF-8 goes through untouched, like Go's encoder. */
  for (run = p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:   g_string_append_printf (out, "\\u%04x", c); break;
        }
    }

  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* Days since 1970-01-01 to a civil date, after Howard Hinnant's `civil_from_days`; much
 * cheaper than a GDateTime for every timestamp of a large page. */
static void
civil_from_days (gint64  days,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 era;
  gint64 doe;
  gint64 yoe;
  gint64 doy;
  gint64 mp;

  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;

  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (yoe + era * 400 + (*month <= 2));
}

static char *
put_digits (char *p,
            int   value,
            int   width)
{
  for (int i = width - 1; i >= 0; i--)
    {
      p[i] = (char) ('0' + value % 10);
      value /= 10;
    }

  return p + width;
}

/* RFC 3339 in the server's zone, as Stash stores created_at and updated_at. */
void
sh_fake_format_timestamp (char   buf[SH_FAKE_TIMESTAMP_LEN],
                          gint64 seconds)
{
  gint64 local = seconds + SH_FAKE_ZONE_OFFSET;
  gint64 days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  gint64 in_day = local - days * 86400;
  char *p = buf;
  int year;
  int month;
  int day;

  civil_from_days (days, &year, &month, &day);

  p = put_digits (p, year, 4);
  *p++ = '-';
  p = put_digits (p, month, 2);
  *p++ = '-';
  p = put_digits (p, day, 2);
  *p++ = 'T';
  p = put_digits (p, (int) (in_day / 3600), 2);
  *p++ = ':';
  p = put_digits (p, (int) (in_day / 60 % 60), 2);
  *p++ = ':';
  p = put_digits (p, (int) (in_day % 60), 2);
  *p++ = '+';
  p = put_digits (p, SH_FAKE_ZONE_OFFSET / 3600, 2);
  *p++ = ':';
  p = put_digits (p, SH_FAKE_ZONE_OFFSET / 60 % 60, 2);
  *p = '\0';
}

void
sh_fake_json_append_timestamp (GString *out,
                               gint64   seconds)
{
  char buf[SH_FAKE_TIMESTAMP_LEN];

  sh_fake_format_timestamp (buf, seconds);
  g_string_append_c (out, '"');
  g_string_append (out, buf);
  g_string_append_c (out, '"');
}

/* RFC3339Nano like Go's time.Time: the fraction without trailing zeros. 0 is null. */
void
sh_fake_json_append_time_usec (GString *out,
                               gint64   usec)
{
  char buf[SH_FAKE_TIMESTAMP_LEN];
  char fraction[8];
  int micros;
  int len;

  if (usec == 0)
    {
      g_string_append (out, "null");
      return;
    }

  sh_fake_format_timestamp (buf, usec / G_USEC_PER_SEC);
  micros = (int) (usec % G_USEC_PER_SEC);

  g_string_append_c (out, '"');
  g_string_append_len (out, buf, 19);
  if (micros != 0)
    {
      fraction[0] = '.';
      put_digits (fraction + 1, micros, 6);
      for (len = 7; fraction[len - 1] == '0'; len--)
        ;
      g_string_append_len (out, fraction, len);
    }
  g_string_append (out, buf + 19);
  g_string_append_c (out, '"');
}

JsonObject *
sh_fake_json_get_object (JsonObject *object,
                         const char *name)
{
  JsonNode *node;

  if (object == NULL || !(node = json_object_get_member (object, name)))
    return NULL;

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

const char *
sh_fake_json_get_string (JsonObject *object,
                         const char *name)
{
  JsonNode *node;

  if (object == NULL || !(node = json_object_get_member (object, name)))
    return NULL;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
sh_fake_json_get_int (JsonObject *object,
                      const char *name,
                      gint64     *value)
{
  JsonNode *node;

  if (object == NULL || !(node = json_object_get_member (object, name)))
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

gboolean
sh_fake_json_get_boolean (JsonObject *object,
                          const char *name)
{
  JsonNode *node;

  if (object == NULL || !(node = json_object_get_member (object, name)))
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  return json_node_get_boolean (node);
}

/* GraphQL IDs come as strings or ints; Stash reads them with Atoi. */
gboolean
sh_fake_json_parse_id (JsonNode *node,
                       guint    *id)
{
  const char *str;
  guint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 number = json_node_get_int (node);

      if (number < 0 || number > G_MAXUINT)
        return FALSE;
      *id = (guint) number;
      return TRUE;
    }

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  str = json_node_get_string (node);
  if (!g_ascii_string_to_unsigned (str, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;

  *id = (guint) value;
  return TRUE;
}
