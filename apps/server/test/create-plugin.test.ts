import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { call, faultDir, publish, settledDeliveries } from './support/fault-server.js'
import { runCli } from './support/run-cli.js'
import { makeWorkspace, pnpm, REPO_PACKAGES } from './support/scaffold-workspace.js'
import { type ServerProcess, startServerProcess } from './support/server-process.js'
import { testConfig } from './support/test-server.js'

// Installs, builds and test runs of real packages: minutes on a loaded machine.
vi.setConfig({ testTimeout: 300_000 })

let dir: string
const sdkVersion = JSON.parse(
  await readFile(join(REPO_PACKAGES['@switchyard/plugin-sdk'], 'package.json'), 'utf8'),
).version as string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-create-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const manifestOf = async (folder: string) =>
  JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as Record<string, Record<string, string>>

describe('switchyard create-plugin', () => {
  let workspacePlugin: string
  let standalonePlugin: string

  it('in a pnpm workspace: workspace:^ dependencies and pnpm steps; it installs, builds and passes its test', async () => {
    const ws = join(dir, 'ws')
    await mkdir(ws)
    await makeWorkspace(ws)
    const run = await runCli(['create-plugin', 'order-metrics', '--dir', 'plugins'], {}, ws)
    expect(run.code, run.stderr).toBe(0)
    workspacePlugin = join(ws, 'plugins', 'order-metrics')
    expect(run.stdout).toContain(`a member of the pnpm workspace at ${ws}`)
    expect(run.stdout).toContain('pnpm --filter order-metrics test')

    const manifest = await manifestOf(workspacePlugin)
    expect(manifest).toMatchObject({
      name: 'order-metrics',
      eventPlugin: { entry: './dist/index.js' },
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist', 'README.md'],
      keywords: expect.arrayContaining(['switchyard-plugin']),
      dependencies: { '@switchyard/plugin-sdk': 'workspace:^' },
      devDependencies: { '@switchyard/testing': 'workspace:^' },
    })
    expect(await readFile(join(workspacePlugin, 'README.md'), 'utf8')).toContain(
      'GET /plugins/order-metrics/shipped',
    )

    await pnpm(['install', '--no-frozen-lockfile', '--prefer-offline'], ws)
    await pnpm(['--filter', 'order-metrics', 'build'], ws)
    expect(await pnpm(['--filter', 'order-metrics', 'test'], ws)).toMatch(/1 passed/)
  })

  it('in a standalone folder: the published range and the package manager of the lockfile above it', async () => {
    const app = join(dir, 'app')
    await mkdir(app)
    await writeFile(join(app, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n")
    const run = await runCli(['create-plugin', 'order-tally', '--dir', app])
    expect(run.code, run.stderr).toBe(0)
    standalonePlugin = join(app, 'order-tally')
    expect(run.stdout).toContain('a standalone package (pnpm)')
    expect(run.stdout).toMatch(/\n {2}pnpm install\n {2}pnpm test\n {2}pnpm build\n/)
    const manifest = await manifestOf(standalonePlugin)
    expect(manifest.dependencies).toMatchObject({ '@switchyard/plugin-sdk': `^${sdkVersion}` })
    expect(manifest.devDependencies).toMatchObject({ '@switchyard/testing': `^${sdkVersion}` })

    // The SDK and the test kit are not on the registry yet: the test links them from this repository with a
    // pnpm override, as a plugin author trying an unreleased SDK would. Everything else comes from the registry.
    const links = Object.fromEntries(
      Object.entries(REPO_PACKAGES).map(([name, path]) => [name, `link:${path}`]),
    )
    await writeFile(
      join(standalonePlugin, 'package.json'),
      JSON.stringify({ ...manifest, pnpm: { overrides: links } }, null, 2),
    )
    await pnpm(['install', '--no-frozen-lockfile', '--prefer-offline'], standalonePlugin)
    await pnpm(['build'], standalonePlugin)
    expect(await pnpm(['test'], standalonePlugin)).toMatch(/1 passed/)
  })

  it('names npm when a package-lock.json is above the folder', async () => {
    const app = join(dir, 'npm-app')
    await mkdir(app)
    await writeFile(join(app, 'package-lock.json'), '{}')
    const run = await runCli(['create-plugin', 'order-npm', '--dir', app])
    expect(run.stdout).toMatch(
      /a standalone package \(npm\)[\s\S]*npm install\n {2}npm test\n {2}npm run build\n/,
    )
  })

  it('loads both built plugins into a running server', async () => {
    expect(workspacePlugin && standalonePlugin, 'the scaffold tests ran').toBeTruthy()
    const app = await faultDir({})
    let server: ServerProcess | undefined
    try {
      await app.write(
        testConfig({
          plugin_directories: [join(dir, 'ws', 'plugins'), join(dir, 'app')],
          plugins: { 'order-tally': { config: { currency: 'CHF' } } },
        }),
      )
      server = await startServerProcess(app.configFile)
      const id = await publish(server, 'order.status_changed', { orderId: 'A1', status: 'shipped' })
      const deliveries = await settledDeliveries(server, id)
      expect(deliveries.map((d) => [d.handler, d.status]).sort()).toEqual([
        ['order_metrics_handler', 'succeeded'],
        ['order_tally_handler', 'succeeded'],
      ])
      expect(await (await call(server, '/plugins/order-metrics/shipped')).json()).toEqual({
        shipped: 1,
        currency: 'EUR',
      })
      expect(await (await call(server, '/plugins/order-tally/shipped')).json()).toEqual({
        shipped: 1,
        currency: 'CHF',
      })
      expect(await (await call(server, '/metrics')).text()).toMatch(
        /orders_shipped_total\{plugin="order-tally"\} 1/,
      )
    } finally {
      server?.child.kill('SIGTERM')
      await server?.exited
      await app.remove()
    }
  })

  it('refuses to overwrite an existing folder (exit 2)', async () => {
    await mkdir(join(dir, 'taken'))
    const run = await runCli(['create-plugin', 'taken', '--dir', dir])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('already exists')
  })
})
