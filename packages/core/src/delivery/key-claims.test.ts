import { describe, expect, it } from 'vitest'
import { KeyClaims } from './key-claims.js'

describe('KeyClaims', () => {
  it('refuses a key while it is held, whether it was claimed first or alongside others', () => {
    const claims = new KeyClaims()
    expect(claims.claim('k1')).toBe(true)
    expect(claims.claim('k2')).toBe(true)
    expect([claims.claim('k1'), claims.claim('k2')]).toEqual([false, false])
    claims.release('k1')
    expect([claims.claim('k1'), claims.claim('k2')]).toEqual([true, false])
    claims.release('k2')
    claims.release('k1')
    expect([claims.claim('k2'), claims.claim('k1')]).toEqual([true, true])
  })

  it('wakes every delivery waiting for a key when its holder releases it, and only then', async () => {
    const claims = new KeyClaims()
    const woken: string[] = []
    claims.claim('k1')
    claims.claim('k2')
    for (const key of ['k1', 'k1', 'k2'])
      if (!claims.claim(key)) void claims.released(key).then(() => woken.push(key))
    claims.release('k2')
    await Promise.resolve()
    expect(woken).toEqual(['k2'])
    expect(claims.claim('k1')).toBe(false)
    claims.release('k1')
    await Promise.resolve()
    expect(woken).toEqual(['k2', 'k1', 'k1'])
    expect(claims.claim('k1')).toBe(true)
  })
})
