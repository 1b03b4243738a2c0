import { afterEach, beforeEach } from 'vitest'
import { Publisher } from './publisher.js'
import { ServerProcess, type ServerProcessOptions } from './server-process.js'
import { makeTempDir, type TempDir } from './temp-dir.js'

/**
 * What a test opens (temp dirs, server processes, publishers), closed after each test in reverse order even
 * when the test fails. Create one per test file, at the top level: it registers its own `afterEach`.
 *
 * @example
 * ```ts
 * const scope = testScope()
 * it('...', async () => {
 *   const dir = await scope.tempDir('crash')
 *   const server = await scope.startServer({ configFile, cwd: dir.path, logDir })
 * })
 * ```
 */
export function testScope(): TestScope {
  const scope = new TestScope()
  beforeEach(() => scope.begin())
  afterEach(async ({ task }) => {
    // A timed-out test says only that it timed out: the steps it reached say where it was.
    if (task.result?.state === 'fail' || process.env.E2E_STEPS)
      console.error(`steps of "${task.name}":\n${scope.steps()}`)
    await scope.release()
  })
  return scope
}

/** See `testScope`. */
export class TestScope {
  readonly #releases: (() => unknown)[] = []
  readonly #steps: string[] = []
  #startedAt = Date.now()

  /** Starts the clock of the steps (each test). */
  begin(): void {
    this.#steps.length = 0
    this.#startedAt = Date.now()
  }

  /** Notes that the test reached `name` (printed with the elapsed time when the test fails). */
  step(name: string): void {
    this.#steps.push(`${String(Date.now() - this.#startedAt).padStart(7)} ms  ${name}`)
  }

  /** The steps reached so far, one a line. */
  steps(): string {
    return this.#steps.join('\n')
  }

  /** Runs `release` after the test. */
  defer(release: () => unknown): void {
    this.#releases.push(release)
  }

  async tempDir(label: string): Promise<TempDir> {
    const dir = await makeTempDir(label)
    this.defer(() => dir.remove())
    return dir
  }

  /** Starts a server process; it is SIGKILLed after the test if still running. */
  async startServer(options: ServerProcessOptions): Promise<ServerProcess> {
    const server = await ServerProcess.start(options)
    this.defer(() => server.kill())
    this.step(`server ${options.node ?? ''} listening at ${server.url} (pid ${server.pid})`)
    return server
  }

  /** Spawns a server process without waiting for it to listen (a start meant to fail). */
  runServer(options: ServerProcessOptions): ServerProcess {
    const server = ServerProcess.run(options)
    this.defer(() => server.kill())
    return server
  }

  publisher(options: ConstructorParameters<typeof Publisher>[0]): Publisher {
    const publisher = new Publisher(options)
    this.defer(() => publisher.close())
    return publisher
  }

  async release(): Promise<void> {
    for (const release of this.#releases.splice(0).reverse()) await release()
  }
}
