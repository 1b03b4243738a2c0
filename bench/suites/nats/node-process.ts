import { setTimeout as sleep } from 'node:timers/promises'
import { EventBus, MemoryStore } from '@switchyard/core'
import { connectNatsTransport } from '@switchyard/transport-nats'
import { NATS_URL } from '@switchyard/transport-nats/testing'

/** What the parent tells a node process to run (JSON in argv[2]). */
export interface NodeProcessConfig {
  stream: string
  subjectPrefix: string
  tag: string
  concurrency: number
  handlerMs: number
}

/**
 * One Switchyard node in its own process: an EventBus on NatsTransport with the bench handler subscribed.
 * Reports `{ ready: true }` once its consumer exists, then batches of `[eventId, hrtime ns]` per handled event;
 * closes (draining) on a `stop` message.
 */
async function runNode(config: NodeProcessConfig): Promise<void> {
  const send = (message: unknown): void => void process.send?.(message)
  const transport = await connectNatsTransport({
    servers: NATS_URL,
    stream: config.stream,
    subjectPrefix: config.subjectPrefix,
  })
  const bus = new EventBus({ transport, store: new MemoryStore() })
  let handled: [string, string][] = []
  bus.subscribe(
    `bench.${config.tag}`,
    async (event) => {
      if (config.handlerMs > 0) await sleep(config.handlerMs)
      handled.push([event.id, process.hrtime.bigint().toString()])
    },
    { name: `bench_${config.tag}`, concurrency: config.concurrency },
  )
  await bus.drain() // the consumer exists once this resolves
  const flush = setInterval(() => {
    if (handled.length === 0) return
    send({ handled })
    handled = []
  }, 10)
  process.on('message', async (message) => {
    if (message !== 'stop') return
    clearInterval(flush)
    await bus.close()
    process.exit(0)
  })
  send({ ready: true })
}

await runNode(JSON.parse(process.argv[2] ?? '{}') as NodeProcessConfig)
