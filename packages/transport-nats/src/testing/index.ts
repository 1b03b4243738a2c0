import { randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { serviceReachable } from '@switchyard/core/testing'

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
export function natsReachable(): Promise<boolean> {
  return serviceReachable(NATS_URL, { name: 'NATS', defaultPort: 4222, start: 'start nats-server -js' })
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
