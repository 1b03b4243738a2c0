import { createTestHost, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { HealthSummary } from './check-scheduler.js'
import { healthChecksPlugin } from './health-checks-plugin.js'
import { closedPort, shouldTest, startHttpServer } from './test-support/local-services.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function start(checks: Record<string, unknown>[]): Promise<TestHost> {
  const host = await createTestHost({
    plugins: [healthChecksPlugin],
    config: { 'health-checks': { checks } },
  })
  cleanup.push(() => host.stop())
  return host
}

async function httpServer(status: number) {
  const server = await startHttpServer(status)
  cleanup.push(server.close)
  return server
}

async function summary(host: TestHost): Promise<{ status: number; body: HealthSummary }> {
  const res = await host.request('/plugins/health-checks/health')
  return { status: res.status, body: (await res.json()) as HealthSummary }
}

describe('health-checks plugin', () => {
  it('reports ok when every check passes, through its route and health.check', async () => {
    const server = await httpServer(200)
    const host = await start([
      { name: 'api', type: 'http', url: `http://127.0.0.1:${server.port}/healthz` },
      { name: 'api-port', type: 'tcp', url: `tcp://127.0.0.1:${server.port}` },
    ])
    const { status, body } = await summary(host)
    expect(status).toBe(200)
    expect(body.status).toBe('ok')
    expect(body.checks.map((c) => [c.name, c.status])).toEqual([
      ['api', 'ok'],
      ['api-port', 'ok'],
    ])
    const health = await host.health()
    expect(health.status).toBe('ok')
    expect(health.checks).toEqual([expect.objectContaining({ owner: 'health-checks' })])
  })

  it('is degraded when a non-critical check fails and 503/error when a critical one does', async () => {
    const port = await closedPort()
    const degraded = await start([
      { name: 'cache', type: 'tcp', url: `tcp://127.0.0.1:${port}`, critical: false },
    ])
    expect((await summary(degraded)).body.status).toBe('degraded')
    expect((await degraded.health()).status).toBe('degraded')

    const down = await start([{ name: 'db', type: 'tcp', url: `tcp://127.0.0.1:${port}` }])
    const { status, body } = await summary(down)
    expect(status).toBe(503)
    expect(body.checks[0]?.error).toMatch(/ECONNREFUSED/)
    const health = await down.health()
    expect(health.status).toBe('error')
    expect(health.checks[0]?.result.message).toBe('failing: db')
  })

  it('probes again on its interval and notices a dependency going away', async () => {
    const server = await startHttpServer(200)
    const host = await start([
      {
        name: 'api',
        type: 'http',
        url: `http://127.0.0.1:${server.port}/`,
        interval_ms: 100,
        timeout_ms: 200,
      },
    ])
    expect((await summary(host)).body.status).toBe('ok')
    await server.close()
    await vi.waitFor(async () => expect((await summary(host)).body.status).toBe('error'), { timeout: 3000 })
  })

  it('refuses a config whose URL does not fit the check type, naming the path', async () => {
    await expect(start([{ name: 'db', type: 'postgres', url: 'http://127.0.0.1:5432' }])).rejects.toThrow(
      /checks\.0\.url: expected a URL starting with postgres:\/\/ or postgresql:\/\//,
    )
  })
})

describe.runIf(await shouldTest(4222))('health-checks plugin with NATS on 127.0.0.1:4222', () => {
  it('reports the NATS check ok with the server version', async () => {
    const host = await start([{ name: 'nats', type: 'nats', url: 'nats://127.0.0.1:4222' }])
    const { body } = await summary(host)
    expect(body.checks[0]).toMatchObject({ name: 'nats', status: 'ok' })
    expect(body.checks[0]?.details?.server_version).toBeTruthy()
  })
})
