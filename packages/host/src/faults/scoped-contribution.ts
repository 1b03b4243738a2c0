import type { ExtensionFn } from '@switchyard/core'
import { type PluginScope, pluginScope } from './plugin-scope.js'

type Continuation = (...args: unknown[]) => unknown

/**
 * Wraps an extension contribution so that it runs in its plugin's scope. A contribution called with a
 * continuation (an `http.middleware` gets `(c, next)`) runs that continuation outside the scope: the rest of the
 * chain is the server's and other plugins' work, not this plugin's, and must not be charged to it.
 *
 * @example
 * ```ts
 * bus.extensions.contribute('event.before_publish', scopedContribution(scope, enrich), { owner: 'audit' })
 * ```
 */
export function scopedContribution(scope: PluginScope, fn: ExtensionFn): ExtensionFn {
  const call = fn as (value: unknown, next?: Continuation) => unknown
  return ((value: unknown, next?: unknown) => {
    if (typeof next !== 'function') return pluginScope.run(scope, call, value)
    const outside: Continuation = (...args) => pluginScope.exit(next as Continuation, ...args)
    return pluginScope.run(scope, call, value, outside)
  }) as ExtensionFn
}
