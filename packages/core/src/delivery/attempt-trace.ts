/**
 * Where one attempt of a delivery is in its trace: the W3C ids of its `process` span (a bus with a tracer).
 *
 * @example
 * ```ts
 * const trace: AttemptTrace = { attempt: 1, traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }
 * ```
 */
export interface AttemptTrace {
  attempt: number
  traceId: string
  spanId: string
}
