import { resolve } from 'node:path'
import type { Command } from 'commander'
import { UsageError } from '../errors.js'
import type { ApiClient } from './api-client.js'
import type { CliCommand } from './cli-command.js'
import type { CliIo } from './cli-io.js'
import { apiClient, type ClientOptions, clientOptions, printResult } from './client-options.js'
import { formatTable } from './format-table.js'
import { installWithProgress } from './install-with-progress.js'
import { pluginNameAt } from './plugin-name-at.js'
import { signCommand } from './sign-command.js'

/** The fields of a plugin's status the CLI shows. */
interface PluginLine {
  name: string
  version?: string
  state: string
  enabled: boolean
  source?: string
  handlers?: string[]
  reason?: string
  error?: { code: string; message: string }
  isolation?: { mode: string }
  /** Marketplace-installed plugins: the key id that signed it, or `unsigned`. */
  signer?: string
}

const pluginTable = (plugins: PluginLine[]): string =>
  formatTable(
    ['NAME', 'VERSION', 'STATE', 'MODE', 'HANDLERS', 'SOURCE', 'SIGNER', 'REASON'],
    plugins.map((p) => [
      p.name,
      p.version ?? '-',
      p.enabled || p.state === 'disabled' ? p.state : `${p.state} (disabled)`,
      p.isolation?.mode ?? '-',
      String(p.handlers?.length ?? 0),
      p.source ?? '-',
      p.signer ?? '-',
      p.error ? `${p.error.code}: ${p.error.message}` : (p.reason ?? ''),
    ]),
  )

const pluginLine = (p: PluginLine): string =>
  `${p.name}${p.version ? `@${p.version}` : ''}: ${p.state}${p.isolation ? ` [${p.isolation.mode}]` : ''}${p.reason ? ` (${p.reason})` : ''}\n`

/** One API call of a `plugins` sub-command, its answer printed as a plugin line (or JSON with `--json`). */
function pluginAction<O>(
  command: Command,
  io: CliIo,
  send: (client: ApiClient, name: string, options: O) => Promise<unknown>,
): Command {
  return clientOptions(command).action(async (name: string, options: ClientOptions & O) => {
    const answer = await send(await apiClient(options, io), name, options)
    printResult(io, options, answer, (a) => {
      const plugin = (a as { plugin?: PluginLine } | null)?.plugin ?? (a as PluginLine | null)
      return plugin && typeof plugin.name === 'string' ? pluginLine(plugin) : `${JSON.stringify(a)}\n`
    })
  })
}

const at = (name: string) => encodeURIComponent(name)

/**
 * `switchyard plugins list|enable|disable|reload|load|install|upgrade|uninstall`: a table (or `--json`) of the
 * plugins of a running server, and the changes the management API makes.
 *
 * @example
 * ```sh
 * SWITCHYARD_TOKEN=... switchyard plugins disable audit-log
 * ```
 */
export const pluginsCommand: CliCommand = (program, io) => {
  const plugins = program
    .command('plugins')
    .description(
      'List, enable, disable, reload, load, install, upgrade or uninstall plugins of a running server; sign archives',
    )

  clientOptions(plugins.command('list').description('List the plugins with their state')).action(
    async (options: ClientOptions) => {
      const answer = (await (await apiClient(options, io)).request('GET', '/api/v1/events/plugins')) as {
        plugins: PluginLine[]
      }
      printResult(io, options, answer, (a) => pluginTable(a.plugins))
    },
  )
  pluginAction(
    plugins.command('enable <name>').description('Enable a plugin (persisted)'),
    io,
    (client, name) => client.request('POST', `/api/v1/events/plugins/${at(name)}/enable`),
  )
  pluginAction(
    plugins.command('disable <name>').description('Disable a plugin after draining its deliveries'),
    io,
    (client, name) => client.request('POST', `/api/v1/events/plugins/${at(name)}/disable`),
  )
  pluginAction(
    plugins.command('reload <name>').description('Reload a plugin from disk without losing events'),
    io,
    (client, name) => client.request('POST', `/plugins/${at(name)}/reload`),
  )
  pluginAction(
    plugins
      .command('load <path>')
      .description('Load a plugin folder into the running server (a new plugin starts, a known one reloads)'),
    io,
    async (client, path) => {
      const folder = resolve(path)
      return client.request('POST', `/api/v1/events/plugins/${at(await pluginNameAt(folder))}/load`, {
        path: folder,
      })
    },
  )
  pluginAction(
    plugins
      .command('install [name]')
      .description('Install a plugin from the marketplace (by name) or from a tarball/zip URL')
      .option('--version <range>', 'version or range of NAME (default: latest)')
      .option('--download-url <url>', 'install from an npm tarball (.tgz) or .zip instead of the registry')
      .option('--sha256 <hex>', 'expected checksum of the download')
      .option('--signature <base64>', 'its Ed25519 signature (switchyard plugins sign), with --key-id')
      .option('--key-id <id>', "the signer's key id"),
    io,
    (client, name, options: InstallOptions) =>
      installWithProgress(client, io, '/api/v1/plugins/install', installBody(name, options)),
  )
  pluginAction(
    plugins
      .command('upgrade <name>')
      .description('Upgrade an installed plugin; the old version keeps running if the new one fails to start')
      .option('--version <range>', 'version, range or dist-tag to move to (default: latest)')
      .option('--force', 'accept a version signed by another key than the installed one'),
    io,
    (client, name, { version, force }: { version?: string; force?: boolean }) =>
      installWithProgress(client, io, '/api/v1/plugins/upgrade', {
        name,
        ...(version ? { version } : {}),
        ...(force ? { force: true } : {}),
      }),
  )
  pluginAction(
    plugins
      .command('uninstall <name>')
      .description('Stop, remove and forget an installed plugin')
      .option('--force', 'even while other plugins depend on it (they are disabled)')
      .option('--purge', 'delete its SQL data (ctx.db) too; it is kept otherwise'),
    io,
    (client, name, { force, purge }: { force?: boolean; purge?: boolean }) => {
      const query = new URLSearchParams({
        ...(force ? { force: 'true' } : {}),
        ...(purge ? { purge: 'true' } : {}),
      })
      const search = query.size === 0 ? '' : `?${query}`
      return client.request('DELETE', `/api/v1/plugins/uninstall/${at(name)}${search}`)
    },
  )
  signCommand(plugins, io)
}

interface InstallOptions {
  version?: string
  downloadUrl?: string
  sha256?: string
  signature?: string
  keyId?: string
}

function installBody(name: string | undefined, options: InstallOptions): Record<string, unknown> {
  const url = options.downloadUrl
  if ((name === undefined) === (url === undefined))
    throw new UsageError('give either NAME or --download-url URL')
  const { signature, keyId } = options
  const signed = signature || keyId ? { signature, key_id: keyId } : {}
  return url
    ? { download_url: url, ...(options.sha256 ? { checksum_sha256: options.sha256 } : {}), ...signed }
    : { name, ...(options.version ? { version: options.version } : {}) }
}
