import { createEvent, EventBus } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { connectNatsStore } from './nats-store.js'
import { connectNatsTransport } from './nats-transport.js'
import { until } from './test-support/collect.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from './testing/index.js'

const up = await natsReachable()

/** A moment `minutes` from now, as RFC 3339. */
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString()

describe.skipIf(!up)('EventBus.replayHandler on NatsTransport and NatsStore', () => {
  const made: string[] = []
  let bus: EventBus | undefined

  afterEach(async () => {
    await bus?.close()
    await deleteStreams(...made.splice(0))
  })

  /** A bus on its own stream and buckets whose `audit_log` has handled events from two hours, one hour and now. */
  async function busWithHistory() {
    const stream = uniqueName('REPLAY')
    const bucketPrefix = uniqueName('replay')
    made.push(stream, `KV_${bucketPrefix}`)
    const transport = await connectNatsTransport({ servers: NATS_URL, stream })
    const store = await connectNatsStore({
      servers: NATS_URL,
      bucketPrefix,
      connection: transport.connection,
    })
    bus = new EventBus({ transport, store })
    const audited = new Set<string>()
    bus.subscribe('**', (event) => void audited.add(event.id), { name: 'audit_log' })
    const events = [
      createEvent('order.created', { n: 1 }, { time: minutesFromNow(-120) }),
      createEvent('order.created', { n: 2 }, { time: minutesFromNow(-60) }),
      createEvent('order.shipped', { n: 3 }, { time: minutesFromNow(-1) }),
      createEvent('user.created', { n: 4 }, { time: minutesFromNow(-1) }),
      createEvent('order.created', { n: 5 }, { time: minutesFromNow(-1) }),
    ]
    for (const event of events) await bus.enqueue(event)
    await until(() => audited.size === events.length, 'audit_log to handle every event', 20_000)
    return bus
  }

  it('runs the stored events of the window and type on a handler subscribed afterwards, oldest first', async () => {
    const replayBus = await busWithHistory()
    const seen: number[] = []
    replayBus.subscribe('order.*', (event) => void seen.push((event.data as { n: number }).n), {
      name: 'search_indexer',
      concurrency: 1,
    })
    // the last 90 minutes: not the event from two hours ago, not user.created (the handler's pattern)
    const summary = await replayBus.replayHandler('search_indexer', { since: minutesFromNow(-90) })
    expect(summary).toMatchObject({ handler: 'search_indexer', replayed: 3, statuses: { succeeded: 3 } })
    expect(seen).toEqual([2, 3, 5])

    // a window that ends before the last minute, and a type filter inside the handler's pattern
    const older = await replayBus.replayHandler('search_indexer', {
      since: minutesFromNow(-180),
      until: minutesFromNow(-30),
      bypassIdempotency: true,
    })
    expect(older.statuses).toEqual({ succeeded: 2 })
    const shipped = await replayBus.replayHandler('search_indexer', {
      since: minutesFromNow(-90),
      type: 'order.shipped',
      bypassIdempotency: true,
    })
    expect(shipped.statuses).toEqual({ succeeded: 1 })
    expect(seen).toEqual([2, 3, 5, 1, 2, 3])
  }, 30_000)

  it('skips what the handler already handled (idempotency in the NATS store) unless the replay bypasses it', async () => {
    const replayBus = await busWithHistory()
    const since = minutesFromNow(-180)
    // audit_log handled all five when they were enqueued: each is a duplicate for it
    expect((await replayBus.replayHandler('audit_log', { since })).statuses).toEqual({ skipped_duplicate: 5 })
    const again = await replayBus.replayHandler('audit_log', {
      since,
      type: 'order.*',
      bypassIdempotency: true,
    })
    expect(again).toMatchObject({ replayed: 4, statuses: { succeeded: 4 } })

    // a new handler's first replay runs them; its second finds them handled
    const seen: string[] = []
    replayBus.subscribe('user.*', (event) => void seen.push(event.type), { name: 'user_mirror' })
    expect((await replayBus.replayHandler('user_mirror', { since })).statuses).toEqual({ succeeded: 1 })
    expect((await replayBus.replayHandler('user_mirror', { since })).statuses).toEqual({
      skipped_duplicate: 1,
    })
    expect(seen).toEqual(['user.created'])
  }, 30_000)
})
