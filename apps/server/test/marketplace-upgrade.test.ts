import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createEvent, type DeliveryReport } from '@switchyard/core'
import { writeTar } from '@switchyard/marketplace/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MARKETPLACE_FIXTURES, type MarketplaceApp, startMarketplaceApp } from './support/marketplace-app.js'

const RELAY = 'switchyard-plugin-relay'
const fixture = globalThis as { relayDeliveries?: { id: string; version: string }[] }
let indexDir: string
let app: MarketplaceApp

// Packs the relay fixture at each version into a static index on disk (no registry needed).
beforeAll(async () => {
  indexDir = await mkdtemp(join(tmpdir(), 'switchyard-upgrade-index-'))
  const source = join(MARKETPLACE_FIXTURES, 'relay')
  const manifest = JSON.parse(await readFile(join(source, 'package.json'), 'utf8'))
  const code = await readFile(join(source, 'index.js'), 'utf8')
  const entries = []
  for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
    const tgz = writeTar([
      { path: 'package/package.json', data: JSON.stringify({ ...manifest, version }) },
      { path: 'package/index.js', data: code },
    ])
    const file = `relay-${version}.tgz`
    await writeFile(join(indexDir, file), tgz)
    const checksum_sha256 = createHash('sha256').update(tgz).digest('hex')
    entries.push({ name: RELAY, version, download_url: file, checksum_sha256 })
  }
  await writeFile(join(indexDir, 'index.json'), JSON.stringify({ plugins: entries }))
  app = await startMarketplaceApp({ indexes: [pathToFileURL(join(indexDir, 'index.json')).href] })
})

afterAll(async () => {
  await app?.close()
  await rm(indexDir, { recursive: true, force: true })
})

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Publishes in process and enqueues over `POST /api/v1/events`, one `relay.sent` event each per timer tick,
 * while `work` runs; then waits for every delivery and returns the publish reports and all sent event ids.
 */
async function withTraffic<T>(work: () => Promise<T>) {
  const bus = app.t.server.host.bus
  const reports: Promise<DeliveryReport>[] = []
  const accepted: Promise<{ status: number; body: Record<string, unknown> }>[] = []
  let running = true
  const loop = (async () => {
    for (let n = 0; running || n < 20; n++) {
      reports.push(bus.publish(createEvent('relay.sent', { n })))
      accepted.push(app.call('POST', '/api/v1/events', { type: 'relay.sent', data: { n } }, 'publish'))
      await tick()
    }
  })()
  const result = await work()
  running = false
  await loop
  const done = await Promise.all(reports)
  const enqueued = await Promise.all(accepted)
  for (const answer of enqueued) expect(answer.status).toBe(202)
  await bus.drain()
  return { result, reports: done, ids: [...done.map((r) => r.eventId), ...enqueued.map((a) => a.body.id)] }
}

// Every event handled exactly once by relay_handler, and nothing dead-lettered.
async function expectEachHandledOnce(reports: DeliveryReport[], ids: unknown[]) {
  for (const report of reports)
    expect(report.outcomes.map((o) => [o.handler, o.status])).toEqual([['relay_handler', 'succeeded']])
  const handled = (fixture.relayDeliveries ?? []).map((entry) => entry.id)
  expect(handled.length).toBe(ids.length)
  expect(new Set(handled)).toEqual(new Set(ids))
  expect((await app.call('GET', '/api/v1/dead-letters', undefined, 'read')).body.deadLetters).toEqual([])
}

describe('marketplace upgrade under load', { timeout: 60_000 }, () => {
  it('upgrades a running plugin while events are published and enqueued: each handled once, by v1 or v2', async () => {
    fixture.relayDeliveries = []
    const installed = await app.call('POST', '/api/v1/plugins/install', { name: RELAY, version: '1.0.0' })
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    const { result, reports, ids } = await withTraffic(() =>
      app.call('POST', '/api/v1/plugins/upgrade', { name: RELAY, version: '2.0.0' }),
    )
    expect(result).toMatchObject({ status: 200, body: { changed: true, previousVersion: '1.0.0' } })
    await expectEachHandledOnce(reports, ids)
    const versions = new Set(fixture.relayDeliveries?.map((entry) => entry.version))
    expect(versions).toEqual(new Set(['1.0.0', '2.0.0']))
    expect((await app.call('GET', '/plugins/relay/version', undefined, 'read')).body).toEqual({
      version: '2.0.0',
    })
  })

  it('rolls back a broken release under the same traffic: v2 handles every event', async () => {
    fixture.relayDeliveries = []
    const before = { files: await app.snapshot(), plugins: await app.plugins() }
    const { result, reports, ids } = await withTraffic(() =>
      app.call('POST', '/api/v1/plugins/upgrade', { name: RELAY, version: '3.0.0' }),
    )
    expect(result).toMatchObject({ status: 422, body: { error: { code: 'E_PLUGIN_START' } } })
    expect(result.body.error).toMatchObject({ message: expect.stringContaining('missing migration') })
    await expectEachHandledOnce(reports, ids)
    expect(new Set(fixture.relayDeliveries?.map((entry) => entry.version))).toEqual(new Set(['2.0.0']))
    expect(await app.snapshot()).toEqual(before.files)
    expect(await app.plugins()).toEqual(before.plugins)
  })
})
