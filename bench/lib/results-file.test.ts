import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { replaceSection, writeSection } from './results-file.js'

describe('replaceSection', () => {
  it('starts a new document with the preamble and the section', () => {
    const document = replaceSection('', 'core', '## core\nnumbers')
    expect(document).toMatch(/^# Benchmark results/)
    expect(document).toContain('<!-- suite:core:start -->\n## core\nnumbers\n<!-- suite:core:end -->')
  })

  it('replaces only its own section and keeps the others in place', () => {
    let document = replaceSection('', 'core', 'core v1')
    document = replaceSection(document, 'http', 'http v1')
    document = replaceSection(document, 'core', 'core v2')
    expect(document).toContain('core v2')
    expect(document).not.toContain('core v1')
    expect(document.indexOf('core v2')).toBeLessThan(document.indexOf('http v1'))
  })
})

describe('writeSection', () => {
  it('creates the file when missing and keeps other sections on later writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-results-'))
    try {
      const path = join(dir, 'RESULTS.md')
      await writeSection(path, 'sqlite', 'sqlite numbers')
      await writeSection(path, 'core', 'core numbers')
      await writeFile(path, (await readFile(path, 'utf8')).replace('core numbers', 'core old'))
      await writeSection(path, 'core', 'core new')
      const text = await readFile(path, 'utf8')
      expect(text).toContain('sqlite numbers')
      expect(text).toContain('core new')
      expect(text).not.toContain('core old')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
