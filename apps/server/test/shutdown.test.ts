import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postText, RawHttpConnection } from './support/raw-http.js'
import { startServerProcess } from './support/server-process.js'
import { TOKENS, testConfig, waitFor } from './support/test-server.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-shutdown-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const PUBLISH_HEADERS = { authorization: `Bearer ${TOKENS.publish}`, 'content-type': 'application/json' }

/** Writes a config whose recorder appends each handled event id to `<name>.handled`, `delayMs` per event. */
async function recorderConfig(
  name: string,
  delayMs: number,
): Promise<{ configFile: string; handled: string }> {
  const handled = join(dir, `${name}.handled`)
  const configFile = join(dir, `${name}.yaml`)
  const config = testConfig({
    plugins: {
      recorder: { config: { file: handled, delay_ms: delayMs } },
      flaky: { enabled: false },
      greeter: { enabled: false },
    },
  })
  await writeFile(configFile, JSON.stringify(config))
  return { configFile, handled }
}

async function handledIds(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).trim().split('\n').sort()
}

const eventBody = (data: unknown) => JSON.stringify({ type: 'order.created', data })

/** Publishes one event; the response as it came. */
const publish = (url: string, data: unknown) =>
  fetch(`${url}/api/v1/events`, { method: 'POST', headers: PUBLISH_HEADERS, body: eventBody(data) })

/** Resolves to true once a new connection to `url` is refused: the server stopped listening. */
function refused(url: string): Promise<true | undefined> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) })
    socket.once('connect', () => {
      socket.destroy()
      resolve(undefined)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('graceful shutdown', () => {
  it('on SIGTERM drains every accepted event before exiting 0', async () => {
    const { configFile, handled } = await recorderConfig('drain', 300)
    const { url, child, exited } = await startServerProcess(configFile)

    const accepted: string[] = []
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await publish(url, { i })
        expect(res.status).toBe(202)
        accepted.push(((await res.json()) as { id: string }).id)
      }),
    )
    // An open SSE stream must not hold the shutdown up: it is ended by the server.
    const stream = await fetch(`${url}/api/v1/events/stream`, {
      headers: { authorization: `Bearer ${TOKENS.read}` },
    })
    const streamEnded = stream.body!.pipeTo(new WritableStream()).then(
      () => 'ended',
      () => 'ended',
    )
    // Every delivery takes 300 ms: all 40 are still in flight when the signal arrives.
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(await streamEnded).toBe('ended')
    expect(await handledIds(handled)).toEqual(accepted.sort())
  }, 30_000)

  it('answers requests sent while stopping 503 E_SHUTTING_DOWN, finishes those it took before SIGTERM, handles every accepted event', async () => {
    const { configFile, handled } = await recorderConfig('under-load', 20)
    const server = await startServerProcess(configFile)
    const { url } = server
    const accepted: string[] = []
    const refusals: { status: number; code?: string }[] = []
    // Publishers over keep-alive connections, each until its connection is closed or refused.
    const publishers = Array.from({ length: 8 }, async (_, p) => {
      for (let i = 0; ; i++) {
        const res = await publish(url, { p, i }).catch(() => undefined)
        if (!res) return
        const body = (await res.json()) as { id?: string; error?: { code: string } }
        if (res.status === 202) accepted.push(body.id!)
        else refusals.push({ status: res.status, code: body.error?.code })
      }
    })
    await waitFor(async () => (accepted.length >= 200 ? true : undefined), 15_000)

    // A request in flight at the signal: its head and half its body are sent before SIGTERM.
    const inFlight = eventBody({ inFlight: true })
    const conn = await RawHttpConnection.open(url)
    const text = postText(url, '/api/v1/events', inFlight, PUBLISH_HEADERS)
    const half = text.length - inFlight.length / 2
    conn.write(text.slice(0, half))
    // A whole round trip after that write: the server has read the head, so the request began before the signal.
    const probe = await publish(url, { probe: true })
    expect(probe.status).toBe(202)
    accepted.push(((await probe.json()) as { id: string }).id)

    server.child.kill('SIGTERM')
    await waitFor(() => refused(url), 10_000)
    // The rest of the body, and a new request pipelined behind it on the same (busy, so still open) connection.
    conn.write(text.slice(half) + postText(url, '/api/v1/events', eventBody({ late: true }), PUBLISH_HEADERS))
    const [answered, late] = await conn.closed
    expect(answered?.status).toBe(202)
    accepted.push((JSON.parse(answered!.body) as { id: string }).id)
    expect(late?.status).toBe(503)
    expect(JSON.parse(late!.body)).toMatchObject({ error: { code: 'E_SHUTTING_DOWN' } })
    expect(late?.headers.connection).toBe('close')

    await Promise.all(publishers)
    expect(await server.exited, server.output()).toBe(0)
    // Publishers that reached the server after the signal were refused 503, nothing else.
    expect(refusals.filter((r) => r.status !== 503 || r.code !== 'E_SHUTTING_DOWN')).toEqual([])
    expect(await handledIds(handled)).toEqual(accepted.sort())
  }, 60_000)
})
