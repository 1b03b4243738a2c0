import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { isSemverRange, isSemverVersion } from './semver-syntax.js'

const versions = [
  '1.0.0',
  '0.1.0',
  '10.20.30',
  '1.0.0-beta.1',
  '1.0.0+build.5',
  '1.0.0-rc.1+sha.abc',
  'v2.0.0',
]
const notVersions = ['one', '1.0', '1', '01.0.0', '1.0.0-', '1.0.0 ', 'latest', '']
const ranges = [
  '^1.0.0',
  '~1.2',
  '>=1 <3',
  '1.x || >=2.5.0',
  '1.0.0 - 2.0.0',
  '*',
  '',
  'x',
  '>= 1.2.3',
  '1.2.3-beta.2',
]
const notRanges = ['not a range', '^', '>=>1', '1.0.0 -', 'latest', '1.2.3.4', '>=1.0.0 <']

describe('semver syntax', () => {
  it('accepts what the semver package accepts as versions, and refuses the rest', () => {
    for (const text of versions)
      expect([text, isSemverVersion(text)]).toEqual([text, semver.valid(text) !== null])
    for (const text of notVersions) expect([text, isSemverVersion(text)]).toEqual([text, false])
  })

  it('accepts what the semver package accepts as ranges, and refuses the rest', () => {
    for (const text of ranges) expect([text, isSemverRange(text)]).toEqual([text, true])
    for (const text of ranges) expect([text, semver.validRange(text) !== null]).toEqual([text, true])
    for (const text of notRanges) expect([text, isSemverRange(text)]).toEqual([text, false])
    for (const text of notRanges) expect([text, semver.validRange(text)]).toEqual([text, null])
  })
})
