import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { createEvent, type Event, EventBus, MemoryStore, type Store } from '@switchyard/core'
import { SqliteStore } from '@switchyard/store-sqlite'
import { connectNatsStore, connectNatsTransport } from '@switchyard/transport-nats'
import { NATS_URL } from '@switchyard/transport-nats/testing'
import { BENCH_TOKEN, INGEST_BODY, startTarget, stopTarget } from '../http.js'
import type { BenchTarget } from '../nats/nats-cases.js'
import type { OpenLoopTarget } from './open-loop.js'

/**
 * A row of the latency groups: how to build its target (not timed). Each offered rate gets a new one (`run`
 * numbers them), so a backlog one rate left behind does not count against the next.
 */
export interface LatencyCase {
  name: string
  setup(run: number): Promise<OpenLoopTarget>
}

/** Completions waiting for their event's handler, by event id. */
class Pending {
  readonly #waiting = new Map<string, () => void>()

  expect(event: Event, finished: () => void): void {
    this.#waiting.set(event.id, finished)
  }

  /** The handler saw `id`: its operation finished (a redelivery or an unknown id is ignored). */
  handled(id: string): void {
    const finished = this.#waiting.get(id)
    if (finished === undefined) return
    this.#waiting.delete(id)
    finished()
  }
}

let serial = 0
const newEvent = (type: string) => createEvent(type, { n: serial++, sku: 'SKU-1234', qty: 2 })

/** `bus.enqueue` of a new event; the operation ends when the one subscribed handler ran. */
function busTarget(
  bus: EventBus,
  type: string,
  pending: Pending,
  teardown: () => Promise<void>,
): OpenLoopTarget {
  return {
    fire(finished, failed) {
      const event = newEvent(type)
      pending.expect(event, finished)
      bus.enqueue(event).catch(failed)
    },
    teardown,
  }
}

/** An EventBus on `store` and the in-process transport, one handler; enqueue, then the handler runs. */
export function inProcessCase(
  name: string,
  storeOf: () => { store: Store; remove?: () => void },
): LatencyCase {
  return {
    name,
    async setup() {
      const { store, remove } = storeOf()
      const bus = new EventBus({ store })
      const pending = new Pending()
      bus.subscribe('bench.latency', (event) => pending.handled(event.id), { name: 'bench_latency' })
      return busTarget(bus, 'bench.latency', pending, async () => {
        await bus.close()
        remove?.()
      })
    },
  }
}

/** A SqliteStore on a new file (WAL, synchronous FULL: the default), removed at teardown. */
export function sqliteStore(): { store: Store; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-latency-'))
  return {
    store: new SqliteStore({ path: join(dir, 'bench.db') }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export const memoryStore = (): { store: Store } => ({ store: new MemoryStore() })

/**
 * `bus.enqueue` into an EventBus on NatsTransport (its own connection) with one handler (default policy), on a
 * MemoryStore or a NatsStore (the ledger in KV).
 */
export function natsBusCase(
  name: string,
  tag: string,
  target: BenchTarget,
  store: 'memory' | 'nats',
): LatencyCase {
  return {
    name,
    async setup(run) {
      const transport = await connectNatsTransport({
        servers: NATS_URL,
        stream: target.stream,
        subjectPrefix: target.subjectPrefix,
      })
      const bus = new EventBus({
        transport,
        store:
          store === 'memory'
            ? new MemoryStore()
            : await connectNatsStore({
                servers: NATS_URL,
                bucketPrefix: target.bucketPrefix,
                connection: transport.connection,
              }),
      })
      const pending = new Pending()
      // a new durable consumer per run: it starts with the events published after it
      bus.subscribe(`bench.${tag}`, (event) => pending.handled(event.id), { name: `latency_${tag}_${run}` })
      return busTarget(bus, `bench.${tag}`, pending, () => bus.close())
    },
  }
}

/**
 * Plain nats.js at the same rates: `js.publish` with a message id, one durable pull consumer read with
 * `consume()`, the JSON decoded and `m.ack()` per message; the operation ends when the consumer read it.
 */
export function rawNatsCase(name: string, target: BenchTarget): LatencyCase {
  return {
    name,
    async setup(run) {
      const nc = await connect({ servers: NATS_URL })
      const js = jetstream(nc)
      const subject = `${target.subjectPrefix}.bench.latency_raw`
      await (await jetstreamManager(nc)).consumers.add(target.stream, {
        durable_name: `latency_raw_${run}`,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: subject,
      })
      const messages = await (await js.consumers.get(target.stream, `latency_raw_${run}`)).consume()
      const pending = new Pending()
      const reading = (async () => {
        for await (const m of messages) {
          const event = m.json<Event>()
          m.ack()
          pending.handled(event.id)
        }
      })()
      return {
        fire(finished, failed) {
          const event = newEvent('bench.latency_raw')
          pending.expect(event, finished)
          js.publish(subject, JSON.stringify(event), { msgID: event.metadata.idempotencyKey }).catch(failed)
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

/**
 * `POST /api/v1/events` to the real server started from `config/switchyard.yaml` (the http suite's `shipped`
 * target, in a child process on CPU 1, a new SQLite file); the operation ends with the 202, which the server sends
 * once the event is committed.
 */
export function shippedHttpCase(name: string): LatencyCase {
  return {
    name,
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-latency-http-'))
      const { child, port } = await startTarget('shipped', [join(dir, 'switchyard.db')])
      const agent = new Agent({ keepAlive: true, maxSockets: 256 })
      const body = Buffer.from(INGEST_BODY)
      return {
        fire(finished, failed) {
          const req = request(
            {
              agent,
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/api/v1/events',
              headers: {
                authorization: `Bearer ${BENCH_TOKEN}`,
                'content-type': 'application/json',
                'content-length': body.length,
              },
            },
            (res) => {
              res.resume()
              res.on('end', () =>
                res.statusCode === 202 ? finished() : failed(new Error(`HTTP ${res.statusCode}`)),
              )
            },
          )
          req.on('error', failed)
          req.end(body)
        },
        async teardown() {
          agent.destroy()
          await stopTarget(child)
          rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  }
}
