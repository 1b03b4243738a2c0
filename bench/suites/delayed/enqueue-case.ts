import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEvent, type DeliverAtOptions, type Event, EventBus, type Store } from '@switchyard/core'
import { SqliteStore } from '@switchyard/store-sqlite'
import type { BenchCase } from '../../lib/measure.js'

/** Which store the bus keeps its events (and delayed events) in. */
export type StoreKind = 'memory' | 'sqlite'

/**
 * The real `EventBus` with one async no-op handler; one operation is `bus.enqueue(event, delay)` and waiting
 * until the handler ran for that event, so a delayed event's whole way (kept in the store, found due, handed to
 * the transport) is in the operation.
 *
 * @example
 * ```ts
 * const row = delayedEnqueueCase('delayMs: 1', 'memory', { delayMs: 1 })
 * ```
 */
export function delayedEnqueueCase(
  name: string,
  store: StoreKind,
  delay: DeliverAtOptions | undefined,
): BenchCase {
  return {
    name,
    async setup() {
      const dir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'switchyard-bench-delayed-')) : undefined
      const bus = new EventBus(
        dir === undefined ? {} : { store: new SqliteStore({ path: join(dir, 'bench.db') }) as Store },
      )
      let calls = 0
      const waiting = new Map<string, () => void>()
      bus.subscribe(
        'order.placed',
        async (event) => {
          calls += 1
          waiting.get(event.id)?.()
        },
        { name: 'handler', idempotent: false },
      )
      await bus.resume()
      // The bus's scheduler timer does not keep a process alive (a server does): the benchmark has to.
      const alive = setInterval(() => {}, 1000)
      let events: Event[] = []
      return {
        prepare(count) {
          events = Array.from({ length: count }, (_, n) => createEvent('order.placed', { n }))
        },
        async run(i) {
          const event = events[i]!
          const handled = new Promise<void>((resolve) => waiting.set(event.id, resolve))
          await bus.enqueue(event, delay)
          await handled
          waiting.delete(event.id)
        },
        calls: () => calls,
        callsPerOp: 1,
        async teardown() {
          clearInterval(alive)
          await bus.close()
          if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  }
}
