import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import hdr from 'hdr-histogram-js'

/** Something that takes events at a fixed offered rate and says when each one finished. */
export interface OpenLoopTarget {
  /**
   * Starts one operation (an event published, a request sent) and calls `finished` once it completed (its
   * handler ran, its answer came); `failed` when it cannot (the run then fails: no row counts lost work).
   */
  fire(finished: () => void, failed: (error: unknown) => void): void
  teardown(): Promise<void>
}

/** What one open-loop run measured: latencies from each operation's scheduled send time to its end. */
export interface OpenLoopResult {
  offeredPerSec: number
  /** Completed operations per second, from the first scheduled send to the last completion. */
  achievedPerSec: number
  /** Operations not finished `graceMs` after the last send; their latency counts as that wait. */
  unfinished: number
  p50Ms: number
  p99Ms: number
  p999Ms: number
  maxMs: number
}

/** How long after the last scheduled send the run waits for stragglers before it counts them unfinished. */
const GRACE_MS = 10_000

/**
 * Offers `rate` operations per second to `target` for `seconds`, whatever the target's speed (open loop), and
 * records each operation's latency from the time it was **scheduled** to be sent, not the time it was sent: a
 * target that stalls the sender (the same process's event loop) is charged for the operations that queued up
 * behind the stall, as wrk2 and HdrHistogram do ("coordinated omission" corrected). The sender wakes on a timer
 * (about once a millisecond) and sends every operation that is due.
 *
 * @example
 * ```ts
 * const result = await openLoop(target, 1_000, 10)
 * result.p99Ms
 * ```
 */
export async function openLoop(
  target: OpenLoopTarget,
  rate: number,
  seconds: number,
): Promise<OpenLoopResult> {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  })
  const total = Math.max(1, Math.round(rate * seconds))
  const intervalMs = 1000 / rate
  let completed = 0
  let lastEnd = 0
  let failure: unknown
  /** Set once the result is taken: a straggler finishing later must not touch the freed histogram. */
  let over = false
  let allDone: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    allDone = resolve
  })
  const start = performance.now()
  for (let sent = 0; sent < total && failure === undefined; ) {
    const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1)
    for (; sent < due; sent++) {
      const scheduled = start + sent * intervalMs
      target.fire(
        () => {
          if (over) return
          lastEnd = performance.now()
          histogram.recordValue(Math.max(1, Math.round((lastEnd - scheduled) * 1000)))
          if (++completed === total) allDone()
        },
        (error) => {
          failure ??= error
          allDone()
        },
      )
    }
    if (sent < total) await sleep(Math.max(0, start + sent * intervalMs - performance.now()))
  }
  const lastSend = start + (total - 1) * intervalMs
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    done,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, lastSend + GRACE_MS - performance.now()))
    }),
  ])
  clearTimeout(timer)
  over = true
  if (failure !== undefined) throw failure
  const unfinished = total - completed
  // An unfinished operation waited at least the grace period: counting it so keeps the tail honest.
  if (unfinished > 0) histogram.recordValueWithCount(GRACE_MS * 1000, unfinished)
  const elapsedMs = (unfinished > 0 ? lastSend + GRACE_MS : lastEnd) - start
  const ms = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1000
  const result: OpenLoopResult = {
    offeredPerSec: rate,
    achievedPerSec: completed / (elapsedMs / 1000),
    unfinished,
    p50Ms: ms(50),
    p99Ms: ms(99),
    p999Ms: ms(99.9),
    maxMs: histogram.maxValue / 1000,
  }
  histogram.destroy()
  return result
}
