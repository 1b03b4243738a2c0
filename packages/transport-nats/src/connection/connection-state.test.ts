import { setTimeout as sleep } from 'node:timers/promises'
import { createEvent, type TransportMessage } from '@switchyard/core'
import { afterAll, describe, expect, it } from 'vitest'
import { connectNatsTransport } from '../nats-transport.js'
import { consumerOptions, type Seen, until } from '../test-support/collect.js'
import { startTcpProxy } from '../test-support/tcp-proxy.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from '../testing/index.js'

const up = await natsReachable()

describe.skipIf(!up)('connection loss', () => {
  const stream = uniqueName('CONN')
  afterAll(() => deleteStreams(stream))

  it('reports not ready while disconnected, reconnects, and loses neither publishes nor acks', async () => {
    const proxy = await startTcpProxy(NATS_URL)
    const transport = await connectNatsTransport({ servers: proxy.url, stream, reconnectTimeWaitMs: 100 })
    const seen: Seen[] = []
    let release = (): void => {}
    const consumer = await transport.consume(
      consumerOptions('reconnect_handler', 'link.*', { ackWaitMs: 1500 }),
      async (message: TransportMessage) => {
        seen.push({
          id: message.event.id,
          type: message.event.type,
          attempt: message.attempt,
          at: Date.now(),
        })
        if (message.event.type === 'link.before') await new Promise<void>((resolve) => (release = resolve))
        await message.ack()
      },
    )
    try {
      await transport.publish(createEvent('link.before', {}))
      await until(() => seen.length === 1, 'the first event to be taken')

      proxy.cut()
      await until(() => !transport.isReady(), 'isReady() to turn false')
      release() // the handler finishes during the outage: its ack must still reach the server
      const during = transport.publish(createEvent('link.during', {}))
      await sleep(300)
      expect(transport.isReady()).toBe(false)

      proxy.restore()
      await until(() => transport.isReady(), 'the reconnect')
      await during
      await until(() => seen.length === 2, 'the event published during the outage')
      await sleep(2500) // longer than ack_wait: an ack lost in the outage would show up as a redelivery
      expect(seen.map((s) => [s.type, s.attempt])).toEqual([
        ['link.before', 1],
        ['link.during', 1],
      ])
    } finally {
      await consumer.stop()
      await transport.close()
      await proxy.close()
    }
  })
})
