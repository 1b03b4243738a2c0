import { type ChildProcessByStdio, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { CLI } from './run-cli.js'

/** `switchyard start` running as a child process, as users run it. */
export interface ServerProcess {
  /** The address it printed once listening. */
  url: string
  child: ChildProcessByStdio<null, Readable, Readable>
  /** Resolves to its exit code. */
  exited: Promise<number | null>
  /** What it wrote to stdout and stderr so far (for failure messages). */
  output(): string
}

/**
 * Runs `switchyard start --config <file> --port 0` with the built CLI and resolves once it listens; rejects
 * with its output when it exits first.
 *
 * @example
 * ```ts
 * const server = await startServerProcess(configFile)
 * server.child.kill('SIGTERM')
 * expect(await server.exited).toBe(0)
 * ```
 */
export async function startServerProcess(configFile: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'start', '--config', configFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)))
  })
  return { url, child, exited, output: () => output }
}
