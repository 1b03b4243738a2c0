import type { DeliveryPolicy, Handler } from '../delivery/delivery.js'
import {
  type DeliveryPolicyOverrides,
  defaultDeliveryPolicy,
  resolvePolicy,
} from '../delivery/delivery-policy.js'
import { HandlerEntry } from '../delivery/handler-entry.js'
import type { HandlerSlot } from '../delivery/handler-slot.js'
import type { HandlerSlots } from '../delivery/handler-slots.js'
import { ConfigError, DuplicateHandlerError, InvalidHandlerNameError } from '../errors.js'
import type { Event } from '../event/event.js'
import { batchHandler, type FlowControls } from '../flow/flow-controls.js'
import { sameBurstOptions } from '../flow/flow-gate.js'
import type { FlowOptions } from '../flow/flow-options.js'
import { mergeFlow } from '../flow/resolve-flow.js'
import { compilePattern } from '../pattern/pattern.js'
import type { DispatchPlanner } from '../routing/dispatch-plan.js'
import type { ConsumerManager } from '../transport/consumer-manager.js'
import type { HandlerHold, SubscribeOptions, Subscription } from './bus-types.js'
import { SharedPolicies } from './shared-policies.js'

const HANDLER_NAME = /^[a-z][a-z0-9_]*$/
/** The flow options of the many subscriptions that set none, shared. */
const NO_FLOW: FlowOptions = Object.freeze({})

/**
 * The bus's subscriptions over time: subscribe, unsubscribe, holds (a name held across an unsubscribe stays
 * routed with its old pattern until release) and re-resolving every policy over new delivery defaults. Keeps
 * the handler slots, the dispatch plan and the transport consumers in step.
 *
 * @example
 * ```ts
 * const subscription = lifecycle.subscribe('order.*', handler, { name: 'audit_log' })
 * const hold = lifecycle.hold(['audit_log'])
 * ```
 */
export class SubscriptionLifecycle {
  #defaults: DeliveryPolicy
  #slots: HandlerSlots
  #planner: DispatchPlanner
  #consumers: ConsumerManager
  #flow: FlowControls
  #policies = new SharedPolicies()

  constructor(
    defaults: DeliveryPolicy,
    slots: HandlerSlots,
    planner: DispatchPlanner,
    consumers: ConsumerManager,
    flow: FlowControls,
  ) {
    this.#defaults = defaults
    this.#slots = slots
    this.#planner = planner
    this.#consumers = consumers
    this.#flow = flow
  }

  /** See `EventBus.subscribe`; throws synchronously on a bad name, pattern or policy, or a taken name. */
  subscribe(pattern: string, handler: Handler, options: SubscribeOptions): Subscription {
    const { name, filter, owner, throttle, rateLimit, debounce, batch, concurrency, priority, ...rest } =
      options
    if (typeof name !== 'string' || !HANDLER_NAME.test(name)) throw new InvalidHandlerNameError(String(name))
    compilePattern(pattern)
    const own: FlowOptions =
      throttle === undefined &&
      rateLimit === undefined &&
      debounce === undefined &&
      batch === undefined &&
      concurrency === undefined &&
      priority === undefined
        ? NO_FLOW
        : { throttle, rateLimit, debounce, batch, concurrency, priority }
    const flowOptions = this.#flow.merged(name, own)
    const where = `subscription ${name}`
    const { overrides, policy } = this.#policies.resolve(
      this.#defaults,
      withConcurrency(rest, flowOptions.concurrency),
      where,
    )
    const flow = this.#flow.resolve(flowOptions, where)
    if (this.#slots.get(name)?.entry !== undefined) throw new DuplicateHandlerError(name)
    const slot = this.#slots.claim(name)
    this.#unretire(slot)
    const entry = new HandlerEntry({
      slot,
      name,
      pattern,
      owner,
      handler: flow?.batch === undefined ? handler : batchHandler(handler),
      overrides,
      policy,
      filter: filter as ((event: Event) => boolean) | undefined,
      flowOptions: own,
    })
    if (flow !== undefined) entry.flow = this.#flow.gate(entry, flow)
    slot.entry = entry
    this.#planner.add(entry)
    if (!slot.held) this.#consumers.reconcile(slot)
    return {
      name,
      pattern,
      ...(owner === undefined ? {} : { owner }),
      unsubscribe: () => this.#unsubscribe(entry),
    }
  }

  /** See `EventBus.setDefaults`. */
  setDefaults(defaults: DeliveryPolicyOverrides): void {
    const base = resolvePolicy(defaultDeliveryPolicy, defaults, 'delivery defaults')
    this.#slots.rebase(
      (entry) => this.#policies.resolve(base, entry.overrides, `subscription ${entry.name}`).policy,
      (slot) => this.#consumers.reconcile(slot),
    )
    this.#defaults = base
  }

  /**
   * See `EventBus.setFlowOverrides`: checks the overrides and what they make of every live subscription first
   * (nothing changes when one is refused), then retunes each running handler.
   */
  setFlowOverrides(overrides: Readonly<Record<string, FlowOptions>>): void {
    this.#flow.check(overrides)
    const retunes = [...this.#slots.values()].flatMap(({ entry }) =>
      entry === undefined ? [] : [this.#retune(entry, overrides[entry.name])],
    )
    this.#flow.setOverrides(overrides)
    for (const retune of retunes) retune()
  }

  /**
   * What `override` makes of a running subscription, checked: the function that applies it. Limits (rate
   * limit, throttle, concurrency, priority) change in place; a change to debounce or batch throws `ConfigError`,
   * as bursts and batches being gathered hold deliveries under the old settings.
   */
  #retune(entry: HandlerEntry, override: FlowOptions | undefined): () => void {
    const where = `handlers.${entry.name}`
    const merged = mergeFlow(entry.flowOptions, override)
    const { concurrency: _old, ...rest } = entry.overrides
    const { overrides, policy } = this.#policies.resolve(
      this.#defaults,
      withConcurrency(rest, merged.concurrency),
      where,
    )
    const flow = this.#flow.resolve(merged, where)
    if (!sameBurstOptions(entry.flow?.options, flow)) {
      const plugin = entry.owner === undefined ? 'its subscriber' : `plugin ${entry.owner}`
      throw new ConfigError(
        `${where}: debounce and batch cannot change on a running handler; reload ${plugin} to apply them`,
      )
    }
    return () => {
      entry.overrides = overrides
      entry.setPolicy(policy)
      if (entry.flow !== undefined) entry.flow.retune(flow ?? {})
      else if (flow !== undefined) entry.flow = this.#flow.gate(entry, flow)
      if (!entry.slot.held) this.#consumers.reconcile(entry.slot)
    }
  }

  /** See `EventBus.hold`. */
  hold(names: readonly string[]): HandlerHold {
    return this.#slots.hold(names, (slot) => {
      this.#unretire(slot)
      this.#consumers.reconcile(slot)
    })
  }

  async #unsubscribe(entry: HandlerEntry): Promise<void> {
    const { slot } = entry
    if (slot.entry === entry) {
      slot.entry = undefined
      if (slot.held) {
        // The name stays routed (old pattern) until release: events of the gap wait for the next subscription.
        slot.retired = entry
      } else {
        this.#planner.remove(entry)
        this.#slots.delete(slot.name)
        await this.#consumers.stop(slot)
      }
    }
    await entry.idle()
  }

  /** Takes a retired subscription out of the dispatch plan (replaced, or its hold ended). */
  #unretire(slot: HandlerSlot<HandlerEntry>): void {
    if (slot.retired === undefined) return
    this.#planner.remove(slot.retired)
    slot.retired = undefined
  }
}

/** A subscription's policy overrides with a number `concurrency` from its flow options (keyed is flow control). */
function withConcurrency(
  rest: DeliveryPolicyOverrides,
  concurrency: FlowOptions['concurrency'],
): DeliveryPolicyOverrides {
  return typeof concurrency === 'number' ? { ...rest, concurrency } : rest
}
