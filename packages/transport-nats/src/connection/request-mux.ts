import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node'
import { NatsRequestError } from '../errors.js'

/** A request waiting for its reply, with when it stops waiting (epoch ms). */
interface Pending {
  resolve: (reply: Msg) => void
  reject: (error: Error) => void
  subject: string
  timeoutMs: number
  deadline: number
}

/**
 * Request/reply over one wildcard inbox subscription, for the requests a store makes per event (KV reads and
 * writes). nats.js's `request` costs about twice the client CPU per request (measured: 31 vs 13 µs per KV
 * request, /work/notes/nats/lean-put.mjs): per request it arms a timer, races two promises and builds an Error
 * it throws away. Here a request is a publish with a reply subject and a map entry; one sweep rejects the ones
 * unanswered after their timeout (at most a quarter of it, or 250 ms, late), and the connection closing rejects
 * the rest.
 *
 * @example
 * ```ts
 * const mux = new RequestMux(nc, 5000)
 * const reply = await mux.request('$JS.API.DIRECT.GET.KV_orders.$KV.orders.o-1')
 * ```
 */
export class RequestMux {
  readonly #nc: NatsConnection
  readonly #timeoutMs: number
  readonly #inbox: string
  readonly #subscription: Subscription
  readonly #pending = new Map<string, Pending>()
  readonly #sweep: NodeJS.Timeout
  #next = 0
  #closed = false
  /** Called by `close` once nothing is pending any more. */
  #drained: (() => void) | undefined

  constructor(nc: NatsConnection, timeoutMs: number) {
    this.#nc = nc
    this.#timeoutMs = timeoutMs
    this.#inbox = createInbox()
    const prefixLength = this.#inbox.length + 1
    this.#subscription = nc.subscribe(`${this.#inbox}.*`, {
      callback: (_error, reply) => {
        const token = reply.subject.slice(prefixLength)
        const pending = this.#pending.get(token)
        if (pending === undefined) return // answered after its timeout
        this.#settle(token)
        if (reply.headers?.code === 503) pending.reject(NatsRequestError.noResponder(pending.subject))
        else pending.resolve(reply)
      },
    })
    void this.#subscription.closed.then(() => this.#rejectAll('the connection closed'))
    this.#sweep = setInterval(() => this.#expire(Date.now()), Math.max(10, Math.min(250, timeoutMs / 4)))
    this.#sweep.unref()
  }

  /**
   * Publishes `data` to `subject` and resolves to the reply; rejects with `NatsRequestError` (E_NATS_REQUEST)
   * when none comes within `timeoutMs` (default: the mux's), or once `close` was called.
   */
  request(
    subject: string,
    data?: string | Uint8Array,
    headers?: MsgHdrs,
    timeoutMs = this.#timeoutMs,
  ): Promise<Msg> {
    if (this.#closed) return Promise.reject(NatsRequestError.unanswered(subject, 'the requester is closed'))
    const token = (this.#next++).toString(36)
    return new Promise((resolve, reject) => {
      try {
        this.#nc.publish(subject, data, { reply: `${this.#inbox}.${token}`, headers })
      } catch (error) {
        reject(error)
        return
      }
      this.#pending.set(token, { resolve, reject, subject, timeoutMs, deadline: Date.now() + timeoutMs })
    })
  }

  /**
   * Takes no new requests, lets those in flight end (answered or timed out), then stops the sweep and the
   * subscription.
   */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#pending.size > 0) await new Promise<void>((resolve) => (this.#drained = resolve))
    clearInterval(this.#sweep)
    if (!this.#subscription.isClosed()) this.#subscription.unsubscribe()
  }

  #settle(token: string): void {
    this.#pending.delete(token)
    if (this.#pending.size === 0) this.#drained?.()
  }

  #expire(now: number): void {
    for (const [token, pending] of this.#pending) {
      if (pending.deadline > now) continue
      this.#settle(token)
      pending.reject(NatsRequestError.timedOut(pending.subject, pending.timeoutMs))
    }
  }

  #rejectAll(reason: string): void {
    for (const [token, pending] of this.#pending) {
      this.#settle(token)
      pending.reject(NatsRequestError.unanswered(pending.subject, reason))
    }
  }
}
