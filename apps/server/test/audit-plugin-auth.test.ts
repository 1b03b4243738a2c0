import { createHmac } from 'node:crypto'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AuditRecord } from '@switchyard/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'
import {
  FIXTURE_PLUGINS,
  startTestServer,
  type TestServer,
  TOKENS,
  testConfig,
} from './support/test-server.js'

const JWT_AUTH = fileURLToPath(new URL('../../../plugins/jwt-auth', import.meta.url))
const SECRET = 'an-audit-test-secret-of-32-characters-or-more'

/** An HS256 JWT signed with the plugin's secret: what an identity provider would issue. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })}`
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`
}

let dir: string
let t: TestServer
let started: string

const post = (path: string, authorization: string) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization } })

beforeAll(async () => {
  // The real jwt-auth package, found in a plugin directory of its own beside the fixture plugins.
  dir = await mkdtemp(join(tmpdir(), 'switchyard-audit-jwt-'))
  await symlink(JWT_AUTH, join(dir, 'jwt-auth'))
  t = await startTestServer(
    testConfig({
      plugin_directories: [FIXTURE_PLUGINS, dir],
      plugins: { greeter: {}, 'jwt-auth': { config: { secret: SECRET } } },
    }),
  )
  started = new Date().toISOString()
}, 60_000)

afterAll(async () => {
  await t?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('audit trail of requests a plugin authenticated', { timeout: 30_000 }, () => {
  it('names the principal, its scopes and the plugin that authenticated it, granted or refused', async () => {
    const alice = `Bearer ${jwt({ sub: 'alice', scope: 'admin' })}`
    const bob = `Bearer ${jwt({ sub: 'bob', scope: 'read' })}`
    expect((await post('/api/v1/events/plugins/greeter/disable', alice)).status).toBe(200)
    expect((await post('/api/v1/events/plugins/greeter/enable', bob)).status).toBe(403)
    expect((await post('/api/v1/events/plugins/greeter/enable', `Bearer ${TOKENS.admin}`)).status).toBe(200)

    const res = await t.request(`/api/v1/audit?from=${started}&action=/plugins/:name/`)
    const { records } = (await res.json()) as { records: AuditRecord[] }
    expect(records.map((r) => [r.token, r.scopes, r.authenticatedBy, r.action, r.status])).toEqual([
      ['alice', ['admin'], 'jwt-auth', 'POST /api/v1/events/plugins/:name/disable', 200],
      ['bob', ['read'], 'jwt-auth', 'POST /api/v1/events/plugins/:name/enable', 403],
      // a static token is the token's own record, as before
      ['admin', ['admin'], undefined, 'POST /api/v1/events/plugins/:name/enable', 200],
    ])
    const byAlice = await t.request(`/api/v1/audit?from=${started}&token=alice`)
    expect(((await byAlice.json()) as { records: AuditRecord[] }).records).toHaveLength(1)
  })

  it('shows the plugin beside the principal in `switchyard audit`', async () => {
    const run = await runCli(['audit', '--token', 'alice', '--from', started], {
      SWITCHYARD_TOKEN: TOKENS.admin,
      SWITCHYARD_URL: t.url,
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('alice (jwt-auth)')
  })
})
