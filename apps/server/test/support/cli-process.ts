import { spawn } from 'node:child_process'
import { CLI } from './run-cli.js'

/** A long-running `switchyard` command (such as `events tail`) whose output is watched as it comes. */
export interface CliProcess {
  stdout(): string
  /** Resolves once stdout matches `pattern`; rejects when the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** Sends SIGINT and resolves to the exit code. */
  stop(): Promise<number | null>
}

/**
 * Spawns `switchyard <args>` with extra environment variables and keeps it running.
 *
 * @example
 * ```ts
 * const tail = spawnCli(['events', 'tail'], { SWITCHYARD_URL: url })
 * await tail.waitFor(/order\.created/)
 * await tail.stop()
 * ```
 */
export function spawnCli(args: string[], env: Record<string, string>, cwd?: string): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    stdout: () => out,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(out)) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`no ${pattern} (exit ${child.exitCode}):\n${out}\n${err}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    },
    stop() {
      if (child.exitCode === null) child.kill('SIGINT')
      return exited
    },
  }
}
