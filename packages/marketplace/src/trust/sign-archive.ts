import { sign } from 'node:crypto'
import { digestArchive } from './digest-archive.js'
import { signedMessage } from './signed-message.js'
import type { SigningKey } from './signing-key.js'

/** A detached signature of a plugin archive: what an index entry or an install request carries. */
export interface ArchiveSignature {
  key_id: string
  /** Base64 Ed25519 signature of `<name>@<version>:<sha512 SRI of the archive>`. */
  signature: string
}

/**
 * Signs a plugin archive (`.tgz` or `.zip`) with an Ed25519 key: the message is `<name>@<version>:<integrity>`,
 * name and version from the archive's package.json, integrity the archive's sha512 SRI.
 *
 * @example
 * ```ts
 * const { key_id, signature } = await signArchive(await readFile('p-1.0.0.tgz'), await readSigningKey('acme.key'))
 * ```
 */
export async function signArchive(bytes: Buffer, key: SigningKey): Promise<ArchiveSignature> {
  const { identity, integrity } = await digestArchive(bytes)
  const signature = sign(null, signedMessage(identity.name, identity.version, integrity), key.privateKey)
  return { key_id: key.keyId, signature: signature.toString('base64') }
}
