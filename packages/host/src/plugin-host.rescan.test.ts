import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEvent } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { startAppHost } from '../test/start-app-host.js'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

// A plugin package in `folder` whose handler waits `delayMs`, then answers; `depends` names a plugin it needs.
async function writePlugin(
  folder: string,
  name: string,
  options: { delayMs?: number; depends?: string } = {},
) {
  await mkdir(folder, { recursive: true })
  await writeFile(
    join(folder, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', eventPlugin: './index.js' }),
  )
  const dependencies = options.depends ? `dependencies: { '${options.depends}': '^1.0.0' },` : ''
  await writeFile(
    join(folder, 'index.js'),
    `export default {
  name: '${name}', version: '1.0.0', permissions: ['events:subscribe'], ${dependencies}
  setup(ctx) {
    ctx.on('rescan.*', async () => { await new Promise((r) => setTimeout(r, ${options.delayMs ?? 0})) },
      { name: '${name.replaceAll('-', '_')}_handler' })
  },
}
`,
  )
}

async function appDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-rescan-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'plugins'))
  return dir
}

describe('PluginHost.rescan', () => {
  it('starts plugins added to a plugin directory, dependencies first', async () => {
    const dir = await appDir()
    await writePlugin(join(dir, 'plugins', 'first'), 'first')
    const host = await startAppHost(dir, cleanup)
    expect(await host.rescan()).toEqual({ added: [], removed: [] })

    // The dependent sorts before its dependency on disk: the rescan still starts the dependency first.
    await writePlugin(join(dir, 'plugins', 'a-dependent'), 'a-dependent', { depends: 'z-base' })
    await writePlugin(join(dir, 'plugins', 'z-base'), 'z-base')
    const result = await host.rescan()
    expect(result.added.sort()).toEqual(['a-dependent', 'z-base'])
    expect(host.status().map((p) => [p.name, p.state])).toEqual(
      expect.arrayContaining([
        ['first', 'started'],
        ['a-dependent', 'started'],
        ['z-base', 'started'],
      ]),
    )
    const report = await host.bus.publish(createEvent('rescan.one', {}))
    expect(report.outcomes.map((o) => [o.handler, o.status]).sort()).toEqual([
      ['a_dependent_handler', 'succeeded'],
      ['first_handler', 'succeeded'],
      ['z_base_handler', 'succeeded'],
    ])
  })

  it('stops a plugin whose folder is gone after its in-flight deliveries finish', async () => {
    const dir = await appDir()
    await writePlugin(join(dir, 'plugins', 'slow'), 'slow', { delayMs: 300 })
    const host = await startAppHost(dir, cleanup)
    const delivery = host.bus.publish(createEvent('rescan.slow', {}))
    await new Promise((resolve) => setTimeout(resolve, 50))
    await rm(join(dir, 'plugins', 'slow'), { recursive: true })
    expect(await host.rescan()).toEqual({ added: [], removed: ['slow'] })
    expect((await delivery).outcomes).toEqual([
      expect.objectContaining({ handler: 'slow_handler', status: 'succeeded' }),
    ])
    expect(host.status()).toEqual([])
  })

  it('lists a new plugin that cannot start as failed and leaves the others running', async () => {
    const dir = await appDir()
    const host = await startAppHost(dir, cleanup)
    await writePlugin(join(dir, 'plugins', 'orphan'), 'orphan', { depends: 'missing' })
    await writePlugin(join(dir, 'plugins', 'fine'), 'fine')
    expect((await host.rescan()).added.sort()).toEqual(['fine', 'orphan'])
    const states = Object.fromEntries(host.status().map((p) => [p.name, p.state]))
    expect(states).toEqual({ fine: 'started', orphan: 'failed' })
    expect(host.plugin('orphan').reason).toContain('missing')
  })
})
