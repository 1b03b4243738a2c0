import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The built CLI: tests run it as users do, as a separate node process. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

/** What a finished CLI run printed and its exit code. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `switchyard <args>` to completion with extra environment variables.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCli(['plugins', 'list', '--url', url], { SWITCHYARD_TOKEN: token })
 * ```
 */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}
