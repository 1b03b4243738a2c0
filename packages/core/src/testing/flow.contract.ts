import { describe, expect, it } from 'vitest'
import type { EventBus } from '../bus/event-bus.js'
import type { DeliveryStatus } from '../delivery/delivery.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import { isFinalStatus } from '../ledger/delivery-status.js'
import { delay, uniqueName, waitFor } from './wait-for.js'

/** Tuning of `runFlowContract` for slower backends. */
export interface FlowContractOptions {
  /** How long to wait for every delivery of a test to end. Default 20,000. */
  timeoutMs?: number
}

/**
 * The flow-control suite a bus setup passes, in one process or as several nodes sharing the work (`create`
 * returns one bus per node, same transport and store; the suite subscribes the same handler on each and
 * spreads its events over them): keyed concurrency, priority under a backlog, throttle spacing, rate-limit
 * counts, debounce last-event-wins, batch sizes, timeouts and retries. It asserts counts, order and ledger
 * states, with waits far longer than the windows it sets.
 *
 * @example
 * ```ts
 * runFlowContract('in process', async () => [new EventBus()])
 * ```
 */
export function runFlowContract(
  label: string,
  create: () => Promise<EventBus[]>,
  options: FlowContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 20_000

  /** Runs `body` on fresh buses and closes them after. */
  const withBuses = async (body: (buses: EventBus[]) => Promise<void>): Promise<void> => {
    const buses = await create()
    try {
      await body(buses)
    } finally {
      await Promise.all(buses.map((bus) => bus.close()))
    }
  }

  /** Enqueues the events one after another, spread over the buses. */
  const enqueueAll = async (buses: EventBus[], events: Event[]): Promise<void> => {
    for (const [n, event] of events.entries()) await buses[n % buses.length]!.enqueue(event)
  }

  /** The final ledger status of `handler` for each event, once every one is final. */
  const finalStatuses = async (
    bus: EventBus,
    events: Event[],
    handler: string,
  ): Promise<DeliveryStatus[]> => {
    const statuses = new Map<string, DeliveryStatus>()
    const deadline = Date.now() + timeoutMs
    while (statuses.size < events.length) {
      if (Date.now() > deadline) throw new Error(`${events.length - statuses.size} deliveries never ended`)
      for (const event of events) {
        if (statuses.has(event.id)) continue
        const row = (await bus.store.deliveries(event.id)).find((record) => record.handler === handler)
        if (row !== undefined && isFinalStatus(row.status)) statuses.set(event.id, row.status)
      }
      if (statuses.size < events.length) await delay(50)
    }
    return events.map((event) => statuses.get(event.id)!)
  }

  const count = (statuses: DeliveryStatus[], status: DeliveryStatus): number =>
    statuses.filter((s) => s === status).length

  describe(`Flow control: ${label}`, () => {
    it(
      'never runs more than the keyed concurrency limit per key, and runs other keys meanwhile',
      async () => {
        await withBuses(async (buses) => {
          const name = uniqueName('keyed')
          const type = `${name}.placed`
          const active = new Map<string, number>()
          let maxPerKey = 0
          let running = 0
          let maxRunning = 0
          for (const bus of buses)
            bus.subscribe(
              type,
              async (event) => {
                const key = (event.data as { customer: string }).customer
                active.set(key, (active.get(key) ?? 0) + 1)
                running++
                maxPerKey = Math.max(maxPerKey, active.get(key)!)
                maxRunning = Math.max(maxRunning, running)
                await delay(50)
                running--
                active.set(key, active.get(key)! - 1)
              },
              { name, concurrency: { limit: 1, key: 'data.customer' } },
            )
          const events = Array.from({ length: 24 }, (_, n) => createEvent(type, { customer: `c${n % 4}` }))
          await enqueueAll(buses, events)
          const statuses = await finalStatuses(buses[0]!, events, name)
          expect(count(statuses, 'succeeded')).toBe(24)
          expect(maxPerKey).toBe(1)
          expect(maxRunning).toBeGreaterThan(1)
        })
      },
      timeoutMs + 10_000,
    )

    it(
      'starts the highest priority first from a backlog',
      async () => {
        await withBuses(async (buses) => {
          const name = uniqueName('prio')
          const type = `${name}.job`
          const order: { node: number; tier: string }[] = []
          const blocked = new Set<number>()
          let open!: () => void
          const gate = new Promise<void>((resolve) => (open = resolve))
          for (const [node, bus] of buses.entries())
            bus.subscribe(
              type,
              async (event) => {
                // Each node's first delivery keeps its only slot busy while the backlog queues behind it.
                if (!blocked.has(node)) {
                  blocked.add(node)
                  await gate
                } else order.push({ node, tier: (event.data as { tier: string }).tier })
              },
              { name, concurrency: 1, priority: { key: 'data.tier', values: { gold: 10, silver: 5 } } },
            )
          const blockers = buses.map((_, n) => createEvent(type, { tier: 'blocker', n }))
          await enqueueAll(buses, blockers)
          const tiers = ['bronze', 'gold', 'silver', 'bronze', 'silver', 'gold', 'bronze', 'gold', 'silver']
          const backlog = tiers.map((tier) => createEvent(type, { tier }))
          await enqueueAll(buses, backlog)
          const queued = () =>
            buses.reduce(
              (sum, bus) => sum + (bus.subscriptions().find((s) => s.name === name)?.queued ?? 0),
              0,
            )
          const total = blockers.length + backlog.length
          await waitFor(() => blocked.size + queued() === total, 'the backlog to queue', timeoutMs)
          open()
          const statuses = await finalStatuses(buses[0]!, [...blockers, ...backlog], name)
          expect(count(statuses, 'succeeded')).toBe(blockers.length + backlog.length)
          const rank: Record<string, number> = { gold: 10, silver: 5, bronze: 0, blocker: 0 }
          for (const node of buses.keys()) {
            const ranks = order.filter((run) => run.node === node).map((run) => rank[run.tier]!)
            expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
          }
          if (buses.length === 1)
            expect(order.slice(0, 3).map((run) => run.tier)).toEqual(['gold', 'gold', 'gold'])
        })
      },
      timeoutMs + 10_000,
    )

    it(
      'spaces starts by the throttle: at most limit per window, the rest wait and all run',
      async () => {
        await withBuses(async (buses) => {
          const name = uniqueName('throttle')
          const type = `${name}.call`
          const periodMs = 400
          const starts: number[] = []
          const seen: number[] = []
          for (const bus of buses)
            bus.subscribe(
              type,
              (event) => {
                starts.push(Date.now())
                seen.push((event.data as { n: number }).n)
              },
              { name, throttle: { limit: 5, periodMs } },
            )
          const events = Array.from({ length: 20 }, (_, n) => createEvent(type, { n }))
          await enqueueAll(buses, events)
          const statuses = await finalStatuses(buses[0]!, events, name)
          expect(count(statuses, 'succeeded')).toBe(20)
          // 20 starts at 5 per window need four windows: the last start is at least two whole periods after the first.
          expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(2 * periodMs - 50)
          // Fixed windows: any period-long stretch holds at most two windows' worth. A handler's recorded start
          // trails its admission by the event loop's lag, so the stretch allows the same 50 ms as the spacing above.
          for (const start of starts)
            expect(starts.filter((t) => t >= start && t < start + periodMs - 50).length).toBeLessThanOrEqual(
              10,
            )
          if (buses.length === 1) expect(seen).toEqual(events.map((_, n) => n))
        })
      },
      timeoutMs + 10_000,
    )

    it(
      'ends deliveries past the rate limit rate_limited, neither failed nor dead-lettered',
      async () => {
        await withBuses(async (buses) => {
          const name = uniqueName('rate')
          const type = `${name}.sms`
          let runs = 0
          for (const bus of buses)
            bus.subscribe(type, () => void runs++, {
              name,
              // A window far longer than the test, so all of its events fall in one.
              rateLimit: { limit: 4, periodMs: 30 * 24 * 3600_000, key: 'data.user' },
            })
          const events = Array.from({ length: 10 }, () => createEvent(type, { user: 'u1' }))
          const other = createEvent(type, { user: 'u2' })
          await enqueueAll(buses, [...events, other])
          const statuses = await finalStatuses(buses[0]!, [...events, other], name)
          expect(count(statuses.slice(0, 10), 'succeeded')).toBe(4)
          expect(count(statuses.slice(0, 10), 'rate_limited')).toBe(6)
          expect(statuses[10]).toBe('succeeded')
          expect(runs).toBe(5)
          expect(await buses[0]!.store.listDeadLetters({ handler: name })).toEqual([])
        })
      },
      timeoutMs + 10_000,
    )

    it(
      'runs a debounced burst once with its last event; the others end debounced',
      async () => {
        await withBuses(async (buses) => {
          const name = uniqueName('debounce')
          const type = `${name}.edited`
          const runs: { doc: string; rev: number }[] = []
          for (const bus of buses)
            bus.subscribe(type, (event) => void runs.push(event.data as { doc: string; rev: number }), {
              name,
              debounce: { periodMs: 1000, key: 'data.doc' },
            })
          const burst = (doc: string, revs: number) =>
            Array.from({ length: revs }, (_, rev) => createEvent(type, { doc, rev }))
          const a = burst('a', 5)
          const b = burst('b', 3)
          await enqueueAll(buses, [...a.slice(0, -1), ...b.slice(0, -1)])
          // The last of each burst comes clearly after the others (well within the 1 s period).
          await delay(200)
          await enqueueAll(buses, [a.at(-1)!, b.at(-1)!])
          const statuses = await finalStatuses(buses[0]!, [...a, ...b], name)
          expect(runs.sort((x, y) => x.doc.localeCompare(y.doc))).toEqual([
            { doc: 'a', rev: 4 },
            { doc: 'b', rev: 2 },
          ])
          expect(statuses).toEqual(
            [...a, ...b].map((e) => (e === a.at(-1) || e === b.at(-1) ? 'succeeded' : 'debounced')),
          )
        })
      },
      timeoutMs + 10_000,
    )

    it(
      'hands a batching handler arrays of at most maxSize, a partial one after maxWaitMs',
      async () => {
        await withBuses(async (buses) => {
          const name = uniqueName('batch')
          const type = `${name}.row`
          const batches: number[][] = []
          for (const bus of buses)
            bus.subscribe(
              type,
              (events) => void batches.push(events.map((event) => (event.data as { n: number }).n)),
              { name, batch: { maxSize: 4, maxWaitMs: 500 } },
            )
          const events = Array.from({ length: 10 }, (_, n) => createEvent(type, { n }))
          await enqueueAll(buses, events)
          const statuses = await finalStatuses(buses[0]!, events, name)
          expect(count(statuses, 'succeeded')).toBe(10)
          expect(batches.flat().sort((x, y) => x - y)).toEqual(events.map((_, n) => n))
          expect(batches.every((batch) => batch.length >= 1 && batch.length <= 4)).toBe(true)
          if (buses.length === 1) expect(batches.map((batch) => batch.length)).toEqual([4, 4, 2])
          // A lone event is not held for ever: its batch of one closes after maxWaitMs.
          const lone = createEvent(type, { n: 99 })
          await buses[0]!.enqueue(lone)
          expect(await finalStatuses(buses[0]!, [lone], name)).toEqual(['succeeded'])
          expect(batches.at(-1)).toEqual([99])
        })
      },
      timeoutMs + 10_000,
    )

    it(
      'retries a failed batch whole and shares its outcome with every event of it',
      async () => {
        await withBuses(async (buses) => {
          const name = uniqueName('batchretry')
          const type = `${name}.row`
          const calls: number[][] = []
          for (const bus of buses)
            bus.subscribe(
              type,
              (events, ctx) => {
                calls.push(events.map((event) => (event.data as { n: number }).n))
                if (ctx.attempt === 1) throw new Error('the database is busy')
              },
              {
                name,
                batch: { maxSize: 3, maxWaitMs: 1000 },
                retry: { attempts: 3, initialMs: 10, maxMs: 10, factor: 1, jitter: false },
              },
            )
          const events = Array.from({ length: 3 }, (_, n) => createEvent(type, { n }))
          await enqueueAll(buses, events)
          const statuses = await finalStatuses(buses[0]!, events, name)
          expect(statuses).toEqual(['succeeded', 'succeeded', 'succeeded'])
          // Each batch ran twice with the same events: the failed attempt and its retry.
          const runs = calls.map((batch) => batch.join(','))
          for (const batch of new Set(runs)) expect(runs.filter((run) => run === batch)).toHaveLength(2)
          expect(calls.flat().sort()).toEqual([0, 0, 1, 1, 2, 2])
          if (buses.length === 1)
            expect(calls).toEqual([
              [0, 1, 2],
              [0, 1, 2],
            ])
          for (const event of events) {
            const row = (await buses[0]!.store.deliveries(event.id)).find((r) => r.handler === name)
            expect(row?.attempts).toBe(2)
          }
        })
      },
      timeoutMs + 10_000,
    )
  })
}
