import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { DeliveryReport } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import type { PluginStatus } from '../lifecycle/plugin-record.js'

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/faults/fault-host.ts', import.meta.url))

interface Status {
  status: PluginStatus[]
  seen: Record<string, number>
  metrics: string
}

/** The fixture host in a real process, with its guard installed: commands in on stdin, answers out on stdout. */
class FaultHost {
  readonly child: ChildProcessWithoutNullStreams
  stderr = ''
  #answers: AsyncIterator<string>

  constructor() {
    this.child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { stdio: 'pipe' })
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString()
    })
    this.#answers = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]()
  }

  async next(): Promise<unknown> {
    const { value, done } = await this.#answers.next()
    if (done) throw new Error(`fault host ended; stderr:\n${this.stderr}`)
    return JSON.parse(value as string)
  }

  async send<T>(cmd: string, arg?: string): Promise<T> {
    this.child.stdin.write(`${JSON.stringify({ cmd, arg })}\n`)
    return (await this.next()) as T
  }

  async publish(type: string): Promise<DeliveryReport> {
    return (await this.send<{ report: DeliveryReport }>('publish', type)).report
  }

  /** Status once `ready` holds for it (faults land after the delivery that caused them). */
  async statusWhen(ready: (status: Status) => boolean): Promise<Status> {
    for (let i = 0; ; i++) {
      const status = await this.send<Status>('status')
      if (ready(status) || i === 50) return status
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
}

const hosts: FaultHost[] = []
async function startHost(): Promise<FaultHost> {
  const host = new FaultHost()
  hosts.push(host)
  expect(await host.next()).toEqual({ ready: true })
  return host
}
afterEach(() => {
  for (const host of hosts.splice(0)) if (host.child.exitCode === null) host.child.kill()
})

const outcome = (report: DeliveryReport, handler: string) =>
  report.outcomes.find((o) => o.handler === handler)
const plugin = (status: Status, name: string) => status.status.find((p) => p.name === name) as PluginStatus

// Each test starts a Node child process that loads a PluginHost: seconds on a loaded machine, not the default 5.
describe('installFaultGuard (a PluginHost in a child process)', { timeout: 30_000 }, () => {
  it('charges each fault to its plugin and fails the delivery it happened in; the process and other plugins go on', async () => {
    const host = await startHost()
    const rejected = await host.publish('fault.reject')
    expect(outcome(rejected, 'reject_handler')?.error?.message).toContain(
      'E_PLUGIN_FAULT: plugin "rejecter" faulted (unhandled rejection) in handler reject_handler',
    )
    expect(outcome(rejected, 'reject_handler')?.durationMs).toBeLessThan(150) // not the handler's 200 ms
    expect(outcome(rejected, 'steady_handler')?.status).toBe('succeeded')

    const timer = await host.publish('fault.timer')
    expect(outcome(timer, 'timer_handler')?.error?.message).toContain(
      'E_PLUGIN_FAULT: plugin "timer-thrower" faulted (uncaught exception) in handler timer_handler',
    )
    const exit = await host.publish('fault.exit')
    expect(outcome(exit, 'exit_handler')?.error?.message).toContain(
      'E_PLUGIN_EXIT: plugin "exiter" called process.exit(1)',
    )
    expect(outcome(await host.publish('steady.ping'), 'steady_handler')?.status).toBe('succeeded')

    const status = await host.statusWhen((s) => plugin(s, 'setup-timer').faults === 1)
    for (const name of ['rejecter', 'timer-thrower', 'exiter', 'setup-timer'])
      expect(plugin(status, name)).toMatchObject({ state: 'started', faults: 1 })
    expect(plugin(status, 'setup-timer').lastFault).toBe(
      'E_PLUGIN_FAULT: plugin "setup-timer" faulted (uncaught exception): thrown in a timer started by setup',
    )
    expect(plugin(status, 'steady')).toMatchObject({ state: 'started', faults: 0 })
    expect(status.seen.steady).toBe(4)
    expect(status.metrics).toContain('switchyard_plugin_faults_total{plugin="exiter"} 1')
    expect(host.child.exitCode).toBe(null)
  })

  it('stops a plugin as failed once its faults reach the limit (3 in this host); the rest keep handling events', async () => {
    const host = await startHost()
    for (let i = 0; i < 3; i++) await host.publish('fault.reject')
    const status = await host.statusWhen((s) => plugin(s, 'rejecter').state === 'failed')
    expect(plugin(status, 'rejecter')).toMatchObject({
      state: 'failed',
      faults: 3,
      handlers: [],
      error: { code: 'E_PLUGIN_FAULT' },
    })
    expect(plugin(status, 'rejecter').reason).toMatch(
      /^plugin "rejecter" faulted 3 times within 60000ms and was stopped; last: E_PLUGIN_FAULT/,
    )
    const after = await host.publish('fault.reject')
    expect(after.outcomes.map((o) => [o.handler, o.status])).toEqual([['steady_handler', 'succeeded']])
  })

  it.each(['timer', 'rejection'])(
    'logs a fault outside any plugin (%s), flushes the logs and exits 1',
    async (kind) => {
      const host = await startHost()
      host.child.stdin.write(`${JSON.stringify({ cmd: 'unowned', arg: kind })}\n`)
      const [code] = await once(host.child, 'exit')
      expect(code).toBe(1)
      const what = kind === 'timer' ? 'uncaught exception' : 'unhandled rejection'
      expect(host.stderr).toMatch(new RegExp(`"msg":"${what} outside any plugin; exiting".*\\nflushed\\n$`))
    },
  )
})
