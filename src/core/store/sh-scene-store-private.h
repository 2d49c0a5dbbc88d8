/* sh-scene-store-private.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ShSceneStore share: sh-scene-store.c holds the sync's writes (pages of
 * scenes with the cursor and sync point of a full pass, deletions), -sync-state.c where a
 * sync starts and resumes, -lists.c the reads of the scene list (counts, pages, ids and
 * rows for the list models) and -ids.c the work on sets of ids (lookups, the flag set by
 * hand, deletion, new scenes).
 */

#pragma once

#include "sh-scene-store.h"
#include "sh-store-private.h"

G_BEGIN_DECLS

struct _ShSceneStore
{
  ShStore parent_instance;
};

/* The scene columns the mirror stores, in the order of the scratch table and of
 * scene_from_row(). */
#define SCENE_COLUMNS \
  "id, title, path, oshash, phash, duration, organized, interactive, interactive_speed, " \
  "markers_digest, stash_created_at, stash_updated_at"

/* The same, of `scene s` in a join. */
#define SCENE_COLUMNS_S \
  "s.id, s.title, s.path, s.oshash, s.phash, s.duration, s.organized, s.interactive, " \
  "s.interactive_speed, s.markers_digest, s.stash_created_at, s.stash_updated_at"

enum {
  COL_ID,
  COL_TITLE,
  COL_PATH,
  COL_OSHASH,
  COL_PHASH,
  COL_DURATION,
  COL_ORGANIZED,
  COL_INTERACTIVE,
  COL_INTERACTIVE_SPEED,
  COL_MARKERS_DIGEST,
  COL_STASH_CREATED_AT,
  COL_STASH_UPDATED_AT,
  N_SCENE_COLUMNS,
  COL_GENERATED = N_SCENE_COLUMNS,
};

/* libgda parameter types of one staged scene row, in SCENE_COLUMNS order. */
static const char * const scene_param_types[N_SCENE_COLUMNS] = {
  "gint64", "string::null", "string::null", "string::null", "string::null", "gdouble",
  "boolean", "boolean", "string::null" /* a nullable integer: see sh_database_set_null() */,
  "string::null", "string::null", "string::null",
};

/* Rows per multi-row INSERT. libgda builds a statement's parameter set in O(n²) of its
 * parameters, twice (gda_statement_get_parameters() took 0.4 s for 2,000 parameters and
 * 1.7 s for 4,000), so statements stay at about 400 parameters, which is also under the
 * 999 variables of older SQLite builds. Scene pages are cut into power-of-two chunks
 * (32, 16, …, 1), so that only six statement shapes are ever prepared whatever the page
 * size. Id lists go through _sh_database_stage_ids(). */
#define SCENE_CHUNK_ROWS 32

/* sh-scene-store-write.c */
char     *_sh_scene_store_page_to_json (GPtrArray   *scenes);
gboolean  _sh_scene_store_stage_sqlite (ShDatabase  *db,
                                        GPtrArray   *scenes,
                                        GError     **error);
gboolean  _sh_scene_store_stage_json   (ShDatabase  *db,
                                        GPtrArray   *scenes,
                                        GError     **error);

/* A server's scenes by id; @generated for the flag set by hand. */
typedef struct
{
  gint64    server_id;
  gint64   *ids;        /* (owned) */
  guint     n_ids;
  gboolean  generated;
} IdsData;

IdsData     *_sh_scene_store_ids_data_new     (gint64        server_id,
                                              const gint64 *ids,
                                              guint         n_ids);
void         _sh_scene_store_ids_data_free    (gpointer      data);
gboolean     _sh_scene_store_write_sync_point (ShDatabase    *db,
                                              gint64        server_id,
                                              const char   *updated_at,
                                              GError      **error);

G_END_DECLS
