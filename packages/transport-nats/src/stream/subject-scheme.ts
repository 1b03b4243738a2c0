import { type Event, patternToSubject } from '@switchyard/core'

/**
 * Where events live in the stream and which subjects each handler's consumers filter on.
 *
 * - `<prefix>.<type>`: events without an `orderingKey`, consumed by one consumer per handler.
 * - `<prefix>_keyed.<partition>.<type>`: events with an `orderingKey`; the partition is a hash of the key, and
 *   each (handler, partition) consumer has one message in flight at a time cluster-wide, which keeps per-key
 *   order across nodes.
 *
 * The two roots are siblings so that a `**` handler (`<prefix>.>`) never sees keyed subjects twice.
 */
export class SubjectScheme {
  readonly prefix: string
  readonly partitions: number
  readonly #keyedRoot: string

  constructor(prefix: string, partitions: number) {
    this.prefix = prefix
    this.partitions = partitions
    this.#keyedRoot = `${prefix}_keyed`
  }

  /** The stream's subjects. */
  streamSubjects(): string[] {
    return [`${this.prefix}.>`, `${this.#keyedRoot}.>`]
  }

  /** The subject an event is published to. */
  subjectOf(event: Event): string {
    const key = event.metadata.orderingKey
    if (key === undefined) return `${this.prefix}.${event.type}`
    return `${this.#keyedRoot}.${partitionOf(key, this.partitions)}.${event.type}`
  }

  /** The filter subject of a handler's unordered consumer. */
  filter(pattern: string): string {
    return patternToSubject(pattern, this.prefix)
  }

  /** The filter subject of a handler's consumer for one ordering partition. */
  keyedFilter(pattern: string, partition: number): string {
    return patternToSubject(pattern, `${this.#keyedRoot}.${partition}`)
  }
}

/** FNV-1a over the key's UTF-16 code units: stable across nodes and processes, cheap, well spread. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % partitions
}
