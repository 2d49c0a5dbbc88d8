/* sh-fake-stash-media.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The generated media under /scene/ (internal/api/routes_scene.go): http.ServeFile answers
 * 206 to `Range: bytes=0-0` and 404 when the file is missing; the cover and the marker
 * images always answer 200, with a placeholder when missing; chi routes only GET, so HEAD
 * gets 405. The files are a few bytes with the right magic numbers, except the covers:
 * real PNG images that a client can decode, one colour per scene.
 */

#include "config.h"

#include <string.h>

#include "sh-fake-stash-private.h"

static const guint8 jpeg_data[] = {
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
  0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
};
static const guint8 png_data[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0x00, 0x00, 0x00, 0x0d, 'I', 'H', 'D', 'R',
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00,
};
static const guint8 webp_data[] = {
  'R', 'I', 'F', 'F', 0x1a, 0x00, 0x00, 0x00, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L',
  0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88,
  0xfe, 0x07, 0x00,
};
static const guint8 mp4_data[] = {
  0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0x00, 0x00, 0x00, 0x00,
  'm', 'p', '4', '2', 'i', 's', 'o', 'm', 0x00, 0x00, 0x00, 0x08, 'm', 'd', 'a', 't',
};
static const char default_scene_svg[] =
  "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\">"
  "<rect width=\"640\" height=\"360\" fill=\"#394b59\"/></svg>\n";

/* Covers ------------------------------------------------------------------------------ */

#define COVER_WIDTH   64
#define COVER_HEIGHT  36
/* The green of a cover carries the high bits of the id above this base. */
#define COVER_GREEN   0x50

static void
append_be32 (GByteArray *array,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, bytes, 4);
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         size)
{
  static guint32 table[256];
  guint32 crc = 0xffffffff;
  guint start;

  if (table[1] == 0)
    for (guint32 n = 0; n < 256; n++)
      {
        guint32 c = n;

        for (guint k = 0; k < 8; k++)
          c = (c & 1) ? 0xedb88320 ^ (c >> 1) : c >> 1;
        table[n] = c;
      }

  append_be32 (png, size);
  start = png->len;
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (size > 0)
    g_byte_array_append (png, data, size);
  for (guint i = start; i < png->len; i++)
    crc = table[(crc ^ png->data[i]) & 0xff] ^ (crc >> 8);
  append_be32 (png, crc ^ 0xffffffff);
}

/**
 * sh_fake_stash_dup_cover:
 * @id: a scene id, below 16,384
 *
 * The cover the fake serves for a scene that has one: a PNG of one colour, whose red is
 * the low byte of @id and whose green carries the rest (see
 * sh_fake_stash_cover_color_to_id()), so that a test can tell which scene a drawn cover
 * belongs to.
 *
 * Returns: (transfer full): the PNG file
 */
GBytes *
sh_fake_stash_dup_cover (guint id)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) header = g_byte_array_new ();
  guint8 raw[COVER_HEIGHT * (1 + COVER_WIDTH * 3)];
  guint8 compressed[sizeof raw + 1024];
  gsize read = 0;
  gsize written = 0;
  GConverterResult converted;

  for (guint y = 0; y < COVER_HEIGHT; y++)
    {
      guint8 *row = raw + y * (1 + COVER_WIDTH * 3);

      row[0] = 0;  /* no filter */
      for (guint x = 0; x < COVER_WIDTH; x++)
        {
          row[1 + x * 3] = id & 0xff;
          row[2 + x * 3] = COVER_GREEN + ((id >> 8) & 0x3f);
          /* Free to vary: scenes side by side look apart. */
          row[3 + x * 3] = 0x40 + (id * 53) % 0xc0;
        }
    }

  converted = g_converter_convert (G_CONVERTER (compressor), raw, sizeof raw, compressed,
                                   sizeof compressed, G_CONVERTER_INPUT_AT_END, &read,
                                   &written, NULL);
  g_assert (converted == G_CONVERTER_FINISHED && read == sizeof raw);

  g_byte_array_append (png, signature, sizeof signature);
  append_be32 (header, COVER_WIDTH);
  append_be32 (header, COVER_HEIGHT);
  /* 8 bits per sample, RGB, deflate, adaptive filtering, no interlace. */
  g_byte_array_append (header, (const guint8 []) { 8, 2, 0, 0, 0 }, 5);
  append_chunk (png, "IHDR", header->data, header->len);
  append_chunk (png, "IDAT", compressed, written);
  append_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

/**
 * sh_fake_stash_cover_color_to_id:
 * @red: the red of a pixel of a cover from sh_fake_stash_dup_cover()
 * @green: its green
 * @id: (out): the scene id
 *
 * Returns: whether the colour is one of a cover's
 */
gboolean
sh_fake_stash_cover_color_to_id (guint8  red,
                                 guint8  green,
                                 guint  *id)
{
  if (green < COVER_GREEN || green > COVER_GREEN + 0x3f)
    return FALSE;

  *id = red | ((guint) (green - COVER_GREEN) << 8);
  return TRUE;
}

/* The artifact mask of a file that always exists, like the scene's own video. */
#define ALWAYS_THERE 0

static gboolean
has_artifact (ShFakeStash *self,
              guint        id,
              guint        artifact)
{
  if (artifact == ALWAYS_THERE)
    return TRUE;

  return (sh_fake_scene_applicable (self, id) & artifact) != 0 &&
         (self->scene_bits[id] & artifact) == 0;
}

/* Like http.ServeFile: the first range of a Range request gets 206, otherwise all of it. */
static void
serve_file (SoupServerMessage *msg,
            const char        *content_type,
            gconstpointer      data,
            gsize              size)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  SoupRange *ranges = NULL;
  int n_ranges = 0;

  soup_message_headers_replace (response_headers, "Accept-Ranges", "bytes");

  if (soup_message_headers_get_ranges (request_headers, size, &ranges, &n_ranges) &&
      n_ranges >= 1)
    {
      goffset start = ranges[0].start;
      goffset end = ranges[0].end;

      soup_message_headers_free_ranges (request_headers, ranges);
      soup_message_headers_set_content_range (response_headers, start, end, size);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                        (const char *) data + start, end - start + 1);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, size);
}

/* A placeholder that Stash sends with 200, whatever the request's Range says. */
static void
serve_placeholder (SoupServerMessage *msg,
                   const char        *content_type,
                   gconstpointer      data,
                   gsize              size)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, size);
}

static gboolean
parse_scene_id (ShFakeStash *self,
                const char  *text,
                guint       *id)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL) ||
      !sh_fake_scene_exists (self, (guint) value))
    return FALSE;

  *id = (guint) value;
  return TRUE;
}

static gboolean
parse_marker_id (ShFakeStash *self,
                 guint        scene_id,
                 const char  *text)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL))
    return FALSE;

  for (guint i = 0; i < sh_fake_scene_get_n_markers (self, scene_id); i++)
    if (sh_fake_scene_get_marker_id (self, scene_id, i) == value)
      return TRUE;

  return FALSE;
}

/* /scene/<hash>_thumbs.vtt and /scene/<hash>_sprite.jpg: the sprite is one artifact. */
static void
serve_by_hash (ShFakeStash       *self,
               SoupServerMessage *msg,
               const char        *name)
{
  g_autofree char *hash = NULL;
  g_autofree char *vtt = NULL;
  gboolean is_vtt = g_str_has_suffix (name, "_thumbs.vtt");
  guint id;

  if (!is_vtt && !g_str_has_suffix (name, "_sprite.jpg"))
    {
      sh_fake_stash_set_not_found (msg);
      return;
    }

  hash = g_strndup (name, strlen (name) - strlen (is_vtt ? "_thumbs.vtt" : "_sprite.jpg"));
  id = sh_fake_scene_find_by_oshash (self, hash);
  if (id == 0 || !has_artifact (self, id, SH_FAKE_ARTIFACT_SPRITE))
    {
      sh_fake_stash_set_not_found (msg);
      return;
    }

  if (!is_vtt)
    {
      serve_file (msg, "image/jpeg", jpeg_data, sizeof jpeg_data);
      return;
    }

  vtt = g_strdup_printf ("WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n%s_sprite.jpg#xywh=0,0,160,90\n",
                         hash);
  serve_file (msg, "text/vtt; charset=utf-8", vtt, strlen (vtt));
}

static void
serve_scene (ShFakeStash       *self,
             SoupServerMessage *msg,
             guint              id,
             const char        *what)
{
  static const struct {
    const char   *name;
    guint         artifact;
    const char   *content_type;
    const guint8 *data;
    gsize         size;
  } files[] = {
    { "preview", SH_FAKE_ARTIFACT_PREVIEW, "video/mp4", mp4_data, sizeof mp4_data },
    { "webp", SH_FAKE_ARTIFACT_WEBP, "image/webp", webp_data, sizeof webp_data },
    { "interactive_heatmap", SH_FAKE_ARTIFACT_HEATMAP, "image/png", png_data, sizeof png_data },
    { "stream", ALWAYS_THERE, "video/mp4", mp4_data, sizeof mp4_data },
  };

  /* The cover is in the database; without one Stash serves its default SVG. */
  if (g_str_equal (what, "screenshot"))
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->cover_requests,
                                                           GUINT_TO_POINTER (id)));

      g_hash_table_insert (self->cover_requests, GUINT_TO_POINTER (id),
                           GUINT_TO_POINTER (count + 1));
      if (has_artifact (self, id, SH_FAKE_ARTIFACT_COVER))
        {
          g_autoptr(GBytes) cover = sh_fake_stash_dup_cover (id);

          serve_file (msg, "image/png", g_bytes_get_data (cover, NULL), g_bytes_get_size (cover));
        }
      else
        serve_placeholder (msg, "image/svg+xml", default_scene_svg, strlen (default_scene_svg));
      sh_fake_stash_deliver_after (self, msg, self->cover_latency_ms);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      if (!g_str_equal (what, files[i].name))
        continue;

      if (has_artifact (self, id, files[i].artifact))
        serve_file (msg, files[i].content_type, files[i].data, files[i].size);
      else
        sh_fake_stash_set_not_found (msg);
      return;
    }

  sh_fake_stash_set_not_found (msg);
}

static void
serve_marker (ShFakeStash       *self,
              SoupServerMessage *msg,
              guint              id,
              const char        *what)
{
  /* Marker images are always 200: a pending-generation PNG when missing. */
  if (g_str_equal (what, "stream"))
    {
      if (has_artifact (self, id, SH_FAKE_ARTIFACT_MARKER_VIDEO))
        serve_file (msg, "video/mp4", mp4_data, sizeof mp4_data);
      else
        sh_fake_stash_set_not_found (msg);
    }
  else if (g_str_equal (what, "preview"))
    {
      if (has_artifact (self, id, SH_FAKE_ARTIFACT_MARKER_WEBP))
        serve_file (msg, "image/webp", webp_data, sizeof webp_data);
      else
        serve_placeholder (msg, "image/png", png_data, sizeof png_data);
    }
  else if (g_str_equal (what, "screenshot"))
    {
      if (has_artifact (self, id, SH_FAKE_ARTIFACT_MARKER_SCREENSHOT))
        serve_file (msg, "image/jpeg", jpeg_data, sizeof jpeg_data);
      else
        serve_placeholder (msg, "image/png", png_data, sizeof png_data);
    }
  else
    {
      sh_fake_stash_set_not_found (msg);
    }
}

/* @path starts with "/scene/" and the request is authorised. */
void
sh_fake_stash_handle_media (ShFakeStash       *self,
                            SoupServerMessage *msg,
                            const char        *path)
{
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/scene/"), "/", -1);
  guint n_parts = g_strv_length (parts);
  const char *method = soup_server_message_get_method (msg);
  guint id;

  if (g_strcmp0 (method, SOUP_METHOD_GET) != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET");
    }
  else if (n_parts == 1)
    {
      serve_by_hash (self, msg, parts[0]);
    }
  else if (!parse_scene_id (self, parts[0], &id))
    {
      sh_fake_stash_set_not_found (msg);
    }
  else if (n_parts == 2)
    {
      serve_scene (self, msg, id, parts[1]);
    }
  else if (n_parts == 4 && g_str_equal (parts[1], "scene_marker") &&
           parse_marker_id (self, id, parts[2]))
    {
      serve_marker (self, msg, id, parts[3]);
    }
  else
    {
      sh_fake_stash_set_not_found (msg);
    }

  sh_fake_stash_deliver (self, msg);
}
