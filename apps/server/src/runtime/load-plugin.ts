import { resolve, sep } from 'node:path'
import { type PluginHost, PluginLoadError, type PluginStatus } from '@switchyard/host'
import { RequestValidationError } from '../errors.js'

/**
 * `POST /api/v1/events/plugins/{name}/load`: adds the plugin folder at `path` as `name` when the host does not
 * know `name` (checked to name itself `name` before it is added), or reloads `name` from disk (from `path` in
 * one drained swap when the plugin moved there). Relative paths are taken from the server's working directory.
 *
 * @example
 * ```ts
 * await loadPlugin(host, 'order-metrics', 'plugins/order-metrics')
 * ```
 */
export async function loadPlugin(
  host: PluginHost,
  name: string,
  path: string | undefined,
): Promise<PluginStatus> {
  const known = host.status().find((plugin) => plugin.name === name)
  if (known !== undefined) {
    if (path === undefined || within(known.entry, resolve(path))) return host.reload(name)
    return host.replacePlugin(name, path)
  }
  if (path === undefined)
    throw new RequestValidationError(
      `body.path: the server knows no plugin "${name}"; give the folder to load it from`,
    )
  const descriptor = await host.inspectPlugin(path)
  if (descriptor.name !== name)
    throw new PluginLoadError(`${resolve(path)} holds plugin "${descriptor.name}", not "${name}"`)
  return host.addPlugin(path)
}

const within = (file: string, folder: string) => file === folder || file.startsWith(`${folder}${sep}`)
