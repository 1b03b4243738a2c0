import type { Deadlined, DeadlineLane, DeadlineList } from '../delivery/deadline-list.js'
import type { Event } from '../event/event.js'
import type { TransportMessage } from './transport.js'

/** How a message ended: acked, naked with a delay, or not acked within its ack wait. */
export type MessageEnd = { kind: 'ack' } | { kind: 'nak'; delayMs: number } | { kind: 'expired' }

const settled = Promise.resolve()

/**
 * A message of `InProcessTransport`. The first of ack, nak or the ack-wait expiry ends it; later calls are
 * ignored, as a broker ignores an ack for a message it already redelivered. The ack wait is tracked in the
 * transport's `DeadlineList` (one interval timer for every message in flight) rather than by a timer of its own:
 * a Node timer made, unref'd and cleared per message cost about as much as the rest of the transport's work.
 *
 * @example
 * ```ts
 * const message = new InProcessMessage(event, 1, 30_000, deadlines, (end) => console.log(end.kind))
 * await message.ack()
 * ```
 */
export class InProcessMessage implements TransportMessage, Deadlined {
  readonly event: Event
  readonly attempt: number
  /** The ack wait: the message expires when neither acked, naked nor `working` for this long. */
  readonly timeoutMs: number
  deadline = 0
  prev: Deadlined | undefined = undefined
  next: Deadlined | undefined = undefined
  lane: DeadlineLane | undefined = undefined
  #deadlines: DeadlineList<InProcessMessage>
  #onEnd: ((end: MessageEnd) => void) | undefined

  constructor(
    event: Event,
    attempt: number,
    ackWaitMs: number,
    deadlines: DeadlineList<InProcessMessage>,
    onEnd: (end: MessageEnd) => void,
  ) {
    this.event = event
    this.attempt = attempt
    this.timeoutMs = ackWaitMs
    this.#deadlines = deadlines
    this.#onEnd = onEnd
    deadlines.track(this)
  }

  ack(): Promise<void> {
    this.#end({ kind: 'ack' })
    return settled
  }

  nak(delayMs: number): Promise<void> {
    this.#end({ kind: 'nak', delayMs: Math.max(0, delayMs) })
    return settled
  }

  working(): void {
    if (this.#onEnd === undefined) return
    this.#deadlines.untrack(this)
    this.#deadlines.track(this)
  }

  /** Called by the `DeadlineList` when the ack wait passed. */
  expire(): void {
    this.#end({ kind: 'expired' })
  }

  #end(end: MessageEnd): void {
    const onEnd = this.#onEnd
    if (onEnd === undefined) return
    this.#onEnd = undefined
    this.#deadlines.untrack(this)
    onEnd(end)
  }
}
