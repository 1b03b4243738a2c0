/**
 * The Hono environment of the server app: what middleware puts on the context for the handlers.
 *
 * @example
 * ```ts
 * const app = new Hono<ServerEnv>()
 * app.get('/', (c) => c.text(c.get('requestId')))
 * ```
 */
export interface ServerEnv {
  Variables: {
    /** From `X-Request-Id` when the client sent a sane one, else a new UUID; echoed in the response. */
    requestId: string
  }
}
