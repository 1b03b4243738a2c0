import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One span as an OTLP/HTTP JSON request carried it, its attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  name: string
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number
  attributes: Record<string, unknown>
  status: { code?: number; message?: string }
  events: { name: string; attributes: Record<string, unknown> }[]
  links: { traceId: string; spanId: string }[]
  /** `service.name` of the resource that sent it. */
  service: unknown
}

/** A collector on loopback: a plain node:http server keeping every span of the OTLP/HTTP JSON bodies it gets. */
export interface OtlpReceiver {
  /** The base endpoint (`telemetry.traces.endpoint`). */
  url: string
  spans: ReceivedSpan[]
  /** How many export requests it answered. */
  requests: number
  close(): Promise<void>
}

export const SpanKind = { SERVER: 2, PRODUCER: 4, CONSUMER: 5, INTERNAL: 1 } as const

interface OtlpValue {
  stringValue?: string
  intValue?: string | number
  boolValue?: boolean
  doubleValue?: number
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined

const plainValue = (value: OtlpValue): unknown =>
  value.stringValue ??
  (value.intValue === undefined ? undefined : Number(value.intValue)) ??
  value.boolValue ??
  value.doubleValue
const flatten = (attributes: OtlpAttributes) =>
  Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, plainValue(value)]))

/**
 * Starts an OTLP receiver on 127.0.0.1 (port 0) answering `POST /v1/traces` with 200.
 *
 * @example
 * ```ts
 * const receiver = await startOtlpReceiver()
 * // telemetry: { traces: { exporter: otlp, endpoint: receiver.url } }
 * await receiver.close()
 * ```
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  let requests = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (
        req.method !== 'POST' ||
        req.url !== '/v1/traces' ||
        !req.headers['content-type']?.includes('json')
      ) {
        res.writeHead(404).end()
        return
      }
      requests += 1
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = flatten(resourceSpans.resource?.attributes)['service.name']
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              attributes: flatten(span.attributes),
              status: span.status ?? {},
              events: (span.events ?? []).map((event: { name: string; attributes: OtlpAttributes }) => ({
                name: event.name,
                attributes: flatten(event.attributes),
              })),
              links: (span.links ?? []).map((link: { traceId: string; spanId: string }) => ({
                traceId: link.traceId,
                spanId: link.spanId,
              })),
              service,
            })
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
