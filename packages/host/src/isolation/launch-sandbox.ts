import { fork } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { IsolationSettings } from './isolation-settings.js'
import type { HostMessage } from './sandbox-protocol.js'

/** How a sandbox ended, as the supervisor classifies it. */
export interface SandboxExit {
  reason: 'exit' | 'uncaught exception' | 'out of memory'
  detail: string
}

/** A running sandbox: a worker thread or a child process, seen the same way by the supervisor. */
export interface SandboxHandle {
  readonly pid: number | undefined
  readonly threadId: number | undefined
  post(batch: HostMessage[]): void
  onMessage(listener: (batch: unknown) => void): void
  onExit(listener: (exit: SandboxExit) => void): void
  /** Ends it now, whatever it is doing (an endless loop included). */
  terminate(): void
}

/** Where and with what a sandbox starts. */
export interface LaunchOptions {
  settings: IsolationSettings
  env: Record<string, string>
  /** Process mode: the folders it may read (see `readAllowList`) and the one it may write (its cwd). */
  readable: readonly string[]
  dataDir: string
}

/**
 * Whether two sandboxes launched with `a` and `b` would be the same: mode, limits, env and readable folders
 * alike, and for a process its data folder too (its cwd and only writable path; a worker has none of its own).
 * A sandbox launched to read a plugin's manifest may then serve as the plugin's own when it is (see
 * `Isolator.ownSandbox`).
 *
 * @example
 * ```ts
 * sameLaunch(probe.launch, own) // true: keep the probe's sandbox for the plugin
 * ```
 */
export function sameLaunch(a: LaunchOptions, b: LaunchOptions): boolean {
  const key = ({ settings, env, readable, dataDir }: LaunchOptions) =>
    JSON.stringify([settings, env, readable, settings.mode === 'process' ? dataDir : undefined])
  return key(a) === key(b)
}

/**
 * The sandbox's main module in `dist/`. Tests run the host from `src/` (TypeScript), but a worker or a child
 * process runs plain Node, so it always starts the built file.
 */
export const SANDBOX_ENTRY = fileURLToPath(
  import.meta.url.endsWith('.ts')
    ? new URL('../../dist/isolation/sandbox-entry.js', import.meta.url)
    : new URL('./sandbox-entry.js', import.meta.url),
)

/**
 * Starts a sandbox. `worker`: a worker thread whose heap is capped at `memory_mb`, with a filtered env.
 * `process`: a child Node process under the permission model — reads only `readable`, writes only `dataDir`
 * (its cwd), no child processes, workers or native addons — with the same env and heap cap.
 *
 * @example
 * ```ts
 * const handle = launchSandbox({ settings, env: sandboxEnv(name, process.env), readable: [], dataDir })
 * ```
 */
export function launchSandbox(options: LaunchOptions): SandboxHandle {
  return options.settings.mode === 'process' ? launchProcess(options) : launchWorker(options)
}

function launchWorker({ settings, env }: LaunchOptions): SandboxHandle {
  const worker = new Worker(SANDBOX_ENTRY, {
    env,
    resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb },
  })
  let failure: SandboxExit | undefined
  worker.on('error', (error: Error & { code?: string }) => {
    failure =
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { reason: 'out of memory', detail: `heap passed ${settings.memoryMb} MB` }
        : { reason: 'uncaught exception', detail: `${error.name}: ${error.message}` }
  })
  return {
    pid: undefined,
    threadId: worker.threadId,
    post: (batch) => worker.postMessage(batch),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) =>
      worker.on('exit', (code) =>
        listener(failure ?? { reason: 'exit', detail: `exited with code ${code}` }),
      ),
    terminate: () => void worker.terminate(),
  }
}

const OUT_OF_MEMORY = /heap out of memory|Allocation failed/
const UNCAUGHT = /^(\w*Error(?: \[\w+\])?: .*)$/gm
const STDERR_KEPT = 4096

function launchProcess({ settings, env, readable, dataDir }: LaunchOptions): SandboxHandle {
  mkdirSync(dataDir, { recursive: true })
  const child = fork(SANDBOX_ENTRY, [], {
    execArgv: [
      '--experimental-permission',
      // One flag per path: current Node 20 and 22+ read a comma as part of the path.
      ...[...readable, dataDir].map((path) => `--allow-fs-read=${path}`),
      `--allow-fs-write=${dataDir}`,
      `--max-old-space-size=${settings.memoryMb}`,
      '--no-warnings',
    ],
    cwd: dataDir,
    env,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    process.stderr.write(chunk)
    stderr = (stderr + chunk).slice(-STDERR_KEPT)
  })
  // Sends to a child that just died fail asynchronously; the exit listener reports the death.
  child.on('error', () => undefined)
  return {
    pid: child.pid,
    threadId: undefined,
    post: (batch) => {
      if (child.connected) child.send(batch)
    },
    onMessage: (listener) => child.on('message', listener),
    // 'close', not 'exit': it comes once stderr is read to its end, the last line of a crash included.
    onExit: (listener) =>
      child.on('close', (code, signal) => {
        // Node prints an uncaught error as its stack, `Name: message` on a line of its own.
        const thrown = [...stderr.matchAll(UNCAUGHT)].at(-1)?.[1]
        if (OUT_OF_MEMORY.test(stderr))
          listener({ reason: 'out of memory', detail: `heap passed ${settings.memoryMb} MB` })
        else if (code === 1 && thrown !== undefined)
          listener({ reason: 'uncaught exception', detail: thrown })
        else
          listener({
            reason: 'exit',
            detail: signal === null ? `exited with code ${code}` : `killed by ${signal}`,
          })
      }),
    terminate: () => void child.kill('SIGKILL'),
  }
}
