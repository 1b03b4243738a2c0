/** Variables a sandbox keeps from the server's environment: locale and time zone, nothing that could be a secret. */
const KEPT = ['NODE_ENV', 'TZ', 'LANG', 'LC_ALL']

/**
 * The environment of a plugin's sandbox: the few harmless variables of `env` plus `SWITCHYARD_PLUGIN`. Tokens,
 * database URLs and the like never reach an isolated plugin; it gets what it needs through its config
 * (`${VAR}` in the configuration file is read by the host).
 *
 * @example
 * ```ts
 * sandboxEnv('audit-log', process.env) // { NODE_ENV: 'production', SWITCHYARD_PLUGIN: 'audit-log' }
 * ```
 */
export function sandboxEnv(plugin: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of KEPT) {
    const value = env[name]
    if (value !== undefined) kept[name] = value
  }
  return { ...kept, SWITCHYARD_PLUGIN: plugin }
}
