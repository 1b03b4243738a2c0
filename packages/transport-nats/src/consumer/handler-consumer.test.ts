import { setTimeout as sleep } from 'node:timers/promises'
import { createEvent, type TransportMessage } from '@switchyard/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectNatsTransport, type NatsTransport } from '../nats-transport.js'
import { acking, consumerOptions, type Seen, until } from '../test-support/collect.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from '../testing/index.js'

const up = await natsReachable()

describe.skipIf(!up)('HandlerConsumer (two nodes on one NATS)', () => {
  const stream = uniqueName('HC')
  const open: NatsTransport[] = []
  const node = async (): Promise<NatsTransport> => {
    const transport = await connectNatsTransport({ servers: NATS_URL, stream, orderingPartitions: 2 })
    open.push(transport)
    return transport
  }
  let a: NatsTransport
  let b: NatsTransport

  beforeAll(async () => {
    a = await node()
    b = await node()
  })
  afterAll(async () => {
    await Promise.all(open.map((transport) => transport.close()))
    await deleteStreams(stream)
  })

  it('shares a handler between nodes: each gets a share and no event reaches both', async () => {
    const seenA: Seen[] = []
    const seenB: Seen[] = []
    const slow = (seen: Seen[]) => async (message: TransportMessage) => {
      seen.push({ id: message.event.id, type: message.event.type, attempt: message.attempt, at: Date.now() })
      await sleep(2)
      await message.ack()
    }
    const options = consumerOptions('shared_handler', 'share.*', { concurrency: 1 })
    const consumers = [await a.consume(options, slow(seenA)), await b.consume(options, slow(seenB))]
    const events = Array.from({ length: 200 }, (_, i) => createEvent('share.it', { i }))
    await Promise.all(events.map((event, i) => (i % 2 ? a : b).publish(event)))
    await until(() => seenA.length + seenB.length >= events.length, 'all events handled')
    await sleep(200)
    await Promise.all(consumers.map((consumer) => consumer.stop()))

    const ids = [...seenA, ...seenB].map((seen) => seen.id)
    expect(new Set(ids).size).toBe(events.length)
    expect(ids).toHaveLength(events.length)
    expect(seenA.length).toBeGreaterThan(0)
    expect(seenB.length).toBeGreaterThan(0)
  })

  it('redelivers to another node what a node took and never acked (the node died)', async () => {
    const doomed = await node()
    const options = consumerOptions('redelivered_handler', 'crash.*', { ackWaitMs: 1000, concurrency: 1 })
    let taken: TransportMessage | undefined
    let release = (): void => {}
    await doomed.consume(options, async (message) => {
      taken = message
      await new Promise<void>((resolve) => {
        release = resolve // the node dies mid-handler; released only so that the test can close it
      })
    })
    const event = createEvent('crash.now', {})
    await a.publish(event)
    await until(() => taken !== undefined, 'the doomed node to take the event')
    await doomed.connection.close() // no drain, no ack: as if SIGKILLed

    const seen: Seen[] = []
    const survivor = await b.consume(options, acking(seen))
    await until(() => seen.length > 0, 'redelivery to the surviving node')
    expect(seen[0]).toMatchObject({ id: event.id, attempt: 2 })
    await survivor.stop()
    release()
  })

  it('honours the delay of a nak before redelivering', async () => {
    const seen: Seen[] = []
    const consumer = await a.consume(consumerOptions('nak_handler', 'nak.*'), async (message) => {
      seen.push({ id: message.event.id, type: message.event.type, attempt: message.attempt, at: Date.now() })
      if (message.attempt === 1) await message.nak(700)
      else await message.ack()
    })
    await a.publish(createEvent('nak.me', {}))
    await until(() => seen.length === 2, 'the redelivery')
    await consumer.stop()
    expect(seen.map((s) => s.attempt)).toEqual([1, 2])
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(650)
  })

  it('keeps per-key order across nodes, retries included, while different keys run in parallel', async () => {
    const handled = new Map<string, number[]>()
    const busy = new Set<string>()
    let overlaps = 0
    const handler = async (message: TransportMessage): Promise<void> => {
      const { key, n } = message.event.data as { key: string; n: number }
      if (busy.has(key)) overlaps++
      busy.add(key)
      await sleep(Math.random() * 3)
      busy.delete(key)
      // every fifth event fails once: its retry must still come before the next event of the key
      if (n % 5 === 0 && message.attempt === 1) return message.nak(20)
      handled.set(key, [...(handled.get(key) ?? []), n])
      await message.ack()
    }
    const options = consumerOptions('ordered_handler', 'ordered.*', { concurrency: 8 })
    const consumers = [await a.consume(options, handler), await b.consume(options, handler)]
    const keys = ['k1', 'k2', 'k3', 'k4']
    for (let n = 0; n < 40; n++) {
      const key = keys[n % keys.length]!
      await (n % 2 ? a : b).publish(
        createEvent('ordered.step', { key, n }, { metadata: { orderingKey: key } }),
      )
    }
    await until(() => [...handled.values()].flat().length === 40, 'all keyed events')
    await Promise.all(consumers.map((consumer) => consumer.stop()))
    for (const key of keys) {
      const sequence = handled.get(key)!
      expect(sequence).toEqual([...sequence].sort((x, y) => x - y))
      expect(sequence).toHaveLength(10)
    }
    expect(overlaps).toBe(0)
  })
})
