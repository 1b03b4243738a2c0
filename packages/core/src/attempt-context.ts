import type { HandlerContext } from './delivery.js'

/**
 * The `HandlerContext` of one attempt, which is also its node in a `DeadlineList`. The AbortSignal is created
 * only when the handler reads it, so handlers that ignore it cost no AbortController.
 *
 * @example
 * ```ts
 * const ctx = new AttemptContext(1, 'audit_log', event.id, 5000)
 * ctx.signal.aborted // false
 * ```
 */
export class AttemptContext implements HandlerContext {
  readonly attempt: number
  readonly handler: string
  readonly eventId: string
  readonly timeoutMs: number
  /** The tick of its `DeadlineList` at which the attempt times out. */
  deadline = 0
  prev: AttemptContext | undefined = undefined
  next: AttemptContext | undefined = undefined
  /** Whether the node is linked into a deadline list. */
  tracked = false
  /** Called once with the reason when the deadline passes (or the bus shuts down) before the handler settles. */
  onExpire: ((reason: Error) => void) | undefined = undefined
  #controller: AbortController | undefined
  #reason: Error | undefined

  constructor(attempt: number, handler: string, eventId: string, timeoutMs: number) {
    this.attempt = attempt
    this.handler = handler
    this.eventId = eventId
    this.timeoutMs = timeoutMs
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#reason !== undefined) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Aborts the signal (if one was handed out) and reports the reason: a timeout, or the bus shutting down. */
  expire(reason: Error): void {
    this.#reason = reason
    this.#controller?.abort(reason)
    this.onExpire?.(reason)
  }
}
