import { ExtensionPointError } from '../errors.js'
import type { Logger } from '../logger.js'
import { noopLogger } from '../noop-logger.js'
import {
  builtinExtensionPoints,
  type ExtensionFn,
  type ExtensionKind,
  type ExtensionPoint,
} from './extension-point.js'
import { serviceExtensionPoints } from './service-extension-points.js'

interface Contribution {
  fn: ExtensionFn<unknown, unknown>
  priority: number
  owner: string | undefined
}

interface PointState {
  point: ExtensionPoint
  /** Sorted by priority, lowest first; ties keep contribution order. */
  contributions: Contribution[]
}

/** One contribution's result from `runCollect`. */
export type CollectResult<Out> =
  | { owner: string | undefined; ok: true; value: Out }
  | { owner: string | undefined; ok: false; error: Error }

/** What `ExtensionRegistry.list` shows of a point. */
export interface ExtensionPointInfo {
  name: string
  kind: ExtensionKind
  description?: string
  contributions: { owner?: string; priority: number }[]
}

type PointRef<In, Out> = string | ExtensionPoint<In, Out>

const DEFAULT_PRIORITY = 100

/**
 * Extension points and their contributions, ordered by priority (lowest number first). Starts with the built-in
 * points: `event.before_publish`, `event.after_dispatch`, `http.middleware`, `health.check`, `metrics.collect`,
 * `config.load`, and the service, middleware and auth points of `serviceExtensionPoints`.
 *
 * @example
 * ```ts
 * const registry = new ExtensionRegistry()
 * const remove = registry.contribute('event.before_publish', (event) => event, { priority: 10, owner: 'audit' })
 * registry.removeOwner('audit')
 * ```
 */
export class ExtensionRegistry {
  #points = new Map<string, PointState>()
  #logger: Logger
  #revision = 0

  constructor(options: { logger?: Logger } = {}) {
    this.#logger = options.logger ?? noopLogger
    for (const point of Object.values(builtinExtensionPoints)) this.define(point)
    for (const point of Object.values(serviceExtensionPoints)) this.define(point as ExtensionPoint)
  }

  /** Defines a point; defining the same name again with the same kind returns the existing point. */
  define<In, Out>(definition: ExtensionPoint<In, Out>): ExtensionPoint<In, Out> {
    const existing = this.#points.get(definition.name)
    if (existing !== undefined) {
      if (existing.point.kind !== definition.kind) {
        throw new ExtensionPointError(
          `extension point "${definition.name}" is already defined as a ${existing.point.kind}, not a ${definition.kind}`,
        )
      }
      return existing.point as ExtensionPoint<In, Out>
    }
    const point = Object.freeze({ ...definition })
    this.#points.set(point.name, { point, contributions: [] })
    return point
  }

  /** Adds a contribution; the returned function removes it. Throws `ExtensionPointError` for an unknown point. */
  contribute<In, Out>(
    point: PointRef<In, Out>,
    fn: ExtensionFn<In, Out>,
    options: { priority?: number; owner?: string } = {},
  ): () => void {
    const state = this.#state(point)
    const contribution: Contribution = {
      fn: fn as ExtensionFn<unknown, unknown>,
      priority: options.priority ?? DEFAULT_PRIORITY,
      owner: options.owner,
    }
    const at = state.contributions.findIndex((c) => c.priority > contribution.priority)
    state.contributions.splice(at === -1 ? state.contributions.length : at, 0, contribution)
    this.#revision++
    return () => {
      const index = state.contributions.indexOf(contribution)
      if (index !== -1) state.contributions.splice(index, 1)
      this.#revision++
    }
  }

  /** Removes every contribution of `owner` (a plugin being stopped); resolves to how many were removed. */
  removeOwner(owner: string): number {
    let removed = 0
    for (const state of this.#points.values()) {
      const kept = state.contributions.filter((c) => c.owner !== owner)
      removed += state.contributions.length - kept.length
      state.contributions = kept
    }
    this.#revision++
    return removed
  }

  /** Changes whenever a contribution is added or removed, so hot paths can cache `has` answers. */
  get revision(): number {
    return this.#revision
  }

  /** Whether anyone contributed to the point: lets hot paths skip it for free. */
  has(point: string | { readonly name: string }): boolean {
    const name = typeof point === 'string' ? point : point.name
    return (this.#points.get(name)?.contributions.length ?? 0) > 0
  }

  /** Passes `value` through each contribution of a filter point in order; undefined results keep the value. */
  runFilter<T>(point: PointRef<T, T | undefined>, value: T): Promise<T> {
    try {
      return Promise.resolve(this.filterNow(point, value))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * `runFilter` that answers at once while the contributions do: the filtered value itself when none of them
   * returns a promise or thenable (a contribution's throw is thrown), else a promise of it from the first pending
   * result on. Publish runs `event.before_publish` (the event catalog contributes to it) for every event: most
   * filters answer at once, and an async run would cost promises and ticks for nothing.
   *
   * @example
   * ```ts
   * const result = registry.filterNow('event.before_publish', event)
   * const accepted = result instanceof Promise ? await result : result
   * ```
   */
  filterNow<T>(point: PointRef<T, T | undefined>, value: T): T | Promise<T> {
    // A snapshot: a contribution added or removed while the chain runs does not change it.
    const contributions = this.#state(point, 'filter').contributions.slice()
    let current = value
    for (let i = 0; i < contributions.length; i++) {
      const result = contributions[i]!.fn(current) as T | PromiseLike<T | undefined> | undefined
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function')
        return filterFrom(contributions, i + 1, current, result as PromiseLike<T | undefined>)
      if (result !== undefined) current = result as T
    }
    return current
  }

  /** Runs every contribution of an action point; a failing one is logged and does not stop the others. */
  runAction<T>(point: PointRef<T, unknown>, value: T): Promise<void> {
    let state: PointState
    try {
      state = this.#state(point, 'action')
    } catch (error) {
      return Promise.reject(error)
    }
    // Not an async function: `event.after_dispatch` runs twice per shipped request, and with AsyncLocalStorage's
    // promise hooks on (the host's plugin scopes) each promise an async function and its await add costs.
    return this.#settle(state, value).then((results) => {
      for (const result of results) {
        if (!result.ok) {
          this.#logger.error(
            { err: result.error, point: state.point.name, owner: result.owner },
            'extension failed',
          )
        }
      }
    })
  }

  /** Runs every contribution of a collect point concurrently; resolves to each one's result in priority order. */
  runCollect<In, Out>(point: PointRef<In, Out>, value: In): Promise<CollectResult<Out>[]> {
    return this.#settle(this.#state(point, 'collect'), value) as Promise<CollectResult<Out>[]>
  }

  /** The contributions of one point in priority order, for points of opaque values such as `http.middleware`. */
  contributions<In, Out>(
    point: PointRef<In, Out>,
  ): { fn: ExtensionFn<In, Out>; priority: number; owner?: string }[] {
    return this.#state(point).contributions.map(({ fn, priority, owner }) => ({
      fn: fn as ExtensionFn<In, Out>,
      priority,
      ...(owner === undefined ? {} : { owner }),
    }))
  }

  /** Every point with its contributions' owners and priorities. */
  list(): ExtensionPointInfo[] {
    return [...this.#points.values()].map(({ point, contributions }) => ({
      name: point.name,
      kind: point.kind,
      ...(point.description === undefined ? {} : { description: point.description }),
      contributions: contributions.map(({ owner, priority }) =>
        owner === undefined ? { priority } : { owner, priority },
      ),
    }))
  }

  #state(point: string | { readonly name: string }, kind?: ExtensionKind): PointState {
    const name = typeof point === 'string' ? point : point.name
    const state = this.#points.get(name)
    if (state === undefined) throw new ExtensionPointError(`extension point "${name}" is not defined`)
    if (kind !== undefined && state.point.kind !== kind) {
      throw new ExtensionPointError(
        `extension point "${name}" is a ${state.point.kind} point, not a ${kind} point`,
      )
    }
    return state
  }

  #settle(state: PointState, value: unknown): Promise<CollectResult<unknown>[]> {
    // A snapshot: contributions removed while these run must not shift the owners of the results.
    const contributions = state.contributions.slice()
    const only = contributions.length === 1 ? contributions[0] : undefined
    if (only !== undefined) {
      // One contribution (audit-log's after_dispatch): one `then`, not allSettled's promise and one per element.
      const { owner } = only
      return Promise.resolve(callSettling(only.fn, value)).then(
        (result) => [{ owner, ok: true, value: result }],
        (reason: unknown) => [{ owner, ok: false, error: toError(reason) }],
      )
    }
    // Promise.allSettled takes each result as it is (a value or a promise): no async wrapper per contribution.
    return Promise.allSettled(contributions.map(({ fn }) => callSettling(fn, value))).then((settled) =>
      settled.map((result, i) => {
        const owner = contributions[i]?.owner
        return result.status === 'fulfilled'
          ? { owner, ok: true, value: result.value }
          : { owner, ok: false, error: toError(result.reason) }
      }),
    )
  }
}

/** The rest of `filterNow`'s chain once a contribution's result is pending: awaits it, then runs on from `from`. */
async function filterFrom<T>(
  contributions: readonly Contribution[],
  from: number,
  current: T,
  pending: PromiseLike<T | undefined>,
): Promise<T> {
  const first = await pending
  // Only undefined keeps the value, as in `filterNow`'s synchronous part.
  let value = first !== undefined ? first : current
  for (let i = from; i < contributions.length; i++) {
    const result = contributions[i]!.fn(value) as T | PromiseLike<T | undefined> | undefined
    // Awaited only when it is a promise: while AsyncLocalStorage's promise hooks run (the host's plugin scopes)
    // every await makes a promise of its own.
    const pendingNext = typeof (result as PromiseLike<unknown> | undefined)?.then === 'function'
    const next = (pendingNext ? await result : result) as T | undefined
    if (next !== undefined) value = next
  }
  return value
}

/** `fn(value)`, with a synchronous throw turned into a rejection, as an async wrapper would. */
function callSettling(fn: ExtensionFn<unknown, unknown>, value: unknown): unknown {
  try {
    return fn(value)
  } catch (error) {
    return Promise.reject(error)
  }
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason))
}
