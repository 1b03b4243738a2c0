import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { createEvent, type Event, EventBus, MemoryStore, type Store } from '@switchyard/core'
import { connectNatsStore, connectNatsTransport } from '@switchyard/transport-nats'
import { deleteStreams, NATS_URL } from '@switchyard/transport-nats/testing'
import { concurrentCalls } from '../sqlite/measure-concurrent.js'
import type { E2eCase, E2eRunner } from './measure-e2e.js'

/** Concurrent publishers in every case: each publishes its next event once the previous one was acked. */
export const CALLERS = 64

/** Where a case's events go: one stream for the whole suite, a subject prefix, a bucket prefix for NatsStore. */
export interface BenchTarget {
  stream: string
  subjectPrefix: string
  bucketPrefix: string
}

/**
 * Creates a stream for one suite run, named after `name` and the time (fails clearly, naming the server, when
 * NATS is not there); delete it with `deleteBenchStream`.
 */
export async function createBenchStream(name: string): Promise<BenchTarget> {
  const id = `${name}_${Date.now().toString(36)}`
  const target = { stream: id.toUpperCase(), subjectPrefix: id, bucketPrefix: id }
  await (await connectNatsTransport({ servers: NATS_URL, ...target })).close()
  return target
}

/** Deletes a `createBenchStream` stream and the KV buckets of its NatsStore. */
export function deleteBenchStream(target: BenchTarget): Promise<void> {
  return deleteStreams(target.stream, `KV_${target.bucketPrefix}`)
}

let serial = 0
/** Events like a service publishes: a small JSON payload, a new id and idempotency key each. */
export function makeEvents(type: string, count: number): Event[] {
  return Array.from({ length: count }, () => createEvent(type, { n: serial++, sku: 'SKU-1234', qty: 2 }))
}

/** When each event of the block was published and handled; `done` resolves when all were. */
export class Block {
  readonly latencies: Float64Array
  readonly done: Promise<void>
  readonly #sentAt: Float64Array
  readonly #index = new Map<string, number>()
  #remaining: number
  #resolve = (): void => {}

  constructor(events: readonly Event[]) {
    this.latencies = new Float64Array(events.length)
    this.#sentAt = new Float64Array(events.length)
    this.#remaining = events.length
    for (const [i, event] of events.entries()) this.#index.set(event.id, i)
    this.done = new Promise((resolve) => (this.#resolve = resolve))
  }

  sent(event: Event): void {
    this.#sentAt[this.#index.get(event.id)!] = Number(process.hrtime.bigint())
  }

  /** `at`: when it was handled (hrtime ns, the same clock in every process of the machine); default now. */
  handled(id: string, at = Number(process.hrtime.bigint())): void {
    const i = this.#index.get(id)
    // a redelivery or an event of an earlier block is not part of this one
    if (i === undefined || this.latencies[i] !== 0) return
    this.latencies[i] = at - this.#sentAt[i]!
    if (--this.#remaining === 0) this.#resolve()
  }
}

/**
 * Plain nats.js: `js.publish` with a message id from `CALLERS` callers, one durable pull consumer reading with
 * `consume()` (default batch), decoding the JSON and acking each message (`m.ack()`, not confirmed).
 */
/**
 * Enqueues `count` new events of `type` through `bus` from CALLERS concurrent callers, and resolves to each one's
 * latency once every handler saw it. `onBlock` gets the block before the first enqueue, for the handlers to report to.
 */
export async function enqueueBlock(
  bus: EventBus,
  type: string,
  count: number,
  onBlock: (block: Block) => void,
): Promise<Float64Array> {
  const events = makeEvents(type, count)
  const current = new Block(events)
  onBlock(current)
  await concurrentCalls(events, CALLERS, (event) => {
    current.sent(event)
    return bus.enqueue(event)
  })
  await current.done
  return current.latencies
}

export function rawCase(name: string, target: BenchTarget): E2eCase {
  return {
    name,
    async setup(): Promise<E2eRunner> {
      const nc = await connect({ servers: NATS_URL })
      const js = jetstream(nc)
      const jsm = await jetstreamManager(nc)
      const subject = `${target.subjectPrefix}.bench.raw`
      await jsm.consumers.add(target.stream, {
        durable_name: 'bench_raw',
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: subject,
      })
      const messages = await (await js.consumers.get(target.stream, 'bench_raw')).consume()
      let block: Block | undefined
      const reading = (async () => {
        for await (const m of messages) {
          const event = m.json<Event>()
          m.ack()
          block?.handled(event.id)
        }
      })()
      return {
        async run(count) {
          const events = makeEvents('bench.raw', count)
          const current = new Block(events)
          block = current
          await concurrentCalls(events, CALLERS, (event) => {
            current.sent(event)
            return js.publish(subject, JSON.stringify(event), { msgID: event.metadata.idempotencyKey })
          })
          await current.done
          return current.latencies
        },
        async teardown() {
          await messages.close()
          await reading
          await nc.close()
        },
      }
    },
  }
}

/** How a bus case is built. */
export interface BusCaseOptions {
  /** The handler's concurrency. */
  concurrency: number
  /** `nats`: a NatsStore (ledger and idempotency in KV); `memory`: a MemoryStore. */
  store: 'memory' | 'nats'
}

/**
 * `bus.enqueue(event)` from `CALLERS` callers into one EventBus on NatsTransport with one handler subscribed (its
 * durable consumer). An event counts when its handler finished. Several nodes: `processCase`.
 */
export function busCase(name: string, tag: string, target: BenchTarget, options: BusCaseOptions): E2eCase {
  return {
    name,
    async setup(): Promise<E2eRunner> {
      let block: Block | undefined
      const transport = await connectNatsTransport({
        servers: NATS_URL,
        stream: target.stream,
        subjectPrefix: target.subjectPrefix,
      })
      const store: Store =
        options.store === 'memory'
          ? new MemoryStore()
          : await connectNatsStore({
              servers: NATS_URL,
              bucketPrefix: target.bucketPrefix,
              connection: transport.connection,
            })
      const bus = new EventBus({ transport, store })
      bus.subscribe(`bench.${tag}`, (event) => block?.handled(event.id), {
        name: `bench_${tag}`,
        concurrency: options.concurrency,
      })
      return {
        run: (count) =>
          enqueueBlock(bus, `bench.${tag}`, count, (current) => {
            block = current
          }),
        teardown: () => bus.close(),
      }
    },
  }
}
