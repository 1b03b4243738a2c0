import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'
import { useTarballMarketplace } from './support/served-tarball.js'
import { TOKENS, waitFor } from './support/test-server.js'

const INSTALLABLE = fileURLToPath(new URL('fixtures/installable', import.meta.url))
const NAME = 'switchyard-plugin-installable'

const market = useTarballMarketplace(
  INSTALLABLE,
  {},
  { plugins: { recorder: { enabled: false }, flaky: { enabled: false }, greeter: { enabled: false } } },
)

/** POSTs `body` asking for Server-Sent Events and collects every message until the server ends the stream. */
async function streamed(path: string, body: unknown) {
  const res = await market.t.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/event-stream')
  return (await res.text())
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1],
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Record<string, unknown>,
    }))
}

const cli = (args: string[]) =>
  runCli(['plugins', ...args, '--url', market.t.url], { SWITCHYARD_TOKEN: TOKENS.admin, NO_COLOR: '1' })

describe('install progress', () => {
  it('streams each step of an install as it happens, then the answer', async () => {
    const messages = await streamed('/api/v1/plugins/install', { download_url: market.tarball.url })
    const steps = messages
      .filter((m) => m.event === 'progress' && m.data.status !== 'progress')
      .map((m) => `${m.data.step} ${m.data.status}`)
    expect(steps).toEqual(
      ['resolve', 'download', 'verify', 'extract', 'dependencies', 'load', 'swap'].flatMap((step) => [
        `${step} started`,
        `${step} done`,
      ]),
    )
    const bytes = messages.find((m) => m.data.step === 'download' && m.data.status === 'progress')
    expect(bytes?.data).toMatchObject({ bytes: expect.any(Number) })
    expect(messages.at(-1)).toMatchObject({
      event: 'result',
      data: { status: 201, body: { name: NAME, version: '1.0.0' } },
    })
    expect((await market.t.request('/plugins/installable/ping', { as: 'read' })).status).toBe(200)
    await market.t.request(`/api/v1/plugins/uninstall/${NAME}`, { method: 'DELETE' })
  })

  it('ends a failed install with its failed step and the error the JSON answer would give', async () => {
    const messages = await streamed('/api/v1/plugins/install', {
      download_url: market.tarball.url,
      checksum_sha256: '0'.repeat(64),
    })
    expect(messages.at(-2)).toMatchObject({
      event: 'progress',
      data: { step: 'verify', status: 'failed', error: { code: 'E_INTEGRITY' } },
    })
    expect(messages.at(-1)).toMatchObject({
      event: 'error',
      data: { status: 422, error: { code: 'E_INTEGRITY', message: expect.stringContaining('sha256') } },
    })
    // The audit trail has each streamed install's outcome (the first test's 201, this one's 422), not the stream's 200.
    const installs = await waitFor(async () => {
      const res = await market.t.request('/api/v1/audit?action=POST /api/v1/plugins/install')
      const { records } = (await res.json()) as { records: { status: number; target: string }[] }
      return records.length === 2 ? records : undefined
    })
    expect(installs.map((record) => record.status)).toEqual([201, 422])
    expect(installs[1]?.target).toBe(market.tarball.url)
  })

  it('answers with plain JSON when the client does not ask for a stream', async () => {
    const res = await market.t.request('/api/v1/plugins/upgrade', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: NAME }),
    })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_NOT_INSTALLED')
  })

  it('shows each step in the CLI, and the step that failed', async () => {
    const ok = await cli(['install', '--download-url', market.tarball.url])
    expect(ok.code, ok.stderr).toBe(0)
    const lines = ok.stderr.trim().split('\n')
    expect(lines.map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual(
      ['resolve', 'download', 'verify', 'extract', 'dependencies', 'load', 'swap'].map((s) => `✓ ${s}`),
    )
    expect(lines[2]).toContain('no checksum given; unsigned')
    expect(ok.stdout.startsWith(`${NAME}@1.0.0`)).toBe(true)
    const failed = await cli(['upgrade', NAME])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/^✗ resolve\s+E_UPGRADE_SOURCE: /m)
    await market.t.request(`/api/v1/plugins/uninstall/${NAME}`, { method: 'DELETE' })
    const refused = await cli(['install', '--download-url', market.tarball.url, '--sha256', '0'.repeat(64)])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/✓ resolve[^\n]*\n✓ download[^\n]*\n✗ verify\s+E_INTEGRITY: /)
    expect(refused.stderr).not.toContain('✓ verify')
  })
})
