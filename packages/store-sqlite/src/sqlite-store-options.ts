import type { Logger } from '@switchyard/core'
import * as v from 'valibot'
import { StoreOptionsError } from './errors.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** What retention prunes, and how often; every limit applies only to events whose deliveries are all final. */
export interface RetentionOptions {
  /** Finished events (and their ledger) accepted longer ago than this are deleted. Default 7 days. */
  maxAgeMs?: number
  /** At most this many events are kept; the oldest finished ones go first. Default: no limit. */
  maxEvents?: number
  /**
   * Idempotency marks of published events older than this are deleted (a duplicate after that runs again).
   * Default 7 days. An enqueued event's record is its succeeded ledger row, kept as long as the event (`maxAgeMs`,
   * `maxEvents`).
   */
  idempotencyMaxAgeMs?: number
  /** Rows deleted per table per run, so that one run never holds the writer for long. Default 500. */
  batchSize?: number
  /** How often retention runs, in ms. 0 turns the timer off (call `store.prune()` yourself). Default 1000. */
  intervalMs?: number
}

/**
 * Options of `SqliteStore`.
 *
 * @example
 * ```ts
 * const options: SqliteStoreOptions = { path: 'data/switchyard.db', retention: { maxAgeMs: 3_600_000 } }
 * ```
 */
export interface SqliteStoreOptions {
  /** Database file; its directory is created when missing. `:memory:` for a throwaway store. */
  path: string
  /**
   * `full` (default) syncs the WAL after every commit before its writes resolve (on the thread pool, not the
   * event loop): an accepted event survives a power loss. `normal` syncs at checkpoints only: it survives a
   * process crash, not an OS crash, and resolves writes at once.
   */
  synchronous?: 'full' | 'normal'
  /** How long a commit waits for more writes to join it. 0 (default) commits on the next event-loop turn. */
  commitDelayMs?: number
  /** How long to wait for another connection's lock on the same file. Default 5000. */
  busyTimeoutMs?: number
  retention?: RetentionOptions
  /** Where retention failures are reported. */
  logger?: Logger
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0))
const positiveCount = v.pipe(v.number(), v.integer(), v.minValue(1))
/** A duration or a limit: Infinity means none. */
const limit = v.pipe(v.number(), v.minValue(0))

const OptionsSchema = v.object({
  path: v.pipe(v.string(), v.minLength(1)),
  synchronous: v.optional(v.picklist(['full', 'normal']), 'full'),
  commitDelayMs: v.optional(count, 0),
  busyTimeoutMs: v.optional(count, 5000),
  retention: v.optional(
    v.object({
      maxAgeMs: v.optional(limit, 7 * DAY_MS),
      maxEvents: v.optional(limit, Number.POSITIVE_INFINITY),
      idempotencyMaxAgeMs: v.optional(limit, 7 * DAY_MS),
      batchSize: v.optional(positiveCount, 500),
      intervalMs: v.optional(count, 1000),
    }),
    {},
  ),
})

/** Options with every default filled in. */
export type ResolvedSqliteStoreOptions = v.InferOutput<typeof OptionsSchema> & { logger?: Logger }

/**
 * Validates options and fills in defaults; throws `StoreOptionsError` naming each bad option by path.
 *
 * @example
 * ```ts
 * resolveSqliteStoreOptions({ path: 'data/switchyard.db' }).retention.batchSize // 500
 * ```
 */
export function resolveSqliteStoreOptions(options: SqliteStoreOptions): ResolvedSqliteStoreOptions {
  const result = v.safeParse(OptionsSchema, options)
  if (!result.success) {
    throw new StoreOptionsError(
      result.issues.map(
        (issue) => `${v.getDotPath(issue) ?? 'options'}: expected ${issue.expected}, got ${issue.received}`,
      ),
    )
  }
  return options.logger ? { ...result.output, logger: options.logger } : result.output
}
