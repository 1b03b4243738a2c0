import { UsageError } from '../errors.js'
import { apiCommand } from './api-command.js'
import { type CliCommand, commandGroup, optionText } from './parse-command.js'

const NAME = { min: 1, max: 1, names: 'NAME' }

/** `plugins enable|disable|reload NAME`: one POST on the plugin, the answer printed as JSON. */
const pluginAction = (name: string, summary: string, path: (plugin: string) => string): CliCommand =>
  apiCommand({
    name,
    summary,
    synopsis: `switchyard plugins ${name} NAME`,
    positionals: NAME,
    send: ({ positionals }, client) => client.request('POST', path(encodeURIComponent(positionals[0]!))),
  })

const list = apiCommand({
  name: 'list',
  summary: 'List the plugins of a running server with their state',
  synopsis: 'switchyard plugins list',
  positionals: { min: 0, max: 0 },
  send: (_, client) => client.request('GET', '/api/v1/events/plugins'),
})

const install = apiCommand({
  name: 'install',
  summary: 'Install a plugin from the marketplace (by name) or from a tarball/zip URL',
  synopsis: 'switchyard plugins install (NAME [--version RANGE] | --download-url URL [--sha256 HEX])',
  help: `  --version RANGE     version or range of NAME (default: latest)
  --download-url URL  install from an npm tarball (.tgz) or .zip instead of the registry
  --sha256 HEX        expected checksum of the download`,
  options: { version: { type: 'string' }, 'download-url': { type: 'string' }, sha256: { type: 'string' } },
  positionals: { min: 0, max: 1 },
  send(args, client) {
    const url = optionText(args, 'download-url')
    const sha256 = optionText(args, 'sha256')
    const version = optionText(args, 'version')
    const [name] = args.positionals
    if ((name === undefined) === (url === undefined))
      throw new UsageError('give either NAME or --download-url URL')
    const body = url
      ? { download_url: url, ...(sha256 ? { checksum_sha256: sha256 } : {}) }
      : { name, ...(version ? { version } : {}) }
    return client.request('POST', '/api/v1/plugins/install', body)
  },
})

const upgrade = apiCommand({
  name: 'upgrade',
  summary: 'Upgrade an installed plugin; the old version keeps running if the new one fails to start',
  synopsis: 'switchyard plugins upgrade NAME [--version RANGE]',
  help: '  --version RANGE     version, range or dist-tag to move to (default: latest)',
  options: { version: { type: 'string' } },
  positionals: NAME,
  send(args, client) {
    const version = optionText(args, 'version')
    return client.request('POST', '/api/v1/plugins/upgrade', {
      name: args.positionals[0],
      ...(version ? { version } : {}),
    })
  },
})

const uninstall = apiCommand({
  name: 'uninstall',
  summary: 'Stop, remove and forget an installed plugin',
  synopsis: 'switchyard plugins uninstall NAME [--force]',
  help: '  --force             even while other plugins depend on it (they are disabled)',
  options: { force: { type: 'boolean' } },
  positionals: NAME,
  send: ({ positionals, values }, client) =>
    client.request(
      'DELETE',
      `/api/v1/plugins/uninstall/${encodeURIComponent(positionals[0]!)}${values.force ? '?force=true' : ''}`,
    ),
})

const commands = [
  list,
  pluginAction('enable', 'Enable a plugin (persisted)', (n) => `/api/v1/events/plugins/${n}/enable`),
  pluginAction(
    'disable',
    'Disable a plugin after draining its deliveries',
    (n) => `/api/v1/events/plugins/${n}/disable`,
  ),
  pluginAction('reload', 'Reload a plugin from disk without losing events', (n) => `/plugins/${n}/reload`),
  install,
  upgrade,
  uninstall,
]

/**
 * `switchyard plugins list|enable|disable|reload|install|upgrade|uninstall`.
 *
 * @example
 * ```sh
 * SWITCHYARD_TOKEN=... switchyard plugins disable audit-log --url http://127.0.0.1:8080
 * ```
 */
export const pluginsCommand: CliCommand = commandGroup(
  'plugins',
  'List, enable, disable, reload, install, upgrade or uninstall plugins of a running server',
  commands,
)
