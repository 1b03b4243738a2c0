import { type AuthPrincipal, type HttpRequestInfo, serviceExtensionPoints } from '@switchyard/core'
import type { TestHost } from './create-test-host.js'

/**
 * Asks the test host's `auth.authenticate` contributions who sent a request with these headers, as the server
 * does before it checks its own tokens: in priority order, the first contribution that sets a principal decides.
 * Resolves to undefined when none does; a contribution's throw (an expired token, a bad signature) rejects.
 *
 * @example
 * ```ts
 * const host = await createTestHost({ plugins: [jwtAuthPlugin], config: { 'jwt-auth': { secret } } })
 * await authenticate(host, { authorization: `Bearer ${token}` }) // { name: 'alice', scopes: ['read'] }
 * ```
 */
export async function authenticate(
  host: TestHost,
  headers: Record<string, string>,
  path = '/',
): Promise<AuthPrincipal | undefined> {
  const request: HttpRequestInfo = {
    method: 'GET',
    url: `http://localhost${path}`,
    path,
    headers,
    requestId: 'test',
  }
  let value: { request: HttpRequestInfo; principal?: AuthPrincipal } = { request }
  for (const { fn } of host.bus.extensions.contributions(serviceExtensionPoints.authenticate)) {
    value = (await fn(value)) ?? value
    if (value.principal !== undefined) return value.principal
  }
  return undefined
}
