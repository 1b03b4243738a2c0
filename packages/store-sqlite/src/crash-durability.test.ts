import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from './sqlite-store.js'
import { useTempDir } from './test-support/temp-dir.js'

const writer = fileURLToPath(new URL('../test/fixtures/crash-writer.ts', import.meta.url))
const KILL_AFTER_ACCEPTED = 3000

/** Runs the writer until it printed `KILL_AFTER_ACCEPTED` accepted ids, SIGKILLs it, returns every full line. */
function runAndKill(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    let stderr = ''
    let accepted = 0
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      accepted += chunk.split('accepted ').length - 1
      if (accepted >= KILL_AFTER_ACCEPTED) child.kill('SIGKILL')
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited before it was killed: ${stderr}`))
      // A line cut off by the kill was never fully reported, so it promises nothing.
      else resolve(output.split('\n').slice(0, -1))
    })
  })
}

describe('SqliteStore crash durability', () => {
  const temp = useTempDir()

  it('keeps every event whose acceptEvent resolved before SIGKILL, with its recorded progress', async () => {
    const path = temp.file('crash.db')
    const lines = await runAndKill(path)
    const accepted = lines.filter((l) => l.startsWith('accepted ')).map((l) => l.slice('accepted '.length))
    const recorded = new Set(
      lines.filter((l) => l.startsWith('recorded ')).map((l) => l.slice('recorded '.length)),
    )
    expect(accepted.length).toBeGreaterThanOrEqual(KILL_AFTER_ACCEPTED)

    const store = new SqliteStore({ path, retention: { intervalMs: 0 } })
    const unfinished = new Map((await store.unfinishedEvents()).map((u) => [u.event.id, u.handlers]))
    const missing = accepted.filter((id) => !unfinished.has(id))
    expect(missing).toEqual([])
    const wrongHandlers = accepted.filter((id) => {
      const handlers = unfinished.get(id)!
      return recorded.has(id) ? handlers.join() !== 'mailer' : !handlers.includes('mailer')
    })
    expect(wrongHandlers).toEqual([])
    await store.close()
  }, 30_000)
})
