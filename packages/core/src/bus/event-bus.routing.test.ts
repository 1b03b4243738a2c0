import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import type { RouteTable } from '../routing/route-table.js'
import { EventBus } from './event-bus.js'

const statusChanged = (status: unknown) => createEvent('order.status_changed', { status })
const routes: RouteTable = {
  'order.status_changed': {
    key: 'data.status',
    cases: { shipped: ['notify_handler'], '*': ['fallback_handler'] },
  },
}

function busWithHandlers(options: ConstructorParameters<typeof EventBus>[0] = {}) {
  const bus = new EventBus(options)
  const ran: string[] = []
  for (const name of ['notify_handler', 'fallback_handler', 'audit_handler']) {
    bus.subscribe(name === 'audit_handler' ? '**' : 'order.*', () => void ran.push(name), { name })
  }
  return { bus, ran }
}

describe('EventBus routes', () => {
  it('runs the handlers of the matching case; the other named ones are unrouted; unnamed ones run', async () => {
    const { bus, ran } = busWithHandlers({ routes })
    const report = await bus.publish(statusChanged('shipped'))
    expect(report.outcomes.map((o) => [o.handler, o.status])).toEqual([
      ['notify_handler', 'succeeded'],
      ['fallback_handler', 'unrouted'],
      ['audit_handler', 'succeeded'],
    ])
    expect(ran.sort()).toEqual(['audit_handler', 'notify_handler'])
  })

  it('falls back to the * case when no case matches', async () => {
    const { bus } = busWithHandlers({ routes })
    const report = await bus.publish(statusChanged('cancelled'))
    expect(Object.fromEntries(report.outcomes.map((o) => [o.handler, o.status]))).toEqual({
      notify_handler: 'unrouted',
      fallback_handler: 'succeeded',
      audit_handler: 'succeeded',
    })
  })

  it('unroutes every named handler when no case matches and there is no fallback', async () => {
    const { bus } = busWithHandlers({
      routes: { 'order.status_changed': { key: 'data.status', cases: { shipped: ['notify_handler'] } } },
    })
    const report = await bus.publish(statusChanged(undefined))
    expect(report.outcomes.find((o) => o.handler === 'notify_handler')?.status).toBe('unrouted')
  })

  it('does not route other event types', async () => {
    const { bus } = busWithHandlers({ routes })
    const report = await bus.publish(createEvent('order.created', { status: 'shipped' }))
    expect(report.outcomes.every((o) => o.status === 'succeeded')).toBe(true)
  })

  it('replaces the table at runtime and keeps the old one when the new one is invalid', async () => {
    const { bus } = busWithHandlers({ routes })
    bus.setRoutes({
      'order.status_changed': { key: 'data.status', cases: { shipped: ['fallback_handler'] } },
    })
    const shipped = await bus.publish(statusChanged('shipped'))
    expect(shipped.outcomes.find((o) => o.handler === 'fallback_handler')?.status).toBe('succeeded')
    expect(() => bus.setRoutes({ 'Bad Type': { key: 'data.x', cases: {} } })).toThrow(/routes\.Bad Type/)
    expect(() => bus.setRoutes({ 'a.b': { key: '', cases: {} } })).toThrow(/routes\.a\.b\.key/)
    expect(() =>
      bus.setRoutes({ 'a.b': { key: 'data.x', cases: { x: 'h' as unknown as string[] } } }),
    ).toThrow(/routes\.a\.b\.cases\.x: expected a list of handler names/)
    const still = await bus.publish(statusChanged('shipped'))
    expect(still.outcomes.find((o) => o.handler === 'fallback_handler')?.status).toBe('succeeded')
  })

  it('warns about routes naming handlers nobody subscribed', () => {
    const { bus } = busWithHandlers({
      routes: {
        'order.status_changed': { key: 'data.status', cases: { shipped: ['notify_handler', 'sms_handler'] } },
      },
    })
    expect(bus.routeWarnings()).toEqual([
      'route order.status_changed names handler sms_handler, which no subscription provides',
    ])
  })
})

describe('EventBus handler selection and filters', () => {
  it('does not match disabled handlers, or handlers missing from a non-empty enabled list', async () => {
    const { bus } = busWithHandlers({ handlerSelection: { disabled: ['audit_handler'] } })
    const names = async () =>
      (await bus.publish(createEvent('order.created', {}))).outcomes.map((o) => o.handler)
    expect(await names()).toEqual(['notify_handler', 'fallback_handler'])
    bus.setHandlerSelection({ enabled: ['notify_handler', 'audit_handler'] })
    expect(await names()).toEqual(['notify_handler', 'audit_handler'])
    bus.setHandlerSelection({})
    expect(await names()).toHaveLength(3)
  })

  it('skips a handler whose filter refuses the event, and reports a filter that throws', async () => {
    const bus = new EventBus()
    bus.subscribe('order.*', () => {}, {
      name: 'big_orders',
      filter: (e) => (e.data as { total: number }).total > 100,
    })
    bus.subscribe('order.*', () => {}, {
      name: 'broken_filter',
      filter: () => {
        throw new Error('bad filter')
      },
    })
    const small = await bus.publish(createEvent('order.created', { total: 5 }))
    expect(small.outcomes).toEqual([
      {
        handler: 'broken_filter',
        status: 'failed',
        attempts: 0,
        durationMs: 0,
        error: {
          code: 'E_FILTER',
          message: 'filter threw: bad filter',
          handler: 'broken_filter',
          eventId: small.eventId,
          attempt: 0,
          cause: { name: 'Error', message: 'bad filter' },
        },
      },
    ])
    const big = await bus.publish(createEvent('order.created', { total: 500 }))
    expect(big.outcomes.map((o) => [o.handler, o.status])).toEqual([
      ['big_orders', 'succeeded'],
      ['broken_filter', 'failed'],
    ])
  })
})

describe('EventBus.explain', () => {
  it('says for each handler whether the event reaches it and why', () => {
    const { bus } = busWithHandlers({ routes, handlerSelection: { disabled: ['audit_handler'] } })
    bus.subscribe('user.*', () => {}, { name: 'user_handler', owner: 'users' })
    bus.subscribe('order.*', () => {}, { name: 'filtered', filter: () => false })
    const explanation = bus.explain(statusChanged('shipped'))
    expect(explanation.type).toBe('order.status_changed')
    expect(explanation.handlers.map((h) => [h.handler, h.reached, h.reason])).toEqual([
      ['notify_handler', true, 'matched by route order.status_changed case shipped'],
      ['fallback_handler', false, 'unrouted by route order.status_changed case shipped'],
      ['audit_handler', false, 'disabled by enabled_handlers/disabled_handlers'],
      ['user_handler', false, 'no pattern match'],
      ['filtered', false, 'filtered out'],
    ])
    expect(explanation.handlers[3]?.owner).toBe('users')
  })
})
