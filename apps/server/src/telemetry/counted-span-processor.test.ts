import { type ContextManager, context, ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api'
import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import { afterEach, describe, expect, it } from 'vitest'
import { CountedSpanProcessor } from './counted-span-processor.js'

const span = (flags = TraceFlags.SAMPLED) => ({ spanContext: () => ({ traceFlags: flags }) }) as ReadableSpan

/** An exporter that keeps each batch and answers as told (success unless `failing`). */
function recordingExporter(failing = false) {
  const batches: ReadableSpan[][] = []
  const exporter: SpanExporter = {
    export(spans, done: (result: ExportResult) => void) {
      batches.push(spans)
      done(
        failing
          ? { code: ExportResultCode.FAILED, error: new Error('collector down') }
          : { code: ExportResultCode.SUCCESS },
      )
    },
    shutdown: () => Promise.resolve(),
  }
  return { exporter, batches }
}

describe('CountedSpanProcessor', () => {
  afterEach(() => context.disable())

  it('exports a full batch at once and the rest after the delay, sampled spans only', async () => {
    const { exporter, batches } = recordingExporter()
    const processor = new CountedSpanProcessor(exporter, { scheduledDelayMillis: 20, maxExportBatchSize: 3 })
    for (let i = 0; i < 4; i++) processor.onEnd(span())
    processor.onEnd(span(TraceFlags.NONE))
    expect(batches.map((batch) => batch.length)).toEqual([3])
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(batches.map((batch) => batch.length)).toEqual([3, 1])
    expect(processor.dropped).toBe(0)
  })

  it('counts the spans a full queue refuses and those of a failed export; forceFlush rejects on the failure', async () => {
    // The collector holds the first export while 2,048 more spans fill the queue.
    const answers: ((result: ExportResult) => void)[] = []
    const failed: ExportResult = { code: ExportResultCode.FAILED, error: new Error('collector down') }
    const exporter: SpanExporter = {
      export: (_spans, done) => void answers.push(done),
      shutdown: () => Promise.resolve(),
    }
    const processor = new CountedSpanProcessor(exporter, {
      scheduledDelayMillis: 60_000,
      maxExportBatchSize: 4096,
    })
    for (let i = 0; i < 2048 * 2 + 2; i++) processor.onEnd(span())
    expect(answers).toHaveLength(1)
    expect(processor.dropped).toBe(2)
    answers[0]!(failed)
    expect(processor.dropped).toBe(2050)
    const flushed = processor.forceFlush()
    answers[1]!(failed)
    await expect(flushed).rejects.toThrow('collector down')
    expect(processor.dropped).toBe(4098)
  })

  it('holds at most maxQueueSize spans, and sends batches no larger than the queue', () => {
    const answers: ((result: ExportResult) => void)[] = []
    const sizes: number[] = []
    const exporter: SpanExporter = {
      export(spans, done) {
        sizes.push(spans.length)
        answers.push(done)
      },
      shutdown: () => Promise.resolve(),
    }
    const processor = new CountedSpanProcessor(exporter, {
      scheduledDelayMillis: 60_000,
      maxExportBatchSize: 512,
      maxQueueSize: 8,
    })
    // The first 8 go out as one batch (the queue's size); 8 more wait while it is under way; the rest are dropped.
    for (let i = 0; i < 20; i++) processor.onEnd(span())
    expect(sizes).toEqual([8])
    expect(processor.dropped).toBe(4)
  })

  it('sends what is queued at shutdown and takes no span after it', async () => {
    const { exporter, batches } = recordingExporter()
    const processor = new CountedSpanProcessor(exporter, {
      scheduledDelayMillis: 60_000,
      maxExportBatchSize: 2,
    })
    processor.onEnd(span())
    await processor.shutdown()
    processor.onEnd(span())
    await processor.forceFlush()
    expect(batches.map((batch) => batch.length)).toEqual([1])
  })

  it('calls the exporter without entering a context (the first one would turn on promise hooks for the process)', async () => {
    let entered = 0
    const manager: ContextManager = {
      active: () => ROOT_CONTEXT,
      with(_context, fn, thisArg, ...args) {
        entered++
        return fn.call(thisArg, ...args)
      },
      bind: (_context, target) => target,
      enable: () => manager,
      disable: () => manager,
    }
    context.setGlobalContextManager(manager)
    const { exporter, batches } = recordingExporter()
    const processor = new CountedSpanProcessor(exporter, { scheduledDelayMillis: 1, maxExportBatchSize: 2 })
    for (let i = 0; i < 3; i++) processor.onEnd(span())
    await processor.forceFlush()
    expect(batches.map((batch) => batch.length)).toEqual([2, 1])
    expect(entered).toBe(0)
  })
})
