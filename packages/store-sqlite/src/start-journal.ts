import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import type { AttemptStart } from '@switchyard/core'
import { jsonString } from './json-string.js'

/** Past this many bytes the journal is rewritten with only the starts that still count. */
const COMPACT_AT_BYTES = 1 << 20

/** One journal line: `+` a start, `-` a record that sets the delivery's count back to 0; then `[eventId, handler]`. */
function line(kind: '+' | '-', eventId: string, handler: string): string {
  return `${kind}[${jsonString(eventId)},${jsonString(handler)}]\n`
}

/** The starts of one delivery, chained to those of the event's other handlers. */
interface Started {
  eventId: string
  handler: string
  count: number
  next: Started | undefined
}

/**
 * The attempt starts of a `SqliteStore` (see `Store.recordAttemptStarts`), kept in memory and appended to a
 * file beside the database (`<path>-starts`) instead of being written to the ledger. A start only has to outlive
 * the process, and one `write` to a file does that as well as a transaction of its own did, for a fraction of
 * its cost (the bus records a start before every transport delivery: `pnpm bench -- sqlite` spent about a fifth
 * of its CPU on those transactions, which also ended the turn's shared read transaction each time).
 *
 * A start counts until a record of its delivery is committed (`recorded`); a record that leaves the delivery
 * open (`retrying`, `scheduled`, ...) is also appended (`reset`), so that reading the file back after a crash
 * counts only the starts no record followed. Rows that are final by then no longer count: the journal is read
 * back (`open`) and rewritten (`compact`, also whenever it grows past 1 MiB) with only the starts of deliveries
 * still open. The `interrupted` column of the ledger keeps the counts of files written before this journal.
 *
 * @example
 * ```ts
 * const journal = new StartJournal(`${path}-starts`, (eventId, handler) => ledger.isOpen(eventId, handler))
 * journal.add([{ eventId, handler: 'audit_log' }])
 * journal.count(eventId, 'audit_log') // 1
 * ```
 */
export class StartJournal {
  readonly #path: string | undefined
  readonly #isOpen: (eventId: string, handler: string) => boolean
  /**
   * Starts with no committed record since, by event id (a chain per event, one link per handler): the id is
   * the event's own string, whose hash V8 keeps, where a key made of id and handler would be a new string to
   * hash at every start and record.
   */
  #started = new Map<string, Started>()
  #fd: number | undefined
  #bytes = 0

  /** `path` undefined: in memory only (a `:memory:` database, which no crash leaves behind). */
  constructor(path: string | undefined, isOpen: (eventId: string, handler: string) => boolean) {
    this.#path = path
    this.#isOpen = isOpen
  }

  /** Reads back what a previous process left (the starts of its deliveries still open), then compacts. */
  open(): void {
    if (this.#path === undefined) return
    if (existsSync(this.#path)) this.#readBack(readFileSync(this.#path, 'utf8'))
    this.compact()
  }

  /** Counts a start of each delivery; on disk once this returns. */
  add(starts: readonly AttemptStart[]): void {
    let text = ''
    for (const { eventId, handler } of starts) {
      const first = this.#started.get(eventId)
      const counted = find(first, handler)
      if (counted === undefined) this.#started.set(eventId, { eventId, handler, count: 1, next: first })
      else counted.count++
      if (this.#fd !== undefined) text += line('+', eventId, handler)
    }
    this.#append(text)
    if (this.#bytes > COMPACT_AT_BYTES) this.compact()
  }

  /**
   * Appends that these open deliveries got a record, which sets their count back to 0: call it in the
   * transaction that writes the records (`recorded` follows once it committed).
   */
  reset(deliveries: readonly { eventId: string; handler: string }[]): void {
    if (this.#fd === undefined) return
    let text = ''
    for (const { eventId, handler } of deliveries)
      if (find(this.#started.get(eventId), handler) !== undefined) text += line('-', eventId, handler)
    this.#append(text)
  }

  /** The records of these deliveries were committed: their starts no longer count. */
  recorded(deliveries: readonly { eventId: string; handler: string }[]): void {
    if (this.#started.size === 0) return
    for (const { eventId, handler } of deliveries) this.#forget(eventId, handler)
  }

  /** Starts of the delivery with no committed record since. */
  count(eventId: string, handler: string): number {
    return find(this.#started.get(eventId), handler)?.count ?? 0
  }

  /**
   * Forgets the starts of deliveries no longer open and rewrites the file with the others (a new file renamed
   * over the old one: a crash leaves one or the other whole).
   */
  compact(): void {
    for (const started of [...this.#started.values()])
      for (let link: Started | undefined = started; link !== undefined; link = link.next)
        if (!this.#isOpen(link.eventId, link.handler)) this.#forget(link.eventId, link.handler)
    if (this.#path === undefined) return
    let text = ''
    for (const started of this.#started.values())
      for (let link: Started | undefined = started; link !== undefined; link = link.next)
        for (let i = 0; i < link.count; i++) text += line('+', link.eventId, link.handler)
    this.#closeFd()
    const next = `${this.#path}.next`
    const fd = openSync(next, 'w')
    try {
      writeSync(fd, text)
    } finally {
      closeSync(fd)
    }
    renameSync(next, this.#path)
    this.#fd = openSync(this.#path, 'a')
    this.#bytes = Buffer.byteLength(text)
  }

  /** Closes the file; removes it when no start counts any more. */
  close(): void {
    this.#closeFd()
    if (this.#path !== undefined && this.#started.size === 0 && existsSync(this.#path)) unlinkSync(this.#path)
  }

  #append(text: string): void {
    if (text === '' || this.#fd === undefined) return
    this.#bytes += writeSync(this.#fd, text)
  }

  /** Unlinks the delivery's starts from its event's chain (and the event, once its chain is empty). */
  #forget(eventId: string, handler: string): void {
    const first = this.#started.get(eventId)
    if (first === undefined) return
    if (first.handler === handler) {
      if (first.next === undefined) this.#started.delete(eventId)
      else this.#started.set(eventId, first.next)
      return
    }
    for (let link = first; link.next !== undefined; link = link.next)
      if (link.next.handler === handler) {
        link.next = link.next.next
        return
      }
  }

  #closeFd(): void {
    if (this.#fd === undefined) return
    closeSync(this.#fd)
    this.#fd = undefined
  }

  /** Replays the lines in order; a line cut off by a crash (the last one) is skipped. */
  #readBack(text: string): void {
    for (const entry of text.split('\n')) {
      let delivery: unknown
      try {
        delivery = JSON.parse(entry.slice(1))
      } catch {
        continue
      }
      if (!Array.isArray(delivery) || typeof delivery[0] !== 'string' || typeof delivery[1] !== 'string')
        continue
      const [eventId, handler] = delivery as [string, string]
      if (entry[0] === '+') this.add([{ eventId, handler }])
      else if (entry[0] === '-') this.#forget(eventId, handler)
    }
  }
}

/** The link of `handler` in an event's chain. */
function find(first: Started | undefined, handler: string): Started | undefined {
  let link = first
  while (link !== undefined && link.handler !== handler) link = link.next
  return link
}
