import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { groupBy, type Handled, missing, readHandled, waitForHandled } from './support/handler-log.js'
import { writeServerConfig } from './support/server-config.js'
import { testScope } from './support/test-scope.js'

const EVENTS = 5000
const KILL_AFTER = 2000
/** Deliveries of one handler in flight at once (the recorder's `concurrency`). */
const HANDLER_CONCURRENCY = 8
/** Keys accepted before the kill that the client sends again after the restart: duplicates to suppress. */
const RESENT = 200
/** Before the crash the handlers are slower than ingest, so accepted events wait in the outbox at the kill. */
const SLOW_HANDLER_MS = 100
/** The fewest accepted, unhandled events at the kill for the test to prove anything about recovery. */
const MIN_BACKLOG = 100

const scope = testScope()

/** A temp dir holding a config on the SQLite default at `databasePath` (relative to the dir) and a log dir. */
async function sqliteSetup(label: string, databasePath: string) {
  const dir = await scope.tempDir(label)
  const logDir = join(dir.path, 'handled')
  await mkdir(logDir)
  const configFile = await writeServerConfig(dir.path, { storage: { driver: 'sqlite', path: databasePath } })
  return { dir: dir.path, options: { configFile, cwd: dir.path, logDir } }
}

/** Keys handled more than once by the same process: duplicates the bus should have suppressed. */
function handledTwiceByOneProcess(handled: readonly Handled[]): string[] {
  const byKeyAndPid = groupBy(handled, (h) => `${h.key} ${h.pid}`)
  return [...byKeyAndPid.values()].filter((calls) => calls.length > 1).map((calls) => calls[0]!.key)
}

describe('crash durability on the SQLite default', () => {
  it('handles every accepted event after SIGKILL mid-stream and a restart', async () => {
    const { options } = await sqliteSetup('crash', 'data/switchyard.db')
    const { logDir } = options
    const run = randomBytes(4).toString('hex')
    const keys = Array.from({ length: EVENTS }, (_, i) => `${run}-${i}`)

    const first = await scope.startServer({ ...options, handlerDelayMs: SLOW_HANDLER_MS })
    const stopTaking = new AbortController()
    const publisher = scope.publisher({
      inFlight: 32,
      // SIGKILL from inside the stream: requests are in flight, handlers are running
      onAccepted: (count) => {
        if (count === KILL_AFTER) {
          stopTaking.abort()
          void first.kill()
          scope.step(`SIGKILL after ${count} accepted`)
        }
      },
    })
    const cut = await publisher.publish(keys, { targets: () => [first.url], signal: stopTaking.signal })
    expect((await first.exited).signal).toBe('SIGKILL')
    const acceptedBeforeKill = [...publisher.accepted.keys()]
    expect(acceptedBeforeKill.length).toBeGreaterThanOrEqual(KILL_AFTER)
    expect(cut.untried.length).toBeGreaterThan(0) // the kill came mid-stream, not after the last event
    const handledBeforeKill = (await readHandled(logDir, 'e2e_every')).map((h) => h.eventId)
    expect(missing(publisher.acceptedIds(), handledBeforeKill).length).toBeGreaterThanOrEqual(MIN_BACKLOG)

    scope.step(`${cut.failed.length + cut.untried.length} keys left to send`)
    const second = await scope.startServer(options)
    // The client retries what got no answer, sends the rest, and resends some accepted keys by mistake.
    const resend = [...cut.failed, ...cut.untried, ...acceptedBeforeKill.slice(0, RESENT)]
    expect(await publisher.publish(resend, { targets: () => [second.url] })).toEqual({
      failed: [],
      untried: [],
    })

    scope.step(`published: ${publisher.acceptedCount} accepted`)
    const acceptedIds = publisher.acceptedIds()
    const acceptedKeys = [...publisher.accepted.keys()]
    await waitForHandled(
      logDir,
      [
        { handler: 'e2e_every', by: 'eventId', wanted: acceptedIds },
        { handler: 'e2e_once', by: 'key', wanted: acceptedKeys },
      ],
      { stallMs: 15_000 },
    )
    scope.step('every accepted event handled')
    // A graceful stop drains what is still queued, so the logs read below are final.
    expect(await second.stop()).toEqual({ code: 0, signal: null })

    const every = await readHandled(logDir, 'e2e_every')
    const once = await readHandled(logDir, 'e2e_once')
    expect(
      missing(
        acceptedIds,
        every.map((h) => h.eventId),
      ),
    ).toEqual([])
    expect(
      missing(
        acceptedKeys,
        once.map((h) => h.key),
      ),
    ).toEqual([])
    // Idempotent delivery: exactly once per key within a process's life, the resent duplicates included...
    expect(handledTwiceByOneProcess(once)).toEqual([])
    // ...and across the crash only the deliveries running when the process died may run again (the
    // idempotency record is written after the handler returns): never more than the handler's concurrency.
    const redone = [...groupBy(once, (h) => h.key).values()].filter((calls) => calls.length > 1)
    expect(redone.length).toBeLessThanOrEqual(HANDLER_CONCURRENCY)
    for (const calls of redone) expect(calls.map((h) => h.pid)).toEqual([first.pid, second.pid])
  })

  /** Starts a server on `databasePath` after `prepare`, expects it to exit non-zero naming the path. */
  async function expectRefusedStart(databasePath: string, prepare: (dir: string) => Promise<unknown>) {
    const { dir, options } = await sqliteSetup('bad-db', databasePath)
    await prepare(dir)
    const server = scope.runServer(options)
    const exit = await server.exited
    expect(exit.code).not.toBe(0)
    expect(exit.code).not.toBeNull()
    expect(server.stderr).toContain(resolve(dir, databasePath))
  }

  it('refuses to start on a corrupt database file, naming it', async () => {
    await expectRefusedStart('data/switchyard.db', async (dir) => {
      await mkdir(join(dir, 'data'))
      await writeFile(join(dir, 'data/switchyard.db'), randomBytes(8192))
    })
  })

  it('refuses to start when the database path is a directory, naming it', async () => {
    await expectRefusedStart('data/switchyard.db', (dir) =>
      mkdir(join(dir, 'data/switchyard.db'), { recursive: true }),
    )
  })

  it('refuses to start when a file stands where the database directory must be, naming it', async () => {
    await expectRefusedStart('data/switchyard.db', (dir) => writeFile(join(dir, 'data'), 'not a directory'))
  })
})
