import { randomBytes } from 'node:crypto'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Logger } from '@switchyard/core'
import type { Env } from '../config/interpolate-env.js'
import { SecretKeyError } from '../errors.js'
import { parseSecretKey, type SecretKey, toSecretKey } from './secret-key.js'

/** The variable holding the key of `ctx.secrets`, base64 of 32 bytes. */
export const SECRET_KEY_VARIABLE = 'SWITCHYARD_SECRET_KEY'

/** Where `loadSecretKey` looks. */
export interface SecretKeySource {
  /** `SWITCHYARD_SECRET_KEY` is read from here. */
  env: Env
  /** The key file to read, or to create (mode 0600) when absent; without one the key lives in memory only. */
  keyFile?: string | undefined
  /**
   * Without a variable or a key file: the object the in-memory key belongs to (the Store), so hosts started one
   * after another on the same Store object in this process share it, as a restart in a test does.
   */
  owner?: object
  logger: Logger
}

const memoryKeys = new WeakMap<object, SecretKey>()

/**
 * The key of `ctx.secrets`: `SWITCHYARD_SECRET_KEY` when set; else the key file, generated on first start
 * (32 random bytes, base64, mode 0600) and reported once in the log, by path and key id (the key itself never
 * goes to a log); else a key for this process only, one per `owner` (the memory store's secrets do not outlive
 * the process either).
 * Throws `SecretKeyError` (E_SECRET_KEY) for a malformed variable or file.
 *
 * @example
 * ```ts
 * const key = await loadSecretKey({ env: process.env, keyFile: 'data/secret.key', logger })
 * ```
 */
export async function loadSecretKey(source: SecretKeySource): Promise<SecretKey> {
  const variable = source.env[SECRET_KEY_VARIABLE]
  if (variable !== undefined && variable !== '') return parseSecretKey(variable, SECRET_KEY_VARIABLE)
  const { keyFile, logger } = source
  if (keyFile === undefined) return memoryKey(source.owner)
  const existing = await readKeyFile(keyFile)
  if (existing !== undefined) {
    const key = parseSecretKey(existing, `secret key file ${keyFile}`)
    if (((await stat(keyFile)).mode & 0o077) !== 0)
      logger.warn({ keyFile }, 'the secret key file can be read by other users: chmod 600 it')
    return key
  }
  const key = toSecretKey(randomBytes(32))
  await mkdir(dirname(keyFile), { recursive: true })
  // `wx`: two processes starting at once must not each write a key of their own over the other's.
  await writeFile(keyFile, `${key.bytes.toString('base64')}\n`, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw new SecretKeyError(`cannot write ${keyFile}: ${error.message}`)
    },
  )
  const written = parseSecretKey((await readKeyFile(keyFile)) ?? '', `secret key file ${keyFile}`)
  if (written.id === key.id) {
    logger.warn(
      { keyFile, keyId: key.id },
      `generated the key for plugin secrets in ${keyFile} (mode 0600): back it up, or set ${SECRET_KEY_VARIABLE}; stored secrets cannot be read without it`,
    )
  }
  return written
}

function memoryKey(owner: object | undefined): SecretKey {
  if (owner === undefined) return toSecretKey(randomBytes(32))
  const key = memoryKeys.get(owner) ?? toSecretKey(randomBytes(32))
  memoryKeys.set(owner, key)
  return key
}

async function readKeyFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new SecretKeyError(`cannot read ${path}: ${(error as Error).message}`, { cause: error })
  }
}
