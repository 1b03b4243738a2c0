import { randomUUID } from 'node:crypto'
import {
  type CompiledPattern,
  compilePattern,
  generateWebhookSecret,
  type PluginSecrets,
  type PluginStore,
} from '@switchyard/plugin-sdk'
import type { CloudEventMode, PayloadFormat, SignatureScheme, SubscriptionInput } from './config.js'

/** A registered endpoint, as persisted and as the API shows it: its secret is kept apart, in `ctx.secrets`. */
export interface Subscription {
  id: string
  pattern: string
  url: string
  signature: SignatureScheme
  format: PayloadFormat
  /** The CloudEvents HTTP binding when `format` is `cloudevents`. */
  mode: CloudEventMode
  description?: string
  /** RFC 3339. */
  createdAt: string
}

/** The API's view of a subscription (it never holds the secret). */
export type PublicSubscription = Subscription

/** A subscription with its signing secret, as the dispatcher needs it. */
export interface ActiveSubscription extends Subscription {
  secret: string
}

/** A record written before secrets moved to `ctx.secrets`: the secret inline, no signature or format fields. */
type StoredSubscription = Partial<Subscription> &
  Pick<Subscription, 'id' | 'pattern' | 'url' | 'createdAt'> & {
    secret?: string
  }

const PREFIX = 'subscription:'
// Bumped after every change: one point read tells whether the in-memory set is still the store's.
const REVISION = 'subscriptions-revision'

interface Cached {
  revision: string | undefined
  subscriptions: { subscription: ActiveSubscription; pattern: CompiledPattern }[]
}

/**
 * The webhook subscriptions, persisted in the plugin store so every node and every restart sees the same set;
 * each one's signing secret is in `ctx.secrets` (encrypted at rest) under `subscription:<id>`. The set is kept in
 * memory with its compiled patterns and secrets, so `accepts` answers per event without reading the store. A
 * change made here applies at once; one made by another node bumps a revision key that `refresh` (the plugin's
 * poll) and `matching` (only for events a subscription matched) read, and then list the store again.
 *
 * @example
 * ```ts
 * const registry = new SubscriptionRegistry(ctx.store, ctx.secrets)
 * await registry.refresh()
 * await registry.create({ pattern: 'order.**', url: 'https://example.com/hook', signature: 'standard', format: 'json', mode: 'structured' })
 * registry.accepts('order.created') // true
 * await registry.matching('order.created') // [subscription with its secret]
 * ```
 */
export class SubscriptionRegistry {
  readonly #store: PluginStore
  readonly #secrets: PluginSecrets
  #cached: Cached | undefined
  /** Loads started: only the latest one's result is kept, so a slower, older listing never replaces a newer one. */
  #loads = 0

  constructor(store: PluginStore, secrets: PluginSecrets) {
    this.#store = store
    this.#secrets = secrets
  }

  /**
   * Registers an endpoint; its secret is the input's, or a new Standard Webhooks secret. Resolves to the
   * subscription and the secret. Throws `InvalidPatternError` (E_INVALID_PATTERN) for a malformed pattern.
   */
  async create(input: SubscriptionInput): Promise<{ subscription: Subscription; secret: string }> {
    compilePattern(input.pattern)
    const { secret = generateWebhookSecret(), ...fields } = input
    const subscription: Subscription = {
      id: `whs_${randomUUID()}`,
      ...fields,
      createdAt: new Date().toISOString(),
    }
    // The secret first: a subscription is never visible without the secret that signs its deliveries.
    await this.#secrets.set(secretName(subscription.id), secret)
    await this.#store.set(PREFIX + subscription.id, subscription)
    await this.#changed()
    return { subscription, secret }
  }

  /** Oldest first. */
  async list(): Promise<Subscription[]> {
    const entries = await this.#store.list({ prefix: PREFIX })
    return entries
      .map((entry) => normalise(entry.value as StoredSubscription))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  }

  async get(id: string): Promise<Subscription | undefined> {
    const stored = await this.#store.get<StoredSubscription>(PREFIX + id)
    return stored === undefined ? undefined : normalise(stored)
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.#store.delete(PREFIX + id)
    await this.#secrets.delete(secretName(id))
    if (deleted) await this.#changed()
    return deleted
  }

  /**
   * Moves secrets stored inline by earlier versions into `ctx.secrets` and rewrites those records without them
   * (signed `switchyard`, as they were). Safe to run on several nodes at once. Resolves to how many moved.
   */
  async migrate(): Promise<number> {
    let moved = 0
    for (const { key, value } of await this.#store.list({ prefix: PREFIX })) {
      const stored = value as StoredSubscription
      if (typeof stored.secret !== 'string') continue
      await this.#secrets.set(secretName(stored.id), stored.secret)
      await this.#store.set(key, normalise(stored))
      moved++
    }
    if (moved > 0) await this.#changed()
    return moved
  }

  /**
   * Whether some subscription known to this node matches an event type, from memory (no store read): the
   * dispatcher's bus filter. Until the first `refresh` or change it knows none.
   */
  accepts(type: string): boolean {
    const cached = this.#cached
    if (cached === undefined) return false
    for (const { pattern } of cached.subscriptions) if (pattern.test(type)) return true
    return false
  }

  /**
   * Reads the revision and lists the store again when another node changed the set since (or on the first call).
   * Resolves once the in-memory set is the store's.
   */
  async refresh(): Promise<void> {
    const revision = await this.#store.get<string>(REVISION)
    if (this.#cached === undefined || this.#cached.revision !== revision) await this.#load(revision)
  }

  /**
   * The subscriptions whose pattern matches an event type, oldest first; one without a secret is left out. Reads
   * the revision first, so a subscription another node deleted since the last `refresh` is not sent to.
   */
  matching(type: string): Promise<ActiveSubscription[]> {
    return this.#store.get<string>(REVISION).then((revision) => {
      const cached = this.#cached
      if (cached !== undefined && cached.revision === revision) return matchingOf(cached, type)
      return this.#load(revision).then((loaded) => matchingOf(loaded, type))
    })
  }

  async #load(revision: string | undefined): Promise<Cached> {
    const load = ++this.#loads
    const subscriptions: Cached['subscriptions'] = []
    for (const subscription of await this.list()) {
      const secret = await this.#secrets.get(secretName(subscription.id))
      if (secret !== undefined)
        subscriptions.push({
          subscription: { ...subscription, secret },
          pattern: compilePattern(subscription.pattern),
        })
    }
    const loaded = { revision, subscriptions }
    if (load === this.#loads) this.#cached = loaded
    return loaded
  }

  // The new set applies here at once; other nodes see the new revision at their next refresh.
  async #changed(): Promise<void> {
    const revision = randomUUID()
    await this.#store.set(REVISION, revision)
    await this.#load(revision)
  }
}

function matchingOf(cached: Cached, type: string): ActiveSubscription[] {
  return cached.subscriptions
    .filter(({ pattern }) => pattern.test(type))
    .map(({ subscription }) => subscription)
}

function secretName(id: string): string {
  return `subscription:${id}`
}

// Records of earlier versions carry the secret and lack the newer fields: they were signed `switchyard`, as JSON.
function normalise({ secret: _secret, ...stored }: StoredSubscription): Subscription {
  return { signature: 'switchyard', format: 'json', mode: 'structured', ...stored }
}
