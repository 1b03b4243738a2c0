import { describe, expect, it } from 'vitest'
import type { DeliveryReport } from '../delivery/delivery.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import { MemoryStore } from '../store/memory-store.js'
import { EventBus } from './event-bus.js'

/** A bus on `store` whose `event.after_dispatch` reports are collected. */
function auditedBus(store: MemoryStore) {
  const bus = new EventBus({ store })
  const reports: DeliveryReport[] = []
  bus.extensions.contribute(
    'event.after_dispatch',
    ({ report }: { event: Event; report: DeliveryReport }) => {
      reports.push(report)
    },
  )
  return { bus, reports }
}

const ledgerOf = async (store: MemoryStore, id: string) =>
  Object.fromEntries((await store.deliveries(id)).map((r) => [r.handler, [r.status, r.error?.message]]))

describe('EventBus: every accepted delivery reaches a final state', () => {
  const changes: [string, (bus: EventBus, state: { pass: boolean }) => void, string | undefined][] = [
    [
      'its filter now says no',
      (_bus, state) => {
        state.pass = false
      },
      'filtered out',
    ],
    ['it was deselected', (bus) => bus.setHandlerSelection({ disabled: ['late'] }), 'disabled'],
    [
      'a route now leaves it out',
      (bus) =>
        bus.setRoutes({ 'order.created': { key: 'data.region', cases: { eu: ['late'], '*': ['other'] } } }),
      undefined,
    ],
  ]

  it.each(changes)('ends a delivery unrouted when, once accepted, %s', async (_what, change, error) => {
    const store = new MemoryStore()
    const { bus, reports } = auditedBus(store)
    const state = { pass: true }
    const ran: string[] = []
    bus.subscribe('order.*', () => void ran.push('late'), { name: 'late', filter: () => state.pass })
    bus.subscribe('order.*', () => void ran.push('other'), { name: 'other' })
    const hold = bus.hold(['late'])
    const e = createEvent('order.created', { region: 'us' })
    await bus.enqueue(e)
    expect((await store.unfinishedEvents())[0]?.handlers).toContain('late')
    change(bus, state)
    hold.release()
    await bus.drain()

    expect(ran).toEqual(['other'])
    expect(await ledgerOf(store, e.id)).toEqual({
      late: ['unrouted', error],
      other: ['succeeded', undefined],
    })
    expect(await store.unfinishedEvents()).toEqual([])
    expect(reports).toHaveLength(1)
    expect(reports[0]?.outcomes.find((o) => o.handler === 'late')?.status).toBe('unrouted')
  })

  it('writes no ledger row for a handler its filter left out at enqueue', async () => {
    const store = new MemoryStore()
    const { bus, reports } = auditedBus(store)
    bus.subscribe('order.*', () => {}, { name: 'picky', filter: () => false })
    bus.subscribe('order.*', () => {}, { name: 'other' })
    const e = createEvent('order.created', {})
    await bus.enqueue(e)
    await bus.drain()
    expect(await ledgerOf(store, e.id)).toEqual({ other: ['succeeded', undefined] })
    expect(reports.map((r) => r.outcomes.map((o) => o.handler))).toEqual([['other']])
  })

  it('keeps the deliveries of an unsubscribed handler for the next subscriber of its name', async () => {
    const store = new MemoryStore()
    const { bus, reports } = auditedBus(store)
    const first = bus.subscribe('order.*', () => {}, { name: 'reborn' })
    const hold = bus.hold(['reborn'])
    const e = createEvent('order.created', {})
    await bus.enqueue(e)
    await first.unsubscribe()
    hold.release()
    await bus.drain()
    expect(await ledgerOf(store, e.id)).toEqual({ reborn: ['pending', undefined] })
    expect(reports).toEqual([])

    const ran: string[] = []
    bus.subscribe('order.*', () => void ran.push('again'), { name: 'reborn' })
    await bus.drain()
    expect(ran).toEqual(['again'])
    expect(await ledgerOf(store, e.id)).toEqual({ reborn: ['succeeded', undefined] })
    expect(reports).toHaveLength(1)
  })
})

describe('EventBus.resume and handlers no longer subscribed', () => {
  /** A store left by a run that accepted `mixed` for both handlers and `orphan` for the gone one only. */
  async function leftover() {
    const store = new MemoryStore()
    const mixed = createEvent('order.created', { n: 1 })
    const orphan = createEvent('order.created', { n: 2 })
    await store.acceptEvent(mixed, ['kept', 'gone'])
    await store.acceptEvent(orphan, ['gone'])
    return { store, mixed, orphan }
  }

  it('hands them back by default, so the event stays unfinished until the handler returns', async () => {
    const { store, mixed, orphan } = await leftover()
    const { bus, reports } = auditedBus(store)
    bus.subscribe('order.*', () => {}, { name: 'kept' })
    expect(await bus.resume()).toBe(2)
    await bus.drain()
    expect(await ledgerOf(store, mixed.id)).toEqual({
      kept: ['succeeded', undefined],
      gone: ['pending', undefined],
    })
    expect((await store.unfinishedEvents()).map((u) => u.event.id)).toEqual([mixed.id, orphan.id])
    expect(reports).toEqual([])
  })

  it('with finalizeMissing ends their deliveries unrouted and completes the events', async () => {
    const { store, mixed, orphan } = await leftover()
    const { bus, reports } = auditedBus(store)
    const ran: number[] = []
    bus.subscribe('order.*', (e) => void ran.push((e.data as { n: number }).n), { name: 'kept' })
    expect(await bus.resume({ finalizeMissing: true })).toBe(1)
    const gone = ['unrouted', 'handler no longer subscribed']
    expect(await ledgerOf(store, orphan.id)).toEqual({ gone })
    await bus.drain()

    expect(ran).toEqual([1])
    expect(await ledgerOf(store, mixed.id)).toEqual({ kept: ['succeeded', undefined], gone })
    expect(await store.unfinishedEvents()).toEqual([])
    expect(reports.map((r) => r.eventId).sort()).toEqual([mixed.id, orphan.id].sort())
    expect(await bus.resume({ finalizeMissing: true })).toBe(0)
  })
})
