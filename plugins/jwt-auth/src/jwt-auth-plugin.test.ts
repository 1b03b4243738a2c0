import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { authenticate, createTestHost, type TestHost } from '@switchyard/testing'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { jwtAuthPlugin } from './jwt-auth-plugin.js'

const SECRET = 'a-test-secret-of-at-least-32-characters!'
const hosts: TestHost[] = []
const servers: Server[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
})

async function start(config: Record<string, unknown>): Promise<TestHost> {
  const host = await createTestHost({ plugins: [jwtAuthPlugin], config: { 'jwt-auth': config } })
  hosts.push(host)
  return host
}

const hs256 = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setIssuer('https://id.test')
    .setAudience('switchyard')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret))

const HS_CONFIG = { secret: SECRET, issuer: 'https://id.test', audience: 'switchyard' }

describe('jwt-auth with a shared secret (HS256)', () => {
  it('turns a valid token into a principal with the scopes of its claim', async () => {
    const host = await start(HS_CONFIG)
    expect(
      await authenticate(host, { authorization: `Bearer ${await hs256({ scope: 'read publish' })}` }),
    ).toEqual({
      name: 'alice',
      scopes: ['read', 'publish'],
    })
  })

  it('maps claim values to scopes with scope_map, dropping unknown ones', async () => {
    const host = await start({
      ...HS_CONFIG,
      scopes_claim: 'roles',
      scope_map: { ops: ['admin'], viewer: ['read'] },
    })
    const token = await hs256({ roles: ['viewer', 'intern'] })
    expect(await authenticate(host, { authorization: `Bearer ${token}` })).toEqual({
      name: 'alice',
      scopes: ['read'],
    })
  })

  it('refuses an expired token, a wrong audience, a bad signature and alg none, each with its reason', async () => {
    const host = await start(HS_CONFIG)
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('https://id.test')
      .setAudience('switchyard')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET))
    await expect(authenticate(host, { authorization: `Bearer ${expired}` })).rejects.toThrow('token expired')
    const wrongAudience = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('https://id.test')
      .setAudience('billing')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET))
    await expect(authenticate(host, { authorization: `Bearer ${wrongAudience}` })).rejects.toThrow(
      'claim "aud" check failed',
    )
    const forged = await hs256({ scope: 'admin' }, 'another-secret-of-at-least-32-characters')
    await expect(authenticate(host, { authorization: `Bearer ${forged}` })).rejects.toThrow('bad signature')
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const exp = Math.floor(Date.now() / 1000) + 300
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'mallory', scope: 'admin', aud: 'switchyard', iss: 'https://id.test', exp })}.`
    await expect(authenticate(host, { authorization: `Bearer ${none}` })).rejects.toThrow(
      /"alg" \(Algorithm\) Header Parameter value not allowed|Unsupported/,
    )
  })

  it('leaves a request without a JWT to the static tokens', async () => {
    const host = await start(HS_CONFIG)
    expect(await authenticate(host, { authorization: 'Bearer static-admin-token' })).toBeUndefined()
    expect(await authenticate(host, { authorization: '' })).toBeUndefined()
  })

  it('refuses a config without exactly one key source, or with a short secret', async () => {
    await expect(start({ audience: 'x' })).rejects.toThrow(
      'set exactly one of secret, public_key or jwks_url',
    )
    await expect(start({ secret: 'short' })).rejects.toThrow(
      'secret: expected a secret of at least 32 characters',
    )
  })
})

describe('jwt-auth with public keys', () => {
  it('verifies RS256 tokens against a PEM public key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256')
    const host = await start({ public_key: await exportSPKI(publicKey), audience: 'switchyard' })
    const token = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('svc-reporting')
      .setAudience('switchyard')
      .setExpirationTime('5m')
      .sign(privateKey)
    expect(await authenticate(host, { authorization: `Bearer ${token}` })).toEqual({
      name: 'svc-reporting',
      scopes: ['read'],
    })
  })

  it('verifies ES256 tokens against a JWKS served on loopback, fetching the set once while it is cached', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }
    let fetches = 0
    const server = createServer((_req, res) => {
      fetches++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: [jwk] }))
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const host = await start({ jwks_url: `http://127.0.0.1:${port}/jwks.json`, audience: 'switchyard' })
    const sign = (sub: string) =>
      new SignJWT({ scope: ['publish'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'key-1' })
        .setSubject(sub)
        .setAudience('switchyard')
        .setExpirationTime('5m')
        .sign(privateKey)
    expect(await authenticate(host, { authorization: `Bearer ${await sign('producer-a')}` })).toEqual({
      name: 'producer-a',
      scopes: ['publish'],
    })
    expect(await authenticate(host, { authorization: `Bearer ${await sign('producer-b')}` })).toMatchObject({
      name: 'producer-b',
    })
    expect(fetches).toBe(1)
    const { privateKey: otherKey } = await generateKeyPair('ES256')
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'key-1' })
      .setSubject('x')
      .setAudience('switchyard')
      .setExpirationTime('5m')
      .sign(otherKey)
    await expect(authenticate(host, { authorization: `Bearer ${foreign}` })).rejects.toThrow('bad signature')
  })
})

describe('the auth:authenticate permission', () => {
  it('is needed to contribute to auth.authenticate', async () => {
    const sneaky = { ...jwtAuthPlugin, name: 'sneaky', permissions: [] }
    await expect(
      createTestHost({ plugins: [sneaky], config: { sneaky: { secret: SECRET } } }),
    ).rejects.toThrow(/auth:authenticate/)
  })
})
