import {
  type CompiledPattern,
  type DeliveryOutcome,
  type Event,
  type EventBus,
  toCloudEvent,
} from '@switchyard/core'
import { SseClientLimitError } from '../errors.js'

/** What `EventStreamHub` takes (config `limits:`). */
export interface EventStreamHubOptions {
  /** Most open streams (`limits.sse_clients`); one more is refused with `SseClientLimitError` (503). */
  maxClients: number
  /** Most bytes queued for one client (`limits.sse_client_buffer_bytes`); a client past it is dropped. */
  maxBufferedBytes: number
  /** A comment line to every client this often, so proxies keep idle streams open; 15 s by default. */
  heartbeatMs?: number
}

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>
  group: Group
  drop?: () => void
  /** Also sent each delivery outcome of a matching event (`event: delivery`). */
  outcomes: boolean
}

/** What each message's `data` is: the Switchyard event, or the event as CloudEvents 1.0 JSON. */
export type StreamFormat = 'json' | 'cloudevents'

/** How one stream reads: its events' format, and whether delivery outcomes follow them. */
export interface StreamOptions {
  /** `json` by default. */
  format?: StreamFormat
  /** false by default. */
  outcomes?: boolean
}

interface Group {
  key: string
  pattern: CompiledPattern
  format: StreamFormat
  clients: Set<Client>
}

const encoder = new TextEncoder()
const HEARTBEAT = encoder.encode(': heartbeat\n\n')

/**
 * The Server-Sent Event streams of `GET /api/v1/events/stream`: one bus observer for all of them while any is
 * open, clients grouped by pattern and format, each accepted event encoded once per format (`id` = event id,
 * `data` = the event as JSON, or as a CloudEvent) and the same bytes queued to every matching client. A client's queue is bounded: one whose unsent bytes
 * would pass `maxBufferedBytes` is dropped (its connection is closed) rather than buffered without bound, so a
 * slow reader never holds publishing up. Publishing never waits on a client: queuing is synchronous.
 *
 * @example
 * ```ts
 * const hub = new EventStreamHub(bus, { maxClients: 1000, maxBufferedBytes: 1 << 20 })
 * return new Response(hub.open(compilePattern('order.**')), { headers: { 'content-type': 'text/event-stream' } })
 * ```
 */
export class EventStreamHub {
  readonly #bus: Pick<EventBus, 'observe'>
  readonly #options: EventStreamHubOptions
  readonly #groups = new Map<string, Group>()
  #count = 0
  #unobserve: (() => void) | undefined
  #heartbeat: NodeJS.Timeout | undefined

  constructor(bus: Pick<EventBus, 'observe'>, options: EventStreamHubOptions) {
    this.#bus = bus
    this.#options = options
  }

  /** Open streams. */
  get size(): number {
    return this.#count
  }

  /**
   * A new stream of the events whose type matches `pattern`, starting with a `: subscribed to <pattern>`
   * comment (events accepted from then on arrive), each in `format` (`cloudevents`: CloudEvents 1.0 JSON).
   * Throws `SseClientLimitError` past `maxClients`. `drop` ends a client that fell too far behind (the server
   * destroys its socket); without it the stream errors. With `outcomes`, each handler's final outcome of a
   * matching event follows as an `event: delivery` message
   * (`data` = `{ eventId, type, handler, status, attempts, durationMs, error? }`).
   */
  open(pattern: CompiledPattern, drop?: () => void, options: StreamOptions = {}): ReadableStream<Uint8Array> {
    if (this.#count >= this.#options.maxClients) throw new SseClientLimitError(this.#options.maxClients)
    const { format = 'json', outcomes = false } = options
    const key = `${format} ${pattern.pattern}`
    let group = this.#groups.get(key)
    if (group === undefined) {
      group = { key, pattern, format, clients: new Set() }
      this.#groups.set(key, group)
    }
    const target = group
    let client: Client | undefined
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          client = { controller, group: target, outcomes, ...(drop === undefined ? {} : { drop }) }
          target.clients.add(client)
          controller.enqueue(encoder.encode(`: subscribed to ${pattern.pattern}\n\n`))
        },
        // The client went away (the response was cancelled).
        cancel: () => this.#remove(client as Client),
      },
      { highWaterMark: this.#options.maxBufferedBytes, size: (chunk) => chunk.byteLength },
    )
    if (this.#count++ === 0) this.#watch()
    return stream
  }

  /** Ends every stream (shutdown): what is queued is still sent. */
  close(): void {
    for (const group of this.#groups.values())
      for (const client of group.clients) {
        this.#remove(client)
        client.controller.close()
      }
  }

  #watch(): void {
    this.#unobserve = this.#bus.observe({
      published: (event) => this.#publish(event),
      outcome: (event, outcome) => this.#outcome(event, outcome),
    })
    this.#heartbeat = setInterval(() => this.#broadcast(HEARTBEAT), this.#options.heartbeatMs ?? 15_000)
    this.#heartbeat.unref()
  }

  #publish(event: Event): void {
    let json: Uint8Array | undefined
    let cloudEvent: Uint8Array | undefined
    for (const group of this.#groups.values()) {
      if (!group.pattern.test(event.type)) continue
      if (group.format === 'json') {
        json ??= encodeFrame(event.id, event)
        for (const client of group.clients) this.#send(client, json)
      } else {
        cloudEvent ??= encodeFrame(event.id, toCloudEvent(event))
        for (const client of group.clients) this.#send(client, cloudEvent)
      }
    }
  }

  #outcome(event: Event, outcome: DeliveryOutcome): void {
    let frame: Uint8Array | undefined
    for (const group of this.#groups.values()) {
      if (!group.pattern.test(event.type)) continue
      for (const client of group.clients) {
        if (!client.outcomes) continue
        frame ??= encoder.encode(
          `event: delivery\ndata: ${JSON.stringify({ eventId: event.id, type: event.type, ...outcome })}\n\n`,
        )
        this.#send(client, frame)
      }
    }
  }

  #broadcast(frame: Uint8Array): void {
    for (const group of this.#groups.values()) for (const client of group.clients) this.#send(client, frame)
  }

  #send(client: Client, frame: Uint8Array): void {
    if ((client.controller.desiredSize ?? 0) < frame.byteLength) {
      // Too far behind: dropping it frees its queue at once and closes its connection.
      this.#remove(client)
      if (client.drop) client.drop()
      else client.controller.error(new Error('SSE client too slow: limits.sse_client_buffer_bytes reached'))
      return
    }
    client.controller.enqueue(frame)
  }

  #remove(client: Client): void {
    const { group } = client
    if (!group.clients.delete(client)) return
    if (group.clients.size === 0) this.#groups.delete(group.key)
    if (--this.#count > 0) return
    this.#unobserve?.()
    clearInterval(this.#heartbeat)
  }
}

function encodeFrame(id: string, data: unknown): Uint8Array {
  return encoder.encode(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`)
}
