import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { OpenApiChecker } from './support/openapi-checker.js'
import { useTarballMarketplace } from './support/served-tarball.js'
import { FIXTURE_PLUGINS, TOKENS, waitFor } from './support/test-server.js'

const INSTALLABLE = fileURLToPath(new URL('fixtures/installable', import.meta.url))

type Doc = {
  tags: { name: string; description?: string }[]
  components: { schemas: Record<string, unknown> }
  paths: Record<string, Record<string, { tags: string[]; responses: Record<string, { content?: object }> }>>
}

const market = useTarballMarketplace(
  INSTALLABLE,
  {},
  {
    plugins: { recorder: {}, flaky: {}, greeter: {} },
    auth: {
      tokens: [{ name: 'admin', token: TOKENS.admin, scopes: ['admin'] }],
      public_paths: ['/healthz', '/readyz', '/docs', '/openapi.json'],
    },
  },
)

const document = async () => (await (await market.t.request('/openapi.json', { as: null })).json()) as Doc

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document whose every success answer with a body has a schema', async () => {
    const doc = await document()
    await OpenApiChecker.fromDocument(doc)
    const missing: string[] = []
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const success = status === 'default' || Number(status) < 400
          if (success && status !== '204' && response.content === undefined)
            missing.push(`${method} ${path} ${status}`)
        }
      }
    }
    expect(missing).toEqual([])
    // Shared shapes are named once and referred to.
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'Event', 'DeadLetter', 'PluginStatus', 'InstalledPlugin']),
    )
    expect(JSON.stringify(doc.paths['/api/v1/events/plugins'])).toContain('#/components/schemas/PluginStatus')
  })

  it("lists a running plugin's routes under its tag, and drops them when the plugin stops", async () => {
    const hello = (doc: Doc) => doc.paths['/plugins/greeter/hello']?.get
    const before = await document()
    expect(hello(before)?.tags).toEqual(['greeter'])
    expect(before.tags).toContainEqual({ name: 'greeter', description: expect.stringContaining('fixture') })
    expect(
      (await market.t.request('/api/v1/events/plugins/greeter/disable', { method: 'POST' })).status,
    ).toBe(200)
    expect(hello(await document())).toBeUndefined()
    expect((await market.t.request('/api/v1/events/plugins/greeter/enable', { method: 'POST' })).status).toBe(
      200,
    )
    expect(hello(await document())?.tags).toEqual(['greeter'])
  })

  it('answers every request of a real run as its schema declares', async () => {
    const checker = await OpenApiChecker.fromDocument(await document())
    const admin = { authorization: `Bearer ${TOKENS.admin}` }
    const json = { ...admin, 'content-type': 'application/json' }
    const call = (path: string, init: RequestInit = {}) =>
      checker.fetch(market.t.url, path, { ...init, headers: { ...admin, ...(init.headers as object) } })
    const post = (path: string, body?: unknown) =>
      checker.fetch(market.t.url, path, {
        method: 'POST',
        headers: json,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })

    // System
    await waitFor(async () => ((await call('/readyz')).status === 200 ? true : undefined))
    for (const path of ['/healthz', '/metrics', '/openapi.json', '/docs']) await call(path)
    await checker.fetch(market.t.url, '/healthz')
    await checker.fetch(market.t.url, '/api/v1/events/plugins') // 401

    // Events: publish, explain, the ledger, the catalog, the stream, bad input
    const accepted = (await (
      await post('/api/v1/events', { type: 'greeting.hi', data: { vip: true } })
    ).json()) as {
      id: string
    }
    await post('/api/v1/events', { type: '' })
    await checker.fetch(market.t.url, '/api/v1/events', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'text/csv' },
      body: 'x',
    })
    await post('/api/v1/events/explain', { type: 'greeting.hi', data: { vip: false } })
    await waitFor(async () => {
      const res = await call(`/api/v1/events/${accepted.id}/deliveries`)
      return res.status === 200 ? true : undefined
    })
    await call('/api/v1/events/unknown-id/deliveries')
    await call('/api/v1/events/catalog')
    await call('/api/v1/events/stream?pattern=order.**&outcomes=true')
    await call('/api/v1/events/stream?format=xml')

    // Dead letters: flaky's handler fails, with one attempt it is dead-lettered at once.
    await post('/api/v1/events', { type: 'flaky.boom' })
    const deadLetterId = await waitFor(async () => {
      const page = (await (await call('/api/v1/dead-letters?limit=10')).json()) as {
        deadLetters: { id: string }[]
      }
      return page.deadLetters[0]?.id
    })
    await call('/api/v1/dead-letters?limit=0')
    await call(`/api/v1/dead-letters/${deadLetterId}`)
    await call(`/api/v1/dead-letters/${deadLetterId}/replay`, { method: 'POST' })
    await call(`/api/v1/dead-letters/${deadLetterId}`, { method: 'DELETE' })
    await call('/api/v1/dead-letters/missing', { method: 'DELETE' })

    // Plugins
    await call('/api/v1/events/plugins')
    await call('/api/v1/events/plugins/recorder/disable', { method: 'POST' })
    await call('/api/v1/events/plugins/recorder/enable', { method: 'POST' })
    await call('/api/v1/events/plugins/nobody/enable', { method: 'POST' })
    await post('/api/v1/events/plugins/greeter/load', { path: join(FIXTURE_PLUGINS, 'greeter') })
    await post('/api/v1/events/plugins/nobody/load', {})
    await post('/api/v1/events/reload-config')
    await call('/api/v1/events/plugins/greeter/config-schema')
    await call('/api/v1/events/plugins/greeter/config')
    await call('/plugins/status')
    await call('/plugins/metrics')
    await call('/plugins/recorder/health')
    await call('/plugins/recorder/reload', { method: 'POST' })
    await call('/plugins/greeter/hello')
    await call('/extension-points')

    // Marketplace: install from a tarball URL, an upgrade it cannot do, uninstall
    await call('/api/v1/plugins/marketplace')
    await post('/api/v1/plugins/install', { download_url: market.tarball.url })
    await post('/api/v1/plugins/install', { download_url: 'ftp://nowhere' })
    await checker.fetch(market.t.url, '/api/v1/plugins/install', {
      method: 'POST',
      headers: { ...json, accept: 'text/event-stream' },
      body: JSON.stringify({ download_url: market.tarball.url }),
    })
    await post('/api/v1/plugins/upgrade', { name: 'switchyard-plugin-installable' })
    await call('/api/v1/plugins/uninstall/switchyard-plugin-installable', { method: 'DELETE' })
    await call('/api/v1/plugins/uninstall/switchyard-plugin-installable', { method: 'DELETE' })

    // Admin UI endpoints: sign-in session, configuration in force, stats
    const sameOrigin = { ...json, origin: market.t.url }
    const signIn = (token: string) =>
      checker.fetch(market.t.url, '/api/v1/session', {
        method: 'POST',
        headers: sameOrigin,
        body: JSON.stringify({ token }),
      })
    const cookie = (await signIn(TOKENS.admin)).headers.get('set-cookie')?.split(';')[0] ?? ''
    await signIn('wrong')
    await post('/api/v1/session', { token: TOKENS.admin }) // no Origin: refused
    await checker.fetch(market.t.url, '/api/v1/session', { headers: { cookie } })
    await checker.fetch(market.t.url, '/api/v1/session', {
      method: 'DELETE',
      headers: { cookie, origin: market.t.url },
    })
    await call('/api/v1/config')
    await call('/api/v1/stats?seconds=60')

    // The fixture plugins' own routes
    await call('/plugins/recorder/events')
    await post('/plugins/recorder/echo', { hello: 'world' })
    await call('/plugins/flaky/heal', { method: 'POST' })

    // Services and the audit trail
    await call('/api/v1/services?name=none')
    await call('/api/v1/audit?limit=5')
    await call('/api/v1/audit?from=yesterday')

    const untested = checker.operations().filter((op) => !checker.exercised.has(op))
    // Operations added by other work are checked by their own tests; these are the ones this run covers.
    expect(untested.filter((op) => BASELINE.includes(op))).toEqual([])
  })
})

describe('/docs', () => {
  it("renders Scalar's reference from this server alone: the script and the document it loads are ours", async () => {
    const res = await market.t.request('/docs', { as: null })
    expect(res.status).toBe(200)
    const html = await res.text()
    // No address of another host anywhere in the page: an air-gapped browser can render it.
    expect(html.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi) ?? []).toEqual([])
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])
    expect(scripts).toEqual(['/docs/scalar.js'])
    const config = html.match(/"url":\s*"([^"]+)"/)?.[1]
    expect(config).toBe('/openapi.json')
    const bundle = await fetch(`${market.t.url}${scripts[0]}`)
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toContain('javascript')
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000)
    const spec = await fetch(`${market.t.url}${config}`)
    expect(((await spec.json()) as { openapi: string }).openapi).toBe('3.1.0')
  })
})

/** The operations this run exercises (every one the API had when this test was last extended). */
const BASELINE = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
  'POST /api/v1/events',
  'POST /api/v1/events/explain',
  'GET /api/v1/events/{id}/deliveries',
  'GET /api/v1/events/catalog',
  'GET /api/v1/events/stream',
  'GET /api/v1/dead-letters',
  'GET /api/v1/dead-letters/{id}',
  'POST /api/v1/dead-letters/{id}/replay',
  'DELETE /api/v1/dead-letters/{id}',
  'GET /api/v1/events/plugins',
  'POST /api/v1/events/plugins/{name}/enable',
  'POST /api/v1/events/plugins/{name}/disable',
  'POST /api/v1/events/plugins/{name}/load',
  'POST /api/v1/events/reload-config',
  'GET /api/v1/events/plugins/{name}/config-schema',
  'GET /api/v1/events/plugins/{name}/config',
  'GET /plugins/status',
  'GET /plugins/metrics',
  'GET /plugins/{name}/health',
  'POST /plugins/{name}/reload',
  'GET /plugins/greeter/hello',
  'GET /extension-points',
  'GET /api/v1/plugins/marketplace',
  'POST /api/v1/plugins/install',
  'POST /api/v1/plugins/upgrade',
  'DELETE /api/v1/plugins/uninstall/{name}',
  'GET /api/v1/services',
  'GET /api/v1/audit',
  'POST /api/v1/session',
  'GET /api/v1/session',
  'DELETE /api/v1/session',
  'GET /api/v1/config',
  'GET /api/v1/stats',
  'GET /plugins/recorder/events',
  'POST /plugins/recorder/echo',
  'POST /plugins/flaky/heal',
]
