import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEvent } from '@switchyard/core'
import { PluginLoadError } from '@switchyard/plugin-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { startAppHost } from '../test/start-app-host.js'
import type { PluginHost } from './plugin-host.js'

const FIXTURES = fileURLToPath(new URL('../test/fixtures/reload/', import.meta.url))
const fixture = globalThis as { greetings?: string[]; dependencyEvaluations?: string[] }
const cleanup: (() => Promise<unknown>)[] = []

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

// A temporary app running the greeter and legacy fixtures from <app>/plugins; greeter's dependencies are the
// dependency fixture, once copied into its node_modules (counted) and once linked there from <app>/linked.
async function startApp(): Promise<{ host: PluginHost; plugins: string }> {
  fixture.greetings = []
  fixture.dependencyEvaluations = []
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-reload-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  const plugins = join(dir, 'plugins')
  for (const name of ['greeter', 'legacy'])
    await cp(join(FIXTURES, name), join(plugins, name), { recursive: true })
  await cp(join(FIXTURES, 'dependency'), join(plugins, 'greeter/node_modules/counted'), { recursive: true })
  await cp(join(FIXTURES, 'dependency'), join(dir, 'linked'), { recursive: true })
  await symlink(join(dir, 'linked'), join(plugins, 'greeter/node_modules/linked'), 'dir')
  return { host: await startAppHost(dir, cleanup), plugins }
}

async function get(host: PluginHost, path: string): Promise<unknown> {
  return (await host.fetch(new Request(`http://h/plugins/${path}`))).json()
}

async function greet(host: PluginHost, name: string): Promise<string | undefined> {
  await host.bus.publish(createEvent('greeting.requested', { name }))
  return fixture.greetings?.at(-1)
}

describe('PluginHost reload', () => {
  it('re-evaluates every file of the plugin, not its packages, on each reload', async () => {
    const { host, plugins } = await startApp()
    expect(await get(host, 'greeter/greeting')).toEqual({
      message: 'hello',
      nested: 'nested v1',
      dependencies: ['dependency', 'dependency'],
    })
    expect(fixture.dependencyEvaluations).toHaveLength(2)

    await writeFile(join(plugins, 'greeter/message.js'), "export const message = 'good morning'")
    await writeFile(join(plugins, 'greeter/lib/nested.js'), "export const nested = 'nested v2'")
    await host.reload('greeter')
    expect(await get(host, 'greeter/greeting')).toMatchObject({
      message: 'good morning',
      nested: 'nested v2',
    })
    expect(await greet(host, 'Ada')).toBe('good morning, Ada (nested v2)')

    await writeFile(join(plugins, 'greeter/lib/nested.js'), "export const nested = 'nested v3'")
    await host.reload('greeter')
    expect(await get(host, 'greeter/greeting')).toMatchObject({
      message: 'good morning',
      nested: 'nested v3',
    })
    expect(await greet(host, 'Grace')).toBe('good morning, Grace (nested v3)')
    expect(host.plugin('greeter')).toMatchObject({ state: 'started', reloads: 2 })
    // Packages under node_modules and linked ones keep their first evaluation.
    expect(fixture.dependencyEvaluations).toHaveLength(2)
  })

  it('refuses a reload whose helper file has a syntax error and keeps the old version running', async () => {
    const { host, plugins } = await startApp()
    const message = join(plugins, 'greeter/message.js')
    await writeFile(message, "export const message = 'broken")
    const error = await host.reload('greeter').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PluginLoadError)
    expect((error as Error).message).toMatch(/^cannot import .*greeter\/index\.js: /)
    expect(host.plugin('greeter')).toMatchObject({ state: 'started', error: { code: 'E_PLUGIN_LOAD' } })
    expect(await get(host, 'greeter/greeting')).toMatchObject({ message: 'hello' })
    expect(await greet(host, 'Ada')).toBe('hello, Ada (nested v1)')

    await writeFile(message, "export const message = 'fixed'")
    await host.reload('greeter')
    expect(await greet(host, 'Ada')).toBe('fixed, Ada (nested v1)')
  })

  it("re-evaluates a CommonJS plugin's required files", async () => {
    const { host, plugins } = await startApp()
    expect(await get(host, 'legacy/message')).toEqual({ message: 'hello' })
    await writeFile(join(plugins, 'legacy/message.js'), "exports.message = 'good evening'")
    await host.reload('legacy')
    expect(await get(host, 'legacy/message')).toEqual({ message: 'good evening' })
  })
})
