import type { JsMsg } from '@nats-io/jetstream'
import type { Event, Logger, TransportMessage } from '@switchyard/core'

/**
 * One JetStream delivery handed to the bus. `ack` waits for the server to confirm it (a double ack), so a
 * resolved ack is never lost to a connection drop; an ack that cannot be confirmed is logged and the message
 * comes back after `ack_wait`, where idempotency suppresses the duplicate.
 */
export class NatsTransportMessage implements TransportMessage {
  readonly event: Event
  readonly attempt: number
  /** When the current attempt started or last reported progress, for the consumer's heartbeat sweep. */
  lastBeat: number
  readonly #msg: JsMsg
  readonly #ackTimeoutMs: number
  readonly #logger: Logger
  #settled = false

  constructor(msg: JsMsg, event: Event, ackTimeoutMs: number, logger: Logger) {
    this.#msg = msg
    this.event = event
    this.attempt = msg.info.deliveryCount
    this.lastBeat = Date.now()
    this.#ackTimeoutMs = ackTimeoutMs
    this.#logger = logger
  }

  get settled(): boolean {
    return this.#settled
  }

  async ack(): Promise<void> {
    if (this.#settle()) return
    try {
      await this.#msg.ackAck({ timeout: this.#ackTimeoutMs })
    } catch (cause) {
      this.#logger.warn(
        { eventId: this.event.id, seq: this.#msg.seq, err: cause },
        'JetStream did not confirm an ack; the event will be redelivered and skipped as a duplicate',
      )
    }
  }

  async nak(delayMs: number): Promise<void> {
    if (this.#settle()) return
    // nats.js sends a plain NAK (immediate redelivery) for 0
    this.#send(() => this.#msg.nak(Math.max(0, Math.round(delayMs))), 'nak')
  }

  working(): void {
    if (this.#settled) return
    this.lastBeat = Date.now()
    this.#send(() => this.#msg.working(), 'working')
  }

  /** A nak or heartbeat that cannot be sent (connection closed) changes nothing: `ack_wait` redelivers. */
  #send(signal: () => void, what: string): void {
    try {
      signal()
    } catch (cause) {
      this.#logger.warn({ eventId: this.event.id, seq: this.#msg.seq, err: cause }, `could not send ${what}`)
    }
  }

  /** Marks the message settled; true when it already was (the second ack/nak is a no-op). */
  #settle(): boolean {
    const was = this.#settled
    this.#settled = true
    return was
  }
}
