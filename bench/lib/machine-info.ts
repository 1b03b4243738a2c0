import { cpus, loadavg, release, totalmem, type } from 'node:os'

/**
 * One line describing where the numbers were measured: node version, CPU model, core count, memory, OS, the
 * 1-minute load average when it was called (other work on the machine skews the numbers) and the date.
 *
 * @example
 * ```ts
 * machineInfo() // 'node v20.20.2 · AMD EPYC · 2 cores · 7.8 GiB · Linux 6.8.0 · load 0.12 · 2025-01-31 12:00 UTC'
 * ```
 */
export function machineInfo(now = new Date()): string {
  const cores = cpus()
  const model = cores[0]?.model.trim() ?? 'unknown CPU'
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`
  const date = `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const load = `load ${loadavg()[0]!.toFixed(2)}`
  return [
    `node ${process.version}`,
    model,
    `${cores.length} cores`,
    memory,
    `${type()} ${release()}`,
    load,
    date,
  ].join(' · ')
}
