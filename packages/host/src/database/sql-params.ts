import type { SqlValue } from '@switchyard/core'
import { PluginDatabaseError } from '@switchyard/plugin-sdk'

const SCALARS = new Set(['string', 'number', 'bigint', 'boolean'])

/**
 * Checks a statement's parameters before they reach the driver: an array of strings, numbers, bigints, booleans,
 * nulls or Uint8Arrays (what every driver binds, and what crosses a worker or process boundary unchanged).
 *
 * @example
 * ```ts
 * sqlParams('inventory', ['bolt', 3]) // ['bolt', 3]
 * sqlParams('inventory', [{ a: 1 }])  // throws E_DATABASE: params[0]: expected string, number, … got object
 * ```
 */
export function sqlParams(plugin: string, params: unknown): readonly SqlValue[] {
  if (params === undefined) return []
  if (!Array.isArray(params))
    throw new PluginDatabaseError(plugin, `params: expected an array of values, got ${typeof params}`)
  params.forEach((value, index) => {
    if (value === null || SCALARS.has(typeof value) || value instanceof Uint8Array) return
    throw new PluginDatabaseError(
      plugin,
      `params[${index}]: expected a string, number, bigint, boolean, null or Uint8Array, got ${typeof value}`,
    )
  })
  return params as readonly SqlValue[]
}
