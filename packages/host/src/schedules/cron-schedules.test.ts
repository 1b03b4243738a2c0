import { type Event, EventBus, MemoryStore, type Store } from '@switchyard/core'
import { waitFor } from '@switchyard/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { ScheduleConfig } from '../config/schedules-schema.js'
import { CronSchedules, SCHEDULES_NAMESPACE } from './cron-schedules.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** A bus recording every `cleanup.*` event its handler receives, and schedules on it. */
function setup(store = new MemoryStore()) {
  const bus = new EventBus({ store })
  const received: Event[] = []
  bus.subscribe('cleanup.*', (event) => void received.push(event), { name: 'cleaner' })
  const schedules = new CronSchedules({ bus, store })
  cleanup.push(async () => {
    await schedules.stop()
    await bus.close()
  })
  return { bus, store, received, schedules }
}

/** The progress the schedule `cleanup` has in the Store once it differs from `before`. */
async function progressAfter(store: Store, before: unknown): Promise<{ lastTickAt: string }> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const state = await store.kvGet(SCHEDULES_NAMESPACE, 'cleanup')
    if (state !== undefined && JSON.stringify(state) !== JSON.stringify(before))
      return state as { lastTickAt: string }
    if (Date.now() > deadline) throw new Error('timed out waiting for the schedule progress')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const schedule = (overrides: Partial<ScheduleConfig>): ScheduleConfig => ({
  name: 'cleanup',
  cron: '* * * * * *',
  event: { type: 'cleanup.run', data: { days: 30 } },
  catch_up: 'last',
  ...overrides,
})

describe('CronSchedules', () => {
  it('publishes the event once per tick, with the tick in its metadata and idempotencyKey', async () => {
    const { received, schedules } = setup()
    schedules.set([schedule({})])
    schedules.start()
    await waitFor(() => received.length >= 3, 'three ticks', 20_000)
    const ticks = received.map((e) => Date.parse(e.metadata.scheduledFor as string))
    // consecutive seconds, none twice, none skipped
    expect(ticks.slice(1).map((tick, n) => tick - ticks[n]!)).toEqual(ticks.slice(1).map(() => 1000))
    expect(received[0]).toMatchObject({
      type: 'cleanup.run',
      data: { days: 30 },
      metadata: {
        schedule: 'cleanup',
        idempotencyKey: `schedule:cleanup:${received[0]!.metadata.scheduledFor}`,
      },
    })
    const [info] = await schedules.list()
    expect(info).toMatchObject({
      name: 'cleanup',
      cron: '* * * * * *',
      catchUp: 'last',
      eventType: 'cleanup.run',
    })
    expect(Date.parse(info!.nextRunAt!)).toBeGreaterThan(Date.parse(info!.lastRunAt!))
    expect(info!.lastEventId).toEqual(expect.any(String))
  })

  describe('after downtime', () => {
    // Once a minute, at a second about 30 s before now: the last tick missed is never "on time".
    const second = (new Date().getUTCSeconds() + 30) % 60
    const cron = `${second} * * * * *`

    async function missedTicks(catchUp: ScheduleConfig['catch_up']) {
      const { bus, store, received, schedules } = setup()
      const before = { lastTickAt: new Date(Date.now() - 10 * 60_000).toISOString() }
      await store.kvSet(SCHEDULES_NAMESPACE, 'cleanup', before)
      schedules.set([schedule({ cron, catch_up: catchUp })])
      schedules.start()
      const { lastTickAt } = await progressAfter(store, before)
      await bus.drain()
      // the missed ticks are dealt with up to the last one
      expect(Date.now() - Date.parse(lastTickAt)).toBeLessThan(60_000)
      return received.map((e) => e.metadata.scheduledFor as string)
    }

    it('catch_up: all publishes every tick missed, oldest first', async () => {
      const ticks = await missedTicks('all')
      expect(ticks.length).toBeGreaterThanOrEqual(9)
      expect(ticks).toEqual([...ticks].sort())
      for (const tick of ticks) expect(new Date(tick).getUTCSeconds()).toBe(second)
    })

    it('catch_up: last publishes only the last tick missed', async () => {
      const ticks = await missedTicks('last')
      expect(ticks).toHaveLength(1)
      expect(Date.now() - Date.parse(ticks[0]!)).toBeLessThan(60_000)
    })

    it('catch_up: none publishes none of them', async () => {
      expect(await missedTicks('none')).toEqual([])
    })
  })

  it('starts a new schedule from now: nothing before it counts as missed', async () => {
    const { store, received, schedules } = setup()
    schedules.set([schedule({ cron: '0 0 1 1 *', catch_up: 'all' })])
    schedules.start()
    await progressAfter(store, undefined)
    expect(received).toEqual([])
    expect((await schedules.list())[0]).toMatchObject({ lastRunAt: null, lastEventId: null })
  })
})
