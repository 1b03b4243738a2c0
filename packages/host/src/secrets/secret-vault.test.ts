import { randomBytes } from 'node:crypto'
import { MemoryStore } from '@switchyard/core'
import { definePlugin } from '@switchyard/plugin-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { createHost } from '../create-host.js'
import type { PluginHost } from '../plugin-host.js'
import { toSecretKey } from './secret-key.js'
import { rotateSecretKey, SECRETS_NAMESPACE, SecretVault } from './secret-vault.js'

const newKey = () => toSecretKey(randomBytes(32))

async function openVault(store = new MemoryStore(), key = newKey()) {
  const vault = new SecretVault(store)
  await vault.open(key)
  return { vault, store, key }
}

const hosts: PluginHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

describe('SecretVault', () => {
  it('stores an envelope, never the value, and reads the value back', async () => {
    const { vault, store, key } = await openVault()
    await vault.set('webhooks', 'token', 'hunter2-hunter2')
    const stored = await store.kvGet(SECRETS_NAMESPACE, 'webhooks/token')
    expect(stored).toMatchObject({ alg: 'A256GCM', kid: key.id })
    expect(JSON.stringify(stored)).not.toContain('hunter2')
    expect(await vault.get('webhooks', 'token')).toBe('hunter2-hunter2')
    expect(await vault.get('webhooks', 'other')).toBeUndefined()
  })

  it('refuses an envelope copied under another plugin or name, and an altered one (E_SECRET_DECRYPT)', async () => {
    const { vault, store } = await openVault()
    await vault.set('webhooks', 'token', 'value-one')
    const stored = (await store.kvGet(SECRETS_NAMESPACE, 'webhooks/token')) as Record<string, string>
    await store.kvSet(SECRETS_NAMESPACE, 'thief/token', stored)
    await expect(vault.get('thief', 'token')).rejects.toMatchObject({ code: 'E_SECRET_DECRYPT' })
    const flipped = Buffer.from(stored.data!, 'base64')
    flipped[0] = (flipped[0] ?? 0) ^ 1
    await store.kvSet(SECRETS_NAMESPACE, 'webhooks/token', { ...stored, data: flipped.toString('base64') })
    await expect(vault.get('webhooks', 'token')).rejects.toMatchObject({ code: 'E_SECRET_DECRYPT' })
  })

  it('opens with the key the secrets were stored under, refuses another one (E_SECRET_KEY)', async () => {
    const { vault, store, key } = await openVault()
    await vault.set('webhooks', 'token', 'value')
    await expect(new SecretVault(store).open(newKey())).rejects.toMatchObject({
      code: 'E_SECRET_KEY',
      message: expect.stringContaining(`encrypted with (id ${key.id})`),
    })
    await expect(new SecretVault(store).open(key)).resolves.toBeUndefined()
  })

  it('rotates every secret to a new key; the old key is refused afterwards; a second run changes nothing', async () => {
    const { vault, store, key } = await openVault()
    for (let i = 0; i < 150; i++) await vault.set(`plugin-${i % 3}`, `name-${i}`, `value-${i}`)
    const next = newKey()
    expect(await rotateSecretKey(store, key, next)).toEqual({ rotated: 150 })
    expect(await rotateSecretKey(store, key, next)).toEqual({ rotated: 0 })
    await expect(new SecretVault(store).open(key)).rejects.toMatchObject({ code: 'E_SECRET_KEY' })
    const rotated = new SecretVault(store)
    await rotated.open(next)
    expect(await rotated.get('plugin-1', 'name-100')).toBe('value-100')
    await expect(rotateSecretKey(store, newKey(), newKey())).rejects.toMatchObject({ code: 'E_SECRET_KEY' })
  })

  it('forgets one plugin’s secrets and keeps the others’', async () => {
    const { vault } = await openVault()
    await vault.set('a', 'x', '1')
    await vault.set('ab', 'x', '2')
    await vault.forget('a')
    expect(await vault.get('a', 'x')).toBeUndefined()
    expect(await vault.get('ab', 'x')).toBe('2')
  })
})

describe('ctx.secrets', () => {
  it('needs the secrets:use permission and takes string values only', async () => {
    const seen: unknown[] = []
    const user = definePlugin({
      name: 'user',
      version: '1.0.0',
      permissions: ['secrets:use'],
      async setup(ctx) {
        await ctx.secrets.set('a', 'b')
        seen.push(await ctx.secrets.get('a'))
        seen.push(
          await ctx.secrets.set('n', 5 as never).catch((error: Error & { code: string }) => error.code),
        )
      },
    })
    const stranger = definePlugin({
      name: 'stranger',
      version: '1.0.0',
      setup(ctx) {
        void ctx.secrets
      },
    })
    const host = await createHost({ plugins: [user, stranger], appPackageJson: false, env: {} })
    hosts.push(host)
    expect(seen).toEqual(['b', 'E_SECRET_INPUT'])
    expect(host.plugin('stranger')).toMatchObject({
      state: 'failed',
      error: { message: expect.stringContaining('without permission "secrets:use"') },
    })
  })
})
