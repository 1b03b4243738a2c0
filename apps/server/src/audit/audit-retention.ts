import type { Logger, Store } from '@switchyard/core'

const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS

/**
 * Deletes audit records older than `audit.retention_days`: once at start, then hourly on an unref'd timer. The
 * period follows configuration reloads (`update`).
 *
 * @example
 * ```ts
 * const retention = new AuditRetention(store, config.audit.retention_days, logger)
 * retention.update(next.audit.retention_days) // on reload
 * retention.stop()
 * ```
 */
export class AuditRetention {
  readonly #store: Pick<Store, 'purgeAuditRecords'>
  readonly #logger: Logger
  readonly #timer: NodeJS.Timeout
  #days: number

  constructor(store: Pick<Store, 'purgeAuditRecords'>, days: number, logger: Logger) {
    this.#store = store
    this.#days = days
    this.#logger = logger
    this.#timer = setInterval(() => void this.purge(), HOUR_MS).unref()
    void this.purge()
  }

  /** Uses another retention period from the next run on. */
  update(days: number): void {
    this.#days = days
  }

  /** One run: resolves to how many records were deleted (0 when the store failed, which is logged). */
  async purge(): Promise<number> {
    try {
      return await this.#store.purgeAuditRecords(new Date(Date.now() - this.#days * DAY_MS))
    } catch (error) {
      this.#logger.warn({ err: error }, 'audit retention run failed')
      return 0
    }
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}
