import { createPublicKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { digestArchive } from '../trust/digest-archive.js'
import { fingerprintOf } from '../trust/key-id.js'
import { signedMessage } from '../trust/signed-message.js'

/** How `SigningRegistry.publish` signs a version. */
export type RegistrySigning =
  /** With the registry's key, over the right message. */
  | 'valid'
  /** No `dist.signatures`. */
  | 'missing'
  /** With the registry's key, over another integrity (what a tampered tarball looks like). */
  | 'mismatched'
  /** With a key the registry does not publish. */
  | 'unknown-key'

/** A small npm registry on loopback that signs what it serves, as the public registry does. */
export interface SigningRegistry {
  /** The registry URL, with a trailing slash. */
  url: string
  /** The id of its signing key (`SHA256:…`) and the key in PEM (SPKI), for `trusted_keys`. */
  keyId: string
  publicKeyPem: string
  /** Serves a tarball (`packPlugin`) as a new version of the package its package.json names. */
  publish(tarball: Buffer, signing?: RegistrySigning): Promise<void>
  /** Replaces the bytes served for a published version, leaving its metadata (a tampering mirror). */
  tamper(name: string, version: string, tarball: Buffer): void
  close(): Promise<void>
}

/** Options of `startSigningRegistry`. */
export interface SigningRegistryOptions {
  /** false: `/-/npm/v1/keys` answers 404, as a registry that signs nothing. */
  publishKeys?: boolean
  /** Serve the key under this id instead of its fingerprint (a registry impersonating another's key id). */
  keyId?: string
}

interface Version {
  manifest: Record<string, unknown>
  tarball: Buffer
  signatures: { keyid: string; sig: string }[]
  time: string
}

/**
 * Starts a loopback npm registry that serves packuments with `dist.integrity` and `dist.signatures` (ECDSA P-256
 * over `<name>@<version>:<integrity>`, base64 DER), its key at `/-/npm/v1/keys`, tarballs and keyword search.
 * Made for tests of registry signature checks; Verdaccio signs nothing.
 *
 * @example
 * ```ts
 * const registry = await startSigningRegistry()
 * await registry.publish(packPlugin({ name: 'signed-plugin', version: '1.0.0' }))
 * ```
 */
export async function startSigningRegistry(options: SigningRegistryOptions = {}): Promise<SigningRegistry> {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const keyId = options.keyId ?? fingerprintOf(key.publicKey)
  const packages = new Map<string, Map<string, Version>>()
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (path === '/-/npm/v1/keys') {
      if (options.publishKeys === false) return json(404, { error: 'not found' })
      const der = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
      return json(200, {
        keys: [
          {
            keyid: keyId,
            keytype: 'ecdsa-sha2-nistp256',
            scheme: 'ecdsa-sha2-nistp256',
            key: der,
            expires: null,
          },
        ],
      })
    }
    if (path === '/-/v1/search') {
      const objects = [...packages.keys()].map((name) => ({
        package: { name, keywords: ['switchyard-plugin'] },
      }))
      return json(200, { objects, total: objects.length })
    }
    const tarball = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path)
    if (tarball) {
      const found = packages.get(tarball[1]!)?.get(tarball[2]!)
      if (found === undefined) return json(404, { error: 'not found' })
      return response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(found.tarball)
    }
    const versions = packages.get(path.slice(1))
    if (versions === undefined) return json(404, { error: 'not found' })
    json(200, packumentOf(path.slice(1), versions, url))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const sign = (message: Buffer, with_: KeyObject) =>
    createSign('sha256').update(message).sign(with_).toString('base64')
  return {
    url,
    keyId,
    publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    async publish(bytes, signing = 'valid') {
      const { identity, integrity } = await digestArchive(bytes)
      const { name, version } = identity
      const message = signedMessage(
        name,
        version,
        signing === 'mismatched' ? `${integrity.slice(0, -4)}AAA=` : integrity,
      )
      const signatures =
        signing === 'missing'
          ? []
          : [
              {
                keyid: signing === 'unknown-key' ? fingerprintOf(createPublicKey(stranger)) : keyId,
                sig: sign(message, signing === 'unknown-key' ? stranger : key.privateKey),
              },
            ]
      const manifest = { name, version, keywords: ['switchyard-plugin'], dist: { integrity } }
      const versions = packages.get(name) ?? new Map<string, Version>()
      versions.set(version, { manifest, tarball: bytes, signatures, time: new Date().toISOString() })
      packages.set(name, versions)
    },
    tamper(name, version, bytes) {
      const found = packages.get(name)?.get(version)
      if (found === undefined) throw new Error(`${name}@${version} is not published`)
      found.tarball = bytes
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function packumentOf(name: string, versions: Map<string, Version>, url: string): unknown {
  const file = name.replace(/^@.*\//, '')
  const entries = [...versions].map(([version, found]) => {
    const dist = {
      ...(found.manifest.dist as object),
      tarball: `${url}${name}/-/${file}-${version}.tgz`,
      signatures: found.signatures,
    }
    return [version, { ...found.manifest, dist }] as const
  })
  return {
    name,
    'dist-tags': { latest: entries.at(-1)![0] },
    versions: Object.fromEntries(entries),
    time: Object.fromEntries([...versions].map(([version, found]) => [version, found.time])),
  }
}
