import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { processCpuSeconds } from '../lib/process-cpu.js'
import { median } from '../lib/stats.js'
import { type Row, type Suite, type SuiteContext, type SuiteResult, throughput } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'

type CannonResult = autocannon.Result

/** One measured run of a target: autocannon's result and the server process's CPU seconds during it. */
interface Measured {
  result: CannonResult
  serverCpuSeconds: number
}

const benchDir = fileURLToPath(new URL('..', import.meta.url))
const target = fileURLToPath(new URL('http/http-target.ts', import.meta.url))
const TOKEN = 'bench-token-0123456789'
const BODY = JSON.stringify({
  type: 'order.status_changed',
  data: { orderId: 'o-1234', status: 'shipped', items: 3 },
})
const CONNECTIONS = 32
/**
 * `BENCH_BASELINE=<checkout> pnpm bench -- http`: an earlier commit checked out (`git worktree add`) with its
 * packages built; its own http-target runs the `switchyard` and `shipped` rows again as `… (baseline)`, in the
 * same rounds, so a change's cost is read within one run on the same machine.
 */
const BASELINE = process.env.BENCH_BASELINE
const BASELINE_MODES = {
  'switchyard-baseline': 'switchyard POST /api/v1/events (baseline)',
  'shipped-baseline': 'shipped config/switchyard.yaml (baseline)',
} as const
const MODES = {
  shipped: 'shipped config/switchyard.yaml: SQLite, its five plugins, request-tracing on',
  bare: 'bare Hono route',
  'bare-node-body': 'bare Hono route, body from the Node request',
  fastify: 'Fastify route: auth, JSON schema, log line (no bus)',
  'fastify-sqlite': 'Fastify route + SQLite insert per request (FULL sync, no bus)',
  switchyard: 'switchyard POST /api/v1/events',
  'switchyard-handler': 'switchyard + 1 no-op handler',
  'switchyard-sqlite': 'switchyard on SQLite (storage: sqlite)',
  ...(BASELINE === undefined ? {} : BASELINE_MODES),
} as const
/** The telemetry suite's own target (`switchyard-otlp`) and the isolation suite's (`shipped-worker`) run through `round` too. */
export type Mode = keyof typeof MODES | keyof typeof BASELINE_MODES | 'switchyard-otlp' | 'shipped-worker'
const label = (mode: Mode): string => (MODES as Record<Mode, string>)[mode]

/** Pins every thread of a process to `cpus` (a taskset list such as `0` or `0-1`). */
const pin = (pid: number, cpus: string) =>
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' })
const affinityOf = (pid: number) =>
  execFileSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' })
    .split(':')[1]!
    .trim()

/** Starts a target on CPU 1 and resolves to its port once it listens. */
function startTarget(mode: Mode, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const baseline = mode.endsWith('-baseline') && BASELINE !== undefined
  const dir = baseline ? join(BASELINE, 'bench') : benchDir
  const script = baseline ? join(dir, 'suites/http/http-target.ts') : target
  const targetMode = baseline ? mode.slice(0, -'-baseline'.length) : mode
  const child = spawn(
    'taskset',
    ['-c', '1', process.execPath, '--import', 'tsx', script, targetMode, ...args],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'info', BENCH_TOKEN: TOKEN },
    },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /PORT (\d+)/.exec(output)
      if (match) resolve({ child, port: Number(match[1]) })
    })
    child.on('exit', (code) => reject(new Error(`${mode} target exited with ${code}:\n${output}`)))
  })
}

async function stopTarget(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

async function load(port: number, seconds: number): Promise<CannonResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/events`,
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    duration: seconds,
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`port ${port}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`)
  }
  return result
}

/**
 * One round of one target: a fresh server (on a new database file for SQLite), a warm-up, then the measured run
 * with the server's CPU time over it.
 */
export async function round(mode: Mode, seconds: number): Promise<Measured> {
  const onSqlite = mode === 'switchyard-sqlite' || mode === 'fastify-sqlite' || mode.startsWith('shipped')
  const dir = onSqlite ? mkdtempSync(join(tmpdir(), 'switchyard-bench-http-')) : undefined
  try {
    const { child, port } = await startTarget(mode, dir ? [join(dir, 'switchyard.db')] : [])
    try {
      await load(port, 1)
      const before = processCpuSeconds(child.pid!)
      const result = await load(port, seconds)
      return { result, serverCpuSeconds: processCpuSeconds(child.pid!) - before }
    } finally {
      await stopTarget(child)
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

export function rowOf(name: string, rounds: Measured[]): Row {
  const results = rounds.map((r) => r.result)
  const perCpuSecond = rounds.map((r) => r.result.requests.total / r.serverCpuSeconds)
  return {
    name,
    opsPerSec: median(results.map((r) => r.requests.average)),
    cpuOpsPerSec: median(perCpuSecond),
    roundRange: [Math.min(...perCpuSecond), Math.max(...perCpuSecond)],
    p50Ms: median(results.map((r) => r.latency.p50)),
    p99Ms: median(results.map((r) => r.latency.p99)),
  }
}

/** HTTP ingest: the real publish endpoint against a bare Hono route, server and client on separate cores. */
export const httpSuite: Suite = {
  name: 'http',
  title: 'HTTP ingest: POST /api/v1/events',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const seconds = ctx.quick ? 2 : 8
    const rounds = ctx.quick ? 1 : 3
    const modes = Object.keys(MODES) as Mode[]
    const results = Object.fromEntries(modes.map((mode) => [mode, [] as Measured[]])) as Record<
      Mode,
      Measured[]
    >
    const previous = affinityOf(process.pid)
    pin(process.pid, '0')
    try {
      for (let i = 0; i < rounds; i++) {
        for (const mode of modes) {
          ctx.log(`round ${i + 1}/${rounds}: ${mode}`)
          results[mode].push(await round(mode, seconds))
        }
      }
    } finally {
      pin(process.pid, previous)
    }
    const group = {
      title: `POST /api/v1/events, ${CONNECTIONS} connections`,
      description: 'One small JSON event per request; the server answers 202.',
      unit: 'req/s',
      baseline: MODES.fastify,
      rows: modes.map((mode) => rowOf(label(mode), results[mode])),
    }
    const versusFastify = (
      throughput(findRow(group, MODES.switchyard)) / throughput(findRow(group, MODES.fastify))
    ).toFixed(2)
    const overhead = (
      throughput(findRow(group, MODES.switchyard)) / throughput(findRow(group, MODES['bare-node-body']))
    ).toFixed(2)
    return {
      groups: [group],
      targets: [
        ...(BASELINE === undefined
          ? []
          : [
              ratioTarget(
                'switchyard ingest vs the baseline commit',
                findRow(group, MODES.switchyard),
                findRow(group, BASELINE_MODES['switchyard-baseline']),
                { min: 0.95 },
              ),
              ratioTarget(
                'shipped config vs the baseline commit',
                findRow(group, MODES.shipped),
                findRow(group, BASELINE_MODES['shipped-baseline']),
                { min: 0.95 },
              ),
            ]),
        ratioTarget(
          'shipped config vs the Fastify peer',
          findRow(group, MODES.shipped),
          findRow(group, MODES.fastify),
          { min: 0.5 },
        ),
        ratioTarget(
          'switchyard ingest (memory store, no plugin) vs the Fastify peer',
          findRow(group, MODES.switchyard),
          findRow(group, MODES.fastify),
          { min: 1.0 },
        ),
        ratioTarget(
          'switchyard ingest vs bare Hono route',
          findRow(group, MODES.switchyard),
          findRow(group, MODES.bare),
          { min: 0.7 },
        ),
        ratioTarget(
          'switchyard ingest on SQLite vs on the memory store',
          findRow(group, MODES['switchyard-sqlite']),
          findRow(group, MODES.switchyard),
          { min: 0.5 },
        ),
      ],
      notes: [
        `**shipped config** is the headline row: the real server started from \`config/switchyard.yaml\` as \`pnpm start\`
reads it (only the port and the database file changed): its five plugins from \`plugins/\` (order-notifications,
webhooks, audit-log, request-tracing, health-checks), SQLite, the route table and delivery defaults. Each
\`order.status_changed\` event is accepted durably (its row and a delivery row for each of its three subscribers:
order-notifications' routed \`order_notification_handler\`, its \`order_fallback_handler\` left \`unrouted\`, and
webhooks' \`**\` dispatcher), then handled: the notification is rendered, logged (channel \`log\`) and followed by a
\`notification.sent\` event dispatched in-process to webhooks' dispatcher, the handler's idempotency record is kept,
and audit-log's \`event.after_dispatch\` writes one plugin-store entry for each of the two events (counted in the
database after 100 requests: 100 events, 300 delivery rows, 100 idempotency records, 200 audit entries). Every
answer carries request-tracing's \`X-Correlation-ID\` and \`X-Processing-Time\`: what a user running the default
deployment gets.`,
        `**switchyard** is the real server (\`startServer\`) with bearer-token auth (SHA-256 + timingSafeEqual), the
body limit, valibot validation, \`createEvent\`, \`bus.enqueue\` on the memory store and transport (the event is
accepted and kept; no plugin subscribes), request ids and one pino request log line per request (to /dev/null),
answered by the ingest route on the Node request (\`nodeIngest\`; no plugin, so no http.middleware around it).
**switchyard + 1 no-op handler** also dispatches every event to a handler (delivery ledger, metrics) on the same
core. **bare Hono route** parses the same JSON with \`c.req.json()\` and answers 202 with an id.`,
        `**bare Hono route, body from the Node request** is the same route reading the body from
\`c.env.incoming\` as the server does (\`readBodyText\`): under @hono/node-server, \`c.req.json()\` first builds a
WHATWG Request, an AbortController and a web stream per request, which costs more than everything the server adds.
Against this stricter baseline the real server runs at ${overhead}x: that gap is auth, validation, \`createEvent\`,
the enqueue, the request id and the log line.`,
        `**Fastify route** is the peer (\`bench/suites/http/fastify-target.ts\`): Fastify 5 doing the same HTTP work as
the real server — the bearer token hashed and compared in constant time in an \`onRequest\` hook, the body checked
against a JSON schema of the same shape (compiled by Fastify's ajv), an id answered with 202, an \`X-Request-Id\`
header and one pino line per request to the same buffered destination — but no event is created or enqueued. The
real server runs at ${versusFastify}x of it.`,
        `**Fastify route + SQLite insert** is the durable peer (\`fastifyDurableIngest\`): the same route also keeps
the body before answering, as a Fastify app on better-sqlite3 would: one \`INSERT\` per request in its own
transaction, WAL, \`synchronous = FULL\`. It is what the shipped row's durability costs elsewhere; the Fastify row
keeps nothing, runs no handler and writes nothing, so against it the shipped row (a durable accept of one event row
and three delivery rows, three handler runs, a follow-up event, an idempotency record and two plugin-store
entries per request) cannot be like for like: issue 14's 0.5x bar compares the shipped row with that
in-memory peer, which does none of this; read both peers.`,
        `**switchyard on SQLite** is the real server on the embedded default store (\`storage: { driver: sqlite }\`, a
new database file in the temporary folder each round, WAL, \`synchronous = FULL\`): the 202 is sent only once the
event is committed and its WAL synced (group commit of the events that arrive together; the sync runs on the
thread pool, not the event loop). No plugin subscribes, so it is
the memory-store row plus durability; its target compares it with that row.`,
        `**Method**: autocannon (${CONNECTIONS} connections, no pipelining) runs in the bench process pinned to CPU 0
(\`taskset\`); each server runs in a child process pinned to CPU 1. Each round starts a fresh server, loads it for
1 s untimed, then ${seconds} s measured; the targets alternate for ${rounds} round(s) and each row is the median.
Any non-2xx answer fails the run. Latency is autocannon's, per request, in whole milliseconds. **req/s (CPU)** is
requests per CPU-second of the server process (user + system time from \`/proc\`, over the measured run), and
ratios and targets use it: on this shared machine the wall-clock rate also counts the time other processes held
the server's core, which moved rows by 2x between runs; req/s (wall) is shown beside it. A server waiting on the
disk does not spend CPU, so a row that blocked on syncs would look better by CPU than by wall clock: compare both.`,
      ],
    }
  },
}

/** For the latency suite, which offers the same requests to the shipped config at fixed rates. */
export { BODY as INGEST_BODY, startTarget, stopTarget, TOKEN as BENCH_TOKEN }
