import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCli } from './support/cli-process.js'
import { publish, settledDeliveries } from './support/fault-server.js'
import { type ServerProcess, startServerProcess } from './support/server-process.js'
import { TOKENS, testConfig, waitFor } from './support/test-server.js'

let dir: string
let server: ServerProcess

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-'))
  const configFile = join(dir, 'switchyard.json')
  await writeFile(configFile, JSON.stringify(testConfig()))
  server = await startServerProcess(configFile)
})
afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
  await rm(dir, { recursive: true, force: true })
})

/** The JSON log lines the server wrote to stdout so far. */
const logLines = () =>
  server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)

describe('server logs', () => {
  it('writes the log line of a request on a quiet server within a second, not once a buffer fills', async () => {
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKENS.publish}`,
        'content-type': 'application/json',
        'x-request-id': 'quiet-log-check',
      },
      body: JSON.stringify({ type: 'order.created', data: { id: 1 } }),
    })
    expect(res.status).toBe(202)
    const line = await waitFor(async () => logLines().find((l) => l.reqId === 'quiet-log-check'), 1000)
    expect(line).toMatchObject({ msg: 'request', method: 'POST', path: '/api/v1/events', status: 202 })
    // The start-up lines (plugins started) came out too.
    expect(logLines().length).toBeGreaterThan(1)
  })

  it('writes only JSON lines when stdout is not a terminal, the start banner one of them', async () => {
    const lines = server.output().split('\n').filter(Boolean)
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    expect(logLines()).toContainEqual(
      expect.objectContaining({ msg: `switchyard listening on ${server.url}`, url: server.url }),
    )
  })

  it('rounds durations to 0.1 ms in the API and the log', async () => {
    const id = await publish(server, 'order.created', { id: 2 })
    const deliveries = await settledDeliveries(server, id)
    expect(deliveries.length).toBeGreaterThan(0)
    for (const { durationMs } of deliveries) expect(String(durationMs)).toMatch(/^\d+(\.\d)?$/)
    const requests = await waitFor(async () => {
      const found = logLines().filter((l) => l.msg === 'request')
      return found.length > 1 ? found : undefined
    })
    for (const { ms } of requests) expect(String(ms)).toMatch(/^\d+(\.\d)?$/)
  })
})

describe('server logs for a person', () => {
  it('writes readable lines with --log pretty', async () => {
    const configFile = join(dir, 'pretty.json')
    await writeFile(configFile, JSON.stringify(testConfig()))
    const pretty = spawnCli(['start', '--config', configFile, '--port', '0', '--log', 'pretty'], {
      NO_COLOR: '1',
    })
    try {
      await pretty.waitFor(/INFO.*switchyard listening on http:\/\/127\.0\.0\.1:\d+/)
      expect(pretty.stdout()).not.toMatch(/^\{/m)
    } finally {
      expect(await pretty.stop()).toBe(0)
    }
  }, 60_000)
})
