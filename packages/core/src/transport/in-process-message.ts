import type { Event } from '../event/event.js'
import type { TransportMessage } from './transport.js'

/** How a message ended: acked, naked with a delay, or not acked within its ack wait. */
export type MessageEnd = { kind: 'ack' } | { kind: 'nak'; delayMs: number } | { kind: 'expired' }

/**
 * A message of `InProcessTransport`. The first of ack, nak or the ack-wait expiry ends it; later calls are
 * ignored, as a broker ignores an ack for a message it already redelivered.
 *
 * @example
 * ```ts
 * const message = new InProcessMessage(event, 1, 30_000, (end) => console.log(end.kind))
 * await message.ack()
 * ```
 */
export class InProcessMessage implements TransportMessage {
  readonly event: Event
  readonly attempt: number
  #ackWaitMs: number
  #timer: ReturnType<typeof setTimeout> | undefined
  #onEnd: ((end: MessageEnd) => void) | undefined

  constructor(event: Event, attempt: number, ackWaitMs: number, onEnd: (end: MessageEnd) => void) {
    this.event = event
    this.attempt = attempt
    this.#ackWaitMs = ackWaitMs
    this.#onEnd = onEnd
    this.working()
  }

  async ack(): Promise<void> {
    this.#end({ kind: 'ack' })
  }

  async nak(delayMs: number): Promise<void> {
    this.#end({ kind: 'nak', delayMs: Math.max(0, delayMs) })
  }

  working(): void {
    if (this.#onEnd === undefined) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#end({ kind: 'expired' }), this.#ackWaitMs)
    this.#timer.unref()
  }

  #end(end: MessageEnd): void {
    const onEnd = this.#onEnd
    if (onEnd === undefined) return
    this.#onEnd = undefined
    clearTimeout(this.#timer)
    onEnd(end)
  }
}
