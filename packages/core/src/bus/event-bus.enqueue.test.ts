import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import { InProcessTransport } from '../transport/in-process-transport.js'
import { EventBus } from './event-bus.js'

const fast = { retry: { attempts: 3, initialMs: 1, maxMs: 5, factor: 2, jitter: false } }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('EventBus.enqueue', () => {
  it('accepts the event, dispatches it in the background and records the ledger', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store, defaults: fast })
    const ran: string[] = []
    bus.subscribe('order.*', () => void ran.push('ok'), { name: 'ok' })
    bus.subscribe('order.*', () => Promise.reject(new Error('down')), { name: 'bad' })
    bus.subscribe('user.*', () => void ran.push('user'), { name: 'user' })
    const e = createEvent('order.created', { id: 1 })
    expect(await bus.enqueue(e)).toEqual({ id: e.id })
    expect((await store.unfinishedEvents())[0]?.handlers.sort()).toEqual(['bad', 'ok'])
    await bus.drain()
    expect(ran).toEqual(['ok'])
    const ledger = Object.fromEntries((await store.deliveries(e.id)).map((r) => [r.handler, r]))
    expect(ledger.ok).toMatchObject({ status: 'succeeded', attempts: 1 })
    expect(ledger.bad).toMatchObject({
      status: 'dead_lettered',
      attempts: 3,
      error: expect.objectContaining({ code: 'E_HANDLER', message: expect.stringMatching(/down/) }),
    })
    expect(await store.unfinishedEvents()).toEqual([])
    expect(await store.listDeadLetters({ handler: 'bad' })).toHaveLength(1)
  })

  it('skips a used idempotencyKey by default, the first delivery’s ledger row being the only record written', async () => {
    class CountingStore extends MemoryStore {
      marks = 0
      override async markProcessed(key: string, handler: string): Promise<void> {
        this.marks++
        await super.markProcessed(key, handler)
      }
      override markProcessedSync(key: string, handler: string): void {
        this.marks++
        super.markProcessedSync(key, handler)
      }
    }
    const store = new CountingStore()
    const bus = new EventBus({ store })
    const ran: string[] = []
    bus.subscribe('order.*', (e) => void ran.push(`once:${e.id}`), { name: 'once' })
    bus.subscribe('order.*', (e) => void ran.push(`always:${e.id}`), { name: 'always', idempotent: false })
    const first = createEvent('order.created', { n: 1 }, { metadata: { idempotencyKey: 'order-1' } })
    const second = createEvent('order.created', { n: 2 }, { metadata: { idempotencyKey: 'order-1' } })
    await bus.enqueue(first)
    await bus.drain()
    await bus.enqueue(second)
    await bus.drain()
    expect(ran.sort()).toEqual([`always:${first.id}`, `always:${second.id}`, `once:${first.id}`].sort())
    const ledger = Object.fromEntries((await store.deliveries(second.id)).map((r) => [r.handler, r.status]))
    expect(ledger).toEqual({ once: 'skipped_duplicate', always: 'succeeded' })
    expect(store.marks).toBe(0)
  })

  it('records unrouted handlers in the ledger', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({
      store,
      routes: { 'order.created': { key: 'data.region', cases: { eu: ['eu_handler'] } } },
    })
    bus.subscribe('order.*', () => {}, { name: 'eu_handler' })
    const e = createEvent('order.created', { region: 'us' })
    await bus.enqueue(e)
    await bus.drain()
    expect(await store.deliveries(e.id)).toMatchObject([
      { handler: 'eu_handler', status: 'unrouted', attempts: 0 },
    ])
    expect(await store.unfinishedEvents()).toEqual([])
  })

  it('keeps orderingKey order for enqueued events, retries included', async () => {
    const bus = new EventBus({ defaults: fast })
    const log: number[] = []
    bus.subscribe(
      'order.*',
      async (e, ctx) => {
        const { n } = e.data as { n: number }
        await sleep(n % 2 === 0 ? 5 : 0)
        if (n === 2 && ctx.attempt === 1) throw new Error('once')
        log.push(n)
      },
      { name: 'ordered', concurrency: 4 },
    )
    for (let n = 0; n < 6; n++)
      await bus.enqueue(createEvent('order.created', { n }, { metadata: { orderingKey: 'o' } }))
    await bus.drain()
    expect(log).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('retries through the transport and skips duplicates for idempotent handlers', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store, defaults: fast })
    let calls = 0
    bus.subscribe(
      'order.*',
      (_e, ctx) => {
        calls++
        if (ctx.attempt === 1) throw new Error('first fails')
      },
      { name: 'h', idempotent: true },
    )
    const e = createEvent('order.created', {}, { metadata: { idempotencyKey: 'k' } })
    await bus.enqueue(e)
    await bus.drain()
    await bus.enqueue(createEvent('order.created', {}, { metadata: { idempotencyKey: 'k' } }))
    await bus.drain()
    expect(calls).toBe(2)
    expect((await store.deliveries(e.id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 })
  })

  it('resume hands unfinished events back for the handlers not yet final', async () => {
    const store = new MemoryStore()
    const e = createEvent('order.created', { id: 1 })
    await store.acceptEvent(e, ['a_handler', 'b_handler'])
    await store.recordDeliveries([
      {
        eventId: e.id,
        handler: 'a_handler',
        status: 'succeeded',
        attempts: 1,
        durationMs: 1,
        updatedAt: e.time,
      },
    ])
    const bus = new EventBus({ store })
    const ran: string[] = []
    bus.subscribe('order.*', () => void ran.push('a'), { name: 'a_handler' })
    bus.subscribe('order.*', () => void ran.push('b'), { name: 'b_handler' })
    expect(await bus.resume()).toBe(1)
    await bus.drain()
    expect(ran).toEqual(['b'])
    expect(await store.unfinishedEvents()).toEqual([])
  })

  it('waits while the transport is full instead of growing memory', async () => {
    const bus = new EventBus({ transport: new InProcessTransport({ maxQueued: 2 }) })
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    bus.subscribe('order.*', () => gate, { name: 'slow', concurrency: 1 })
    const accepted: number[] = []
    const enqueues = [0, 1, 2, 3, 4].map((n) =>
      bus.enqueue(createEvent('order.created', { n })).then(() => accepted.push(n)),
    )
    await sleep(20)
    expect(accepted.length).toBeLessThan(5)
    release()
    await Promise.all(enqueues)
    await bus.drain()
    expect(accepted.sort()).toEqual([0, 1, 2, 3, 4])
  })
})

describe('EventBus.hold', () => {
  it('holds new deliveries, settles in-flight ones and hands the waiting ones to a resubscribed handler', async () => {
    const bus = new EventBus()
    const log: string[] = []
    let releaseFirst!: () => void
    const firstGate = new Promise<void>((resolve) => (releaseFirst = resolve))
    const old = bus.subscribe(
      'order.*',
      async (e) => {
        if ((e.data as { n: number }).n === 0) await firstGate
        log.push(`old ${(e.data as { n: number }).n}`)
      },
      { name: 'reloadable' },
    )
    const inFlight = bus.publish(createEvent('order.created', { n: 0 }))
    await sleep(1)
    const hold = bus.hold(['reloadable'])
    const heldPublish = bus.publish(createEvent('order.created', { n: 1 }))
    await bus.enqueue(createEvent('order.created', { n: 2 }))
    let settled = false
    void hold.settled.then(() => (settled = true))
    await sleep(5)
    expect(settled).toBe(false)
    releaseFirst()
    await hold.settled
    await old.unsubscribe()
    bus.subscribe('order.*', (e) => void log.push(`new ${(e.data as { n: number }).n}`), {
      name: 'reloadable',
    })
    expect(log).toEqual(['old 0'])
    hold.release()
    expect((await heldPublish).outcomes[0]?.status).toBe('succeeded')
    await inFlight
    await bus.drain()
    expect(log.sort()).toEqual(['new 1', 'new 2', 'old 0'])
  })

  it('reports a held delivery whose handler is gone at release as unrouted', async () => {
    const bus = new EventBus()
    const sub = bus.subscribe('order.*', () => {}, { name: 'going' })
    const hold = bus.hold(['going'])
    const publishing = bus.publish(createEvent('order.created', {}))
    await sleep(1)
    await sub.unsubscribe()
    hold.release()
    expect((await publishing).outcomes[0]).toMatchObject({
      status: 'unrouted',
      error: expect.objectContaining({ code: 'E_UNROUTED', message: 'handler no longer subscribed' }),
    })
  })
})
