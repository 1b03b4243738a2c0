import { readFile, writeFile } from 'node:fs/promises'

const preamble = `# Benchmark results

Written by \`pnpm bench\` (see [README.md](README.md)). Each suite replaces its own section; sections of
suites that did not run keep their previous numbers, with the machine and date they were measured on.
`

const start = (suite: string) => `<!-- suite:${suite}:start -->`
const end = (suite: string) => `<!-- suite:${suite}:end -->`

/**
 * Puts `body` as the section of `suite` in a RESULTS.md document: in place of the old section when there is
 * one, appended otherwise. Everything outside that section is kept as it was.
 *
 * @example
 * ```ts
 * replaceSection(document, 'core', '## core\n...')
 * ```
 */
export function replaceSection(document: string, suite: string, body: string): string {
  const section = `${start(suite)}\n${body.trim()}\n${end(suite)}`
  const from = document.indexOf(start(suite))
  const to = document.indexOf(end(suite))
  if (from !== -1 && to > from) {
    return document.slice(0, from) + section + document.slice(to + end(suite).length)
  }
  const base = document.trim() === '' ? preamble : document
  return `${base.trimEnd()}\n\n${section}\n`
}

/**
 * Reads the results file (a missing file counts as empty), replaces the section of `suite` and writes it back.
 *
 * @example
 * ```ts
 * await writeSection('bench/RESULTS.md', 'core', markdown)
 * ```
 */
export async function writeSection(path: string, suite: string, body: string): Promise<void> {
  const document = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  await writeFile(path, replaceSection(document, suite, body))
}
