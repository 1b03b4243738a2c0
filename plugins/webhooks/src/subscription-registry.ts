import { randomUUID } from 'node:crypto'
import { compilePattern, type PluginStore } from '@switchyard/plugin-sdk'
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

/**
 * The webhook subscriptions, persisted in the plugin store so every node and every restart sees the same set.
 * Reads go to the store each time rather than to a cache, so a subscription added on one node is used by all.
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

  delete(id: string): Promise<boolean> {
    return this.#store.delete(PREFIX + id)
  }

  /** The subscriptions whose pattern matches an event type. */
  async matching(type: string): Promise<Subscription[]> {
    return (await this.list()).filter((subscription) => compilePattern(subscription.pattern).test(type))
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
