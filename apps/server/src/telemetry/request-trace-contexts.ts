import type { IncomingMessage } from 'node:http'
import type { Context } from '@opentelemetry/api'

/**
 * The trace context (the HTTP server span) of each traced request that `traceRequests` hands to its listener
 * without entering it: the ingest route (`nodeIngest`), which passes it to the bus and its log line itself, and
 * enters it only where plugin code runs. Entering a context costs more than the call: the first
 * `AsyncLocalStorage.run` turns on Node's promise hooks for every promise the process makes from then on (about a
 * third of a traced ingest request's cost, issue 19). Held weakly: gone with the request.
 *
 * @example
 * ```ts
 * const traced = requestTraceContexts.get(req) // undefined with tracing off
 * await bus.enqueue(event, { traceContext: traced })
 * ```
 */
export const requestTraceContexts = new WeakMap<IncomingMessage, Context>()
