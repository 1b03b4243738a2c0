/**
 * The server side of `pnpm bench -- http`, run in a child process: `BENCH_TOKEN=<token> node --import tsx
 * http-target.ts <mode> [database file]` listens on a free port of 127.0.0.1 and writes `PORT <n>` to stderr.
 * Modes: `bare`, a Hono route that parses the same JSON with `c.req.json()` and answers 202; `bare-node-body`, the
 * same route reading the body from the Node request (`c.env.incoming`) as the server does; `switchyard`, the real
 * server (auth with
 * the token, validation, enqueue on the memory store, request logs at info to stdout) with no plugin;
 * `switchyard-handler`, the same with one no-op handler every event is dispatched to; `switchyard-sqlite`, the real
 * server on the SQLite store (the embedded default) in the given database file, with no plugin; `fastify`, the
 * Fastify peer of `fastify-target.ts`.
 */
import { fileURLToPath } from 'node:url'
import { type HttpBindings, serve } from '@hono/node-server'
import { startServer } from '@switchyard/server'
import { Hono } from 'hono'
import { fastifyIngest } from './fastify-target.js'

/** The body from the Node request, without the web `Request` and stream that `c.req.json()` builds. */
function nodeBody(incoming: HttpBindings['incoming']): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    incoming.on('error', reject)
  })
}

async function bare(readBody: 'web' | 'node'): Promise<number> {
  const app = new Hono<{ Bindings: HttpBindings }>()
  let n = 0
  app.post('/api/v1/events', async (c) => {
    const body = (readBody === 'web' ? await c.req.json() : JSON.parse(await nodeBody(c.env.incoming))) as {
      type: string
    }
    return c.json({ id: `${body.type}-${n++}` }, 202)
  })
  return new Promise((resolve) => {
    serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port))
  })
}

function benchToken(): string {
  const token = process.env.BENCH_TOKEN
  if (!token) throw new Error('http-target.ts: set BENCH_TOKEN')
  return token
}

async function switchyard(options: { handler: boolean; sqliteFile?: string }): Promise<number> {
  const token = benchToken()
  const plugins = fileURLToPath(new URL('plugins', import.meta.url))
  const server = await startServer({
    config: {
      server: { host: '127.0.0.1', port: 0 },
      auth: { tokens: [{ name: 'bench', token, scopes: ['publish'] }] },
      plugin_directories: options.handler ? [plugins] : [],
      storage: options.sqliteFile ? { driver: 'sqlite', path: options.sqliteFile } : { driver: 'memory' },
      transport: { driver: 'memory' },
    },
  })
  return server.port
}

async function start(mode: string, sqliteFile: string | undefined): Promise<number> {
  switch (mode) {
    case 'bare':
      return bare('web')
    case 'bare-node-body':
      return bare('node')
    case 'switchyard':
      return switchyard({ handler: false })
    case 'switchyard-handler':
      return switchyard({ handler: true })
    case 'fastify':
      return fastifyIngest(benchToken())
    case 'switchyard-sqlite':
      if (!sqliteFile) throw new Error('usage: http-target.ts switchyard-sqlite <database file>')
      return switchyard({ handler: false, sqliteFile })
    default:
      throw new Error(
        `usage: http-target.ts bare|bare-node-body|fastify|switchyard|switchyard-handler|switchyard-sqlite [file], got ${mode}`,
      )
  }
}

const port = await start(process.argv[2] ?? '', process.argv[3])
process.stderr.write(`PORT ${port}\n`)
