import type { Context } from '@opentelemetry/api'
import { TraceFlags } from '@opentelemetry/api'
import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base'

/** What the batching holds at most; past it a finished span is dropped, not queued. */
const MAX_QUEUE_SIZE = 2048

/**
 * A batch span processor that counts every span it loses: those refused because the queue was full (a slow or
 * unreachable collector) and those of exports that failed. Exports run in the background, so a collector that
 * is down costs the event path nothing: its spans are dropped and counted (`dropped`), never waited for.
 *
 * @example
 * ```ts
 * const processor = new CountedSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 5000, maxExportBatchSize: 100 })
 * processor.dropped // 0
 * ```
 */
export class CountedSpanProcessor implements SpanProcessor {
  /** Spans lost so far: refused by a full queue or in a failed export. */
  dropped = 0
  /** Spans handed to the batch and not yet given to the exporter. */
  #queued = 0
  readonly #batch: BatchSpanProcessor

  constructor(
    exporter: SpanExporter,
    options: { scheduledDelayMillis: number; maxExportBatchSize?: number },
  ) {
    const counting: SpanExporter = {
      export: (spans, done) => {
        this.#queued -= spans.length
        exporter.export(spans, (result: ExportResult) => {
          if (result.code !== ExportResultCode.SUCCESS) this.dropped += spans.length
          done(result)
        })
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    }
    this.#batch = new BatchSpanProcessor(counting, { ...options, maxQueueSize: MAX_QUEUE_SIZE })
  }

  onStart(span: Span, parentContext: Context): void {
    this.#batch.onStart(span, parentContext)
  }

  onEnd(span: ReadableSpan): void {
    // Unsampled spans are never exported: nothing to queue or lose.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return
    if (this.#queued >= MAX_QUEUE_SIZE) {
      this.dropped += 1
      return
    }
    this.#queued += 1
    this.#batch.onEnd(span)
  }

  forceFlush(): Promise<void> {
    return this.#batch.forceFlush()
  }

  shutdown(): Promise<void> {
    return this.#batch.shutdown()
  }
}
