import picocolors from 'picocolors'
import type { CliIo } from './cli-io.js'

/** The color functions the CLI uses. */
export type Colors = ReturnType<typeof picocolors.createColors>

/**
 * Colors for stdout: on when it is a terminal, off when piped or when `$NO_COLOR` is set (no-color.org);
 * `$FORCE_COLOR` turns them on anyway.
 *
 * @example
 * ```ts
 * const c = colorsFor(io)
 * io.out(`${c.green('succeeded')}\n`)
 * ```
 */
export function colorsFor(io: CliIo): Colors {
  const { NO_COLOR, FORCE_COLOR } = io.env
  const enabled = FORCE_COLOR ? FORCE_COLOR !== '0' : !NO_COLOR && io.isTty === true
  return picocolors.createColors(enabled)
}
