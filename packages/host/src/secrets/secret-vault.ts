import type { Store } from '@switchyard/core'
import { SecretDecryptError, SecretKeyError } from '../errors.js'
import { isEnvelope, openSecret, sealSecret } from './secret-cipher.js'
import type { SecretKey } from './secret-key.js'

/** The Store KV namespace holding every plugin's secrets, keyed `<plugin>/<name>` (no plugin name starts with `_`). */
export const SECRETS_NAMESPACE = '_secrets'
const CHECK_NAMESPACE = '_switchyard'
const CHECK_KEY = 'secret-key-check'
const CHECK_CONTEXT = 'secret-key-check'
const CHECK_TEXT = 'switchyard secret key check'

/**
 * The plugins' secrets over the Store's KV: each value sealed with AES-256-GCM (see `sealSecret`) before it is
 * written, so the Store only ever holds envelopes. `open` checks the key against the key check value stored
 * with the first secret: a wrong key is a start error (E_SECRET_KEY), never values decrypted into garbage.
 *
 * @example
 * ```ts
 * const vault = new SecretVault(store)
 * await vault.open(await loadSecretKey({ env: process.env, keyFile, logger }))
 * await vault.set('webhooks', 'subscription:whs_1', 'whsec_…')
 * ```
 */
export class SecretVault {
  readonly #store: Store
  #key: SecretKey | undefined
  #checked = false

  constructor(store: Store) {
    this.#store = store
  }

  /** Uses `key` from now on; throws `SecretKeyError` when secrets were stored under another key. */
  async open(key: SecretKey): Promise<void> {
    await verifyKeyCheck(this.#store, key)
    this.#key = key
    this.#checked = false
  }

  async get(plugin: string, name: string): Promise<string | undefined> {
    const key = this.#opened()
    const stored = await this.#store.kvGet(SECRETS_NAMESPACE, storedName(plugin, name))
    if (stored === undefined) return undefined
    const plaintext = openSecret(key, storedName(plugin, name), stored)
    if (plaintext === undefined) throw new SecretDecryptError(plugin, name)
    return plaintext
  }

  async set(plugin: string, name: string, value: string): Promise<void> {
    const key = this.#opened()
    if (!this.#checked) {
      await writeKeyCheck(this.#store, key)
      this.#checked = true
    }
    const context = storedName(plugin, name)
    await this.#store.kvSet(SECRETS_NAMESPACE, context, sealSecret(key, context, value))
  }

  delete(plugin: string, name: string): Promise<boolean> {
    return this.#store.kvDelete(SECRETS_NAMESPACE, storedName(plugin, name))
  }

  /** Deletes every secret of a plugin (uninstall with its data). */
  async forget(plugin: string): Promise<void> {
    const entries = await this.#store.kvList(SECRETS_NAMESPACE, { prefix: `${plugin}/` })
    for (const entry of entries) await this.#store.kvDelete(SECRETS_NAMESPACE, entry.key)
  }

  #opened(): SecretKey {
    if (this.#key === undefined) throw new SecretKeyError('plugin secrets are used before the host started')
    return this.#key
  }
}

/**
 * Re-encrypts every stored secret from `from` to `to`, then moves the key check value to `to`. Values already
 * under `to` are left alone, so a rotation that was interrupted finishes when run again with the same two keys.
 * Throws `SecretKeyError` when `from` is not the stored secrets' key, `SecretDecryptError` for a value neither
 * key opens. Run it with no server using the Store.
 *
 * @example
 * ```ts
 * const { rotated } = await rotateSecretKey(store, oldKey, newKey)
 * ```
 */
export async function rotateSecretKey(
  store: Store,
  from: SecretKey,
  to: SecretKey,
): Promise<{ rotated: number }> {
  const check = await store.kvGet(CHECK_NAMESPACE, CHECK_KEY)
  // The check is written last: still under `from` until every value moved.
  if (!(isEnvelope(check) && check.kid === to.id)) await verifyKeyCheck(store, from)
  let rotated = 0
  let after: string | undefined
  for (;;) {
    const page = await store.kvList(SECRETS_NAMESPACE, { limit: 100, ...(after ? { after } : {}) })
    for (const { key: context, value } of page) {
      if (isEnvelope(value) && value.kid === to.id) continue
      const plaintext = openSecret(from, context, value)
      if (plaintext === undefined) {
        const [plugin = '', ...name] = context.split('/')
        throw new SecretDecryptError(plugin, name.join('/'))
      }
      await store.kvSet(SECRETS_NAMESPACE, context, sealSecret(to, context, plaintext))
      rotated++
    }
    if (page.length < 100) break
    after = page.at(-1)?.key
  }
  await writeKeyCheck(store, to)
  return { rotated }
}

function storedName(plugin: string, name: string): string {
  return `${plugin}/${name}`
}

async function verifyKeyCheck(store: Store, key: SecretKey): Promise<void> {
  const check = await store.kvGet(CHECK_NAMESPACE, CHECK_KEY)
  if (check === undefined || openSecret(key, CHECK_CONTEXT, check) === CHECK_TEXT) return
  const stored = isEnvelope(check) ? check.kid : 'unknown'
  throw new SecretKeyError(
    `the secret key (id ${key.id}) is not the key the stored plugin secrets were encrypted with (id ${stored}): ` +
      'set SWITCHYARD_SECRET_KEY to that key, or put its key file back',
  )
}

function writeKeyCheck(store: Store, key: SecretKey): Promise<void> {
  return store.kvSet(CHECK_NAMESPACE, CHECK_KEY, sealSecret(key, CHECK_CONTEXT, CHECK_TEXT))
}
