import { setTimeout as sleep } from 'node:timers/promises'
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream'
import type { ConsumerOptions, Event, Logger, TransportConsumer, TransportMessage } from '@switchyard/core'
import type { SubjectScheme } from '../stream/subject-scheme.js'
import { type DurableSpec, ensureConsumer } from './ensure-consumer.js'
import type { FirstDeliveries } from './first-deliveries.js'
import { type MessageLink, NatsTransportMessage } from './nats-transport-message.js'
import { Slots } from './slots.js'

/** Header naming the only handlers a resumed event is for (comma-separated); absent: every matching handler. */
export const TARGET_HEADER = 'Switchyard-Handlers'

/** What a `HandlerConsumer` needs from its transport. */
export interface HandlerConsumerInit {
  js: JetStreamClient
  jsm: JetStreamManager
  stream: string
  scheme: SubjectScheme
  options: ConsumerOptions
  onMessage: (message: TransportMessage) => Promise<void>
  logger: Logger
  /** See `NatsTransportOptions.consumerInactiveMs`. */
  inactiveMs: number
  /** The ack journal and connection state, for settling messages across reconnects. */
  link: Pick<MessageLink, 'journal' | 'state'>
  /** Where the first deliveries running here are registered (see `FirstDeliveries`). */
  firstDeliveries: FirstDeliveries
  /** The stream's duplicate window (`NatsTransportOptions.duplicateWindowMs`). */
  duplicateWindowMs: number
}

/** Pause before reopening a pull subscription that ended on its own (consumer deleted, server gone). */
const RESTART_DELAY_MS = 1000
/** How long past its delay a naked message may take to come back before `idle` stops waiting for it. */
const REDELIVERY_GRACE_MS = 1000

/**
 * One handler's share of the work on this node: pulls from the handler's durable consumers (the unordered one
 * and one per ordering partition), runs at most `concurrency` messages at once across them, and sends
 * `working` heartbeats for messages that run longer than a third of `ackWaitMs`.
 */
export class HandlerConsumer implements TransportConsumer {
  readonly #init: HandlerConsumerInit
  readonly #link: MessageLink
  readonly #slots: Slots
  readonly #inFlight = new Map<NatsTransportMessage, Promise<void>>()
  readonly #live = new Set<ConsumerMessages>()
  readonly #stopped = new AbortController()
  readonly #loops: Promise<void>[] = []
  readonly #durables: string[] = []
  /** Stream sequences of messages naked here, with when their redelivery is due (plus grace). */
  readonly #naked = new Map<number, number>()
  readonly #sweep: NodeJS.Timeout
  #stopPromise: Promise<void> | undefined

  private constructor(init: HandlerConsumerInit) {
    this.#init = init
    this.#link = { ...init.link, ackWaitMs: init.options.ackWaitMs }
    this.#slots = new Slots(init.options.concurrency)
    const beatMs = Math.max(100, Math.floor(init.options.ackWaitMs / 3))
    this.#sweep = setInterval(() => this.#heartbeat(beatMs), beatMs)
    this.#sweep.unref()
  }

  /** Creates or updates the handler's durable consumers, then starts pulling from them. */
  static async start(init: HandlerConsumerInit): Promise<HandlerConsumer> {
    const specs = durableSpecs(init.scheme, init.options, init.inactiveMs)
    await Promise.all(specs.map((spec) => ensureConsumer(init.jsm, init.stream, spec)))
    const consumer = new HandlerConsumer(init)
    for (const spec of specs) {
      consumer.#durables.push(spec.durable)
      // Pulled ahead of the free slots (see ConsumerOptions.prefetch): a batch of only `concurrency` left a
      // busy server's round trip between each few messages, and the stream's backlog grew while publishers won.
      const batch = spec.maxAckPending === 1 ? 1 : (init.options.prefetch ?? init.options.concurrency)
      consumer.#loops.push(consumer.#pull(spec, batch))
    }
    return consumer
  }

  /**
   * Whether this node holds nothing of the handler's (nothing buffered, running, or naked and due back soon)
   * and the server has nothing undelivered for its consumers. Messages in flight on other nodes do not count.
   */
  async isIdle(): Promise<boolean> {
    // a message buffered by nats.js is yielded at once while a slot is free, so in-flight covers the buffer too
    if (this.#inFlight.size > 0) return false
    const now = Date.now()
    for (const [seq, due] of this.#naked) if (due <= now) this.#naked.delete(seq)
    if (this.#naked.size > 0) return false
    const { jsm, stream } = this.#init
    const infos = await Promise.all(this.#durables.map((durable) => jsm.consumers.info(stream, durable)))
    return infos.every((info) => info.num_pending === 0)
  }

  stop(): Promise<void> {
    this.#stopPromise ??= this.#stop()
    return this.#stopPromise
  }

  async #stop(): Promise<void> {
    this.#stopped.abort()
    clearInterval(this.#sweep)
    await Promise.all([...this.#live].map((messages) => messages.close()))
    await Promise.all(this.#loops)
    await Promise.all(this.#inFlight.values())
  }

  async #pull(spec: DurableSpec, batch: number): Promise<void> {
    const { js, jsm, stream, logger } = this.#init
    const durable = spec.durable
    for (let restart = false; !this.#stopped.signal.aborted; restart = true) {
      let messages: ConsumerMessages | undefined
      try {
        // after a failure the consumer may be gone (deleted, or the server lost it): make it again
        if (restart) await ensureConsumer(jsm, stream, spec)
        messages = await (await js.consumers.get(stream, durable)).consume({ max_messages: batch })
        this.#live.add(messages)
        // stop() may have run while consume() was starting; close it here so the loop ends
        if (this.#stopped.signal.aborted) await messages.close()
        for await (const msg of messages) await this.#take(msg)
      } catch (error) {
        if (!this.#stopped.signal.aborted)
          logger.warn({ err: error, durable }, 'JetStream pull ended; restarting')
      } finally {
        if (messages) this.#live.delete(messages)
      }
      await sleep(RESTART_DELAY_MS, undefined, { signal: this.#stopped.signal }).catch(() => {})
    }
  }

  async #take(msg: JsMsg): Promise<void> {
    // messages already buffered when stop() began go straight back for another node
    if (this.#stopped.signal.aborted) return msg.nak()
    this.#naked.delete(msg.seq)
    const message = this.#toMessage(msg)
    if (message === undefined) return
    await this.#slots.acquire()
    if (this.#stopped.signal.aborted) {
      this.#slots.release()
      await message.nak(0)
      return
    }
    const task = this.#run(message).finally(() => {
      this.#inFlight.delete(message)
      this.#slots.release()
    })
    this.#inFlight.set(message, task)
  }

  /** The message for the bus, or undefined when it was settled here (meant for other handlers, or unreadable). */
  #toMessage(msg: JsMsg): NatsTransportMessage | undefined {
    const { options, logger } = this.#init
    const targets = msg.headers?.get(TARGET_HEADER)
    if (targets && !targets.split(',').includes(options.handler)) {
      msg.ack()
      return undefined
    }
    let event: Event
    try {
      event = msg.json<Event>()
    } catch (error) {
      logger.error(
        { err: error, subject: msg.subject, seq: msg.seq },
        'dropping a message that is not an event',
      )
      msg.term('not a Switchyard event')
      return undefined
    }
    return new NatsTransportMessage(msg, event, this.#link)
  }

  async #run(message: NatsTransportMessage): Promise<void> {
    const { onMessage, options, logger, firstDeliveries, duplicateWindowMs } = this.#init
    // From here heartbeats keep it on this node; published that recently, its ack wait cannot have run out yet.
    const freshMs = Math.min(options.ackWaitMs / 3, duplicateWindowMs)
    const first = message.attempt === 1 && Date.now() - message.publishedAt < freshMs
    if (first) firstDeliveries.add(message.event.id, options.handler, message.publishedAt + freshMs)
    try {
      await onMessage(message)
    } catch (error) {
      logger.error(
        { err: error, handler: options.handler, eventId: message.event.id },
        'consumer callback threw',
      )
    } finally {
      if (first) firstDeliveries.delete(message.event.id, options.handler)
    }
    if (!message.settled) {
      logger.error(
        { handler: options.handler, eventId: message.event.id },
        'message ended without ack or nak',
      )
      await message.nak(options.ackWaitMs)
    }
    if (message.nakedForMs !== undefined) {
      this.#naked.set(message.streamSequence, Date.now() + message.nakedForMs + REDELIVERY_GRACE_MS)
    }
  }

  #heartbeat(beatMs: number): void {
    const due = Date.now() - beatMs
    for (const message of this.#inFlight.keys()) {
      if (message.lastBeat <= due) message.working()
    }
  }
}

/** The unordered consumer, named after the handler, and one serialised consumer per ordering partition. */
function durableSpecs(scheme: SubjectScheme, options: ConsumerOptions, inactiveMs: number): DurableSpec[] {
  const common = { ackWaitMs: options.ackWaitMs, maxDeliver: options.maxDeliveries, inactiveMs }
  const specs: DurableSpec[] = [
    { durable: options.handler, filterSubject: scheme.filter(options.pattern), ...common },
  ]
  for (let partition = 0; partition < scheme.partitions; partition++) {
    specs.push({
      durable: `${options.handler}-k${partition}`,
      filterSubject: scheme.keyedFilter(options.pattern, partition),
      maxAckPending: 1,
      ...common,
    })
  }
  return specs
}
