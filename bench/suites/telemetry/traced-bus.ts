import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { context, type Tracer } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'

/** A tracer exporting OTLP/HTTP JSON (every span sampled) to a loopback receiver that answers 200 and keeps nothing. */
export interface LoopbackTracing {
  tracer: Tracer
  /** Spans the receiver was sent. */
  received(): number
  close(): Promise<void>
}

/**
 * Starts a loopback OTLP receiver and a tracer provider exporting to it in batches, as the server does with
 * `telemetry.traces.exporter: otlp` and `sample_ratio: 1.0`.
 *
 * @example
 * ```ts
 * const tracing = await loopbackTracing()
 * const bus = new EventBus({ tracer: tracing.tracer })
 * ```
 */
export async function loopbackTracing(): Promise<LoopbackTracing> {
  const receiver = await loopbackReceiver()
  const exporter = new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` })
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 2048, scheduledDelayMillis: 200 })],
  })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  return {
    tracer: provider.getTracer('bench'),
    received: receiver.received,
    async close() {
      await provider.shutdown()
      context.disable()
      await receiver.close()
    },
  }
}

/** An OTLP/HTTP receiver on loopback: answers 200, counts the spans it was sent, keeps nothing. */
export interface LoopbackReceiver {
  /** The base endpoint, as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string
  received(): number
  close(): Promise<void>
}

/**
 * Starts a loopback OTLP receiver on a free port.
 *
 * @example
 * ```ts
 * const receiver = await loopbackReceiver()
 * process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url
 * ```
 */
export async function loopbackReceiver(): Promise<LoopbackReceiver> {
  let spans = 0
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    req.on('end', () => {
      spans += (body.match(/"spanId"/g) ?? []).length
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => spans,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
