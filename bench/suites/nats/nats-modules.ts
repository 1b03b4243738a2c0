import { createRequire } from 'node:module'

// bench/package.json does not depend on @switchyard/transport-nats and nats.js; until it does, both are loaded
// from the transport package's own folder, so the bench runs the same build and the same nats.js.
export { connectNatsStore, connectNatsTransport } from '../../../packages/transport-nats/dist/index.js'

type NatsCore =
  typeof import('../../../packages/transport-nats/node_modules/@nats-io/transport-node/lib/mod.js')
type JetStream = typeof import('../../../packages/transport-nats/node_modules/@nats-io/jetstream/lib/mod.js')

const load = createRequire(new URL('../../../packages/transport-nats/package.json', import.meta.url))

/** nats.js core (`connect`), for the raw baseline and for cleaning up. */
export const natsCore = load('@nats-io/transport-node') as NatsCore
/** nats.js JetStream (`jetstream`, `jetstreamManager`). */
export const natsJetStream = load('@nats-io/jetstream') as JetStream

/** Where the bench finds NATS: `NATS_URL` or the project's default. */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
