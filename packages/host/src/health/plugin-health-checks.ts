import { type HealthResult, roundDuration } from '@switchyard/core'
import type { HealthCheck, HealthCheckOptions } from '@switchyard/plugin-sdk'
import { HealthCheckOptionsError } from '../errors.js'
import { withDeadline } from '../runtime/with-deadline.js'
import { type HealthSample, type ScheduledCheckReport, toCheckReport, worstOf } from './health-sample.js'

/** How many results of each check are kept for `/plugins/{name}/health` (and the admin UI). */
export const HEALTH_HISTORY_SIZE = 20
const DEFAULT_TIMEOUT_MS = 5000
const MIN_INTERVAL_MS = 100

interface Entry {
  check: HealthCheck
  intervalMs: number | undefined
  timeoutMs: number
  history: HealthSample[]
  running: Promise<HealthSample> | undefined
  timer: NodeJS.Timeout | undefined
}

/**
 * The health checks of one running plugin. A check given `intervalMs` runs in the background (first at once, then
 * on its interval, never two runs at a time) and is answered from its last result; the others run on each
 * request. Every run ends within `timeoutMs`: a check still going then reads as `error`. The last
 * `HEALTH_HISTORY_SIZE` results of each check are kept.
 *
 * @example
 * ```ts
 * const checks = new PluginHealthChecks('db-health', (work) => pluginScope.run(scope, work))
 * checks.add(async () => ({ status: 'ok' }), { intervalMs: 30_000, timeoutMs: 2000 })
 * const { result, checks: reports } = await checks.report()
 * checks.stop()
 * ```
 */
export class PluginHealthChecks {
  readonly #plugin: string
  readonly #inScope: <T>(work: () => T) => T
  #entries: Entry[] = []

  /** `inScope` runs the plugin's code in its fault scope. */
  constructor(plugin: string, inScope: <T>(work: () => T) => T) {
    this.#plugin = plugin
    this.#inScope = inScope
  }

  /** Adds a check; throws `HealthCheckOptionsError` (E_HEALTH_OPTIONS) for a bad interval or timeout. */
  add(check: HealthCheck, options: HealthCheckOptions = {}): void {
    const intervalMs = this.#checked('intervalMs', options.intervalMs, MIN_INTERVAL_MS)
    const timeoutMs = this.#checked('timeoutMs', options.timeoutMs, 1) ?? DEFAULT_TIMEOUT_MS
    const entry: Entry = { check, intervalMs, timeoutMs, history: [], running: undefined, timer: undefined }
    this.#entries.push(entry)
    if (intervalMs === undefined) return
    void this.#run(entry)
    entry.timer = setInterval(() => {
      if (entry.running === undefined) void this.#run(entry)
    }, intervalMs)
    entry.timer.unref()
  }

  /**
   * The worst result (`ok` with no checks; with several, each in `details.checks`) and each check's report: its
   * last result, when it ran, its age and its history. Background checks answer from their last run (waiting
   * for the first one); the others run now.
   */
  async report(): Promise<{ result: HealthResult; checks: ScheduledCheckReport[] }> {
    const now = Date.now()
    const samples = await Promise.all(
      this.#entries.map(async (entry) =>
        entry.intervalMs === undefined
          ? this.#run(entry)
          : (entry.history.at(-1) ?? (await (entry.running ?? this.#run(entry)))),
      ),
    )
    const checks = this.#entries.map((entry, i) => toCheckReport(samples[i]!, entry, now))
    return { result: worstOf(samples), checks }
  }

  /** Stops the background runs (the plugin stops). */
  stop(): void {
    for (const entry of this.#entries) clearInterval(entry.timer)
    this.#entries = []
  }

  #run(entry: Entry): Promise<HealthSample> {
    const started = Date.now()
    const run = withDeadline(
      Promise.resolve().then(() => this.#inScope(entry.check)),
      entry.timeoutMs,
      () => new Error(`health check did not answer within ${entry.timeoutMs} ms`),
    )
      .catch(
        (error: unknown): HealthResult => ({
          status: 'error',
          message: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((result) => {
        const sample: HealthSample = {
          ...result,
          checkedAt: new Date().toISOString(),
          durationMs: roundDuration(Date.now() - started),
        }
        entry.history.push(sample)
        if (entry.history.length > HEALTH_HISTORY_SIZE) entry.history.shift()
        entry.running = undefined
        return sample
      })
    entry.running = run
    return run
  }

  #checked(option: keyof HealthCheckOptions, value: number | undefined, min: number): number | undefined {
    if (value === undefined) return undefined
    if (!Number.isInteger(value) || value < min) {
      throw new HealthCheckOptionsError(
        this.#plugin,
        `${option}: expected an integer >= ${min}, got ${value}`,
      )
    }
    return value
  }
}
