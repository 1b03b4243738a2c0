import { describe, expect, it } from 'vitest'
import type { DeliveryOutcome } from './delivery.js'
import { OutcomeCollector } from './outcome-collector.js'

const outcome = (handler: string): DeliveryOutcome => ({
  handler,
  status: 'succeeded',
  attempts: 1,
  durationMs: 0,
})

describe('OutcomeCollector', () => {
  it('reports the outcomes in reservation order when all were put during dispatch', async () => {
    const collector = new OutcomeCollector(2)
    const first = collector.reserve()
    const second = collector.reserve()
    collector.put(second, outcome('b'))
    collector.put(first, outcome('a'))
    expect(await collector.report('e-1')).toEqual({ eventId: 'e-1', outcomes: [outcome('a'), outcome('b')] })
  })

  it('reports once the last outcome arrives, without room for handlers that were not reached', async () => {
    const collector = new OutcomeCollector(3)
    const first = collector.reserve()
    const second = collector.reserve()
    let report: unknown
    void collector.report('e-2').then((settled) => {
      report = settled
    })
    collector.put(first, outcome('a'))
    await Promise.resolve()
    expect(report).toBeUndefined()
    collector.put(second, outcome('b'))
    await Promise.resolve()
    expect(report).toEqual({ eventId: 'e-2', outcomes: [outcome('a'), outcome('b')] })
  })
})
