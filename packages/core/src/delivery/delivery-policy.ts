import { ConfigError } from '../errors.js'
import type { DeliveryPolicy, RetryPolicy } from './delivery.js'

/**
 * The policy a handler gets when neither the bus defaults nor its subscription say otherwise (the values of the
 * config file's `delivery` defaults).
 *
 * @example
 * ```ts
 * const bus = new EventBus({ defaults: { ...defaultDeliveryPolicy, timeoutMs: 1000 } })
 * ```
 */
export const defaultDeliveryPolicy: DeliveryPolicy = Object.freeze({
  timeoutMs: 5000,
  retry: Object.freeze({ attempts: 3, initialMs: 100, maxMs: 10_000, factor: 2, jitter: true }),
  concurrency: 16,
  idempotent: true,
  deadLetter: true,
})

/** Overrides of a policy: every member optional, `retry` merged member by member. */
export type DeliveryPolicyOverrides = Partial<Omit<DeliveryPolicy, 'retry'>> & {
  retry?: Partial<RetryPolicy>
}

/**
 * Merges overrides over a base policy and checks the result; throws `ConfigError` naming the bad member (`where`
 * is its prefix, such as `subscription audit_log`).
 *
 * @example
 * ```ts
 * const policy = resolvePolicy(defaultDeliveryPolicy, { retry: { attempts: 5 } }, 'subscription audit_log')
 * ```
 */
export function resolvePolicy(
  base: DeliveryPolicy,
  overrides: DeliveryPolicyOverrides,
  where: string,
): DeliveryPolicy {
  const retry = { ...base.retry, ...stripUndefined(overrides.retry ?? {}) }
  const policy = { ...base, ...stripUndefined(overrides), retry }
  const check = (ok: boolean, member: string, rule: string): void => {
    if (!ok) throw new ConfigError(`${where}: ${member}: expected ${rule}`)
  }
  check(policy.timeoutMs > 0 && Number.isFinite(policy.timeoutMs), 'timeoutMs', 'a finite number > 0')
  check(Number.isInteger(policy.concurrency) && policy.concurrency >= 1, 'concurrency', 'an integer >= 1')
  check(Number.isInteger(retry.attempts) && retry.attempts >= 1, 'retry.attempts', 'an integer >= 1')
  check(retry.initialMs >= 0, 'retry.initialMs', 'a number >= 0')
  check(retry.maxMs >= retry.initialMs, 'retry.maxMs', 'a number >= retry.initialMs')
  check(retry.factor >= 1, 'retry.factor', 'a number >= 1')
  return policy
}

/**
 * How long to wait after failed attempt `attempt` (1-based): `min(maxMs, initialMs * factor^(attempt-1))`,
 * with jitter a random value between half and all of it (so retrying handlers do not stampede together).
 *
 * @example
 * ```ts
 * retryDelay({ attempts: 5, initialMs: 100, maxMs: 1000, factor: 2, jitter: false }, 3) // 400
 * ```
 */
export function retryDelay(retry: RetryPolicy, attempt: number): number {
  const delay = Math.min(retry.maxMs, retry.initialMs * retry.factor ** (attempt - 1))
  return retry.jitter ? delay / 2 + Math.random() * (delay / 2) : delay
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
