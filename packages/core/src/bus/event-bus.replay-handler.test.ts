import { describe, expect, it } from 'vitest'
import { EventValidationError, NotFoundError } from '../errors.js'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import { EventBus } from './event-bus.js'
import type { HandlerReplayProgress } from './handler-replay.js'

describe('EventBus.replayHandler', () => {
  async function busWithHistory() {
    const bus = new EventBus({ store: new MemoryStore() })
    bus.subscribe('**', () => {}, { name: 'audit_log' })
    const events = [
      createEvent('order.created', { n: 1 }),
      createEvent('order.shipped', { n: 2 }),
      createEvent('user.created', { n: 3 }),
      createEvent('order.created', { n: 4 }),
    ]
    for (const event of events) await bus.enqueue(event)
    await bus.drain()
    return { bus, events }
  }

  it('runs the stored events of the window that match a new handler, oldest first, with progress', async () => {
    const { bus, events } = await busWithHistory()
    const seen: number[] = []
    bus.subscribe('order.*', (event) => void seen.push((event.data as { n: number }).n), {
      name: 'search_indexer',
      concurrency: 1,
    })
    const progress: HandlerReplayProgress[] = []
    const since = new Date(Date.now() - 60_000).toISOString()
    const summary = await bus.replayHandler('search_indexer', { since, onProgress: (p) => progress.push(p) })
    expect(seen).toEqual([1, 2, 4])
    expect(summary).toMatchObject({
      handler: 'search_indexer',
      since,
      replayed: 3,
      statuses: { succeeded: 3 },
    })
    expect(progress.map((p) => [p.eventId, p.status, p.done])).toEqual([
      [events[0]!.id, 'succeeded', 1],
      [events[1]!.id, 'succeeded', 2],
      [events[3]!.id, 'succeeded', 3],
    ])
    // again: each was handled, so each is a duplicate unless the replay bypasses idempotency
    expect((await bus.replayHandler('search_indexer', { since })).statuses).toEqual({ skipped_duplicate: 3 })
    const anew = await bus.replayHandler('search_indexer', {
      since,
      type: 'order.shipped',
      bypassIdempotency: true,
    })
    expect(anew.statuses).toEqual({ succeeded: 1 })
    expect(seen).toEqual([1, 2, 4, 2])
    await bus.close()
  })

  it('keeps to the window: nothing before since or from until on', async () => {
    const { bus } = await busWithHistory()
    const seen: string[] = []
    bus.subscribe('**', (event) => void seen.push(event.id), { name: 'late_handler' })
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString()
    expect((await bus.replayHandler('late_handler', { since: at(60), until: at(120) })).replayed).toBe(0)
    expect((await bus.replayHandler('late_handler', { since: at(-120), until: at(-60) })).replayed).toBe(0)
    expect((await bus.replayHandler('late_handler', { since: at(-60) })).replayed).toBe(4)
    seen.length = 0
    expect(seen).toEqual([])
    await bus.close()
  })

  it('refuses an unknown handler, a bad window or a bad type, naming what is wrong', async () => {
    const { bus } = await busWithHistory()
    const since = new Date(Date.now() - 60_000).toISOString()
    await expect(bus.replayHandler('nobody', { since })).rejects.toBeInstanceOf(NotFoundError)
    await expect(bus.replayHandler('audit_log', { since: 'yesterday' })).rejects.toThrow(
      /^since: expected an RFC 3339/,
    )
    await expect(bus.replayHandler('audit_log', { since, until: since })).rejects.toThrow(
      /^until: expected a moment after since/,
    )
    const bad = bus.replayHandler('audit_log', { since, type: 'Order.*' })
    await expect(bad).rejects.toBeInstanceOf(EventValidationError)
    await expect(bad).rejects.toThrow(/^type: /)
    await bus.close()
  })
})
