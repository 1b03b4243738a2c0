import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuditRecord } from '@switchyard/core'
import { type FileServer, serveFiles, writeTar } from '@switchyard/marketplace/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'
import { startTestServer, type TestServer, TOKENS, testConfig, waitFor } from './support/test-server.js'

const PLUGIN = 'switchyard-plugin-audited'
const archive = writeTar([
  {
    path: 'package/package.json',
    data: JSON.stringify({ name: PLUGIN, version: '1.0.0', type: 'module', eventPlugin: './index.js' }),
  },
  { path: 'package/index.js', data: "export default { name: 'audited', version: '1.0.0', setup() {} }\n" },
])

let dir: string
let files: FileServer
let t: TestServer
let config: Record<string, unknown>
let deadLetterId: string
let started: string

const call = async (path: string, init: RequestInit & { as?: keyof typeof TOKENS | null } = {}) => {
  const res = await t.request(path, init)
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}
const post = (path: string, body?: unknown, as: keyof typeof TOKENS | null = 'admin') =>
  call(path, {
    method: 'POST',
    as,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
const trail = async (query = '') => {
  const { status, body } = await call(`/api/v1/audit${query}`)
  expect(status).toBe(200)
  return body as { records: AuditRecord[]; next: string | null }
}

/** A session of management work: an install, a refused and a good disable, a replay, an uninstall. */
async function session(): Promise<void> {
  expect(await post('/api/v1/plugins/install', { download_url: files.url('/audited.tgz') })).toMatchObject({
    status: 201,
  })
  expect(await post('/api/v1/events/plugins/greeter/disable', undefined, 'read')).toMatchObject({
    status: 403,
  })
  expect(await post('/api/v1/events/plugins/greeter/disable', undefined, null)).toMatchObject({ status: 401 })
  expect(await post('/api/v1/events/plugins/greeter/disable')).toMatchObject({ status: 200 })
  expect(await post('/api/v1/events/plugins/greeter/enable')).toMatchObject({ status: 200 })
  const published = await post('/api/v1/events', { type: 'flaky.audit' }, 'publish')
  deadLetterId = await waitFor(async () => {
    const { body } = await call('/api/v1/dead-letters?handler=flaky_handler', { as: 'read' })
    const found = (body.deadLetters as { id: string; event: { id: string } }[]).find(
      (dl) => dl.event.id === published.body.id,
    )
    return found?.id
  })
  expect(await post(`/api/v1/dead-letters/${deadLetterId}/replay`)).toMatchObject({ status: 200 })
  expect((await t.request('/healthz', { as: null })).status).toBe(200)
  expect(await call(`/api/v1/plugins/uninstall/${PLUGIN}`, { method: 'DELETE' })).toMatchObject({
    status: 200,
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-audit-'))
  files = await serveFiles({ '/audited.tgz': archive })
  config = testConfig({
    plugins: { flaky: {}, greeter: {}, recorder: { enabled: false } },
    storage: { driver: 'sqlite', path: join(dir, 'switchyard.db') },
    marketplace: { enabled: true, install_dir: join(dir, 'installed') },
    audit: { retention_days: 30 },
  })
  started = new Date().toISOString()
  t = await startTestServer(config)
  await session()
}, 60_000)

afterAll(async () => {
  await t?.close()
  await files?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('audit trail of management requests', { timeout: 30_000 }, () => {
  it('records each management request with who, what, target, outcome, request id and source', async () => {
    const { records } = await trail(`?from=${started}`)
    const actions = records.map((r) => [r.token, r.action, r.target, r.status])
    expect(actions).toEqual([
      ['admin', 'POST /api/v1/plugins/install', files.url('/audited.tgz'), 201],
      ['reader', 'POST /api/v1/events/plugins/:name/disable', 'greeter', 403],
      [null, 'POST /api/v1/events/plugins/:name/disable', 'greeter', 401],
      ['admin', 'POST /api/v1/events/plugins/:name/disable', 'greeter', 200],
      ['admin', 'POST /api/v1/events/plugins/:name/enable', 'greeter', 200],
      ['reader', 'GET /api/v1/dead-letters', null, 200],
      ...records
        .filter((r) => r.action === 'GET /api/v1/dead-letters')
        .slice(1)
        .map(() => ['reader', 'GET /api/v1/dead-letters', null, 200]),
      ['admin', 'POST /api/v1/dead-letters/:id/replay', deadLetterId, 200],
      ['admin', 'DELETE /api/v1/plugins/uninstall/:name{.+}', PLUGIN, 200],
    ])
    const install = records[0]!
    expect(install).toMatchObject({
      scopes: ['admin'],
      method: 'POST',
      path: '/api/v1/plugins/install',
      source: '127.0.0.1',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    // Publishing, health and the audit reads before this one are not management work of the session.
    expect(records.some((r) => r.path === '/api/v1/events' || r.path === '/healthz')).toBe(false)
  })

  it('keeps the request id the client sent', async () => {
    await t.request('/api/v1/events/plugins', { as: 'read', headers: { 'x-request-id': 'trace-me-42' } })
    const { records } = await trail('?action=GET%20/api/v1/events/plugins&token=reader')
    expect(records.at(-1)).toMatchObject({ requestId: 'trace-me-42', status: 200 })
  })

  it('filters by token, action and time range, and pages', async () => {
    const session = `from=${started}`
    const byReader = await trail(`?${session}&token=reader&action=disable`)
    expect(byReader.records.map((r) => r.status)).toEqual([403])
    const replays = await trail(`?${session}&action=replay`)
    expect(replays.records.map((r) => r.target)).toEqual([deadLetterId])
    const later = await trail(`?from=${new Date(Date.now() + 60_000).toISOString()}`)
    expect(later.records).toEqual([])
    const before = await trail(`?${session}&to=${started}`)
    expect(before.records).toEqual([])
    const first = await trail(`?${session}&limit=2`)
    expect(first.records).toHaveLength(2)
    expect(first.next).toBe(first.records[1]!.id)
    const second = await trail(`?${session}&limit=2&after=${first.next}`)
    expect(second.records[0]!.action).toBe('POST /api/v1/events/plugins/:name/disable')
    expect(second.records[0]!.token).toBeNull()
  })

  it('answers only admin tokens, and records the refusal', async () => {
    expect((await call('/api/v1/audit', { as: 'read' })).status).toBe(403)
    const { records } = await trail('?token=reader&action=audit')
    expect(records.at(-1)).toMatchObject({ action: 'GET /api/v1/audit', status: 403 })
    expect((await call('/api/v1/audit?from=yesterday')).status).toBe(400)
  })

  it('shows the trail from the CLI', async () => {
    const run = await runCli(['audit', '--json', '--action', 'replay', '--from', started], {
      SWITCHYARD_TOKEN: TOKENS.admin,
      SWITCHYARD_URL: t.url,
    })
    expect(run.code, run.stderr).toBe(0)
    expect((JSON.parse(run.stdout) as { records: AuditRecord[] }).records).toMatchObject([
      { action: 'POST /api/v1/dead-letters/:id/replay', target: deadLetterId, token: 'admin' },
    ])
  })

  it('keeps the trail in the store with the events: it survives a restart', async () => {
    const before = (await trail(`?from=${started}&action=install`)).records
    await t.close()
    t = await startTestServer(config)
    expect((await trail(`?from=${started}&action=install`)).records.slice(0, before.length)).toEqual(before)
  })

  it('refuses a retention that is not a positive whole number of days, naming file and line', async () => {
    const error = await startTestServer(testConfig({ audit: { retention_days: 0 } })).catch((e: unknown) => e)
    const message = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message
    expect(message).toMatch(/switchyard\.yaml:\d+:\d+: audit\.retention_days: expected >=1/)
  })
})
