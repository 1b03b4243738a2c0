import type { CliCommand } from './cli-command.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { type EventOptions, eventBody, eventOptions } from './event-body.js'
import { formatTable } from './format-table.js'

interface Explanation {
  type: string
  handlers: { handler: string; pattern: string; owner?: string; reached: boolean; reason: string }[]
}

/**
 * `switchyard explain TYPE --data JSON`: a dry run on a running server; which handlers the event would reach
 * and why (patterns, routes, filters, enabled handlers), as a table or `--json`. Nothing is published.
 *
 * @example
 * ```sh
 * switchyard explain order.status_changed --data '{"status":"shipped"}'
 * ```
 */
export const explainCommand: CliCommand = (program, io) =>
  clientOptions(
    eventOptions(
      program
        .command('explain <type>')
        .description('Show which handlers an event would reach and why (dry run: nothing is published)'),
    ),
  ).action(async (type: string, options: ClientOptions & EventOptions) => {
    const client = await apiClient(options, io)
    const answer = (await client.request(
      'POST',
      '/api/v1/events/explain',
      eventBody(type, options),
    )) as Explanation
    printResult(io, options, answer, (a) =>
      formatTable(
        ['HANDLER', 'PLUGIN', 'PATTERN', 'REACHED', 'WHY'],
        a.handlers.map((h) => [h.handler, h.owner ?? '-', h.pattern, h.reached ? 'yes' : 'no', h.reason]),
      ),
    )
  })
