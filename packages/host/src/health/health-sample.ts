import type { HealthResult } from '@switchyard/core'

/** One run of a health check: its result, when it finished (RFC 3339) and how long it took. */
export type HealthSample = HealthResult & { checkedAt: string; durationMs: number }

/** One check as `/plugins/{name}/health` shows it: its last result, that result's age and the check's history. */
export type ScheduledCheckReport = HealthSample & {
  /** Milliseconds since `checkedAt`. */
  ageMs: number
  /** Set for a check that runs in the background. */
  intervalMs?: number
  timeoutMs: number
  /** Oldest first, the last one being this result. */
  history: HealthSample[]
}

const RANK: Record<HealthResult['status'], number> = { ok: 0, degraded: 1, error: 2 }

/**
 * A check's report at `now`.
 *
 * @example
 * ```ts
 * toCheckReport(sample, { intervalMs: 30_000, timeoutMs: 2000, history: [sample] }, Date.now())
 * ```
 */
export function toCheckReport(
  sample: HealthSample,
  entry: { intervalMs: number | undefined; timeoutMs: number; history: HealthSample[] },
  now: number,
): ScheduledCheckReport {
  return {
    ...sample,
    ageMs: Math.max(0, now - Date.parse(sample.checkedAt)),
    ...(entry.intervalMs === undefined ? {} : { intervalMs: entry.intervalMs }),
    timeoutMs: entry.timeoutMs,
    history: [...entry.history],
  }
}

/**
 * The worst of several results: `ok` for none, the result itself for one, else the worst status with every result
 * in `details.checks`.
 *
 * @example
 * ```ts
 * worstOf([{ status: 'ok' }, { status: 'degraded' }]).status // 'degraded'
 * ```
 */
export function worstOf(results: readonly HealthResult[]): HealthResult {
  if (results.length === 0) return { status: 'ok' }
  const plain = results.map(({ status, message, details }) => ({
    status,
    ...(message === undefined ? {} : { message }),
    ...(details === undefined ? {} : { details }),
  }))
  const worst = plain.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a))
  return plain.length === 1 ? worst : { status: worst.status, details: { checks: plain } }
}
