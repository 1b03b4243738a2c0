import type { Command } from 'commander'
import { UsageError } from '../errors.js'

/**
 * Parses a JSON option such as `--data`; invalid JSON is a usage error naming the option.
 *
 * @example
 * ```ts
 * parseJsonOption('{"n":1}', '--data') // { n: 1 }
 * ```
 */
export function parseJsonOption(text: string | undefined, option: string): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${option} must be JSON: ${(error as Error).message}`)
  }
}

/**
 * The `{ type, data, source?, metadata? }` body of `emit` and `explain`, from their options.
 *
 * @example
 * ```ts
 * eventBody('order.created', { data: '{"id":1}' }) // { type: 'order.created', data: { id: 1 } }
 * ```
 */
export function eventBody(
  type: string,
  options: { data?: string; source?: string; key?: string },
): Record<string, unknown> {
  return {
    type,
    data: parseJsonOption(options.data, '--data'),
    ...(options.source ? { source: options.source } : {}),
    ...(options.key ? { metadata: { idempotencyKey: options.key } } : {}),
  }
}

/** The options of `emit` and `explain` that describe the event. */
export interface EventOptions {
  data?: string
  source?: string
  key?: string
}

/**
 * Adds the options that describe an event (`--data`, `--source`, `--key`) to `emit` or `explain`.
 *
 * @example
 * ```ts
 * eventOptions(program.command('emit <type>'))
 * ```
 */
export function eventOptions(command: Command): Command {
  return command
    .option('--data <json>', "the event's data (default: none)")
    .option('--source <source>', 'the producer (default: switchyard)')
    .option('--key <key>', 'the idempotency key (default: the event id)')
}
