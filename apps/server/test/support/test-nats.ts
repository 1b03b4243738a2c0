import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'

import { NATS_URL } from '@switchyard/transport-nats/testing'

export { NATS_URL, natsReachable } from '@switchyard/transport-nats/testing'

/** Prefix of the streams the server tests create: `SY_SERVER_<pid>_<ms>`. */
export const TEST_STREAM_PREFIX = 'SY_SERVER_'

/** Streams of earlier runs older than this are leftovers of a run that died before its cleanup. */
const STALE_MS = 60 * 60 * 1000

/** The KV bucket streams of a server on `stream`: it prefixes its buckets with the stream name in lower case. */
const bucketStreamsOf = (stream: string): string => `KV_${stream.toLowerCase()}`

/**
 * The test's own connection to NATS, to remove what a run of the server left there.
 *
 * @example
 * ```ts
 * const nats = await TestNats.connect()
 * await nats.removeStaleStreams()
 * const stream = TestNats.streamName()
 * // ... start a server on `stream`, publish events ...
 * await nats.removeRun(stream, eventIds)
 * await nats.close()
 * ```
 */
export class TestNats {
  readonly #nc: NatsConnection
  readonly #jsm: JetStreamManager

  private constructor(nc: NatsConnection, jsm: JetStreamManager) {
    this.#nc = nc
    this.#jsm = jsm
  }

  static async connect(): Promise<TestNats> {
    const nc = await connect({ servers: NATS_URL })
    return new TestNats(nc, await jetstreamManager(nc))
  }

  /** A stream name of this process, unique per call. */
  static streamName(): string {
    return `${TEST_STREAM_PREFIX}${process.pid}_${Date.now()}`
  }

  /** Names of the test streams on the server (any run's), their KV bucket streams included. */
  async testStreams(): Promise<string[]> {
    const names: string[] = []
    for await (const info of this.#jsm.streams.list()) {
      if (isOfRun(info.config.name, TEST_STREAM_PREFIX)) names.push(info.config.name)
    }
    return names
  }

  /**
   * Deletes the streams (and KV buckets) of runs named `prefix…` (default: every test run) created more than an
   * hour before `now`: runs that died before their cleanup. Younger ones may belong to a run going on now in
   * another process. Resolves to the names deleted.
   */
  async removeStaleStreams(prefix = TEST_STREAM_PREFIX, now = Date.now()): Promise<string[]> {
    const stale: string[] = []
    for await (const info of this.#jsm.streams.list()) {
      const { name } = info.config
      if (isOfRun(name, prefix) && now - Date.parse(info.created) > STALE_MS) stale.push(name)
    }
    for (const name of stale) await this.#jsm.streams.delete(name)
    return stale
  }

  /** Deletes the run's stream (its consumers go with it) and its KV buckets (ledger, idempotency, ...). */
  async removeRun(stream: string): Promise<void> {
    const names: string[] = []
    for await (const info of this.#jsm.streams.list()) {
      if (isOfRun(info.config.name, stream)) names.push(info.config.name)
    }
    for (const name of names) await this.#jsm.streams.delete(name).catch(() => false)
  }

  /** How many messages the run's ledger holds for an event (0 once `removeRun` removed it). */
  async ledgerMessages(stream: string, eventId: string): Promise<number> {
    const bucket = `${stream.toLowerCase()}_ledger`
    const info = await this.#jsm.streams
      .info(`KV_${bucket}`, { subjects_filter: `$KV.${bucket}.*.${eventId}` })
      .catch(() => undefined)
    return Object.values(info?.state.subjects ?? {}).reduce((sum, count) => sum + count, 0)
  }

  close(): Promise<void> {
    return this.#nc.close()
  }
}

/** Whether a stream belongs to the run(s) named `prefix…`: their event stream or one of their KV buckets. */
function isOfRun(name: string, prefix: string): boolean {
  return name.startsWith(prefix) || name.startsWith(bucketStreamsOf(prefix))
}
