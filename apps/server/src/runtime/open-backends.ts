import { resolve } from 'node:path'
import { InProcessTransport, type Logger, MemoryStore, type Store, type Transport } from '@switchyard/core'
import type { SwitchyardConfig } from '@switchyard/host'
import { openSqliteStore } from '@switchyard/store-sqlite'
import { connectNatsStore, connectNatsTransport } from '@switchyard/transport-nats'

/** The Store and Transport the bus runs on. */
export interface Backends {
  store: Store
  transport: Transport
}

/**
 * Opens the Store and Transport the configuration names. `transport.driver: nats` runs the whole bus on
 * JetStream, store included (ledger, dead letters, idempotency and plugin data shared by every node), so
 * `storage` applies to the embedded (memory transport) setup. A relative sqlite path is taken from `baseDir`.
 * The KV buckets of a NATS cluster are prefixed with its stream name in lower case (`SWITCHYARD` -> `switchyard_*`).
 *
 * @example
 * ```ts
 * const { store, transport } = await openBackends(config, { baseDir: process.cwd(), logger })
 * ```
 */
export async function openBackends(
  config: Pick<SwitchyardConfig, 'storage' | 'transport'>,
  options: { baseDir: string; logger: Logger },
): Promise<Backends> {
  const { transport } = config
  if (transport.driver === 'nats') {
    const connection = { servers: transport.servers, name: 'switchyard' }
    const nats = await connectNatsTransport({
      ...connection,
      stream: transport.stream,
      logger: options.logger,
    })
    try {
      // Buckets named after the stream: clusters sharing one NATS server keep their ledgers apart.
      const bucketPrefix = transport.stream.toLowerCase()
      return { transport: nats, store: await connectNatsStore({ ...connection, bucketPrefix }) }
    } catch (error) {
      await nats.close()
      throw error
    }
  }
  const { storage } = config
  if (storage.driver === 'memory') return { store: new MemoryStore(), transport: new InProcessTransport() }
  // The store creates missing folders itself and names the database path in every error it reports.
  const path = resolve(options.baseDir, storage.path)
  return { store: await openSqliteStore({ path }), transport: new InProcessTransport() }
}
