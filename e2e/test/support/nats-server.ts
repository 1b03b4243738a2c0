import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'

/** The nats-server binary: `$NATS_SERVER_BIN`, else `nats-server` on the PATH. */
const BINARY = process.env.NATS_SERVER_BIN ?? 'nats-server'
const LISTENING = /Listening for client connections on (\S+):(\d+)/
const READY = /Server is ready/

/**
 * Whether the nats-server binary runs. When it does not and CI is set this throws: under CI the NATS tests
 * fail rather than skip.
 *
 * @example
 * ```ts
 * describe.skipIf(!natsServerAvailable())('several nodes', () => { ... })
 * ```
 */
export function natsServerAvailable(): boolean {
  const found = spawnSync(BINARY, ['--version']).status === 0
  if (!found && process.env.CI) throw new Error(`${BINARY} does not run and CI is set: install nats-server`)
  if (!found) console.warn(`${BINARY} does not run: skipping the NATS tests (they fail under CI)`)
  return found
}

/**
 * A JetStream-enabled nats-server of the test's own, on a free loopback port, storing under `dir`. The
 * servers under test share only its streams and KV buckets, and nothing outlives the test.
 *
 * @example
 * ```ts
 * const nats = await NatsServer.start(dir.path)
 * // transport: { driver: 'nats', servers: [nats.url], stream: 'E2E' }
 * await nats.stop()
 * ```
 */
export class NatsServer {
  readonly url: string
  readonly #child: ChildProcess
  readonly #exited: Promise<void>

  private constructor(url: string, child: ChildProcess, exited: Promise<void>) {
    this.url = url
    this.#child = child
    this.#exited = exited
  }

  static start(dir: string, timeoutMs = 15_000): Promise<NatsServer> {
    // -p -1: any free port, read back from the log
    const args = ['-js', '-a', '127.0.0.1', '-p', '-1', '-sd', join(dir, 'jetstream')]
    const child = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    return new Promise((resolve, reject) => {
      let log = ''
      let url = ''
      const fail = (why: string): void => {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(new Error(`nats-server ${why}:\n${log}`))
      }
      const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs)
      child.once('error', (error) => fail(`did not start (${error.message})`))
      const onExit = (code: number | null): void => fail(`exited with ${code}`)
      child.once('exit', onExit)
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString()
        const listening = LISTENING.exec(log)
        if (listening) url = `nats://${listening[1]}:${listening[2]}`
        if (url && READY.test(log)) {
          clearTimeout(timer)
          child.off('exit', onExit)
          // keep reading (and dropping) its log so the pipe never fills
          child.stderr?.removeAllListeners('data')
          child.stderr?.resume()
          resolve(new NatsServer(url, child, exited))
        }
      })
    })
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000)
    await this.#exited
    clearTimeout(timer)
  }
}
