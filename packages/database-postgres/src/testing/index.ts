import { connect } from 'node:net'

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
export async function postgresReachable(): Promise<boolean> {
  const { hostname, port } = new URL(POSTGRES_URL)
  const up = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) || 5432, timeout: 1000 })
    const done = (result: boolean) => {
      socket.destroy()
      resolve(result)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
  if (!up && process.env.CI)
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} and CI is set: start it (see .ci/run)`)
  if (!up)
    console.warn(`PostgreSQL is not reachable at ${POSTGRES_URL}: skipping (these tests fail under CI=true)`)
  return up
}
