import { spawn } from 'node:child_process'

/**
 * Runs a TypeScript fixture with `args` until its stdout shows `marker`, SIGKILLs it, and resolves to every
 * complete line it printed (a line cut off by the kill promised nothing). Rejects when it exits on its own.
 *
 * @example
 * ```ts
 * const lines = await runUntilKilled(writer, [path], 'done\n')
 * ```
 */
export function runUntilKilled(fixture: string, args: readonly string[], marker: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      if (output.includes(marker)) child.kill('SIGKILL')
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`${fixture} exited before it was killed: ${stderr}`))
      else resolve(output.split('\n').slice(0, -1))
    })
  })
}
