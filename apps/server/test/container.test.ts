import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import { natsReachable, TestNats } from './support/test-nats.js'

// The image cannot be built here (no Docker daemon): these tests check what can be checked without one, the
// files parsed and the image's own commands run from a checkout laid out as the image is.
vi.setConfig({ testTimeout: 90_000 })

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8')
const compose = parse(await readFile(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Record<string, unknown>>
}

/** The Dockerfile's instructions (line continuations joined), each as [keyword, rest]. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, '')
  .split('\n')
  .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
  .map((line) => {
    const [keyword = '', ...rest] = line.trim().split(/\s+/)
    return [keyword.toUpperCase(), rest.join(' ')] as const
  })
const finalStage = instructions.slice(instructions.findLastIndex(([k]) => k === 'FROM'))
const json = (keyword: string) =>
  JSON.parse(finalStage.find(([k]) => k === keyword)![1].replace(/^.*?(\[)/, '$1'))
const env = Object.fromEntries(
  finalStage
    .filter(([k]) => k === 'ENV')
    .flatMap(([, rest]) => rest.split(/\s+/).map((pair) => pair.split('=') as [string, string])),
)

const up = await natsReachable()

let data: string
beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'switchyard-image-'))
})
afterAll(() => rm(data, { recursive: true, force: true }))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Runs `command` (an exec-form array) from the checkout with the image's environment and `extra`. */
function run(command: string[], extra: Record<string, string>) {
  const [file, ...args] = command
  const child = spawn(file === 'node' ? process.execPath : file!, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

/** Runs the image's HEALTHCHECK until it passes (the server may still be starting). */
async function healthy(port: number): Promise<void> {
  const check = json('HEALTHCHECK')
  for (let i = 0; ; i++) {
    const code = await run(check, { PORT: String(port) }).exited
    if (code === 0) return
    if (i > 60) throw new Error(`HEALTHCHECK kept failing (exit ${code})`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** Starts `command`, waits for the HEALTHCHECK to pass, then stops it with SIGTERM as Docker does. */
async function startHealthyStop(command: string[], extra: Record<string, string>): Promise<string> {
  const port = await freePort()
  const server = run(command, { PORT: String(port), ...extra })
  try {
    await Promise.race([
      healthy(port),
      server.exited.then((code) => {
        throw new Error(`exited ${code} before healthy:\n${server.output()}`)
      }),
    ])
  } finally {
    server.child.kill('SIGTERM')
  }
  expect(await server.exited, server.output()).toBe(0)
  return server.output()
}

describe('Dockerfile', () => {
  it('builds in two stages on node:20-slim and runs as a non-root user with a /readyz healthcheck', () => {
    const stages = instructions.filter(([k]) => k === 'FROM').map(([, rest]) => rest)
    expect(stages).toEqual(['node:20-slim AS build', 'node:20-slim'])
    expect(finalStage.find(([k]) => k === 'USER')?.[1]).toBe('node')
    const user = finalStage.findIndex(([k]) => k === 'USER')
    expect(finalStage.findIndex(([k]) => k === 'CMD')).toBeGreaterThan(user)
    expect(json('HEALTHCHECK').join(' ')).toContain('/readyz')
    // Everything the final stage copies from the build stage exists in the checkout it is built from.
    for (const [, rest] of finalStage.filter(([k]) => k === 'COPY')) {
      const source = rest
        .split(/\s+/)
        .at(-2)!
        .replace(/^\/src\//, '')
      expect(existsSync(join(ROOT, source)), source).toBe(true)
    }
  })

  it("runs the image's command: the server starts from the shipped config, passes the healthcheck, stops on SIGTERM", async () => {
    const output = await startHealthyStop(json('CMD'), {
      SWITCHYARD_DATA: data,
      SWITCHYARD_ADMIN_TOKEN: 'image-admin-token',
    })
    expect(output).toMatch(/"msg":"switchyard listening on http:\/\/0\.0\.0\.0:\d+"/)
    expect(existsSync(join(data, 'switchyard.db'))).toBe(true)
  })
})

describe('compose.yaml', () => {
  it('runs two nodes of the image on a NATS JetStream they wait for', () => {
    const { nats, 'node-1': one, 'node-2': two } = compose.services
    expect(nats).toMatchObject({
      image: expect.stringMatching(/^nats:2/),
      command: expect.arrayContaining(['-js']),
    })
    expect(nats!.healthcheck).toBeDefined()
    for (const node of [one, two]) {
      expect(node).toMatchObject({
        build: '.',
        depends_on: { nats: { condition: 'service_healthy' } },
        environment: { NATS_URL: 'nats://nats:4222' },
      })
      const command = node!.command as string[]
      expect(command.slice(0, 3)).toEqual(json('CMD').slice(0, 3))
      expect(existsSync(join(ROOT, command.at(-1)!))).toBe(true)
    }
    expect(one!.ports).not.toEqual(two!.ports)
  })

  it.skipIf(!up)(
    "runs a node's command against NATS JetStream (the local one in place of the nats service)",
    async () => {
      const nats = await TestNats.connect()
      const stream = TestNats.streamName()
      try {
        const command = compose.services['node-1']!.command as string[]
        await startHealthyStop(command, {
          NATS_URL: 'nats://127.0.0.1:4222',
          SWITCHYARD_STREAM: stream,
          SWITCHYARD_DATA: data,
          SWITCHYARD_ADMIN_TOKEN: 'cluster-admin-token',
        })
      } finally {
        await nats.removeRun(stream)
        await nats.close()
      }
    },
  )
})
