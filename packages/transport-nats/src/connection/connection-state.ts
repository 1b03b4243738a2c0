import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from '@switchyard/core'

/**
 * Follows a connection's status events so that readiness is a field read, not a round trip: not ready from a
 * disconnect until the reconnect, and for good once the connection is closed.
 */
export class ConnectionState {
  #connected = true
  #closed = false
  #waiters: Array<() => void> = []
  #reconnectListeners: Array<() => void> = []

  constructor(nc: NatsConnection, logger: Logger) {
    void this.#follow(nc, logger)
    void nc.closed().then(() => {
      this.#closed = true
      this.#wake()
    })
  }

  get ready(): boolean {
    return this.#connected && !this.#closed
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Calls `listener` after every reconnect (e.g. to resend what the drop lost). */
  onReconnect(listener: () => void): void {
    this.#reconnectListeners.push(listener)
  }

  /** Resolves to true once connected (at once when already), false if `timeoutMs` passes or it closes first. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true)
    if (this.#closed) return Promise.resolve(false)
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        resolve(this.ready)
      }
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== done)
        resolve(false)
      }, timeoutMs)
      this.#waiters.push(done)
    })
  }

  /**
   * Runs `send` once connected; after a failure that `retryable` accepts, waits for the connection and runs it
   * again, until `deadline` (epoch ms). Rejects with the last error when time runs out or the connection closes.
   * nats.js drops what is written while disconnected, so a request that must reach the server goes through here.
   */
  async retry<T>(
    deadline: number,
    send: (leftMs: number) => Promise<T>,
    retryable: (error: unknown) => boolean = () => true,
  ): Promise<T> {
    let lastError: unknown = new Error('not connected to NATS')
    for (let left = deadline - Date.now(); left > 0 && !this.#closed; left = deadline - Date.now()) {
      // no promise to wait on in the usual case: connected
      if (!this.ready && !(await this.waitReady(left))) continue
      try {
        return await send(Math.max(1, deadline - Date.now()))
      } catch (error) {
        lastError = error
        if (!retryable(error)) break
      }
    }
    throw lastError
  }

  async #follow(nc: NatsConnection, logger: Logger): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'staleConnection') {
        if (this.#connected)
          logger.warn({ server: 'server' in status ? status.server : undefined }, 'NATS disconnected')
        this.#connected = false
      } else if (status.type === 'reconnect') {
        logger.info({ server: status.server }, 'NATS reconnected')
        this.#connected = true
        this.#wake()
        for (const listener of this.#reconnectListeners) listener()
      }
    }
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const waiter of waiters) waiter()
  }
}
