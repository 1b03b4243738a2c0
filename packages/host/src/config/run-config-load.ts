import { builtinExtensionPoints, type ConfigLoadValue, type ExtensionRegistry } from '@switchyard/core'
import { ConfigSourceError } from '../errors.js'
import { withDeadline } from '../runtime/with-deadline.js'

/** The config after every contribution, or the first contribution that failed. */
export type ConfigLoadResult =
  | { ok: true; config: Record<string, unknown> }
  | { ok: false; error: ConfigSourceError }

/** Where a chain runs: the file (for messages) and how long each contribution may take. */
export interface ConfigLoadOptions {
  file?: string | undefined
  timeoutMs: number
}

/**
 * Runs the `config.load` filter chain over one plugin's raw config, lowest priority first, before its schema
 * checks it. A contribution that throws, takes longer than `timeoutMs` or returns something other than
 * `{ plugin, config }` with `config` an object (or undefined) stops the chain with a `ConfigSourceError` naming
 * it and the plugin. A plugin's own contributions are skipped: a running version never configures the next one.
 *
 * @example
 * ```ts
 * const result = await runConfigLoad(bus.extensions, 'orders', { region: 'eu' }, { timeoutMs: 10_000 })
 * if (result.ok) console.log(result.config)
 * ```
 */
export async function runConfigLoad(
  extensions: ExtensionRegistry,
  plugin: string,
  raw: Record<string, unknown>,
  options: ConfigLoadOptions,
): Promise<ConfigLoadResult> {
  const contributions = extensions
    .contributions(builtinExtensionPoints.configLoad)
    .filter(({ owner }) => owner !== plugin)
  if (contributions.length === 0) return { ok: true, config: raw }
  // A copy: a contribution that edits its value in place must not change (or put a secret into) the loaded file.
  let config = copyData(raw)
  for (const { fn, owner } of contributions) {
    const fail = (problem: string, cause?: unknown): ConfigLoadResult => ({
      ok: false,
      error: new ConfigSourceError({ plugin, source: owner, file: options.file }, problem, { cause }),
    })
    const timeout = new Error(`it did not finish within ${options.timeoutMs}ms`)
    let next: unknown
    try {
      const value: ConfigLoadValue = { plugin, config }
      next = await withDeadline(
        Promise.resolve().then(() => fn(value)),
        options.timeoutMs,
        () => timeout,
      )
    } catch (error) {
      if (error === timeout) return fail(timeout.message)
      return fail(`it threw: ${error instanceof Error ? error.message : String(error)}`, error)
    }
    if (next === undefined) continue
    const returned = isObject(next) ? next.config : undefined
    if (!isObject(returned))
      return fail(`expected { plugin, config } with config an object, or undefined, got ${describe(next)}`)
    config = returned
  }
  return { ok: true, config }
}

// Copies the objects and arrays of config data; anything else (a function given in code) is shared as it is.
function copyData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyData) as T
  if (typeof value !== 'object' || value === null) return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copyData(item)])) as T
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Names only the kind of a wrong value: it may hold a secret, and the message lands in logs and status.
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  if (isObject(value)) return `an object whose config is ${describe(value.config)}`
  return `a ${typeof value}`
}
