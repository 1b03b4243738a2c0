import type { MiddlewareHandler } from 'hono'
import type { ServerEnv } from '../http/server-env.js'

/**
 * The admin UI's Content Security Policy: scripts, styles and connections only from this server (no inline
 * script, no eval), no plugins, no framing by any page, forms posting only here.
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * Middleware adding the admin UI's security headers to its pages and assets: the strict CSP, no framing, no
 * MIME sniffing, no referrer.
 *
 * @example
 * ```ts
 * app.use('/admin/*', adminHeaders)
 * ```
 */
export const adminHeaders: MiddlewareHandler<ServerEnv> = async (c, next) => {
  await next()
  c.header('content-security-policy', ADMIN_CSP)
  c.header('x-frame-options', 'DENY')
  c.header('x-content-type-options', 'nosniff')
  c.header('referrer-policy', 'no-referrer')
}
