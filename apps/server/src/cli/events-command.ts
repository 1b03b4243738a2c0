import type { CliCommand } from './cli-command.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { colorsFor } from './colors.js'
import { errorText } from './error-text.js'
import { formatTable } from './format-table.js'
import { tailLine } from './tail-line.js'

interface DeliveryLine {
  handler: string
  status: string
  attempts: number
  durationMs: number
  error?: unknown
}

/**
 * `switchyard events tail [PATTERN]` (the live stream, one line per event and per delivery outcome; `--json`
 * prints each message's JSON instead) and `switchyard events deliveries ID` (one event's ledger as a table).
 *
 * @example
 * ```sh
 * switchyard events tail 'order.**'
 * ```
 */
export const eventsCommand: CliCommand = (program, io) => {
  const events = program
    .command('events')
    .description('Follow the events of a running server, or see one event')
  clientOptions(
    events
      .command('tail [pattern]')
      .description('Print events as they are accepted, and each handler outcome, until interrupted')
      .option('--no-outcomes', 'events only, without delivery outcomes')
      .addHelpText('after', '\nPATTERN: an event type, * for one segment, ** for the rest (default: **).'),
  ).action(async (pattern: string | undefined, options: ClientOptions & { outcomes: boolean }) => {
    const client = await apiClient(options, io)
    const query = new URLSearchParams({ pattern: pattern ?? '**', outcomes: String(options.outcomes) })
    const colors = colorsFor(io)
    const stop = new AbortController()
    process.once('SIGINT', () => stop.abort())
    try {
      for await (const message of client.stream(`/api/v1/events/stream?${query}`, stop.signal)) {
        io.out(
          options.json
            ? `${JSON.stringify({ kind: message.event, ...JSON.parse(message.data) })}\n`
            : `${tailLine(message, colors)}\n`,
        )
      }
    } catch (error) {
      if (!stop.signal.aborted) throw error
    }
  })
  clientOptions(
    events
      .command('deliveries <id>')
      .description("One event's delivery ledger: each handler's status, attempts, error"),
  ).action(async (id: string, options: ClientOptions) => {
    const client = await apiClient(options, io)
    const answer = (await client.request('GET', `/api/v1/events/${encodeURIComponent(id)}/deliveries`)) as {
      deliveries: DeliveryLine[]
    }
    printResult(io, options, answer, ({ deliveries }) =>
      formatTable(
        ['HANDLER', 'STATUS', 'ATTEMPTS', 'DURATION', 'ERROR'],
        deliveries.map((d) => [
          d.handler,
          d.status,
          String(d.attempts),
          `${d.durationMs.toFixed(1)} ms`,
          errorText(d.error),
        ]),
      ),
    )
  })
}
