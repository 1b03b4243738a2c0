import { UsageError } from '../errors.js'
import { apiCommand } from './api-command.js'
import { optionText } from './parse-command.js'

function parseData(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--data must be JSON: ${(error as Error).message}`)
  }
}

/**
 * `switchyard emit TYPE --data JSON`: publishes one event to a running server and prints its id.
 *
 * @example
 * ```sh
 * switchyard emit order.status_changed --data '{"status":"shipped"}'
 * ```
 */
export const emitCommand = apiCommand({
  name: 'emit',
  summary: 'Publish an event to a running server and print its id',
  synopsis: 'switchyard emit TYPE [--data JSON] [--source SOURCE] [--key IDEMPOTENCY_KEY]',
  help: `  --data JSON      the event's data (default: none)
  --source SOURCE  the producer (default: switchyard)
  --key KEY        the idempotency key (default: the event id)`,
  options: { data: { type: 'string' }, source: { type: 'string' }, key: { type: 'string' } },
  positionals: { min: 1, max: 1, names: 'TYPE' },
  send(args, client) {
    const source = optionText(args, 'source')
    const key = optionText(args, 'key')
    const body = {
      type: args.positionals[0],
      data: parseData(optionText(args, 'data')),
      ...(source ? { source } : {}),
      ...(key ? { metadata: { idempotencyKey: key } } : {}),
    }
    return client.request('POST', '/api/v1/events', body)
  },
  print(result, io) {
    io.out(`${(result as { id: string }).id}\n`)
  },
})
