import { createHash } from 'node:crypto'
import { SecretKeyError } from '../errors.js'

/** An AES-256 key with its id: a short fingerprint stored beside each value, never the key itself. */
export interface SecretKey {
  readonly bytes: Buffer
  /** 16 hex characters of SHA-256 over a label and the key. */
  readonly id: string
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Reads a key written as base64 (`openssl rand -base64 32`), refusing anything but exactly 32 bytes; `where` names
 * the source in the error (`SWITCHYARD_SECRET_KEY`, or the key file).
 *
 * @example
 * ```ts
 * const key = parseSecretKey(process.env.SWITCHYARD_SECRET_KEY!, 'SWITCHYARD_SECRET_KEY')
 * ```
 */
export function parseSecretKey(text: string, where: string): SecretKey {
  const trimmed = text.trim()
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new SecretKeyError(
      `${where}: expected the base64 of 32 random bytes (make one with: openssl rand -base64 32), got text that is not base64`,
    )
  }
  const bytes = Buffer.from(trimmed, 'base64')
  if (bytes.length !== 32) {
    throw new SecretKeyError(
      `${where}: expected the base64 of 32 random bytes (make one with: openssl rand -base64 32), got ${bytes.length} bytes`,
    )
  }
  return toSecretKey(bytes)
}

/**
 * Wraps 32 key bytes with their id.
 *
 * @example
 * ```ts
 * const key = toSecretKey(randomBytes(32))
 * ```
 */
export function toSecretKey(bytes: Buffer): SecretKey {
  const id = createHash('sha256').update('switchyard-secret-key:').update(bytes).digest('hex').slice(0, 16)
  return { bytes, id }
}
