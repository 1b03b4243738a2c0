import type { NatsConnection } from '@nats-io/transport-node'

/** The registry of each connection, shared by the transport and a store opened on the same connection. */
const registries = new WeakMap<NatsConnection, FirstDeliveries>()

/**
 * The deliveries this node is running that no other node can have run: JetStream's first delivery of the
 * message (delivery count 1), published less than a third of the ack wait ago, so the server has not handed it
 * to another node, and heartbeats keep it here while it runs. Each counts until its message is older than the
 * duplicate window (or that third of the ack wait, if shorter): another message of the same event published
 * later was published after that window, so it cannot have been handled before then. `NatsTransport` registers
 * each while its handler runs; a `NatsStore` on the same connection then answers that delivery's idempotency
 * check from the ledger entry it created itself, without a read: nobody else can have recorded the handler for
 * that event since.
 *
 * @example
 * ```ts
 * const first = FirstDeliveries.of(nc)
 * first.add(event.id, 'audit_log', Date.now() + 10_000)
 * first.has(event.id, 'audit_log') // true until delete, or for 10 s
 * ```
 */
export class FirstDeliveries {
  /** Until when (epoch ms) each running first delivery counts. */
  readonly #running = new Map<string, number>()

  /** The registry of `nc` (one per connection). */
  static of(nc: NatsConnection): FirstDeliveries {
    let registry = registries.get(nc)
    if (registry === undefined) {
      registry = new FirstDeliveries()
      registries.set(nc, registry)
    }
    return registry
  }

  add(eventId: string, handler: string, until: number): void {
    this.#running.set(runKey(eventId, handler), until)
  }

  delete(eventId: string, handler: string): void {
    this.#running.delete(runKey(eventId, handler))
  }

  has(eventId: string, handler: string): boolean {
    return (this.#running.get(runKey(eventId, handler)) ?? 0) > Date.now()
  }
}

function runKey(eventId: string, handler: string): string {
  return `${eventId}\n${handler}`
}
