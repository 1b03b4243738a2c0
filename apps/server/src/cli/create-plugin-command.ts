import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import type { CliCommand } from './cli-command.js'
import { pluginTemplate, type TemplateVersions } from './plugin-template.js'

// The host's rule for plugin names: kebab-case.
const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

function templateVersions(): TemplateVersions {
  const require = createRequire(import.meta.url)
  const sdk = require('@switchyard/plugin-sdk/package.json') as {
    version: string
    dependencies: Record<string, string>
    peerDependencies: Record<string, string>
  }
  const testing = require('@switchyard/testing/package.json') as { version: string }
  // valibot as the SDK itself requires it; the dev tools are not dependencies of the server, so these are the
  // ranges the template is tested with.
  return {
    sdk: `^${sdk.version}`,
    testing: `^${testing.version}`,
    hono: sdk.peerDependencies.hono ?? '^4.9.0',
    valibot: sdk.dependencies.valibot ?? '^1.1.0',
    typescript: '~5.9.3',
    vitest: '^4.0.0',
    nodeTypes: '^20.19.0',
  }
}

/**
 * Writes the template's files under `folder`, which must not exist yet; resolves to the written paths.
 *
 * @example
 * ```ts
 * await createPlugin('order-alerts', '/tmp/order-alerts')
 * ```
 */
export async function createPlugin(name: string, folder: string): Promise<string[]> {
  if (!PLUGIN_NAME.test(name)) {
    throw new UsageError(`plugin name "${name}" is invalid: expected kebab-case such as "order-alerts"`)
  }
  if (existsSync(folder)) throw new UsageError(`${folder} already exists; choose another NAME or --dir`)
  const written: string[] = []
  for (const [path, content] of Object.entries(pluginTemplate(name, templateVersions()))) {
    const file = join(folder, path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, content)
    written.push(file)
  }
  return written
}

/**
 * `switchyard create-plugin NAME [--dir DIR]`.
 *
 * @example
 * ```sh
 * switchyard create-plugin order-alerts --dir plugins && cd plugins/order-alerts && npm install && npm test
 * ```
 */
export const createPluginCommand: CliCommand = (program, io) =>
  program
    .command('create-plugin <name>')
    .description('Create a new plugin package (config schema, handler, route, test, build)')
    .option('--dir <dir>', 'where to create the package folder (default: the current directory)')
    .action(async (name: string, options: { dir?: string }) => {
      const folder = resolve(options.dir ?? '.', name)
      const files = await createPlugin(name, folder)
      io.out(`Created ${name} in ${folder}:\n${files.map((f) => `  ${f}`).join('\n')}\n`)
      io.out(`Next: cd ${folder} && npm install && npm test && npm run build\n`)
    })
