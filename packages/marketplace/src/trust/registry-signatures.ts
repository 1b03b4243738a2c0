import { createVerify, type KeyObject } from 'node:crypto'
import { SignatureError } from '../errors.js'
import type { MarketplaceContext } from '../marketplace-context.js'
import { parseDerPublicKey } from './public-key.js'

/** The registry side of a version: its `dist.signatures` and when it was published. */
export interface RegistrySignedVersion {
  signatures: readonly { keyid: string; sig: string }[]
  publishedAt?: string
}

/**
 * Checks a registry package's `dist.signatures` as `npm audit signatures` does: each signature (ECDSA P-256 over
 * SHA-256, base64 DER) must verify with the key of its `keyid` among the registry's `/-/npm/v1/keys`, a key not
 * expired before the version was published. A key pinned in `trusted_keys` under the same id must be the very key
 * the registry serves. Resolves to the signer's key id, or `unsigned` when the registry publishes no keys and the
 * version no signatures; a registry that publishes keys but left the version unsigned is refused.
 *
 * @example
 * ```ts
 * const signer = await verifyRegistrySignatures(artifact.registry, { what: 'tally@1.0.0', message, context })
 * ```
 */
export async function verifyRegistrySignatures(
  version: RegistrySignedVersion,
  check: { what: string; message: Buffer; context: MarketplaceContext },
): Promise<string> {
  const { what, message, context } = check
  const registry = await context.registry()
  const published = registry === null ? null : await registry.keys()
  const { signatures } = version
  if (published === null || published.length === 0) return 'unsigned'
  if (signatures.length === 0)
    throw new SignatureError(
      what,
      'the registry publishes signing keys but this version carries no signature',
    )
  const required = context.config.require_signature
  for (const { keyid, sig } of signatures) {
    const found = published.find((key) => key.keyid === keyid)
    const parsed = found === undefined ? undefined : parseDerPublicKey(found.key)
    if (found === undefined || parsed === undefined)
      throw new SignatureError(what, `signed by ${keyid}, a key the registry does not publish`)
    if (found.expires && version.publishedAt && Date.parse(found.expires) < Date.parse(version.publishedAt))
      throw new SignatureError(
        what,
        `signed by ${keyid}, a key that expired before the version was published`,
      )
    const pinned = context.trustedKeys.get(keyid)
    if (pinned !== undefined && !pinned.key.equals(parsed.key))
      throw new SignatureError(
        what,
        `the registry's key ${keyid} is not the one pinned in marketplace.trusted_keys`,
      )
    if (required && pinned === undefined)
      throw new SignatureError(
        what,
        `signed by the registry key ${keyid}, which is not in marketplace.trusted_keys while require_signature is on`,
      )
    if (!verifies(parsed.key, message, sig))
      throw new SignatureError(what, `the registry signature by ${keyid} does not match the package`)
  }
  return signatures[0]!.keyid
}

function verifies(key: KeyObject, message: Buffer, signature: string): boolean {
  try {
    return createVerify('sha256').update(message).verify(key, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}
