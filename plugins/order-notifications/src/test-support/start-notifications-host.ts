import { createTestHost, type TestHost } from '@switchyard/testing'
import { orderNotificationsPlugin } from '../order-notifications-plugin.js'

/**
 * A test host running the plugin with `config` and handlers that fail fast (one attempt unless the channel's
 * `attempts` say otherwise); its `stop` is pushed onto `cleanup`.
 *
 * @example
 * ```ts
 * const host = await startNotificationsHost({ channel: 'log' }, cleanup)
 * ```
 */
export async function startNotificationsHost(
  config: Record<string, unknown>,
  cleanup: Array<() => Promise<void>>,
): Promise<TestHost> {
  const host = await createTestHost({
    plugins: [orderNotificationsPlugin],
    config: { 'order-notifications': config },
    delivery: { retry: { attempts: 1, initialMs: 1, maxMs: 1, factor: 1, jitter: false } },
  })
  cleanup.push(() => host.stop())
  return host
}
