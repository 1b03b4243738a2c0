import { RequestValidationError } from '../errors.js'

const DURATION = /^(\d+)(s|m|h|d)$/
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/**
 * A moment of a replay window as RFC 3339: the text itself when it is RFC 3339, or that long before `nowMs` for
 * a duration (`90s`, `30m`, `24h`, `7d`). Throws `RequestValidationError` (400) naming `field` otherwise.
 *
 * @example
 * ```ts
 * replayMoment('24h', Date.now(), 'body.since') // a day ago
 * ```
 */
export function replayMoment(text: string, nowMs: number, field: string): string {
  const duration = DURATION.exec(text)
  if (duration !== null) {
    const [, amount, unit] = duration as unknown as [string, string, keyof typeof UNIT_MS]
    return new Date(nowMs - Number(amount) * UNIT_MS[unit]).toISOString()
  }
  const ms = Date.parse(text)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms))
    throw new RequestValidationError(
      `${field}: expected an RFC 3339 date-time (2026-12-06T00:00:00Z) or a duration back from now (90s, 30m, 24h, 7d), got ${JSON.stringify(text)}`,
    )
  return new Date(ms).toISOString()
}
