/* sh-stash-scene-page.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A reader for the one answer a sync reads thousands of times: a FindScenes page. Building
 * json-glib's tree of the page (a hash table per object, a node per value) and freeing it
 * again cost more CPU than everything else a sync does; this reads the text once, straight
 * into scene records.
 *
 * It reads only what a well-formed page looks like: any doubt — invalid JSON, a value of
 * another type than Stash sends, a duplicate member, an `errors` member, an id that is a
 * number — and it gives up, and the client reads the answer with json-glib as it reads
 * every other one, with the same checks and error messages. It is bounded like that path:
 * it never reads past the text's end (whose size the client caps), nests no deeper than
 * SH_STASH_JSON_MAX_DEPTH (recursion only in skip_value(), one frame per level), and its
 * scratch buffer never holds more than one string of the text.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "sh-scene-record.h"
#include "sh-stash-json.h"
#include "sh-stash-scene-page.h"

/* Markers ----------------------------------------------------------------------------- */

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * sh_stash_markers_digest:
 * @markers: (array length=n_markers): the scene's markers, in any order
 * @n_markers: their number
 *
 * A digest of what marker media depends on: ids, times and update times. The same set of
 * markers gives the same digest in any order.
 *
 * Returns: (transfer full) (nullable): a SHA-1 in hex, or %NULL without markers
 */
char *
sh_stash_markers_digest (const ShStashMarker *markers,
                         guint                n_markers)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GChecksum) checksum = NULL;

  g_return_val_if_fail (markers != NULL || n_markers == 0, NULL);

  if (n_markers == 0)
    return NULL;

  lines = g_ptr_array_new_full (n_markers, g_free);
  for (guint i = 0; i < n_markers; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (buf, sizeof buf, markers[i].seconds);
      g_ptr_array_add (lines, g_strdup_printf ("%020" G_GINT64_FORMAT " %s %s", markers[i].id,
                                               buf, markers[i].updated_at ?: ""));
    }
  /* Stash does not promise an order. */
  g_ptr_array_sort (lines, compare_lines);

  checksum = g_checksum_new (G_CHECKSUM_SHA1);
  for (guint i = 0; i < lines->len; i++)
    {
      g_checksum_update (checksum, (const guchar *) lines->pdata[i], -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
    }

  return g_strdup (g_checksum_get_string (checksum));
}

/* The reader ------------------------------------------------------------------------- */

typedef struct
{
  const char *p;
  const char *end;
  guint       depth;
  GString    *scratch;   /* (owned) an unescaped string */
} Reader;

static inline void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static inline gboolean
eat (Reader *r,
     char    c)
{
  skip_ws (r);
  if (r->p < r->end && *r->p == c)
    {
      r->p++;
      return TRUE;
    }

  return FALSE;
}

static gboolean
eat_word (Reader     *r,
          const char *word)
{
  gsize n = strlen (word);

  skip_ws (r);
  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return FALSE;
  r->p += n;

  return TRUE;
}

static gboolean
read_hex4 (Reader   *r,
           gunichar *out)
{
  gunichar value = 0;

  if (r->end - r->p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (*r->p++);

      if (digit < 0)
        return FALSE;
      value = value * 16 + digit;
    }
  *out = value;

  return TRUE;
}

/* A string, not nul-terminated: in the text when it has no escapes, else in the scratch
 * buffer until the next string is read. Valid UTF-8, without NUL or control characters. */
static gboolean
read_string (Reader      *r,
             const char **out,
             gsize       *out_len)
{
  const char *start;

  skip_ws (r);
  if (r->p >= r->end || *r->p != '"')
    return FALSE;
  start = ++r->p;

  while (r->p < r->end)
    {
      guchar c = *r->p;

      if (c == '"')
        {
          if (!g_utf8_validate_len (start, r->p - start, NULL))
            return FALSE;
          *out = start;
          *out_len = r->p - start;
          r->p++;
          return TRUE;
        }
      if (c == '\\')
        break;
      if (c < 0x20)
        return FALSE;
      r->p++;
    }

  g_string_truncate (r->scratch, 0);
  g_string_append_len (r->scratch, start, r->p - start);
  while (r->p < r->end)
    {
      guchar c = *r->p++;
      gunichar ch;

      if (c == '"')
        {
          if (!g_utf8_validate_len (r->scratch->str, r->scratch->len, NULL))
            return FALSE;
          *out = r->scratch->str;
          *out_len = r->scratch->len;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          g_string_append_c (r->scratch, c);
          continue;
        }
      if (r->p >= r->end)
        return FALSE;

      switch ((c = *r->p++))
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (r->scratch, c);
          break;
        case 'b':
          g_string_append_c (r->scratch, '\b');
          break;
        case 'f':
          g_string_append_c (r->scratch, '\f');
          break;
        case 'n':
          g_string_append_c (r->scratch, '\n');
          break;
        case 'r':
          g_string_append_c (r->scratch, '\r');
          break;
        case 't':
          g_string_append_c (r->scratch, '\t');
          break;
        case 'u':
          if (!read_hex4 (r, &ch))
            return FALSE;
          if (ch >= 0xD800 && ch <= 0xDBFF)
            {
              gunichar low;

              if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
                return FALSE;
              r->p += 2;
              if (!read_hex4 (r, &low) || low < 0xDC00 || low > 0xDFFF)
                return FALSE;
              ch = 0x10000 + ((ch - 0xD800) << 10) + (low - 0xDC00);
            }
          else if ((ch >= 0xDC00 && ch <= 0xDFFF) || ch == 0)
            return FALSE;
          g_string_append_unichar (r->scratch, ch);
          break;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

/* A number as JSON writes it, finite; integers as json-glib reads them (64 bits). */
static gboolean
read_number (Reader *r,
             double *out)
{
  const char *start;
  gboolean integer = TRUE;
  char buf[64];
  gsize len;

  skip_ws (r);
  start = r->p;
  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return FALSE;
  if (*r->p == '0')
    r->p++;
  else
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      integer = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return FALSE;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      integer = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return FALSE;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  /* Longer integers would overflow json-glib's 64 bits: left to it. */
  len = r->p - start;
  if (len >= sizeof buf || (integer && len > 18))
    return FALSE;
  memcpy (buf, start, len);
  buf[len] = '\0';
  *out = integer ? (double) g_ascii_strtoll (buf, NULL, 10) : g_ascii_strtod (buf, NULL);

  return isfinite (*out);
}

static inline gboolean
enter (Reader *r)
{
  return ++r->depth <= SH_STASH_JSON_MAX_DEPTH;
}

/* Opens an object or array: @more tells whether it has a first element. */
static gboolean
begin (Reader   *r,
       char      open,
       char      close,
       gboolean *more)
{
  if (!eat (r, open) || !enter (r))
    return FALSE;
  *more = !eat (r, close);
  if (!*more)
    r->depth--;

  return TRUE;
}

/* After an element: @more tells whether another follows. */
static gboolean
next (Reader   *r,
      char      close,
      gboolean *more)
{
  if (eat (r, ','))
    {
      *more = TRUE;
      return TRUE;
    }
  if (!eat (r, close))
    return FALSE;
  *more = FALSE;
  r->depth--;

  return TRUE;
}

/* A member's name and its colon. */
static gboolean
read_key (Reader      *r,
          const char **key,
          gsize       *len)
{
  return read_string (r, key, len) && eat (r, ':');
}

static inline gboolean
key_is (const char *key,
        gsize       len,
        const char *name)
{
  return strlen (name) == len && memcmp (key, name, len) == 0;
}

/* Any value, checked as strictly as the rest, one level of recursion per level of
 * nesting (bounded by enter()). */
static gboolean
skip_value (Reader *r)
{
  const char *s;
  gsize len;
  gboolean more;
  double number;

  skip_ws (r);
  if (r->p >= r->end)
    return FALSE;

  switch (*r->p)
    {
    case '"':
      return read_string (r, &s, &len);

    case '{':
      if (!begin (r, '{', '}', &more))
        return FALSE;
      while (more)
        if (!read_key (r, &s, &len) || !skip_value (r) || !next (r, '}', &more))
          return FALSE;
      return TRUE;

    case '[':
      if (!begin (r, '[', ']', &more))
        return FALSE;
      while (more)
        if (!skip_value (r) || !next (r, ']', &more))
          return FALSE;
      return TRUE;

    case 't':
      return eat_word (r, "true");
    case 'f':
      return eat_word (r, "false");
    case 'n':
      return eat_word (r, "null");

    default:
      return read_number (r, &number);
    }
}

static inline gboolean
is_null (Reader *r)
{
  skip_ws (r);
  return r->p < r->end && *r->p == 'n' && eat_word (r, "null");
}

/* A string or null, into @dest. */
static gboolean
read_text (Reader  *r,
           char   **dest)
{
  const char *s;
  gsize len;

  if (is_null (r))
    return TRUE;
  if (!read_string (r, &s, &len))
    return FALSE;
  *dest = g_strndup (s, len);

  return TRUE;
}

/* A boolean, null reading as FALSE. */
static gboolean
read_flag (Reader   *r,
           gboolean *dest)
{
  if (is_null (r))
    return TRUE;
  if (eat_word (r, "true"))
    *dest = TRUE;
  else if (eat_word (r, "false"))
    *dest = FALSE;
  else
    return FALSE;

  return TRUE;
}

/* A Stash ID: a decimal string in 1..G_MAXINT64. */
static gboolean
read_id (Reader *r,
         gint64 *dest)
{
  const char *s;
  gsize len;
  char buf[24];
  guint64 value;

  if (!read_string (r, &s, &len) || len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (!g_ascii_string_to_unsigned (buf, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *dest = (gint64) value;

  return TRUE;
}

/* Marks @bit seen; a member twice is left to json-glib (whose last one wins). */
static inline gboolean
first_time (guint *seen,
            guint  bit)
{
  if (*seen & bit)
    return FALSE;
  *seen |= bit;

  return TRUE;
}

static gboolean
read_file (Reader        *r,
           ShSceneRecord *record)
{
  guint seen = 0;
  gboolean more;
  const char *key;
  gsize len;
  double value;

  if (!begin (r, '{', '}', &more))
    return FALSE;
  while (more)
    {
      if (!read_key (r, &key, &len))
        return FALSE;

      if (key_is (key, len, "path"))
        {
          if (!first_time (&seen, 1 << 0) || !read_text (r, &record->path))
            return FALSE;
        }
      else if (key_is (key, len, "oshash"))
        {
          if (!first_time (&seen, 1 << 1) || !read_text (r, &record->oshash))
            return FALSE;
        }
      else if (key_is (key, len, "phash"))
        {
          if (!first_time (&seen, 1 << 2) || !read_text (r, &record->phash))
            return FALSE;
        }
      else if (key_is (key, len, "duration"))
        {
          if (!first_time (&seen, 1 << 3))
            return FALSE;
          if (!is_null (r))
            {
              if (!read_number (r, &value))
                return FALSE;
              if (value >= 0)
                record->duration = value;
            }
        }
      else if (!skip_value (r))
        return FALSE;

      if (!next (r, '}', &more))
        return FALSE;
    }

  return TRUE;
}

/* The files of a scene: the first one is the primary file. */
static gboolean
read_files (Reader        *r,
            ShSceneRecord *record)
{
  gboolean more;

  if (is_null (r))
    return TRUE;
  if (!begin (r, '[', ']', &more))
    return FALSE;
  for (guint i = 0; more; i++)
    {
      if (!(i == 0 ? read_file (r, record) : skip_value (r)) || !next (r, ']', &more))
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  GArray    *markers;  /* (owned) of ShStashMarker */
  GPtrArray *strings;  /* (owned) what their updated_at point to */
} Markers;

static gboolean
read_marker (Reader  *r,
             Markers *markers)
{
  ShStashMarker marker = { 0 };
  char *updated_at = NULL;
  guint seen = 0;
  gboolean more;
  const char *key;
  gsize len;

  if (!begin (r, '{', '}', &more))
    return FALSE;
  while (more)
    {
      if (!read_key (r, &key, &len))
        return FALSE;

      if (key_is (key, len, "id"))
        {
          if (!first_time (&seen, 1 << 0) || !read_id (r, &marker.id))
            return FALSE;
        }
      else if (key_is (key, len, "seconds"))
        {
          if (!first_time (&seen, 1 << 1) || (!is_null (r) && !read_number (r, &marker.seconds)))
            return FALSE;
        }
      else if (key_is (key, len, "updated_at"))
        {
          if (!first_time (&seen, 1 << 2) || !read_text (r, &updated_at))
            return FALSE;
          if (updated_at != NULL)
            g_ptr_array_add (markers->strings, updated_at);
        }
      else if (!skip_value (r))
        return FALSE;

      if (!next (r, '}', &more))
        return FALSE;
    }

  marker.updated_at = updated_at;
  g_array_append_val (markers->markers, marker);

  return TRUE;
}

static gboolean
read_markers (Reader  *r,
              Markers *markers)
{
  gboolean more;

  if (is_null (r))
    return TRUE;
  if (!begin (r, '[', ']', &more))
    return FALSE;
  while (more)
    if (!read_marker (r, markers) || !next (r, ']', &more))
      return FALSE;

  return TRUE;
}

static ShSceneRecord *
read_scene (Reader  *r,
            Markers *markers)
{
  g_autoptr(ShSceneRecord) record = sh_scene_record_new ();
  gboolean has_id = FALSE;
  guint seen = 0;
  gboolean more;
  const char *key;
  gsize len;
  double value;

  g_array_set_size (markers->markers, 0);
  g_ptr_array_set_size (markers->strings, 0);

  if (!begin (r, '{', '}', &more))
    return NULL;
  while (more)
    {
      gboolean ok;

      if (!read_key (r, &key, &len))
        return NULL;

      if (key_is (key, len, "id"))
        ok = first_time (&seen, 1 << 0) && (has_id = read_id (r, &record->id));
      else if (key_is (key, len, "title"))
        ok = first_time (&seen, 1 << 1) && read_text (r, &record->title);
      else if (key_is (key, len, "organized"))
        ok = first_time (&seen, 1 << 2) && read_flag (r, &record->organized);
      else if (key_is (key, len, "interactive"))
        ok = first_time (&seen, 1 << 3) && read_flag (r, &record->interactive);
      else if (key_is (key, len, "interactive_speed"))
        {
          ok = first_time (&seen, 1 << 4);
          if (ok && !is_null (r))
            {
              ok = read_number (r, &value);
              if (ok)
                record->interactive_speed = (int) CLAMP (value, 0, G_MAXINT);
            }
        }
      else if (key_is (key, len, "created_at"))
        ok = first_time (&seen, 1 << 5) && read_text (r, &record->stash_created_at);
      else if (key_is (key, len, "updated_at"))
        ok = first_time (&seen, 1 << 6) && read_text (r, &record->stash_updated_at);
      else if (key_is (key, len, "files"))
        ok = first_time (&seen, 1 << 7) && read_files (r, record);
      else if (key_is (key, len, "scene_markers"))
        ok = first_time (&seen, 1 << 8) && read_markers (r, markers);
      else
        ok = skip_value (r);

      if (!ok || !next (r, '}', &more))
        return NULL;
    }

  /* json-glib's reading names what is wrong. */
  if (!has_id || record->stash_updated_at == NULL)
    return NULL;

  record->markers_digest = sh_stash_markers_digest ((const ShStashMarker *) markers->markers->data,
                                                    markers->markers->len);

  return g_steal_pointer (&record);
}

static gboolean
read_scenes (Reader           *r,
             ShStashScenePage *page)
{
  Markers markers = {
    g_array_new (FALSE, FALSE, sizeof (ShStashMarker)),
    g_ptr_array_new_with_free_func (g_free),
  };
  gboolean ok = TRUE;
  gboolean more;

  page->scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_scene_record_free);
  if (!begin (r, '[', ']', &more))
    ok = FALSE;
  while (ok && more)
    {
      ShSceneRecord *record = read_scene (r, &markers);

      if (record == NULL)
        ok = FALSE;
      else
        {
          g_ptr_array_add (page->scenes, record);
          ok = next (r, ']', &more);
        }
    }

  g_array_unref (markers.markers);
  g_ptr_array_unref (markers.strings);

  return ok;
}

static gboolean
read_find_scenes (Reader           *r,
                  ShStashScenePage *page)
{
  guint seen = 0;
  gboolean more;
  const char *key;
  gsize len;
  double count;

  if (!begin (r, '{', '}', &more))
    return FALSE;
  while (more)
    {
      if (!read_key (r, &key, &len))
        return FALSE;

      if (key_is (key, len, "count"))
        {
          if (!first_time (&seen, 1 << 0))
            return FALSE;
          if (!is_null (r))
            {
              if (!read_number (r, &count))
                return FALSE;
              page->count = count >= 0 ? (gint64) count : -1;
            }
        }
      else if (key_is (key, len, "scenes"))
        {
          if (!first_time (&seen, 1 << 1) || !read_scenes (r, page))
            return FALSE;
        }
      else if (!skip_value (r))
        return FALSE;

      if (!next (r, '}', &more))
        return FALSE;
    }

  return page->scenes != NULL;
}

static gboolean
read_data (Reader           *r,
           ShStashScenePage *page)
{
  guint seen = 0;
  gboolean more;
  const char *key;
  gsize len;

  if (!begin (r, '{', '}', &more))
    return FALSE;
  while (more)
    {
      if (!read_key (r, &key, &len))
        return FALSE;

      if (key_is (key, len, "findScenes"))
        {
          if (!first_time (&seen, 1 << 0) || !read_find_scenes (r, page))
            return FALSE;
        }
      else if (!skip_value (r))
        return FALSE;

      if (!next (r, '}', &more))
        return FALSE;
    }

  return page->scenes != NULL;
}

/**
 * sh_stash_scene_page_read:
 * @data: (array length=size): the body of a successful answer to FindScenes, not
 *   necessarily valid or nul-terminated
 * @size: its length in bytes
 *
 * Reads a well-formed page of scenes without building a JSON tree. It gives up on anything
 * else, errors included: read those with json-glib, which says what is wrong.
 *
 * Returns: (transfer full) (nullable): the page, or %NULL when @data is not a page as
 *   Stash writes it
 */
ShStashScenePage *
sh_stash_scene_page_read (const char *data,
                          gsize       size)
{
  g_autoptr(ShStashScenePage) page = g_new0 (ShStashScenePage, 1);
  g_autoptr(GString) scratch = g_string_sized_new (256);
  Reader r = { data, data + size, 0, scratch };
  guint seen = 0;
  gboolean more;
  const char *key;
  gsize len;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  page->count = -1;
  if (!begin (&r, '{', '}', &more))
    return NULL;
  while (more)
    {
      if (!read_key (&r, &key, &len))
        return NULL;

      if (key_is (key, len, "data"))
        {
          if (!first_time (&seen, 1 << 0) || !read_data (&r, page))
            return NULL;
        }
      else if (key_is (key, len, "errors"))
        return NULL;
      else if (!skip_value (&r))
        return NULL;

      if (!next (&r, '}', &more))
        return NULL;
    }

  skip_ws (&r);
  if (r.p != r.end || page->scenes == NULL)
    return NULL;

  return g_steal_pointer (&page);
}
