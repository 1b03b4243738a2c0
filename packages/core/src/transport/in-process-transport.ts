import { DeadlineList } from '../delivery/deadline-list.js'
import { Fifo } from '../delivery/fifo.js'
import { ClosedError, ConfigError } from '../errors.js'
import type { Event } from '../event/event.js'
import { PatternIndex } from '../pattern/pattern-index.js'
import { InProcessMessage, type MessageEnd } from './in-process-message.js'
import type { ConsumerOptions, Transport, TransportConsumer, TransportMessage } from './transport.js'

const settled = Promise.resolve()

/** One consumer name's queue; its collections are made on first use, as most consumers never need them. */
interface Durable {
  options: ConsumerOptions
  onMessage: ((message: TransportMessage) => Promise<void>) | undefined
  queue: Fifo<{ event: Event; attempt: number }> | undefined
  inFlight: number
  /** Naked messages waiting for their redelivery delay. */
  delayed: Set<ReturnType<typeof setTimeout>> | undefined
  stopped: (() => void)[] | undefined
}

/**
 * A `Transport` inside one process: a queue per handler (a durable consumer by name), ack/nak with delayed
 * redelivery, redelivery of messages not acked within `ackWaitMs`, and at most `maxQueued` messages waiting in
 * all queues together (`publish` waits while full). Messages left queued when a consumer stops are delivered to
 * the next consumer of the same name (plugin reload loses nothing).
 *
 * @example
 * ```ts
 * const transport = new InProcessTransport({ maxQueued: 10_000 })
 * const bus = new EventBus({ transport })
 * ```
 */
export class InProcessTransport implements Transport {
  readonly local = true
  #maxQueued: number
  #queued = 0
  #closed = false
  #durables = new Map<string, Durable>()
  /** Running consumers by pattern, and their matches per event type (invalidated when consumers change). */
  #index = new PatternIndex<Durable>()
  #matches = new Map<string, Durable[]>()
  #spaceWaiters = new Fifo<() => void>()
  #idleWaiters: (() => void)[] = []
  /** One function for every consumer's `stop`, rather than a closure per consumer. */
  #stopDurable = (durable: Durable): Promise<void> => this.#stop(durable)
  /** The ack waits of the messages in flight. */
  #ackWaits = new DeadlineList<InProcessMessage>()

  constructor(options: { maxQueued?: number } = {}) {
    this.#maxQueued = options.maxQueued ?? 10_000
    if (!(this.#maxQueued >= 1)) throw new ConfigError('maxQueued: expected a number >= 1')
  }

  publish(event: Event, options?: { handlers?: readonly string[] }): Promise<void> {
    // The common case, room in the queues, makes no promise of its own: enqueue awaits this once per event.
    if (this.#queued >= this.#maxQueued || this.#closed) return this.#publishWhenRoom(event, options)
    this.#send(event, options)
    return settled
  }

  async #publishWhenRoom(event: Event, options?: { handlers?: readonly string[] }): Promise<void> {
    while (this.#queued >= this.#maxQueued && !this.#closed) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve))
    }
    if (this.#closed) throw new ClosedError('the in-process transport')
    this.#send(event, options)
  }

  #send(event: Event, options?: { handlers?: readonly string[] }): void {
    const targets =
      options?.handlers === undefined
        ? this.#matching(event.type)
        : options.handlers.flatMap((name) => this.#durables.get(name) ?? [])
    for (const durable of targets) this.#requeue(durable, { event, attempt: 1 })
  }

  async consume(
    options: ConsumerOptions,
    onMessage: (message: TransportMessage) => Promise<void>,
  ): Promise<TransportConsumer> {
    if (this.#closed) throw new ClosedError('the in-process transport')
    let durable = this.#durables.get(options.handler)
    if (durable?.onMessage !== undefined) {
      throw new ConfigError(`a consumer for handler "${options.handler}" is already running in this process`)
    }
    if (durable === undefined) {
      durable = { options, onMessage, queue: undefined, inFlight: 0, delayed: undefined, stopped: undefined }
      this.#durables.set(options.handler, durable)
    }
    durable.options = options
    durable.onMessage = onMessage
    this.#index.add(options.pattern, durable)
    this.#matches.clear()
    this.#pump(durable)
    return new InProcessConsumer(durable, this.#stopDurable)
  }

  isReady(): boolean {
    return !this.#closed
  }

  /** Resolves when no running consumer has a message queued, in flight or waiting for redelivery. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  async close(): Promise<void> {
    this.#closed = true
    for (let wake = this.#spaceWaiters.shift(); wake !== undefined; wake = this.#spaceWaiters.shift()) wake()
    await Promise.all([...this.#durables.values()].map((durable) => this.#stop(durable)))
    for (const durable of this.#durables.values()) {
      for (const timer of durable.delayed ?? []) clearTimeout(timer)
      durable.delayed = undefined
    }
    this.#wakeIdle()
  }

  #matching(type: string): Durable[] {
    let found = this.#matches.get(type)
    if (found === undefined) {
      found = this.#index.match(type)
      this.#matches.set(type, found)
    }
    return found
  }

  #requeue(durable: Durable, item: { event: Event; attempt: number }): void {
    if (item.attempt > durable.options.maxDeliveries) return
    durable.queue ??= new Fifo()
    durable.queue.push(item)
    this.#queued++
    this.#pump(durable)
  }

  #pump(durable: Durable): void {
    const { onMessage, queue } = durable
    while (
      onMessage !== undefined &&
      queue !== undefined &&
      durable.inFlight < durable.options.concurrency &&
      queue.length > 0
    ) {
      const item = queue.shift()!
      this.#queued--
      this.#spaceWaiters.shift()?.()
      durable.inFlight++
      const { event, attempt } = item
      const message = new InProcessMessage(event, attempt, durable.options.ackWaitMs, this.#ackWaits, (end) =>
        this.#ended(durable, event, attempt, end),
      )
      // A consumer that throws instead of settling gets the message again.
      onMessage(message).catch(() => message.nak(0))
    }
  }

  #ended(durable: Durable, event: Event, attempt: number, end: MessageEnd): void {
    if (end.kind === 'expired') this.#requeue(durable, { event, attempt: attempt + 1 })
    if (end.kind === 'nak') {
      const timer = setTimeout(() => {
        durable.delayed?.delete(timer)
        this.#requeue(durable, { event, attempt: attempt + 1 })
        this.#wakeIdle()
      }, end.delayMs)
      durable.delayed ??= new Set()
      durable.delayed.add(timer)
    }
    durable.inFlight--
    if (durable.onMessage !== undefined) this.#pump(durable)
    else if (durable.inFlight === 0 && durable.stopped !== undefined) {
      const stopped = durable.stopped
      durable.stopped = undefined
      for (const resolve of stopped) resolve()
    }
    this.#wakeIdle()
  }

  async #stop(durable: Durable): Promise<void> {
    if (durable.onMessage !== undefined) {
      durable.onMessage = undefined
      this.#index.remove(durable.options.pattern, durable)
      this.#matches.clear()
    }
    if (durable.inFlight > 0) {
      durable.stopped ??= []
      const stopped = durable.stopped
      await new Promise<void>((resolve) => stopped.push(resolve))
    }
    this.#wakeIdle()
  }

  #isIdle(): boolean {
    for (const durable of this.#durables.values()) {
      if (durable.inFlight > 0) return false
      if (
        durable.onMessage !== undefined &&
        ((durable.queue?.length ?? 0) > 0 || (durable.delayed?.size ?? 0) > 0)
      )
        return false
    }
    return true
  }

  #wakeIdle(): void {
    if (this.#idleWaiters.length > 0 && this.#isIdle())
      for (const resolve of this.#idleWaiters.splice(0)) resolve()
  }
}

/** A running consumer of an `InProcessTransport`: one small object per handler name. */
class InProcessConsumer implements TransportConsumer {
  readonly #durable: Durable
  readonly #stop: (durable: Durable) => Promise<void>

  constructor(durable: Durable, stop: (durable: Durable) => Promise<void>) {
    this.#durable = durable
    this.#stop = stop
  }

  stop(): Promise<void> {
    return this.#stop(this.#durable)
  }
}
