import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { TokenFileError } from '../errors.js'
import { newToken, type Scope, type StoredToken, tokenDigest } from './token-auth.js'

/** One line of the token file: never the token itself, only its SHA-256. */
interface TokenLine {
  name: string
  scopes: Scope[]
  sha256: string
  createdAt: string
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/

/**
 * The tokens kept in the data folder (`auth.token_file`, default `data/tokens.json` next to the SQLite
 * database): names, scopes and SHA-256 digests, never a token itself. `switchyard token create` adds to it; the
 * server reads it at start and again when it changes, so a token made while it runs works at once. Written
 * whole to a temporary file, then renamed, mode 0600.
 *
 * @example
 * ```ts
 * const file = new TokenFile('data/tokens.json')
 * const token = await file.create('ci', ['publish']) // shown once; only its digest is stored
 * ```
 */
export class TokenFile {
  readonly path: string

  constructor(path: string) {
    this.path = path
  }

  /** The stored tokens; none when the file does not exist yet. A file that is not a token file throws. */
  async read(): Promise<StoredToken[]> {
    return (await this.#lines()).map((line) => ({
      name: line.name,
      scopes: line.scopes,
      digest: Buffer.from(line.sha256, 'hex'),
    }))
  }

  /** Names, scopes and creation times (no digests), for `token list`. */
  async list(): Promise<Omit<TokenLine, 'sha256'>[]> {
    return (await this.#lines()).map(({ sha256: _, ...rest }) => rest)
  }

  /**
   * Makes a token, stores its digest under `name` and returns it: the only time it is seen. A taken name is
   * refused unless `replace` (how a token is rotated: the old one stops working at once).
   */
  async create(name: string, scopes: readonly Scope[], options: { replace?: boolean } = {}): Promise<string> {
    if (!NAME.test(name))
      throw new TokenFileError(`token name "${name}" is invalid: use lowercase letters, digits, - and _`)
    if (scopes.length === 0) throw new TokenFileError('a token needs at least one scope')
    const lines = await this.#lines()
    if (!options.replace && lines.some((line) => line.name === name))
      throw new TokenFileError(`a token named "${name}" exists in ${this.path}; --replace rotates it`)
    const token = newToken()
    const line = {
      name,
      scopes: [...scopes],
      sha256: tokenDigest(token).toString('hex'),
      createdAt: new Date().toISOString(),
    }
    await this.#write([...lines.filter((l) => l.name !== name), line])
    return token
  }

  /** Removes the token `name`; false when there was none. */
  async revoke(name: string): Promise<boolean> {
    const lines = await this.#lines()
    const kept = lines.filter((line) => line.name !== name)
    if (kept.length === lines.length) return false
    await this.#write(kept)
    return true
  }

  async #lines(): Promise<TokenLine[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new TokenFileError(`cannot read ${this.path}: ${(error as Error).message}`)
    }
    try {
      const { tokens } = JSON.parse(text) as { tokens: TokenLine[] }
      if (!Array.isArray(tokens)) throw new Error('no "tokens" array')
      const bad = tokens.find((t) => typeof t?.name !== 'string' || !/^[0-9a-f]{64}$/.test(String(t.sha256)))
      if (bad !== undefined) throw new Error(`entry ${JSON.stringify(bad?.name ?? bad)} has no valid sha256`)
      return tokens
    } catch (error) {
      throw new TokenFileError(
        `${this.path} is not a token file (${(error as Error).message}); fix or remove it`,
      )
    }
  }

  async #write(lines: TokenLine[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true })
    const temporary = `${this.path}.${process.pid}.tmp`
    await writeFile(temporary, `${JSON.stringify({ tokens: lines }, null, 2)}\n`, { mode: 0o600 })
    await chmod(temporary, 0o600)
    await rename(temporary, this.path)
  }
}
