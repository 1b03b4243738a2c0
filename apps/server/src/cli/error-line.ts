import type { CliIo } from './cli-io.js'

/** What to do about the errors a user meets most, by code. */
const FIXES: Record<string, string> = {
  E_UNREACHABLE: 'start the server (switchyard start) or point --url or $SWITCHYARD_URL at it',
  E_UNAUTHORIZED: 'set $SWITCHYARD_TOKEN to a token of that server (switchyard token create)',
  E_FORBIDDEN: 'use a token with that scope (switchyard token create --scopes ...)',
  E_NOT_FOUND: 'check the name: switchyard plugins list',
  E_CONFIG: 'correct the file at the line shown; switchyard config validate checks it',
  E_MARKETPLACE_DISABLED: 'set marketplace.enabled: true in the configuration',
}

/**
 * Prints an error as the CLI does: one line, `switchyard: <code>: <message>; fix: <what to do>`. `fix` wins over
 * the table of known codes; without either the line ends after the message (which says what would be right).
 *
 * @example
 * ```ts
 * printError(io, new ApiRequestError(0, 'E_UNREACHABLE', 'cannot reach http://127.0.0.1:8080'))
 * ```
 */
export function printError(io: CliIo, error: unknown, fix?: string): void {
  const code = (error as { code?: unknown }).code
  const label = typeof code === 'string' && code.startsWith('E_') ? code : 'E_INTERNAL'
  const message = oneLine(error instanceof Error ? error.message : String(error))
  const advice = fix ?? FIXES[label]
  io.err(`switchyard: ${label}: ${message}${advice && !message.includes('fix:') ? `; fix: ${advice}` : ''}\n`)
}

const oneLine = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('; ')
