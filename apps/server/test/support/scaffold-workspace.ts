import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const exec = promisify(execFile)

/** The repository's packages a plugin is written against. */
export const REPO_PACKAGES = {
  '@switchyard/plugin-sdk': fileURLToPath(new URL('../../../../packages/plugin-sdk', import.meta.url)),
  '@switchyard/testing': fileURLToPath(new URL('../../../../packages/testing', import.meta.url)),
} as const

/**
 * Makes `root` a pnpm workspace (`packages/*`, `plugins/*`) whose `packages/` hold stand-ins of the SDK and
 * the test kit: same names and versions, their modules and types re-exported from this repository's built
 * packages. A plugin created in `plugins/` then depends on them with `workspace:^` as it would in the
 * Switchyard repository, and installing the workspace never writes into the repository.
 *
 * @example
 * ```ts
 * await makeWorkspace('/tmp/ws')
 * ```
 */
export async function makeWorkspace(root: string): Promise<void> {
  await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n  - plugins/*\n')
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'scaffold-ws', private: true }))
  for (const [name, source] of Object.entries(REPO_PACKAGES)) {
    const { version } = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as {
      version: string
    }
    const folder = join(root, 'packages', name.split('/')[1]!)
    await mkdir(folder, { recursive: true })
    const manifest = {
      name,
      version,
      type: 'module',
      exports: { '.': { types: './index.d.ts', default: './index.js' } },
    }
    await writeFile(join(folder, 'package.json'), JSON.stringify(manifest))
    const reexport = `export * from '${join(source, 'dist/index.js')}'\n`
    await writeFile(join(folder, 'index.js'), reexport)
    await writeFile(join(folder, 'index.d.ts'), reexport)
  }
}

/**
 * Runs pnpm (the one on PATH) in `cwd`; resolves to its stdout, rejects with its output on failure.
 *
 * @example
 * ```ts
 * await pnpm(['install'], '/tmp/ws')
 * ```
 */
export async function pnpm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await exec('pnpm', args, {
      cwd,
      env: { ...process.env, CI: 'true' },
      timeout: 240_000,
      maxBuffer: 16 << 20,
    })
    return stdout
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`pnpm ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`)
  }
}
