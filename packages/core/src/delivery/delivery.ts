import type { Event } from '../event/event.js'
import type { AttemptTrace } from './attempt-trace.js'
import type { DeliveryError } from './delivery-error.js'

/** Retry schedule: attempt n (1-based) waits `min(maxMs, initialMs * factor^(n-1))`, optionally jittered. */
export interface RetryPolicy {
  /** Total attempts, the first included. 1 means no retry. */
  attempts: number
  initialMs: number
  maxMs: number
  factor: number
  /** Full jitter: the wait is a random value between half and all of the computed delay. */
  jitter: boolean
}

/**
 * How one handler receives events. Defaults come from the bus (config `delivery`); a subscription overrides them.
 *
 * @example
 * ```ts
 * const policy: DeliveryPolicy = { timeoutMs: 2000, retry: { attempts: 5, initialMs: 50, maxMs: 5000, factor: 2, jitter: true } }
 * ```
 */
export interface DeliveryPolicy {
  /** Per-attempt deadline; the handler's AbortSignal fires when it passes. */
  timeoutMs: number
  retry: RetryPolicy
  /** At most this many deliveries to the handler in flight at once. */
  concurrency: number
  /** Skip an event whose idempotencyKey this handler already handled successfully. */
  idempotent: boolean
  /**
   * Whether an event that exhausted its attempts goes to the Store's dead-letter queue (status `dead_lettered`);
   * when false its final status is `failed` or `timed_out`. Default true.
   */
  deadLetter?: boolean
}

/**
 * Final state of one (event, handler) delivery. `rate_limited` and `debounced` are flow control's (the handler's
 * `rateLimit` was used up; its `debounce` let a later event run instead): final, neither a failure nor a dead letter.
 */
export type DeliveryStatus =
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'skipped_duplicate'
  | 'dead_lettered'
  | 'unrouted'
  | 'rate_limited'
  | 'debounced'

/**
 * Non-final state kept in the ledger while a delivery is still being worked on: `scheduled` while a delayed
 * event waits for its due time (the record's `dueAt`), `pending` until its first attempt, `retrying` between
 * attempts.
 */
export type PendingDeliveryStatus = 'scheduled' | 'pending' | 'retrying'

/** The outcome of one handler for one event. */
export interface DeliveryOutcome {
  handler: string
  status: DeliveryStatus
  attempts: number
  durationMs: number
  /**
   * The last error, serialised (a `HandlerExecutionError`, `HandlerTimeoutError`...), for failed, timed-out and
   * dead-lettered deliveries; for an `unrouted` one ended after it was accepted (filtered out, deselected, or no
   * longer subscribed at `resume`), why (`E_UNROUTED`); for a `skipped_duplicate` one whose event the transport
   * dropped as a duplicate, that it did (`E_DUPLICATE`).
   */
  error?: DeliveryError
  /** The trace of the attempt that ended it, when the bus traces and the attempt's span was sampled. */
  trace?: AttemptTrace
}

/**
 * What `EventBus.publish` resolves to once every matched handler reached a final state.
 *
 * @example
 * ```ts
 * const report = await bus.publish(createEvent('order.created', { id: 1 }))
 * report.outcomes.every((o) => o.status === 'succeeded')
 * ```
 */
export interface DeliveryReport {
  eventId: string
  outcomes: DeliveryOutcome[]
}

/** What a handler receives besides the event. */
export interface HandlerContext {
  /** 1-based attempt number. */
  readonly attempt: number
  /**
   * Aborted when the attempt times out (reason: `HandlerTimeoutError`) or when the bus shuts down: `close()`
   * aborts the attempts still running after its grace period (reason: `ClosedError`).
   */
  readonly signal: AbortSignal
  /**
   * Ends this attempt now as failed with `error` (a `HandlerExecutionError` wrapping it), whatever the handler's
   * promise does later: how a host fails an attempt whose plugin faulted outside it (an unhandled rejection in a
   * timer it started). True when the attempt was still running; false once it settled, expired, or while its
   * handler has not returned yet (a throw there fails it anyway).
   *
   * @example
   * ```ts
   * setTimeout(() => ctx.fail(new Error('gave up waiting for the callback')), 100)
   * ```
   */
  fail(error: Error): boolean
  /**
   * The W3C `traceparent` of this attempt's `process` span while the bus traces (undefined otherwise). An event
   * published with it as `metadata.traceparent` becomes a child of this attempt wherever it is published from:
   * how a plugin running outside the host process (a sandbox, another service) joins the trace.
   *
   * @example
   * ```ts
   * await fetch(url, { headers: ctx.traceparent ? { traceparent: ctx.traceparent } : {} })
   * ```
   */
  readonly traceparent?: string | undefined
}

/**
 * An event handler. Its promise settling ends the attempt; a throw or rejection fails it, except a
 * `DeliveryNotRunError` (`E_UNROUTED` or `E_FILTER`), which ends the delivery as not run (`unrouted`, or `failed`
 * without retries or dead letter): how a stand-in for a handler whose filter runs elsewhere (a plugin sandbox)
 * reports that the filter rejected the event or threw.
 */
export type Handler<T = unknown> = (event: Event<T>, ctx: HandlerContext) => unknown | Promise<unknown>

/**
 * The handler of a subscription with `batch` on: it receives the events of one batch, and its result is each
 * event's outcome (a throw fails, and retries, the whole batch).
 *
 * @example
 * ```ts
 * const insertRows: BatchHandler<{ row: string[] }> = async (events) => db.insertMany(events.map((e) => e.data.row))
 * ```
 */
export type BatchHandler<T = unknown> = (
  events: readonly Event<T>[],
  ctx: HandlerContext,
) => unknown | Promise<unknown>
