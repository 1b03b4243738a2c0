import type { LockSource } from '../install/lockfile.js'

/** The kinds `allowed_sources` may name instead of URLs: any configured registry, any index, any direct URL. */
export const SOURCE_KINDS = ['registry', 'index', 'url'] as const

/**
 * Whether an `allowed_sources` entry is valid: a kind, or an absolute http(s) or file URL.
 *
 * @example
 * ```ts
 * isSourceEntry('https://plugins.example.com/') // true; isSourceEntry('plugins.example.com') // false
 * ```
 */
export function isSourceEntry(entry: string): boolean {
  if ((SOURCE_KINDS as readonly string[]).includes(entry)) return true
  return /^(https?|file):/i.test(entry) && URL.canParse(entry)
}

/**
 * Whether `allowed_sources` lets a source in: it lists the source's kind, or a URL prefix of the source's location.
 * The prefix is compared on parsed URLs, same origin and the path starting with the entry's path, so
 * `https://x.com` never covers `https://x.com.evil.org/` nor `https://x.com@evil.org/`.
 *
 * @example
 * ```ts
 * isAllowedSource(['https://x.com/dl/'], { kind: 'url', location: 'https://x.com/dl/a.tgz' }) // true
 * ```
 */
export function isAllowedSource(allowed: readonly string[], source: LockSource): boolean {
  if (allowed.includes(source.kind)) return true
  if (!URL.canParse(source.location)) return false
  const location = new URL(source.location)
  return allowed.some((entry) => {
    if (!/^(https?|file):/i.test(entry) || !URL.canParse(entry)) return false
    const prefix = new URL(entry)
    if (prefix.origin !== location.origin || prefix.protocol !== location.protocol) return false
    return location.pathname.startsWith(prefix.pathname)
  })
}
