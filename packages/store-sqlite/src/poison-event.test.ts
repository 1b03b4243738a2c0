import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { DeadLetter } from '@switchyard/core'
import { createEvent, EventBus } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from './sqlite-store.js'
import { useTempDir } from './test-support/temp-dir.js'

const server = fileURLToPath(new URL('../test/fixtures/poison-server.ts', import.meta.url))

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  lines: string[]
}

/** Starts the poison server once on `path` and resolves when it ended, however it ended. */
function start(path: string, how: 'exit' | 'kill', step?: 'enqueue'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', server, path, how, ...(step === undefined ? [] : [step])]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code !== 0 && code !== 1 && signal === null) reject(new Error(`server failed (${code}): ${stderr}`))
      else resolve({ code, signal, lines: stdout.split('\n').filter((line) => line !== '') })
    })
  })
}

const died = (how: 'exit' | 'kill') => (how === 'exit' ? { code: 1, signal: null } : { signal: 'SIGKILL' })

describe('poison events on a SQLite file', () => {
  const temp = useTempDir()

  for (const how of ['exit', 'kill'] as const) {
    it(`dead-letters at the 4th start an event whose handler killed the process (${how}) 3 times; the rest deliver`, async () => {
      const path = temp.file('poison.db')
      const first = await start(path, how, 'enqueue')
      expect(first).toMatchObject(died(how))
      expect(first.lines).toContain('handled audit_handler before')
      expect(first.lines).not.toContain('survived the poison event')
      const poisonId = first.lines.find((line) => line.startsWith('accepted '))!.slice('accepted '.length)
      for (let restart = 2; restart <= 3; restart++) {
        const run = await start(path, how)
        expect(run).toMatchObject(died(how))
        expect(run.lines).not.toContain('serving')
      }

      const fourth = await start(path, how)
      expect(fourth).toMatchObject({ code: 0, signal: null })
      expect(fourth.lines).toContain('serving')
      expect(fourth.lines).toContain('handled crashing_handler after')
      expect(fourth.lines).toContain('handled audit_handler after')
      expect(fourth.lines.filter((line) => line.includes('handled crashing_handler poison'))).toEqual([])
      const deadLetters = JSON.parse(
        fourth.lines.find((line) => line.startsWith('dead letters '))!.slice('dead letters '.length),
      ) as DeadLetter[]
      expect(deadLetters).toHaveLength(1)
      expect(deadLetters[0]).toMatchObject({ handler: 'crashing_handler', attempts: 3 })
      expect(deadLetters[0]!.event.id).toBe(poisonId)
      expect(deadLetters[0]!.error).toMatch(/^E_CRASHED_PROCESS: .* 3 times \(delivery\.max_crashes 3\)/)

      // The innocent handler of the poison event delivered it on some start; the ledger is complete.
      const store = new SqliteStore({ path, retention: { intervalMs: 0 } })
      const ledger = await store.deliveries(poisonId)
      expect(ledger.map((r) => [r.handler, r.status])).toEqual([
        ['audit_handler', 'succeeded'],
        ['crashing_handler', 'dead_lettered'],
      ])
      expect(await store.unfinishedEvents()).toEqual([])

      // Replay from the dead-letter queue still runs it (here with a handler that no longer crashes).
      const bus = new EventBus({ store })
      const replayed: unknown[] = []
      bus.subscribe('order.*', (event) => void replayed.push(event.data), { name: 'crashing_handler' })
      expect(await bus.replayDeadLetter(deadLetters[0]!.id)).toMatchObject({ status: 'succeeded' })
      expect(replayed).toEqual([{ name: 'poison', poison: true }])
      expect(await store.listDeadLetters()).toEqual([])
      await bus.close()
    }, 60_000)
  }

  it('does not count a delivery that ended normally, nor one a graceful close handed back', async () => {
    const path = temp.file('clean.db')
    const store = new SqliteStore({ path, retention: { intervalMs: 0 } })
    const bus = new EventBus({ store })
    let release!: () => void
    bus.subscribe('order.*', () => new Promise<void>((resolve) => (release = resolve)), {
      name: 'slow_handler',
      timeoutMs: 60_000,
    })
    const { id } = await bus.enqueue(createEvent('order.created', { n: 1 }))
    await expect.poll(() => release !== undefined).toBe(true)
    expect((await store.unfinishedEvents())[0]?.interrupted).toEqual({ slow_handler: 1 })
    await bus.close({ timeoutMs: 10 })
    release()
    const reopened = new SqliteStore({ path, retention: { intervalMs: 0 } })
    const [open] = await reopened.unfinishedEvents()
    expect(open?.event.id).toBe(id)
    expect(open?.interrupted).toBeUndefined()
    await reopened.close()
  })
})
