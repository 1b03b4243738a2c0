import { createRequire } from 'node:module'

// bench/package.json does not depend on @switchyard/store-sqlite and better-sqlite3 (yet); until it does, both
// are loaded from the store package's own folder, so the bench runs the same build and the same native module.
export { SqliteStore } from '../../../packages/store-sqlite/dist/index.js'

/** The part of better-sqlite3's API the bare baseline uses. */
export interface BareDatabase {
  pragma(source: string): unknown
  prepare(source: string): { run(...params: unknown[]): unknown }
  transaction<A>(fn: (arg: A) => void): (arg: A) => void
  close(): void
}

const load = createRequire(new URL('../../../packages/store-sqlite/package.json', import.meta.url))

/**
 * Opens a database file with bare better-sqlite3.
 *
 * @example
 * ```ts
 * const db = openBareDatabase('/tmp/bench.db')
 * ```
 */
export function openBareDatabase(path: string): BareDatabase {
  const Database = load('better-sqlite3') as new (path: string) => BareDatabase
  return new Database(path)
}
