import type { DeliveryPolicy } from '../delivery/delivery.js'
import { type DeliveryPolicyOverrides, resolvePolicy } from '../delivery/delivery-policy.js'

/** A subscription's policy overrides and the policy they resolve to, both frozen: shared, never changed. */
export interface ResolvedPolicy {
  readonly overrides: DeliveryPolicyOverrides
  readonly policy: DeliveryPolicy
}

/**
 * Resolves subscription policies so that subscriptions asking for the same overrides over the same defaults
 * share one overrides object and one policy, instead of three objects each: a bus may hold 100,000
 * subscriptions, mostly with a few distinct options, and the GC marks every object they keep. Overrides that
 * are not plain policy values (an unknown member, a non-primitive value) are resolved on their own, unshared.
 *
 * @example
 * ```ts
 * const policies = new SharedPolicies()
 * const { policy } = policies.resolve(defaultDeliveryPolicy, { idempotent: false }, 'subscription audit_log')
 * policies.resolve(defaultDeliveryPolicy, { idempotent: false }, 'subscription mailer').policy === policy // true
 * ```
 */
export class SharedPolicies {
  #base: DeliveryPolicy | undefined = undefined
  #byKey = new Map<string, ResolvedPolicy>()

  /**
   * `resolvePolicy(base, overrides, where)`, shared with earlier calls of the same overrides over the same
   * `base` (throws `ConfigError` as it does). The table keeps one `base`: other defaults start it afresh.
   */
  resolve(base: DeliveryPolicy, overrides: DeliveryPolicyOverrides, where: string): ResolvedPolicy {
    const key = keyOf(overrides)
    if (key === undefined) return { overrides, policy: resolvePolicy(base, overrides, where) }
    if (base !== this.#base) {
      this.#base = base
      this.#byKey.clear()
    }
    let shared = this.#byKey.get(key)
    if (shared === undefined) {
      const policy = resolvePolicy(base, overrides, where)
      Object.freeze(policy.retry)
      shared = Object.freeze({ overrides: frozenCopy(overrides), policy: Object.freeze(policy) })
      this.#byKey.set(key, shared)
    }
    return shared
  }
}

const MEMBERS = new Set(['timeoutMs', 'retry', 'concurrency', 'idempotent', 'deadLetter'])
const RETRY_MEMBERS = new Set(['attempts', 'initialMs', 'maxMs', 'factor', 'jitter'])

/** A text equal for equal overrides (members in any order), or undefined when they are not plain policy values. */
function keyOf(overrides: DeliveryPolicyOverrides): string | undefined {
  let key = ''
  for (const [name, value] of Object.entries(overrides).sort(byName)) {
    if (!MEMBERS.has(name)) return undefined
    if (name === 'retry' && value !== undefined) {
      const retry = retryKeyOf(value)
      if (retry === undefined) return undefined
      key += `retry={${retry}};`
    } else if (isPrimitive(value)) key += `${name}=${typeof value}:${String(value)};`
    else return undefined
  }
  return key
}

function retryKeyOf(retry: unknown): string | undefined {
  if (typeof retry !== 'object' || retry === null || Object.getPrototypeOf(retry) !== Object.prototype)
    return undefined
  let key = ''
  for (const [name, value] of Object.entries(retry).sort(byName)) {
    if (!RETRY_MEMBERS.has(name) || !isPrimitive(value)) return undefined
    key += `${name}=${typeof value}:${String(value)};`
  }
  return key
}

function isPrimitive(value: unknown): boolean {
  return value === undefined || typeof value === 'number' || typeof value === 'boolean'
}

const byName = (a: [string, unknown], b: [string, unknown]): number => (a[0] < b[0] ? -1 : 1)

/** A frozen copy: the caller's objects (its `retry`) stay its own. */
function frozenCopy(overrides: DeliveryPolicyOverrides): DeliveryPolicyOverrides {
  const { retry } = overrides
  return Object.freeze(
    retry === undefined ? { ...overrides } : { ...overrides, retry: Object.freeze({ ...retry }) },
  )
}
