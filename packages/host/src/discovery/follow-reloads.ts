import * as nodeModule from 'node:module'
import type { Logger } from '@switchyard/core'

/** The query parameter that versions the URL of a plugin module imported for a reload. */
export const RELOAD_PARAMETER = 'switchyard-reload'

let state: 'off' | 'on' | 'unsupported' = 'off'

/**
 * Makes a reload re-evaluate a plugin's own files, not only its entry: on the first call, registers the module
 * hooks of `reload-hooks.js`, which pass `RELOAD_PARAMETER` on from a reloaded module to the plugin files it
 * imports. Registered lazily because, once registered, every later import in the process passes through the
 * hooks' thread. Where Node lacks `module.register` (before 20.6) it logs one warning and returns false.
 *
 * @example
 * ```ts
 * if (followReloads(logger)) url.searchParams.set(RELOAD_PARAMETER, '1') // ./message.js gets ?switchyard-reload=1 too
 * ```
 */
export function followReloads(logger: Logger): boolean {
  if (state !== 'off') return state === 'on'
  // A namespace import, not `import { register }`: that would fail to link on Node before 20.6.
  if (typeof nodeModule.register !== 'function') {
    state = 'unsupported'
    logger.warn(
      { node: process.version },
      'module.register is unavailable (Node < 20.6): a plugin reload re-evaluates its entry module only',
    )
    return false
  }
  nodeModule.register(new URL('./reload-hooks.js', import.meta.url), {
    data: { parameter: RELOAD_PARAMETER },
  })
  state = 'on'
  return true
}
