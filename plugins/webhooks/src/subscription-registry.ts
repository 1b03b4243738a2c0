import { randomUUID } from 'node:crypto'
import { type CompiledPattern, compilePattern, type PluginStore } from '@switchyard/plugin-sdk'
import type { SubscriptionInput } from './config.js'

/** A registered endpoint, as persisted. */
export interface Subscription {
  id: string
  pattern: string
  url: string
  secret: string
  description?: string
  /** RFC 3339. */
  createdAt: string
}

/** A subscription as the API shows it: everything but the secret. */
export type PublicSubscription = Omit<Subscription, 'secret'>

const PREFIX = 'subscription:'
// Bumped after every change: one point read per event tells whether the cached set is still the store's.
const REVISION = 'subscriptions-revision'

interface Cached {
  revision: string | undefined
  subscriptions: { subscription: Subscription; pattern: CompiledPattern }[]
}

/**
 * The webhook subscriptions, persisted in the plugin store so every node and every restart sees the same set.
 * `matching` keeps them in memory with their compiled patterns and reads only a revision key per event: a
 * change on any node bumps it, so the next event anywhere lists the store again.
 *
 * @example
 * ```ts
 * const registry = new SubscriptionRegistry(ctx.store)
 * await registry.create({ pattern: 'order.**', url: 'https://example.com/hook', secret: 'whsec_0123456789abcdef' })
 * await registry.matching('order.created') // [subscription]
 * ```
 */
export class SubscriptionRegistry {
  readonly #store: PluginStore
  #cached: Cached | undefined

  constructor(store: PluginStore) {
    this.#store = store
  }

  /** Throws `InvalidPatternError` (E_INVALID_PATTERN) for a malformed pattern. */
  async create(input: SubscriptionInput): Promise<Subscription> {
    compilePattern(input.pattern)
    const subscription: Subscription = {
      id: `whs_${randomUUID()}`,
      ...input,
      createdAt: new Date().toISOString(),
    }
    await this.#store.set(PREFIX + subscription.id, subscription)
    await this.#changed()
    return subscription
  }

  /** Oldest first. */
  async list(): Promise<Subscription[]> {
    const entries = await this.#store.list({ prefix: PREFIX })
    return entries
      .map((entry) => entry.value as Subscription)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  }

  get(id: string): Promise<Subscription | undefined> {
    return this.#store.get<Subscription>(PREFIX + id)
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.#store.delete(PREFIX + id)
    if (deleted) await this.#changed()
    return deleted
  }

  /** The subscriptions whose pattern matches an event type, oldest first. */
  async matching(type: string): Promise<Subscription[]> {
    const revision = await this.#store.get<string>(REVISION)
    if (this.#cached === undefined || this.#cached.revision !== revision) {
      const subscriptions = (await this.list()).map((subscription) => ({
        subscription,
        pattern: compilePattern(subscription.pattern),
      }))
      this.#cached = { revision, subscriptions }
    }
    return this.#cached.subscriptions
      .filter(({ pattern }) => pattern.test(type))
      .map(({ subscription }) => subscription)
  }

  async #changed(): Promise<void> {
    this.#cached = undefined
    await this.#store.set(REVISION, randomUUID())
  }
}

/**
 * Drops the secret.
 *
 * @example
 * ```ts
 * c.json(toPublic(subscription)) // { id, pattern, url, description?, createdAt }
 * ```
 */
export function toPublic({ secret: _secret, ...rest }: Subscription): PublicSubscription {
  return rest
}
