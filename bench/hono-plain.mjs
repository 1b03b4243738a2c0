import { serve } from '@hono/node-server'
import { Hono } from 'hono'
const app = new Hono()
let n = 0
app.post('/api/v1/events', async (c) => { const body = await c.req.json(); return c.json({ id: `${body.type}-${n++}` }, 202) })
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 9912 })
process.on('SIGINT', () => process.exit(0))
