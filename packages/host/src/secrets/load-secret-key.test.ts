import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '@switchyard/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSecretKey } from './load-secret-key.js'
import { parseSecretKey } from './secret-key.js'

/** A logger keeping each line's message and fields. */
function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = []
  const at =
    (level: string) =>
    (first: object | string, msg?: string): void => {
      lines.push(
        typeof first === 'string'
          ? { level, fields: {}, msg: first }
          : { level, fields: first as Record<string, unknown>, msg: msg ?? '' },
      )
    }
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  }
  return { logger, lines }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-key-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('loadSecretKey', () => {
  it('generates the key file (mode 0600) on first start, reports it once by path and id, then reads it back', async () => {
    const keyFile = join(dir, 'data', 'secret.key')
    const { logger, lines } = recordingLogger()
    const first = await loadSecretKey({ env: {}, keyFile, logger })
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    expect(lines).toHaveLength(1)
    expect(lines[0]?.fields).toEqual({ keyFile, keyId: first.id })
    // The key itself never reaches the log.
    expect(JSON.stringify(lines)).not.toContain(first.bytes.toString('base64'))

    const again = await loadSecretKey({ env: {}, keyFile, logger })
    expect(again.bytes.equals(first.bytes)).toBe(true)
    expect(lines).toHaveLength(1)
  })

  it('prefers SWITCHYARD_SECRET_KEY over the key file', async () => {
    const keyFile = join(dir, 'env-wins.key')
    const text = randomBytes(32).toString('base64')
    const key = await loadSecretKey({
      env: { SWITCHYARD_SECRET_KEY: text },
      keyFile,
      logger: recordingLogger().logger,
    })
    expect(key.bytes.toString('base64')).toBe(text)
    await expect(stat(keyFile)).rejects.toThrow(/ENOENT/)
  })

  it('refuses a key file that does not hold 32 bytes, naming the file, and warns about one others can read', async () => {
    const short = join(dir, 'short.key')
    await writeFile(short, randomBytes(31).toString('base64'), { mode: 0o600 })
    await expect(
      loadSecretKey({ env: {}, keyFile: short, logger: recordingLogger().logger }),
    ).rejects.toMatchObject({
      code: 'E_SECRET_KEY',
      message: expect.stringContaining(`secret key file ${short}: expected the base64 of 32 random bytes`),
    })
    const open = join(dir, 'open.key')
    await writeFile(open, randomBytes(32).toString('base64'))
    await chmod(open, 0o644)
    const { logger, lines } = recordingLogger()
    await loadSecretKey({ env: {}, keyFile: open, logger })
    expect(lines.map((line) => line.msg)).toEqual([expect.stringContaining('chmod 600')])
  })

  it('makes a key for this process alone without a variable or a file, one per owner (the Store)', async () => {
    const { logger } = recordingLogger()
    const a = await loadSecretKey({ env: {}, logger })
    const b = await loadSecretKey({ env: {}, logger })
    expect(a.bytes).toHaveLength(32)
    expect(a.id).not.toBe(b.id)
    const store = {}
    const first = await loadSecretKey({ env: {}, owner: store, logger })
    expect((await loadSecretKey({ env: {}, owner: store, logger })).id).toBe(first.id)
    expect((await loadSecretKey({ env: {}, owner: {}, logger })).id).not.toBe(first.id)
  })
})

describe('parseSecretKey', () => {
  it.each([
    ['', 'not base64'],
    ['%%%%', 'not base64'],
    ['abc', 'not base64'],
    [randomBytes(33).toString('base64'), 'got 33 bytes'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(() => parseSecretKey(text, 'SWITCHYARD_SECRET_KEY')).toThrow(reason)
  })

  it('accepts the base64 of 32 bytes with a trailing newline, as a file written by openssl holds it', async () => {
    const text = `${randomBytes(32).toString('base64')}\n`
    expect(parseSecretKey(text, 'x').bytes.toString('base64')).toBe(text.trim())
    expect(await readFile(join(dir, 'data', 'secret.key'), 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/)
  })
})
