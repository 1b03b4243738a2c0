import { connect } from 'node:net'

/** What `serviceReachable` says about a service. */
export interface ServiceCheck {
  /** Its name in messages: `NATS`, `PostgreSQL`. */
  name: string
  /** The port when the URL names none. */
  defaultPort: number
  /** How to start it, for the CI failure message. */
  start: string
}

/**
 * Whether a service a test needs accepts TCP connections at `url` (within a second). Under CI a missing service is
 * a failure, not a skip: this throws, so the test file fails; elsewhere it warns once and answers false.
 *
 * @example
 * ```ts
 * const up = await serviceReachable('nats://127.0.0.1:4222', { name: 'NATS', defaultPort: 4222, start: 'start nats-server -js' })
 * describe.skipIf(!up)('on NATS', () => { ... })
 * ```
 */
export async function serviceReachable(url: string, check: ServiceCheck): Promise<boolean> {
  const { hostname, port } = new URL(url)
  const up = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) || check.defaultPort, timeout: 1000 })
    const done = (result: boolean) => {
      socket.destroy()
      resolve(result)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
  if (!up && process.env.CI)
    throw new Error(`${check.name} is not reachable at ${url} and CI is set: ${check.start}`)
  if (!up)
    console.warn(`${check.name} is not reachable at ${url}: skipping its tests (they fail under CI=true)`)
  return up
}
