import { InvalidArgumentError } from 'commander'

/**
 * A commander argument parser for integers within `min..max`: anything else is a usage error (exit 2) naming
 * the option and the range.
 *
 * @example
 * ```ts
 * command.option('--port <n>', 'listen on this port', integerIn(0, 65535))
 * ```
 */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}, got "${text}"`)
    return Number(text)
  }
}
