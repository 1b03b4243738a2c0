import { createEvent, type DeadLetter, EventBus } from '@switchyard/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectNatsStore } from './nats-store.js'
import { connectNatsTransport } from './nats-transport.js'
import { until } from './test-support/collect.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from './testing/index.js'

const up = await natsReachable()

/** Two "nodes": EventBus instances in one process, each with its own NATS connection, on one stream and store. */
describe.skipIf(!up)('EventBus on NatsTransport and NatsStore, two nodes', () => {
  const stream = uniqueName('BUS')
  const bucketPrefix = uniqueName('bus')
  const calls = new Map<string, string[]>()
  const buses: EventBus[] = []

  beforeAll(async () => {
    for (const node of ['a', 'b']) {
      const transport = await connectNatsTransport({ servers: NATS_URL, stream })
      const store = await connectNatsStore({
        servers: NATS_URL,
        bucketPrefix,
        connection: transport.connection,
      })
      const bus = new EventBus({
        transport,
        store,
        defaults: { retry: { attempts: 2, initialMs: 10, maxMs: 10, factor: 1, jitter: false } },
      })
      for (const handler of ['audit_log', 'notify']) {
        bus.subscribe(
          'order.*',
          (event) =>
            void calls.set(`${handler}:${event.id}`, [...(calls.get(`${handler}:${event.id}`) ?? []), node]),
          {
            name: handler,
          },
        )
      }
      bus.subscribe(
        'order.broken',
        () => {
          throw new Error('always fails')
        },
        { name: 'broken' },
      )
      buses.push(bus)
    }
  })
  afterAll(async () => {
    // close() drains, stops the consumers and closes the transport (its connection) and the store
    await Promise.all(buses.map((bus) => bus.close()))
    await deleteStreams(stream, `KV_${bucketPrefix}`)
  })

  it('runs each handler once per event across the nodes, whichever node enqueued it', async () => {
    const events = Array.from({ length: 100 }, (_, n) => createEvent('order.placed', { n }))
    await Promise.all(events.map((event, n) => buses[n % 2]!.enqueue(event)))
    await until(
      () => events.every((e) => calls.has(`audit_log:${e.id}`) && calls.has(`notify:${e.id}`)),
      'every delivery',
    )
    await Promise.all(buses.map((bus) => bus.drain()))
    for (const event of events) {
      expect(calls.get(`audit_log:${event.id}`)).toHaveLength(1)
      expect(calls.get(`notify:${event.id}`)).toHaveLength(1)
    }
    const nodes = new Set([...calls.values()].flat())
    expect(nodes).toEqual(new Set(['a', 'b']))
    const ledger = await buses[1]!.store.deliveries(events[0]!.id)
    expect(ledger.map((r) => [r.handler, r.status]).sort()).toEqual([
      ['audit_log', 'succeeded'],
      ['notify', 'succeeded'],
    ])
  })

  it('ends a second event with a used idempotencyKey skipped_duplicate in the shared ledger, handled once', async () => {
    const metadata = { idempotencyKey: uniqueName('order') }
    const first = createEvent('order.placed', { n: 1 }, { metadata })
    const second = createEvent('order.placed', { n: 2 }, { metadata })
    await buses[0]!.enqueue(first)
    await buses[1]!.enqueue(second)
    // final as soon as enqueue resolved: JetStream dropped it, no node will receive it
    const ledger = await buses[0]!.store.deliveries(second.id)
    expect(ledger.map((r) => [r.handler, r.status]).sort()).toEqual([
      ['audit_log', 'skipped_duplicate'],
      ['notify', 'skipped_duplicate'],
    ])
    expect(ledger[0]?.error).toMatchObject({ code: 'E_DUPLICATE', eventId: second.id, attempt: 0 })
    expect(ledger[0]?.error?.message).toMatch(/dropped by the transport: idempotencyKey "order_/)
    expect((await buses[0]!.store.unfinishedEvents()).map((u) => u.event.id)).not.toContain(second.id)
    await until(
      () => calls.has(`audit_log:${first.id}`) && calls.has(`notify:${first.id}`),
      'the first event',
    )
    await Promise.all(buses.map((bus) => bus.drain()))
    expect([...calls.keys()].filter((call) => call.endsWith(second.id))).toEqual([])
  })

  it('keeps the ledger of an event handled before when the same event is enqueued again', async () => {
    const event = createEvent('order.placed', { n: 1 })
    await buses[0]!.enqueue(event)
    await until(() => calls.has(`audit_log:${event.id}`) && calls.has(`notify:${event.id}`), 'the event')
    await Promise.all(buses.map((bus) => bus.drain()))
    await buses[1]!.enqueue(event)
    await Promise.all(buses.map((bus) => bus.drain()))
    expect(calls.get(`audit_log:${event.id}`)).toHaveLength(1)
    const ledger = await buses[1]!.store.deliveries(event.id)
    expect(ledger.map((r) => [r.handler, r.status]).sort()).toEqual([
      ['audit_log', 'succeeded'],
      ['notify', 'succeeded'],
    ])
  })

  it('dead-letters a failing event where every node can see it', async () => {
    const event = createEvent('order.broken', {})
    await buses[0]!.enqueue(event)
    let deadLetters: DeadLetter[] = []
    await until(async () => {
      deadLetters = await buses[1]!.store.listDeadLetters({ handler: 'broken' })
      return deadLetters.length > 0
    }, 'the dead letter')
    expect(deadLetters.map((d) => [d.event.id, d.attempts])).toEqual([[event.id, 2]])
  })
})
