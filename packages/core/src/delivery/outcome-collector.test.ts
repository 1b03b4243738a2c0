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
  it('returns the outcomes at once, in reservation order, when all were put during dispatch', () => {
    const collector = new OutcomeCollector(2)
    const first = collector.reserve()
    const second = collector.reserve()
    collector.put(second, outcome('b'))
    collector.put(first, outcome('a'))
    expect(collector.done()).toBeUndefined()
    expect(collector.outcomes).toEqual([outcome('a'), outcome('b')])
  })

  it('resolves once the last outcome arrives, without room for handlers that were not reached', async () => {
    const collector = new OutcomeCollector(3)
    const first = collector.reserve()
    const second = collector.reserve()
    const done = collector.done()
    expect(done).toBeInstanceOf(Promise)
    collector.put(first, outcome('a'))
    collector.put(second, outcome('b'))
    await done
    expect(collector.outcomes).toEqual([outcome('a'), outcome('b')])
  })
})
