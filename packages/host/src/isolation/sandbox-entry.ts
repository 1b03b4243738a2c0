/**
 * The main module of a plugin sandbox, a worker thread or a child process: wires `SandboxPlugin` to whichever
 * channel leads to the host. A child process whose host went away exits; a worker ends with its host anyway.
 */
import { parentPort } from 'node:worker_threads'
import { SandboxPlugin } from './sandbox-plugin.js'

if (parentPort !== null) {
  const port = parentPort
  const sandbox = new SandboxPlugin((batch) => port.postMessage(batch))
  port.on('message', (batch: unknown) => sandbox.receive(batch))
} else if (process.send !== undefined) {
  const send = process.send.bind(process)
  const sandbox = new SandboxPlugin((batch) => send(batch))
  process.on('message', (batch: unknown) => sandbox.receive(batch))
  process.on('disconnect', () => process.exit(0))
} else {
  process.stderr.write('sandbox-entry: run by the Switchyard host as a worker or a forked process only\n')
  process.exitCode = 1
}
