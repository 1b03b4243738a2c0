import { type Span, SpanStatusCode } from '@opentelemetry/api'
import type { Event } from '../event/event.js'

/**
 * The `publish` span of an event being enqueued (see `BusTracer.startPublish`), and the event that carries its
 * context: the bus accepts that event, then ends the span.
 *
 * @example
 * ```ts
 * const publish = tracer.startPublish(event)
 * try { await accept(publish.event) } catch (error) { publish.failed(error); throw error } finally { publish.end() }
 * ```
 */
export class PublishSpan {
  readonly event: Event
  readonly #span: Span

  constructor(event: Event, span: Span) {
    this.event = event
    this.#span = span
  }

  /** Records why the accept failed: an exception event and status ERROR. */
  failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error)
    this.#span.recordException(error instanceof Error ? error : message)
    this.#span.setStatus({ code: SpanStatusCode.ERROR, message })
  }

  end(): void {
    this.#span.end()
  }
}
