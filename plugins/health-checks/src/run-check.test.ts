import { afterEach, describe, expect, it } from 'vitest'
import type { CheckConfig } from './config.js'
import { runCheck } from './run-check.js'
import { closedPort, listening, shouldTest, startHttpServer } from './test-support/local-services.js'

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

function check(type: CheckConfig['type'], url: string, extra: Partial<CheckConfig> = {}): CheckConfig {
  return { name: type, type, url, interval_ms: 1000, timeout_ms: 1000, critical: true, ...extra }
}

async function httpServer(status: number) {
  const server = await startHttpServer(status)
  closers.push(server.close)
  return server
}

describe('runCheck: http and tcp', () => {
  it('passes an HTTP check on 200 and fails it on 503 with the status', async () => {
    const up = await httpServer(200)
    const broken = await httpServer(503)
    expect(await runCheck(check('http', `http://127.0.0.1:${up.port}/`))).toMatchObject({
      status: 'ok',
      details: { status: 200 },
    })
    const down = await runCheck(check('http', `http://127.0.0.1:${broken.port}/`))
    expect(down).toMatchObject({ status: 'error', error: 'answered HTTP 503' })
  })

  it('holds an HTTP check to expect_status when given', async () => {
    const server = await httpServer(204)
    const result = await runCheck(check('http', `http://127.0.0.1:${server.port}/`, { expect_status: 200 }))
    expect(result).toMatchObject({ status: 'error', error: 'answered HTTP 204, expected 200' })
  })

  it('passes a TCP check on an open port and fails it on a closed one', async () => {
    const server = await httpServer(200)
    expect((await runCheck(check('tcp', `tcp://127.0.0.1:${server.port}`))).status).toBe('ok')
    const down = await runCheck(check('tcp', `tcp://127.0.0.1:${await closedPort()}`))
    expect(down.status).toBe('error')
    expect(down.error).toMatch(/ECONNREFUSED/)
  })

  it('fails a NATS or PostgreSQL check against a server that speaks something else', async () => {
    const server = await httpServer(200)
    // An HTTP server says nothing first, so the NATS probe waits for INFO until its timeout.
    const nats = await runCheck(check('nats', `nats://127.0.0.1:${server.port}`, { timeout_ms: 200 }))
    expect(nats).toMatchObject({ status: 'error', error: 'timed out after 200ms' })
    const postgres = await runCheck(
      check('postgres', `postgres://postgres@127.0.0.1:${server.port}/postgres`),
    )
    expect(postgres.status).toBe('error')
    expect(postgres.error).toMatch(/not a PostgreSQL server|connection closed/)
  })
})

describe.runIf(await shouldTest(4222))('runCheck: NATS on 127.0.0.1:4222', () => {
  it('passes after the PING/PONG exchange and reports the server version', async () => {
    const result = await runCheck(check('nats', 'nats://127.0.0.1:4222'))
    expect(result.error).toBeUndefined()
    expect(result.status).toBe('ok')
    expect(result.details?.server_version).toMatch(/^\d+\.\d+/)
  })
})

// CI only guarantees NATS (.ci/run starts it); PostgreSQL is tested where the machine runs one.
describe.runIf(await listening(5432))('runCheck: PostgreSQL on 127.0.0.1:5432', () => {
  it('passes when the server accepts the startup message', async () => {
    const result = await runCheck(check('postgres', 'postgres://postgres@127.0.0.1:5432/postgres'))
    expect(result.error).toBeUndefined()
    expect(result.status).toBe('ok')
  })

  it('fails with the server message for a database that does not exist', async () => {
    const result = await runCheck(
      check('postgres', 'postgres://postgres@127.0.0.1:5432/no_such_db_switchyard'),
    )
    expect(result.status).toBe('error')
    expect(result.error).toMatch(/no_such_db_switchyard/)
  })
})
