import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Tracer } from '@opentelemetry/api'
import { startTelemetry, telemetrySettings } from '@switchyard/server'

/** A tracer exporting OTLP/HTTP JSON (every span sampled) to a loopback receiver that answers 200 and keeps nothing. */
export interface LoopbackTracing {
  tracer: Tracer
  /** Spans the receiver was sent. */
  received(): number
  close(): Promise<void>
}

/**
 * Starts a loopback OTLP receiver and the server's own tracing exporting to it (`startTelemetry`, as the server
 * does with `telemetry.traces: { exporter: otlp, sample_ratio: 1.0 }`): its sampler, id generator, counted batch
 * processor and OTLP exporter, with batches sent every 200 ms.
 *
 * @example
 * ```ts
 * const tracing = await loopbackTracing()
 * const bus = new EventBus({ tracer: tracing.tracer })
 * ```
 */
export async function loopbackTracing(): Promise<LoopbackTracing> {
  const receiver = await loopbackReceiver()
  const settings = telemetrySettings(
    { traces: { exporter: 'otlp', endpoint: receiver.url, sample_ratio: 1 } },
    { OTEL_BSP_SCHEDULE_DELAY: '200' },
  )
  const telemetry = (await startTelemetry(settings, 'bench'))!
  return {
    tracer: telemetry.tracer,
    received: receiver.received,
    async close() {
      await telemetry.shutdown()
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
