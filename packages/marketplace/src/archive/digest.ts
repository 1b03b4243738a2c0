import { createHash } from 'node:crypto'
import { IntegrityError } from '../errors.js'

const SRI_ALGORITHMS = ['sha512', 'sha384', 'sha256'] as const

/**
 * The Subresource Integrity string (`sha512-<base64>`) of some bytes, as npm writes in `dist.integrity`.
 *
 * @example
 * ```ts
 * integrityOf(Buffer.from('x')) // 'sha512-...'
 * ```
 */
export function integrityOf(
  bytes: Uint8Array,
  algorithm: (typeof SRI_ALGORITHMS)[number] = 'sha512',
): string {
  return `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`
}

/**
 * Checks bytes against an SRI string (the strongest of its sha512/sha384/sha256 hashes), throwing
 * `IntegrityError` (`E_INTEGRITY`) on a mismatch or when it holds no usable hash.
 *
 * @example
 * ```ts
 * verifyIntegrity(tarball, packument.versions['1.0.0'].dist.integrity, url)
 * ```
 */
export function verifyIntegrity(bytes: Uint8Array, integrity: string, url: string): void {
  const hashes = integrity.trim().split(/\s+/)
  for (const algorithm of SRI_ALGORITHMS) {
    const expected = hashes
      .filter((hash) => hash.startsWith(`${algorithm}-`))
      .map((hash) => hash.split('?')[0])
    if (expected.length === 0) continue
    const actual = integrityOf(bytes, algorithm)
    if (!expected.includes(actual)) throw new IntegrityError(url, expected.join(' '), actual)
    return
  }
  throw new IntegrityError(url, 'a sha512, sha384 or sha256 integrity', JSON.stringify(integrity))
}

/**
 * Checks bytes against a hex sha256 (the index's `checksum_sha256`), throwing `IntegrityError` on a mismatch.
 *
 * @example
 * ```ts
 * verifySha256(zip, 'e3b0c442...', url)
 * ```
 */
export function verifySha256(bytes: Uint8Array, expectedHex: string, url: string): void {
  const actual = createHash('sha256').update(bytes).digest('hex')
  if (actual !== expectedHex.toLowerCase())
    throw new IntegrityError(url, `sha256 ${expectedHex}`, `sha256 ${actual}`)
}
