import type { SseMessage } from './api-client.js'
import type { Colors } from './colors.js'
import { errorText } from './error-text.js'

const STATUS_COLOR: Record<string, keyof Colors> = {
  succeeded: 'green',
  skipped_duplicate: 'dim',
  unrouted: 'dim',
  failed: 'red',
  timed_out: 'red',
  dead_lettered: 'red',
}

const DATA_WIDTH = 80

/**
 * The one line `switchyard events tail` prints for a stream message: an event (time, type, id, its data cut to
 * 80 characters) or a delivery outcome (handler, status, attempts, duration, error), colored by `c`.
 *
 * @example
 * ```ts
 * tailLine({ event: 'delivery', data: '{"eventId":"01…","handler":"audit_log","status":"succeeded","attempts":1,"durationMs":0.4}' }, c)
 * // '  -> audit_log succeeded (1 attempt, 0.4 ms) 01…'
 * ```
 */
export function tailLine(message: SseMessage, c: Colors): string {
  const body = JSON.parse(message.data) as Record<string, unknown>
  if (message.event === 'delivery') {
    const status = String(body.status)
    const color = c[STATUS_COLOR[status] ?? 'yellow'] as (text: string) => string
    const attempts = Number(body.attempts)
    const error = errorText(body.error)
    return `  -> ${c.bold(String(body.handler))} ${color(status)} (${attempts} attempt${attempts === 1 ? '' : 's'}, ${Number(body.durationMs).toFixed(1)} ms) ${c.dim(String(body.eventId))}${error ? ` ${c.red(error)}` : ''}`
  }
  const data = JSON.stringify(body.data ?? null)
  const shown = data.length > DATA_WIDTH ? `${data.slice(0, DATA_WIDTH - 1)}…` : data
  return `${c.dim(String(body.time))} ${c.cyan(String(body.type))} ${c.dim(String(body.id))} ${shown}`
}
