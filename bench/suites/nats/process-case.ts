import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { EventBus, MemoryStore } from '@switchyard/core'
import { connectNatsTransport } from '@switchyard/transport-nats'
import { NATS_URL } from '@switchyard/transport-nats/testing'
import type { E2eCase, E2eRunner } from './measure-e2e.js'
import { type BenchTarget, type Block, enqueueBlock } from './nats-cases.js'
import type { NodeProcessConfig } from './node-process.js'

const nodeProcess = fileURLToPath(new URL('./node-process.ts', import.meta.url))

/** Starts a node process and resolves once its consumer is ready. */
function startNode(
  config: NodeProcessConfig,
  onHandled: (id: string, at: number) => void,
): Promise<ChildProcess> {
  // the parent's --import tsx (or any loader) carries over to the child
  const child = fork(nodeProcess, [JSON.stringify(config)], { execArgv: process.execArgv, stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) =>
      reject(new Error(`bench node process exited with ${code} before it was ready`)),
    )
    child.on('message', (message: { ready?: boolean; handled?: [string, string][] }) => {
      if (message.ready) resolve(child)
      for (const [id, at] of message.handled ?? []) onHandled(id, Number(at))
    })
  })
}

/**
 * Like `busCase`, with every node in its own process (`node-process.ts`), as nodes of a cluster run: this process
 * only publishes, through an EventBus on NatsTransport with no handler of its own.
 */
export function processCase(
  name: string,
  tag: string,
  target: BenchTarget,
  options: { nodes: number; concurrency: number; handlerMs: number },
): E2eCase {
  return {
    name,
    async setup(): Promise<E2eRunner> {
      let block: Block | undefined
      const config: NodeProcessConfig = {
        ...options,
        tag,
        stream: target.stream,
        subjectPrefix: target.subjectPrefix,
      }
      const children = await Promise.all(
        Array.from({ length: options.nodes }, () => startNode(config, (id, at) => block?.handled(id, at))),
      )
      const transport = await connectNatsTransport({
        servers: NATS_URL,
        stream: target.stream,
        subjectPrefix: target.subjectPrefix,
      })
      const publisher = new EventBus({ transport, store: new MemoryStore() })
      return {
        run: (count) =>
          enqueueBlock(publisher, `bench.${tag}`, count, (current) => {
            block = current
          }),
        async teardown() {
          await publisher.close()
          await Promise.all(
            children.map(
              (child) =>
                new Promise<void>((resolve) => {
                  child.removeAllListeners('exit')
                  child.once('exit', () => resolve())
                  child.send('stop')
                }),
            ),
          )
        },
      }
    },
  }
}
