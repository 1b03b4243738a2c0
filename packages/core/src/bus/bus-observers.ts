import type { DeliveryOutcome } from '../delivery/delivery.js'
import type { Event } from '../event/event.js'
import type { DeadLetter } from '../store/store.js'

/**
 * Callbacks told what the bus does, for metrics and live streams. All optional; they run synchronously on the
 * dispatch path, so they must be quick and must not throw (a throw is logged and ignored).
 *
 * @example
 * ```ts
 * const stop = bus.observe({ outcome: (event, outcome) => counter.inc({ handler: outcome.handler, status: outcome.status }) })
 * ```
 */
export interface BusObserver {
  published?(event: Event): void
  outcome?(event: Event, outcome: DeliveryOutcome): void
  deadLettered?(deadLetter: DeadLetter): void
}

/**
 * The observers of one bus. `active` is false when there are none, so the dispatch path skips them for free.
 *
 * @example
 * ```ts
 * const observers = new BusObservers((error) => logger.error({ err: error }, 'observer failed'))
 * const remove = observers.add({ published: (event) => console.log(event.type) })
 * ```
 */
export class BusObservers {
  #list: BusObserver[] = []
  #onError: (error: unknown) => void
  active = false

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError
  }

  add(observer: BusObserver): () => void {
    this.#list = [...this.#list, observer]
    this.active = true
    return () => {
      this.#list = this.#list.filter((o) => o !== observer)
      this.active = this.#list.length > 0
    }
  }

  published(event: Event): void {
    for (const observer of this.#list) this.#call(observer, observer.published, event, undefined)
  }

  outcome(event: Event, outcome: DeliveryOutcome): void {
    for (const observer of this.#list) this.#call(observer, observer.outcome, event, outcome)
  }

  deadLettered(deadLetter: DeadLetter): void {
    for (const observer of this.#list) this.#call(observer, observer.deadLettered, deadLetter, undefined)
  }

  // The method and its arguments rather than a closure: the server's observers are told of every event.
  #call<A, B>(
    observer: BusObserver,
    method: ((first: A, second: B) => void) | undefined,
    first: A,
    second: B,
  ): void {
    try {
      method?.call(observer, first, second)
    } catch (error) {
      this.#onError(error)
    }
  }
}
