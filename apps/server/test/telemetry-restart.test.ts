import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.js'
import { type ServerProcess, startServerProcess } from './support/server-process.js'
import { waitFor } from './support/test-server.js'
import { publishTraced, tracedConfig } from './support/traced-config.js'

const TRACE = 'e'.repeat(32)
// Spans leave within 50 ms of ending; the server processes inherit it.
process.env.OTEL_BSP_SCHEDULE_DELAY = '50'

let receiver: OtlpReceiver | undefined
let dir: string | undefined
let server: ServerProcess | undefined
afterAll(async () => {
  if (server?.child.exitCode === null) {
    server.child.kill('SIGTERM')
    await server.exited
  }
  await receiver?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('telemetry across a crash', () => {
  it('joins the original trace when a delivery interrupted by SIGKILL runs again after the restart (SQLite)', async () => {
    receiver = await startOtlpReceiver()
    dir = await mkdtemp(join(tmpdir(), 'switchyard-trace-crash-'))
    const marker = join(dir, 'crashed')
    process.env.ORDER_FLOW_CRASH_MARKER = marker
    const configFile = join(dir, 'switchyard.json')
    await writeFile(
      configFile,
      JSON.stringify(
        tracedConfig(receiver.url, { storage: { driver: 'sqlite', path: join(dir, 'switchyard.db') } }),
      ),
    )
    server = await startServerProcess(configFile)
    const res = await publishTraced(server.url, { type: 'crash.order' }, `00-${TRACE}-00f067aa0ba902b7-01`)
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const accepted = await waitFor(async () =>
      receiver!.spans.find((span) => span.name === 'publish crash.order'),
    )
    expect(accepted.traceId).toBe(TRACE)
    await waitFor(async () => (existsSync(marker) ? true : undefined))
    server.child.kill('SIGKILL')
    await server.exited

    server = await startServerProcess(configFile)
    const redelivered = await waitFor(
      async () => receiver!.spans.find((span) => span.name === 'process crash.order'),
      15_000,
    )
    expect(redelivered).toMatchObject({ traceId: TRACE, parentSpanId: accepted.spanId })
    expect(redelivered.attributes).toMatchObject({
      'messaging.message.id': id,
      'switchyard.outcome': 'succeeded',
    })
  }, 60_000)
})
