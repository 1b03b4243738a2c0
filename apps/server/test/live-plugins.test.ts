import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { spawnCli } from './support/cli-process.js'
import { call, type FaultDir, faultDir } from './support/fault-server.js'
import { runCli } from './support/run-cli.js'
import { type ServerProcess, startServerProcess } from './support/server-process.js'
import { stopAndRemove } from './support/stop-and-remove.js'
import { FIXTURE_PLUGINS, TOKENS, testConfig, waitFor } from './support/test-server.js'

// Server, CLI and build processes: seconds apiece on a loaded machine.
vi.setConfig({ testTimeout: 120_000 })

const DEV_PLUGIN = fileURLToPath(new URL('./fixtures/dev-plugin', import.meta.url))

let dir: FaultDir | undefined
let server: ServerProcess | undefined
// Stopping or removing again what an earlier test ended does nothing.
afterEach(() => stopAndRemove(server, dir))

/** A server whose only plugin directory is `<dir>/plugins`, empty at start. */
async function startWithEmptyPlugins(): Promise<{ plugins: string }> {
  dir = await faultDir({})
  const plugins = join(dir.path, 'plugins')
  await mkdir(plugins)
  await dir.write(testConfig({ plugin_directories: [plugins] }))
  server = await startServerProcess(dir.configFile)
  return { plugins }
}

const statusOf = async (path: string) => (await call(server!, path)).status

describe('plugins added and removed live', () => {
  it('starts a plugin copied into plugin_directories on reload-config, and stops it when removed', async () => {
    const { plugins } = await startWithEmptyPlugins()
    expect(await statusOf('/plugins/greeter/hello')).toBe(404)
    await cp(join(FIXTURE_PLUGINS, 'greeter'), join(plugins, 'greeter'), { recursive: true })

    const added = await call(server!, '/api/v1/events/reload-config', { method: 'POST' })
    expect(await added.json()).toMatchObject({ reloaded: true, added: ['greeter'], removed: [] })
    expect(await statusOf('/plugins/greeter/hello')).toBe(200)

    await rm(join(plugins, 'greeter'), { recursive: true })
    const removed = await call(server!, '/api/v1/events/reload-config', { method: 'POST' })
    expect(await removed.json()).toMatchObject({ added: [], removed: ['greeter'] })
    expect(await statusOf('/plugins/greeter/hello')).toBe(404)
  })

  it('loads one plugin folder with switchyard plugins load, and refuses a folder holding another plugin', async () => {
    await startWithEmptyPlugins()
    const env = { SWITCHYARD_URL: server!.url, SWITCHYARD_TOKEN: TOKENS.admin }
    const load = await runCli(['plugins', 'load', join(FIXTURE_PLUGINS, 'greeter')], env)
    expect(load.code, load.stderr).toBe(0)
    expect(load.stdout).toMatch(/^greeter@1\.0\.0: started/)
    expect(await statusOf('/plugins/greeter/hello')).toBe(200)
    // Loading a known plugin again reloads it.
    const again = await runCli(['plugins', 'load', join(FIXTURE_PLUGINS, 'greeter'), '--json'], env)
    expect(JSON.parse(again.stdout)).toMatchObject({ name: 'greeter', state: 'started', reloads: 1 })

    const wrong = await call(server!, '/api/v1/events/plugins/other/load', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: join(FIXTURE_PLUGINS, 'recorder') }),
    })
    expect(wrong.status).toBe(422)
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain(
      'holds plugin "recorder", not "other"',
    )
    const missing = await call(server!, '/api/v1/events/plugins/nowhere/load', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(missing.status).toBe(400)
  })
})

describe('switchyard dev', () => {
  it('builds and loads a plugin, then rebuilds and reloads it when its source changes', async () => {
    dir = await faultDir({})
    const plugin = join(dir.path, 'dev-echo')
    await cp(DEV_PLUGIN, plugin, { recursive: true })
    await dir.write(testConfig({ plugin_directories: [] }))
    const dev = spawnCli(['dev', plugin, '--config', dir.configFile, '--port', '0'], {}, dir.path)
    try {
      await dev.waitFor(/listening on http:\/\/[^\s"]+/)
      await dev.waitFor(/switchyard dev: watching/)
      const url = /listening on (http:\/\/[^\s"]+)/.exec(dev.stdout())![1]!
      const version = async () => {
        const res = await fetch(`${url}/plugins/dev-echo/version`, {
          headers: { authorization: `Bearer ${TOKENS.read}` },
        })
        return res.status === 200 ? ((await res.json()) as { version: number }).version : res.status
      }
      expect(await version()).toBe(1)

      const source = join(plugin, 'src', 'index.js')
      await writeFile(
        source,
        (await readFile(source, 'utf8')).replace('const VERSION = 1', 'const VERSION = 2'),
      )
      await waitFor(async () => ((await version()) === 2 ? true : undefined), 60_000)
      expect(dev.stdout()).toMatch(/dev: dev-echo built and loaded/)
    } finally {
      expect(await dev.stop()).toBe(0)
    }
  })
})
