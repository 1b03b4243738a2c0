import type { KeyObject } from 'node:crypto'
import { parsePublicKey, type SigningKeyType } from './public-key.js'

/** One trusted key, read. */
export interface TrustedKey {
  keyId: string
  key: KeyObject
  type: SigningKeyType
}

/**
 * The configured `trusted_keys` by key id, each PEM read once. Entries were validated with the configuration,
 * so every one is an Ed25519 or P-256 key whose id carries its fingerprint.
 *
 * @example
 * ```ts
 * const trusted = new TrustedKeys(config.trusted_keys)
 * trusted.get('acme:SHA256:mdkZ…')?.type // 'ed25519'
 * ```
 */
export class TrustedKeys {
  readonly #keys = new Map<string, TrustedKey>()

  constructor(entries: readonly { key_id: string; public_key: string }[]) {
    for (const entry of entries) {
      const parsed = parsePublicKey(entry.public_key)
      if (parsed !== undefined) this.#keys.set(entry.key_id, { keyId: entry.key_id, ...parsed })
    }
  }

  get(keyId: string): TrustedKey | undefined {
    return this.#keys.get(keyId)
  }
}
