import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let ticksPerSecond: number | undefined

/**
 * CPU seconds (user + system) another process has used so far, from `/proc/<pid>/stat` (Linux): what the http
 * suite charges a server for its requests, since on a shared machine the wall clock also counts other processes.
 *
 * @example
 * ```ts
 * const before = processCpuSeconds(child.pid!)
 * await load(port, 8)
 * const used = processCpuSeconds(child.pid!) - before
 * ```
 */
export function processCpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is
  // field 14 and stime 15 of the whole line, 12 and 13 of this rest.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
}
