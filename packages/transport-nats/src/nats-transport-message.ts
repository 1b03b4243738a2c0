import type { JsMsg } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Event, Logger, TransportMessage } from '@switchyard/core'
import type { ConnectionState } from './connection-state.js'

/** What a message needs to settle itself over a connection that may be down for a while. */
export interface MessageLink {
  nc: NatsConnection
  state: ConnectionState
  logger: Logger
  /** How long one ack waits for the server's confirmation before it is sent again. */
  ackTimeoutMs: number
  /** Past this, the server has redelivered the message anyway: stop trying to settle it. */
  ackWaitMs: number
}

const ACK = new TextEncoder().encode('+ACK')

/**
 * One JetStream delivery handed to the bus. nats.js drops what is written while disconnected, so `ack` and
 * `nak` wait for the connection; `ack` waits for the server's confirmation (a double ack) and sends again when
 * none comes. A resolved ack is therefore on the server; one that could not be confirmed within `ack_wait` is
 * logged, and the redelivery is skipped as a duplicate by idempotency.
 */
export class NatsTransportMessage implements TransportMessage {
  readonly event: Event
  readonly attempt: number
  /** When the current attempt started or last reported progress, for the consumer's heartbeat sweep. */
  lastBeat: number
  /** The delay this message was naked with, if it was: the consumer waits for its redelivery in `idle`. */
  nakedForMs: number | undefined
  readonly #msg: JsMsg
  readonly #link: MessageLink
  #settled = false

  constructor(msg: JsMsg, event: Event, link: MessageLink) {
    this.#msg = msg
    this.event = event
    this.attempt = msg.info.deliveryCount
    this.lastBeat = Date.now()
    this.#link = link
  }

  /** The message's sequence in the stream: the same on every redelivery. */
  get streamSequence(): number {
    return this.#msg.seq
  }

  get settled(): boolean {
    return this.#settled
  }

  async ack(): Promise<void> {
    if (this.#settle()) return
    const { nc, ackTimeoutMs } = this.#link
    // JsMsg has no public reply subject; the implementation exposes it, and ackAck cannot be sent twice
    const reply = (this.#msg as JsMsg & { reply?: string }).reply
    if (reply === undefined) return this.#msg.ack()
    await this.#whenLinked('ack', async (left) => {
      await nc.request(reply, ACK, { timeout: Math.max(1, Math.min(left, ackTimeoutMs)) })
    })
  }

  async nak(delayMs: number): Promise<void> {
    if (this.#settle()) return
    this.nakedForMs = Math.max(0, Math.round(delayMs))
    // nats.js sends a plain NAK (immediate redelivery) for 0
    await this.#whenLinked('nak', async () => this.#msg.nak(this.nakedForMs))
  }

  working(): void {
    if (this.#settled || !this.#link.state.ready) return
    this.lastBeat = Date.now()
    try {
      this.#msg.working()
    } catch {
      // the connection just dropped: the next heartbeat or the ack after the reconnect covers it
    }
  }

  /** Sends until it succeeds or `ack_wait` has passed (the server redelivers then anyway). */
  async #whenLinked(what: string, send: (leftMs: number) => Promise<void>): Promise<void> {
    const { state, logger, ackWaitMs } = this.#link
    try {
      await state.retry(this.lastBeat + ackWaitMs, send)
    } catch (error) {
      logger.warn(
        { eventId: this.event.id, seq: this.#msg.seq, err: error },
        `could not ${what} a message before its ack wait passed; the server redelivers it`,
      )
    }
  }

  /** Marks the message settled; true when it already was (the second ack/nak is a no-op). */
  #settle(): boolean {
    const was = this.#settled
    this.#settled = true
    return was
  }
}
