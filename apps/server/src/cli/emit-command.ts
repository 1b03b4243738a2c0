import type { CliCommand } from './cli-command.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { type EventOptions, eventBody, eventOptions } from './event-body.js'

/**
 * `switchyard emit TYPE --data JSON`: publishes one event to a running server and prints its id.
 *
 * @example
 * ```sh
 * switchyard emit order.status_changed --data '{"status":"shipped"}'
 * ```
 */
export const emitCommand: CliCommand = (program, io) =>
  clientOptions(
    eventOptions(
      program.command('emit <type>').description('Publish an event to a running server and print its id'),
    ),
  ).action(async (type: string, options: ClientOptions & EventOptions) => {
    const client = await apiClient(options, io)
    const answer = (await client.request('POST', '/api/v1/events', eventBody(type, options))) as {
      id: string
    }
    printResult(io, options, answer, (a) => `${a.id}\n`)
  })
