import type { FaultDir } from './fault-server.js'
import type { ServerProcess } from './server-process.js'

/**
 * Ends what a test started: SIGTERM to the server process (waiting for its exit), then removes its folder.
 * Either may be undefined (not made yet) or ended already (a kill and a removal again do nothing).
 *
 * @example
 * ```ts
 * afterEach(() => stopAndRemove(server, dir))
 * ```
 */
export async function stopAndRemove(
  server: ServerProcess | undefined,
  dir: FaultDir | undefined,
): Promise<void> {
  server?.child.kill('SIGTERM')
  await server?.exited
  await dir?.remove()
}
