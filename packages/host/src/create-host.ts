import type { HostOptions } from './host-options.js'
import { PluginHost } from './plugin-host.js'

/**
 * Creates a `PluginHost` and starts it: configuration loaded, plugins discovered and started.
 *
 * @example
 * ```ts
 * const host = await createHost({ configPath: 'config/switchyard.yaml' })
 * console.log(host.status().map((p) => `${p.name}: ${p.state}`))
 * ```
 */
export async function createHost(options: HostOptions = {}): Promise<PluginHost> {
  const host = new PluginHost(options)
  await host.start()
  return host
}
