import { context } from '@opentelemetry/api'
import type { AttemptContext } from '../delivery/attempt-context.js'
import type { AttemptResult } from '../delivery/attempt-result.js'
import { AttemptRunner, type AttemptSettled, type RunnerDeps } from '../delivery/attempt-runner.js'
import type { BusTracer } from './bus-tracer.js'

/**
 * The `AttemptRunner` of a bus with tracing on: every attempt runs its handler inside its own `process` span
 * (the active context, so what the handler publishes or traces nests under it), ended with the attempt's
 * result whenever that is known. A bus without a tracer uses the plain runner and pays nothing for this.
 *
 * @example
 * ```ts
 * const runner = new TracedAttemptRunner(deps, settled, new BusTracer(trace.getTracer('switchyard')))
 * ```
 */
export class TracedAttemptRunner extends AttemptRunner {
  readonly #tracer: BusTracer

  constructor(deps: RunnerDeps, settled: AttemptSettled, tracer: BusTracer) {
    super(deps, (ctx, result) => {
      tracer.ended(ctx, result)
      settled(ctx, result)
    })
    this.#tracer = tracer
  }

  override run(ctx: AttemptContext): AttemptResult | undefined {
    const result = context.with(this.#tracer.attempt(ctx), () => super.run(ctx))
    if (result !== undefined) this.#tracer.ended(ctx, result)
    return result
  }
}
