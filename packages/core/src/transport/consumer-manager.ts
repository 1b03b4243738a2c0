import type { HandlerEntry } from '../delivery/handler-entry.js'
import type { HandlerSlot } from '../delivery/handler-slot.js'
import type { Logger } from '../logger.js'
import type { ConsumerOptions, Transport, TransportConsumer, TransportMessage } from './transport.js'

/** A message not acked within this long is presumed lost with its node; long enough for a slow gate and attempt. */
const MIN_ACK_WAIT_MS = 30_000
/** Most messages pulled ahead of the free slots, however short the handler's timeout. */
const MAX_PREFETCH = 256

/**
 * Keeps one transport consumer per handler name in step with the subscription bound to the name, and lets
 * `enqueue` wait until consumers being started are ready.
 *
 * @example
 * ```ts
 * const consumers = new ConsumerManager(transport, logger, (slot, message) => deliverer.fromTransport(slot, message, reach))
 * consumers.reconcile(slot)
 * await consumers.ready()
 * ```
 */
export class ConsumerManager {
  #transport: Transport
  #logger: Logger
  #onMessage: (slot: HandlerSlot<HandlerEntry>, message: TransportMessage) => Promise<void>
  #consumers = new Map<
    HandlerSlot<HandlerEntry>,
    { entry: HandlerEntry; options: ConsumerOptions; consumer: Promise<TransportConsumer | undefined> }
  >()
  #pending = new Set<Promise<unknown>>()

  constructor(
    transport: Transport,
    logger: Logger,
    onMessage: (slot: HandlerSlot<HandlerEntry>, message: TransportMessage) => Promise<void>,
  ) {
    this.#transport = transport
    this.#logger = logger
    this.#onMessage = onMessage
  }

  /**
   * Starts, restarts or stops the slot's consumer so it serves the slot's current subscription with options
   * from its current policy (a policy change that alters them restarts the consumer).
   */
  reconcile(slot: HandlerSlot<HandlerEntry>): void {
    const current = this.#consumers.get(slot)
    const entry = slot.entry
    const options = entry === undefined ? undefined : consumerOptions(entry)
    if (current !== undefined && current.entry === entry && sameOptions(current.options, options)) return
    const stopped = current === undefined ? Promise.resolve() : this.#stop(slot)
    if (entry === undefined || options === undefined) {
      this.#track(stopped)
      return
    }
    const onMessage = this.#handlerOf(slot)
    const consumer = stopped
      .then(() => this.#transport.consume(options, onMessage))
      .catch((error: unknown) => {
        this.#logger.error({ err: error, handler: entry.name }, 'could not start the transport consumer')
        return undefined
      })
    this.#consumers.set(slot, { entry, options, consumer })
    this.#track(consumer)
  }

  /** Stops the slot's consumer (in-flight messages finish first). */
  stop(slot: HandlerSlot<HandlerEntry>): Promise<void> {
    const stopped = this.#stop(slot)
    this.#track(stopped)
    return stopped
  }

  /** Whether a start or stop is in progress (`ready` then has something to wait for). */
  get busy(): boolean {
    return this.#pending.size > 0
  }

  /** Resolves when every start and stop begun so far is done. */
  async ready(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending)
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#consumers.keys()].map((slot) => this.stop(slot)))
  }

  async #stop(slot: HandlerSlot<HandlerEntry>): Promise<void> {
    const current = this.#consumers.get(slot)
    if (current === undefined) return
    this.#consumers.delete(slot)
    const consumer = await current.consumer
    await consumer?.stop()
  }

  /** The slot's message callback; made apart so that its closure keeps only the slot. */
  #handlerOf(slot: HandlerSlot<HandlerEntry>): (message: TransportMessage) => Promise<void> {
    return (message) => this.#onMessage(slot, message)
  }

  #track(work: Promise<unknown>): void {
    this.#pending.add(work)
    void work.finally(() => this.#pending.delete(work))
  }
}

function consumerOptions(entry: HandlerEntry): ConsumerOptions {
  const { timeoutMs } = entry.policy
  const ackWaitMs = Math.max(MIN_ACK_WAIT_MS, timeoutMs * 3)
  const concurrency = entry.flow?.prefetch(entry.policy.concurrency) ?? entry.policy.concurrency
  // Every member in the literal (none added after), so the object keeps them in place: no property array.
  return {
    handler: entry.name,
    pattern: entry.pattern,
    concurrency,
    ackWaitMs,
    // The bus dead-letters after its last attempt; the margin covers redeliveries after an ack wait.
    maxDeliveries: entry.policy.retry.attempts + 2,
    // A flow-controlled handler's messages already wait here, in its flow gate, as many as it sized.
    ...(entry.flow === undefined ? { prefetch: prefetchOf(concurrency, timeoutMs, ackWaitMs) } : {}),
  }
}

/**
 * Messages pulled ahead of the free slots. The last one pulled waits for the `concurrency` running ones and the
 * `prefetch` before it, `prefetch / concurrency + 1` handler timeouts at worst, then runs for one more timeout:
 * all before its ack wait ends, or the server would hand it to another node meanwhile. At least `concurrency`
 * (the pull that keeps every slot busy); more for handlers whose timeout is short beside the ack wait.
 */
function prefetchOf(concurrency: number, timeoutMs: number, ackWaitMs: number): number {
  const rounds = Math.max(1, Math.floor(ackWaitMs / timeoutMs) - 2)
  return Math.max(concurrency, Math.min(MAX_PREFETCH, concurrency * rounds))
}

function sameOptions(a: ConsumerOptions, b: ConsumerOptions | undefined): boolean {
  return (
    b !== undefined &&
    a.concurrency === b.concurrency &&
    a.ackWaitMs === b.ackWaitMs &&
    a.maxDeliveries === b.maxDeliveries &&
    a.prefetch === b.prefetch
  )
}
