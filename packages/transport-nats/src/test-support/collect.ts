import type { ConsumerOptions, TransportMessage } from '@switchyard/core'

/** Consumer options for tests: short ack wait so redelivery tests finish quickly. */
export function consumerOptions(
  handler: string,
  pattern: string,
  overrides: Partial<ConsumerOptions> = {},
): ConsumerOptions {
  return { handler, pattern, concurrency: 4, ackWaitMs: 2000, maxDeliveries: 5, ...overrides }
}

/** Resolves once `predicate` holds, polling every 20 ms; rejects after `timeoutMs` with `what`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** What a consumer callback saw, with the time each message arrived. */
export interface Seen {
  id: string
  type: string
  attempt: number
  at: number
}

/** A consumer callback that acks everything and records it. */
export function acking(seen: Seen[]): (message: TransportMessage) => Promise<void> {
  return async (message) => {
    seen.push({ id: message.event.id, type: message.event.type, attempt: message.attempt, at: Date.now() })
    await message.ack()
  }
}
