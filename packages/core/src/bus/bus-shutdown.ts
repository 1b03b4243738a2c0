import { ClosedError } from '../errors.js'
import type { BusParts } from './bus-parts.js'

/**
 * The end of a bus's life: `drain` waits for the work in flight, `close` drains, refuses new work and closes the
 * transport and the store, interrupting what still runs after the grace period.
 *
 * @example
 * ```ts
 * const shutdown = new BusShutdown(parts)
 * await shutdown.close(10_000)
 * ```
 */
export class BusShutdown {
  #parts: BusParts
  #closed = false

  constructor(parts: BusParts) {
    this.#parts = parts
  }

  /** Whether the bus refuses new work. */
  get closed(): boolean {
    return this.#closed
  }

  /** See `EventBus.drain`. */
  async drain(): Promise<void> {
    const { consumers, transport, slots, recorder, completion } = this.#parts
    for (;;) {
      await consumers.ready()
      await transport.idle?.()
      const busy = slots.busy()
      if (busy.length > 0) await Promise.all(busy)
      else if (recorder.idle && completion.idle) return
      else {
        // Writing the ledger can complete events, and their after_dispatch actions may enqueue more work.
        await recorder.flush()
        await completion.settled()
      }
    }
  }

  /** See `EventBus.close`; `timeoutMs` is checked by the caller. */
  async close(timeoutMs: number): Promise<void> {
    const grace = Number.isFinite(timeoutMs) ? setTimeout(() => this.#interrupt(), timeoutMs) : undefined
    try {
      // Delayed events not yet due stay in the Store for the next start.
      await this.#parts.delayed.stop()
      await this.drain()
      this.#closed = true
      await this.drain()
    } finally {
      clearTimeout(grace)
    }
    await this.#parts.consumers.stopAll()
    await this.#parts.transport.close()
    await this.#parts.store.close()
  }

  /** The grace period of `close` is over: abort what runs, stop taking messages. */
  #interrupt(): void {
    this.#closed = true
    const reason = new ClosedError('the event bus')
    this.#parts.logger.warn({ err: reason }, 'close: interrupting the deliveries still in flight')
    this.#parts.shutdown.abort(reason)
    this.#parts.deadlines.expireAll(reason)
    void this.#parts.consumers.stopAll()
  }
}
