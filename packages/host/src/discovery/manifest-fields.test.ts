import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { definePlugin } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { afterEach, describe, expect, it } from 'vitest'
import { createHost } from '../create-host.js'
import type { PluginHost } from '../plugin-host.js'
import { HOST_VERSION } from './host-range.js'

const hosts: PluginHost[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

/** Writes a plugin package `name` with the given package.json fields and plugin module source. */
async function writePackage(root: string, name: string, manifest: Record<string, unknown>, module: string) {
  const dir = join(root, name)
  await mkdir(dir, { recursive: true })
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', ...manifest }),
  )
  await writeFile(join(dir, 'index.js'), module)
}

async function hostOver(root: string) {
  const host = await createHost({ cwd: root, appPackageJson: false, config: { plugin_directories: [root] } })
  hosts.push(host)
  return host
}

describe('eventPlugin.host at discovery', () => {
  it('loads a plugin whose range includes this version and fails one whose range does not, naming both', async () => {
    const root = await mkdtemp(join(tmpdir(), 'switchyard-host-range-'))
    dirs.push(root)
    const module = (name: string) => `export default { name: '${name}', version: '1.0.0', setup() {} }`
    await writePackage(
      root,
      'fits',
      { eventPlugin: { entry: './index.js', host: `>=${HOST_VERSION}` } },
      module('fits'),
    )
    await writePackage(
      root,
      'future',
      { eventPlugin: { entry: './index.js', host: '^99.0.0' } },
      module('future'),
    )
    await writePackage(
      root,
      'garbled',
      { eventPlugin: { entry: './index.js', host: 'soon' } },
      module('garbled'),
    )
    const host = await hostOver(root)
    expect(host.plugin('fits').state).toBe('started')
    expect(host.plugin('future')).toMatchObject({ state: 'failed' })
    expect(host.plugin('future').reason).toContain(
      `eventPlugin.host "^99.0.0" does not include the running Switchyard version ${HOST_VERSION}`,
    )
    expect(host.plugin('future').reason).toContain(join(root, 'future', 'package.json'))
    expect(host.plugin('garbled').reason).toContain('eventPlugin.host: expected a semver range, got "soon"')
  })
})

describe('category, tags, author and license', () => {
  it("shows the plugin's fields in its status, author and license defaulting to its package.json", async () => {
    const root = await mkdtemp(join(tmpdir(), 'switchyard-manifest-'))
    dirs.push(root)
    await writePackage(
      root,
      'notifier',
      { eventPlugin: './index.js', author: { name: 'Ada', email: 'ada@example.com' }, license: 'MIT' },
      "export default { name: 'notifier', version: '1.0.0', category: 'notifications', tags: ['email', 'sms'], setup() {} }",
    )
    await writePackage(
      root,
      'labelled',
      { eventPlugin: './index.js', license: 'MIT' },
      "export default { name: 'labelled', version: '1.0.0', license: 'Apache-2.0', author: 'Grace', category: 'Not Kebab', setup() {} }",
    )
    const host = await hostOver(root)
    expect(host.plugin('notifier')).toMatchObject({
      category: 'notifications',
      tags: ['email', 'sms'],
      author: 'Ada',
      license: 'MIT',
    })
    expect(host.plugin('labelled')).toMatchObject({ state: 'failed' })
    expect(host.plugin('labelled').reason).toContain(
      'category: expected a kebab-case category, got "Not Kebab"',
    )
  })
})

describe('pluginConfigSchema', () => {
  it('serves the config schema as JSON Schema with defaults and descriptions', async () => {
    const plugin = definePlugin({
      name: 'notifier',
      version: '1.0.0',
      config: v.object({
        channel: v.optional(
          v.pipe(v.picklist(['log', 'email']), v.description('Where notifications go')),
          'log',
        ),
        retries: v.optional(v.number(), 3),
      }),
      setup() {},
    })
    const host = await createHost({
      appPackageJson: false,
      config: { plugin_directories: [] },
      plugins: [plugin],
    })
    hosts.push(host)
    const { schema } = host.pluginConfigSchema('notifier')
    expect(schema).toMatchObject({
      type: 'object',
      properties: {
        channel: { enum: ['log', 'email'], default: 'log', description: 'Where notifications go' },
        retries: { type: 'number', default: 3 },
      },
    })
    expect(() => host.pluginConfigSchema('nobody')).toThrow('plugin "nobody" not found')
  })
})
