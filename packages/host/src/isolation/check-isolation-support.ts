import type { LoadedConfig } from '../config/load-config.js'
import { ConfigError, type ConfigIssue } from '../errors.js'

/** Whether this Node has the permission model (`--experimental-permission` on 20, `--permission` from 22). */
export function hasPermissionModel(
  flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): boolean {
  return flags.has('--permission') || flags.has('--experimental-permission')
}

/**
 * Refuses a configuration that asks for `process` isolation on a Node without the permission model: a
 * `ConfigError` naming each such key with its file, line and column, and the fix.
 *
 * @example
 * ```ts
 * checkIsolationSupport(loadedConfig) // throws on Node 18 when plugin_defaults.isolation is process
 * ```
 */
export function checkIsolationSupport(loaded: LoadedConfig, supported = hasPermissionModel()): void {
  if (supported) return
  const { config, file } = loaded
  const paths: string[][] = []
  if (config.plugin_defaults.isolation === 'process') paths.push(['plugin_defaults', 'isolation'])
  if (config.marketplace.isolation === 'process') paths.push(['marketplace', 'isolation'])
  for (const [name, entry] of Object.entries(config.plugins))
    if (entry?.isolation === 'process') paths.push(['plugins', name, 'isolation'])
  if (paths.length === 0) return
  const issues = paths.map((path): ConfigIssue => {
    const at = loaded.locate(path)
    return {
      file,
      path: path.join('.'),
      line: at?.line,
      column: at?.column,
      message: `process isolation needs Node's permission model (Node 20 with --experimental-permission, or Node 22+), not available on ${process.version}; upgrade Node or use isolation: worker`,
    }
  })
  throw new ConfigError(issues)
}
