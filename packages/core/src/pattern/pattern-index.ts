import { compilePattern } from './pattern.js'

/** The values added under one pattern, each with its insertion sequence (results come in insertion order). */
type Bucket<T> = Map<T, number>

/** The value of a pattern without a wildcard that has one value (most have): two objects fewer than a `Bucket`. */
class Single<T> {
  constructor(
    readonly value: T,
    readonly seq: number,
  ) {}
}

/** A trie node; its maps are made when first needed, as most nodes use one of them or none. */
interface TrieNode<T> {
  children: Map<string, TrieNode<T>> | undefined
  /** Values whose pattern ends exactly at this node. */
  exact: Bucket<T> | undefined
  /** Values whose pattern ends with `**` at this node: one or more further segments. */
  rest: Bucket<T> | undefined
}

const node = <T>(): TrieNode<T> => ({ children: undefined, exact: undefined, rest: undefined })

/**
 * Values keyed by subscription pattern, matched against event types: patterns without a wildcard by the one type
 * they match, the others through a trie of segments. The cost of `match` grows with the depth of the type, not
 * with the number of patterns, and a pattern without a wildcard keeps one map entry and one small object, no
 * trie node (an index of 100,000 exact subscriptions is mostly heap the GC marks). Results come in insertion
 * order.
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
  #literal = new Map<string, Single<T> | Bucket<T>>()
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
    const bucket = isLiteral(pattern) ? this.#literalBucket(pattern, value) : trieBucket(this.#root, segments)
    if (bucket === undefined || bucket.has(value)) return
    bucket.set(value, this.#sequence++)
    this.#size++
  }

  /** Removes `value` from under `pattern`; false when it was not there. */
  remove(pattern: string, value: T): boolean {
    const { segments } = compilePattern(pattern)
    if (
      isLiteral(pattern) ? !this.#removeLiteral(pattern, value) : !removeFromTrie(this.#root, segments, value)
    )
      return false
    this.#size--
    return true
  }

  /** Every value whose pattern matches `type`, each once, in the order they were added. */
  match(type: string): T[] {
    const found = new Map<T, number>()
    const literal = this.#literal.get(type)
    if (literal instanceof Single) found.set(literal.value, literal.seq)
    else if (literal !== undefined) for (const [value, seq] of literal) found.set(value, seq)
    collect(this.#root, type.split('.'), 0, found)
    if (found.size < 2) return [...found.keys()]
    return [...found].sort((a, b) => a[1] - b[1]).map(([value]) => value)
  }

  /** The bucket to add `value` to under a pattern without a wildcard; undefined when it was added here already. */
  #literalBucket(pattern: string, value: T): Bucket<T> | undefined {
    const held = this.#literal.get(pattern)
    if (held === undefined) {
      this.#literal.set(pattern, new Single(value, this.#sequence++))
      this.#size++
      return undefined
    }
    if (!(held instanceof Single)) return held
    if (held.value === value) return undefined
    const bucket: Bucket<T> = new Map([[held.value, held.seq]])
    this.#literal.set(pattern, bucket)
    return bucket
  }

  #removeLiteral(pattern: string, value: T): boolean {
    const held = this.#literal.get(pattern)
    if (held instanceof Single ? held.value !== value : !held?.delete(value)) return false
    if (held instanceof Single || held?.size === 0) this.#literal.delete(pattern)
    return true
  }
}

/** A checked pattern without `*` or `**`: it matches one type, itself. */
function isLiteral(pattern: string): boolean {
  return !pattern.includes('*')
}

/** The bucket of a wildcard pattern's last segment, made with the nodes on its way when missing. */
function trieBucket<T>(root: TrieNode<T>, segments: readonly string[]): Bucket<T> {
  let current = root
  const last = segments.length - 1
  for (let i = 0; i < last; i++) current = child(current, segments[i]!)
  if (segments[last] === '**') {
    current.rest ??= new Map()
    return current.rest
  }
  const end = child(current, segments[last]!)
  end.exact ??= new Map()
  return end.exact
}

/** Removes `value` from under a wildcard pattern and prunes what that left empty; false when it was not there. */
function removeFromTrie<T>(root: TrieNode<T>, segments: readonly string[], value: T): boolean {
  const path: TrieNode<T>[] = [root]
  const last = segments.length - 1
  for (let i = 0; i < last; i++) {
    const next = path[i]!.children?.get(segments[i]!)
    if (next === undefined) return false
    path.push(next)
  }
  const tail = segments[last]!
  const owner = tail === '**' ? path[last]! : path[last]!.children?.get(tail)
  if (owner === undefined) return false
  if (tail !== '**') path.push(owner)
  const bucket = tail === '**' ? owner.rest : owner.exact
  if (bucket === undefined || !bucket.delete(value)) return false
  if (bucket.size === 0) {
    if (tail === '**') owner.rest = undefined
    else owner.exact = undefined
  }
  prune(path, segments)
  return true
}

function child<T>(parent: TrieNode<T>, segment: string): TrieNode<T> {
  parent.children ??= new Map()
  let next = parent.children.get(segment)
  if (next === undefined) {
    next = node()
    parent.children.set(segment, next)
  }
  return next
}

function collect<T>(at: TrieNode<T>, segments: string[], i: number, found: Map<T, number>): void {
  if (i === segments.length) {
    if (at.exact !== undefined) for (const [value, seq] of at.exact) found.set(value, seq)
    return
  }
  if (at.rest !== undefined) for (const [value, seq] of at.rest) found.set(value, seq)
  if (at.children === undefined) return
  const literal = at.children.get(segments[i]!)
  if (literal !== undefined) collect(literal, segments, i + 1, found)
  const star = at.children.get('*')
  if (star !== undefined) collect(star, segments, i + 1, found)
}

/** Drops nodes left empty by a removal, deepest first, so the trie does not keep dead branches. */
function prune<T>(path: TrieNode<T>[], segments: readonly string[]): void {
  for (let i = path.length - 1; i > 0; i--) {
    const current = path[i]!
    if (current.children !== undefined || current.exact !== undefined || current.rest !== undefined) return
    const parent = path[i - 1]!
    parent.children!.delete(segments[i - 1]!)
    if (parent.children!.size === 0) parent.children = undefined
  }
}
