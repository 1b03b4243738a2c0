import { describe, expect, it } from 'vitest'
import { signPayload, verifySignature } from './webhook-signature.js'

const secret = 'whsec_test_0123456789'

describe('signPayload / verifySignature', () => {
  it('produces a header that verifies against the same body and secret', () => {
    const header = signPayload('{"a":1}', secret, 1_700_000_000)
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/)
    expect(verifySignature(header, '{"a":1}', secret, { now: 1_700_000_010 })).toBe(true)
  })

  it('refuses a changed body, another secret, a stale timestamp and garbage', () => {
    const header = signPayload('{"a":1}', secret, 1_700_000_000)
    expect(verifySignature(header, '{"a":2}', secret, { now: 1_700_000_000 })).toBe(false)
    expect(verifySignature(header, '{"a":1}', 'whsec_other_0123456', { now: 1_700_000_000 })).toBe(false)
    expect(verifySignature(header, '{"a":1}', secret, { now: 1_700_000_301 })).toBe(false)
    expect(verifySignature('t=1,v1=zz', '{"a":1}', secret)).toBe(false)
    expect(verifySignature(undefined, '{"a":1}', secret)).toBe(false)
  })

  it('accepts any of several v1 signatures, as during a secret rotation', () => {
    const old = signPayload('x', 'whsec_old_0123456789', 1_700_000_000)
    const current = signPayload('x', secret, 1_700_000_000)
    const both = `${old},${current.split(',')[1]}`
    expect(verifySignature(both, 'x', secret, { now: 1_700_000_000 })).toBe(true)
  })
})
