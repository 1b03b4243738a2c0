import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readNpmrcToken } from './npmrc-token.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-npmrc-'))
  await writeFile(
    join(dir, 'project'),
    [
      'registry=https://npm.example.com/',
      '//npm.example.com/:_authToken=short',
      `//npm.example.com/team/:_authToken=${'$'}{TEAM_TOKEN}`,
    ].join('\n'),
  )
  await writeFile(
    join(dir, 'user'),
    '//127.0.0.1:4873/:_authToken=local\n//npm.example.com/:_authToken=user-level\n',
  )
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('readNpmrcToken', () => {
  it('takes the longest matching prefix, the first file on ties, and expands environment variables', async () => {
    const files = [join(dir, 'project'), join(dir, 'user'), join(dir, 'missing')]
    expect(await readNpmrcToken('https://npm.example.com/', files)).toBe('short')
    expect(await readNpmrcToken('https://npm.example.com/team/', files, { TEAM_TOKEN: 'team-secret' })).toBe(
      'team-secret',
    )
    expect(await readNpmrcToken('http://127.0.0.1:4873', files)).toBe('local')
    expect(await readNpmrcToken('https://other.example.com/', files)).toBeUndefined()
  })
})
