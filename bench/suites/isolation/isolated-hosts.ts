import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PluginHost } from '@switchyard/host'
import { PluginHost as Host } from '@switchyard/host'

/** The three modes every isolation group compares, the first being the baseline. */
export const MODES = ['none', 'worker', 'process'] as const
export type Mode = (typeof MODES)[number]

/** The row name of a mode. */
export const modeRow = (mode: Mode): string => (mode === 'none' ? 'in-process' : `isolation: ${mode}`)

/**
 * Writes a plugin file named `name` with a no-op async handler on `bench.<name>.*`, a GET `/ping` route and a
 * health check: the same module in every mode (a sandbox imports it from the file).
 */
export async function writeBenchPlugin(dir: string, name: string): Promise<string> {
  const file = join(dir, `${name}.mjs`)
  const handler = name.replaceAll('-', '_')
  await writeFile(
    file,
    `export default {
  name: '${name}', version: '1.0.0', permissions: ['events:subscribe', 'http:routes'],
  setup(ctx) {
    ctx.on('bench.${handler}.*', async () => undefined, { name: '${handler}_handler' })
    ctx.routes.get('/ping', (c) => c.json({ pong: true }))
    ctx.health(() => ({ status: 'ok' }))
  },
}
`,
  )
  return file
}

/** A started host running `files` in `mode`, its sandboxes' data under `cwd`. */
export async function startIsolatedHost(
  mode: Mode,
  files: readonly string[],
  cwd: string,
): Promise<PluginHost> {
  const host = new Host({
    cwd,
    appPackageJson: false,
    plugins: files.map((module) => ({ module })),
    config: {
      plugin_directories: [],
      storage: { driver: 'memory' },
      plugin_defaults: { isolation: mode },
      delivery: { retry: { attempts: 1 } },
    },
  })
  await host.start()
  const failed = host.status().find((plugin) => plugin.state !== 'started')
  if (failed !== undefined) throw new Error(`${failed.name} is ${failed.state}: ${failed.reason}`)
  return host
}
