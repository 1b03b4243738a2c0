import type { CheckConfig } from './config.js'
import { type CheckResult, runCheck } from './run-check.js'

/**
 * `ok` when every check passed, `degraded` when only non-critical ones failed, `error` when a critical one did
 * (the statuses of a `health.check` result).
 */
export interface HealthSummary {
  status: 'ok' | 'degraded' | 'error'
  checks: CheckResult[]
}

/**
 * Runs each check on its own interval, one probe per check at a time, and keeps the latest result of each.
 *
 * @example
 * ```ts
 * const scheduler = new CheckScheduler(config.checks)
 * await scheduler.start()          // first round done
 * scheduler.summary().status       // 'ok' | 'degraded' | 'error'
 * await scheduler.stop()
 * ```
 */
export class CheckScheduler {
  readonly #checks: readonly CheckConfig[]
  readonly #results = new Map<string, CheckResult>()
  readonly #timers = new Map<string, NodeJS.Timeout>()
  readonly #running = new Set<Promise<void>>()
  #stopped = false

  constructor(checks: readonly CheckConfig[]) {
    this.#checks = checks
  }

  /** Runs every check once, waits for that first round, then keeps running each on its interval. */
  async start(): Promise<void> {
    this.#stopped = false
    await Promise.all(this.#checks.map((check) => this.#run(check)))
  }

  /** Runs every check now, outside its schedule, and resolves with the fresh summary. */
  async runNow(): Promise<HealthSummary> {
    await Promise.all(this.#checks.map((check) => this.#run(check)))
    return this.summary()
  }

  summary(): HealthSummary {
    const checks = this.#checks.flatMap((check) => this.#results.get(check.name) ?? [])
    const failed = checks.filter((result) => result.status === 'error')
    const status = failed.some((r) => r.critical) ? 'error' : failed.length > 0 ? 'degraded' : 'ok'
    return { status, checks }
  }

  /** Cancels the schedules and waits for probes in flight (each is bounded by its timeout). */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    await Promise.all(this.#running)
  }

  async #run(check: CheckConfig): Promise<void> {
    clearTimeout(this.#timers.get(check.name))
    const running = runCheck(check).then((result) => {
      this.#results.set(check.name, result)
    })
    this.#running.add(running)
    await running
    this.#running.delete(running)
    if (this.#stopped) return
    // The next probe is scheduled after this one finished, so a slow dependency never gets overlapping probes.
    clearTimeout(this.#timers.get(check.name))
    const timer = setTimeout(() => void this.#run(check), check.interval_ms)
    timer.unref()
    this.#timers.set(check.name, timer)
  }
}
