import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'

/**
 * A NATS connection of the test itself, to watch the consumers of a stream.
 *
 * @example
 * ```ts
 * const inspector = await NatsInspector.connect(nats.url)
 * await waitUntil(() => inspector.consumersSettled('E2E'), { what: 'consumers settled' })
 * await inspector.close()
 * ```
 */
export class NatsInspector {
  readonly #nc: NatsConnection
  readonly #jsm: JetStreamManager

  private constructor(nc: NatsConnection, jsm: JetStreamManager) {
    this.#nc = nc
    this.#jsm = jsm
  }

  static async connect(url: string): Promise<NatsInspector> {
    const nc = await connect({ servers: url })
    return new NatsInspector(nc, await jetstreamManager(nc))
  }

  /** True when no consumer of `stream` has a message undelivered, or delivered and not acked. */
  async consumersSettled(stream: string): Promise<boolean> {
    for await (const info of this.#jsm.consumers.list(stream)) {
      if (info.num_pending > 0 || info.num_ack_pending > 0) return false
    }
    return true
  }

  close(): Promise<void> {
    return this.#nc.close()
  }
}
