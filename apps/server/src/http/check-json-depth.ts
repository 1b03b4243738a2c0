import { JsonDepthLimitError } from '@switchyard/core'

const OPEN_OBJECT = 0x7b // {
const OPEN_ARRAY = 0x5b // [
const CLOSE_OBJECT = 0x7d // }
const CLOSE_ARRAY = 0x5d // ]
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \

/**
 * Refuses JSON text nested deeper than `maxDepth` before it is parsed, with `JsonDepthLimitError`
 * (`E_LIMIT_JSON_DEPTH`, 400): one pass over the characters counting brackets outside strings, with no
 * recursion and nothing allocated, so a body nested 100,000 deep costs a scan rather than a parser building
 * 100,000 objects for a later check to overflow the stack on. `{}` is 1 deep, `{"a":[]}` 2. Text that is not
 * JSON passes (the parser says why). `offset` levels are not counted in the message: an event envelope's own
 * level, when `maxDepth` is the limit of its data plus one.
 *
 * @example
 * ```ts
 * checkJsonDepth('[[[1]]]', 2, 'body') // throws E_LIMIT_JSON_DEPTH
 * ```
 */
export function checkJsonDepth(text: string, maxDepth: number, field: string, offset = 0): void {
  // Fast path: text with no more opening brackets than the limit (strings' ones included) cannot be deeper.
  // indexOf runs in native code, so a typical body is done in a few searches instead of a loop over each character.
  if (countUpTo(text, '{', maxDepth + 1) + countUpTo(text, '[', maxDepth + 1) <= maxDepth) return
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (inString) {
      if (char === BACKSLASH) i++
      else if (char === QUOTE) inString = false
    } else if (char === QUOTE) {
      inString = true
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      if (++depth > maxDepth) throw new JsonDepthLimitError(field, maxDepth - offset, depth - offset)
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      depth--
    }
  }
}

function countUpTo(text: string, char: string, most: number): number {
  let count = 0
  for (let i = text.indexOf(char); i !== -1 && count < most; i = text.indexOf(char, i + 1)) count++
  return count
}
