import type { PackageIdentity } from '../archive/package-identity.js'
import { SignatureError } from '../errors.js'
import type { LockEntry } from '../install/lockfile.js'
import { UNSIGNED } from './check-signature.js'

/**
 * Refuses an upgrade whose signer is not the installed version's: a signed plugin stays with its key, so a new
 * version from another key (or an unsigned one) needs `force`. A plugin installed unsigned may gain a signature.
 *
 * @example
 * ```ts
 * if (!force) refuseSignerChange(lock.get(name)!, { name, version }, signer)
 * ```
 */
export function refuseSignerChange(installed: LockEntry, identity: PackageIdentity, signer: string): void {
  if (installed.signer === UNSIGNED || installed.signer === signer) return
  const { name, version } = identity
  const now = signer === UNSIGNED ? 'is unsigned' : `is signed by ${signer}`
  throw new SignatureError(
    `${name}@${version}`,
    `the installed ${installed.version} is signed by ${installed.signer} but this version ${now}: upgrade with force to accept it`,
  )
}
