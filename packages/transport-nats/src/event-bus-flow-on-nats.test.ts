import { EventBus } from '@switchyard/core'
import { runFlowContract } from '@switchyard/core/testing'
import { afterAll, describe } from 'vitest'
import { connectNatsStore } from './nats-store.js'
import { connectNatsTransport } from './nats-transport.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from './testing/index.js'

const up = await natsReachable()
const made: string[] = []

/** Two nodes (EventBus instances with their own connections) on one stream and one store, fresh per test. */
async function twoNodes(): Promise<EventBus[]> {
  const stream = uniqueName('FLOW')
  const bucketPrefix = uniqueName('flow')
  made.push(stream, `KV_${bucketPrefix}`)
  const buses: EventBus[] = []
  for (let node = 0; node < 2; node++) {
    const transport = await connectNatsTransport({ servers: NATS_URL, stream })
    const store = await connectNatsStore({
      servers: NATS_URL,
      bucketPrefix,
      connection: transport.connection,
    })
    buses.push(new EventBus({ transport, store }))
  }
  return buses
}

describe.skipIf(!up)('flow control on two NATS nodes sharing the work', () => {
  afterAll(async () => {
    await deleteStreams(...made)
  })
  runFlowContract('two NATS nodes (NatsTransport, NatsStore flow state)', twoNodes, { timeoutMs: 30_000 })
})
