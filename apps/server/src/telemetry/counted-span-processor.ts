import { TraceFlags } from '@opentelemetry/api'
import { ExportResultCode, getNumberFromEnv, globalErrorHandler } from '@opentelemetry/core'
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'

/** What the batching holds at most by default (`OTEL_BSP_MAX_QUEUE_SIZE`'s); past it a finished span is dropped. */
const DEFAULT_MAX_QUEUE_SIZE = 2048
/** How long an export may take before the next one may start (`OTEL_BSP_EXPORT_TIMEOUT`, as the SDK's processor). */
const DEFAULT_EXPORT_TIMEOUT_MS = 30_000

/** How the batching runs. */
export interface BatchOptions {
  /** The delay between exports of a batch that is not full. */
  scheduledDelayMillis: number
  /** The most spans one export sends (at most the queue's size); default 512. */
  maxExportBatchSize?: number
  /** The most finished spans waiting for export; past it a span is dropped and counted. Default 2,048. */
  maxQueueSize?: number
  /** How long an export is waited for before the next may start; default `OTEL_BSP_EXPORT_TIMEOUT`, else 30 s. */
  exportTimeoutMillis?: number
}

/**
 * A batch span processor that counts every span it loses: those refused because the queue was full (a slow or
 * unreachable collector) and those of exports that failed. Exports run in the background, so a collector that
 * is down costs the event path nothing: its spans are dropped and counted (`dropped`), never waited for.
 *
 * It batches as the SDK's `BatchSpanProcessor` does (a batch goes out when full or after the delay, one export at
 * a time; `forceFlush` and `shutdown` send everything queued and reject when an export failed) but calls the
 * exporter without entering a context: the SDK's enters one per export (to suppress the tracing of the export's
 * own HTTP request by instrumentations, which the server does not install), and the first
 * `AsyncLocalStorage.run` in a process turns on Node's promise hooks for every promise it makes from then on
 * (the SDK's processor in its place: about 22k more instructions per traced ingest request, 369k against 347k under
 * callgrind with compiles and one major GC left out, eleventh session, /work/notes/otel.md).
 *
 * @example
 * ```ts
 * const processor = new CountedSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 5000 })
 * processor.dropped // 0
 * ```
 */
export class CountedSpanProcessor implements SpanProcessor {
  /** Spans lost so far: refused by a full queue or in a failed export. */
  dropped = 0
  readonly #exporter: SpanExporter
  readonly #delayMs: number
  readonly #batchSize: number
  readonly #queueSize: number
  readonly #timeoutMs: number
  #queue: ReadableSpan[] = []
  #timer: NodeJS.Timeout | undefined
  /** Whether a scheduled export is under way (the next is scheduled when it ends). */
  #exporting = false
  #shutdown: Promise<void> | undefined

  constructor(exporter: SpanExporter, options: BatchOptions) {
    this.#exporter = exporter
    this.#delayMs = options.scheduledDelayMillis
    this.#queueSize = options.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE
    // As the SDK's processor: a batch larger than the queue could never fill.
    this.#batchSize = Math.min(options.maxExportBatchSize ?? 512, this.#queueSize)
    this.#timeoutMs =
      options.exportTimeoutMillis ?? getNumberFromEnv('OTEL_BSP_EXPORT_TIMEOUT') ?? DEFAULT_EXPORT_TIMEOUT_MS
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    // Unsampled spans are never exported: nothing to queue or lose.
    if (this.#shutdown !== undefined || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return
    if (this.#queue.length >= this.#queueSize) {
      this.dropped += 1
      return
    }
    this.#queue.push(span)
    this.#schedule()
  }

  forceFlush(): Promise<void> {
    return this.#shutdown ?? this.#exportAll()
  }

  shutdown(): Promise<void> {
    this.#shutdown ??= this.#exportAll().then(() => this.#exporter.shutdown())
    return this.#shutdown
  }

  /** A full batch goes out now; a smaller one after the delay, unless an export is under way (it schedules then). */
  #schedule(): void {
    if (this.#exporting) return
    if (this.#queue.length >= this.#batchSize) {
      this.#exportScheduled()
      return
    }
    if (this.#timer !== undefined) return
    this.#timer = setTimeout(() => this.#exportScheduled(), this.#delayMs)
    this.#timer.unref()
  }

  #exportScheduled(): void {
    this.#exporting = true
    this.#exportBatch().then(
      () => this.#exported(),
      (error: Error) => {
        this.#exported()
        globalErrorHandler(error)
      },
    )
  }

  #exported(): void {
    this.#exporting = false
    if (this.#queue.length > 0) this.#schedule()
  }

  /** Every queued span, in as many batches (exported side by side, as the SDK does). */
  #exportAll(): Promise<void> {
    const batches: Promise<void>[] = []
    for (let left = this.#queue.length; left > 0; left -= this.#batchSize) batches.push(this.#exportBatch())
    return Promise.all(batches).then(() => undefined)
  }

  /**
   * Hands the exporter the next batch; rejects when it failed (its spans are counted as dropped) or did not
   * answer within the timeout (the answer still counts when it comes).
   */
  #exportBatch(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#queue.length === 0) return Promise.resolve()
    let spans: ReadableSpan[]
    if (this.#queue.length <= this.#batchSize) {
      spans = this.#queue
      this.#queue = []
    } else spans = this.#queue.splice(0, this.#batchSize)
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('Timeout')), this.#timeoutMs)
      this.#exporter.export(spans, (result) => {
        clearTimeout(timeout)
        if (result.code === ExportResultCode.SUCCESS) resolve()
        else {
          this.dropped += spans.length
          reject(result.error ?? new Error('span export failed'))
        }
      })
    })
  }
}
