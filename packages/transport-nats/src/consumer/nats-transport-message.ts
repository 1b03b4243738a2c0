import type { JsMsg } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import type { Event, TransportMessage } from '@switchyard/core'
import type { ConnectionState } from '../connection/connection-state.js'
import type { AckJournal } from './ack-journal.js'

/** What a message needs to settle itself over a connection that may drop. */
export interface MessageLink {
  journal: AckJournal
  state: ConnectionState
  /** Past this (from the last heartbeat), the server has redelivered the message anyway. */
  ackWaitMs: number
}

const encoder = new TextEncoder()
const ACK = encoder.encode('+ACK')
const NAK = encoder.encode('-NAK')

/**
 * One JetStream delivery handed to the bus. Acks and naks go through the `AckJournal`, which sends them again
 * after a reconnect when the drop lost them; `working` heartbeats are skipped while disconnected.
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

  /** When the server stored the message (epoch ms, the server's clock): its delivery came later. */
  get publishedAt(): number {
    return this.#msg.info.timestampNanos / 1e6
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
    this.#send(ACK)
  }

  async nak(delayMs: number): Promise<void> {
    if (this.#settle()) return
    this.nakedForMs = Math.max(0, Math.round(delayMs))
    // the protocol of nats.js's JsMsg.nak(delay): a plain NAK redelivers at once
    this.#send(
      this.nakedForMs === 0
        ? NAK
        : encoder.encode(`-NAK ${JSON.stringify({ delay: nanos(this.nakedForMs) })}`),
    )
  }

  working(): void {
    if (this.#settled || !this.#link.state.ready) return
    this.lastBeat = Date.now()
    try {
      this.#msg.working()
    } catch {
      // the connection just dropped: the next heartbeat, or the ack after the reconnect, covers it
    }
  }

  #send(payload: Uint8Array): void {
    // JsMsg hides the reply subject that acks are published to; its implementation exposes it
    const reply = (this.#msg as JsMsg & { reply?: string }).reply
    if (reply === undefined) return
    this.#link.journal.send(reply, payload, this.lastBeat + this.#link.ackWaitMs)
  }

  /** Marks the message settled; true when it already was (the second ack/nak is a no-op). */
  #settle(): boolean {
    const was = this.#settled
    this.#settled = true
    return was
  }
}
