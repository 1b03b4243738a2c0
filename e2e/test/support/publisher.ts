import { Agent, request } from 'node:http'
import { E2E_TOKEN } from './server-config.js'

/** The event type every e2e event has; the recorder's handlers subscribe to `e2e.**`. */
export const E2E_EVENT_TYPE = 'e2e.work'
/** One request gives up after this long (its event may or may not have been accepted). */
const REQUEST_TIMEOUT_MS = 15_000

/** What one `publish` call could not get accepted. */
export interface PublishLeftovers {
  /** Keys whose every attempt failed without a 202: the event may or may not have been accepted. */
  failed: string[]
  /** Keys never sent because the signal was aborted. */
  untried: string[]
}

/** Options of one `publish` call. */
export interface PublishOptions {
  /** The base URLs of the live servers; key `i` goes to `targets()[i % n]`, a retry to the next one. */
  targets: () => readonly string[]
  /** Aborting it stops taking new keys (requests already sent run to their end). */
  signal?: AbortSignal
  /** Sends of one key, the first included, before the key counts as failed. Default 3. */
  attempts?: number
}

/**
 * Publishes e2e events over HTTP (`POST /api/v1/events`) with at most `inFlight` requests open, and remembers
 * which were accepted: a 202 means the server promised the event. The event's idempotencyKey is the key;
 * a key sent again is a client retry of the same logical event (a new event id, the same key).
 *
 * @example
 * ```ts
 * const publisher = new Publisher({ inFlight: 32 })
 * const { failed } = await publisher.publish(['k1', 'k2'], { targets: () => [server.url] })
 * publisher.accepted.get('k1') // ['<event id>']
 * ```
 */
export class Publisher {
  /** idempotencyKey -> ids of the events a server accepted (202) under it, over every `publish` call. */
  readonly accepted = new Map<string, string[]>()
  readonly #inFlight: number
  /** Keep-alive connections, one per request in flight (node:http costs the client less CPU than fetch). */
  readonly #agent: Agent
  readonly #onAccepted: ((count: number) => void) | undefined
  #acceptedCount = 0

  constructor(options: { inFlight: number; onAccepted?: (count: number) => void }) {
    this.#inFlight = options.inFlight
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.inFlight })
    this.#onAccepted = options.onAccepted
  }

  /** How many 202 answers were received in all. */
  get acceptedCount(): number {
    return this.#acceptedCount
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#agent.destroy()
  }

  /** Every accepted event id. */
  acceptedIds(): string[] {
    return [...this.accepted.values()].flat()
  }

  /** Publishes one event per key; resolves when each key was accepted, failed, or left untried. */
  async publish(keys: readonly string[], options: PublishOptions): Promise<PublishLeftovers> {
    const leftovers: PublishLeftovers = { failed: [], untried: [] }
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const index = next++
        const key = keys[index]!
        if (options.signal?.aborted) leftovers.untried.push(key)
        else if (!(await this.#send(key, index, options))) leftovers.failed.push(key)
      }
    }
    await Promise.all(Array.from({ length: this.#inFlight }, worker))
    return leftovers
  }

  /** Sends `key` to the servers in turn; true once one accepted it. A 4xx is a bug of the test or the server. */
  async #send(key: string, index: number, options: PublishOptions): Promise<boolean> {
    const attempts = options.attempts ?? 3
    for (let attempt = 0; attempt < attempts; attempt++) {
      const targets = options.targets()
      if (targets.length === 0) return false
      const url = targets[(index + attempt) % targets.length]!
      let response: { status: number; body: string }
      try {
        response = await post(`${url}/api/v1/events`, this.#agent, {
          type: E2E_EVENT_TYPE,
          data: { key },
          metadata: { idempotencyKey: key },
        })
      } catch {
        continue // connection refused or reset (a killed server), or timed out: unknown, try again
      }
      if (response.status === 202) {
        this.#accept(key, (JSON.parse(response.body) as { id: string }).id)
        return true
      }
      if (response.status < 500)
        throw new Error(`POST ${url}/api/v1/events: ${response.status} ${response.body}`)
    }
    return false
  }

  #accept(key: string, id: string): void {
    const ids = this.accepted.get(key)
    if (ids) ids.push(id)
    else this.accepted.set(key, [id])
    this.#acceptedCount++
    this.#onAccepted?.(this.#acceptedCount)
  }
}

/** POSTs `body` as JSON with the e2e token; resolves to the status and the text of the answer. */
function post(url: string, agent: Agent, body: unknown): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: {
          authorization: `Bearer ${E2E_TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}
