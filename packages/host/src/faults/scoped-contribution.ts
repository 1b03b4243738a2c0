import type { ExtensionFn } from '@switchyard/core'
import { type PluginScope, pluginScope } from './plugin-scope.js'

type Continuation = (...args: unknown[]) => unknown

/**
 * Wraps an extension contribution so that it runs in its plugin's scope. A contribution called with a
 * continuation (an `http.middleware` gets `(c, next)`) runs that continuation outside the scope: the rest of the
 * chain is the server's and other plugins' work, not this plugin's, and must not be charged to it. A contribution's
 * `node` function (an `http.middleware` in Node form, `(req, res, next)`) is wrapped the same way.
 *
 * @example
 * ```ts
 * bus.extensions.contribute('event.before_publish', scopedContribution(scope, enrich), { owner: 'audit' })
 * ```
 */
export function scopedContribution(scope: PluginScope, fn: ExtensionFn): ExtensionFn {
  const call = fn as (value: unknown, next?: Continuation) => unknown
  const scoped = ((value: unknown, next?: unknown) => {
    if (typeof next !== 'function') return pluginScope.run(scope, call, value)
    const outside: Continuation = (...args) => pluginScope.exit(next as Continuation, ...args)
    return pluginScope.run(scope, call, value, outside)
  }) as ExtensionFn
  // An `http.middleware`'s Node form, `node(req, res, next)` (the SDK's `NodeMiddleware`), is scoped alike.
  const { node } = fn as { node?: unknown }
  if (typeof node !== 'function') return scoped
  const callNode = node as (req: unknown, res: unknown, next: Continuation) => unknown
  return Object.assign(scoped, {
    node: (req: unknown, res: unknown, next: Continuation) =>
      pluginScope.run(scope, callNode, req, res, (...args: unknown[]) => pluginScope.exit(next, ...args)),
  })
}
