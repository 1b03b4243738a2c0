import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
/** The `switchyard` bin of the built @switchyard/server. */
const CLI = join(dirname(require.resolve('@switchyard/server/package.json')), 'dist/cli.js')
const LISTENING = /switchyard listening on (http:\/\/[^\s"]+)/
/** How much of a process's output is kept for error messages. */
const OUTPUT_LIMIT = 20_000

/** How a server process ended. */
export interface ServerExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** What a server process needs: its configuration, working directory, and where the recorder writes. */
export interface ServerProcessOptions {
  configFile: string
  cwd: string
  /** Directory the fixture recorder writes its handler logs to. */
  logDir: string
  /** Name the recorder writes on each line (a node of a cluster). */
  node?: string
  /** Handlers of the recorder wait this long before recording (default 0). */
  handlerDelayMs?: number
}

/**
 * A `switchyard start` child process. `ServerProcess.start` resolves once it listens; `run` just spawns it
 * (for starts that are meant to fail). Its stdout and stderr are collected (the tail of them) for messages.
 *
 * @example
 * ```ts
 * const server = await ServerProcess.start({ configFile, cwd: dir, logDir })
 * await fetch(`${server.url}/healthz`)
 * await server.kill() // SIGKILL
 * ```
 */
export class ServerProcess {
  /** The base URL, once listening (empty before). */
  url = ''
  readonly exited: Promise<ServerExit>
  readonly #child: ChildProcess
  #output = ''
  #stderr = ''

  private constructor(options: ServerProcessOptions) {
    this.#child = spawn(process.execPath, [CLI, 'start', '--config', options.configFile, '--port', '0'], {
      cwd: options.cwd,
      env: {
        ...process.env,
        // info: the URL the server listens on (port 0) is in its 'switchyard listening on' log line
        LOG_LEVEL: 'info',
        SWITCHYARD_E2E_LOG_DIR: options.logDir,
        SWITCHYARD_E2E_NODE: options.node ?? 'node',
        SWITCHYARD_E2E_HANDLER_DELAY_MS: String(options.handlerDelayMs ?? 0),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-OUTPUT_LIMIT)
    }
    this.#child.stdout?.on('data', keep)
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      keep(chunk)
      this.#stderr = (this.#stderr + chunk.toString()).slice(-OUTPUT_LIMIT)
    })
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => resolve({ code, signal }))
    })
  }

  /** Spawns the server without waiting for anything. */
  static run(options: ServerProcessOptions): ServerProcess {
    return new ServerProcess(options)
  }

  /** Spawns the server and resolves once it listens; rejects with its output when it exits first. */
  static async start(options: ServerProcessOptions, timeoutMs = 30_000): Promise<ServerProcess> {
    const server = new ServerProcess(options)
    try {
      server.url = await server.#listening(timeoutMs)
    } catch (error) {
      await server.kill()
      throw error
    }
    return server
  }

  get pid(): number {
    return this.#child.pid ?? -1
  }

  /** The tail of what the process wrote to stdout and stderr. */
  get output(): string {
    return this.#output
  }

  /** The tail of what the process wrote to stderr. */
  get stderr(): string {
    return this.#stderr
  }

  /** SIGKILL (the process gets no chance to clean up); resolves when it is gone. */
  async kill(): Promise<ServerExit> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL')
    return this.exited
  }

  /** SIGTERM (graceful: drains, then exits 0); SIGKILL when it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 60_000): Promise<ServerExit> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return this.exited
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs)
    const exit = await this.exited
    clearTimeout(timer)
    return exit
  }

  #listening(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const stdout = this.#child.stdout
      let seen = ''
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString()
        const match = LISTENING.exec(seen)
        if (match) done(() => resolve(match[1]!))
      }
      const timer = setTimeout(
        () => done(() => reject(new Error(`server did not listen within ${timeoutMs} ms:\n${this.#output}`))),
        timeoutMs,
      )
      const onExit = ({ code, signal }: ServerExit): void =>
        done(() => reject(new Error(`server exited (${signal ?? code}) before listening:\n${this.#output}`)))
      const done = (settle: () => void): void => {
        clearTimeout(timer)
        stdout?.off('data', onData)
        settle()
      }
      stdout?.on('data', onData)
      void this.exited.then(onExit)
    })
  }
}
