import type { Logger } from '@switchyard/core'
import type { FaultKind } from '../errors.js'
import { PluginExitError } from '../errors.js'
import { pluginScope } from './plugin-scope.js'

/** What to do with a fault no plugin owns. */
export interface FaultGuardOptions {
  /** Where an unowned fault is logged; stderr by default. */
  logger?: Logger
  /** Flushes buffered logs before the exit (awaited up to `flushTimeoutMs`). */
  flush?: () => unknown
  /** Ends the process; `process.exit` as it was before the guard by default. */
  exit?: (code: number) => void
  /** 5 s by default. */
  flushTimeoutMs?: number
  /**
   * `exit` (default): log, flush, exit with code 1. `ignore`: leave it to the process's other listeners (a test
   * runner reports it).
   */
  unowned?: 'exit' | 'ignore'
}

/** Removes the guard; the process listeners and `process.exit` are restored when the last guard goes. */
export type RemoveFaultGuard = () => void

const guards: FaultGuardOptions[] = []
const originalExit = process.exit

/**
 * Installs the process-wide fault guard: `uncaughtException` and `unhandledRejection` listeners that charge a
 * fault to the plugin whose scope it happened in (see `pluginScope`), and a `process.exit` that refuses calls
 * from plugin code with `PluginExitError` (E_PLUGIN_EXIT). A fault outside every plugin scope is logged, the
 * logs flushed and the process ended with code 1. The server installs it once; guards nest (the test kit
 * installs one per test host), the latest one deciding about unowned faults.
 *
 * @example
 * ```ts
 * const remove = installFaultGuard({ logger, flush: () => logger.flush(), exit: (code) => process.exit(code) })
 * // … at shutdown
 * remove()
 * ```
 */
export function installFaultGuard(options: FaultGuardOptions = {}): RemoveFaultGuard {
  if (guards.length === 0) {
    process.on('uncaughtException', onUncaught)
    process.on('unhandledRejection', onRejection)
    process.exit = refusingExit
  }
  const guard = { ...options }
  guards.push(guard)
  return () => {
    const index = guards.indexOf(guard)
    if (index === -1) return
    guards.splice(index, 1)
    if (guards.length > 0) return
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onRejection)
    process.exit = originalExit
  }
}

function onUncaught(error: unknown): void {
  fault(error, 'uncaught exception')
}

function onRejection(reason: unknown): void {
  fault(reason, 'unhandled rejection')
}

function fault(error: unknown, kind: FaultKind): void {
  const scope = pluginScope.getStore()
  if (scope !== undefined) scope.faults.charge(scope, error, kind)
  else void unowned(error, kind, guards.at(-1) ?? {})
}

let exiting = false

async function unowned(error: unknown, kind: FaultKind, guard: FaultGuardOptions): Promise<void> {
  if (guard.unowned === 'ignore' || exiting) return
  exiting = true
  const message = `${kind} outside any plugin; exiting`
  if (guard.logger === undefined) process.stderr.write(`${message}: ${describe(error)}\n`)
  else guard.logger.error({ err: error, kind }, message)
  try {
    await withTimeout(Promise.resolve().then(guard.flush), guard.flushTimeoutMs ?? 5000)
  } finally {
    ;(guard.exit ?? ((code: number) => originalExit.call(process, code)))(1)
    // Only reached when `exit` did not end the process (a test's callback): the next unowned fault exits again.
    exiting = false
  }
}

function refusingExit(code?: string | number | null): never {
  const scope = pluginScope.getStore()
  if (scope === undefined) return originalExit.call(process, code ?? undefined)
  const error = new PluginExitError(scope.plugin, code)
  scope.faults.charge(scope, error, 'process.exit')
  throw error
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, ms)
    timer.unref()
  })
  return Promise.race([work.catch(() => undefined), late]).finally(() => clearTimeout(timer))
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}
