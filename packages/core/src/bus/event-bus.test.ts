import { describe, expect, it } from 'vitest'
import type { HandlerContext } from '../delivery/delivery.js'
import { EventRejectedError } from '../errors.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import { EventBus } from './event-bus.js'

const event = (type = 'order.created', data: unknown = { id: 'o-1' }) => createEvent(type, data)

describe('EventBus subscribe and publish', () => {
  it('runs every matching handler and reports each outcome', async () => {
    const bus = new EventBus()
    const seen: string[] = []
    bus.subscribe('order.created', async () => void seen.push('exact'), { name: 'exact' })
    bus.subscribe('order.*', () => void seen.push('star'), { name: 'star' })
    bus.subscribe('**', async () => void seen.push('all'), { name: 'all' })
    bus.subscribe('user.*', () => void seen.push('user'), { name: 'user' })
    const e = event()
    const report = await bus.publish(e)
    expect(report.eventId).toBe(e.id)
    expect(report.outcomes.map((o) => [o.handler, o.status, o.attempts])).toEqual([
      ['exact', 'succeeded', 1],
      ['star', 'succeeded', 1],
      ['all', 'succeeded', 1],
    ])
    expect(seen.sort()).toEqual(['all', 'exact', 'star'])
    await bus.close()
  })

  it('passes the event and a context with attempt and signal', async () => {
    const bus = new EventBus()
    let received: [Event, HandlerContext] | undefined
    bus.subscribe(
      'order.created',
      (e, ctx) => {
        received = [e, ctx]
      },
      { name: 'h' },
    )
    const e = event()
    await bus.publish(e)
    expect(received?.[0]).toBe(e)
    expect(received?.[1].attempt).toBe(1)
    expect(received?.[1].signal.aborted).toBe(false)
    await bus.close()
  })

  it('reports an empty outcome list when nothing matches', async () => {
    const bus = new EventBus()
    expect((await bus.publish(event())).outcomes).toEqual([])
  })

  it('isolates handlers: throwing, rejecting and hanging ones do not affect the others or reject publish', async () => {
    // A handler settling past its deadline counts as timed out, so the deadline must outlast a loaded machine's
    // scheduling pauses (30 ms did not at load 20): only the hanging handler should reach it.
    const bus = new EventBus({ defaults: { retry: { attempts: 1 }, timeoutMs: 250 } })
    bus.subscribe(
      'order.created',
      () => {
        throw new Error('sync boom')
      },
      { name: 'throws' },
    )
    bus.subscribe('order.created', async () => Promise.reject(new Error('async boom')), { name: 'rejects' })
    bus.subscribe('order.created', () => new Promise(() => {}), { name: 'hangs' })
    bus.subscribe('order.created', async () => 'fine', { name: 'works' })
    const report = await bus.publish(event())
    const byHandler = Object.fromEntries(report.outcomes.map((o) => [o.handler, o]))
    expect(byHandler.works?.status).toBe('succeeded')
    expect(byHandler.throws).toMatchObject({
      status: 'dead_lettered',
      error: expect.objectContaining({ code: 'E_HANDLER', message: expect.stringMatching(/sync boom/) }),
    })
    expect(byHandler.rejects).toMatchObject({
      status: 'dead_lettered',
      error: expect.objectContaining({ code: 'E_HANDLER', message: expect.stringMatching(/async boom/) }),
    })
    expect(byHandler.hangs).toMatchObject({
      status: 'dead_lettered',
      error: expect.objectContaining({
        code: 'E_TIMEOUT',
        message: expect.stringMatching(/timed out after 250ms/),
      }),
    })
    await bus.close()
  })

  it('refuses duplicate and non-snake_case handler names and bad patterns', () => {
    const bus = new EventBus()
    bus.subscribe('a.b', () => {}, { name: 'audit_log' })
    expect(() => bus.subscribe('c.d', () => {}, { name: 'audit_log' })).toThrow(
      expect.objectContaining({ code: 'E_DUPLICATE_HANDLER' }),
    )
    for (const name of ['AuditLog', 'audit-log', '1st', '']) {
      expect(() => bus.subscribe('a.b', () => {}, { name })).toThrow(
        expect.objectContaining({ code: 'E_INVALID_HANDLER_NAME' }),
      )
    }
    expect(() => bus.subscribe('a.**.b', () => {}, { name: 'bad_pattern' })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_PATTERN' }),
    )
    expect(() => bus.subscribe('a.b', () => {}, { name: 'bad_policy', concurrency: 0 })).toThrow(
      /subscription bad_policy: concurrency: expected an integer >= 1/,
    )
  })

  it('unsubscribe stops deliveries and waits for those in flight', async () => {
    const bus = new EventBus()
    let finished = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const sub = bus.subscribe(
      'order.created',
      async () => {
        await gate
        finished++
      },
      { name: 'slow' },
    )
    const publishing = bus.publish(event())
    await new Promise((resolve) => setImmediate(resolve))
    let unsubscribed = false
    const unsubscribing = sub.unsubscribe().then(() => (unsubscribed = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(unsubscribed).toBe(false)
    release()
    await unsubscribing
    expect(finished).toBe(1)
    expect((await publishing).outcomes[0]?.status).toBe('succeeded')
    expect((await bus.publish(event())).outcomes).toEqual([])
    bus.subscribe('order.created', () => {}, { name: 'slow' })
    expect(bus.subscriptions().map((s) => s.name)).toEqual(['slow'])
  })

  it('lists subscriptions with owner, policy and in-flight count', () => {
    const bus = new EventBus({ defaults: { timeoutMs: 1234 } })
    bus.subscribe('a.*', () => {}, { name: 'h', owner: 'audit-log', retry: { attempts: 7 } })
    const [info] = bus.subscriptions()
    expect(info).toMatchObject({ name: 'h', pattern: 'a.*', owner: 'audit-log', inFlight: 0 })
    expect(info?.policy).toMatchObject({ timeoutMs: 1234, retry: { attempts: 7, initialMs: 100 } })
  })

  it('reaches a handler subscribed after events of its type were already published', async () => {
    const bus = new EventBus()
    bus.subscribe('order.*', () => {}, { name: 'first' })
    await bus.publish(event())
    bus.subscribe('order.created', () => {}, { name: 'second' })
    expect((await bus.publish(event())).outcomes.map((o) => o.handler)).toEqual(['first', 'second'])
  })

  it('lets handlers publish follow-up events while close drains', async () => {
    const bus = new EventBus()
    const followUps: string[] = []
    bus.subscribe(
      'order.created',
      async (e) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        await bus.publish(createEvent('order.audited', { of: e.id }))
      },
      { name: 'auditor' },
    )
    bus.subscribe('order.audited', (e) => void followUps.push(e.type), { name: 'audit_sink' })
    await bus.enqueue(event())
    await bus.close()
    expect(followUps).toEqual(['order.audited'])
  })

  it('refuses work once closed', async () => {
    const bus = new EventBus()
    await bus.close()
    await expect(bus.publish(event())).rejects.toMatchObject({ code: 'E_CLOSED' })
    expect(() => bus.subscribe('a.b', () => {}, { name: 'h' })).toThrow(/closed/)
  })
})

describe('EventBus extension points and observers', () => {
  it('event.before_publish can enrich an event, or reject it', async () => {
    const bus = new EventBus()
    const seen: Event[] = []
    bus.subscribe('order.created', (e) => void seen.push(e), { name: 'h' })
    bus.extensions.contribute('event.before_publish', (e: Event) =>
      createEvent(e.type, e.data, { id: e.id, metadata: { ...e.metadata, enriched: true } }),
    )
    bus.extensions.contribute('event.before_publish', (e: Event) => {
      if ((e.data as { id: string }).id === 'bad')
        throw new EventRejectedError('order id "bad" is not allowed')
      return undefined
    })
    await bus.publish(event())
    expect(seen[0]?.metadata.enriched).toBe(true)
    await expect(bus.publish(event('order.created', { id: 'bad' }))).rejects.toMatchObject({
      code: 'E_EVENT_REJECTED',
    })
    expect(seen).toHaveLength(1)
  })

  it('event.after_dispatch receives the event and its report', async () => {
    const bus = new EventBus()
    bus.subscribe('order.created', () => {}, { name: 'h' })
    const reports: unknown[] = []
    bus.extensions.contribute(
      'event.after_dispatch',
      (value: { report: unknown }) => void reports.push(value.report),
    )
    const report = await bus.publish(event())
    expect(reports).toEqual([report])
  })

  it('observers see published events, outcomes and dead letters until removed', async () => {
    const bus = new EventBus({ defaults: { retry: { attempts: 1 } } })
    bus.subscribe('order.created', () => {}, { name: 'ok' })
    bus.subscribe(
      'order.created',
      () => {
        throw new Error('x')
      },
      { name: 'bad' },
    )
    const log: string[] = []
    const stop = bus.observe({
      published: (e) => log.push(`published ${e.type}`),
      outcome: (_e, o) => log.push(`${o.handler} ${o.status}`),
      deadLettered: (dl) => log.push(`dead letter ${dl.handler}`),
    })
    bus.observe({
      published: () => {
        throw new Error('a broken observer is ignored')
      },
    })
    await bus.publish(event())
    stop()
    await bus.publish(event())
    expect(log.sort()).toEqual([
      'bad dead_lettered',
      'dead letter bad',
      'ok succeeded',
      'published order.created',
    ])
  })
})
