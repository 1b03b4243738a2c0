import { resolve } from 'node:path'
import { InProcessTransport, type Logger, MemoryStore, type Store, type Transport } from '@switchyard/core'
import type { SwitchyardConfig } from '@switchyard/host'
import { openSqliteStore } from '@switchyard/store-sqlite'
import { connectNatsStore, connectNatsTransport } from '@switchyard/transport-nats'
import type { StartStep } from '../errors.js'
import { ensureStorageFolder } from '../start/ensure-storage-folder.js'

/** The Store and Transport the bus runs on. */
export interface Backends {
  store: Store
  transport: Transport
}

/** Runs one start step (its deadline and error reporting); the work itself by default. */
export type StepRunner = <T>(
  step: Extract<StartStep, 'store' | 'transport'>,
  work: () => Promise<T>,
) => Promise<T>

/**
 * Opens the Store and Transport the configuration names, the store first, each as its own start step.
 * `transport.driver: nats` runs the whole bus on JetStream, store included (ledger, dead letters, idempotency
 * and plugin data shared by every node), so `storage` applies to the embedded (memory transport) setup. A
 * relative sqlite path is taken from `baseDir`; its folder is checked (and made) before the database opens.
 * The KV buckets of a NATS cluster are prefixed with its stream name in lower case (`SWITCHYARD` -> `switchyard_*`).
 * Whatever opened is closed again when a later step fails.
 *
 * @example
 * ```ts
 * const { store, transport } = await openBackends(config, { baseDir: process.cwd(), logger })
 * ```
 */
export async function openBackends(
  config: Pick<SwitchyardConfig, 'storage' | 'transport'>,
  options: { baseDir: string; logger: Logger; step?: StepRunner },
): Promise<Backends> {
  const step: StepRunner = options.step ?? ((_, work) => work())
  const store = await step('store', () => openStore(config, options.baseDir))
  try {
    const transport = await step('transport', () => openTransport(config, options.logger))
    return { store, transport }
  } catch (error) {
    await store.close()
    throw error
  }
}

function openStore(config: Pick<SwitchyardConfig, 'storage' | 'transport'>, baseDir: string): Promise<Store> {
  const { transport, storage } = config
  if (transport.driver === 'nats') {
    // Buckets named after the stream: clusters sharing one NATS server keep their ledgers apart.
    const bucketPrefix = transport.stream.toLowerCase()
    return connectNatsStore({ servers: transport.servers, name: 'switchyard', bucketPrefix })
  }
  if (storage.driver === 'memory') return Promise.resolve(new MemoryStore())
  const path = resolve(baseDir, storage.path)
  return ensureStorageFolder(path).then(() => openSqliteStore({ path }))
}

async function openTransport(
  config: Pick<SwitchyardConfig, 'transport'>,
  logger: Logger,
): Promise<Transport> {
  const { transport } = config
  if (transport.driver === 'memory') return new InProcessTransport()
  return connectNatsTransport({
    servers: transport.servers,
    name: 'switchyard',
    stream: transport.stream,
    logger,
  })
}
