/* sh-database-migrations.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The schema, as numbered migrations. One SQL text serves SQLite and PostgreSQL, so it
 * sticks to types both know: BIGINT/INTEGER, TEXT, BOOLEAN, DOUBLE PRECISION; timestamps
 * are ISO-8601 UTC TEXT, JSON and UUIDs are TEXT. A statement that starts with "sqlite:" or
 * "postgresql:" runs on that database only (the prefix is cut off). A migration is never
 * edited once released: changes go into a new one.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sh-database-private.h"

typedef struct
{
  guint               version;
  const char * const *statements;
} ShMigration;

/* The exclusive job types: at most one may be pending, running or cancelling per server,
 * enforced by the database so that two processes sharing PostgreSQL cannot both start
 * one. Changing this list needs a new migration that recreates the index. */
#define SH_ACTIVE_STATUSES  "('pending', 'running', 'cancelling')"
#define SH_EXCLUSIVE_TYPES  "('stash_generate', 'check_stash_generate', 'sync_scenes')"

static const char * const migration_1[] = {
  /* Server ids are assigned as MAX(id) + 1 by sh_database_ensure_server_async(): an
   * identity column has no syntax common to both databases. */
  "CREATE TABLE IF NOT EXISTS server ("
  "  id BIGINT NOT NULL PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  url TEXT NOT NULL UNIQUE,"
  "  tls_trusted_fingerprint TEXT,"
  "  created_at TEXT NOT NULL"
  ")",

  "CREATE TABLE IF NOT EXISTS scene ("
  "  server_id BIGINT NOT NULL REFERENCES server (id) ON DELETE CASCADE,"
  "  id BIGINT NOT NULL,"
  "  title TEXT,"
  "  path TEXT,"
  "  oshash TEXT,"
  "  phash TEXT,"
  "  duration DOUBLE PRECISION NOT NULL DEFAULT 0,"
  "  organized BOOLEAN NOT NULL DEFAULT FALSE,"
  "  interactive BOOLEAN NOT NULL DEFAULT FALSE,"
  "  interactive_speed INTEGER,"
  "  markers_digest TEXT,"
  "  stash_created_at TEXT,"
  "  stash_updated_at TEXT,"
  "  last_synced TEXT,"
  "  generated BOOLEAN NOT NULL DEFAULT FALSE,"
  "  PRIMARY KEY (server_id, id)"
  ")",

  /* The Generated filter and its counts. `id` is in the index so that keyset paging
   * (`WHERE server_id = ? AND generated = ? AND id > ? ORDER BY id LIMIT n`) reads the
   * page straight from it instead of sorting every matching scene. */
  "CREATE INDEX IF NOT EXISTS scene_server_generated_idx "
  "ON scene (server_id, generated, id)",

  /* Incremental sync asks for MAX(stash_updated_at). */
  "CREATE INDEX IF NOT EXISTS scene_server_updated_idx "
  "ON scene (server_id, stash_updated_at)",

  "CREATE TABLE IF NOT EXISTS job ("
  "  id TEXT NOT NULL PRIMARY KEY,"
  "  type TEXT NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'cancelling', "
  "                                         'completed', 'failed', 'cancelled')),"
  "  server_id BIGINT REFERENCES server (id) ON DELETE CASCADE,"
  "  progress DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),"
  "  processed_items BIGINT,"
  "  total_items BIGINT,"
  "  message TEXT,"
  "  parameters TEXT,"
  "  result TEXT,"
  "  error TEXT,"
  "  stash_job_id TEXT,"
  "  stash_job_added_at TEXT,"
  "  parent_job_id TEXT,"
  "  created_at TEXT NOT NULL,"
  "  started_at TEXT,"
  "  completed_at TEXT,"
  "  updated_at TEXT NOT NULL,"
  /* A NULL server_id would slip through the unique index below. */
  "  CHECK (server_id IS NOT NULL OR type NOT IN " SH_EXCLUSIVE_TYPES ")"
  ")",

  "CREATE INDEX IF NOT EXISTS job_type_status_idx ON job (type, status)",

  "CREATE INDEX IF NOT EXISTS job_created_at_idx ON job (created_at)",

  "CREATE UNIQUE INDEX IF NOT EXISTS job_one_active_idx ON job (server_id, type) "
  "WHERE status IN " SH_ACTIVE_STATUSES " AND type IN " SH_EXCLUSIVE_TYPES,

  /* role: 'tracked' (snapshot before a Generate) or 'updated' (scenes whose generated
   * flag the job changed). No foreign key to scene: the history outlives deleted scenes. */
  "CREATE TABLE IF NOT EXISTS job_scene ("
  "  job_id TEXT NOT NULL REFERENCES job (id) ON DELETE CASCADE,"
  "  scene_id BIGINT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('tracked', 'updated')),"
  "  PRIMARY KEY (job_id, role, scene_id)"
  ")",

  NULL
};

/* Queries of the job store: the changes other processes made (polled), and the few
 * active jobs among a long history (start-up recovery). The partial index holds the
 * active jobs only. */
static const char * const migration_2[] = {
  "CREATE INDEX IF NOT EXISTS job_updated_at_idx ON job (updated_at)",

  "CREATE INDEX IF NOT EXISTS job_active_idx ON job (created_at) "
  "WHERE status IN " SH_ACTIVE_STATUSES,

  NULL
};

/* The generated flag moves out of the wide scene row into a narrow table of its own. A
 * Generate over a million scenes flips a million flags at once; in `scene` that rewrote
 * every row with its title and path and kept an index on the flag up to date (4–6 s on
 * SQLite for 1,000,000 scenes), in `scene_state` it rewrites a few thousand pages. The
 * table is the list of the server's scenes in id order, so the Generated filter, its
 * counts and the snapshot of a Generate read it alone. Every scene has its row: the store
 * adds it with the scene, the foreign key removes it with the scene (on PostgreSQL a trigger
 * since schema 8).
 *
 * `scene.generated` stays (a column cannot be dropped idempotently on SQLite, and
 * migration 1 indexes it) but is neither read nor written any more.
 *
 * `job_applied` records that a Generate's snapshot was applied: from then on its
 * `tracked` scenes are the scenes it updated, and a million `updated` rows are not
 * written (see sh_job_store_apply_generated_async()). `server_sync` keeps where the next
 * incremental sync starts. */
#define SCENE_STATE_TABLE \
  "CREATE TABLE IF NOT EXISTS scene_state (" \
  "  server_id BIGINT NOT NULL," \
  "  scene_id BIGINT NOT NULL," \
  "  generated BOOLEAN NOT NULL DEFAULT FALSE," \
  "  PRIMARY KEY (server_id, scene_id)," \
  "  FOREIGN KEY (server_id, scene_id) REFERENCES scene (server_id, id) ON DELETE CASCADE" \
  ")"

static const char * const migration_3[] = {
  /* Clustered by its key on SQLite: the rows are the index. Half-empty pages on
   * PostgreSQL, so that flipping a million flags writes each new row version next to the
   * old one without touching the index (a HOT update): 4.8 s became 2.1 s. */
  "sqlite:" SCENE_STATE_TABLE " WITHOUT ROWID",
  "postgresql:" SCENE_STATE_TABLE " WITH (fillfactor = 50)",

  /* WHERE TRUE: without it SQLite reads ON CONFLICT as part of a join. */
  "INSERT INTO scene_state (server_id, scene_id, generated) "
  "SELECT server_id, id, generated FROM scene WHERE TRUE "
  "ON CONFLICT DO NOTHING",

  "DROP INDEX IF EXISTS scene_server_generated_idx",

  "CREATE TABLE IF NOT EXISTS job_applied ("
  "  job_id TEXT NOT NULL PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,"
  "  scenes_updated BIGINT NOT NULL,"
  "  applied_at TEXT NOT NULL"
  ")",

  /* Where the next incremental sync of a server starts: Stash's newest updated_at when
   * the last successful sync began (see sh_scene_store_set_sync_point_async()). */
  "CREATE TABLE IF NOT EXISTS server_sync ("
  "  server_id BIGINT NOT NULL PRIMARY KEY REFERENCES server (id) ON DELETE CASCADE,"
  "  updated_after TEXT NOT NULL"
  ")",

  NULL
};

/* The truth of a Generate and the life of its process.
 *
 * `job_scene_failure`: the tracked scenes that a Generate's verification found lacking,
 * with the media kinds they lack (a space-separated list of kind names) and the lines of
 * Stash's error log that name them. It is the job's `failed` role; job_scene keeps its
 * CHECK of two roles, which SQLite cannot alter.
 *
 * `scene_failure`: per scene, the consecutive Generates that failed it and the last
 * reason. Sparse (only scenes that failed at least once); a scene with `failed_generates`
 * at or above the setting (3) is *failing* and left out of whole-library runs. A verified
 * success or a changed file removes the row.
 *
 * `sync_cursor`: a full sync pass under way. `after_id` is the last scene id it wrote;
 * `sync_point` is Stash's newest updated_at when the pass began, which becomes the
 * incremental sync point only when the pass completes.
 *
 * `job_owner`: for a job being run, the process that runs it (`owner`) and when it last
 * said so (`heartbeat_at`, seconds since the epoch by the database server's clock, never
 * a client's), so that a job whose process is gone can be told from a live one on
 * another machine. A table of its own, not columns of `job`: SQLite cannot add a column
 * idempotently, and only running jobs have a row. */
static const char * const migration_4[] = {
  "CREATE TABLE IF NOT EXISTS job_scene_failure ("
  "  job_id TEXT NOT NULL REFERENCES job (id) ON DELETE CASCADE,"
  "  scene_id BIGINT NOT NULL,"
  "  missing TEXT NOT NULL,"
  "  errors TEXT,"
  "  PRIMARY KEY (job_id, scene_id)"
  ")",

  "CREATE TABLE IF NOT EXISTS scene_failure ("
  "  server_id BIGINT NOT NULL,"
  "  scene_id BIGINT NOT NULL,"
  "  failed_generates INTEGER NOT NULL DEFAULT 0,"
  "  last_reason TEXT,"
  "  last_job_id TEXT,"
  "  PRIMARY KEY (server_id, scene_id),"
  "  FOREIGN KEY (server_id, scene_id) REFERENCES scene (server_id, id) ON DELETE CASCADE"
  ")",

  "CREATE TABLE IF NOT EXISTS sync_cursor ("
  "  server_id BIGINT NOT NULL PRIMARY KEY REFERENCES server (id) ON DELETE CASCADE,"
  "  after_id BIGINT NOT NULL,"
  "  sync_point TEXT"
  ")",

  "CREATE TABLE IF NOT EXISTS job_owner ("
  "  job_id TEXT NOT NULL PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,"
  "  owner TEXT NOT NULL,"
  "  heartbeat_at BIGINT NOT NULL"
  ")",

  NULL
};

/* Maintenance runs are exclusive too: two machines sharing PostgreSQL (or the app and a
 * systemd timer) must not both run one. The index is made again with the new list; the
 * CHECK of migration 1 stays as it was (a table constraint cannot be altered on SQLite),
 * and the job manager never stores a job without a server. */
#define SH_EXCLUSIVE_TYPES_5 \
  "('stash_generate', 'check_stash_generate', 'sync_scenes', 'maintenance')"

static const char * const migration_5[] = {
  "DROP INDEX IF EXISTS job_one_active_idx",

  "CREATE UNIQUE INDEX IF NOT EXISTS job_one_active_idx ON job (server_id, type) "
  "WHERE status IN " SH_ACTIVE_STATUSES " AND type IN " SH_EXCLUSIVE_TYPES_5,

  NULL
};

/* `scene_media`: what the last Check found for each scene it checked, as bit masks of the
 * media kinds (bit positions as ShMediaKind: cover, sprite, vtt, preview, webp, phash,
 * heatmap, marker video, marker screenshot, marker webp): `checked_kinds` the kinds asked
 * for, `missing_kinds` those missing, `checked_at` seconds since the epoch. Written in the
 * Check's own transaction; a Check of other kinds replaces the row. */
static const char * const migration_6[] = {
  "CREATE TABLE IF NOT EXISTS scene_media ("
  "  server_id BIGINT NOT NULL,"
  "  scene_id BIGINT NOT NULL,"
  "  checked_kinds INTEGER NOT NULL,"
  "  missing_kinds INTEGER NOT NULL,"
  "  checked_at BIGINT NOT NULL,"
  "  PRIMARY KEY (server_id, scene_id),"
  "  FOREIGN KEY (server_id, scene_id) REFERENCES scene (server_id, id) ON DELETE CASCADE"
  ")",

  NULL
};

/* The scenes of a job, compact: `job_scene_set` replaces `job_scene`. A Generate over a
 * whole library writes a million rows at once; in `job_scene` each repeated the job's
 * 36-character id and a role name in the row and in its primary key, and on PostgreSQL
 * each row's foreign key to `job` fired a check of its own (4.3 s of the 7.2 s of such a
 * snapshot). Now a job has a small integer key (`job_key`, made when the job first
 * records scenes), a role is a number (1 tracked, 2 updated: SH_ROLE_TRACKED,
 * SH_ROLE_UPDATED) and the rows have no foreign key: deleting a job deletes its key
 * (foreign key, one per job), and a trigger on the key deletes its scenes with one
 * statement. Clustered by its key on SQLite.
 *
 * Idempotent like the others: run again, it finds no `job_scene` or an empty one made
 * again by migration 1, copies nothing and drops it. */
#define JOB_SCENE_SET_TABLE \
  "CREATE TABLE IF NOT EXISTS job_scene_set (" \
  "  job_key INTEGER NOT NULL," \
  "  role SMALLINT NOT NULL CHECK (role IN (" SH_ROLE_TRACKED ", " SH_ROLE_UPDATED "))," \
  "  scene_id BIGINT NOT NULL," \
  "  PRIMARY KEY (job_key, role, scene_id)" \
  ")"

static const char * const migration_7[] = {
  "sqlite:CREATE TABLE IF NOT EXISTS job_key ("
  "  job_key INTEGER NOT NULL PRIMARY KEY,"
  "  job_id TEXT NOT NULL UNIQUE REFERENCES job (id) ON DELETE CASCADE"
  ")",
  "postgresql:CREATE TABLE IF NOT EXISTS job_key ("
  "  job_key SERIAL PRIMARY KEY,"
  "  job_id TEXT NOT NULL UNIQUE REFERENCES job (id) ON DELETE CASCADE"
  ")",

  "sqlite:" JOB_SCENE_SET_TABLE " WITHOUT ROWID",
  "postgresql:" JOB_SCENE_SET_TABLE,

  /* What is copied: the table of migration 1, or, when this runs again after it was
   * dropped, an empty stand-in. */
  "CREATE TABLE IF NOT EXISTS job_scene ("
  "  job_id TEXT NOT NULL,"
  "  scene_id BIGINT NOT NULL,"
  "  role TEXT NOT NULL"
  ")",

  /* WHERE TRUE: without it SQLite reads ON CONFLICT as part of a join. */
  "INSERT INTO job_key (job_id) SELECT DISTINCT job_id FROM job_scene WHERE TRUE "
  "ON CONFLICT DO NOTHING",

  "INSERT INTO job_scene_set (job_key, role, scene_id) "
  "SELECT k.job_key, CASE s.role WHEN 'tracked' THEN " SH_ROLE_TRACKED
  "  ELSE " SH_ROLE_UPDATED " END, s.scene_id "
  "FROM job_scene s JOIN job_key k ON k.job_id = s.job_id WHERE TRUE "
  "ON CONFLICT DO NOTHING",

  "DROP TABLE IF EXISTS job_scene",

  "sqlite:CREATE TRIGGER IF NOT EXISTS job_key_delete AFTER DELETE ON job_key "
  "FOR EACH ROW BEGIN "
  "DELETE FROM job_scene_set WHERE job_key = old.job_key; "
  "END",

  "postgresql:CREATE OR REPLACE FUNCTION job_key_delete () RETURNS trigger "
  "LANGUAGE plpgsql AS $$BEGIN "
  "DELETE FROM job_scene_set WHERE job_key = OLD.job_key; "
  "RETURN NULL; "
  "END$$",
  "postgresql:DROP TRIGGER IF EXISTS job_key_delete ON job_key",
  "postgresql:CREATE TRIGGER job_key_delete AFTER DELETE ON job_key "
  "FOR EACH ROW EXECUTE FUNCTION job_key_delete ()",

  NULL
};

/* On PostgreSQL, `scene_state` loses its foreign key to `scene`. The key checked every
 * row a sync adds with a trigger of its own: adding 100,000 rows took 0.92 s with it and
 * 0.44 s without, the largest share of the server's time in a sync (its statement log).
 * Only the store adds rows, each right after its scene in the same transaction, so the
 * check never finds anything; what the key did besides — removing a scene's row with the
 * scene — is done by one statement-level trigger, with all the scenes a statement deleted
 * (a transition table). SQLite keeps its key: there the check is a lookup in the same
 * file, and SQLite has no statement-level triggers.
 *
 * The key's name is PostgreSQL's choice, so it is looked up. */
static const char * const migration_8[] = {
  /* In a sync's order (scene, then scene_state), so that a sync of another process waits
   * instead of deadlocking with the dropping of the key. */
  "postgresql:LOCK TABLE scene, scene_state IN ACCESS EXCLUSIVE MODE",

  "postgresql:DO $$DECLARE name TEXT; BEGIN "
  "FOR name IN SELECT conname FROM pg_constraint "
  "WHERE conrelid = 'scene_state'::regclass AND contype = 'f' LOOP "
  "EXECUTE format('ALTER TABLE scene_state DROP CONSTRAINT %I', name); "
  "END LOOP; "
  "END$$",

  /* One lookup by primary key per deleted scene, as the key's own cascade did: never a
   * join of the deleted scenes with the table, which is left to statistics that a sync
   * outdates as it goes (once, with the statistics of a table just filled, deleting a
   * server of 100,000 scenes had not finished after 15 minutes). A statement that deleted
   * nothing (a sync's page, usually) costs an empty loop. */
  "postgresql:CREATE OR REPLACE FUNCTION scene_delete_state () RETURNS trigger "
  /* The key named its table; the function names it by the search path of the migration,
   * not of whichever session deletes scenes. */
  "LANGUAGE plpgsql SET search_path FROM CURRENT AS $$DECLARE gone RECORD; BEGIN "
  "FOR gone IN SELECT server_id, id FROM deleted_scene LOOP "
  "DELETE FROM scene_state WHERE server_id = gone.server_id AND scene_id = gone.id; "
  "END LOOP; "
  "RETURN NULL; "
  "END$$",
  "postgresql:DROP TRIGGER IF EXISTS scene_delete_state ON scene",
  "postgresql:CREATE TRIGGER scene_delete_state AFTER DELETE ON scene "
  "REFERENCING OLD TABLE AS deleted_scene "
  "FOR EACH STATEMENT EXECUTE FUNCTION scene_delete_state ()",

  NULL
};

static const ShMigration migrations[] = {
  { 1, migration_1 },
  { 2, migration_2 },
  { 3, migration_3 },
  { 4, migration_4 },
  { 5, migration_5 },
  { 6, migration_6 },
  { 7, migration_7 },
  { 8, migration_8 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SH_DATABASE_SCHEMA_VERSION);

static gboolean
read_version (ShDatabase  *self,
              gint64      *version,
              GError     **error)
{
  static const GType types[] = { G_TYPE_INT64, G_TYPE_NONE };
  g_autoptr(GdaDataModel) model = NULL;
  GdaStatement *stmt;

  if (!(stmt = sh_database_prepare (self, "SELECT MAX(version) FROM schema_version", error)))
    return FALSE;
  if (!(model = sh_database_select (self, stmt, NULL, types, error)))
    return FALSE;

  *version = gda_data_model_get_n_rows (model) > 0 ? sh_database_model_get_int64 (model, 0, 0) : 0;

  return TRUE;
}

static gboolean
apply_migration (ShDatabase         *self,
                 const ShMigration  *migration,
                 GError            **error)
{
  GdaStatement *stmt;
  GdaSet *params;
  gint64 version = 0;

  if (!sh_database_begin (self, error))
    return FALSE;

  /* Another process sharing the database may be migrating it right now: PostgreSQL
   * serializes on this lock, SQLite on BEGIN IMMEDIATE. Then look again. */
  if (sh_database_is_postgres (self)
      && !sh_database_execute_sql (self, "LOCK TABLE schema_version IN EXCLUSIVE MODE", error))
    goto failed;

  if (!read_version (self, &version, error))
    goto failed;

  if (version >= migration->version)
    {
      sh_database_rollback (self);
      return TRUE;
    }

  for (guint i = 0; migration->statements[i] != NULL; i++)
    {
      const char *sql = migration->statements[i];

      if (g_str_has_prefix (sql, "sqlite:"))
        {
          if (sh_database_is_postgres (self))
            continue;
          sql += strlen ("sqlite:");
        }
      else if (g_str_has_prefix (sql, "postgresql:"))
        {
          if (!sh_database_is_postgres (self))
            continue;
          sql += strlen ("postgresql:");
        }

      if (!sh_database_execute_sql (self, sql, error))
        goto failed;
    }

  stmt = sh_database_prepare_full (self,
                                   "INSERT INTO schema_version (version) "
                                   "VALUES (##version::gint64)",
                                   &params, error);
  if (stmt == NULL)
    goto failed;
  sh_database_set_int64 (params, "version", migration->version);
  if (sh_database_execute (self, stmt, params, error) < 0)
    goto failed;

  if (!sh_database_commit (self, error))
    return FALSE;

  g_debug ("Database migrated to schema version %u", migration->version);

  return TRUE;

failed:
  sh_database_rollback (self);
  return FALSE;
}

/*
 * _sh_database_migrate:
 *
 * Brings the schema to SH_DATABASE_SCHEMA_VERSION, one transaction per migration, each
 * recorded in schema_version. Safe to run on every start and from several processes.
 */
static gboolean migrate_locked (ShDatabase    *self,
                                GCancellable  *cancellable,
                                GError       **error);

/* Any constant that no other program sharing the database uses: "StashHog" in ASCII. */
#define SH_MIGRATION_LOCK_KEY "6013538550745165671"

gboolean
_sh_database_migrate (ShDatabase    *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *what = NULL;
  gboolean ok;

  what = g_strdup_printf (_("Could not open the database %s"), sh_database_get_location (self));

  /* Several processes may open a new, empty PostgreSQL database at once: even CREATE
   * TABLE IF NOT EXISTS races there (a duplicate key in pg_type). One session-level
   * advisory lock, which the server frees if this connection dies, serializes creating
   * schema_version and every migration; opening a current database holds it briefly. */
  if (sh_database_is_postgres (self))
    {
      if (!sh_database_execute_sql (self, "SELECT pg_advisory_lock(" SH_MIGRATION_LOCK_KEY ")",
                                    &local_error))
        {
          g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN, "%s", local_error->message);
          return FALSE;
        }
      ok = migrate_locked (self, cancellable, error);
      if (!sh_database_execute_sql (self, "SELECT pg_advisory_unlock(" SH_MIGRATION_LOCK_KEY ")",
                                    &local_error))
        g_debug ("Could not release the migration lock: %s", local_error->message);
      return ok;
    }

  return migrate_locked (self, cancellable, error);
}

static gboolean
migrate_locked (ShDatabase    *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0;

  g_assert (migrations[G_N_ELEMENTS (migrations) - 1].version == SH_DATABASE_SCHEMA_VERSION);

  if (!sh_database_execute_sql (self,
                                "CREATE TABLE IF NOT EXISTS schema_version ("
                                "  version INTEGER NOT NULL PRIMARY KEY"
                                ")",
                                &local_error)
      || !read_version (self, &version, &local_error))
    {
      /* Corruption was recognised already; anything else here means no access. */
      if (g_error_matches (local_error, SH_STORE_ERROR, SH_STORE_ERROR_CORRUPT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_OPEN, "%s", local_error->message);
      return FALSE;
    }

  if (version > SH_DATABASE_SCHEMA_VERSION)
    {
      g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_MIGRATION,
                   _("The database %s was created by a newer version of StashHog (schema "
                     "version %" PRId64 ", this version knows %d). Update StashHog, "
                     "or choose another database in Preferences."),
                   sh_database_get_location (self), version, SH_DATABASE_SCHEMA_VERSION);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      if (migrations[i].version <= version)
        continue;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!apply_migration (self, &migrations[i], &local_error))
        {
          if (g_error_matches (local_error, SH_STORE_ERROR, SH_STORE_ERROR_CORRUPT))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, SH_STORE_ERROR, SH_STORE_ERROR_MIGRATION,
                         _("Could not upgrade the database %s to schema version %u. %s"),
                         sh_database_get_location (self), migrations[i].version,
                         local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

/*
 * _sh_database_create_scratch_tables:
 *
 * The connection-private tables of bulk operations (see sh-database-private.h).
 */
gboolean
_sh_database_create_scratch_tables (ShDatabase  *self,
                                    GError     **error)
{
  /* Rows vanish at commit on PostgreSQL, which never vacuums temporary tables; SQLite has
   * no such clause, and its users empty the tables first anyway. */
  const char *suffix = sh_database_is_postgres (self) ? " ON COMMIT DELETE ROWS" : "";
  g_autofree char *ids = NULL;
  g_autofree char *scenes = NULL;

  ids = g_strconcat ("CREATE TEMPORARY TABLE " SH_TMP_ID_TABLE " ("
                     "  id BIGINT NOT NULL"
                     ")", suffix, NULL);
  scenes = g_strconcat ("CREATE TEMPORARY TABLE " SH_TMP_SCENE_TABLE " ("
                        "  id BIGINT NOT NULL,"
                        "  title TEXT,"
                        "  path TEXT,"
                        "  oshash TEXT,"
                        "  phash TEXT,"
                        "  duration DOUBLE PRECISION,"
                        "  organized BOOLEAN,"
                        "  interactive BOOLEAN,"
                        "  interactive_speed INTEGER,"
                        "  markers_digest TEXT,"
                        "  stash_created_at TEXT,"
                        "  stash_updated_at TEXT"
                        ")", suffix, NULL);

  return sh_database_execute_sql (self, ids, error)
         && sh_database_execute_sql (self, scenes, error);
}
