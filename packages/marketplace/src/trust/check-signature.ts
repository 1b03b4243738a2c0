import { verify } from 'node:crypto'
import type { PackageIdentity } from '../archive/package-identity.js'
import { SignatureError } from '../errors.js'
import type { MarketplaceContext } from '../marketplace-context.js'
import type { Artifact } from '../registry/resolve-artifact.js'
import { verifyRegistrySignatures } from './registry-signatures.js'
import { signedMessage } from './signed-message.js'

/** What the lockfile and the API show for a package no trusted signature covers. */
export const UNSIGNED = 'unsigned'

/**
 * Decides whether a downloaded archive may be installed, and who signed it: the signer's key id, or `unsigned`.
 * Registry packages are checked against the registry's `dist.signatures` and keys (`verifyRegistrySignatures`);
 * index and direct-URL packages against the Ed25519 signature they carry and `trusted_keys`. A signature that
 * does not verify is always refused (`E_SIGNATURE`); with `require_signature` an unsigned package or one signed by
 * a key not in `trusted_keys` is refused too. Without it such a package installs as `unsigned`.
 *
 * @example
 * ```ts
 * const signer = await checkSignature(artifact, { name, version }, integrityOf(bytes), context)
 * ```
 */
export async function checkSignature(
  artifact: Artifact,
  identity: PackageIdentity,
  integrity: string,
  context: MarketplaceContext,
): Promise<string> {
  const what = `${identity.name}@${identity.version}`
  const required = context.config.require_signature
  const signer =
    artifact.registry === undefined
      ? checkClaim(artifact, what, signedMessage(identity.name, identity.version, integrity), context)
      : await verifyRegistrySignatures(artifact.registry, {
          what,
          message: signedMessage(identity.name, identity.version, artifact.integrity ?? integrity),
          context,
        })
  if (signer !== UNSIGNED || !required) return signer
  const why =
    artifact.signature === undefined
      ? 'it is not signed and marketplace.require_signature is on'
      : `it is signed by ${artifact.signature.key_id}, a key not in marketplace.trusted_keys, and marketplace.require_signature is on`
  throw new SignatureError(what, why)
}

/** An Ed25519 signature of an index entry or a request: its signer, or `unsigned` (none, or an unknown key). */
function checkClaim(artifact: Artifact, what: string, message: Buffer, context: MarketplaceContext): string {
  const claim = artifact.signature
  if (claim === undefined) return UNSIGNED
  const trusted = context.trustedKeys.get(claim.key_id)
  if (trusted === undefined) return UNSIGNED
  if (trusted.type !== 'ed25519')
    throw new SignatureError(what, `${claim.key_id} is a P-256 registry key, not an Ed25519 signing key`)
  if (!verify(null, message, trusted.key, Buffer.from(claim.signature, 'base64')))
    throw new SignatureError(what, `the signature by ${claim.key_id} does not match the archive`)
  return claim.key_id
}
