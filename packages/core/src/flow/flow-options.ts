/** At most `limit` starts per `periodMs` per key; the rest wait, in order. */
export interface ThrottleOptions {
  limit: number
  periodMs: number
  /** Dot path into the event (`data.customerId`); unset, one budget for the whole handler. */
  key?: string
}

/** At most `limit` deliveries per `periodMs` per key; past it a delivery ends `rate_limited` (final, no dead letter). */
export interface RateLimitOptions {
  limit: number
  periodMs: number
  key?: string
}

/**
 * A burst of events with the same key runs the handler once, with the last event, `periodMs` after the burst
 * ends (never later than `maxWaitMs` after it began); the others end `debounced`.
 */
export interface DebounceOptions {
  periodMs: number
  key?: string
  maxWaitMs?: number
}

/**
 * The handler receives an array of up to `maxSize` events (with the same key), once it is full or `maxWaitMs`
 * after its first event; each event's ledger row shares the batch's outcome, retries retry the whole batch.
 */
export interface BatchOptions {
  maxSize: number
  maxWaitMs: number
  key?: string
}

/** At most `limit` deliveries in flight per value of `key` (besides the handler's overall `concurrency`). */
export interface KeyedConcurrency {
  limit: number
  key: string
}

/** Within the handler's queue, events whose `key` has a higher value in `values` start first (unlisted: 0). */
export interface PriorityOptions {
  key: string
  values: Record<string, number>
}

/**
 * The flow-control options of a subscription (`ctx.on(pattern, handler, { … })`, or `handlers.<name>` in the
 * config file). Keys are dot paths into the event, as in `routes`. `null` (from config) turns an option off.
 *
 * @example
 * ```ts
 * bus.subscribe('invoice.*', charge, {
 *   name: 'charge_card',
 *   throttle: { limit: 100, periodMs: 60_000 },
 *   concurrency: { limit: 1, key: 'data.customerId' },
 * })
 * ```
 */
export interface FlowOptions {
  throttle?: ThrottleOptions | null
  rateLimit?: RateLimitOptions | null
  debounce?: DebounceOptions | null
  batch?: BatchOptions | null
  /** A number is the handler's overall limit (`DeliveryPolicy.concurrency`); `{ limit, key }` is per key. */
  concurrency?: number | KeyedConcurrency | null
  priority?: PriorityOptions | null
}
