import { randomBytes } from 'node:crypto'
import { connect as connectTcp } from 'node:net'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'

/**
 * Helpers for tests and benchmarks that need a real NATS (`@switchyard/transport-nats/testing`).
 * @packageDocumentation
 */

/** The NATS every test uses (the project's machines run it there); `NATS_URL` overrides it. */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'

/**
 * Whether NATS answers. Under CI a missing NATS is a failure, not a skip: this throws, so the test file fails.
 *
 * @example
 * ```ts
 * const up = await natsReachable()
 * describe.skipIf(!up)('on NATS', () => { ... })
 * ```
 */
export async function natsReachable(): Promise<boolean> {
  const { hostname, port } = new URL(NATS_URL)
  const up = await new Promise<boolean>((resolve) => {
    const socket = connectTcp({ host: hostname, port: Number(port) || 4222, timeout: 1000 })
    const done = (result: boolean): void => {
      socket.destroy()
      resolve(result)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
  if (!up && process.env.CI)
    throw new Error(`NATS is not reachable at ${NATS_URL} and CI is set: start nats-server -js`)
  if (!up)
    console.warn(`NATS is not reachable at ${NATS_URL}: skipping the NATS tests (they fail under CI=true)`)
  return up
}

/**
 * A name no other test run uses, for streams, buckets and prefixes.
 *
 * @example
 * ```ts
 * const stream = uniqueName('orders') // orders_lq3x9k_a1b2c3
 * ```
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
}

/**
 * Deletes the streams whose names start with one of `prefixes` (a test's stream and its KV buckets' streams).
 *
 * @example
 * ```ts
 * await deleteStreams(stream, `KV_${bucketPrefix}`)
 * ```
 */
export async function deleteStreams(...prefixes: string[]): Promise<void> {
  const nc = await connect({ servers: NATS_URL })
  try {
    const jsm = await jetstreamManager(nc)
    for await (const name of jsm.streams.names()) {
      if (prefixes.some((prefix) => name.startsWith(prefix))) await jsm.streams.delete(name)
    }
  } finally {
    await nc.close()
  }
}
