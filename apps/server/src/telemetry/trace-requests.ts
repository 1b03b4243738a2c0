import type { IncomingHttpHeaders, RequestListener } from 'node:http'
import {
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { requestTraceContexts } from './request-trace-contexts.js'

const propagator = new W3CTraceContextPropagator()
const INGEST_PATH = '/api/v1/events'
const INGEST_SPAN = 'POST /api/v1/events'

/** Reads W3C trace headers, falling back to the CloudEvents binary-mode ones (`ce-traceparent`, `ce-tracestate`). */
const traceHeaders: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const traceparent = carrier.traceparent === undefined ? `ce-${key}` : key
    return carrier[traceparent]
  },
}

/**
 * Wraps the server's request listener in an HTTP server span per request (`POST /api/v1/events`, or the method
 * until the app names the route, see `nameRequestSpan`), the child of the `traceparent` the request carries (a
 * malformed one is ignored: a new trace starts). Everything the request runs — API routes, plugin routes and what
 * they publish — runs inside it; `POST /api/v1/events` runs outside it and finds it in `requestTraceContexts`
 * (the ingest route passes it on, and enters it only where plugin code runs).
 *
 * @example
 * ```ts
 * const listener = traceRequests((req, res) => ingest(req, res) || app(req, res), tracer)
 * ```
 */
export function traceRequests(listener: RequestListener, tracer: Tracer): RequestListener {
  return (req, res) => {
    const { headers } = req
    // Most requests carry no trace context: the propagator is asked only when one does.
    const parent =
      headers.traceparent === undefined && headers['ce-traceparent'] === undefined
        ? ROOT_CONTEXT
        : propagator.extract(ROOT_CONTEXT, headers, traceHeaders)
    const method = req.method ?? 'HTTP'
    const url = req.url ?? '/'
    const query = url.indexOf('?')
    const path = query === -1 ? url : url.slice(0, query)
    const ingest = path === INGEST_PATH && method === 'POST'
    const span = tracer.startSpan(
      ingest ? INGEST_SPAN : method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': path, 'url.scheme': 'http' },
      },
      parent,
    )
    // 'close' is emitted once: a plain listener does, without the wrapper `once` makes per request.
    res.on('close', () => endRequestSpan(span, res.statusCode))
    const active = trace.setSpan(parent, span)
    if (ingest) {
      requestTraceContexts.set(req, active)
      listener(req, res)
    } else context.with(active, listener, undefined, req, res)
  }
}

function endRequestSpan(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status)
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
  span.end()
}
