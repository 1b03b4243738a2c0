import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import {
  type ExtensionRegistry,
  type Logger,
  noopLogger,
  type ServiceInfo,
  type ServiceQuery,
  type ServiceRecord,
  type Store,
  serviceExtensionPoints,
} from '@switchyard/core'
import { ServiceRegistryError } from '../errors.js'
import { parseServiceInfo } from './service-info-schema.js'
import { matchesServiceQuery } from './service-query.js'

/** The Store KV namespace of the registry: a dot keeps it apart from every (kebab-case) plugin's namespace. */
export const SERVICES_NAMESPACE = 'switchyard.services'

/** What `ServiceRegistry` takes. */
export interface ServiceRegistryOptions {
  /** Where records live: per node on the memory and SQLite stores, cluster-wide on the NATS store. */
  store: Pick<Store, 'kvGet' | 'kvSet' | 'kvDelete' | 'kvList'>
  extensions: ExtensionRegistry
  logger?: Logger
  /** This node's name in the records; `<hostname>-<pid>-<random>` by default (hosts sharing a process differ). */
  node?: string
  /** A record not renewed within this drops out (a node that died); this node renews its own at a third of it. */
  leaseMs?: number
}

const DEFAULT_LEASE_MS = 30_000

/**
 * The service registry (Marty's `IServicePlugin`): plugins and the server register services, and anyone
 * discovers them. Records are kept in the Store's KV with a lease this node renews, so on NATS every node sees
 * every node's services, and those of a node that died expire. Registration runs `service.pre_register`
 * (enrich or refuse) and `service.post_register`; unregistration `service.post_unregister`; discovery adds
 * what `service.discover` contributions answer.
 *
 * @example
 * ```ts
 * const registry = new ServiceRegistry({ store, extensions: bus.extensions })
 * await registry.register('billing', { id: 'billing-1', name: 'billing', address: 'http://10.0.0.7:9000' })
 * await registry.discover({ name: 'billing' }) // [{ id: 'billing-1', owner: 'billing', node: '…', … }]
 * ```
 */
export class ServiceRegistry {
  readonly node: string
  readonly #options: ServiceRegistryOptions
  readonly #logger: Logger
  readonly #leaseMs: number
  /** This node's own records, renewed while they stay registered. */
  readonly #own = new Map<string, ServiceRecord>()
  #renewal: NodeJS.Timeout | undefined

  constructor(options: ServiceRegistryOptions) {
    this.#options = options
    this.#logger = options.logger ?? noopLogger
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
    this.node = options.node ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  }

  /**
   * Registers (or replaces) a service for `owner`. Throws `ServiceRegistryError` (E_SERVICE) when the info is
   * invalid, the id belongs to another owner, or a `service.pre_register` contribution refused it.
   */
  async register(owner: string, input: ServiceInfo): Promise<ServiceRecord> {
    const parsed = parseServiceInfo(input)
    if (!parsed.ok) throw new ServiceRegistryError(owner, parsed.problem)
    const existing = await this.#stored(parsed.info.id)
    if (existing !== undefined && existing.owner !== owner) {
      throw new ServiceRegistryError(owner, `id "${parsed.info.id}" is registered by "${existing.owner}"`)
    }
    const draft: ServiceRecord = {
      ...parsed.info,
      owner,
      node: this.node,
      registeredAt: new Date().toISOString(),
    }
    const record = await this.#preRegister(owner, draft)
    await this.#write(record)
    this.#own.set(record.id, record)
    this.#renew()
    await this.#options.extensions.runAction(serviceExtensionPoints.postRegister, record)
    return record
  }

  /** Unregisters `owner`'s service `id`; false when `owner` has none of that id. */
  async unregister(owner: string, id: string): Promise<boolean> {
    const record = this.#own.get(id) ?? (await this.#stored(id))
    if (record === undefined || record.owner !== owner) return false
    this.#own.delete(id)
    this.#renew()
    await this.#options.store.kvDelete(SERVICES_NAMESPACE, id)
    await this.#options.extensions.runAction(serviceExtensionPoints.postUnregister, record)
    return true
  }

  /** Unregisters every service `owner` registered from this node (a plugin that stops). */
  async unregisterOwner(owner: string): Promise<void> {
    const ids = [...this.#own.values()].filter((record) => record.owner === owner).map((record) => record.id)
    for (const id of ids) await this.unregister(owner, id)
  }

  /**
   * The registered services matching `query` (all of them for an empty one), then those the `service.discover`
   * contributions answer (an id already registered is not repeated), each list in id order.
   */
  async discover(query: ServiceQuery = {}): Promise<ServiceRecord[]> {
    const entries = await this.#options.store.kvList(SERVICES_NAMESPACE)
    const registered = entries
      .map((entry) => entry.value as ServiceRecord)
      .filter((record) => matchesServiceQuery(record, query))
    const known = new Set(registered.map((record) => record.id))
    const answered = (await this.#answers(query)).filter((record) => {
      if (known.has(record.id)) return false
      known.add(record.id)
      return true
    })
    return [...byId(registered), ...byId(answered)]
  }

  /** Stops renewing; what this node registered expires with its lease unless unregistered first. */
  close(): void {
    clearInterval(this.#renewal)
    this.#renewal = undefined
  }

  async #preRegister(owner: string, draft: ServiceRecord): Promise<ServiceRecord> {
    let enriched: ServiceRecord
    try {
      enriched = await this.#options.extensions.runFilter(serviceExtensionPoints.preRegister, draft)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new ServiceRegistryError(owner, `service.pre_register refused it: ${reason}`, { cause: error })
    }
    // A contribution may add to the info, not take over who registered it, or break its shape.
    const parsed = parseServiceInfo(infoOf(enriched))
    if (!parsed.ok) throw new ServiceRegistryError(owner, `after service.pre_register: ${parsed.problem}`)
    return { ...parsed.info, owner, node: draft.node, registeredAt: draft.registeredAt }
  }

  async #answers(query: ServiceQuery): Promise<ServiceRecord[]> {
    const { extensions } = this.#options
    if (!extensions.has(serviceExtensionPoints.discover)) return []
    const results = await extensions.runCollect(serviceExtensionPoints.discover, query)
    const now = new Date().toISOString()
    return results.flatMap((result) => {
      const owner = result.owner ?? 'unknown'
      if (!result.ok) {
        this.#logger.warn({ owner, err: result.error }, 'service.discover contribution failed')
        return []
      }
      return (Array.isArray(result.value) ? result.value : []).flatMap((info: unknown) => {
        const parsed = parseServiceInfo(info)
        if (parsed.ok) return [{ ...parsed.info, owner, node: this.node, registeredAt: now }]
        this.#logger.warn({ owner, problem: parsed.problem }, 'service.discover answer ignored')
        return []
      })
    })
  }

  async #stored(id: string): Promise<ServiceRecord | undefined> {
    return (await this.#options.store.kvGet(SERVICES_NAMESPACE, id)) as ServiceRecord | undefined
  }

  #write(record: ServiceRecord): Promise<void> {
    return this.#options.store.kvSet(SERVICES_NAMESPACE, record.id, record, { ttlMs: this.#leaseMs })
  }

  // One timer while this node has records, none otherwise; it never keeps the process alive.
  #renew(): void {
    if (this.#own.size === 0) {
      this.close()
      return
    }
    if (this.#renewal !== undefined) return
    this.#renewal = setInterval(
      () => {
        for (const record of this.#own.values()) {
          this.#write(record).catch((error: unknown) =>
            this.#logger.warn({ err: error, service: record.id }, 'could not renew a service registration'),
          )
        }
      },
      Math.floor(this.#leaseMs / 3),
    )
    this.#renewal.unref()
  }
}

function infoOf(record: ServiceRecord): Record<string, unknown> {
  const { owner: _owner, node: _node, registeredAt: _at, ...info } = record
  return info
}

function byId(records: ServiceRecord[]): ServiceRecord[] {
  return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
