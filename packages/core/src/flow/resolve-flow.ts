import { ConfigError } from '../errors.js'
import type { Event } from '../event/event.js'
import { readPath } from '../routing/read-path.js'
import type { FlowOptions } from './flow-options.js'

/** A key path compiled once: `read(event)` is the string the event is grouped by ('' when the path is missing). */
export interface FlowKey {
  readonly path: string
  read(event: Event): string
}

/** Checked flow options with compiled keys; only the options that are on. */
export interface ResolvedFlow {
  readonly throttle?: { limit: number; periodMs: number; key?: FlowKey }
  readonly rateLimit?: { limit: number; periodMs: number; key?: FlowKey }
  readonly debounce?: { periodMs: number; maxWaitMs: number; key?: FlowKey }
  readonly batch?: { maxSize: number; maxWaitMs: number; key?: FlowKey }
  readonly keyedConcurrency?: { limit: number; key: FlowKey }
  readonly priority?: { key: FlowKey; values: Readonly<Record<string, number>> }
}

const NAMES = ['throttle', 'rateLimit', 'debounce', 'batch', 'concurrency', 'priority'] as const

/**
 * Lays `override` (config `handlers.<name>`) over a subscription's flow options, option by option: an option
 * the override names (`null` included, which turns it off) replaces the subscription's.
 *
 * @example
 * ```ts
 * mergeFlow({ throttle: { limit: 5, periodMs: 1000 } }, { throttle: null }) // { throttle: null }
 * ```
 */
export function mergeFlow(options: FlowOptions, override: FlowOptions | undefined): FlowOptions {
  if (override === undefined) return options
  const merged: Record<string, unknown> = {}
  for (const name of NAMES) {
    const value = override[name] !== undefined ? override[name] : options[name]
    if (value !== undefined) merged[name] = value
  }
  return merged as FlowOptions
}

/**
 * Checks a subscription's flow options and compiles their keys; undefined when none is on (the handler then
 * pays nothing for flow control). A number `concurrency` is not flow control (it is the delivery policy's).
 * Throws `ConfigError` naming the option (`where` is its prefix, such as `subscription audit_log`).
 *
 * @example
 * ```ts
 * const flow = resolveFlow({ rateLimit: { limit: 10, periodMs: 1000, key: 'data.user' } }, 'subscription notify')
 * ```
 */
export function resolveFlow(options: FlowOptions, where: string): ResolvedFlow | undefined {
  const check = new Checker(where)
  const flow: {
    -readonly [K in keyof ResolvedFlow]: ResolvedFlow[K]
  } = {}
  const { throttle, rateLimit, debounce, batch, concurrency, priority } = options
  if (throttle != null) flow.throttle = check.window(throttle, 'throttle')
  if (rateLimit != null) flow.rateLimit = check.window(rateLimit, 'rateLimit')
  if (debounce != null) {
    check.object(debounce, 'debounce')
    const periodMs = check.positive(debounce.periodMs, 'debounce.periodMs')
    const maxWaitMs =
      debounce.maxWaitMs === undefined
        ? Number.POSITIVE_INFINITY
        : check.positive(debounce.maxWaitMs, 'debounce.maxWaitMs')
    if (maxWaitMs < periodMs) check.fail('debounce.maxWaitMs', `a number >= debounce.periodMs (${periodMs})`)
    flow.debounce = { periodMs, maxWaitMs, ...check.optionalKey(debounce.key, 'debounce.key') }
  }
  if (batch != null) {
    check.object(batch, 'batch')
    if (flow.debounce !== undefined)
      check.fail('batch', 'no batch on a handler that debounces (set one of batch and debounce)')
    flow.batch = {
      maxSize: check.positive(batch.maxSize, 'batch.maxSize'),
      maxWaitMs: check.positive(batch.maxWaitMs, 'batch.maxWaitMs'),
      ...check.optionalKey(batch.key, 'batch.key'),
    }
  }
  if (concurrency != null && typeof concurrency === 'object') {
    flow.keyedConcurrency = {
      limit: check.positive(concurrency.limit, 'concurrency.limit'),
      key: check.key(concurrency.key, 'concurrency.key'),
    }
  }
  if (priority != null) {
    check.object(priority, 'priority')
    const values = priority.values
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      check.fail('priority.values', 'a map from key value to a number, such as { gold: 10 }')
    for (const [value, rank] of Object.entries(values))
      if (typeof rank !== 'number' || !Number.isFinite(rank))
        check.fail(`priority.values.${value}`, `a finite number, got ${JSON.stringify(rank)}`)
    flow.priority = { key: check.key(priority.key, 'priority.key'), values: { ...values } }
  }
  return Object.keys(flow).length === 0 ? undefined : flow
}

/** Builds the checks of one subscription's options, each failure a `ConfigError` naming the option. */
class Checker {
  readonly #where: string

  constructor(where: string) {
    this.#where = where
  }

  fail(option: string, rule: string): never {
    throw new ConfigError(`${this.#where}: ${option}: expected ${rule}`)
  }

  object(value: unknown, option: string): void {
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(option, 'an object (or null for off)')
  }

  /** A `{ limit, periodMs, key? }` option (throttle, rateLimit). */
  window(
    value: { limit: unknown; periodMs: unknown; key?: unknown },
    option: string,
  ): { limit: number; periodMs: number; key?: FlowKey } {
    this.object(value, option)
    return {
      limit: this.positive(value.limit, `${option}.limit`),
      periodMs: this.positive(value.periodMs, `${option}.periodMs`),
      ...this.optionalKey(value.key, `${option}.key`),
    }
  }

  positive(value: unknown, option: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      this.fail(option, `a positive integer, got ${JSON.stringify(value)}`)
    return value
  }

  key(value: unknown, option: string): FlowKey {
    if (typeof value !== 'string' || value === '' || value.split('.').some((segment) => segment === ''))
      this.fail(option, `a dot path into the event such as "data.customerId", got ${JSON.stringify(value)}`)
    return compileKey(value)
  }

  optionalKey(value: unknown, option: string): { key?: FlowKey } {
    return value === undefined ? {} : { key: this.key(value, option) }
  }
}

function compileKey(path: string): FlowKey {
  const segments = path.split('.')
  return {
    path,
    read(event) {
      const value = readPath(event, segments)
      if (value === undefined || value === null) return ''
      return typeof value === 'object' ? JSON.stringify(value) : String(value)
    },
  }
}
