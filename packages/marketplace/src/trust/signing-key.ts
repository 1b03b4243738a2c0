import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SigningKeyError } from '../errors.js'
import { KEY_ID, KEY_NAME, keyIdMatches, keyIdOf } from './key-id.js'

/** A private signing key and its id, read from a key file. */
export interface SigningKey {
  keyId: string
  privateKey: KeyObject
}

/** What `writeSigningKey` wrote. */
export interface WrittenSigningKey {
  key_id: string
  private_key_file: string
  public_key_file: string
  /** The public key in PEM (SPKI): what `marketplace.trusted_keys[].public_key` takes. */
  public_key: string
}

const KEY_ID_LINE = /^key_id: (\S+)$/m

/**
 * Makes an Ed25519 key pair named `name` and writes it into `dir`: `<name>.key`, the private key (PKCS#8 PEM after
 * a `key_id: …` line, mode 0600), and `<name>.pub`, the public key (SPKI PEM). Existing files are never
 * overwritten. The key id is `<name>:SHA256:<fingerprint of the public key>`.
 *
 * @example
 * ```ts
 * const { key_id, public_key } = await writeSigningKey('keys', 'acme')
 * ```
 */
export async function writeSigningKey(dir: string, name: string): Promise<WrittenSigningKey> {
  if (!KEY_NAME.test(name))
    throw new SigningKeyError(
      name,
      'a key name is 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit',
    )
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const keyId = keyIdOf(name, publicKey)
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string
  const privateFile = join(dir, `${name}.key`)
  const publicFile = join(dir, `${name}.pub`)
  await writeExclusive(privateFile, `key_id: ${keyId}\n${privatePem}`, 0o600)
  try {
    await writeExclusive(publicFile, publicPem, 0o644)
  } catch (error) {
    await rm(privateFile, { force: true })
    throw error
  }
  return { key_id: keyId, private_key_file: privateFile, public_key_file: publicFile, public_key: publicPem }
}

/**
 * Reads a key file `writeSigningKey` wrote: an Ed25519 private key whose `key_id:` line matches it.
 *
 * @example
 * ```ts
 * const { keyId, privateKey } = await readSigningKey('keys/acme.key')
 * ```
 */
export async function readSigningKey(file: string): Promise<SigningKey> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new SigningKeyError(file, `cannot read it (${(cause as Error).message})`, { cause })
  }
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' })
  } catch (cause) {
    throw new SigningKeyError(file, 'not a PEM private key', { cause })
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new SigningKeyError(file, `an Ed25519 key is needed, this one is ${privateKey.asymmetricKeyType}`)
  const keyId = KEY_ID_LINE.exec(text)?.[1]
  if (keyId === undefined || !KEY_ID.test(keyId))
    throw new SigningKeyError(
      file,
      'no valid "key_id: <name>:SHA256:…" line above the key (made by switchyard keys generate)',
    )
  if (!keyIdMatches(keyId, createPublicKey(privateKey)))
    throw new SigningKeyError(file, `the key_id line ${keyId} is not the fingerprint of this key`)
  return { keyId, privateKey }
}

async function writeExclusive(file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(file, text, { flag: 'wx', mode })
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST'
    throw new SigningKeyError(
      file,
      exists ? 'already exists: choose another name or folder' : (cause as Error).message,
      {
        cause,
      },
    )
  }
}
