import { apiCommand } from './api-command.js'
import { type CliCommand, commandGroup, optionText, parseInteger } from './parse-command.js'

const list = apiCommand({
  name: 'list',
  summary: 'List dead letters, oldest first',
  synopsis: 'switchyard dlq list [--handler NAME] [--limit N] [--after ID]',
  help: `  --handler NAME  only this handler's dead letters
  --limit N       at most N (1-1000, default 100)
  --after ID      the page after this dead-letter id`,
  options: { handler: { type: 'string' }, limit: { type: 'string' }, after: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  send(args, client) {
    const query = new URLSearchParams()
    for (const key of ['handler', 'after']) {
      const value = optionText(args, key)
      if (value) query.set(key, value)
    }
    const limit = optionText(args, 'limit')
    if (limit) query.set('limit', String(parseInteger(limit, '--limit', 1, 1000)))
    const search = query.size > 0 ? `?${query}` : ''
    return client.request('GET', `/api/v1/dead-letters${search}`)
  },
})

const replay = apiCommand({
  name: 'replay',
  summary: 'Run the handler of a dead letter again (deleted when it succeeds)',
  synopsis: 'switchyard dlq replay ID',
  positionals: { min: 1, max: 1, names: 'ID' },
  send: ({ positionals }, client) =>
    client.request('POST', `/api/v1/dead-letters/${encodeURIComponent(positionals[0]!)}/replay`),
})

const commands = [list, replay]
/**
 * `switchyard dlq list|replay`: the dead-letter queue of a running server.
 *
 * @example
 * ```sh
 * switchyard dlq list --handler audit_log && switchyard dlq replay 0197...
 * ```
 */
export const dlqCommand: CliCommand = commandGroup(
  'dlq',
  'List or replay dead letters of a running server',
  commands,
)
