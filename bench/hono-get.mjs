import { serve } from '@hono/node-server'
import { Hono } from 'hono'
const app = new Hono()
app.get('/x', (c) => c.json({ id: 1 }, 202))
app.post('/x', (c) => c.json({ id: 1 }, 202))
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 9913 })
