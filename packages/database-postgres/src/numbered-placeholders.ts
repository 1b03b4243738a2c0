/**
 * Turns the portable `?` placeholders into PostgreSQL's `$1`, `$2`, … in order, leaving alone every `?` inside a
 * quoted string ('…', E'…'), a quoted identifier ("…"), a dollar-quoted body ($$…$$, $tag$…$tag$) or a comment
 * (-- … and nested /* … *​/). PostgreSQL's own jsonb `?`, `?|` and `?&` operators are therefore placeholders too:
 * use `jsonb_exists`, `jsonb_exists_any` and `jsonb_exists_all` instead.
 *
 * @example
 * ```ts
 * numberedPlaceholders("SELECT 'why?' AS q FROM items WHERE id = ? AND name = ?")
 * // "SELECT 'why?' AS q FROM items WHERE id = $1 AND name = $2"
 * ```
 */
export function numberedPlaceholders(sql: string): string {
  if (!sql.includes('?')) return sql
  let out = ''
  let next = 1
  let i = 0
  while (i < sql.length) {
    const end = skipQuoted(sql, i)
    if (end > i) {
      out += sql.slice(i, end)
      i = end
    } else if (sql[i] === '?') {
      out += `$${next++}`
      i += 1
    } else {
      out += sql[i]
      i += 1
    }
  }
  return out
}

const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/

// The end of the quoted string, identifier, dollar body or comment starting at `i`; `i` itself when none starts there.
function skipQuoted(sql: string, i: number): number {
  const char = sql[i]
  const nextChar = sql[i + 1]
  if (char === "'") return skipString(sql, i + 1, /[eE]/.test(sql[i - 1] ?? '') && !isWordChar(sql[i - 2]))
  if (char === '"') return endAfter(sql, i + 1, '"')
  if (char === '-' && nextChar === '-') return endAfter(sql, i + 2, '\n')
  if (char === '/' && nextChar === '*') return skipBlockComment(sql, i + 2)
  if (char === '$' && !isWordChar(sql[i - 1])) {
    const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0]
    if (tag !== undefined) return endAfter(sql, i + tag.length, tag)
  }
  return i
}

// A '…' string: '' is a quote inside it; with `backslashes` (E'…'), \' too.
function skipString(sql: string, i: number, backslashes: boolean): number {
  while (i < sql.length) {
    if (backslashes && sql[i] === '\\') i += 2
    else if (sql[i] === "'" && sql[i + 1] === "'") i += 2
    else if (sql[i] === "'") return i + 1
    else i += 1
  }
  return sql.length
}

function skipBlockComment(sql: string, i: number): number {
  let depth = 1
  while (i < sql.length && depth > 0) {
    if (sql.startsWith('/*', i)) {
      depth += 1
      i += 2
    } else if (sql.startsWith('*/', i)) {
      depth -= 1
      i += 2
    } else i += 1
  }
  return i
}

function endAfter(sql: string, from: number, terminator: string): number {
  const at = sql.indexOf(terminator, from)
  return at === -1 ? sql.length : at + terminator.length
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_]/.test(char)
}
