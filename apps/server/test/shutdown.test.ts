import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI } from './support/run-cli.js'
import { TOKENS, testConfig } from './support/test-server.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-shutdown-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('graceful shutdown', () => {
  it('on SIGTERM drains every accepted event before exiting 0', async () => {
    const handled = join(dir, 'handled.txt')
    const configFile = join(dir, 'switchyard.yaml')
    const config = testConfig({
      plugins: {
        recorder: { config: { file: handled, delay_ms: 300 } },
        flaky: { enabled: false },
        greeter: { enabled: false },
      },
    })
    await writeFile(configFile, JSON.stringify(config))
    const child = spawn(process.execPath, [CLI, 'start', '--config', configFile, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    let output = ''
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1]!)
      })
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString()
      })
      void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)))
    })

    const accepted: string[] = []
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await fetch(`${url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKENS.publish}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'order.created', data: { i } }),
        })
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
    const lines = (await readFile(handled, 'utf8')).trim().split('\n')
    expect(lines.sort()).toEqual(accepted.sort())
  }, 30_000)
})
