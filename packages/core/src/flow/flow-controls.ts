import type { AttemptContext } from '../delivery/attempt-context.js'
import type { Handler, HandlerContext } from '../delivery/delivery.js'
import type { Event } from '../event/event.js'
import { FlowGate } from './flow-gate.js'
import type { FlowOptions } from './flow-options.js'
import type { FlowState } from './flow-state.js'
import type { GatedHandler } from './gated-handler.js'
import { mergeFlow, type ResolvedFlow, resolveFlow } from './resolve-flow.js'

/**
 * Flow control for the subscriptions of one bus: the config overrides per handler name (`handlers`), the
 * `FlowState` the gates share and the gates themselves, made only for handlers that have flow options.
 *
 * @example
 * ```ts
 * const controls = new FlowControls(new MemoryFlowState(), shutdown.signal)
 * const flow = controls.resolve('charge_card', { throttle: { limit: 10, periodMs: 1000 } })
 * ```
 */
export class FlowControls {
  readonly #state: FlowState
  readonly #shutdown: AbortSignal
  #overrides: ReadonlyMap<string, FlowOptions> = new Map()

  constructor(state: FlowState, shutdown: AbortSignal) {
    this.#state = state
    this.#shutdown = shutdown
  }

  /** The subscription's options with the config override of `name` laid over them. */
  merged(name: string, options: FlowOptions): FlowOptions {
    return mergeFlow(options, this.#overrides.get(name))
  }

  /** Checks and compiles merged options (`ConfigError` naming `where`); undefined when no flow option is on. */
  resolve(options: FlowOptions, where: string): ResolvedFlow | undefined {
    return resolveFlow(options, where)
  }

  /** The gate of a subscription with flow options. */
  gate(entry: GatedHandler, flow: ResolvedFlow): FlowGate {
    return new FlowGate(entry, flow, this.#state, this.#shutdown)
  }

  /** Checks that each override resolves by itself; a `ConfigError` names the handler. */
  check(overrides: Readonly<Record<string, FlowOptions>>): void {
    for (const [name, options] of Object.entries(overrides)) resolveFlow(options, `handlers.${name}`)
  }

  /**
   * Replaces the config overrides after checking them (`check`; the old ones stay when it throws). They apply
   * to subscriptions made from now on; `SubscriptionLifecycle.setFlowOverrides` retunes the running ones.
   */
  setOverrides(overrides: Readonly<Record<string, FlowOptions>>): void {
    this.check(overrides)
    this.#overrides = new Map(Object.entries(overrides))
  }
}

/**
 * The handler a batching subscription runs: it receives the events of its batch (one event alone, as an array
 * of one, when a dead letter is replayed).
 */
export function batchHandler(handler: Handler<never>): Handler {
  const batched = handler as unknown as (events: readonly Event[], ctx: HandlerContext) => unknown
  return (event, ctx) => batched((ctx as AttemptContext).batch?.events ?? [event], ctx)
}
