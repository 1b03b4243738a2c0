import { describe, expect, it } from 'vitest'
import { ForbiddenError, UnauthorizedError } from '../errors.js'
import { generateAdminToken, TokenAuth, tokenDigest } from './token-auth.js'

const auth = new TokenAuth([
  { name: 'admin', token: 'admin-secret', scopes: ['admin'] },
  { name: 'reader', token: 'read-secret', scopes: ['read'] },
  { name: 'producer', token: 'publish-secret', scopes: ['publish', 'read'] },
])

describe('TokenAuth', () => {
  it('returns the principal of a token that has the scope', () => {
    expect(auth.authorize('Bearer read-secret', 'read').name).toBe('reader')
    expect(auth.authorize('bearer publish-secret', 'publish').name).toBe('producer')
  })

  it('lets admin do everything', () => {
    for (const scope of ['admin', 'publish', 'read'] as const) {
      expect(auth.authorize('Bearer admin-secret', scope).name).toBe('admin')
    }
  })

  it('rejects a missing, malformed or unknown token with 401 errors', () => {
    for (const header of [
      undefined,
      '',
      'Basic abc',
      'Bearer',
      'Bearer wrong',
      'Bearer read-secre',
      'Bearer read-secrett',
    ]) {
      expect(() => auth.authorize(header, 'read')).toThrow(UnauthorizedError)
    }
  })

  it('rejects a known token without the scope with a 403 error naming the scope', () => {
    expect(() => auth.authorize('Bearer read-secret', 'publish')).toThrow(ForbiddenError)
    expect(() => auth.authorize('Bearer publish-secret', 'admin')).toThrow(/lacks the "admin" scope/)
  })

  it('grants metrics to metrics and read tokens, and knows stored tokens by digest', () => {
    const stored = new TokenAuth(
      [{ name: 'producer', token: 'publish-secret', scopes: ['publish'] }],
      [{ name: 'scraper', scopes: ['metrics'], digest: tokenDigest('scrape-secret') }],
    )
    expect(stored.authorize('Bearer scrape-secret', 'metrics').name).toBe('scraper')
    expect(() => stored.authorize('Bearer scrape-secret', 'read')).toThrow(ForbiddenError)
    expect(() => stored.authorize('Bearer publish-secret', 'metrics')).toThrow(ForbiddenError)
    expect(auth.authorize('Bearer read-secret', 'metrics').name).toBe('reader')
  })

  it('generates a long random admin token', () => {
    const a = generateAdminToken()
    const b = generateAdminToken()
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.token).not.toBe(b.token)
    expect(new TokenAuth([a]).authorize(`Bearer ${a.token}`, 'admin').name).toBe('generated-admin')
  })
})
