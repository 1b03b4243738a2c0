import type { EventBus, Subscription } from '@switchyard/core'
import { PluginLoadError } from '@switchyard/plugin-sdk'

/**
 * Keeps the handler names of a plugin being swapped reachable by `publish` for the whole swap.
 *
 * The bus's `hold` makes deliveries to those names wait, but a publish only plans deliveries to the names
 * subscribed at that moment: between the old version's unsubscribe and the new version's subscribe, an event
 * would miss the handler. A stand-in subscription (same name, pattern and owner) fills each such gap; it never
 * runs, because its name stays held while it exists and deliveries waiting on the hold go to whichever handler
 * is subscribed at release. `bus` is the bus to give the incoming version: its `subscribe` takes the place of a
 * stand-in in one synchronous step, and an unsubscribe before `close` puts the stand-in back (a version that
 * fails in setup after subscribing).
 *
 * @example
 * ```ts
 * const handover = new HandlerHandover(bus, names) // names held with bus.hold(names)
 * const stopping = oldRuntime.stop(timeoutMs)
 * handover.cover()
 * await stopping
 * await new PluginRuntime(descriptor, config, { ...services, bus: handover.bus }).start(timeoutMs)
 * handover.close()
 * hold.release()
 * ```
 */
export class HandlerHandover {
  /** The bus for the incoming version; once closed it behaves as the plain bus. */
  readonly bus: EventBus
  #target: EventBus
  #held: Map<string, { pattern: string; owner?: string }>
  #standIns = new Map<string, Subscription>()
  #open = true

  constructor(bus: EventBus, names: readonly string[]) {
    this.#target = bus
    const wanted = new Set(names)
    this.#held = new Map(
      bus
        .subscriptions()
        .filter((info) => wanted.has(info.name))
        .map(({ name, pattern, owner }) => [name, owner === undefined ? { pattern } : { pattern, owner }]),
    )
    this.bus = this.#proxy()
  }

  /** Subscribes a stand-in under every held name that has no subscription now. */
  cover(): void {
    if (!this.#open) return
    const subscribed = new Set(this.#target.subscriptions().map((info) => info.name))
    for (const [name, { pattern, owner }] of this.#held) {
      if (subscribed.has(name)) continue
      const options = owner === undefined ? { name } : { name, owner }
      this.#standIns.set(name, this.#target.subscribe(pattern, standInFor(name), options))
    }
  }

  /** Removes the stand-ins left (names the new version no longer subscribes); call before releasing the hold. */
  close(): void {
    this.#open = false
    for (const name of [...this.#standIns.keys()]) this.#uncover(name)
  }

  #uncover(name: string): void {
    const standIn = this.#standIns.get(name)
    this.#standIns.delete(name)
    // Its synchronous part already freed the name; nothing of it is in flight to wait for.
    void standIn?.unsubscribe()
  }

  #proxy(): EventBus {
    const target = this.#target
    const subscribe: EventBus['subscribe'] = (pattern, handler, options) => {
      this.#uncover(options.name)
      let subscription: Subscription
      try {
        subscription = target.subscribe(pattern, handler, options)
      } catch (error) {
        this.cover()
        throw error
      }
      return {
        ...subscription,
        unsubscribe: () => {
          const done = subscription.unsubscribe()
          this.cover()
          return done
        },
      }
    }
    // Methods are bound to the bus itself: its private fields are not reachable through the proxy.
    const bound = new Map<PropertyKey, unknown>([['subscribe', subscribe]])
    return new Proxy(target, {
      get(bus, key) {
        if (bound.has(key)) return bound.get(key)
        const value: unknown = Reflect.get(bus, key, bus)
        if (typeof value !== 'function') return value
        const method = value.bind(bus)
        bound.set(key, method)
        return method
      },
    })
  }
}

function standInFor(name: string): () => never {
  return () => {
    throw new PluginLoadError(`handler "${name}" ran while its plugin was being replaced`)
  }
}
