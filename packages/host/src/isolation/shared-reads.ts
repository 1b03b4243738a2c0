import type { CallStep } from './sandbox-protocol.js'

// The calls that only read the plugin's own data, and so may share one answer.
const READS = new Set(['store.get', 'store.list'])

/**
 * Lets the same read, asked for several times before the batch carrying it has left the sandbox, cross once:
 * deliveries of one batch that each read the same key (webhooks reads its subscriptions' revision per event) then
 * cost one request and one answer between them. This keeps the answer a read of its own would get: every caller
 * asked before the request was sent, and the host reads only once it arrives, so each sees the store as of some
 * moment after it asked. Any other call (a write, a publish) ends the sharing, so a read asked after it crosses
 * after it and sees it. Each caller but the first gets a copy of the answer, free to change it.
 *
 * @example
 * ```ts
 * const reads = new SharedReads()
 * const a = reads.ask(['store', 'get', { args: ['revision'] }], send)
 * const b = reads.ask(['store', 'get', { args: ['revision'] }], send) // no second request
 * reads.sent() // the batch left: later reads cross again
 * ```
 */
export class SharedReads {
  #asked = new Map<string, Promise<unknown>>()

  /** Sends `steps` through `send`, unless the same read is waiting to leave in this batch: then shares its answer. */
  ask(steps: CallStep[], send: (steps: CallStep[]) => Promise<unknown>): Promise<unknown> {
    const key = readKey(steps)
    if (key === undefined) {
      this.#asked.clear()
      return send(steps)
    }
    const asked = this.#asked.get(key)
    if (asked !== undefined) return asked.then(structuredClone)
    const answer = send(steps)
    this.#asked.set(key, answer)
    // The first caller gets the answer one step later than the copies are taken, so a change it makes to the
    // object as soon as it has it cannot reach the others' copies.
    return answer.then((value) => value)
  }

  /** The batch holding the reads asked so far has left: a read asked from now on is sent again. */
  sent(): void {
    this.#asked.clear()
  }
}

function readKey(steps: CallStep[]): string | undefined {
  if (steps.length !== 3 || typeof steps[0] !== 'string' || typeof steps[1] !== 'string') return undefined
  if (!READS.has(`${steps[0]}.${steps[1]}`)) return undefined
  try {
    return JSON.stringify(steps)
  } catch {
    return undefined
  }
}
