// one-off: remove the ledger entries my e2e runs left in the shared switchyard_ledger bucket

import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'

const nc = await connect({ servers: 'nats://127.0.0.1:4222' })
const jsm = await jetstreamManager(nc)
const js = jetstream(nc)
const stream = 'KV_switchyard_ledger'
const t0 = Date.now()
const ci = await jsm.consumers.add(stream, {
  filter_subject: '$KV.switchyard_ledger.e.>',
  deliver_policy: DeliverPolicy.LastPerSubject,
  ack_policy: AckPolicy.None,
  inactive_threshold: 60_000_000_000,
})
const c = await js.consumers.get(stream, ci.name)
const info = await c.info()
const left = info.num_pending
const mine: string[] = []
let seen = 0
const iter = await c.consume({ max_messages: 1000 })
for await (const m of iter) {
  seen++
  if (m.data.length > 0) {
    try {
      const d = m.json<any>()
      if (typeof d?.event?.type === 'string' && d.event.type.startsWith('e2e.'))
        mine.push(m.subject.split('.e.')[1]!)
    } catch {}
  }
  if (m.info.pending === 0) break
}
console.log('scanned', seen, 'of', left, 'mine', mine.length, Date.now() - t0, 'ms')
const subjects = mine.flatMap((id) => [`$KV.switchyard_ledger.e.${id}`, `$KV.switchyard_ledger.u.${id}`])
const t1 = Date.now()
let i = 0
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (i < subjects.length) {
      const s = subjects[i++]!
      for (let a = 0; a < 5; a++) {
        try {
          await jsm.streams.purge(stream, { filter: s })
          break
        } catch (e) {
          if (a === 4) throw e
        }
      }
      if (i % 20000 === 0) console.log(i, Date.now() - t1)
    }
  }),
)
console.log('purged', subjects.length, 'subjects in', Date.now() - t1, 'ms')
const si = await jsm.streams.info(stream)
console.log('ledger now', si.state.messages)
await nc.close()
