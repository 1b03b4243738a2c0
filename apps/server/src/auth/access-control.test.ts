import { describe, expect, it } from 'vitest'
import { AccessControl } from './access-control.js'

describe('AccessControl', () => {
  it('treats exact and trailing-star public paths as public, and nothing else', () => {
    const access = new AccessControl([], ['/healthz', '/plugins/greeter/*'])
    expect(access.isPublic('/healthz')).toBe(true)
    expect(access.isPublic('/healthz/x')).toBe(false)
    expect(access.isPublic('/plugins/greeter/hello')).toBe(true)
    expect(access.isPublic('/plugins/recorder/events')).toBe(false)
  })

  it('swaps tokens and public paths on update', () => {
    const access = new AccessControl([], ['/metrics'])
    access.update([{ name: 'a', token: 't', scopes: ['read'] }], [])
    expect(access.isPublic('/metrics')).toBe(false)
  })

  it('tells whether a header grants a scope, without throwing', async () => {
    const access = new AccessControl(
      [
        { name: 'r', token: 'read-1', scopes: ['read'] },
        { name: 'p', token: 'pub-1', scopes: ['publish'] },
      ],
      ['/healthz'],
    )
    expect(await access.grants('Bearer read-1', 'read')).toBe(true)
    expect(await access.grants('Bearer pub-1', 'read')).toBe(false)
    expect(await access.grants('Bearer nope', 'read')).toBe(false)
    expect(await access.grants(undefined, 'read')).toBe(false)
  })
})
