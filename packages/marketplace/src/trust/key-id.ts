import { createHash, type KeyObject } from 'node:crypto'

/** The name part of a key id: what `switchyard keys generate --name` takes. */
export const KEY_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/**
 * A key id: an optional name and the key's fingerprint, `acme:SHA256:<43 base64 characters>`. npm registries
 * name their keys by the fingerprint alone (`SHA256:…`).
 */
export const KEY_ID = /^(?:[a-z0-9][a-z0-9._-]{0,63}:)?SHA256:[A-Za-z0-9+/]{43}$/

/**
 * The fingerprint of a public key: `SHA256:` and the unpadded base64 SHA-256 of its DER SubjectPublicKeyInfo,
 * the form npm registries and OpenSSH use.
 *
 * @example
 * ```ts
 * fingerprintOf(createPublicKey(pem)) // 'SHA256:mdkZHrK5RUThrHLKjq9vMbeLJAdAnI1jUJ2Kd9K+/oc'
 * ```
 */
export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`
}

/**
 * The key id of a named key: `<name>:<fingerprint>`. The name tells people which key it is; the fingerprint
 * ties the id to the key, so an id cannot be reused for another key.
 *
 * @example
 * ```ts
 * keyIdOf('acme', publicKey) // 'acme:SHA256:mdkZHrK5…'
 * ```
 */
export function keyIdOf(name: string, publicKey: KeyObject): string {
  return `${name}:${fingerprintOf(publicKey)}`
}

/**
 * Whether a key id's fingerprint part is that of `publicKey`.
 *
 * @example
 * ```ts
 * keyIdMatches('acme:SHA256:mdkZ…', publicKey) // true
 * ```
 */
export function keyIdMatches(keyId: string, publicKey: KeyObject): boolean {
  return keyId.slice(keyId.indexOf('SHA256:')) === fingerprintOf(publicKey)
}
