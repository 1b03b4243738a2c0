import { definePlugin, type HealthCheck, type HealthCheckOptions } from '@switchyard/plugin-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { createHost } from '../create-host.js'
import type { PluginHost } from '../plugin-host.js'
import { HEALTH_HISTORY_SIZE } from './plugin-health-checks.js'

const hosts: PluginHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `done` holds; generous, for a loaded machine. */
async function until(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(20)
  }
}

async function hostWithCheck(check: HealthCheck, options?: HealthCheckOptions) {
  const plugin = definePlugin({
    name: 'db-health',
    version: '1.0.0',
    setup(ctx) {
      ctx.health(check, options)
    },
  })
  const host = await createHost({
    appPackageJson: false,
    config: { plugin_directories: [] },
    plugins: [plugin],
  })
  hosts.push(host)
  return host
}

describe('ctx.health with an interval', () => {
  it('answers its last result with its age, without running it per request', async () => {
    let runs = 0
    const host = await hostWithCheck(() => ({ status: 'ok', details: { run: ++runs } }), {
      intervalMs: 60_000,
    })
    const first = await host.pluginHealth('db-health')
    await sleep(30)
    const second = await host.pluginHealth('db-health')
    expect(runs).toBe(1)
    expect(second).toMatchObject({ status: 'ok', state: 'started', details: { run: 1 } })
    const [check] = second.checks ?? []
    expect(check).toMatchObject({
      intervalMs: 60_000,
      timeoutMs: 5000,
      checkedAt: first.checks?.[0]?.checkedAt,
    })
    expect(check?.ageMs).toBeGreaterThanOrEqual(30)
    expect(check?.history).toHaveLength(1)
  })

  it('runs it again on its interval, in the background', async () => {
    let runs = 0
    const host = await hostWithCheck(() => ({ status: 'ok', details: { run: ++runs } }), { intervalMs: 100 })
    await until(async () => runs >= 3)
    const [check] = (await host.pluginHealth('db-health')).checks ?? []
    expect(check?.history.length).toBeGreaterThanOrEqual(3)
    expect(check?.history.map((sample) => sample.details?.run).slice(0, 3)).toEqual([1, 2, 3])
  })

  it('reads a check that hangs past its timeout as error, and keeps the last results only', async () => {
    let calls = 0
    const host = await hostWithCheck(
      () => (++calls === 1 ? new Promise(() => undefined) : { status: 'ok' }),
      { intervalMs: 100, timeoutMs: 50 },
    )
    const first = await host.pluginHealth('db-health')
    expect(first).toMatchObject({ status: 'error', message: 'health check did not answer within 50 ms' })
    await until(async () => calls > HEALTH_HISTORY_SIZE + 3)
    const later = await host.pluginHealth('db-health')
    expect(later.status).toBe('ok')
    const history = later.checks?.[0]?.history ?? []
    expect(history).toHaveLength(HEALTH_HISTORY_SIZE)
    expect(history.every((sample) => sample.status === 'ok')).toBe(true)
  })

  it('stops the background runs when the plugin stops', async () => {
    let runs = 0
    const host = await hostWithCheck(() => ({ status: runs++ >= 0 ? 'ok' : 'error' }), { intervalMs: 100 })
    await sleep(250)
    await host.disable('db-health')
    const stopped = runs
    await sleep(350)
    expect(runs).toBe(stopped)
  })

  it('times out an on-demand check too, and fails a plugin given a bad interval with the option named', async () => {
    const host = await hostWithCheck(() => new Promise(() => undefined), { timeoutMs: 30 })
    expect(await host.pluginHealth('db-health')).toMatchObject({ status: 'error' })
    const bad = await createHost({
      appPackageJson: false,
      config: { plugin_directories: [] },
      plugins: [
        definePlugin({
          name: 'bad-health',
          version: '1.0.0',
          setup: (ctx) => ctx.health(() => ({ status: 'ok' }), { intervalMs: 5 }),
        }),
      ],
    })
    hosts.push(bad)
    expect(bad.plugin('bad-health')).toMatchObject({ state: 'failed' })
    expect(bad.failure('bad-health')?.message).toContain(
      'ctx.health intervalMs: expected an integer >= 100, got 5',
    )
  })
})
