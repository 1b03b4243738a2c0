import {
  type AuthPrincipal,
  type ExtensionRegistry,
  type HttpRequestInfo,
  serviceExtensionPoints,
} from '@switchyard/core'
import { UnauthorizedError } from '../errors.js'

const { authenticate } = serviceExtensionPoints

/**
 * Asks the `auth.authenticate` contributions, in priority order, who made a request: the first to set
 * `principal` decides, and the answer names the plugin that did (`by`, for the audit trail). Resolves to undefined
 * when none did (the static tokens are tried next). A contribution
 * that throws refuses the request: `UnauthorizedError` naming the plugin and its reason (an expired JWT, a bad
 * signature). A principal without a name or scopes is refused the same way.
 *
 * @example
 * ```ts
 * const found = await authenticateRequest(bus.extensions, requestInfoOf(c)) // { principal: { name: 'alice', scopes: ['read'] }, by: 'jwt-auth' }
 * ```
 */
export async function authenticateRequest(
  extensions: Pick<ExtensionRegistry, 'contributions'>,
  request: HttpRequestInfo,
): Promise<{ principal: AuthPrincipal; by: string } | undefined> {
  let value: { request: HttpRequestInfo; principal?: AuthPrincipal } = { request }
  for (const { fn, owner } of extensions.contributions(authenticate)) {
    const by = owner ?? 'a plugin'
    try {
      value = (await fn(value)) ?? value
    } catch (error) {
      throw new UnauthorizedError(
        `${by} refused the credentials: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const { principal } = value
    if (principal === undefined) continue
    if (typeof principal.name !== 'string' || !Array.isArray(principal.scopes)) {
      throw new UnauthorizedError(`${by} answered auth.authenticate with no principal name or scopes`)
    }
    return { principal, by }
  }
  return undefined
}
