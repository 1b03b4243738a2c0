import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import { MemoryStore } from '@switchyard/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ENTRY } from '../isolation/launch-sandbox.js'
import { PluginHost } from '../plugin-host.js'

const VAULT = { module: new URL('../../test/fixtures/isolation/vault.mjs', import.meta.url).pathname }
let cwd: string
const hosts: PluginHost[] = []
beforeAll(async () => {
  if (!existsSync(SANDBOX_ENTRY))
    throw new Error(`${SANDBOX_ENTRY} is missing: run pnpm --filter @switchyard/host build`)
  cwd = await mkdtemp(join(tmpdir(), 'switchyard-secrets-isolation-'))
})
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})
afterAll(() => rm(cwd, { recursive: true, force: true }))

describe.each(['worker', 'process'] as const)('ctx.secrets in a %s sandbox', { timeout: 60_000 }, (mode) => {
  it('sets, gets and deletes across the boundary; the store holds only the envelope', async () => {
    const store = new MemoryStore()
    const host = new PluginHost({
      cwd,
      appPackageJson: false,
      store,
      env: {},
      // A sandbox starts in seconds on a loaded machine.
      startTimeoutMs: 60_000,
      plugins: [VAULT],
      config: { plugin_directories: [], plugin_defaults: { isolation: mode } },
    })
    hosts.push(host)
    await host.start()
    expect(host.plugin('vault')).toMatchObject({ state: 'started', isolation: { mode } })
    const answer = (await (
      await host.fetch(new Request('http://host/plugins/vault/token'))
    ).json()) as Record<string, unknown>
    expect(answer).toMatchObject({ token: 'sandboxed-secret-value', gone: null, deleted: true })
    // It ran in the sandbox, not here.
    if (mode === 'worker') expect(answer.threadId).not.toBe(threadId)
    else expect(answer.pid).not.toBe(process.pid)
    const sealed = JSON.stringify(await store.kvList('_secrets'))
    expect(sealed).toContain('A256GCM')
    expect(sealed).not.toContain('sandboxed-secret-value')
  })
})
