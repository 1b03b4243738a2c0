import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// `pnpm bench` starts node without --expose-gc; setting the flag at runtime makes `gc` available to new
// contexts, which lets the harness collect garbage before each timed block so that one case does not pay
// for the previous case's garbage.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/**
 * Runs a full garbage collection now.
 *
 * @example
 * ```ts
 * forceGc()
 * const started = process.hrtime.bigint()
 * ```
 */
export function forceGc(): void {
  gc()
}
