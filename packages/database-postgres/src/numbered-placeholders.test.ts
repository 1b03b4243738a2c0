import { describe, expect, it } from 'vitest'
import { numberedPlaceholders } from './numbered-placeholders.js'

describe('numberedPlaceholders', () => {
  it('numbers the ? placeholders in order', () => {
    expect(numberedPlaceholders('INSERT INTO items (a, b) VALUES (?, ?), (?, ?)')).toBe(
      'INSERT INTO items (a, b) VALUES ($1, $2), ($3, $4)',
    )
    expect(numberedPlaceholders('SELECT 1')).toBe('SELECT 1')
  })

  it('leaves a ? in strings, identifiers, dollar bodies and comments alone', () => {
    const sql = [
      "SELECT 'it''s ?' AS a, E'\\'?' AS b, \"odd?name\" AS c, $$?$$ AS d, $fn$ ? $fn$ AS e,",
      '? AS f -- why?',
      '/* outer /* inner ? */ still ? */ FROM t WHERE x = ?',
    ].join('\n')
    expect(numberedPlaceholders(sql)).toBe(
      [
        "SELECT 'it''s ?' AS a, E'\\'?' AS b, \"odd?name\" AS c, $$?$$ AS d, $fn$ ? $fn$ AS e,",
        '$1 AS f -- why?',
        '/* outer /* inner ? */ still ? */ FROM t WHERE x = $2',
      ].join('\n'),
    )
  })

  it('does not take a word ending in e before a string for an E string', () => {
    expect(numberedPlaceholders("SELECT ? FROM type WHERE name = 'x\\' AND e = ?")).toBe(
      "SELECT $1 FROM type WHERE name = 'x\\' AND e = $2",
    )
  })
})
