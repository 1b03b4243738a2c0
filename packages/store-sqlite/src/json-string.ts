/** Characters JSON writes as they are (printable ASCII but `"` and `\\`): most ids, names and times are only these. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/**
 * `JSON.stringify(text)`, without the serializer for the strings it would copy as they are.
 *
 * @example
 * ```ts
 * jsonString('audit_log') // '"audit_log"'
 * ```
 */
export function jsonString(text: string): string {
  return VERBATIM.test(text) ? `"${text}"` : JSON.stringify(text)
}
