// The SDK checks the syntax of versions and ranges without the `semver` package, so that plugin packages do
// not pull it in; the host compares versions with `semver` itself. The grammar is semver.org's version and
// node-semver's range syntax (`||` sets of comparators, hyphen ranges, x-ranges, `~` and `^`).
const NUMBER = '(?:0|[1-9]\\d*)'
const IDENTIFIERS = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*'
const TAIL = `(?:-${IDENTIFIERS})?(?:\\+${IDENTIFIERS})?`
const PART = `(?:${NUMBER}|[xX*])`
const PARTIAL = `v?${PART}(?:\\.${PART}(?:\\.${PART}${TAIL})?)?`
const COMPARATOR = `(?:[<>]=?|=|~|\\^)?\\s*${PARTIAL}`
const SET = `(?:${PARTIAL}\\s+-\\s+${PARTIAL}|${COMPARATOR}(?:\\s+${COMPARATOR})*)?`

const VERSION = new RegExp(`^v?${NUMBER}\\.${NUMBER}\\.${NUMBER}${TAIL}$`)
const RANGE = new RegExp(`^\\s*${SET}\\s*(?:\\|\\|\\s*${SET}\\s*)*$`)

/**
 * Whether `text` is a semantic version such as `1.2.3` or `2.0.0-beta.1`.
 *
 * @example
 * ```ts
 * isSemverVersion('1.0.0') // true
 * isSemverVersion('one')   // false
 * ```
 */
export function isSemverVersion(text: string): boolean {
  return VERSION.test(text)
}

/**
 * Whether `text` is a semver range such as `^1.2.0`, `>=1 <3 || 4.x` or `1.0.0 - 2.0.0`.
 *
 * @example
 * ```ts
 * isSemverRange('^1.0.0')      // true
 * isSemverRange('not a range') // false
 * ```
 */
export function isSemverRange(text: string): boolean {
  return RANGE.test(text)
}
