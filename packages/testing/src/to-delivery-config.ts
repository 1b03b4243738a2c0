import type { DeliveryPolicyOverrides } from '@switchyard/core'
import type { SwitchyardConfigInput } from '@switchyard/host'

type DeliveryConfig = NonNullable<SwitchyardConfigInput['delivery']>

/**
 * The server's snake_case `delivery` config for camelCase delivery defaults, so a test states them as the bus
 * names them and the host applies them as it applies the file's.
 *
 * @example
 * ```ts
 * toDeliveryConfig({ timeoutMs: 50, retry: { attempts: 1 } }) // { timeout_ms: 50, retry: { attempts: 1 } }
 * ```
 */
export function toDeliveryConfig(delivery: DeliveryPolicyOverrides): DeliveryConfig {
  const { timeoutMs, concurrency, idempotent, deadLetter, retry } = delivery
  const config: DeliveryConfig = {
    ...(timeoutMs === undefined ? {} : { timeout_ms: timeoutMs }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(idempotent === undefined ? {} : { idempotent }),
    ...(deadLetter === undefined ? {} : { dead_letter: deadLetter }),
  }
  if (retry === undefined) return config
  const { attempts, initialMs, maxMs, factor, jitter } = retry
  return {
    ...config,
    retry: {
      ...(attempts === undefined ? {} : { attempts }),
      ...(initialMs === undefined ? {} : { initial_ms: initialMs }),
      ...(maxMs === undefined ? {} : { max_ms: maxMs }),
      ...(factor === undefined ? {} : { factor }),
      ...(jitter === undefined ? {} : { jitter }),
    },
  }
}
