import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../src/runtime/start-server.js'
import { type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.js'
import { type ServerProcess, startServerProcess } from './support/server-process.js'
import { startTestServer, testConfig, waitFor } from './support/test-server.js'
import { publishTraced, tracedConfig } from './support/traced-config.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
// Spans leave within 50 ms of ending (the server child process inherits it too).
process.env.OTEL_BSP_SCHEDULE_DELAY = '50'
const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('telemetry export', () => {
  it('delivers as usual with the collector down: its spans are dropped and counted', async () => {
    const t = await startTestServer(tracedConfig(`http://127.0.0.1:${await closedPort()}`))
    cleanups.push(() => t.close())
    const started = performance.now()
    const ids: string[] = []
    for (let i = 0; i < 20; i++) {
      const res = await t.request('/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'order.created', data: { orderId: `D${i}` } }),
      })
      expect(res.status).toBe(202)
      ids.push(((await res.json()) as { id: string }).id)
    }
    for (const id of ids) {
      await waitFor(async () => {
        const res = await t.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })
        const { deliveries } = (await res.json()) as { deliveries: { status: string }[] }
        return deliveries.length === 3 && deliveries.every((d) => d.status === 'succeeded') ? true : undefined
      })
    }
    // Generous for a loaded machine; a delivery waiting on the collector would take its 10 s export timeout.
    expect(performance.now() - started).toBeLessThan(8000)
    const dropped = await waitFor(async () => {
      const text = await (await t.request('/metrics', { as: 'read' })).text()
      const value = Number(/^switchyard_telemetry_spans_dropped_total (\d+)/m.exec(text)?.[1] ?? 0)
      return value > 0 ? value : undefined
    }, 30_000)
    expect(dropped).toBeGreaterThan(0)
    // The spans still queued cannot be flushed either: the server stops all the same.
    await t.close()
  }, 60_000)

  it('writes trace_id and span_id on the log lines written inside a span', async () => {
    const receiver: OtlpReceiver = await startOtlpReceiver()
    cleanups.push(() => receiver.close())
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-trace-logs-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const configFile = join(dir, 'switchyard.json')
    await writeFile(configFile, JSON.stringify(tracedConfig(receiver.url)))
    const server: ServerProcess = await startServerProcess(configFile)
    cleanups.push(async () => {
      server.child.kill('SIGTERM')
      await server.exited
    })
    const res = await publishTraced(
      server.url,
      { type: 'order.created', data: { orderId: 'L1' } },
      `00-${TRACE}-00f067aa0ba902b7-01`,
      { 'x-request-id': 'traced-log-check' },
    )
    expect(res.status).toBe(202)
    const lines = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    const audited = await waitFor(async () => lines().find((line) => line.msg === 'order audited'))
    const request = await waitFor(async () => lines().find((line) => line.reqId === 'traced-log-check'))
    expect(request.trace_id).toBe(TRACE)
    expect(audited.trace_id).toBe(TRACE)
    const auditSpan = await waitFor(async () =>
      receiver.spans.find((span) => span.attributes['switchyard.handler'] === 'order_audit'),
    )
    expect(audited.span_id).toBe(auditSpan.spanId)
    // Lines outside any span have neither.
    expect(lines().find((line) => String(line.msg).startsWith('switchyard listening'))).not.toHaveProperty(
      'trace_id',
    )
  }, 60_000)
})

describe('telemetry start errors', () => {
  async function startWith(text: string): Promise<Error> {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-telemetry-config-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const configFile = join(dir, 'switchyard.yaml')
    await writeFile(configFile, text)
    const error = await startServer({ configFile, logLevel: 'silent', unownedFaults: 'ignore' }).catch(
      (e: unknown) => e as Error,
    )
    expect(error).toBeInstanceOf(Error)
    return error as Error
  }

  it('refuses an unknown exporter, a bad endpoint and a ratio outside [0, 1] with file and line', async () => {
    const base = JSON.stringify(testConfig()).slice(1, -1)
    const error = await startWith(
      `{${base},\n"telemetry": {"traces": {\n"exporter": "zipkin",\n"endpoint": "nowhere",\n"sample_ratio": 2}}}`,
    )
    expect(error).toMatchObject({ code: 'E_START', step: 'config' })
    expect(error.message).toMatch(
      /switchyard\.yaml:3:13: telemetry\.traces\.exporter: expected one of none, otlp, console/,
    )
    expect(error.message).toMatch(
      /switchyard\.yaml:4:13: telemetry\.traces\.endpoint: expected an http\(s\) URL/,
    )
    expect(error.message).toMatch(
      /switchyard\.yaml:5:17: telemetry\.traces\.sample_ratio: expected a ratio from 0 to 1/,
    )
  })

  it('refuses a bad OTEL_* variable standing for an unset key, naming it', async () => {
    process.env.OTEL_TRACES_SAMPLER = 'sometimes'
    try {
      const error = await startWith(JSON.stringify(testConfig()))
      expect(error.message).toContain('OTEL_TRACES_SAMPLER (environment): expected one of always_on')
    } finally {
      delete process.env.OTEL_TRACES_SAMPLER
    }
  })
})
