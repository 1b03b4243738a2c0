import { createEvent, EventBus, type ThrottleOptions } from '@switchyard/core'
import type { Row } from '../../lib/suite.js'

/** What a throttled handler's starts came to over the measured span. */
export interface ThrottleRate {
  row: Row
  /** Starts per second over the span / the configured rate. */
  ratio: number
}

/**
 * Enqueues a backlog far larger than `seconds` of the throttle's rate to one throttled no-op handler (in-process
 * transport, memory store) and counts its starts over `seconds`, from the first window boundary after the first
 * start when `aligned` (whole windows), else from the first start. The row's rate is starts per wall-clock second.
 *
 * @example
 * ```ts
 * const { ratio } = await measureThrottleRate('1000 per 1000 ms', { limit: 1000, periodMs: 1000 }, 10, true)
 * ```
 */
export async function measureThrottleRate(
  name: string,
  throttle: ThrottleOptions,
  seconds: number,
  aligned: boolean,
): Promise<ThrottleRate> {
  const rate = (throttle.limit * 1000) / throttle.periodMs
  const starts: number[] = []
  const bus = new EventBus()
  bus.subscribe('bench.throttled', () => void starts.push(Date.now()), {
    name: 'throttled',
    idempotent: false,
    throttle,
  })
  const backlog = Math.ceil(rate * (seconds + 3))
  const fed = (async () => {
    for (let n = 0; n < backlog; n++) await bus.enqueue(createEvent('bench.throttled', { n }))
  })()
  const spanMs = seconds * 1000
  while (starts.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  const from = aligned ? (Math.floor(starts[0]! / throttle.periodMs) + 1) * throttle.periodMs : starts[0]!
  while (Date.now() < from + spanMs + 200) await new Promise((resolve) => setTimeout(resolve, 50))
  const counted = starts.filter((t) => t >= from && t < from + spanMs).length
  await bus.close({ timeoutMs: 0 })
  await fed.catch(() => undefined)
  const measured = counted / seconds
  return {
    row: { name, opsPerSec: measured, p50Ms: 0, p99Ms: 0 },
    ratio: measured / rate,
  }
}
