import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEvent, type DeliveryReport, type EventBus } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { startAppHost } from '../test/start-app-host.js'
import type { ReplaceSteps } from './host-options.js'
import type { PluginHost } from './plugin-host.js'

const FIXTURES = fileURLToPath(new URL('../test/fixtures/upgrade/', import.meta.url))
interface Handled {
  id: string
  version: string
}
const fixture = globalThis as { relayLog?: Handled[] }
const cleanup: (() => Promise<unknown>)[] = []

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

// Copies a fixture package to `dir` at `version` (its package.json rewritten).
async function copyRelease(fixtureName: string, dir: string, version: string): Promise<void> {
  await cp(join(FIXTURES, fixtureName), dir, { recursive: true })
  const file = join(dir, 'package.json')
  await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), version }))
}

// A host running relay at `version` from <app>/plugins/relay, and the `others` fixtures beside it.
async function startApp(version: string, others: string[] = []): Promise<{ host: PluginHost; dir: string }> {
  fixture.relayLog = []
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-replace-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  await copyRelease('relay', join(dir, 'plugins', 'relay'), version)
  for (const other of others)
    await cp(join(FIXTURES, other), join(dir, 'plugins', other), { recursive: true })
  return { host: await startAppHost(dir, cleanup), dir }
}

// Stages a release and moves it over plugins/relay inside the swap (and back on revert), as the marketplace
// does; `prepare` also waits until `whileStopped` resolves, so traffic flows while no version runs.
async function stageRelease(
  dir: string,
  fixtureName: string,
  version: string,
  whileStopped: () => Promise<void> = async () => {},
): Promise<ReplaceSteps> {
  const staged = join(dir, `staged-${version}`)
  const aside = join(dir, `previous-${version}`)
  const target = join(dir, 'plugins', 'relay')
  await copyRelease(fixtureName, staged, version)
  return {
    async prepare() {
      await whileStopped()
      await rename(target, aside)
      await rename(staged, target)
    },
    async revert() {
      await rename(target, staged)
      await rename(aside, target)
    },
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/** Publishes and enqueues one `relay.sent` event per timer tick until stopped. */
function startTraffic(bus: EventBus) {
  const reports: Promise<DeliveryReport>[] = []
  const accepted: Promise<{ id: string }>[] = []
  let running = true
  const loop = (async () => {
    for (let n = 0; running; n++) {
      reports.push(bus.publish(createEvent('relay.sent', { n, via: 'publish' })))
      accepted.push(bus.enqueue(createEvent('relay.sent', { n, via: 'enqueue' })))
      await tick()
    }
  })()
  const sent = () => reports.length + accepted.length
  return {
    /** Resolves once `count` more events were sent. */
    async more(count: number): Promise<void> {
      const target = sent() + count
      while (sent() < target) await tick()
    },
    /** Stops sending, waits for every delivery, and returns the publish reports and the ids of all sent events. */
    async stop(): Promise<{ reports: DeliveryReport[]; ids: string[] }> {
      running = false
      await loop
      const done = await Promise.all(reports)
      const queued = await Promise.all(accepted)
      await bus.drain()
      return { reports: done, ids: [...done.map((r) => r.eventId), ...queued.map((a) => a.id)] }
    },
  }
}

// Every sent event handled exactly once, none by another handler name, and no dead letters.
async function expectEachHandledOnce(host: PluginHost, reports: DeliveryReport[], ids: string[]) {
  for (const report of reports)
    expect(report.outcomes.map((o) => [o.handler, o.status])).toEqual([['relay_handler', 'succeeded']])
  const handled = (fixture.relayLog ?? []).map((entry) => entry.id)
  expect(handled.length).toBe(ids.length)
  expect(new Set(handled)).toEqual(new Set(ids))
  expect(await host.store.listDeadLetters()).toEqual([])
}

describe('PluginHost.replacePlugin', { timeout: 20_000 }, () => {
  it('upgrades a plugin in place while events are published and enqueued: each handled once, by v1 or v2', async () => {
    const { host, dir } = await startApp('1.0.0')
    const traffic = startTraffic(host.bus)
    await traffic.more(20)
    const steps = await stageRelease(dir, 'relay', '2.0.0', () => traffic.more(20))
    const status = await host.replacePlugin('relay', join(dir, 'plugins', 'relay'), steps)
    await traffic.more(20)
    const { reports, ids } = await traffic.stop()

    expect(status).toMatchObject({ name: 'relay', version: '2.0.0', state: 'started' })
    await expectEachHandledOnce(host, reports, ids)
    const versions = (fixture.relayLog ?? []).map((entry) => entry.version)
    // the old version finished its deliveries before the new one got any
    const first = versions.indexOf('2.0.0')
    expect(first).toBeGreaterThan(0)
    expect(versions.slice(0, first).every((v) => v === '1.0.0')).toBe(true)
    expect(versions.slice(first).every((v) => v === '2.0.0')).toBe(true)
  })

  it('rolls back an upgrade whose setup throws: the files come back and v2 handles every event', async () => {
    const { host, dir } = await startApp('2.0.0')
    const traffic = startTraffic(host.bus)
    await traffic.more(20)
    const steps = await stageRelease(dir, 'relay-broken', '3.0.0', () => traffic.more(20))
    const replacing = host.replacePlugin('relay', join(dir, 'plugins', 'relay'), steps)
    await expect(replacing).rejects.toThrow('relay 3.0.0: missing migration')
    await traffic.more(20)
    const { reports, ids } = await traffic.stop()

    expect(host.plugin('relay')).toMatchObject({
      version: '2.0.0',
      state: 'started',
      handlers: ['relay_handler'],
      error: { message: expect.stringContaining('missing migration') },
    })
    const manifest = JSON.parse(await readFile(join(dir, 'plugins', 'relay', 'package.json'), 'utf8'))
    expect(manifest.version).toBe('2.0.0')
    await expectEachHandledOnce(host, reports, ids)
    expect(new Set((fixture.relayLog ?? []).map((entry) => entry.version))).toEqual(new Set(['2.0.0']))
  })

  it('keeps the old version when the files cannot be moved in, and refuses a package naming another plugin', async () => {
    const { host, dir } = await startApp('1.0.0')
    const target = join(dir, 'plugins', 'relay')
    const failing = host.replacePlugin('relay', target, {
      prepare: () => rename(join(dir, 'nowhere'), target),
    })
    await expect(failing).rejects.toMatchObject({ code: 'ENOENT' })
    expect(host.plugin('relay')).toMatchObject({ version: '1.0.0', state: 'started' })

    const other = join(dir, 'other')
    await copyRelease('relay', other, '2.0.0')
    const file = join(other, 'index.js')
    await writeFile(file, (await readFile(file, 'utf8')).replace("name: 'relay'", "name: 'other'"))
    await expect(host.replacePlugin('relay', other)).rejects.toThrow('names itself "other", not "relay"')
    const report = await host.bus.publish(createEvent('relay.sent', {}))
    expect(report.outcomes.map((o) => o.status)).toEqual(['succeeded'])
    expect(fixture.relayLog?.map((entry) => entry.version)).toEqual(['1.0.0'])
  })

  it('reloads under the same traffic without losing a published or enqueued event', async () => {
    const { host, dir } = await startApp('1.0.0')
    const traffic = startTraffic(host.bus)
    await traffic.more(20)
    await copyRelease('relay', join(dir, 'plugins', 'relay'), '1.1.0')
    await host.reload('relay')
    await traffic.more(20)
    const { reports, ids } = await traffic.stop()
    expect(host.plugin('relay').version).toBe('1.1.0')
    await expectEachHandledOnce(host, reports, ids)
  })

  it('keeps dependents running while their range holds, fails them when it breaks', async () => {
    const { host, dir } = await startApp('1.0.0', ['relay-watcher'])
    const target = join(dir, 'plugins', 'relay')
    await host.replacePlugin('relay', target, await stageRelease(dir, 'relay', '1.1.0'))
    expect(host.plugin('relay-watcher').state).toBe('started')
    await host.replacePlugin('relay', target, await stageRelease(dir, 'relay', '2.0.0'))
    expect(host.plugin('relay-watcher')).toMatchObject({
      state: 'failed',
      reason: 'relay-watcher -> relay: requires "relay" ^1.0.0, found 2.0.0',
    })
  })

  it('upgrades a disabled plugin without starting it', async () => {
    const { host, dir } = await startApp('1.0.0')
    await host.disable('relay')
    const target = join(dir, 'plugins', 'relay')
    const status = await host.replacePlugin('relay', target, await stageRelease(dir, 'relay', '2.0.0'))
    expect(status).toMatchObject({ version: '2.0.0', state: 'disabled', handlers: [] })
    await host.enable('relay')
    const report = await host.bus.publish(createEvent('relay.sent', {}))
    expect(report.outcomes.map((o) => o.status)).toEqual(['succeeded'])
    expect(fixture.relayLog?.map((entry) => entry.version)).toEqual(['2.0.0'])
  })
})
