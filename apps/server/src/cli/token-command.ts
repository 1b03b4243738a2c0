import { TokenFile } from '../auth/token-file.js'
import { tokenFilePath } from '../auth/token-file-path.js'
import { TokenFileError, UsageError } from '../errors.js'
import type { CliCommand } from './cli-command.js'
import { cliConfig } from './cli-config.js'
import type { CliIo } from './cli-io.js'
import { formatTable } from './format-table.js'

const SCOPES = ['admin', 'publish', 'read', 'metrics'] as const
type Scope = (typeof SCOPES)[number]

function parseScopes(text: string): Scope[] {
  const scopes = text.split(',').map((s) => s.trim())
  const unknown = scopes.find((s) => !(SCOPES as readonly string[]).includes(s))
  if (unknown !== undefined) throw new UsageError(`unknown scope "${unknown}": expected ${SCOPES.join(', ')}`)
  return scopes as Scope[]
}

async function tokenFile(config: string | undefined, io: CliIo): Promise<TokenFile> {
  const path = tokenFilePath(await cliConfig(config, io), process.cwd())
  if (path === undefined)
    throw new TokenFileError('this configuration keeps no tokens (memory storage): set auth.token_file')
  return new TokenFile(path)
}

/**
 * `switchyard token create|list|revoke`: the tokens kept in the data folder (see `TokenFile`). Works on the
 * file directly, so it needs no running server and no token; a running server picks changes up within a second.
 *
 * @example
 * ```sh
 * switchyard token create --name ci --scopes publish
 * ```
 */
export const tokenCommand: CliCommand = (program, io) => {
  const token = program
    .command('token')
    .description('Make, list or revoke API tokens (kept hashed in the data folder)')
  const configOption = '--config <file>'
  const configHelp = 'the configuration whose token file to use (default: config/switchyard.yaml)'
  token
    .command('create')
    .description('Make a token and print it (the only time it is shown)')
    .requiredOption('--name <name>', 'its name (lowercase letters, digits, - and _)')
    .option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, parseScopes, ['read'] as Scope[])
    .option('--replace', 'replace the token of that name (rotation: the old one stops working)')
    .option(configOption, configHelp)
    .action(async (options: { name: string; scopes: Scope[]; replace?: boolean; config?: string }) => {
      const file = await tokenFile(options.config, io)
      const made = await file.create(options.name, options.scopes, { replace: options.replace === true })
      io.err(
        `token "${options.name}" (${options.scopes.join(', ')}) kept hashed in ${file.path}; shown once:\n`,
      )
      io.out(`${made}\n`)
    })
  token
    .command('list')
    .description('List the tokens of the token file (names and scopes; the tokens are not kept)')
    .option('--json', 'print JSON instead of a table')
    .option(configOption, configHelp)
    .action(async (options: { json?: boolean; config?: string }) => {
      const tokens = await (await tokenFile(options.config, io)).list()
      io.out(
        options.json
          ? `${JSON.stringify({ tokens }, null, 2)}\n`
          : formatTable(
              ['NAME', 'SCOPES', 'CREATED'],
              tokens.map((t) => [t.name, t.scopes.join(','), t.createdAt]),
            ),
      )
    })
  token
    .command('revoke <name>')
    .description('Remove a token: it stops working at once')
    .option(configOption, configHelp)
    .action(async (name: string, options: { config?: string }) => {
      const file = await tokenFile(options.config, io)
      if (!(await file.revoke(name))) throw new TokenFileError(`no token named "${name}" in ${file.path}`)
      io.out(`revoked ${name}\n`)
    })
}
