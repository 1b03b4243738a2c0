/**
 * The server side of `pnpm bench -- http`, run in a child process: `BENCH_TOKEN=<token> node --import tsx
 * http-target.ts <mode> [database file]` listens on a free port of 127.0.0.1 and writes `PORT <n>` to stderr.
 * Modes: `bare`, a Hono route that parses the same JSON with `c.req.json()` and answers 202; `bare-node-body`, the
 * same route reading the body from the Node request (`c.env.incoming`) as the server does; `switchyard`, the real
 * server (auth with
 * the token, validation, enqueue on the memory store, request logs at info to stdout) with no plugin;
 * `switchyard-handler`, the same with one no-op handler every event is dispatched to; `switchyard-sqlite`, the real
 * server on the SQLite store (the embedded default) in the given database file, with no plugin; `fastify`, the
 * Fastify peer of `fastify-target.ts`; `fastify-sqlite`, its durable peer (each body inserted into the given SQLite
 * file, WAL, synchronous FULL, one commit per request); `shipped`, the real server with `config/switchyard.yaml` as shipped (its
 * five plugins from `plugins/`, request-tracing on, routes, delivery defaults) on the SQLite store in the given
 * database file, the bench token as `SWITCHYARD_ADMIN_TOKEN`.
 */
import { fileURLToPath } from 'node:url'
import { type HttpBindings, serve } from '@hono/node-server'
import { loadConfig } from '@switchyard/host'
import { startServer } from '@switchyard/server'
import { Hono } from 'hono'
import { fastifyDurableIngest, fastifyIngest } from './fastify-target.js'

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

async function switchyard(options: {
  handler: boolean
  sqliteFile?: string
  otlp?: boolean
}): Promise<number> {
  const token = benchToken()
  const plugins = fileURLToPath(new URL('plugins', import.meta.url))
  const server = await startServer({
    config: {
      server: { host: '127.0.0.1', port: 0 },
      auth: { tokens: [{ name: 'bench', token, scopes: ['publish'] }] },
      plugin_directories: options.handler ? [plugins] : [],
      storage: options.sqliteFile ? { driver: 'sqlite', path: options.sqliteFile } : { driver: 'memory' },
      transport: { driver: 'memory' },
      // The collector's address comes from OTEL_EXPORTER_OTLP_ENDPOINT (the bench's loopback receiver).
      ...(options.otlp ? { telemetry: { traces: { exporter: 'otlp' as const, sample_ratio: 1 } } } : {}),
    },
  })
  return server.port
}

/**
 * The shipped configuration file, read as `pnpm start` reads it (from the repository root, so `plugin_directories:
 * [plugins]` finds the first-party plugins), with only the port and the database file changed.
 */
async function shipped(sqliteFile: string, isolation: 'none' | 'worker' = 'none'): Promise<number> {
  process.chdir(fileURLToPath(new URL('../../..', import.meta.url)))
  const env = { ...process.env, PORT: '0', SWITCHYARD_ADMIN_TOKEN: benchToken() }
  const { config } = await loadConfig('config/switchyard.yaml', { env })
  const plugins = isolation === 'none' ? config.plugins : isolated(config.plugins, isolation)
  const server = await startServer({
    config: { ...config, plugins, storage: { driver: 'sqlite', path: sqliteFile } },
  })
  return server.port
}

// Every shipped plugin in a sandbox but request-tracing, whose http.middleware a sandbox refuses by design.
function isolated<T extends Record<string, object | undefined>>(plugins: T, mode: 'worker'): T {
  return Object.fromEntries(
    Object.entries(plugins).map(([name, entry]) => [
      name,
      name === 'request-tracing' ? entry : { ...entry, isolation: mode },
    ]),
  ) as T
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
    case 'switchyard-otlp':
      return switchyard({ handler: false, otlp: true })
    case 'fastify':
      return fastifyIngest(benchToken())
    case 'fastify-sqlite':
      if (!sqliteFile) throw new Error('usage: http-target.ts fastify-sqlite <database file>')
      return fastifyDurableIngest(benchToken(), sqliteFile)
    case 'switchyard-sqlite':
      if (!sqliteFile) throw new Error('usage: http-target.ts switchyard-sqlite <database file>')
      return switchyard({ handler: false, sqliteFile })
    case 'shipped':
      if (!sqliteFile) throw new Error('usage: http-target.ts shipped <database file>')
      return shipped(sqliteFile)
    case 'shipped-worker':
      if (!sqliteFile) throw new Error('usage: http-target.ts shipped-worker <database file>')
      return shipped(sqliteFile, 'worker')
    default:
      throw new Error(
        `usage: http-target.ts bare|bare-node-body|fastify|fastify-sqlite|switchyard|switchyard-handler|switchyard-otlp|switchyard-sqlite|shipped|shipped-worker [file], got ${mode}`,
      )
  }
}

const port = await start(process.argv[2] ?? '', process.argv[3])
process.stderr.write(`PORT ${port}\n`)
