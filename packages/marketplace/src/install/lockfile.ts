import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import * as v from 'valibot'
import { describeIssues } from '../describe-issues.js'
import { LockfileError } from '../errors.js'

const EntrySchema = v.object({
  name: v.string(),
  version: v.string(),
  source: v.object({ kind: v.picklist(['registry', 'index', 'url']), location: v.string() }),
  integrity: v.string(),
  /** Key id of the signature verified at install, or `unsigned` (entries written before signatures too). */
  signer: v.optional(v.string(), 'unsigned'),
  installedAt: v.string(),
})

const LockSchema = v.object({
  lockfileVersion: v.literal(1),
  plugins: v.record(v.string(), EntrySchema),
})

/** One installed plugin in `switchyard-plugins.lock.json`. */
export type LockEntry = v.InferOutput<typeof EntrySchema>
/** Where an installed plugin came from: the registry URL, the index URL, or the archive's URL. */
export type LockSource = LockEntry['source']

/** The lockfile's name inside the install directory. */
export const LOCKFILE_NAME = 'switchyard-plugins.lock.json'

/**
 * The marketplace's lockfile: the installed plugins with version, source, integrity (SRI of the archive), signer
 * and install time. Written atomically (a temporary file renamed over it), so a crash leaves the old or
 * the new content, never half of one.
 *
 * @example
 * ```ts
 * const lock = new Lockfile('/srv/app/.switchyard/plugins/switchyard-plugins.lock.json')
 * const entries = await lock.read()
 * ```
 */
export class Lockfile {
  readonly file: string

  constructor(file: string) {
    this.file = file
  }

  /** The entries by name; a missing file is an empty lock, a malformed one a `LockfileError` (`E_LOCKFILE`). */
  async read(): Promise<Map<string, LockEntry>> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
      throw new LockfileError(this.file, `cannot read: ${(cause as Error).message}`, { cause })
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw new LockfileError(this.file, 'not JSON', { cause })
    }
    const result = v.safeParse(LockSchema, json)
    if (!result.success) throw new LockfileError(this.file, describeIssues(result.issues, 'lock'))
    return new Map(Object.entries(result.output.plugins))
  }

  /** Replaces the file's content with these entries (sorted by name). */
  async write(entries: ReadonlyMap<string, LockEntry>): Promise<void> {
    const plugins = Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)))
    const temporary = `${this.file}.${randomBytes(6).toString('hex')}.tmp`
    try {
      await writeFile(temporary, `${JSON.stringify({ lockfileVersion: 1, plugins }, null, 2)}\n`)
      await rename(temporary, this.file)
    } catch (cause) {
      await rm(temporary, { force: true })
      throw new LockfileError(this.file, `cannot write: ${(cause as Error).message}`, { cause })
    }
  }
}
