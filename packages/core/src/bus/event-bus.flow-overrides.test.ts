import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { createEvent } from '../event/create-event.js'
import { EventBus } from './event-bus.js'

/** The status of each publish of `count` sms.sent events, sorted. */
async function publishSms(bus: EventBus, count: number): Promise<string[]> {
  const reports = await Promise.all(
    Array.from({ length: count }, (_, n) => bus.publish(createEvent('sms.sent', { n }))),
  )
  return reports.map((report) => report.outcomes[0]!.status).sort()
}

describe('EventBus.setFlowOverrides on running subscriptions', () => {
  it('applies a changed rate limit to a running handler from the next delivery, counting the current window', async () => {
    const bus = new EventBus()
    bus.subscribe('sms.sent', () => {}, { name: 'sms', rateLimit: { limit: 2, periodMs: 3_600_000 } })
    expect(await publishSms(bus, 3)).toEqual(['rate_limited', 'succeeded', 'succeeded'])
    bus.setFlowOverrides({ sms: { rateLimit: { limit: 5, periodMs: 3_600_000 } } })
    // 2 of the 5 already used in this window
    expect(await publishSms(bus, 4)).toEqual(['rate_limited', 'succeeded', 'succeeded', 'succeeded'])
    bus.setFlowOverrides({ sms: { rateLimit: null } })
    expect(await publishSms(bus, 3)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    await bus.close()
  })

  it('gives a handler without flow options a rate limit, and a number concurrency to its policy', async () => {
    const bus = new EventBus()
    bus.subscribe('sms.sent', () => {}, { name: 'sms' })
    bus.setFlowOverrides({ sms: { rateLimit: { limit: 1, periodMs: 3_600_000 }, concurrency: 3 } })
    expect(await publishSms(bus, 2)).toEqual(['rate_limited', 'succeeded'])
    expect(bus.subscriptions().find((s) => s.name === 'sms')?.policy.concurrency).toBe(3)
    await bus.close()
  })

  it('refuses to turn batch or debounce on or off on a running handler, naming it, and changes nothing', async () => {
    const bus = new EventBus()
    bus.subscribe('sms.sent', () => {}, {
      name: 'sms',
      owner: 'notify',
      rateLimit: { limit: 2, periodMs: 3_600_000 },
    })
    const change = () =>
      bus.setFlowOverrides({
        sms: { rateLimit: { limit: 50, periodMs: 3_600_000 }, debounce: { periodMs: 100 } },
      })
    expect(change).toThrow(ConfigError)
    expect(change).toThrow(
      'handlers.sms: debounce and batch cannot change on a running handler; reload plugin notify to apply them',
    )
    // the old limit still holds
    expect(await publishSms(bus, 3)).toEqual(['rate_limited', 'succeeded', 'succeeded'])
    await bus.close()
  })
})
