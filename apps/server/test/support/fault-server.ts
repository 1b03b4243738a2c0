import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DeliveryError } from '@switchyard/core'
import { CLI } from './run-cli.js'
import { type ServerProcess, startServerProcess } from './server-process.js'
import { TOKENS, testConfig } from './test-server.js'

/** Fixture plugins that fault (rejecter, timer-thrower, exiter, spinner, leaker) and `steady`, which never does. */
export const FAULT_PLUGINS = fileURLToPath(new URL('../fixtures/faults', import.meta.url))
/** `hanger`: a setup that never settles. */
export const START_FAULT_PLUGINS = fileURLToPath(new URL('../fixtures/fault-start', import.meta.url))
/** `stray`: its module code throws from a timer no plugin owns. */
export const UNOWNED_FAULT_PLUGINS = fileURLToPath(new URL('../fixtures/fault-unowned', import.meta.url))
/** `poison`: SIGKILLs its process on `fault.poison`. */
export const POISON_PLUGINS = fileURLToPath(new URL('../fixtures/fault-poison', import.meta.url))

/** A temporary folder holding a config file (and a database), removed by `remove`. */
export interface FaultDir {
  path: string
  configFile: string
  write(config: Record<string, unknown> | string): Promise<void>
  remove(): Promise<void>
}

/** Makes a temporary folder with `config` written to its switchyard.yaml (JSON is YAML). */
export async function faultDir(config: Record<string, unknown> | string): Promise<FaultDir> {
  const path = await mkdtemp(join(tmpdir(), 'switchyard-faults-'))
  const configFile = join(path, 'switchyard.yaml')
  const write = (value: Record<string, unknown> | string) =>
    writeFile(configFile, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
  await write(config)
  return { path, configFile, write, remove: () => rm(path, { recursive: true, force: true }) }
}

/** The test config on SQLite in `dir` with the fault fixtures (and `extra` directories) as plugins. */
export function faultConfig(dir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return testConfig({
    plugin_directories: [FAULT_PLUGINS],
    storage: { driver: 'sqlite', path: join(dir, 'switchyard.db') },
    plugins: { steady: { config: { file: join(dir, 'steady.log') } } },
    ...overrides,
  })
}

/** fetch against a server process with the admin token (or `as`; null: none). */
export function call(
  server: Pick<ServerProcess, 'url'>,
  path: string,
  init: RequestInit & { as?: keyof typeof TOKENS | null } = {},
): Promise<Response> {
  const { as = 'admin', ...rest } = init
  const headers = new Headers(rest.headers)
  if (as) headers.set('authorization', `Bearer ${TOKENS[as]}`)
  return fetch(`${server.url}${path}`, { ...rest, headers })
}

/** Publishes `{ type, data }` and returns the accepted event's id. */
export async function publish(
  server: Pick<ServerProcess, 'url'>,
  type: string,
  data: unknown = {},
): Promise<string> {
  const res = await call(server, '/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type, data }),
  })
  if (res.status !== 202) throw new Error(`publish ${type}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { id: string }).id
}

/** One delivery of an event's ledger. */
export interface Delivery {
  handler: string
  status: string
  attempts: number
  durationMs: number
  error?: DeliveryError
}

/** Polls an event's ledger until every handler reached a final state (`pending`/`running` gone). */
export async function settledDeliveries(server: Pick<ServerProcess, 'url'>, id: string): Promise<Delivery[]> {
  for (let i = 0; ; i++) {
    const res = await call(server, `/api/v1/events/${id}/deliveries`)
    const deliveries = ((await res.json()) as { deliveries?: Delivery[] }).deliveries ?? []
    if (
      (deliveries.length > 0 && deliveries.every((d) => !['pending', 'running'].includes(d.status))) ||
      i > 200
    )
      return deliveries
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A `switchyard start` process watched from its first line on. */
export interface SpawnedServer {
  child: ReturnType<typeof spawn>
  output(): string
  /** Resolves to the first match of `pattern` in the output so far or to come; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  exited: Promise<number | null>
}

/**
 * Spawns `switchyard start --config <file> --port 0` without waiting for anything.
 *
 * @example
 * ```ts
 * const server = spawnServer(configFile)
 * const [, url] = await server.waitFor(/"url":"(http:[^"]+)","msg":"switchyard starting/)
 * ```
 */
export function spawnServer(configFile: string): SpawnedServer {
  const child = spawn(process.execPath, [CLI, 'start', '--config', configFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  const append = (chunk: Buffer) => {
    text += chunk.toString()
  }
  child.stdout.on('data', append)
  child.stderr.on('data', append)
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    exited,
    output: () => text,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const match = pattern.exec(text)
        if (match) return match
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline)
          throw new Error(`no ${pattern} in the output (exit ${child.exitCode}):\n${text}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
  }
}

/** `switchyard start` that is expected to exit: resolves to its exit code, output and how long it ran. */
export function runServerToExit(
  configFile: string,
  timeoutMs = 30_000,
): Promise<{ code: number | null; signal: string | null; output: string; ms: number }> {
  const started = Date.now()
  const child = spawn(process.execPath, [CLI, 'start', '--config', configFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output, ms: Date.now() - started })
    }),
  )
}

export { type ServerProcess, startServerProcess }
