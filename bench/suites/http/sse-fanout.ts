/**
 * Publish latency with many SSE clients connected: `node --import tsx suites/http/sse-fanout.ts <clients>
 * [checkout]` starts the server of `checkout` (default: this one; its packages built) on CPU 1 with the memory
 * store, opens `<clients>` streams that read everything (plain sockets), publishes 50 events of about 1 KB
 * one after the other and prints the median and worst time from POST to 202 and until the last client got each
 * event. Run it against an earlier commit's checkout to compare. The scaling suite calls `sseFanout`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { processCpuSeconds } from '../../lib/process-cpu.js'

const TOKEN = 'bench-token-0123456789'
const thisCheckout = fileURLToPath(new URL('../../..', import.meta.url))

const serverCode = (checkout: string, clients: number) => `
const { startServer } = await import(${JSON.stringify(`${checkout}/apps/server/dist/index.js`)})
const config = {
  server: { host: '127.0.0.1', port: 0 },
  auth: { tokens: [{ name: 'bench', token: '${TOKEN}', scopes: ['admin'] }] },
  plugin_directories: [],
  storage: { driver: 'memory' },
  transport: { driver: 'memory' },
}
// An earlier commit has no limits section (and no client limit to raise).
try { const server = await startServer({ config: { ...config, limits: { sse_clients: ${clients + 10} } }, logLevel: 'warn' }); process.stderr.write('PORT ' + server.port + '\\n') }
catch (error) { if (!/limits/.test(String(error.message))) throw error
  const server = await startServer({ config, logLevel: 'warn' }); process.stderr.write('PORT ' + server.port + '\\n') }
`

function startServer(checkout: string, clients: number): Promise<{ child: ChildProcess; port: number }> {
  const code = serverCode(checkout, clients)
  const child = spawn('taskset', ['-c', '1', process.execPath, '--input-type=module', '-e', code], {
    cwd: checkout,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return new Promise((resolvePort, reject) => {
    let output = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /PORT (\d+)/.exec(output)
      if (match) resolvePort({ child, port: Number(match[1]) })
    })
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
  })
}

/** An SSE client reading everything; `seen` counts the events it got. */
function openClient(port: number): Promise<{ socket: Socket; seen: () => number }> {
  return new Promise((resolveClient, reject) => {
    let seen = 0
    let subscribed = false
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /api/v1/events/stream HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\n\r\n`)
    })
    socket.on('error', reject)
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      if (!subscribed && text.includes(': subscribed')) {
        subscribed = true
        resolveClient({ socket, seen: () => seen })
      }
      for (let i = text.indexOf('\ndata: '); i !== -1; i = text.indexOf('\ndata: ', i + 1)) seen++
    })
  })
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** What `sseFanout` measured: per publish, ms until the 202 and until every client had the event. */
export interface FanoutResult {
  accepted: number[]
  reached: number[]
  /** CPU seconds the server process spent over the publishes. */
  serverCpuSeconds: number
}

/**
 * Starts the server of `checkout` (its packages built) on CPU 1, opens `clients` SSE streams and publishes
 * `events` events of about 1 KB one after the other, each once every client got the one before.
 *
 * @example
 * ```ts
 * const { reached } = await sseFanout(100, 50)
 * ```
 */
export async function sseFanout(
  clients: number,
  events: number,
  checkout = thisCheckout,
): Promise<FanoutResult> {
  const { child, port } = await startServer(checkout, clients)
  try {
    const open: { socket: Socket; seen: () => number }[] = []
    for (let i = 0; i < clients; i += 100)
      open.push(
        ...(await Promise.all(Array.from({ length: Math.min(100, clients - i) }, () => openClient(port)))),
      )
    const body = JSON.stringify({ type: 'order.status_changed', data: { blob: 'x'.repeat(1000) } })
    const accepted: number[] = []
    const reached: number[] = []
    const cpuBefore = processCpuSeconds(child.pid!)
    for (let n = 1; n <= events; n++) {
      const started = performance.now()
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
      })
      if (res.status !== 202) throw new Error(`publish: ${res.status} ${await res.text()}`)
      accepted.push(performance.now() - started)
      while (open.some((c) => c.seen() < n)) await new Promise((r) => setImmediate(r))
      reached.push(performance.now() - started)
    }
    const serverCpuSeconds = processCpuSeconds(child.pid!) - cpuBefore
    for (const c of open) c.socket.destroy()
    return { accepted, reached, serverCpuSeconds }
  } finally {
    child.kill('SIGKILL')
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const clients = Number(process.argv[2] ?? 1000)
  const checkout = resolve(process.argv[3] ?? thisCheckout)
  const events = 50
  const { accepted, reached } = await sseFanout(clients, events, checkout)
  const ms = (value: number) => `${value.toFixed(1)} ms`
  console.log(
    `${checkout}: ${clients} SSE clients, ${events} publishes: 202 median ${ms(median(accepted))}, worst ${ms(Math.max(...accepted))}; ` +
      `all clients got it median ${ms(median(reached))}, worst ${ms(Math.max(...reached))}`,
  )
}
