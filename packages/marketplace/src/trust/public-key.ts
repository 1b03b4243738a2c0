import { createPublicKey, type KeyObject } from 'node:crypto'

/** The kinds of public key a signature may be checked with: our own signatures, and npm registries'. */
export type SigningKeyType = 'ed25519' | 'p256'

/**
 * Reads a PEM public key (SPKI, `-----BEGIN PUBLIC KEY-----`) and tells whether it is Ed25519 or ECDSA P-256;
 * undefined for anything else (another curve or algorithm, a private key, not PEM at all).
 *
 * @example
 * ```ts
 * parsePublicKey(readFileSync('acme.pub', 'utf8'))?.type // 'ed25519'
 * ```
 */
export function parsePublicKey(pem: string): { key: KeyObject; type: SigningKeyType } | undefined {
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) return undefined
  let key: KeyObject
  try {
    key = createPublicKey({ key: pem, format: 'pem' })
  } catch {
    return undefined
  }
  return withType(key)
}

/**
 * A registry key as `/-/npm/v1/keys` gives it (base64 DER SPKI) with its type; undefined when it is not P-256
 * or Ed25519.
 *
 * @example
 * ```ts
 * parseDerPublicKey(key.key)?.type // 'p256'
 * ```
 */
export function parseDerPublicKey(base64: string): { key: KeyObject; type: SigningKeyType } | undefined {
  try {
    return withType(createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' }))
  } catch {
    return undefined
  }
}

function withType(key: KeyObject): { key: KeyObject; type: SigningKeyType } | undefined {
  if (key.asymmetricKeyType === 'ed25519') return { key, type: 'ed25519' }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return { key, type: 'p256' }
  return undefined
}
