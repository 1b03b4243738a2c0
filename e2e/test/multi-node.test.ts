import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { groupBy, type Handled, readHandled, waitForHandled } from './support/handler-log.js'
import { NatsInspector } from './support/nats.js'
import { NatsServer, natsServerAvailable } from './support/nats-server.js'
import type { Publisher } from './support/publisher.js'
import { writeServerConfig } from './support/server-config.js'
import type { ServerProcess } from './support/server-process.js'
import { testScope } from './support/test-scope.js'
import { waitUntil } from './support/wait-until.js'

const NODES = 3
const HANDLERS = ['e2e_every', 'e2e_once'] as const
/** Deliveries of one handler in flight at once on one node (the recorder's `concurrency`). */
const HANDLER_CONCURRENCY = 8
/**
 * A killed node's unacked messages come back after the consumers' ack wait (at least 30 s): waiting for
 * handler progress must allow that much silence.
 */
const STALL_MS = 60_000
/** Requests open at once across the nodes: each waits on several NATS round trips, so many overlap. */
const IN_FLIGHT = 64

const natsAvailable = natsServerAvailable()
const scope = testScope()

/**
 * A cluster of NODES servers on one stream of a nats-server of the test's own (the servers' NatsStore keeps
 * its KV buckets under one fixed prefix whatever the stream, so on a shared NATS a run could neither be
 * isolated from other clusters nor removed afterwards), the test's NATS connection, and the run's keys.
 */
async function startCluster(label: string, events: number) {
  const run = randomBytes(4).toString('hex')
  const stream = `E2E_${label.toUpperCase()}`
  const dir = await scope.tempDir(label)
  const logDir = join(dir.path, 'handled')
  await mkdir(logDir)
  const nats = await NatsServer.start(dir.path)
  scope.defer(() => nats.stop())
  const inspector = await NatsInspector.connect(nats.url)
  scope.defer(() => inspector.close())
  const configFile = await writeServerConfig(dir.path, {
    storage: { driver: 'memory' },
    transport: { driver: 'nats', servers: [nats.url], stream },
  })
  // One at a time, all of them listening (their consumers made) before the first event.
  const nodes: ServerProcess[] = []
  for (let n = 1; n <= NODES; n++) {
    nodes.push(await scope.startServer({ configFile, cwd: dir.path, logDir, node: `n${n}` }))
  }
  const keys = Array.from({ length: events }, (_, i) => `${run}-${i}`)
  return { stream, logDir, inspector, nodes, keys }
}

/**
 * Waits until each handler handled every accepted key and no consumer holds anything, stops the nodes, and
 * returns each handler's calls.
 */
async function drainAndStop(cluster: Awaited<ReturnType<typeof startCluster>>, publisher: Publisher) {
  scope.step(`published: ${publisher.acceptedCount} accepted`)
  const keys = [...publisher.accepted.keys()]
  await waitForHandled(
    cluster.logDir,
    HANDLERS.map((handler) => ({ handler, by: 'key' as const, wanted: keys })),
    { stallMs: STALL_MS, timeoutMs: 150_000 },
  )
  scope.step('every accepted key handled by each handler')
  await waitUntil(() => cluster.inspector.consumersSettled(cluster.stream), {
    what: `the consumers of ${cluster.stream} to have nothing pending or unacked`,
    timeoutMs: STALL_MS,
  })
  scope.step('consumers settled')
  for (const node of cluster.nodes) await node.stop()
  scope.step('nodes stopped')
  return Promise.all(HANDLERS.map((handler) => readHandled(cluster.logDir, handler)))
}

/** Calls grouped by key, only the keys handled more than once. */
function handledMoreThanOnce(handled: readonly Handled[]): Handled[][] {
  return [...groupBy(handled, (h) => h.key).values()].filter((calls) => calls.length > 1)
}

describe.skipIf(!natsAvailable)('several server nodes on NATS JetStream', () => {
  it('handles each event once per handler cluster-wide, spread over the nodes, duplicates dropped', async () => {
    const cluster = await startCluster('calm', 4000)
    const targets = () => cluster.nodes.map((node) => node.url)
    const publisher = scope.publisher({ inFlight: IN_FLIGHT })
    expect(await publisher.publish(cluster.keys, { targets })).toEqual({ failed: [], untried: [] })
    // The same keys again, each to another node than the first time: JetStream drops them by message id.
    const again = cluster.keys.slice(0, 300)
    expect(await publisher.publish(again, { targets: () => [...targets()].reverse() })).toEqual({
      failed: [],
      untried: [],
    })

    const logs = await drainAndStop(cluster, publisher)
    for (const handled of logs) {
      expect(handledMoreThanOnce(handled)).toEqual([])
      expect(new Set(handled.map((h) => h.key))).toEqual(new Set(cluster.keys))
      // competing consumers: every node took a share
      expect(new Set(handled.map((h) => h.node))).toEqual(new Set(['n1', 'n2', 'n3']))
    }
  })

  it('handles every accepted event when a node is SIGKILLed mid-stream', async () => {
    const cluster = await startCluster('kill', 20_000)
    const victim = cluster.nodes[2]!
    const live = [...cluster.nodes]
    const publisher = scope.publisher({
      inFlight: IN_FLIGHT,
      onAccepted: (count) => {
        if (count !== 6000) return
        live.splice(live.indexOf(victim), 1)
        void victim.kill()
        scope.step(`SIGKILL to ${victim.url} after ${count} accepted`)
      },
    })
    // Requests to the killed node fail and are sent again to a live one, with the same key.
    const left = await publisher.publish(cluster.keys, { targets: () => live.map((node) => node.url) })
    expect(left).toEqual({ failed: [], untried: [] })
    expect((await victim.exited).signal).toBe('SIGKILL')

    const logs = await drainAndStop(cluster, publisher)
    const accepted = new Set(publisher.accepted.keys())
    for (const handled of logs) {
      expect(new Set(handled.map((h) => h.key))).toEqual(accepted)
      expect(handled.some((h) => h.pid === victim.pid)).toBe(true) // it had taken its share before the kill
      // Only what the killed node was running when it died is handled again (after the ack wait), by a
      // survivor: at most its concurrency. Duplicate sends of a key were dropped by JetStream.
      const twice = handledMoreThanOnce(handled)
      expect(twice.length).toBeLessThanOrEqual(HANDLER_CONCURRENCY)
      for (const calls of twice) {
        expect(calls.length).toBe(2)
        expect(calls.some((h) => h.pid === victim.pid)).toBe(true)
      }
    }
  })
})
