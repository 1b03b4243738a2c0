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
      }
    }
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const waiter of waiters) waiter()
  }
}
