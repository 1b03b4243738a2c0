const REFERENCE = /\$\{[^}\n]*\}/g
const OPEN = '\uE000'
const PAD = '\uE001'
const PLACEHOLDER = /\uE000([0-9a-z]+)\uE000\uE001*/g

/**
 * Replaces each `${...}` in YAML text by a placeholder of the same length made of private-use characters, so
 * that `{ token: ${TOKEN} }` parses as a flow map (the braces would otherwise end it) and every line and
 * column stays where it was. `restore` puts the references back into a parsed scalar.
 *
 * @example
 * ```ts
 * const { text, restore } = maskEnvReferences('a: { b: ${B} }')
 * restore(parseDocument(text).toJS().a.b) // '${B}'
 * ```
 */
export function maskEnvReferences(text: string): { text: string; restore: (value: string) => string } {
  const references: string[] = []
  const masked = text.replace(REFERENCE, (reference) => {
    const marker = `${OPEN}${(references.push(reference) - 1).toString(36)}${OPEN}`
    return marker.padEnd(reference.length, PAD)
  })
  const restore = (value: string) =>
    references.length === 0
      ? value
      : value.replace(PLACEHOLDER, (_m, index: string) => references[Number.parseInt(index, 36)] ?? '')
  return { text: masked, restore }
}
