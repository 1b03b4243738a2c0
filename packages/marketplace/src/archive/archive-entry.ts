import { posix } from 'node:path'
import { ArchiveLimitError, UnsafeArchiveError } from '../errors.js'
import type { MarketplaceLimits } from '../marketplace-config.js'

/** One entry of an archive, read and checked, ready to be written under the plugin folder. */
export type ArchiveEntry =
  | { kind: 'file'; path: string; data: Buffer; executable: boolean }
  | { kind: 'directory'; path: string }
  | { kind: 'symlink'; path: string; target: string }

/**
 * Checks archive entries as they are read, whatever the format: paths stay inside the folder, links point
 * inside it, and the archive stays under the file-count and unpacked-size limits.
 *
 * @example
 * ```ts
 * const checker = new EntryChecker(limits)
 * const path = checker.path('package/index.js') // throws UnsafeArchiveError for '../x' or '/etc/x'
 * ```
 */
export class EntryChecker {
  #limits: Pick<MarketplaceLimits, 'max_files' | 'max_unpacked_bytes'>
  #files = 0
  #bytes = 0

  constructor(limits: Pick<MarketplaceLimits, 'max_files' | 'max_unpacked_bytes'>) {
    this.#limits = limits
  }

  /** The entry's normalised relative path, or null for the archive root itself (`./`). */
  path(raw: string): string | null {
    if (raw.includes('\0')) throw new UnsafeArchiveError(raw, 'the path holds a NUL byte')
    if (/^([/\\]|[a-zA-Z]:)/.test(raw)) throw new UnsafeArchiveError(raw, 'absolute path')
    const segments = raw.split(/[/\\]/).filter((segment) => segment !== '' && segment !== '.')
    if (segments.includes('..')) throw new UnsafeArchiveError(raw, 'the path leaves the folder (..)')
    return segments.length === 0 ? null : segments.join('/')
  }

  /** Counts one entry of `size` unpacked bytes against the limits. */
  count(size: number): void {
    this.#files += 1
    this.#bytes += size
    if (this.#files > this.#limits.max_files) throw new ArchiveLimitError('files', this.#limits.max_files)
    if (this.#bytes > this.#limits.max_unpacked_bytes) {
      throw new ArchiveLimitError('unpacked bytes', this.#limits.max_unpacked_bytes)
    }
  }

  /** Checks a symbolic link's target: relative, and inside the folder once resolved from the link's place. */
  linkTarget(path: string, target: string): void {
    if (target === '' || /^([/\\]|[a-zA-Z]:)/.test(target)) {
      throw new UnsafeArchiveError(path, `link to an absolute path ${JSON.stringify(target)}`)
    }
    const resolved = posix.normalize(posix.join(posix.dirname(path), target.replaceAll('\\', '/')))
    if (resolved === '..' || resolved.startsWith('../')) {
      throw new UnsafeArchiveError(path, `link points outside the folder (${target})`)
    }
  }
}

/**
 * Final checks over all entries, then drops the single top folder archives wrap a package in (`package/`
 * of `npm pack`, `<plugin>/` of a zip) when the root holds no package.json. Rejects a path given twice
 * (other than folders) and any entry placed beneath a link, which could otherwise write outside the folder.
 *
 * @example
 * ```ts
 * const entries = settleEntries(read) // 'package/index.js' -> 'index.js'
 * ```
 */
export function settleEntries(entries: readonly ArchiveEntry[]): ArchiveEntry[] {
  const seen = new Set<string>()
  const links = new Set(entries.filter((entry) => entry.kind === 'symlink').map((entry) => entry.path))
  for (const entry of entries) {
    if (entry.kind !== 'directory' && seen.has(entry.path)) {
      throw new UnsafeArchiveError(entry.path, 'the path appears twice')
    }
    seen.add(entry.path)
    for (let parent = posix.dirname(entry.path); parent !== '.'; parent = posix.dirname(parent)) {
      if (links.has(parent)) throw new UnsafeArchiveError(entry.path, `it lies beneath the link ${parent}`)
    }
  }
  const tops = new Set(entries.map((entry) => entry.path.split('/')[0]))
  const [top] = tops
  const wrapped =
    tops.size === 1 && top !== undefined && !seen.has('package.json') && entries.some((e) => e.path !== top)
  if (!wrapped || entries.some((entry) => entry.path === top && entry.kind !== 'directory'))
    return [...entries]
  return entries
    .filter((entry) => entry.path !== top)
    .map((entry) => ({ ...entry, path: entry.path.slice(top.length + 1) }))
}
