import type { Logger } from '../logger.js'
import type { LeaderLease } from './leader-lease.js'
import { Wakeup } from './wakeup.js'

/** What a `LeaderLoop` runs and how. */
export interface LeaderLoopOptions {
  lease: LeaderLease
  logger: Logger
  /** What the loop does, for the log line of a failed round (e.g. `delayed events`). */
  name: string
  /** How often a node that does not lead checks whether it should. */
  followerPollMs: number
  /**
   * One round of the work, run while this node holds the lease; resolves to when the next round is due (epoch
   * ms). `leadingSinceMs` is when this node last began to lead: work done by another node before may need
   * reading again.
   */
  work(leadingSinceMs: number): Promise<number>
}

/**
 * A loop doing cluster-wide work on the node holding a lease: a round when due (or woken), a lease check every
 * `followerPollMs` otherwise. A round that throws is logged and the loop goes on. Delayed events and cron
 * schedules run on it.
 *
 * @example
 * ```ts
 * const loop = new LeaderLoop({ lease, logger, name: 'cron', followerPollMs: 1000, work: async () => nextTickMs() })
 * loop.start()
 * await loop.stop()
 * ```
 */
export class LeaderLoop {
  readonly #options: LeaderLoopOptions
  readonly #wakeup = new Wakeup()
  #loop: Promise<void> | undefined
  #stopped = false
  #leadingSinceMs: number | undefined

  constructor(options: LeaderLoopOptions) {
    this.#options = options
  }

  /** When the loop runs its next round (epoch ms); Infinity while a round runs. */
  get nextRoundMs(): number {
    return this.#wakeup.until
  }

  /** Starts (once; never after `stop`). */
  start(): void {
    if (this.#stopped || this.#loop !== undefined) return
    this.#loop = this.#run()
  }

  /** Runs the next round now (work due sooner came in). */
  wake(): void {
    this.#wakeup.wake()
  }

  /** Stops; resolves once a round in progress ended. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#wakeup.wake()
    await this.#loop
  }

  /** Whether `stop` was called: a long round checks it between steps. */
  get stopped(): boolean {
    return this.#stopped
  }

  async #run(): Promise<void> {
    const { lease, logger, name, followerPollMs, work } = this.#options
    while (!this.#stopped) {
      let nextMs = Date.now() + followerPollMs
      try {
        if (await lease.held()) {
          this.#leadingSinceMs ??= Date.now()
          nextMs = await work(this.#leadingSinceMs)
        } else this.#leadingSinceMs = undefined
      } catch (error) {
        logger.error({ err: error }, `${name}: a round failed; trying again`)
      }
      if (!this.#stopped) await this.#wakeup.sleepUntil(nextMs)
    }
  }
}
