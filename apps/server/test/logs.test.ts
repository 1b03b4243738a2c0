import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
})
