import type { CliCommand } from './cli-command.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { formatTable } from './format-table.js'

interface ScheduleLine {
  name: string
  cron: string
  timezone: string | null
  catchUp: string
  eventType: string
  nextRunAt: string | null
  lastRunAt: string | null
}

/**
 * `switchyard schedules`: the cron schedules of a running server with their next and last runs, as a table
 * (or `--json`).
 *
 * @example
 * ```sh
 * switchyard schedules --json
 * ```
 */
export const schedulesCommand: CliCommand = (program, io) => {
  clientOptions(
    program
      .command('schedules')
      .description('List the cron schedules of a running server, next and last runs'),
  ).action(async (options: ClientOptions) => {
    const client = await apiClient(options, io)
    const answer = (await client.request('GET', '/api/v1/schedules')) as { schedules: ScheduleLine[] }
    printResult(io, options, answer, ({ schedules }) =>
      formatTable(
        ['NAME', 'CRON', 'TIMEZONE', 'EVENT TYPE', 'CATCH UP', 'NEXT RUN', 'LAST RUN'],
        schedules.map((s) => [
          s.name,
          s.cron,
          s.timezone ?? 'server',
          s.eventType,
          s.catchUp,
          s.nextRunAt ?? '-',
          s.lastRunAt ?? '-',
        ]),
      ),
    )
  })
}
