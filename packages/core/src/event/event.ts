import type { EventLimits } from './event-limits.js'

/**
 * Metadata carried by every event. `idempotencyKey` is always set (it defaults to the event id).
 */
export interface EventMetadata {
  readonly idempotencyKey: string
  readonly correlationId?: string
  readonly causationId?: string
  readonly orderingKey?: string
  readonly [key: string]: unknown
}

/**
 * An immutable domain event. Created with `createEvent`, deep-frozen.
 *
 * @example
 * ```ts
 * const event: Event<{ status: string }> = createEvent('order.status_changed', { status: 'shipped' })
 * ```
 */
export interface Event<T = unknown> {
  /** Unique id, a UUID v7 (time-ordered). */
  readonly id: string
  /** Dot-separated segments of `[a-z0-9_-]+`, e.g. `order.status_changed`. */
  readonly type: string
  /** The producer; `switchyard` unless given. */
  readonly source: string
  /** RFC 3339 timestamp. */
  readonly time: string
  /** JSON-serialisable payload. */
  readonly data: T
  readonly metadata: EventMetadata
}

/**
 * A map from event type to payload type, used to type `publish` and `subscribe` at compile time.
 *
 * @example
 * ```ts
 * interface OrderEvents extends EventMap { 'order.status_changed': { orderId: string; status: string } }
 * const bus = new EventBus<OrderEvents>()
 * ```
 */
export type EventMap = Record<string, unknown>

/** What `createEvent` accepts besides the type and data. */
export interface EventInit {
  id?: string
  source?: string
  time?: string | Date
  metadata?: Partial<EventMetadata> & Record<string, unknown>
  /** Bounds checked on the event; unset members take `defaultEventLimits`. */
  limits?: Partial<EventLimits>
}
