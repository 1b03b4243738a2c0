import { createEvent, EventBus } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { connectNatsStore } from './nats-store.js'
import { connectNatsTransport } from './nats-transport.js'
import { until } from './test-support/collect.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from './testing/index.js'

const up = await natsReachable()

/** Runs of the handler: event id, node and time. */
type Runs = { id: string; node: string; atMs: number }[]

describe.skipIf(!up)('delayed delivery on NATS', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  /** A node: a bus on its own connection, on the shared stream and store buckets, resumed as a server does. */
  async function node(name: string, stream: string, bucketPrefix: string, runs: Runs): Promise<EventBus> {
    const transport = await connectNatsTransport({ servers: NATS_URL, stream })
    const store = await connectNatsStore({
      servers: NATS_URL,
      bucketPrefix,
      connection: transport.connection,
    })
    const bus = new EventBus({ transport, store })
    bus.subscribe('card.charge', (event) => void runs.push({ id: event.id, node: name, atMs: Date.now() }), {
      name: 'charge_card',
    })
    await bus.resume()
    return bus
  }

  function names(): { stream: string; bucketPrefix: string } {
    const names = { stream: uniqueName('DELAY'), bucketPrefix: uniqueName('delay') }
    cleanup.push(() => deleteStreams(names.stream, `KV_${names.bucketPrefix}`))
    return names
  }

  it('delivers each delayed event once across two nodes, once due, scheduled in the shared ledger until then', async () => {
    const { stream, bucketPrefix } = names()
    const runs: Runs = []
    const nodes = [await node('a', stream, bucketPrefix, runs), await node('b', stream, bucketPrefix, runs)]
    cleanup.push(async () => void (await Promise.all(nodes.map((bus) => bus.close()))))
    const accepted = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        nodes[n % 2]!.enqueue(createEvent('card.charge', { n }), { delayMs: 1500 }),
      ),
    )
    const ledger = await nodes[1]!.store.deliveries(accepted[0]!.id)
    expect(ledger).toEqual([expect.objectContaining({ handler: 'charge_card', status: 'scheduled' })])
    const dueMs = Date.parse(ledger[0]!.dueAt!)
    await until(() => runs.length >= 20, 'every delayed delivery', 30_000)
    await Promise.all(nodes.map((bus) => bus.drain()))
    expect(runs.map((r) => r.id).sort()).toEqual(accepted.map((a) => a.id).sort())
    expect(Math.min(...runs.map((r) => r.atMs))).toBeGreaterThanOrEqual(dueMs)
    for (const { id } of accepted)
      expect((await nodes[0]!.store.deliveries(id))[0]).toMatchObject({ status: 'succeeded', attempts: 1 })
  }, 60_000)

  it('delivers a delayed event whose node went away: another node takes over the scheduler lease', async () => {
    const { stream, bucketPrefix } = names()
    const runs: Runs = []
    const first = await node('first', stream, bucketPrefix, runs)
    const { id } = await first.enqueue(createEvent('card.charge', {}), { delayMs: 1000 })
    // the node leaves before the event is due, still holding the lease (as a killed one would)
    await first.close()
    const second = await node('second', stream, bucketPrefix, runs)
    cleanup.push(() => second.close())
    await until(() => runs.length === 1, 'the delayed delivery on the other node', 40_000)
    await second.drain()
    expect(runs).toEqual([{ id, node: 'second', atMs: expect.any(Number) }])
  }, 60_000)
})
