/** What the marketplace shows of a plugin besides its name and version (Nexus's manifest fields). */
export interface ListingFields {
  category: string | null
  tags: string[]
  author: string | null
  license: string | null
}

// Every plugin has these keywords (the registry search needs them): they say nothing about this one.
const SEARCH_KEYWORDS = new Set(['switchyard', 'switchyard-plugin'])

/**
 * The listing fields of a package.json or an index entry: `category` from `eventPlugin.category` (or a top-level
 * `category` in an index), `tags` from `tags` or else the `keywords` other than the search ones, `author` (a
 * string, or the name of `{ name, email }`) and `license`. Malformed values read as absent.
 *
 * @example
 * ```ts
 * listingFieldsOf({ keywords: ['switchyard-plugin', 'email'], author: { name: 'Ada' }, license: 'MIT' })
 * // { category: null, tags: ['email'], author: 'Ada', license: 'MIT' }
 * ```
 */
export function listingFieldsOf(manifest: Readonly<Record<string, unknown>>): ListingFields {
  const plugin = manifest.eventPlugin
  const category =
    (typeof plugin === 'object' && plugin !== null
      ? (plugin as { category?: unknown }).category
      : undefined) ?? manifest.category
  const tags = Array.isArray(manifest.tags)
    ? manifest.tags
    : Array.isArray(manifest.keywords)
      ? manifest.keywords
      : []
  const author = manifest.author
  const authorName =
    typeof author === 'object' && author !== null ? (author as { name?: unknown }).name : author
  return {
    category: typeof category === 'string' ? category : null,
    tags: tags.filter((tag): tag is string => typeof tag === 'string' && !SEARCH_KEYWORDS.has(tag)),
    author: typeof authorName === 'string' ? authorName : null,
    license: typeof manifest.license === 'string' ? manifest.license : null,
  }
}
