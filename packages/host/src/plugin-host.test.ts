import { cp, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEvent } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createHost } from './create-host.js'
import type { PluginHost } from './plugin-host.js'

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url))
const hosts: PluginHost[] = []
const start = async (directories: string[], extra: Parameters<typeof createHost>[0] = {}) => {
  const host = await createHost({
    cwd: FIXTURES,
    appPackageJson: false,
    config: { plugin_directories: directories },
    ...extra,
  })
  hosts.push(host)
  return host
}
const states = (host: PluginHost) => Object.fromEntries(host.status().map((p) => [p.name, p.state]))
const reasons = (host: PluginHost) => Object.fromEntries(host.status().map((p) => [p.name, p.reason]))

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

describe('PluginHost start', () => {
  it('starts every export shape of the seeds: object, createPlugin, getPlugin, class, PLUGIN_CLASS, single file', async () => {
    const host = await start(['shapes'])
    expect(states(host)).toEqual({
      'class-constant': 'started',
      'class-default': 'started',
      'create-factory': 'started',
      'default-object': 'started',
      'get-factory': 'started',
      'single-file': 'started',
    })
    expect(host.plugin('class-default')).toMatchObject({
      version: '2.0.0',
      handlers: ['class_default_handler'],
    })
    expect(host.plugin('default-object')).toMatchObject({
      source: 'directory',
      routes: [{ method: 'GET', path: '/plugins/default-object/seen' }],
      permissions: ['events:subscribe', 'http:routes'],
    })
    await host.bus.publish(createEvent('order.created', { id: 1 }))
    const res = await host.fetch(new Request('http://host/plugins/default-object/seen'))
    expect(await res.json()).toEqual({ seen: 1 })
    expect((await host.fetch(new Request('http://host/plugins/nobody/x'))).status).toBe(404)
    const health = await host.health()
    expect(health.status).toBe('ok')
    expect(health.plugins['default-object']).toEqual({ status: 'ok', details: { seen: 1 } })
    const metrics = await host.metrics()
    expect(metrics).toContain('get_factory_started_total{plugin="get-factory"} 1')
    expect(metrics).toContain('switchyard_plugins{state="started"} 6')
    const stopped = (globalThis as { classDefaultStopped?: number }).classDefaultStopped ?? 0
    await host.stop()
    hosts.pop()
    expect((globalThis as { classDefaultStopped?: number }).classDefaultStopped).toBe(stopped + 1)
    expect(new Set(Object.values(states(host)))).toEqual(new Set(['stopped']))
  })

  it('discovers dependencies of the app package.json that declare eventPlugin', async () => {
    // node_modules is not committed, so the fixture app keeps its installed dependencies under deps/.
    const app = await mkdtemp(join(tmpdir(), 'switchyard-app-'))
    await cp(join(FIXTURES, 'app/package.json'), join(app, 'package.json'))
    await cp(join(FIXTURES, 'app/deps'), join(app, 'node_modules'), { recursive: true })
    const withDeps = await start([], { cwd: app, appPackageJson: undefined })
    expect(states(withDeps)).toEqual({ 'dep-plugin': 'started' })
    expect(withDeps.plugin('dep-plugin').source).toBe('dependency')
  })

  it('orders by dependencies and fails cycles, missing and mismatched dependencies with the chain', async () => {
    const order: string[] = []
    Object.assign(globalThis, { startOrder: order })
    const host = await start(['deps'])
    expect(states(host)).toEqual({
      'cycle-a': 'failed',
      'cycle-b': 'failed',
      'early-dependent': 'started',
      'needs-cycle': 'failed',
      'needs-ghost': 'failed',
      'needs-thrower': 'failed',
      'optional-user': 'started',
      thrower: 'failed',
      'wants-v2': 'failed',
      'zz-provider': 'started',
    })
    expect(order.indexOf('zz-provider')).toBeLessThan(order.indexOf('early-dependent'))
    expect(reasons(host)).toMatchObject({
      'cycle-a': 'cycle-a: dependency cycle cycle-a -> cycle-b -> cycle-a',
      'cycle-b': 'cycle-b: dependency cycle cycle-a -> cycle-b -> cycle-a',
      'needs-cycle': 'needs-cycle -> cycle-a: dependency cycle cycle-a -> cycle-b -> cycle-a',
      'needs-ghost': 'needs-ghost: missing dependency "ghost" (^1.0.0)',
      'wants-v2': 'wants-v2: requires "zz-provider" ^2.0.0, found 1.2.0',
      thrower: 'plugin "thrower" setup failed: database unreachable',
      'needs-thrower': 'needs-thrower -> thrower: plugin "thrower" setup failed: database unreachable',
    })
    expect(host.plugin('wants-v2').error?.code).toBe('E_PLUGIN_DEPENDENCY')
    expect(host.plugin('thrower').error?.code).toBe('E_PLUGIN_SETUP')
    expect(host.plugin('optional-user').warnings).toEqual([
      'optional dependency "thrower" is not running',
      'optional dependency "ghost" is not running',
    ])
    const health = await host.health()
    expect(health.status).toBe('degraded')
    expect(Object.keys(health.failed)).toContain('thrower')
  })

  it('fails bad plugins alone: manifest, name, duplicate, import, permission, timeout, config with its line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-host-'))
    const file = join(dir, 'switchyard.yaml')
    await writeFile(
      file,
      [
        `plugin_directories: [${join(FIXTURES, 'bad')}]`,
        'plugins:',
        '  slow: { start_timeout_ms: 50 }',
        '  strict-config:',
        '    config:',
        '      channel: sms',
        '',
      ].join('\n'),
    )
    const host = await start([], { configPath: file, config: undefined })
    const status = Object.fromEntries(host.status().map((p) => [p.name, p]))
    expect(status.dup?.state).toBe('started')
    expect(Object.values(status).filter((p) => p.state === 'started')).toHaveLength(1)
    expect(status['missing-entry']?.reason).toMatch(/eventPlugin entry .*dist\/index\.js does not exist/)
    expect(status['bad-manifest']?.reason).toMatch(
      /package\.json: eventPlugin: expected a string or \{ entry: string \}, got Object$/,
    )
    expect(status['bad-name']?.reason).toContain('name: expected a kebab-case plugin name, got "Bad Name"')
    expect(Object.values(status).find((p) => p.name.startsWith('dup@'))?.reason).toMatch(
      /^duplicate plugin name "dup": also at /,
    )
    expect(status['import-error']?.reason).toMatch(/^cannot import .*: missing native module$/)
    expect(status['no-permission']?.reason).toBe(
      `plugin "no-permission" setup failed: plugin "no-permission" called ctx.routes without permission "http:routes"; add 'http:routes' to its permissions`,
    )
    expect(status.slow?.error).toEqual({
      code: 'E_TIMEOUT',
      message: 'plugin "slow" did not start within 50ms',
    })
    expect(status['strict-config']?.error).toEqual({
      code: 'E_CONFIG',
      message: `invalid configuration:\n${file}:6:16: plugins.strict-config.config.channel: expected ("log" | "webhook"), got "sms"`,
    })
  })
})
