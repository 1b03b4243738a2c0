import { createEvent, SwitchyardError } from '@switchyard/core'
import { runTransportContract } from '@switchyard/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { connectNatsTransport } from './nats-transport.js'
import { acking, consumerOptions, type Seen, until } from './test-support/collect.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from './testing/index.js'

const up = await natsReachable()
const stream = uniqueName('CONTRACT')

describe.skipIf(!up)('NatsTransport', () => {
  afterAll(() => deleteStreams(stream))

  runTransportContract('NatsTransport', () => connectNatsTransport({ servers: NATS_URL, stream }), {
    deliveryTimeoutMs: 5000,
    quietMs: 300,
  })

  it('lets the server drop a second event with the same idempotencyKey and answers duplicate for it', async () => {
    const transport = await connectNatsTransport({ servers: NATS_URL, stream })
    const seen: Seen[] = []
    const consumer = await transport.consume(consumerOptions('dedup_handler', 'dedup.*'), acking(seen))
    const key = uniqueName('order')
    await transport.publish(createEvent('dedup.placed', { n: 1 }, { metadata: { idempotencyKey: key } }))
    expect(
      await transport.publish(createEvent('dedup.placed', { n: 2 }, { metadata: { idempotencyKey: key } })),
    ).toEqual({ duplicate: true })
    await transport.publish(createEvent('dedup.placed', { n: 3 }))
    await until(() => seen.length === 2, 'two distinct events')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(seen).toHaveLength(2)
    await consumer.stop()
    await transport.close()
  })

  it('resolves idle() once published events are handled', async () => {
    const transport = await connectNatsTransport({ servers: NATS_URL, stream })
    const seen: Seen[] = []
    const consumer = await transport.consume(consumerOptions('idle_handler', 'idle.*'), async (message) => {
      if (message.attempt === 1) return message.nak(100)
      seen.push({ id: message.event.id, type: message.event.type, attempt: message.attempt, at: Date.now() })
      await message.ack()
    })
    for (let n = 0; n < 5; n++) await transport.publish(createEvent('idle.ping', { n }))
    await transport.idle()
    expect(seen).toHaveLength(5)
    await consumer.stop()
    await transport.close()
  })

  it('rejects publish and consume after close with E_TRANSPORT_CLOSED', async () => {
    const transport = await connectNatsTransport({ servers: NATS_URL, stream })
    await transport.close()
    expect(transport.isReady()).toBe(false)
    await expect(transport.publish(createEvent('closed.now', {}))).rejects.toMatchObject({
      code: 'E_TRANSPORT_CLOSED',
    })
  })
})

describe('connectNatsTransport', () => {
  it('names the servers when none answers', async () => {
    const error = await connectNatsTransport({
      servers: ['nats://127.0.0.1:1'],
      stream: 'NOPE',
      maxReconnectAttempts: 0,
      connectTimeoutMs: 500,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SwitchyardError)
    expect(error).toMatchObject({ code: 'E_TRANSPORT_CONNECT', servers: ['nats://127.0.0.1:1'] })
    expect((error as Error).message).toContain('nats://127.0.0.1:1')
  })

  it('rejects invalid options with path-named messages', async () => {
    const error = await connectNatsTransport({
      servers: [],
      stream: 'bad.name',
      orderingPartitions: 0,
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'E_CONFIG' })
    const message = (error as Error).message
    expect(message).toContain('transport.servers')
    expect(message).toContain('transport.stream')
    expect(message).toContain('transport.orderingPartitions')
  })
})
