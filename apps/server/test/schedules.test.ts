import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'
import { NATS_URL, natsReachable, TestNats } from './support/test-nats.js'
import { startTestServer, type TestServer, TOKENS, testConfig, waitFor } from './support/test-server.js'

interface Recorded {
  id: string
  type: string
  metadata: { schedule?: string; scheduledFor?: string }
}

/** The schedule's events the recorder plugin of each server handled, by tick. */
async function ticksHandled(servers: TestServer[]): Promise<string[]> {
  const ticks: string[] = []
  for (const server of servers) {
    const { events } = (await (await server.request('/plugins/recorder/events', { as: 'read' })).json()) as {
      events: Recorded[]
    }
    for (const event of events)
      if (event.metadata.schedule === 'heartbeat') ticks.push(event.metadata.scheduledFor!)
  }
  return ticks.sort()
}

const heartbeat = {
  name: 'heartbeat',
  cron: '* * * * * *',
  event: { type: 'system.heartbeat', data: { ok: true } },
}
const plugins = { recorder: {}, flaky: { enabled: false }, greeter: { enabled: false } }

describe('cron schedules', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer(
      testConfig({
        plugins,
        schedules: [
          heartbeat,
          {
            name: 'nightly',
            cron: '0 2 * * *',
            timezone: 'Europe/Berlin',
            event: { type: 'cleanup.nightly' },
          },
        ],
      }),
    )
  }, 60_000)
  afterAll(() => t.close())

  it('publishes each tick once and lists the schedules with next and last runs (API and CLI)', async () => {
    const ticks = await waitFor(async () => {
      const handled = await ticksHandled([t])
      return handled.length >= 3 ? handled : undefined
    }, 20_000)
    expect(new Set(ticks).size).toBe(ticks.length)
    const res = await t.request('/api/v1/schedules', { as: 'read' })
    const { schedules } = (await res.json()) as { schedules: Record<string, unknown>[] }
    expect(schedules).toEqual([
      expect.objectContaining({
        name: 'heartbeat',
        cron: '* * * * * *',
        catchUp: 'last',
        eventType: 'system.heartbeat',
        lastRunAt: expect.any(String),
        nextRunAt: expect.any(String),
      }),
      expect.objectContaining({
        name: 'nightly',
        timezone: 'Europe/Berlin',
        lastRunAt: null,
        lastEventId: null,
      }),
    ])
    const cli = await runCli(['schedules', '--json'], {
      SWITCHYARD_TOKEN: TOKENS.read,
      SWITCHYARD_URL: t.url,
    })
    expect(cli.code).toBe(0)
    expect(
      (JSON.parse(cli.stdout) as { schedules: { name: string }[] }).schedules.map((s) => s.name),
    ).toEqual(['heartbeat', 'nightly'])
    const table = await runCli(['schedules'], { SWITCHYARD_TOKEN: TOKENS.read, SWITCHYARD_URL: t.url })
    expect(table.stdout).toMatch(/^NAME\s+CRON\s+TIMEZONE\s+EVENT TYPE\s+CATCH UP\s+NEXT RUN\s+LAST RUN\n/)
    expect(table.stdout).toMatch(/nightly\s+0 2 \* \* \*\s+Europe\/Berlin\s+cleanup\.nightly\s+last/)
  }, 60_000)

  it('refuses a reload with a cron that does not parse, naming the file and line, and keeps running', async () => {
    await t.writeConfig(testConfig({ plugins, schedules: [{ ...heartbeat, cron: '* * * *' }] }))
    const res = await t.request('/api/v1/events/reload-config', { method: 'POST' })
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(res.status).toBe(400)
    expect(body.error.message).toMatch(
      /switchyard\.yaml:\d+:\d+: schedules\.0\.cron: expected a cron expression/,
    )
    const { schedules } = (await (await t.request('/api/v1/schedules', { as: 'read' })).json()) as {
      schedules: { cron: string }[]
    }
    expect(schedules[0]?.cron).toBe('* * * * * *')
  }, 60_000)
})

const up = await natsReachable()

describe.skipIf(!up)('cron schedules on two NATS nodes', () => {
  const stream = TestNats.streamName()
  let nats: TestNats | undefined
  const servers: TestServer[] = []
  beforeAll(async () => {
    nats = await TestNats.connect()
    const config = testConfig({
      plugins,
      schedules: [heartbeat],
      transport: { driver: 'nats', servers: [NATS_URL], stream },
    })
    servers.push(await startTestServer(config), await startTestServer(config))
  }, 60_000)
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()))
    await nats?.removeRun(stream)
    await nats?.close()
  }, 60_000)

  it('publishes each tick once cluster-wide, whichever node leads', async () => {
    const ticks = await waitFor(async () => {
      const handled = await ticksHandled(servers)
      return handled.length >= 5 ? handled : undefined
    }, 30_000)
    expect(ticks).toEqual([...new Set(ticks)])
    // one second apart: none skipped, none twice
    const ms = ticks.map((tick) => Date.parse(tick))
    expect(ms.slice(1).map((tick, n) => tick - ms[n]!)).toEqual(ms.slice(1).map(() => 1000))
    for (const server of servers) {
      const { schedules } = (await (await server.request('/api/v1/schedules', { as: 'read' })).json()) as {
        schedules: { lastRunAt: string | null }[]
      }
      expect(schedules[0]?.lastRunAt).toEqual(expect.any(String))
    }
  }, 60_000)
})
