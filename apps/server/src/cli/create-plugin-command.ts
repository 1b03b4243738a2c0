import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import type { CliCommand } from './cli-command.js'
import { pluginTemplate } from './plugin-template.js'
import { detectLayout, type PluginLayout } from './scaffold/detect-layout.js'
import { nextSteps } from './scaffold/next-steps.js'
import { templateVersions } from './scaffold/template-versions.js'

// The host's rule for plugin names: kebab-case.
const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** What `createPlugin` wrote and how the new package is installed. */
export interface CreatedPlugin {
  files: string[]
  layout: PluginLayout
  nextSteps: string[]
}

/**
 * Writes a new plugin package into `folder`, which must not exist yet. Its dependencies suit where it lands (see
 * `detectLayout`): `workspace:^` in a pnpm workspace holding the Switchyard packages, the published range
 * elsewhere.
 *
 * @example
 * ```ts
 * const { files, nextSteps } = await createPlugin('order-alerts', '/repo/plugins/order-alerts', process.env)
 * ```
 */
export async function createPlugin(
  name: string,
  folder: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CreatedPlugin> {
  if (!PLUGIN_NAME.test(name)) {
    throw new UsageError(`plugin name "${name}" is invalid: expected kebab-case such as "order-alerts"`)
  }
  if (existsSync(folder)) throw new UsageError(`${folder} already exists; choose another NAME or --dir`)
  const layout = await detectLayout(folder, env)
  const files: string[] = []
  for (const [path, content] of Object.entries(pluginTemplate(name, templateVersions(layout)))) {
    const file = join(folder, path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, content)
    files.push(file)
  }
  return { files, layout, nextSteps: nextSteps(name, folder, layout) }
}

/**
 * `switchyard create-plugin NAME [--dir DIR]`: a ready plugin package that installs where it is made.
 *
 * @example
 * ```sh
 * switchyard create-plugin order-metrics --dir plugins
 * ```
 */
export const createPluginCommand: CliCommand = (program, io) =>
  program
    .command('create-plugin <name>')
    .description('Create a new plugin package (config schema, counter, route, handler, test, README)')
    .option('--dir <dir>', 'where to create the package folder (default: the current directory)')
    .addHelpText(
      'after',
      `
In a pnpm workspace whose packages cover the folder, the Switchyard packages it uses are workspace:^ when
they are members (the Switchyard repository) and the next steps are pnpm's; elsewhere it gets the published
version range and the next steps of the package manager whose lockfile is above it (npm by default).`,
    )
    .action(async (name: string, options: { dir?: string }) => {
      const folder = resolve(options.dir ?? '.', name)
      const created = await createPlugin(name, folder, io.env)
      const where =
        created.layout.kind === 'workspace'
          ? `a member of the pnpm workspace at ${created.layout.root}`
          : `a standalone package (${created.layout.packageManager})`
      io.out(`Created ${name} in ${folder}, ${where}:\n${created.files.map((f) => `  ${f}`).join('\n')}\n`)
      io.out(`Next:\n${created.nextSteps.map((step) => `  ${step}`).join('\n')}\n`)
    })
