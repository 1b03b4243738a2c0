import type { AttemptTrace } from '../delivery/attempt-trace.js'

/**
 * The traces of a ledger row after a record brought `added`: one per attempt number (a later one replaces an
 * earlier one of the same attempt, as a redelivery after a crash repeats its number), in attempt order. For
 * Store implementations.
 *
 * @example
 * ```ts
 * mergeTraces([{ attempt: 1, traceId, spanId: 'a' }], [{ attempt: 2, traceId, spanId: 'b' }]).length // 2
 * ```
 */
export function mergeTraces(
  existing: readonly AttemptTrace[] | undefined,
  added: readonly AttemptTrace[] | undefined,
): AttemptTrace[] | undefined {
  if (added === undefined || added.length === 0) return existing === undefined ? undefined : [...existing]
  const byAttempt = new Map((existing ?? []).map((trace) => [trace.attempt, trace]))
  for (const trace of added) byAttempt.set(trace.attempt, trace)
  return [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt)
}
