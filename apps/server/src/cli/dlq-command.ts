import type { CliCommand } from './cli-command.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { errorText } from './error-text.js'
import { formatTable } from './format-table.js'
import { integerIn } from './parse-integer.js'

interface DeadLetterLine {
  id: string
  handler: string
  attempts: number
  error: unknown
  failedAt: string
  event: { type: string }
}

type ListOptions = ClientOptions & { handler?: string; limit?: number; after?: string }

/**
 * `switchyard dlq list|replay`: the dead-letter queue of a running server, as a table (or `--json`).
 *
 * @example
 * ```sh
 * switchyard dlq list --handler audit_log && switchyard dlq replay 0197...
 * ```
 */
export const dlqCommand: CliCommand = (program, io) => {
  const dlq = program.command('dlq').description('List or replay dead letters of a running server')
  clientOptions(
    dlq
      .command('list')
      .description('List dead letters, oldest first')
      .option('--handler <name>', "only this handler's dead letters")
      .option('--limit <n>', 'at most N (1-1000, default 100)', integerIn(1, 1000))
      .option('--after <id>', 'the page after this dead-letter id'),
  ).action(async (options: ListOptions) => {
    const query = new URLSearchParams()
    if (options.handler) query.set('handler', options.handler)
    if (options.after) query.set('after', options.after)
    if (options.limit !== undefined) query.set('limit', String(options.limit))
    const search = query.size > 0 ? `?${query}` : ''
    const client = await apiClient(options, io)
    const answer = (await client.request('GET', `/api/v1/dead-letters${search}`)) as {
      deadLetters: DeadLetterLine[]
      next: string | null
    }
    printResult(io, options, answer, ({ deadLetters, next }) => {
      const table = formatTable(
        ['ID', 'HANDLER', 'EVENT TYPE', 'ATTEMPTS', 'FAILED AT', 'ERROR'],
        deadLetters.map((d) => [
          d.id,
          d.handler,
          d.event.type,
          String(d.attempts),
          d.failedAt,
          errorText(d.error),
        ]),
      )
      return next ? `${table}more: switchyard dlq list --after ${next}\n` : table
    })
  })
  clientOptions(
    dlq
      .command('replay <id>')
      .description('Run the handler of a dead letter again (deleted when it succeeds)'),
  ).action(async (id: string, options: ClientOptions) => {
    const client = await apiClient(options, io)
    const answer = (await client.request(
      'POST',
      `/api/v1/dead-letters/${encodeURIComponent(id)}/replay`,
    )) as {
      status: string
      handler?: string
    }
    printResult(io, options, answer, (a) => `${id}: ${a.status}${a.handler ? ` (${a.handler})` : ''}\n`)
  })
}
