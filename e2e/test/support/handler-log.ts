import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** One call of a recorder handler, as the fixture plugin wrote it. */
export interface Handled {
  key: string
  eventId: string
  attempt: number
  node: string
  pid: number
}

/**
 * Reads every line the fixture recorder wrote for `handler` (all nodes and processes) from `dir`.
 *
 * @example
 * ```ts
 * const handled = await readHandled(logDir, 'e2e_once')
 * ```
 */
export async function readHandled(dir: string, handler: string): Promise<Handled[]> {
  const files = (await readdir(dir)).filter((name) => name.startsWith(`${handler}.`) && name.endsWith('.log'))
  const texts = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')))
  return texts.flatMap((text) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [key, eventId, attempt, node, pid] = line.split(' ')
        return { key: key!, eventId: eventId!, attempt: Number(attempt), node: node!, pid: Number(pid) }
      }),
  )
}

/**
 * Groups calls by a property: e.g. by key, to find keys handled more than once.
 *
 * @example
 * ```ts
 * const byKey = groupBy(handled, (h) => h.key)
 * ```
 */
export function groupBy<K>(handled: readonly Handled[], keyOf: (h: Handled) => K): Map<K, Handled[]> {
  const groups = new Map<K, Handled[]>()
  for (const entry of handled) {
    const key = keyOf(entry)
    const group = groups.get(key)
    if (group) group.push(entry)
    else groups.set(key, [entry])
  }
  return groups
}

/**
 * The members of `wanted` that `have` lacks: the accepted events or keys no handler call covers.
 *
 * @example
 * ```ts
 * expect(missing(publisher.acceptedIds(), handled.map((h) => h.eventId))).toEqual([])
 * ```
 */
export function missing(wanted: Iterable<string>, have: Iterable<string>): string[] {
  const seen = new Set(have)
  return [...wanted].filter((item) => !seen.has(item))
}

/** Which calls a handler must have made: one per item of `wanted`, matched on the event id or the key. */
export interface HandledExpectation {
  handler: string
  by: 'eventId' | 'key'
  wanted: readonly string[]
}

/**
 * Polls the logs until every expectation is met. Rejects, naming what is still missing, when no handler wrote
 * a line for `stallMs` (the servers have stopped making progress: those events are lost) or after `timeoutMs`.
 *
 * @example
 * ```ts
 * await waitForHandled(logDir, [{ handler: 'e2e_once', by: 'key', wanted: keys }], { stallMs: 15_000 })
 * ```
 */
export async function waitForHandled(
  dir: string,
  expectations: readonly HandledExpectation[],
  options: { stallMs: number; timeoutMs?: number },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000)
  let lines = -1
  let progressAt = Date.now()
  for (;;) {
    const logs = await Promise.all(expectations.map(({ handler }) => readHandled(dir, handler)))
    const left = expectations.map(({ handler, by, wanted }, i) => ({
      handler,
      missing: missing(
        wanted,
        logs[i]!.map((h) => h[by]),
      ),
    }))
    if (left.every(({ missing }) => missing.length === 0)) return
    const now = Date.now()
    const total = logs.reduce((sum, log) => sum + log.length, 0)
    if (total !== lines) [lines, progressAt] = [total, now]
    const stalled = now - progressAt > options.stallMs
    if (stalled || now > deadline) {
      const detail = left.map(
        (l) => `${l.handler}: ${l.missing.length} (${l.missing.slice(0, 3).join(', ')})`,
      )
      const why = stalled ? `nothing handled for ${options.stallMs} ms` : 'timed out'
      throw new Error(`${why}; accepted but never handled: ${detail.join('; ')}`)
    }
    await sleep(250)
  }
}
