import type { Event } from '../event/event.js'

/** One event handed to one handler's consumer. Exactly one of ack, nak or term ends it. */
export interface TransportMessage {
  readonly event: Event
  /** 1-based count of deliveries of this event to this handler, redeliveries included. */
  readonly attempt: number
  /** The handler finished with it (succeeded, skipped or dead-lettered): never deliver it again. */
  ack(): Promise<void>
  /** Deliver it again after `delayMs` (a retry). */
  nak(delayMs: number): Promise<void>
  /** Still being worked on: extends the redelivery deadline of a long handler. */
  working(): void
}

/** What a consumer is for: one handler, the events it wants and how many it takes at once. */
export interface ConsumerOptions {
  /** The handler name; a consumer with this name is shared by every node that subscribes it. */
  handler: string
  /** Subscription pattern with `*` and `**`. */
  pattern: string
  /** Messages in flight at once on this node. */
  concurrency: number
  /** A message not acked within this long is redelivered (the node is presumed dead). */
  ackWaitMs: number
  /** After this many deliveries the transport gives up on a message (the bus dead-letters before that). */
  maxDeliveries: number
  /**
   * How many messages a transport that pulls from a server may request ahead of its free slots, so the next ones
   * are there when a slot frees instead of one round trip later. Sized by the bus so that a message pulled ahead
   * still starts and ends within `ackWaitMs` when every handler run before it takes its whole timeout.
   * Default: `concurrency`.
   */
  prefetch?: number
}

/** A running consumer. */
export interface TransportConsumer {
  /** Takes no new messages, waits for those in flight to be acked or naked. */
  stop(): Promise<void>
}

/**
 * What `Transport.publish` may answer. `duplicate: true` means the transport dropped the event because it had
 * already accepted another event with the same `metadata.idempotencyKey` (JetStream's duplicate window): no
 * handler will receive it, so the bus ends its pending deliveries `skipped_duplicate`, as an idempotent
 * handler's own check would. A transport that delivers every event (the in-process one) answers nothing.
 *
 * @example
 * ```ts
 * const result = await transport.publish(event)
 * if (result?.duplicate) console.log(`${event.id} was dropped as a duplicate`)
 * ```
 */
export interface TransportPublishResult {
  readonly duplicate?: boolean
}

/**
 * Moves accepted events to the handlers that consume them: in process by default, across nodes with
 * `@switchyard/transport-nats`. Every implementation runs `runTransportContract` from `@switchyard/core/testing`.
 *
 * @example
 * ```ts
 * const bus = new EventBus({ transport: new InProcessTransport({ maxQueued: 10_000 }) })
 * ```
 */
export interface Transport {
  /**
   * Hands an event to every consumer whose pattern matches it (only to `handlers` when given, which is how the
   * bus resumes unfinished deliveries). Resolves once accepted; waits while the transport is full. Resolves to
   * `{ duplicate: true }` when it dropped the event as a duplicate of another one (see `TransportPublishResult`);
   * re-publishing the very same event (same id) is not such a duplicate.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: transports written before the result resolve to void
  publish(event: Event, options?: { handlers?: readonly string[] }): Promise<TransportPublishResult | void>
  /** Starts consuming for one handler. `onMessage` must end every message with ack or nak. */
  consume(
    options: ConsumerOptions,
    onMessage: (message: TransportMessage) => Promise<void>,
  ): Promise<TransportConsumer>
  /**
   * Optional: resolves when nothing this transport holds for the consumers running in this process is queued, in
   * flight or waiting for redelivery. `EventBus.drain` uses it when present.
   */
  idle?(): Promise<void>
  /**
   * True when the transport itself keeps every accepted event until each consumer acked it, across restarts
   * (JetStream): `EventBus.resume` then leaves unfinished deliveries in the Store alone, which would run them twice.
   */
  readonly keepsUnacked?: boolean
  /**
   * True when every delivery of an event published here runs in this process (an in-process queue): the bus
   * then knows when an event it accepted is complete without reading its ledger back.
   */
  readonly local?: boolean
  /** False while the transport cannot reach its cluster (reported by `/readyz`). */
  isReady(): boolean
  /** Stops every consumer (draining in-flight messages) and releases resources. */
  close(): Promise<void>
}
