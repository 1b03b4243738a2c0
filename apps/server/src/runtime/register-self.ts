import type { PluginHost, SwitchyardConfig } from '@switchyard/host'

/** The owner of the server's own registration in the service registry. */
export const SERVER_OWNER = 'switchyard'

/**
 * Registers the server in the service registry (config `services`): its name, version, address (`advertise_url`,
 * else the listening URL) and health URL, under the id `<name>-<node>`. Resolves to the function that unregisters
 * it at shutdown; with `services.name: null` nothing is registered.
 *
 * @example
 * ```ts
 * const unregister = await registerSelf(host, config.services, { url: listener.url, version: '0.1.0' })
 * await unregister()
 * ```
 */
export async function registerSelf(
  host: Pick<PluginHost, 'services'>,
  config: SwitchyardConfig['services'],
  server: { url: string; version: string },
): Promise<() => Promise<void>> {
  if (config.name === null) return async () => undefined
  const address = (config.advertise_url ?? server.url).replace(/\/$/, '')
  const { id } = await host.services.register(SERVER_OWNER, {
    id: `${config.name}-${host.services.node}`,
    name: config.name,
    version: server.version,
    address,
    healthUrl: `${address}/healthz`,
  })
  return async () => {
    await host.services.unregister(SERVER_OWNER, id)
  }
}
