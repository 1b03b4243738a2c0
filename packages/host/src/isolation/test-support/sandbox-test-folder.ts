import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { PluginHost } from '../../plugin-host.js'
import { SANDBOX_ENTRY } from '../launch-sandbox.js'

/**
 * The hooks of a test file that starts hosts with sandboxes: checks the sandbox entry is built (a sandbox runs
 * `dist/`), makes a temporary working folder, stops the hosts pushed on `hosts` after each test and removes the
 * folder at the end.
 *
 * @example
 * ```ts
 * const sandbox = sandboxTestFolder('switchyard-isolation-')
 * const host = new PluginHost({ cwd: sandbox.cwd(), ... }); sandbox.hosts.push(host)
 * ```
 */
export function sandboxTestFolder(prefix: string): { cwd(): string; hosts: PluginHost[] } {
  let cwd = ''
  const hosts: PluginHost[] = []
  beforeAll(async () => {
    if (!existsSync(SANDBOX_ENTRY))
      throw new Error(`${SANDBOX_ENTRY} is missing: run pnpm --filter @switchyard/host build`)
    cwd = await mkdtemp(join(tmpdir(), prefix))
  })
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop()
  })
  afterAll(() => rm(cwd, { recursive: true, force: true }))
  return { cwd: () => cwd, hosts }
}
