import { describe, expect, it } from 'vitest'
import { EventBus } from '../bus/event-bus.js'
import { createEvent } from '../event/create-event.js'
import { runFlowContract } from '../testing/flow.contract.js'
import { delay } from '../testing/wait-for.js'

runFlowContract('one process (in-process transport, memory store)', async () => [new EventBus()])

describe('flow control on publish', () => {
  it('reports rate_limited and debounced outcomes in the DeliveryReport', async () => {
    const bus = new EventBus()
    const ran: number[] = []
    bus.subscribe('sms.sent', (event) => void ran.push((event.data as { n: number }).n), {
      name: 'sms',
      rateLimit: { limit: 2, periodMs: 30 * 24 * 3600_000 },
    })
    bus.subscribe('doc.edited', (event) => void ran.push((event.data as { n: number }).n), {
      name: 'indexer',
      debounce: { periodMs: 200 },
    })
    const sms = await Promise.all([1, 2, 3].map((n) => bus.publish(createEvent('sms.sent', { n }))))
    expect(sms.map((report) => report.outcomes[0]!.status).sort()).toEqual([
      'rate_limited',
      'succeeded',
      'succeeded',
    ])
    const edits = await Promise.all([10, 11, 12].map((n) => bus.publish(createEvent('doc.edited', { n }))))
    expect(edits.map((report) => report.outcomes[0]!.status)).toEqual(['debounced', 'debounced', 'succeeded'])
    expect(ran.filter((n) => n >= 10)).toEqual([12])
    await bus.close()
  })
})

describe('debounce maxWaitMs', () => {
  it('runs a burst that never pauses at least every maxWaitMs, with its latest event each time', async () => {
    const bus = new EventBus()
    const ran: number[] = []
    bus.subscribe('doc.edited', (event) => void ran.push((event.data as { n: number }).n), {
      name: 'autosave',
      debounce: { periodMs: 400, maxWaitMs: 800 },
    })
    const reports: Promise<unknown>[] = []
    // 2.4 s of edits 100 ms apart: never the 400 ms pause that ends a burst before its last edit.
    for (let n = 0; n < 24; n++) {
      reports.push(bus.publish(createEvent('doc.edited', { n })))
      await delay(100)
    }
    await Promise.all(reports)
    expect(ran.length).toBeGreaterThanOrEqual(2)
    expect(ran.at(-1)).toBe(23)
    expect([...ran].sort((a, b) => a - b)).toEqual(ran)
    await bus.close()
  })
})

describe('flow options: bad input', () => {
  const bus = new EventBus()
  const subscribe = (options: Record<string, unknown>) => () =>
    bus.subscribe('a.b', () => undefined, { name: 'bad_flow', ...options })

  it.each([
    [
      { throttle: { limit: 0, periodMs: 1000 } },
      'subscription bad_flow: throttle.limit: expected a positive integer, got 0',
    ],
    [{ rateLimit: { limit: 1, periodMs: 1.5 } }, 'rateLimit.periodMs: expected a positive integer, got 1.5'],
    [{ debounce: { periodMs: 100, key: '' } }, 'debounce.key: expected a dot path into the event'],
    [
      { debounce: { periodMs: 100, maxWaitMs: 50 } },
      'debounce.maxWaitMs: expected a number >= debounce.periodMs (100)',
    ],
    [{ batch: { maxSize: 10, maxWaitMs: 100, key: 'data..x' } }, 'batch.key: expected a dot path'],
    [{ concurrency: { limit: 2, key: '' } }, 'concurrency.key: expected a dot path'],
    [
      { priority: { key: 'data.tier', values: { gold: 'high' } } },
      'priority.values.gold: expected a finite number',
    ],
    [
      { debounce: { periodMs: 100 }, batch: { maxSize: 2, maxWaitMs: 100 } },
      'batch: expected no batch on a handler that debounces',
    ],
  ])('refuses %j with a ConfigError naming the option', (options, message) => {
    expect(subscribe(options)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining(message) }),
    )
    expect(bus.subscriptions()).toEqual([])
  })

  it('refuses config overrides that do not resolve, naming handlers.<name>', () => {
    expect(() => bus.setFlowOverrides({ charge: { throttle: { limit: -1, periodMs: 10 } } })).toThrow(
      'handlers.charge: throttle.limit: expected a positive integer, got -1',
    )
  })
})

describe('flow options: config overrides and explain', () => {
  it('lays handlers.<name> over the subscription option by option, and explain lists what applies', async () => {
    const bus = new EventBus({
      flowOverrides: {
        charge: { throttle: { limit: 100, periodMs: 60_000, key: 'data.customer' }, priority: null },
      },
    })
    bus.subscribe('invoice.due', () => undefined, {
      name: 'charge',
      throttle: { limit: 1, periodMs: 1000 },
      priority: { key: 'data.tier', values: { gold: 10 } },
      concurrency: { limit: 1, key: 'data.customer' },
    })
    bus.subscribe('invoice.due', () => undefined, { name: 'audit' })
    const explained = bus.explain(createEvent('invoice.due', { customer: 'c-7', tier: 'gold' }))
    expect(explained.handlers.find((h) => h.handler === 'charge')?.flow).toEqual([
      'throttle: 100 starts per 60000 ms per data.customer ("c-7")',
      'concurrency: 1 at a time per data.customer ("c-7")',
    ])
    expect(explained.handlers.find((h) => h.handler === 'audit')).not.toHaveProperty('flow')
    await bus.close()
  })
})
