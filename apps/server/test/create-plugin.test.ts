import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'

const exec = promisify(execFile)
const serverDir = fileURLToPath(new URL('..', import.meta.url))
const repoRoot = join(serverDir, '../..')

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-create-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

// The registry is not reachable from tests: the generated package gets the workspace's packages linked in
// place of `npm install`.
async function linkDependencies(pkg: string): Promise<void> {
  const links: [string, string][] = [
    ['@switchyard/plugin-sdk', join(repoRoot, 'packages/plugin-sdk')],
    ['@switchyard/testing', join(repoRoot, 'packages/testing')],
    ['hono', join(serverDir, 'node_modules/hono')],
    ['valibot', join(serverDir, 'node_modules/valibot')],
    ['typescript', join(repoRoot, 'node_modules/typescript')],
    ['vitest', join(repoRoot, 'node_modules/vitest')],
    ['@types/node', join(repoRoot, 'node_modules/@types/node')],
  ]
  for (const [name, target] of links) {
    const link = join(pkg, 'node_modules', name)
    await mkdir(dirname(link), { recursive: true })
    await symlink(target, link, 'dir')
  }
}

describe('switchyard create-plugin', () => {
  it('writes a package that builds and whose test passes', async () => {
    const run = await runCli(['create-plugin', 'order-alerts', '--dir', dir])
    expect(run.code, run.stderr).toBe(0)
    const pkg = join(dir, 'order-alerts')
    const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest).toMatchObject({
      name: 'order-alerts',
      eventPlugin: { entry: './dist/index.js' },
      scripts: { build: expect.any(String) },
    })
    await linkDependencies(pkg)

    await exec(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: pkg },
    )
    const built = (await import(join(pkg, 'dist/index.js'))) as { default: { name: string } }
    expect(built.default.name).toBe('order-alerts')

    const test = await exec(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: pkg,
    })
    expect(test.stdout).toMatch(/1 passed/)
  }, 120_000)

  it('refuses to overwrite an existing folder (exit 2)', async () => {
    await mkdir(join(dir, 'taken'))
    const run = await runCli(['create-plugin', 'taken', '--dir', dir])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('already exists')
  })
})
