import { StartError, type StartStep } from '../errors.js'

/** What to do about a failed step, printed after its cause. */
const FIX: Record<StartStep, string> = {
  config: 'correct the configuration file at the place named above and start again',
  listen:
    'free the port or choose another one (server.port, --port); check server.host is an address of this machine',
  store: 'check storage.path: its folder must exist or be creatable, and be writable by this user',
  transport: 'check that NATS answers at transport.servers with JetStream enabled',
  plugins:
    'see the plugin named above: fix it, disable it (plugins.<name>.enabled: false) or give it more time (plugins.<name>.start_timeout_ms, server.start_timeout_ms)',
  services:
    'check the services section (name, advertise_url) and the service.pre_register contributions named above; services.name: null skips registering',
}

/**
 * Runs one start step within `timeoutMs`: its error, or its not finishing in time, becomes a `StartError`
 * naming the step, the cause and the fix. The deadline timer keeps the process alive on purpose: a step
 * waiting on nothing (a promise never settled, no handle open) would otherwise let Node exit silently.
 *
 * @example
 * ```ts
 * const store = await runStep('store', () => openStore(config), 30_000)
 * ```
 */
export async function runStep<T>(step: StartStep, work: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`it did not finish within ${timeoutMs} ms (server.start_timeout_ms)`)),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([Promise.resolve().then(work), late])
  } catch (error) {
    throw error instanceof StartError ? error : new StartError(step, error, FIX[step])
  } finally {
    clearTimeout(timer)
  }
}
