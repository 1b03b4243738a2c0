import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from '@switchyard/core'
import type { ConnectionState } from '../connection/connection-state.js'

/** An ack or nak for one delivery: the subject JetStream reads it on, what it says, and when it stops mattering. */
interface Entry {
  reply: string
  payload: Uint8Array
  /** Epoch ms after which the server has redelivered the message anyway. */
  until: number
}

/**
 * Makes acks and naks survive a connection drop. nats.js discards whatever is written while disconnected or
 * still unsent when the socket dies, so every ack is remembered until the server answers a PING sent after it
 * (one PING per turn of the event loop covers all acks written in it), and sent again after the reconnect when
 * that answer does not come. The caller does not wait for the PONG: an ack is as good as sent.
 */
export class AckJournal {
  readonly #nc: NatsConnection
  readonly #state: ConnectionState
  readonly #logger: Logger
  readonly #timeoutMs: number
  /** Written, waiting for a PONG. */
  #unconfirmed: Entry[] = []
  /** Not written (disconnected) or written and then lost: sent on the reconnect. */
  #waiting: Entry[] = []
  #scheduled = false
  #confirming = 0

  constructor(nc: NatsConnection, state: ConnectionState, logger: Logger, timeoutMs: number) {
    this.#nc = nc
    this.#state = state
    this.#logger = logger
    this.#timeoutMs = timeoutMs
    state.onReconnect(() => this.#resend())
  }

  send(reply: string, payload: Uint8Array, until: number): void {
    this.#write({ reply, payload, until })
  }

  /** Resolves when every entry is confirmed or past its deadline, or after `timeoutMs` (used by close). */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.#unconfirmed.length + this.#waiting.length + this.#confirming > 0 && Date.now() < deadline) {
      if (this.#state.closed) return
      await new Promise((resolve) => setTimeout(resolve, 10))
      this.#drop(Date.now())
    }
  }

  #write(entry: Entry): void {
    if (!this.#state.ready) {
      this.#waiting.push(entry)
      return
    }
    try {
      this.#nc.publish(entry.reply, entry.payload)
    } catch {
      this.#waiting.push(entry)
      return
    }
    this.#unconfirmed.push(entry)
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      void this.#confirm()
    })
  }

  async #confirm(): Promise<void> {
    const batch = this.#unconfirmed
    this.#unconfirmed = []
    this.#confirming++
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        this.#nc.flush(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no PONG')), this.#timeoutMs)
        }),
      ])
    } catch {
      this.#waiting.push(...batch)
      // a stale link that nats.js has not noticed yet: write them again now, the server ignores a second ack
      if (this.#state.ready) this.#resend()
    } finally {
      clearTimeout(timer)
      this.#confirming--
    }
  }

  #resend(): void {
    this.#drop(Date.now())
    const entries = this.#waiting
    this.#waiting = []
    for (const entry of entries) this.#write(entry)
  }

  /** Forgets entries the server has redelivered by now: sending them cannot help any more. */
  #drop(now: number): void {
    const expired = this.#waiting.filter((entry) => entry.until <= now).length
    if (expired === 0) return
    this.#waiting = this.#waiting.filter((entry) => entry.until > now)
    this.#logger.warn({ count: expired }, 'acks lost with the connection; those messages are redelivered')
  }
}
