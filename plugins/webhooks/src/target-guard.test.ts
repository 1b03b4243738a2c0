import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { BlockedTargetError, UnresolvableHostError } from './errors.js'
import { canonicalHost, TargetGuard } from './target-guard.js'
import { startWebhookReceiver } from './testing/start-webhook-receiver.js'

const strict = new TargetGuard({ allowPrivateNetworks: false, allowedHosts: [] })
const closers: Array<() => Promise<void>> = []

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

describe('canonicalHost', () => {
  it('normalises case, brackets, a trailing dot and IPv4 shorthands, and refuses ports and paths', () => {
    expect(canonicalHost('Hooks.Internal.')).toBe('hooks.internal')
    expect(canonicalHost('[::1]')).toBe('::1')
    expect(canonicalHost('0:0:0:0:0:0:0:1')).toBe('::1')
    expect(canonicalHost('127.1')).toBe('127.0.0.1')
    for (const bad of ['hooks.internal:8080', 'hooks.internal/x', 'user@hooks.internal', 'http://x', ''])
      expect(canonicalHost(bad), bad).toBeUndefined()
  })
})

describe('TargetGuard', () => {
  it('refuses private IP literals in any spelling, naming the host and the reason', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'https://0x7f.1/',
    ]) {
      const error = await strict.check(url).catch((e: unknown) => e)
      expect(error, url).toBeInstanceOf(BlockedTargetError)
      expect((error as BlockedTargetError).code).toBe('E_WEBHOOK_TARGET_BLOCKED')
      expect(() => strict.checkLiteral(url), url).toThrow(BlockedTargetError)
    }
    await expect(strict.check('http://169.254.169.254/')).rejects.toThrow(
      /169\.254\.169\.254 is a link-local address, .*allowed_hosts.*allow_private_networks: true/,
    )
  })

  it('refuses a host name that resolves to loopback, and one that does not resolve', async () => {
    await expect(strict.check('http://localhost:9/hook')).rejects.toThrow(
      /^localhost resolves to 127\.0\.0\.1, a loopback address/,
    )
    const error = await strict.check('http://hooks.example.invalid/').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnresolvableHostError)
    expect((error as UnresolvableHostError).message).toMatch(/hooks\.example\.invalid does not resolve/)
  })

  it('allows private targets with allowPrivateNetworks, or by exact host with allowedHosts', async () => {
    const open = new TargetGuard({ allowPrivateNetworks: true, allowedHosts: [] })
    await open.check('http://localhost/')
    await open.check('http://169.254.169.254/')
    const listed = new TargetGuard({ allowPrivateNetworks: false, allowedHosts: ['LOCALHOST', '[::1]'] })
    await listed.check('http://localhost:8080/')
    await listed.check('http://[0::1]/')
    listed.checkLiteral('http://[::1]/')
    await expect(listed.check('http://127.0.0.1/')).rejects.toThrow(BlockedTargetError)
  })

  it('fails a connection whose host name resolves to a refused address, before any byte is sent', async () => {
    const hook = await startWebhookReceiver('whsec_guard_test_0123')
    closers.push(hook.close)
    const url = new URL(hook.url)
    url.hostname = 'localhost'
    const post = (guard: TargetGuard) =>
      new Promise<unknown>((resolve) => {
        const req = request(url, { method: 'POST', lookup: guard.lookup, agent: false }, (res) => {
          res.resume()
          resolve(res.statusCode)
        })
        req.on('error', resolve)
        req.end('{}')
      })

    const refused = await post(strict)
    expect(refused).toBeInstanceOf(BlockedTargetError)
    expect((refused as BlockedTargetError).address).toBe('127.0.0.1')
    expect(hook.received).toHaveLength(0)
    // the same lookup lets an allowed host through (401: the receiver saw no signature)
    expect(await post(new TargetGuard({ allowPrivateNetworks: false, allowedHosts: ['localhost'] }))).toBe(
      401,
    )
    expect(hook.received).toHaveLength(1)
  })
})
