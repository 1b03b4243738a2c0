import { noopLogger } from '@switchyard/core'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { errorHandler } from '../http/error-response.js'
import type { ServerEnv } from '../http/server-env.js'
import { assertSameOrigin, setSessionCookie } from './session-cookie.js'

function app() {
  const app = new Hono<ServerEnv>()
  app.get('/cookie', (c) => {
    setSessionCookie(c, 'session-id', 60_000)
    return c.text('ok')
  })
  app.post('/act', (c) => {
    assertSameOrigin(c)
    return c.text('done')
  })
  app.onError(errorHandler(noopLogger))
  return app
}

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict and expiring; Secure only behind https', async () => {
    const plain = (await app().request('http://127.0.0.1/cookie')).headers.get('set-cookie')!
    expect(plain).toContain('switchyard_session=session-id')
    expect(plain).toMatch(/HttpOnly/)
    expect(plain).toMatch(/SameSite=Strict/)
    expect(plain).toMatch(/Max-Age=60/)
    expect(plain).not.toMatch(/Secure/)
    const proxied = await app().request('http://127.0.0.1/cookie', {
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(proxied.headers.get('set-cookie')).toMatch(/Secure/)
  })

  it('lets a state-changing request through only from its own origin', async () => {
    const post = (headers: Record<string, string>) =>
      app().request('http://admin.example/act', {
        method: 'POST',
        headers: { host: 'admin.example', ...headers },
      })
    expect((await post({ origin: 'http://admin.example' })).status).toBe(200)
    for (const origin of [undefined, 'null', 'https://evil.example', 'not a url']) {
      const response = await post(origin === undefined ? {} : { origin })
      expect(response.status, `Origin ${origin}`).toBe(403)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('E_CROSS_ORIGIN')
    }
  })
})
