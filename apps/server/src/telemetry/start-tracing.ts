import type { RequestListener } from 'node:http'
import { context, propagation, type Tracer, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions'
import { Counter, type Registry } from 'prom-client'
import { CountedSpanProcessor } from './counted-span-processor.js'
import { PooledIdGenerator } from './pooled-id-generator.js'
import type { SamplerSettings, TelemetrySettings } from './telemetry-settings.js'
import { traceRequests } from './trace-requests.js'

/** How long one OTLP export may take before it is given up (its spans then count as dropped). */
const EXPORT_TIMEOUT_MS = 10_000

/** Tracing as one server runs it. */
export interface Telemetry {
  /** The tracer of the server's spans (the bus's and the HTTP ones). */
  readonly tracer: Tracer
  /** Wraps the HTTP request listener in a server span per request. */
  traceRequests(listener: RequestListener): RequestListener
  /** Adds `switchyard_telemetry_spans_dropped_total` to a Prometheus registry. */
  register(registry: Registry): void
  /** Spans lost so far (queue full, failed export). */
  readonly dropped: number
  /** Exports what is pending (waiting at most the export timeout), then releases the global API it registered. */
  shutdown(): Promise<void>
}

/**
 * Starts tracing to the exporter `settings` name (`otlp` or `console`; `startTelemetry` decides whether to): a
 * tracer provider for the service (`service.name`, `service.version`) with the sampler asked for, the exporter
 * behind a counted batch processor, and — unless another server in this process did it already — the global
 * tracer provider, AsyncLocalStorage context manager and W3C propagator, so plugins' own spans through
 * `@opentelemetry/api` nest under the request or handler that runs them.
 *
 * @example
 * ```ts
 * const telemetry = startTracing(telemetrySettings(config.telemetry, process.env), version)
 * await telemetry.shutdown()
 * ```
 */
export function startTracing(settings: TelemetrySettings, version: string): Telemetry {
  const processor = new CountedSpanProcessor(exporterOf(settings), {
    scheduledDelayMillis: settings.scheduleDelayMs,
    maxExportBatchSize: settings.exportBatchSize,
    maxQueueSize: settings.maxQueueSize,
  })
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: version,
    }),
    sampler: samplerOf(settings.sampler),
    idGenerator: new PooledIdGenerator(),
    spanProcessors: [processor],
  })
  const release = registerGlobals(provider)
  const tracer = provider.getTracer('@switchyard/server', version)
  return {
    tracer,
    traceRequests: (listener) => traceRequests(listener, tracer),
    register(registry) {
      new Counter({
        name: 'switchyard_telemetry_spans_dropped_total',
        help: 'Spans not exported: the export queue was full or the collector did not take them',
        registers: [registry],
        collect() {
          this.reset()
          this.inc(processor.dropped)
        },
      })
    },
    get dropped() {
      return processor.dropped
    },
    async shutdown() {
      await provider.shutdown()
      release()
    },
  }
}

function exporterOf(settings: TelemetrySettings): SpanExporter {
  if (settings.exporter === 'console') return new ConsoleSpanExporter()
  return new OTLPTraceExporter({ url: settings.tracesUrl, timeoutMillis: EXPORT_TIMEOUT_MS })
}

function samplerOf({ ratio, parentBased }: SamplerSettings): Sampler {
  // At 1 every trace id passes the ratio's test: no need to compute it per root span.
  const root = ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio)
  return parentBased ? new ParentBasedSampler({ root }) : root
}

/**
 * Registers the provider, a context manager and the W3C propagator as the API's globals, each only when none is
 * registered yet (the API refuses a second one); returns what undoes those it registered.
 */
function registerGlobals(provider: BasicTracerProvider): () => void {
  const undo: (() => void)[] = []
  if (trace.setGlobalTracerProvider(provider)) undo.push(() => trace.disable())
  const manager = new AsyncLocalStorageContextManager().enable()
  if (context.setGlobalContextManager(manager)) undo.push(() => context.disable())
  else manager.disable()
  if (propagation.setGlobalPropagator(new W3CTraceContextPropagator())) undo.push(() => propagation.disable())
  return () => {
    for (const step of undo) step()
  }
}
