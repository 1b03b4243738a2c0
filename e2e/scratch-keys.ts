import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import { connect } from '@nats-io/transport-node'

const nc = await connect({ servers: 'nats://127.0.0.1:4222' })
const jsm = await jetstreamManager(nc)
const si = await jsm.streams.info('KV_switchyard_ledger')
console.log('ledger msgs', si.state.messages, 'subjects', si.state.num_subjects, 'bytes', si.state.bytes)
const kv = await new Kvm(nc).open('switchyard_ledger')
for (let i = 0; i < 3; i++) {
  const t = Date.now()
  let n = 0
  for await (const _ of await kv.keys('u.*')) n++
  console.log('keys u.*', n, Date.now() - t, 'ms')
}
await nc.close()
