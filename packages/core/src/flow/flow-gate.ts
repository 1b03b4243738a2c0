import type { AttemptResult } from '../delivery/attempt-result.js'
import type { Event } from '../event/event.js'
import type { TransportMessage } from '../transport/transport.js'
import { Admission } from './admission.js'
import { Batcher, type BatchRun } from './batcher.js'
import { Debouncer } from './debouncer.js'
import type { FlowState } from './flow-state.js'
import type { GatedHandler } from './gated-handler.js'
import type { ResolvedFlow } from './resolve-flow.js'
import { WindowCounter } from './window-counter.js'

/** How often transport messages held by flow control tell the transport they are still being worked on. */
const KEEP_ALIVE_MS = 10_000
/** Messages a consumer may hand a flow-controlled handler beyond its concurrency: the queue priority orders. */
const QUEUE_AHEAD = 256

/** Where flow control leaves a delivery. */
export type FlowPass =
  | { readonly kind: 'ended'; readonly status: 'rate_limited' | 'debounced' }
  | { readonly kind: 'member'; readonly result: Promise<AttemptResult> }
  | { readonly kind: 'run'; readonly batch: BatchRun | undefined }

const RATE_LIMITED: FlowPass = Object.freeze({ kind: 'ended', status: 'rate_limited' })
const DEBOUNCED: FlowPass = Object.freeze({ kind: 'ended', status: 'debounced' })

/**
 * The flow control of one handler, in the order a delivery meets it: rate limit (past it the delivery ends
 * `rate_limited`), debounce (a replaced event ends `debounced`), batch (the first delivery of a batch runs it,
 * the others share its result), then the admission queue (priority, throttle, concurrency, keyed concurrency).
 * Only handlers with flow options have one; the others never reach this code.
 *
 * @example
 * ```ts
 * const pass = await entry.flow.pass(event)
 * if (pass.kind === 'run') {
 *   const release = await entry.flow.admit(event)
 *   try { await run(pass.batch) } finally { release() }
 * }
 * ```
 */
export class FlowGate {
  /** Replaced by `retune`; a delivery reads it as it passes. */
  options: ResolvedFlow
  readonly #state: FlowState
  readonly #name: string
  readonly #shutdown: AbortSignal
  #rate: WindowCounter | undefined
  readonly #debouncer: Debouncer | undefined
  readonly #batcher: Batcher | undefined
  readonly #admission: Admission
  #held = new Set<TransportMessage>()
  #keepAlive: ReturnType<typeof setInterval> | undefined

  constructor(entry: GatedHandler, options: ResolvedFlow, state: FlowState, shutdown: AbortSignal) {
    this.options = options
    this.#state = state
    this.#name = entry.name
    this.#shutdown = shutdown
    const { debounce, batch } = options
    this.#rateLimit(options)
    if (debounce !== undefined) this.#debouncer = new Debouncer(state, entry.name, debounce)
    if (batch !== undefined) this.#batcher = new Batcher(batch, shutdown)
    this.#admission = new Admission(entry, options, state, shutdown)
  }

  /**
   * Takes new rate limit, throttle, keyed-concurrency and priority settings on a running handler (config
   * `handlers` reloaded); the next delivery meets them. Its windows stay in the state, so what the current
   * window already counted counts against the new limit. Debounce and batch stay as they were made: the caller
   * refuses a change to them (`sameBurstOptions`).
   */
  retune(options: ResolvedFlow): void {
    this.options = options
    this.#rateLimit(options)
    this.#admission.retune(options)
  }

  #rateLimit({ rateLimit }: ResolvedFlow): void {
    this.#rate =
      rateLimit === undefined
        ? undefined
        : new WindowCounter(this.#state, `rate/${this.#name}`, rateLimit.limit, rateLimit.periodMs)
  }

  /** Deliveries waiting in the admission queue (for priority, throttle or a concurrency slot). */
  get queued(): number {
    return this.#admission.waiting
  }

  /**
   * How many messages the handler's transport consumer may hand this node at once: enough for the batches,
   * debounce bursts and queue to form here rather than wait in the transport.
   */
  prefetch(concurrency: number): number {
    const { batch, debounce } = this.options
    if (batch !== undefined) return batch.maxSize * (concurrency + 1)
    return concurrency + (debounce === undefined ? QUEUE_AHEAD : QUEUE_AHEAD * 4)
  }

  /**
   * Takes `event` through rate limit, debounce and batch; for `run`, `admit` next. Rejects when the bus shuts
   * down first (or the shared state fails).
   */
  async pass(event: Event): Promise<FlowPass> {
    if (this.#rate !== undefined) {
      const key = this.options.rateLimit!.key?.read(event) ?? ''
      if ((await this.#rate.take(key, 1)).granted === 0) return RATE_LIMITED
    }
    if (this.#debouncer !== undefined && !(await this.#debouncer.settle(event, this.#shutdown)))
      return DEBOUNCED
    let batch: BatchRun | undefined
    if (this.#batcher !== undefined) {
      const role = await this.#batcher.join(event)
      if ('result' in role) return { kind: 'member', result: role.result }
      batch = role.run
    }
    return { kind: 'run', batch }
  }

  /** Resolves to the function that gives back what the delivery took once it may start (see `Admission`). */
  admit(event: Event): Promise<() => void> {
    return this.#admission.admit(event)
  }

  /** Keeps a transport message alive while flow control holds it; call the result when it no longer does. */
  hold(message: TransportMessage): () => void {
    this.#held.add(message)
    this.#keepAlive ??= setInterval(() => {
      for (const held of this.#held) held.working()
    }, KEEP_ALIVE_MS).unref()
    return () => {
      this.#held.delete(message)
      if (this.#held.size === 0 && this.#keepAlive !== undefined) {
        clearInterval(this.#keepAlive)
        this.#keepAlive = undefined
      }
    }
  }

  /** What applies to `event` (the explain API): one line per option, with the key value it reads. */
  describe(event: Event): string[] {
    const { throttle, rateLimit, debounce, batch, keyedConcurrency, priority } = this.options
    const keyed = (option: { key?: { path: string; read(event: Event): string } }): string =>
      option.key === undefined ? '' : ` per ${option.key.path} (${JSON.stringify(option.key.read(event))})`
    const lines: string[] = []
    if (rateLimit !== undefined)
      lines.push(`rateLimit: ${rateLimit.limit} per ${rateLimit.periodMs} ms${keyed(rateLimit)}`)
    if (debounce !== undefined) {
      const maxWait = Number.isFinite(debounce.maxWaitMs) ? `, at most ${debounce.maxWaitMs} ms` : ''
      lines.push(`debounce: ${debounce.periodMs} ms${maxWait}${keyed(debounce)}`)
    }
    if (batch !== undefined)
      lines.push(`batch: up to ${batch.maxSize} events or ${batch.maxWaitMs} ms${keyed(batch)}`)
    if (throttle !== undefined)
      lines.push(`throttle: ${throttle.limit} starts per ${throttle.periodMs} ms${keyed(throttle)}`)
    if (keyedConcurrency !== undefined)
      lines.push(`concurrency: ${keyedConcurrency.limit} at a time${keyed(keyedConcurrency)}`)
    if (priority !== undefined) {
      const value = priority.key.read(event)
      lines.push(`priority: ${priority.values[value] ?? 0} (${priority.key.path} ${JSON.stringify(value)})`)
    }
    return lines
  }
}

/**
 * Whether two flows debounce and batch alike (same periods, sizes and key paths): what `FlowGate.retune` cannot
 * change, since bursts and batches being gathered hold deliveries under the old settings.
 */
export function sameBurstOptions(a: ResolvedFlow | undefined, b: ResolvedFlow | undefined): boolean {
  // JSON keeps each compiled key's path and drops its read function
  return JSON.stringify([a?.debounce, a?.batch]) === JSON.stringify([b?.debounce, b?.batch])
}
