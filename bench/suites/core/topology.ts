import type { FlowOptions } from '@switchyard/core'

/**
 * The subscriptions of one core group, built the same way for Switchyard and every peer: `matching`
 * subscriptions reached by each published event, plus `others` that share its first segment and are never
 * reached. Each subscription gets its own handler function (emittery keeps listeners in a Set, so a shared
 * function would be registered once).
 */
export interface Topology {
  /** Type of every published event. */
  type: string
  matching: number
  others: number
  /** The matching subscription uses `pattern` where the implementation supports patterns. */
  pattern?: string
  /** Each matching handler skips an idempotency key it already handled. */
  idempotent: boolean
  /** Flow options of the matching Switchyard subscriptions (the flow suite; peers have none). */
  flow?: FlowOptions
}

/** Type of the `k`-th non-matching subscription: same first segment as the published type, so indexes must look further. */
export const otherType = (k: number): string => `order.other_${k}`

/** The payload peers emit: the fields of a Switchyard event, built as a plain object. */
export interface Payload {
  id: string
  type: string
  data: { n: number }
  metadata: { idempotencyKey: string }
}

/** An async handler that does the same (trivial) work for every implementation. */
export type WorkHandler = (event: unknown) => Promise<void>

/** Handler functions that all count into one counter, so the harness can check every call happened. */
export interface Work {
  newHandler(): WorkHandler
  calls(): number
}

/**
 * A fresh counter and a factory of handlers counting into it.
 *
 * @example
 * ```ts
 * const work = createWork()
 * emitter.on('order.placed', work.newHandler())
 * ```
 */
export function createWork(): Work {
  let calls = 0
  return {
    newHandler: () => async () => {
      calls += 1
    },
    calls: () => calls,
  }
}
