// The shapes of the public API's answers the UI reads (see /openapi.json); only the fields it shows.

/** `GET /api/v1/stats`. */
export interface Stats {
  from: number
  seconds: number
  published: number[]
  deliveries: Record<string, number[]>
  latency: { p50: (number | null)[]; p95: (number | null)[] }
  recentFailures: {
    time: string
    eventId: string
    type: string
    handler: string
    status: string
    code: string | null
    message: string | null
  }[]
  backends: { storage: string; transport: string }
}

/** One plugin of `GET /api/v1/events/plugins`. */
export interface PluginStatus {
  name: string
  version?: string
  description?: string
  state: string
  enabled: boolean
  source: string
  handlers: string[]
  routes: { method: string; path: string }[]
  publishes: string[]
  consumes: string[]
  reloads: number
  faults: number
  lastFault?: string
  isolation?: {
    mode: string
    state?: string
    restarts?: number
    lastExit?: { reason: string; detail: string }
  }
  reason?: string
  error?: { code: string; message: string }
  warnings: string[]
  config?: unknown
}

/** An event as the API and the stream show it. */
export interface SwitchyardEvent {
  id: string
  type: string
  source: string
  time: string
  data?: unknown
  metadata: Record<string, unknown>
}

/** A serialised delivery error. */
export interface DeliveryError {
  code: string
  message: string
  attempt?: number
  cause?: { name: string; message: string }
}

/** One handler's row of an event's ledger (`GET /api/v1/events/{id}/deliveries`). */
export interface DeliveryRecord {
  handler: string
  status: string
  attempts: number
  durationMs: number
  error?: DeliveryError
  updatedAt: string
}

/** One handler's line of `POST /api/v1/events/explain`. */
export interface ExplainedHandler {
  handler: string
  pattern: string
  owner?: string
  reached: boolean
  reason: string
}

/** One dead letter. */
export interface DeadLetter {
  id: string
  event: SwitchyardEvent
  handler: string
  attempts: number
  error: string
  failedAt: string
}
