import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig, waitFor } from './support/test-server.js'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer(testConfig({ plugins: { recorder: {}, flaky: {}, greeter: { enabled: false } } }))
})
afterAll(() => t.close())

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz without a token, with the status alone', async () => {
    const health = await t.request('/healthz', { as: null })
    expect(health.status).toBe(200)
    expect(Object.keys((await health.json()) as object)).toEqual(['status'])
    const ready = await t.request('/readyz', { as: null })
    expect(await ready.json()).toEqual({ status: 'ready' })
  })

  it('gives a token with read scope the details: plugins, checks, failures, the event loop, the reasons', async () => {
    const health = (await (await t.request('/healthz', { as: 'read' })).json()) as Record<string, unknown>
    expect(Object.keys(health).sort()).toEqual(['checks', 'eventLoop', 'failed', 'plugins', 'status'])
    expect(health.plugins).toHaveProperty('recorder')
    expect(health.eventLoop).toMatchObject({ maxDelayMs: expect.any(Number), p99DelayMs: expect.any(Number) })
    const ready = await t.request('/readyz', { as: 'read' })
    expect(await ready.json()).toEqual({ status: 'ready', reasons: [] })
    // A token without read scope sees what the public sees.
    expect(await (await t.request('/readyz', { as: 'publish' })).json()).toEqual({ status: 'ready' })
  })

  it('exposes Prometheus metrics fed by the bus: published, deliveries by status, durations, dead letters, plugin states', async () => {
    await t.request('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'flaky.boom' }),
    })
    const text = await waitFor(async () => {
      const body = await (await t.request('/metrics', { as: 'read' })).text()
      return body.includes('switchyard_dead_letters_total{handler="flaky_handler"} 1') ? body : undefined
    })
    expect(text).toMatch(/switchyard_events_published_total \d+/)
    expect(text).toContain('switchyard_deliveries_total{handler="recorder",status="succeeded"} 1')
    expect(text).toContain('switchyard_handler_duration_seconds_count{handler="recorder"} 1')
    expect(text).toContain('switchyard_plugin_state{plugin="recorder",state="started"} 1')
    expect(text).toContain('switchyard_plugin_state{plugin="greeter",state="disabled"} 1')
    // prom-client's process metrics and the event loop's delay
    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_active_handles_total',
      'switchyard_event_loop_delay_max_seconds',
      'switchyard_event_loop_stalled',
    ])
      expect(text).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\d`, 'm'))
  })
})

describe('OpenAPI', () => {
  it('describes every endpoint, with request schemas from the validating valibot schemas', async () => {
    const res = await t.request('/openapi.json', { as: 'read' })
    const doc = (await res.json()) as {
      openapi: string
      paths: Record<string, Record<string, Record<string, unknown>>>
    }
    expect(doc.openapi).toBe('3.1.0')
    for (const path of [
      '/api/v1/events',
      '/api/v1/events/stream',
      '/api/v1/events/explain',
      '/api/v1/events/{id}/deliveries',
      '/api/v1/events/catalog',
      '/api/v1/events/reload-config',
      '/api/v1/events/plugins',
      '/api/v1/events/plugins/{name}/enable',
      '/api/v1/events/plugins/{name}/disable',
      '/api/v1/plugins/marketplace',
      '/api/v1/plugins/install',
      '/api/v1/plugins/uninstall/{name}',
      '/api/v1/dead-letters',
      '/api/v1/dead-letters/{id}/replay',
      '/plugins/status',
      '/plugins/{name}/health',
      '/plugins/metrics',
      '/plugins/{name}/reload',
      '/extension-points',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(doc.paths, path).toHaveProperty([path])
    }
    const publish = doc.paths['/api/v1/events']!.post as {
      requestBody: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> }
      security: unknown[]
    }
    expect(Object.keys(publish.requestBody.content)).toEqual([
      'application/json',
      'application/cloudevents+json',
      '*/*',
    ])
    expect(publish.requestBody.content['application/json']!.schema.properties).toHaveProperty('type')
    expect(publish.security).toEqual([{ bearer: [] }])
    expect((doc.paths['/healthz']!.get as { security: unknown[] }).security).toEqual([])
  })
})

describe('marketplace when disabled', () => {
  it('answers 409 E_MARKETPLACE_DISABLED', async () => {
    const res = await t.request('/api/v1/plugins/marketplace', { as: 'read' })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_MARKETPLACE_DISABLED')
  })

  it('validates the install body before anything else', async () => {
    const res = await t.request('/api/v1/plugins/install', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ download_url: 'not a url' }),
    })
    expect(res.status).toBe(400)
  })
})
