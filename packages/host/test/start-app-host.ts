import { createHost } from '../src/create-host.js'
import type { SwitchyardConfigInput } from '../src/index.js'
import type { PluginHost } from '../src/plugin-host.js'

/**
 * Starts a host on the app folder `dir` with only `<dir>/plugins` to discover (no app package.json, an empty
 * environment) and queues its stop on `cleanup`, which the calling test file runs after each test.
 *
 * @example
 * ```ts
 * const host = await startAppHost(dir, cleanup, { greeter: { config: { greeting: 'hi' } } })
 * ```
 */
export async function startAppHost(
  dir: string,
  cleanup: (() => Promise<unknown>)[],
  plugins?: SwitchyardConfigInput['plugins'],
): Promise<PluginHost> {
  const host = await createHost({
    cwd: dir,
    config: { plugin_directories: ['plugins'], ...(plugins === undefined ? {} : { plugins }) },
    appPackageJson: false,
    env: {},
  })
  cleanup.push(() => host.stop())
  return host
}
