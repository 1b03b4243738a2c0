import { describe, expect, it } from 'vitest'
import { SessionStore } from './session-store.js'

describe('SessionStore', () => {
  it('finds a session by its id until it expires, then forgets it', () => {
    let now = 1_000
    const sessions = new SessionStore({ ttlMs: 100, now: () => now })
    const digest = Buffer.from('digest')
    const { id, session } = sessions.create(digest)
    expect(id).toMatch(/^[\w-]{43}$/)
    expect(session.expiresAt).toBe(1_100)
    expect(sessions.get(id)?.digest).toBe(digest)
    now = 1_100
    expect(sessions.get(id)).toBeUndefined()
  })

  it('ends a session on delete and tells whether there was one', () => {
    const sessions = new SessionStore()
    const { id } = sessions.create(Buffer.from('d'))
    expect(sessions.delete(id)).toBe(true)
    expect(sessions.get(id)).toBeUndefined()
    expect(sessions.delete(id)).toBe(false)
  })
})
