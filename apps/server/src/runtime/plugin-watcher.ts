import { execFile } from 'node:child_process'
import { type FSWatcher, watch } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Logger, roundDuration } from '@switchyard/core'
import type { PluginHost } from '@switchyard/host'
import { loadPlugin } from './load-plugin.js'

/** Changes inside these folders are the build's own output or installs, never a reason to rebuild. */
const IGNORED = /(^|[\\/])(dist|node_modules|\.git|\.turbo|coverage)([\\/]|$)/
/** Edits arriving within this long of each other make one rebuild (an editor saves several files at once). */
const SETTLE_MS = 150

/**
 * Runs a plugin package's `build` script (`npm run build`, which finds the package's own tools), if it has one.
 * Resolves to the build's output; rejects with it when the build fails.
 *
 * @example
 * ```ts
 * await buildPlugin('/repo/plugins/order-metrics')
 * ```
 */
export async function buildPlugin(folder: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8').catch(() => '{}')) as {
    scripts?: Record<string, string>
  }
  if (manifest.scripts?.build === undefined) return ''
  return new Promise((resolve, reject) =>
    execFile(
      'npm',
      ['run', 'build', '--silent'],
      { cwd: folder, timeout: 120_000 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim()
        if (error) reject(new Error(`build failed in ${folder}:\n${output || error.message}`))
        else resolve(output)
      },
    ),
  )
}

/**
 * `switchyard dev`'s loop for one plugin folder: builds it and loads it into `host`, then on every change of
 * its files (outside `dist/`, `node_modules/`) builds it again and reloads it in one drained swap. A failed build
 * or load is logged and the running version stays. `close` stops watching.
 *
 * @example
 * ```ts
 * const watcher = await watchPlugin(host, 'order-metrics', '/repo/plugins/order-metrics', logger)
 * watcher.close()
 * ```
 */
export async function watchPlugin(
  host: PluginHost,
  name: string,
  folder: string,
  logger: Logger,
): Promise<{ close(): void }> {
  let running: Promise<void> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  const rebuild = async (why: string) => {
    const started = performance.now()
    try {
      await buildPlugin(folder)
      const status = await loadPlugin(host, name, folder)
      const ms = roundDuration(performance.now() - started)
      logger.info({ plugin: name, state: status.state, why, ms }, `dev: ${name} built and loaded`)
    } catch (error) {
      logger.error({ plugin: name, err: error, why }, `dev: ${name} not reloaded; the running version stays`)
    }
  }
  await rebuild('start')
  const watcher: FSWatcher = watch(folder, { recursive: true }, (_event, file) => {
    if (file === null || IGNORED.test(file)) return
    clearTimeout(timer)
    timer = setTimeout(() => {
      // One rebuild at a time: an edit during a build runs another build after it.
      running = running.then(() => rebuild(`changed ${file}`))
    }, SETTLE_MS)
  })
  return {
    close() {
      clearTimeout(timer)
      watcher.close()
    },
  }
}
