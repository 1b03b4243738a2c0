import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A `switchyard start` process on a free port, with the token to call it. */
export interface ServerProcess {
  url: string
  request(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

const TOKEN = 'e2e-admin-token-0123456789'

/**
 * Runs the real CLI (`switchyard start --config <file> --port 0`) in a temporary folder with `config` (JSON is
 * YAML) plus an admin token, and resolves once it logs that it listens.
 */
export async function startServerProcess(config: Record<string, unknown>): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-e2e-'))
  const configFile = join(dir, 'switchyard.yaml')
  const auth = { tokens: [{ name: 'admin', token: TOKEN, scopes: ['admin', 'publish', 'read'] }] }
  await writeFile(configFile, JSON.stringify({ ...config, auth }, null, 2))
  const serverDir = dirname(createRequire(import.meta.url).resolve('@switchyard/server/package.json'))
  const child = spawn(
    process.execPath,
    [join(serverDir, 'dist/cli.js'), 'start', '--config', configFile, '--port', '0'],
    {
      cwd: dir,
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const url = await listeningUrl(child)
  return {
    url,
    request(path, init = {}) {
      const headers = new Headers(init.headers)
      headers.set('authorization', `Bearer ${TOKEN}`)
      return fetch(`${url}${path}`, { ...init, headers })
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    },
  }
}

// The server logs `switchyard listening on <url>` (a JSON log line on stdout) once it accepts requests.
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error('server did not start within 20s')), 20_000)
    function fail(error: Error) {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${error.message}\n${output}`))
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const listening = /switchyard listening on (http:\/\/[^\s"]+)/.exec(output)
      if (listening === null) return
      clearTimeout(timer)
      resolve(listening[1]!)
    })
    child.once('exit', (code) => fail(new Error(`server exited with code ${code}`)))
  })
}
