import type { NoteMessage, SandboxMessage } from './sandbox-protocol.js'

type Carrier = Extract<SandboxMessage, { t: 'result' | 'done' | 'call' }>

/**
 * A sandbox's batch with its log lines and metric updates carried (`notes`) in the batch's first answer or
 * forwarded call instead of as messages of their own: a delivery that logs, counts and publishes crosses as one
 * message, not three. The host acts on the notes where that message stands, before it, in the order they were
 * made; it acts on every message of a batch before any work they start runs (that waits for a microtask), so
 * moving a note to another place in its batch changes nothing the host does. A batch with nothing to carry them,
 * or without notes, is returned as it is. The messages given are not changed: a batch that cannot be cloned is
 * retried message by message, and a note that cannot be cloned must then fail alone, not the message it rode in.
 *
 * @example
 * ```ts
 * carryNotes([log, metric, call]) // [{ ...call, notes: [log, metric] }]
 * ```
 */
export function carryNotes(batch: SandboxMessage[]): SandboxMessage[] {
  let carrier: Carrier | undefined
  let notes = 0
  for (const message of batch) {
    if (message.t === 'log' || message.t === 'metric') notes++
    else if (
      carrier === undefined &&
      (message.t === 'result' || message.t === 'done' || message.t === 'call')
    )
      carrier = message
  }
  if (carrier === undefined || notes === 0) return batch
  const carried: NoteMessage[] = []
  const rest: SandboxMessage[] = []
  for (const message of batch) {
    if (message.t === 'log' || message.t === 'metric') carried.push(message)
    else rest.push(message === carrier ? { ...carrier, notes: carried } : message)
  }
  return rest
}
