import { serviceReachable } from '@switchyard/core/testing'

/**
 * Helpers for tests that need a real PostgreSQL (`@switchyard/database-postgres/testing`).
 * @packageDocumentation
 */

/** The PostgreSQL the tests use (trust auth, database `test`); `POSTGRES_URL` overrides it. */
export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Whether PostgreSQL answers. Under CI a missing server is a failure, not a skip: this throws, so the file fails.
 *
 * @example
 * ```ts
 * const up = await postgresReachable()
 * describe.skipIf(!up)('on PostgreSQL', () => { ... })
 * ```
 */
export function postgresReachable(): Promise<boolean> {
  return serviceReachable(POSTGRES_URL, {
    name: 'PostgreSQL',
    defaultPort: 5432,
    start: 'start it (.ci/run does: pg_ctlcluster <version> main start)',
  })
}
