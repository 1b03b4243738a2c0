/**
 * The server side of `pnpm bench -- http`: `node --import tsx http-target.ts bare|switchyard|switchyard-handler`
 * listens on a free port of 127.0.0.1 and writes `PORT <n>` to stderr. `switchyard` is the real server (auth,
 * validation, enqueue on the memory store, request logs at info to stdout) with no plugin; `switchyard-handler`
 * adds one no-op handler every event is dispatched to; `bare` is a Hono route that parses the same JSON and
 * answers 202.
 */
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { startServer } from '../src/start-server.js'

const BENCH_TOKEN = 'bench-token-0123456789'

async function bare(): Promise<number> {
  const app = new Hono()
  let n = 0
  app.post('/api/v1/events', async (c) => {
    const body = (await c.req.json()) as { type: string }
    return c.json({ id: `${body.type}-${n++}` }, 202)
  })
  return new Promise((resolve) => {
    serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port))
  })
}

async function switchyard(withHandler: boolean): Promise<number> {
  const plugins = fileURLToPath(new URL('plugins', import.meta.url))
  const server = await startServer({
    config: {
      server: { host: '127.0.0.1', port: 0 },
      auth: { tokens: [{ name: 'bench', token: BENCH_TOKEN, scopes: ['publish'] }] },
      plugin_directories: withHandler ? [plugins] : [],
      storage: { driver: 'memory' },
      transport: { driver: 'memory' },
    },
  })
  return server.port
}

const mode = process.argv[2]
if (mode !== 'bare' && mode !== 'switchyard' && mode !== 'switchyard-handler') {
  throw new Error('usage: http-target.ts bare|switchyard|switchyard-handler')
}
const port = mode === 'bare' ? await bare() : await switchyard(mode === 'switchyard-handler')
process.stderr.write(`PORT ${port}\n`)
