import type { HttpBindings } from '@hono/node-server'
import type { Principal } from '../auth/token-auth.js'

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
  /** What `@hono/node-server` passes for a request that came over a socket; absent for `app.fetch(request)`. */
  Bindings: Partial<HttpBindings>
  Variables: {
    /** From `X-Request-Id` when the client sent a sane one, else a new UUID; echoed in the response. */
    requestId: string
    /** The operation, for the audit trail: method and route pattern (`POST /api/v1/plugins/install`). */
    auditAction?: string
    /** The plugin, package, dead letter or event the request names, for the audit trail. */
    auditTarget?: string
    /**
     * For an answer streamed before its outcome is known (an install's progress): the status the JSON answer would
     * have had, once known. The audit trail records that rather than the stream's 200.
     */
    auditStatus?: Promise<number>
    /** Who an `auth.authenticate` contribution said made the request, for the audit trail. */
    pluginPrincipal?: PluginPrincipal
    /** Who an admin UI session cookie stands for, once the request was authorized by one. */
    sessionPrincipal?: Principal
  }
}

/** A principal a plugin authenticated (`auth.authenticate`): its name and scopes, and which plugin named it. */
export interface PluginPrincipal {
  name: string
  scopes: string[]
  plugin: string
}
