import { compilePattern } from './pattern.js'

interface TrieNode<T> {
  children: Map<string, TrieNode<T>>
  /** Values whose pattern ends exactly at this node. */
  exact: Map<T, number>
  /** Values whose pattern ends with `**` at this node: one or more further segments. */
  rest: Map<T, number>
}

const node = <T>(): TrieNode<T> => ({ children: new Map(), exact: new Map(), rest: new Map() })

/**
 * Values keyed by subscription pattern, matched against event types through a trie of segments: the cost of
 * `match` grows with the depth of the type, not with the number of patterns. Results come in insertion order.
 *
 * @example
 * ```ts
 * const index = new PatternIndex<string>()
 * index.add('order.*', 'a')
 * index.add('**', 'b')
 * index.match('order.created') // ['a', 'b']
 * ```
 */
export class PatternIndex<T> {
  #root: TrieNode<T> = node()
  #sequence = 0
  #size = 0

  /** How many (pattern, value) pairs the index holds. */
  get size(): number {
    return this.#size
  }

  /** Adds `value` under `pattern` (validated; throws `InvalidPatternError`). Adding a pair twice is a no-op. */
  add(pattern: string, value: T): void {
    const { segments } = compilePattern(pattern)
    let current = this.#root
    const last = segments.length - 1
    for (let i = 0; i < last; i++) current = child(current, segments[i]!)
    const tail = segments[last]!
    const bucket = tail === '**' ? current.rest : child(current, tail).exact
    if (bucket.has(value)) return
    bucket.set(value, this.#sequence++)
    this.#size++
  }

  /** Removes `value` from under `pattern`; false when it was not there. */
  remove(pattern: string, value: T): boolean {
    const { segments } = compilePattern(pattern)
    const path: TrieNode<T>[] = [this.#root]
    const last = segments.length - 1
    for (let i = 0; i < last; i++) {
      const next = path[i]!.children.get(segments[i]!)
      if (next === undefined) return false
      path.push(next)
    }
    const tail = segments[last]!
    const owner = tail === '**' ? path[last]! : path[last]!.children.get(tail)
    if (owner === undefined) return false
    if (tail !== '**') path.push(owner)
    if (!(tail === '**' ? owner.rest : owner.exact).delete(value)) return false
    this.#size--
    prune(path, segments)
    return true
  }

  /** Every value whose pattern matches `type`, each once, in the order they were added. */
  match(type: string): T[] {
    const found = new Map<T, number>()
    collect(this.#root, type.split('.'), 0, found)
    if (found.size < 2) return [...found.keys()]
    return [...found].sort((a, b) => a[1] - b[1]).map(([value]) => value)
  }
}

function child<T>(parent: TrieNode<T>, segment: string): TrieNode<T> {
  let next = parent.children.get(segment)
  if (next === undefined) {
    next = node()
    parent.children.set(segment, next)
  }
  return next
}

function collect<T>(at: TrieNode<T>, segments: string[], i: number, found: Map<T, number>): void {
  if (i === segments.length) {
    for (const [value, seq] of at.exact) found.set(value, seq)
    return
  }
  for (const [value, seq] of at.rest) found.set(value, seq)
  const literal = at.children.get(segments[i]!)
  if (literal !== undefined) collect(literal, segments, i + 1, found)
  const star = at.children.get('*')
  if (star !== undefined) collect(star, segments, i + 1, found)
}

/** Drops nodes left empty by a removal, deepest first, so the trie does not keep dead branches. */
function prune<T>(path: TrieNode<T>[], segments: readonly string[]): void {
  for (let i = path.length - 1; i > 0; i--) {
    const current = path[i]!
    if (current.children.size > 0 || current.exact.size > 0 || current.rest.size > 0) return
    path[i - 1]!.children.delete(segments[i - 1]!)
  }
}
