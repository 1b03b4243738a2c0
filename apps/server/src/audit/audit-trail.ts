import type { AuditRecord, Logger, Store } from '@switchyard/core'
import type { MiddlewareHandler } from 'hono'
import { v7 as uuidv7 } from 'uuid'
import type { AccessControl } from '../auth/access-control.js'
import type { ServerEnv } from '../http/server-env.js'
import { isAudited } from './audited-request.js'

/** What `auditTrail` needs. */
export interface AuditTrailOptions {
  store: Pick<Store, 'addAuditRecord'>
  access: Pick<AccessControl, 'identify'>
  logger: Logger
}

/**
 * Middleware recording every management request in the store's audit trail (see `isAudited` for what is left
 * out): time, token name and scopes (or the principal a plugin's `auth.authenticate` named, and that plugin),
 * method, path, action (method and route pattern), target, the answer's status, request id and source address. The record is written once the answer is ready and before it is sent,
 * so a client that got an answer can find its request in the trail. Refused requests (401, 403, 4xx) are
 * recorded too. A failed write is logged and the answer sent anyway: the operation already happened.
 *
 * @example
 * ```ts
 * app.use(auditTrail({ store: host.store, access, logger }))
 * ```
 */
export function auditTrail(options: AuditTrailOptions): MiddlewareHandler<ServerEnv> {
  const { store, access, logger } = options
  return async (c, next) => {
    const { method, path } = c.req
    if (!isAudited(method, path)) return next()
    // Made on arrival, so ids (UUID v7) sort in the order requests came in.
    const id = uuidv7()
    const time = new Date()
    await next()
    // A plugin's principal (a JWT's subject, say) when one authenticated the request, else the admin UI session's
    // token, else the static token's.
    const byPlugin = c.get('pluginPrincipal')
    const principal = byPlugin ?? c.get('sessionPrincipal') ?? access.identify(c.req.header('authorization'))
    const record: AuditRecord = {
      id,
      time: time.toISOString(),
      token: principal?.name ?? null,
      scopes: principal === undefined ? [] : [...principal.scopes].sort(),
      ...(byPlugin === undefined ? {} : { authenticatedBy: byPlugin.plugin }),
      method,
      path,
      action: c.get('auditAction') ?? `${method} ${path}`,
      target: c.get('auditTarget') ?? null,
      status: c.res.status,
      requestId: c.get('requestId'),
      source: c.env?.incoming?.socket?.remoteAddress ?? 'unknown',
    }
    const write = async (status: number) => {
      try {
        await store.addAuditRecord({ ...record, status })
      } catch (error) {
        logger.error(
          { err: error, audit: record },
          'could not write the audit record of a management request',
        )
      }
    }
    // A streamed answer is recorded when its outcome is known, without holding the stream back.
    const outcome = c.get('auditStatus')
    if (outcome === undefined) await write(record.status)
    else void outcome.then(write)
  }
}
