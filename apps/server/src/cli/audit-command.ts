import type { AuditRecord } from '@switchyard/core'
import type { CliCommand } from './cli-command.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { formatTable } from './format-table.js'
import { integerIn } from './parse-integer.js'

type AuditOptions = ClientOptions & {
  from?: string
  to?: string
  token?: string
  action?: string
  limit?: number
  after?: string
}

/**
 * `switchyard audit`: the audit trail of a running server's management requests (admin token), oldest first, as
 * a table (or `--json`).
 *
 * @example
 * ```sh
 * switchyard audit --token ops --action disable --from 2026-01-01T00:00:00Z
 * ```
 */
export const auditCommand: CliCommand = (program, io) => {
  clientOptions(
    program
      .command('audit')
      .description('Show the audit trail of management requests: who installed, disabled, replayed what')
      .option('--from <time>', 'records at or after this RFC 3339 time')
      .option('--to <time>', 'records before this RFC 3339 time')
      .option('--token <name>', 'only requests made with this token')
      .option('--action <text>', 'only actions containing TEXT (install, disable, replay, ...)')
      .option('--limit <n>', 'at most N (1-1000, default 100)', integerIn(1, 1000))
      .option('--after <id>', 'the page after this record id'),
  ).action(async (options: AuditOptions) => {
    const query = new URLSearchParams()
    for (const key of ['from', 'to', 'token', 'action', 'after'] as const) {
      const value = options[key]
      if (value) query.set(key, value)
    }
    if (options.limit !== undefined) query.set('limit', String(options.limit))
    const client = await apiClient(options, io)
    const answer = (await client.request('GET', `/api/v1/audit${query.size > 0 ? `?${query}` : ''}`)) as {
      records: AuditRecord[]
      next: string | null
    }
    printResult(io, options, answer, ({ records, next }) => {
      const table = formatTable(
        ['TIME', 'TOKEN', 'ACTION', 'TARGET', 'STATUS', 'SOURCE'],
        records.map((r) => [r.time, who(r), r.action, r.target ?? '-', String(r.status), r.source]),
      )
      return next ? `${table}more: switchyard audit --after ${next}\n` : table
    })
  })
}

// The token's name, or a plugin-authenticated principal with the plugin that vouched for it: `alice (jwt-auth)`.
function who(record: AuditRecord): string {
  if (record.token === null) return '-'
  return record.authenticatedBy === undefined ? record.token : `${record.token} (${record.authenticatedBy})`
}
