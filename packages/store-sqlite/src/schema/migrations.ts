import type { Database } from 'better-sqlite3'

/** One step of the schema, applied once, in order, and recorded in `PRAGMA user_version`. */
export interface Migration {
  /** 1-based and consecutive: the schema version after this step ran. */
  version: number
  description: string
  up(db: Database): void
}

/**
 * The schema of a Switchyard SQLite file, versioned in code. Append new steps; never edit a released one,
 * because files already at that version will not run it again.
 *
 * @example
 * ```ts
 * const latest = migrations.at(-1)?.version // the version a freshly opened file has
 * ```
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'outbox of accepted events, delivery ledger, idempotency records, dead letters',
    up(db) {
      db.exec(`
        -- body is NULL for an event whose deliveries were recorded but that was never accepted (direct publish):
        -- the row exists so that retention prunes its ledger like any other event's.
        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          body TEXT,
          accepted_ms INTEGER NOT NULL
        );
        CREATE TABLE deliveries (
          event_id TEXT NOT NULL,
          handler TEXT NOT NULL,
          status TEXT NOT NULL,
          final INTEGER NOT NULL,
          attempts INTEGER NOT NULL,
          duration_ms REAL NOT NULL,
          error TEXT,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (event_id, handler)
        ) WITHOUT ROWID;
        -- Only open deliveries are indexed, so finding unfinished events stays cheap however long the ledger.
        CREATE INDEX deliveries_open ON deliveries (event_id) WHERE final = 0;
        CREATE TABLE processed (
          idempotency_key TEXT NOT NULL,
          handler TEXT NOT NULL,
          processed_ms INTEGER NOT NULL,
          PRIMARY KEY (idempotency_key, handler)
        ) WITHOUT ROWID;
        CREATE INDEX processed_age ON processed (processed_ms);
        CREATE TABLE dead_letters (
          id TEXT PRIMARY KEY,
          handler TEXT NOT NULL,
          event TEXT NOT NULL,
          attempts INTEGER NOT NULL,
          error TEXT NOT NULL,
          failed_at TEXT NOT NULL,
          failed_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX dead_letters_handler ON dead_letters (handler, id);
        CREATE INDEX dead_letters_age ON dead_letters (failed_ms);
      `)
    },
  },
  {
    version: 2,
    description: 'plugin state and plugin KV with expiry',
    up(db) {
      db.exec(`
        CREATE TABLE plugin_state (
          plugin TEXT PRIMARY KEY,
          enabled INTEGER NOT NULL,
          updated_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE kv (
          namespace TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          expires_ms INTEGER,
          PRIMARY KEY (namespace, key)
        ) WITHOUT ROWID;
        CREATE INDEX kv_expiry ON kv (expires_ms) WHERE expires_ms IS NOT NULL;
      `)
    },
  },
  {
    version: 3,
    description: 'attempts started with no delivery record since (processes that died in a handler)',
    up(db) {
      db.exec('ALTER TABLE deliveries ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0')
    },
  },
  {
    version: 4,
    description: 'the succeeded ledger row of an accepted event as its idempotency record',
    up(db) {
      db.exec(`
        ALTER TABLE deliveries ADD COLUMN idempotency_key TEXT;
        -- Only succeeded rows are indexed: the lookup of every idempotent delivery, kept small and hot.
        CREATE INDEX deliveries_processed ON deliveries (idempotency_key, handler) WHERE status = 'succeeded';
      `)
    },
  },
  {
    version: 5,
    description: 'audit trail of management requests',
    up(db) {
      db.exec(`
        CREATE TABLE audit_records (
          id TEXT PRIMARY KEY,
          time_ms INTEGER NOT NULL,
          token TEXT,
          action TEXT NOT NULL,
          record TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX audit_records_time ON audit_records (time_ms);
      `)
    },
  },
  {
    version: 6,
    description: 'the trace of each attempt of a delivery (JSON), when the bus traces',
    up(db) {
      db.exec('ALTER TABLE deliveries ADD COLUMN traces TEXT')
    },
  },
  {
    version: 7,
    description: 'the due time (RFC 3339) of a delayed delivery',
    up(db) {
      db.exec('ALTER TABLE deliveries ADD COLUMN due_at TEXT')
    },
  },
  {
    version: 8,
    description: 'the idempotency index keeps only succeeded rows whose key is not their event id',
    up(db) {
      // A row whose key is its event's id (the default) is found by its primary key: its entry in the index cost
      // a b-tree insert when it succeeded and a delete when retention pruned it, a quarter of a pruned event's.
      db.exec(`
        DROP INDEX deliveries_processed;
        CREATE INDEX deliveries_keyed ON deliveries (idempotency_key, handler)
          WHERE status = 'succeeded' AND idempotency_key <> event_id;
      `)
    },
  },
]
