import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } from '@nats-io/jetstream'
import { connectNatsTransport } from './dist/index.js'
const N = 5000
const nc = await connect({ servers: '127.0.0.1:4222' })
const jsm = await jetstreamManager(nc)
const js = jetstream(nc)
const stream = 'P2' + Date.now()
const t = await connectNatsTransport({ servers: '127.0.0.1:4222', stream, subjectPrefix: stream.toLowerCase() })
const mode = process.argv[2]
const payload = JSON.stringify({ id: 'x', type: 'a.b', source: 's', time: new Date().toISOString(), data: { n: 1 }, metadata: { idempotencyKey: 'k' } })
let done = 0, resolve
const finished = new Promise((r) => (resolve = r))
let stop
if (mode === 'raw') {
  await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: stream.toLowerCase() + '.a.b' })
} else {
  const c = await t.consume({ handler: 'h', pattern: 'a.b', concurrency: Number(process.argv[3] ?? 16), ackWaitMs: 30000, maxDeliveries: 5 }, async (m) => { await m.ack(); if (++done === N) resolve() })
  stop = () => c.stop()
  await new Promise((r) => setTimeout(r, 200))
  await c.stop()
}
const p0 = performance.now()
await Promise.all(Array.from({ length: N }, (_, i) => js.publish(stream.toLowerCase() + '.a.b', payload.replace('"k"', `"k${i}"`).replace('"x"', `"x${i}"`))))
console.log('published/s', Math.round(N / ((performance.now() - p0) / 1000)))
const t0 = performance.now()
if (mode === 'raw') {
  const msgs = await (await js.consumers.get(stream, "raw")).consume(process.argv[3] ? { max_messages: Number(process.argv[3]) } : undefined)
  for await (const m of msgs) { m.json(); m.ack(); if (++done === N) break }
} else {
  const c = await t.consume({ handler: 'h', pattern: 'a.b', concurrency: Number(process.argv[3] ?? 16), ackWaitMs: 30000, maxDeliveries: 5 }, async (m) => { await m.ack(); if (++done === N) resolve() })
  const iv = setInterval(() => console.log("done", done), 1000)
  await finished
  clearInterval(iv)
  await c.stop()
}
console.log(mode, 'consumed/s', Math.round(N / ((performance.now() - t0) / 1000)))
await t.close()
await jsm.streams.delete(stream)
await nc.close()
