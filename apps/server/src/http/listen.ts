import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'

type FetchHandler = (request: Request) => Response | Promise<Response>

/** Where and how to listen. */
export interface ListenOptions {
  hostname: string
  port: number
  /** Sees each request first and returns true when it answered it; the app gets the rest. */
  handleFirst?: (req: IncomingMessage, res: ServerResponse) => boolean
  /** Wraps the whole request listener (the HTTP server span of telemetry). */
  wrap?: (listener: RequestListener) => RequestListener
}

/** A listening HTTP server. */
export interface Listener {
  /** The bound port (useful with port 0). */
  readonly port: number
  /** `http://host:port`. */
  readonly url: string
  /**
   * Serves every request from now on with `fetch` (and `handleFirst`): the server listens while it starts,
   * answering with a placeholder, and swaps in the app once its plugins are up.
   */
  serve(fetch: FetchHandler, handleFirst?: ListenOptions['handleFirst']): void
  /**
   * Stops accepting connections and resolves once the open ones are done; connections still open after
   * `graceMs` are cut.
   */
  close(graceMs: number): Promise<void>
}

/**
 * Serves `fetch` over HTTP with `@hono/node-server`; rejects when the port cannot be bound.
 *
 * @example
 * ```ts
 * const listener = await listen(app.fetch, { hostname: '127.0.0.1', port: 0 })
 * await fetch(`${listener.url}/healthz`)
 * await listener.close(5000)
 * ```
 */
export function listen(fetch: FetchHandler, options: ListenOptions): Promise<Listener> {
  let handler: RequestListener
  const serve = (next: FetchHandler, handleFirst = options.handleFirst) => {
    const app = getRequestListener(next, { hostname: options.hostname })
    handler = handleFirst ? (req, res) => handleFirst(req, res) || app(req, res) : app
  }
  serve(fetch)
  const listener: RequestListener = (req, res) => handler(req, res)
  const server = createServer(options.wrap === undefined ? listener : options.wrap(listener))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.hostname, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname
      resolve({
        port,
        url: `http://${host}:${port}`,
        serve,
        close(graceMs) {
          return new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs)
            // A keep-alive connection that turns idle after close() began would otherwise be kept open until its
            // keep-alive timeout: sweep idle ones until the server is closed.
            const sweep = setInterval(() => server.closeIdleConnections(), 50)
            server.close(() => {
              clearTimeout(force)
              clearInterval(sweep)
              done()
            })
            server.closeIdleConnections()
          })
        },
      })
    })
  })
}
