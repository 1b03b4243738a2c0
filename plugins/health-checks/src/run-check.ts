import type { CheckConfig, CheckType } from './config.js'
import { probeHttp } from './probe-http.js'
import { probeNats } from './probe-nats.js'
import { probePostgres } from './probe-postgres.js'
import { type ProbeDetails, probeTcp } from './probe-tcp.js'

/** The last result of one check. */
export interface CheckResult {
  name: string
  type: CheckType
  status: 'ok' | 'error'
  critical: boolean
  /** RFC 3339 time the probe finished. */
  checkedAt: string
  durationMs: number
  /** Why it failed. */
  error?: string
  details?: ProbeDetails
}

const PROBES: Record<CheckType, (url: URL, timeoutMs: number, check: CheckConfig) => Promise<ProbeDetails>> =
  {
    http: (url, timeoutMs, check) => probeHttp(url, timeoutMs, check.expect_status),
    tcp: probeTcp,
    nats: probeNats,
    postgres: probePostgres,
  }

/**
 * Runs one check's probe once and turns its success or failure into a `CheckResult`; never throws.
 *
 * @example
 * ```ts
 * const result = await runCheck({ name: 'db', type: 'postgres', url: 'postgres://postgres@127.0.0.1/postgres',
 *   interval_ms: 30_000, timeout_ms: 2000, critical: true })
 * ```
 */
export async function runCheck(check: CheckConfig): Promise<CheckResult> {
  const started = performance.now()
  const base = { name: check.name, type: check.type, critical: check.critical }
  try {
    const details = await PROBES[check.type](new URL(check.url), check.timeout_ms, check)
    return { ...base, status: 'ok', details, ...finished(started) }
  } catch (error) {
    return {
      ...base,
      status: 'error',
      error: error instanceof Error ? error.message : String(error),
      ...finished(started),
    }
  }
}

function finished(started: number) {
  return { checkedAt: new Date().toISOString(), durationMs: Math.round(performance.now() - started) }
}
