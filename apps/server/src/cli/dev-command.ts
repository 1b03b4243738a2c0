import { resolve } from 'node:path'
import type { CliCommand } from './cli-command.js'
import { pluginNameAt } from './plugin-name-at.js'
import { type ServerOptions, serverOptions } from './server-options.js'

/**
 * `switchyard dev [FOLDER...]`: a plugin author's loop. Starts the server (as `start`), builds each plugin folder
 * (the current one by default) and loads it, then rebuilds and reloads a plugin whenever its files change.
 *
 * @example
 * ```sh
 * switchyard dev plugins/order-metrics --config config/switchyard.yaml
 * ```
 */
export const devCommand: CliCommand = (program, io) =>
  serverOptions(
    program
      .command('dev [folders...]')
      .description('Run the server and rebuild and reload plugins when their files change'),
  )
    .addHelpText(
      'after',
      `
FOLDERS are plugin packages (default: the current folder). Each is built with its "build" script (npm run
build) and loaded, then watched: a change outside dist/ and node_modules/ builds it again and reloads it in
one drained swap (no event lost); a failed build keeps the running version. Stop with Ctrl-C.`,
    )
    .action(async (folders: string[], options: ServerOptions) => {
      const targets = (folders.length > 0 ? folders : ['.']).map((folder) => resolve(folder))
      const names = await Promise.all(targets.map((folder) => pluginNameAt(folder)))
      const { runServer } = await import('../runtime/run-server.js')
      const { watchPlugin } = await import('../runtime/plugin-watcher.js')
      const server = await runServer(options, io)
      for (const [i, folder] of targets.entries())
        await watchPlugin(server.host, names[i]!, folder, server.host.logger)
      server.host.logger.info({ folders: targets }, `switchyard dev: watching ${targets.join(', ')}`)
    })
