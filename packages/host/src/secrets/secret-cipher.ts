import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { SecretKey } from './secret-key.js'

/**
 * A secret as stored: AES-256-GCM ciphertext, its 96-bit nonce and 128-bit tag (base64), and the id of the key
 * that made it. The name the value is stored under is the additional authenticated data, so an envelope copied
 * to another plugin or name does not decrypt.
 */
export interface SecretEnvelope {
  alg: 'A256GCM'
  kid: string
  iv: string
  tag: string
  data: string
}

/**
 * Encrypts `plaintext` under `key`, bound to `context` (the plugin and secret name).
 *
 * @example
 * ```ts
 * const envelope = sealSecret(key, 'webhooks/subscription:whs_1', 'whsec_…')
 * ```
 */
export function sealSecret(key: SecretKey, context: string, plaintext: string): SecretEnvelope {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return {
    alg: 'A256GCM',
    kid: key.id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  }
}

/**
 * Decrypts an envelope made by `sealSecret` with the same key and context; undefined when it was not made so
 * (another key, another context, altered bytes, or not an envelope at all).
 *
 * @example
 * ```ts
 * const plaintext = openSecret(key, 'webhooks/subscription:whs_1', envelope)
 * ```
 */
export function openSecret(key: SecretKey, context: string, envelope: unknown): string | undefined {
  if (!isEnvelope(envelope) || envelope.kid !== key.id) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(envelope.iv, 'base64'))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'))
    return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString(
      'utf8',
    )
  } catch {
    return undefined
  }
}

/**
 * Whether a stored value has the envelope's shape (what rotation and the vault look at before decrypting).
 *
 * @example
 * ```ts
 * if (isEnvelope(await store.kvGet('_secrets', key))) …
 * ```
 */
export function isEnvelope(value: unknown): value is SecretEnvelope {
  const envelope = value as Partial<SecretEnvelope> | undefined
  return (
    envelope?.alg === 'A256GCM' &&
    typeof envelope.kid === 'string' &&
    typeof envelope.iv === 'string' &&
    typeof envelope.tag === 'string' &&
    typeof envelope.data === 'string'
  )
}
