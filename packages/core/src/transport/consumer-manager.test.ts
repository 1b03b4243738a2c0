import { describe, expect, it } from 'vitest'
import { EventBus } from '../bus/event-bus.js'
import { InProcessTransport } from './in-process-transport.js'
import type { ConsumerOptions, TransportConsumer, TransportMessage } from './transport.js'

/** The in-process transport, keeping the options each consumer was started with. */
class RecordingTransport extends InProcessTransport {
  readonly started: ConsumerOptions[] = []

  override consume(
    options: ConsumerOptions,
    onMessage: (message: TransportMessage) => Promise<void>,
  ): Promise<TransportConsumer> {
    this.started.push(options)
    return super.consume(options, onMessage)
  }
}

async function consumerOf(policy: { timeoutMs?: number; concurrency?: number }): Promise<ConsumerOptions> {
  const transport = new RecordingTransport()
  const bus = new EventBus({ transport })
  bus.subscribe('order.*', async () => {}, { name: 'audit_log', ...policy })
  await bus.drain()
  await bus.close()
  return transport.started[0]!
}

describe('ConsumerManager', () => {
  it('lets a transport pull ahead as many messages as still finish within the ack wait', async () => {
    // default policy: timeout 5 s, ack wait 30 s: the last one pulled waits 4 timeouts, runs for a fifth
    expect(await consumerOf({})).toMatchObject({ concurrency: 16, ackWaitMs: 30_000, prefetch: 64 })
    // a short timeout pulls far ahead, up to the cap
    expect(await consumerOf({ timeoutMs: 100 })).toMatchObject({ prefetch: 256 })
    // a timeout close to the ack wait pulls only what keeps each slot busy
    expect(await consumerOf({ timeoutMs: 20_000, concurrency: 4 })).toMatchObject({
      ackWaitMs: 60_000,
      prefetch: 4,
    })
    expect(await consumerOf({ timeoutMs: 100, concurrency: 1_000 })).toMatchObject({ prefetch: 1_000 })
  })
})
