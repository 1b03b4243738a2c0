import { performance } from 'node:perf_hooks'

let reading: number | undefined
const expire = (): void => {
  reading = undefined
}
/**
 * Already settled: `then` on it queues `expire` behind the microtasks queued so far, as `queueMicrotask` would,
 * without the async resource and bound function Node's `queueMicrotask` makes for every call.
 */
const settled = Promise.resolve()

/**
 * `performance.now()` shared by every caller until the microtasks queued before the first call have run: the
 * handlers of one publish that settle together read the clock once instead of once each (a read costs about
 * as much as the rest of one handler's bookkeeping). A reading can be late by what those queued microtasks
 * spend, so use it only where a fresh reading would come from the same run of the queue anyway.
 *
 * @example
 * ```ts
 * const durationMs = burstNow() - start
 * ```
 */
export function burstNow(): number {
  if (reading === undefined) {
    reading = performance.now()
    void settled.then(expire)
  }
  return reading
}
