import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml'

/** A 1-based position in a YAML file. */
export interface SourcePosition {
  line: number
  column: number
}

/**
 * Finds where a key path points in a parsed YAML document: the value's position when the path exists, the key's
 * position when `at` is `'key'` (an unknown key), otherwise the deepest existing ancestor (a missing key is
 * reported where its parent is).
 *
 * @example
 * ```ts
 * locatePath(doc, lineCounter, ['server', 'port']) // { line: 2, column: 9 }
 * ```
 */
export function locatePath(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  at: 'key' | 'value' = 'value',
): SourcePosition | undefined {
  let node: unknown = doc.contents
  let found: Node | undefined = isNode(node) ? node : undefined
  for (const segment of path) {
    const next = child(node, segment)
    if (!next) break
    found = at === 'key' && segment === path.at(-1) ? next.key : (next.value ?? next.key)
    node = next.value
  }
  const offset = found?.range?.[0]
  if (offset === undefined) return undefined
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

function child(node: unknown, segment: PropertyKey): { key: Node; value: Node | undefined } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment))
    if (pair && isNode(pair.key)) return { key: pair.key, value: isNode(pair.value) ? pair.value : undefined }
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)]
    if (isNode(item)) return { key: item, value: item }
  }
  return undefined
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value
}
