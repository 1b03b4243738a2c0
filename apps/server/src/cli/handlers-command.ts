import type { HandlerReplayProgress, HandlerReplaySummary } from '@switchyard/core'
import type { CliCommand } from './cli-command.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { postWithProgress } from './post-with-progress.js'

type ReplayOptions = ClientOptions & {
  since: string
  until?: string
  type?: string
  bypassIdempotency?: boolean
}

/** How often (events) the progress line is printed. */
const PROGRESS_EVERY = 100

/**
 * `switchyard handlers replay NAME --since 24h`: runs the stored events of a window through one handler of a
 * running server again, printing progress on stderr and the count by status at the end (or `--json`).
 *
 * @example
 * ```sh
 * switchyard handlers replay search_indexer --since 24h --type 'order.*'
 * ```
 */
export const handlersCommand: CliCommand = (program, io) => {
  const handlers = program.command('handlers').description('Work with the handlers of a running server')
  clientOptions(
    handlers
      .command('replay <name>')
      .description('Run the stored events of a time window through one handler again')
      .requiredOption('--since <when>', 'RFC 3339, or a duration back from now: 90s, 30m, 24h, 7d')
      .option('--until <when>', 'RFC 3339 or a duration back from now (default: now)')
      .option('--type <pattern>', 'only events of this type or pattern (order.*)')
      .option('--bypass-idempotency', 'run even the events the handler already handled (this replay only)'),
  ).action(async (name: string, options: ReplayOptions) => {
    const client = await apiClient(options, io)
    const body = {
      since: options.since,
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(options.type === undefined ? {} : { type: options.type }),
      ...(options.bypassIdempotency ? { bypassIdempotency: true } : {}),
    }
    const show = ({ done }: HandlerReplayProgress) => {
      if (done % PROGRESS_EVERY === 0) io.err(`${done} events replayed…\n`)
    }
    const path = `/api/v1/handlers/${encodeURIComponent(name)}/replay`
    const summary = (await postWithProgress(
      client,
      path,
      body,
      show,
      'check the server log',
    )) as HandlerReplaySummary
    printResult(io, options, summary, (s) => {
      const counts = Object.entries(s.statuses).map(([status, n]) => `${n} ${status}`)
      return `${s.handler}: ${s.replayed} events replayed (${s.since} to ${s.until})${counts.length > 0 ? `: ${counts.join(', ')}` : ''}\n`
    })
  })
}
