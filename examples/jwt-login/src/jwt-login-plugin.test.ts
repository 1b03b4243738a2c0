import jwtAuth from '@switchyard/plugin-jwt-auth'
import { authenticate, createTestHost, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { jwtLoginPlugin } from './jwt-login-plugin.js'

const SECRET = 'example-secret-of-at-least-32-characters'
const hosts: TestHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

async function start(tokenExpiry = 3600) {
  const host = await createTestHost({
    plugins: [jwtLoginPlugin, jwtAuth],
    config: {
      'jwt-login': {
        jwt_secret: SECRET,
        token_expiry: tokenExpiry,
        users: { alice: { password: 'wonderland', scopes: ['read', 'publish'] } },
      },
      'jwt-auth': { secret: SECRET, audience: 'switchyard', clock_tolerance_s: 0 },
    },
  })
  hosts.push(host)
  return host
}

const login = (host: TestHost, username: string, password: string) =>
  host.request('/plugins/jwt-login/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })

describe('jwt-login with jwt-auth', () => {
  it('issues a token that jwt-auth turns into the user with their scopes', async () => {
    const host = await start()
    const res = await login(host, 'alice', 'wonderland')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number }
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 })
    expect(await authenticate(host, { authorization: `Bearer ${body.access_token}` })).toEqual({
      name: 'alice',
      scopes: ['read', 'publish'],
    })
  })

  it('refuses a wrong password, and a token once it expired', async () => {
    const host = await start(1)
    expect((await login(host, 'alice', 'guess')).status).toBe(401)
    const { access_token: token } = (await (await login(host, 'alice', 'wonderland')).json()) as {
      access_token: string
    }
    await new Promise((resolve) => setTimeout(resolve, 2100))
    await expect(authenticate(host, { authorization: `Bearer ${token}` })).rejects.toThrow('token expired')
  })

  it('refuses a short secret, naming the key', async () => {
    await expect(
      createTestHost({
        plugins: [jwtLoginPlugin],
        config: { 'jwt-login': { jwt_secret: 'short', users: {} } },
      }),
    ).rejects.toThrow(/jwt_secret: expected a secret of at least 32 characters/)
  })
})
