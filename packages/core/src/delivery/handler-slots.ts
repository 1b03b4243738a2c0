import type { HandlerHold, SubscriptionInfo } from '../bus/bus-types.js'
import type { DeliveryPolicy } from './delivery.js'
import type { HandlerEntry } from './handler-entry.js'
import { HandlerSlot } from './handler-slot.js'

/**
 * The handler names of one bus, each with its `HandlerSlot`: lookup, holds (plugin reload), and the views that
 * drain and status need.
 *
 * @example
 * ```ts
 * const slots = new HandlerSlots()
 * const slot = slots.claim('audit_log')
 * const hold = slots.hold(['audit_log'], (slot) => consumers.reconcile(slot))
 * ```
 */
export class HandlerSlots extends Map<string, HandlerSlot<HandlerEntry>> {
  /** The slot of `name`, made when there is none. */
  claim(name: string): HandlerSlot<HandlerEntry> {
    let slot = this.get(name)
    if (slot === undefined) {
      slot = new HandlerSlot<HandlerEntry>(name)
      this.set(name, slot)
    }
    return slot
  }

  /**
   * Holds the named slots; `release` ends the hold, forgets slots left without a subscription and calls
   * `released` for each slot no longer held.
   */
  hold(names: readonly string[], released: (slot: HandlerSlot<HandlerEntry>) => void): HandlerHold {
    const slots = names.map((name) => {
      const slot = this.claim(name)
      slot.hold()
      return slot
    })
    let done = false
    return {
      settled: Promise.all(slots.map((slot) => slot.entry?.idle())).then(() => undefined),
      release: () => {
        if (done) return
        done = true
        for (const slot of slots) {
          slot.release()
          if (slot.held) continue
          if (slot.entry === undefined) this.delete(slot.name)
          released(slot)
        }
      },
    }
  }

  /**
   * Re-resolves every subscription's policy with `policyOf` (over new defaults; all resolved before any is
   * changed, so one that throws `ConfigError` changes nothing); `changed` is called for each slot not held.
   */
  rebase(
    policyOf: (entry: HandlerEntry) => DeliveryPolicy,
    changed: (slot: HandlerSlot<HandlerEntry>) => void,
  ): void {
    const updates: [HandlerSlot<HandlerEntry>, HandlerEntry, DeliveryPolicy][] = []
    for (const slot of this.values()) {
      const { entry } = slot
      if (entry !== undefined) updates.push([slot, entry, policyOf(entry)])
    }
    for (const [slot, entry, policy] of updates) {
      entry.setPolicy(policy)
      if (!slot.held) changed(slot)
    }
  }

  /** One promise per handler with deliveries in flight, settling when it has none. */
  busy(): Promise<void>[] {
    return [...this.values()].flatMap((slot) => (slot.entry?.inFlight ? [slot.entry.idle()] : []))
  }

  subscriptions(): SubscriptionInfo[] {
    return [...this.values()].flatMap(({ entry }) =>
      entry === undefined
        ? []
        : [
            {
              name: entry.name,
              pattern: entry.pattern,
              ...(entry.owner === undefined ? {} : { owner: entry.owner }),
              policy: entry.policy,
              inFlight: entry.inFlight,
              ...(entry.flow === undefined ? {} : { queued: entry.flow.queued }),
            },
          ],
    )
  }
}
