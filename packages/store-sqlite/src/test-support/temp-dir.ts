import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'

/**
 * A fresh temporary directory per test, removed after it; call at the top of a `describe`.
 *
 * @example
 * ```ts
 * const temp = useTempDir()
 * it('opens', () => { new SqliteStore({ path: temp.file('a.db') }) })
 * ```
 */
export function useTempDir(): { file(name: string): string; readonly dir: string } {
  const created: string[] = []
  afterEach(() => {
    for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  let current: string | undefined
  const dir = (): string => {
    if (current === undefined || !created.includes(current)) {
      current = mkdtempSync(join(tmpdir(), 'switchyard-sqlite-'))
      created.push(current)
    }
    return current
  }
  return {
    file: (name) => join(dir(), name),
    get dir() {
      return dir()
    },
  }
}
