import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { EventBus } from '@switchyard/core'
import { waitFor } from '@switchyard/core/testing'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from './sqlite-store.js'
import { useTempDir } from './test-support/temp-dir.js'

const writer = fileURLToPath(new URL('../test/fixtures/delayed-writer.ts', import.meta.url))
/** Due after the kill and before the restart: overdue at start. */
const SOON_MS = 2000
/** Still ahead at the restart. */
const LATER_MS = 8000

/** Runs the writer until it accepted its three events, SIGKILLs it, returns each accepted id with its due time. */
function runAndKill(path: string): Promise<{ id: string; dueMs: number }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', writer, path, String(SOON_MS), String(LATER_MS)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      if (output.includes('done\n')) child.kill('SIGKILL')
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited before it was killed: ${stderr}`))
      const accepted = output.split('\n').filter((line) => line.startsWith('accepted '))
      resolve(
        accepted.map((line) => {
          const [, id, dueAt] = line.split(' ') as [string, string, string]
          return { id, dueMs: Date.parse(dueAt) }
        }),
      )
    })
  })
}

describe('delayed delivery on SQLite', () => {
  const temp = useTempDir()

  it('survives SIGKILL: overdue events run once at start, the others stay scheduled and run once when due', async () => {
    const path = temp.file('delayed.db')
    const accepted = await runAndKill(path)
    expect(accepted).toHaveLength(3)
    const [soon1, soon2, later] = accepted as [
      (typeof accepted)[0],
      (typeof accepted)[0],
      (typeof accepted)[0],
    ]
    // the writer died before anything was due; restart once the first two are overdue
    const wait = soon1.dueMs - Date.now()
    if (wait > 0) await sleep(wait + 50)

    const store = new SqliteStore({ path, retention: { intervalMs: 0 } })
    const bus = new EventBus({ store })
    const ran: { id: string; atMs: number }[] = []
    bus.subscribe('card.charge', (event) => void ran.push({ id: event.id, atMs: Date.now() }), {
      name: 'charge_card',
    })
    await bus.resume({ finalizeMissing: true })
    await waitFor(() => ran.length === 2, 'the overdue events', 20_000)
    expect(ran.map((r) => r.id).sort()).toEqual([soon1.id, soon2.id].sort())
    expect(await store.deliveries(later.id)).toEqual([
      expect.objectContaining({ status: 'scheduled', dueAt: new Date(later.dueMs).toISOString() }),
    ])

    await waitFor(() => ran.length === 3, 'the later event', 30_000)
    expect(ran[2]).toEqual({ id: later.id, atMs: expect.any(Number) })
    expect(ran[2]!.atMs).toBeGreaterThanOrEqual(later.dueMs)
    await bus.drain()
    await sleep(200) // nothing runs twice
    expect(ran).toHaveLength(3)
    for (const { id } of accepted)
      expect((await store.deliveries(id))[0]).toMatchObject({ status: 'succeeded', attempts: 1 })
    await bus.close()
  }, 60_000)
})
