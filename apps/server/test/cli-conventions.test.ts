import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { spawnCli } from './support/cli-process.js'
import { runCli } from './support/run-cli.js'
import { startTestServer, type TestServer, TOKENS, testConfig } from './support/test-server.js'

const exec = promisify(execFile)
// Each CLI run is a node process: seconds apiece on a loaded machine.
vi.setConfig({ testTimeout: 60_000 })
const MANIFEST_FIXTURES = fileURLToPath(new URL('fixtures/manifest', import.meta.url))
const version = (await import('../package.json', { with: { type: 'json' } })).default.version

let t: TestServer
let env: Record<string, string>
let dir: string

beforeAll(async () => {
  t = await startTestServer(
    testConfig({ plugins: { recorder: { isolation: 'worker' }, flaky: {}, greeter: {} } }),
  )
  env = { SWITCHYARD_TOKEN: TOKENS.admin, SWITCHYARD_URL: t.url, NO_COLOR: '1', FORCE_COLOR: '0' }
  dir = await mkdtemp(join(tmpdir(), 'switchyard-cli-'))
})
afterAll(async () => {
  await t.close()
  await rm(dir, { recursive: true, force: true })
})

describe('switchyard CLI output', () => {
  it('prints its version', async () => {
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` })
  })

  it('prints listings as tables by default and as JSON with --json', async () => {
    const table = await runCli(['plugins', 'list'], env)
    expect(table.code, table.stderr).toBe(0)
    const [header, ...rows] = table.stdout.trim().split('\n')
    expect(header).toMatch(/^NAME\s+VERSION\s+STATE\s+MODE\s+HANDLERS\s+SOURCE/)
    expect(rows.find((row) => row.startsWith('greeter'))).toMatch(
      /^greeter\s+1\.0\.0\s+started\s+none\s+\d+\s+directory/,
    )
    expect(rows.find((row) => row.startsWith('recorder'))).toMatch(
      /^recorder\s+1\.0\.0\s+started\s+worker\s+1\s/,
    )
    // Columns line up: every row has its STATE where the header has it.
    const at = header!.indexOf('STATE')
    for (const row of rows) expect(row.slice(at)).toMatch(/^(started|failed|disabled)/)

    const json = await runCli(['plugins', 'list', '--json'], env)
    expect(JSON.parse(json.stdout).plugins.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['recorder', 'flaky', 'greeter']),
    )

    const id = (await runCli(['emit', 'order.created', '--data', '{"n":1}'], env)).stdout.trim()
    const deliveries = await runCli(['events', 'deliveries', id], env)
    expect(deliveries.stdout).toMatch(/^HANDLER\s+STATUS\s+ATTEMPTS\s+DURATION/)
    expect(deliveries.stdout).toMatch(/recorder\s+(succeeded|pending|running)\s+\d\s+\d+\.\d ms/)
    const ledger = JSON.parse((await runCli(['events', 'deliveries', id, '--json'], env)).stdout)
    expect(ledger).toMatchObject({
      eventId: id,
      deliveries: [expect.objectContaining({ handler: 'recorder' })],
    })

    const dlq = await runCli(['dlq', 'list'], env)
    expect(dlq.stdout).toMatch(/^ID\s+HANDLER\s+EVENT TYPE|^\(none\)/)
  })

  it('explains which handlers an event reaches', async () => {
    const run = await runCli(['explain', 'greeting.hello', '--data', '{"vip":false}'], env)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^HANDLER\s+PLUGIN\s+PATTERN\s+REACHED\s+WHY/)
    expect(run.stdout).toMatch(/greeter_vip\s+greeter\s+greeting\.\*\s+no\s/)
    expect(run.stdout).toMatch(/recorder\s+recorder\s+\*\*\s+yes\s/)
  })

  it('tails events and delivery outcomes, one line each, colored only when asked', async () => {
    const tail = spawnCli(['events', 'tail', 'tail.**'], env)
    const colored = spawnCli(['events', 'tail', 'tail.**'], { ...env, NO_COLOR: '', FORCE_COLOR: '1' })
    try {
      // The stream opens in the background: publish until both tails saw one.
      for (let i = 0; !/tail\.seen/.test(tail.stdout()) || !/tail\.seen/.test(colored.stdout()); i++) {
        if (i > 100) throw new Error(`nothing tailed:\n${tail.stdout()}`)
        await runCli(['emit', 'tail.seen', '--data', '{"n":1}'], env)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      await tail.waitFor(/-> recorder succeeded \(1 attempt, \d+\.\d ms\)/)
      await runCli(['emit', 'other.ignored'], env)
      await runCli(['emit', 'tail.last'], env)
      await tail.waitFor(/tail\.last/)
      const lines = tail.stdout().trim().split('\n')
      expect(lines.find((l) => l.includes('tail.seen'))).toMatch(/^\S+ tail\.seen \S+ \{"n":1\}$/)
      expect(tail.stdout()).not.toContain('other.ignored')
      expect(tail.stdout()).not.toContain('\x1b[')
      // Green: ESC [32m.
      await colored.waitFor(new RegExp(`${String.fromCharCode(27)}\\[32msucceeded`))
    } finally {
      await tail.stop()
      await colored.stop()
    }
  }, 60_000)
})

describe('switchyard client commands find the server', () => {
  it('uses $PORT through the config when SWITCHYARD_URL is not set (the README start)', async () => {
    const app = join(dir, 'app')
    await mkdir(join(app, 'config'), { recursive: true })
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax
    const yaml = 'server: { host: 0.0.0.0, port: ${PORT:-8080} }\n'
    await writeFile(join(app, 'config/switchyard.yaml'), yaml)
    const port = new URL(t.url).port
    const run = await runCli(
      ['emit', 'order.created'],
      { SWITCHYARD_TOKEN: TOKENS.admin, SWITCHYARD_URL: '', PORT: port },
      app,
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/)
    // Without a config file: 127.0.0.1:$PORT.
    const bare = await runCli(
      ['plugins', 'list'],
      { SWITCHYARD_TOKEN: TOKENS.read, SWITCHYARD_URL: '', PORT: port },
      dir,
    )
    expect(bare.code, bare.stderr).toBe(0)
  })

  it('names the fix in its one-line errors', async () => {
    const unreachable = await runCli(['plugins', 'list', '--url', 'http://127.0.0.1:1'])
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toMatch(
      /^switchyard: E_UNREACHABLE: cannot reach the server at http:\/\/127\.0\.0\.1:1 .*; fix: start the server/,
    )
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1)
    const unknown = await runCli(['plugins', 'list'], { SWITCHYARD_URL: t.url, SWITCHYARD_TOKEN: 'nope' })
    expect(unknown.stderr).toMatch(/^switchyard: E_UNAUTHORIZED: .*; fix: set \$SWITCHYARD_TOKEN/)
  })
})

describe('switchyard config validate', () => {
  it('accepts a valid file and reports each problem with file:line:column (exit 1)', async () => {
    const good = join(dir, 'good.yaml')
    await writeFile(good, 'server: { port: 9000 }\nstorage: { driver: memory }\n')
    const ok = await runCli(['config', 'validate', good])
    expect(ok).toMatchObject({ code: 0 })
    expect(ok.stdout).toContain(`${good}: valid`)

    const bad = join(dir, 'bad.yaml')
    await writeFile(bad, 'server:\n  port: eighty\nstorage: { driver: floppy }\n')
    const run = await runCli(['config', 'validate', bad])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${bad}:2:9: server.port:`)
    expect(run.stderr).toMatch(new RegExp(`${bad}:3:\\d+: storage`))
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^switchyard: E_CONFIG: .* has 2 problems/)

    expect((await runCli(['config', 'validate', join(dir, 'missing.yaml')])).code).toBe(2)
  })

  it("checks each plugin's config against the plugin's own schema, naming file:line (exit 1)", async () => {
    const file = join(dir, 'plugins.yaml')
    const lines = [
      `plugin_directories: [${MANIFEST_FIXTURES}]`,
      'storage: { driver: memory }',
      'plugins:',
      '  documented:',
      '    config:',
      '      channel: pigeon',
      '      retries: three',
      '  documentd: { enabled: true }',
    ]
    await writeFile(file, `${lines.join('\n')}\n`)
    const run = await runCli(['config', 'validate', file])
    expect(run.code, run.stderr).toBe(1)
    const stderr = run.stderr.trim().split('\n')
    expect(stderr).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${file}:6:16: plugins\\.documented\\.config\\.channel: .*"log".*"email"`),
      ),
    )
    expect(stderr).toContainEqual(
      expect.stringMatching(new RegExp(`^${file}:7:16: plugins\\.documented\\.config\\.retries: `)),
    )
    // A section naming no plugin found: a warning with its line, not a problem.
    expect(stderr).toContainEqual(
      expect.stringMatching(
        new RegExp(`^warning: ${file}:8:\\d+: plugins\\.documentd: no plugin "documentd"`),
      ),
    )
    expect(stderr.at(-1)).toMatch(/^switchyard: E_CONFIG: .* has 2 problems/)

    await writeFile(file, `${lines.slice(0, 5).join('\n')}\n      channel: email\n`)
    const ok = await runCli(['config', 'validate', file])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('1 plugin config checked against their schemas')
  })

  it('checks the marketplace section too', async () => {
    const file = join(dir, 'market.yaml')
    await writeFile(file, 'storage: { driver: memory }\nmarketplace:\n  enabled: maybe\n')
    const run = await runCli(['config', 'validate', file])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(new RegExp(`^${file}:3:\\d+: marketplace\\.enabled: `, 'm'))
  })
})

describe('switchyard completion', () => {
  it('completes commands, sub-commands and options in bash', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout
    const complete = async (words: string[]) => {
      const line = words.map((w) => `'${w}'`).join(' ')
      const { stdout } = await exec('bash', [
        '-c',
        `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _switchyard; echo "\${COMPREPLY[*]}"`,
      ])
      return stdout.trim().split(' ')
    }
    expect(await complete(['switchyard', 'pl'])).toEqual(['plugins'])
    expect(await complete(['switchyard', 'plugins', ''])).toEqual(
      expect.arrayContaining(['list', 'enable', 'install']),
    )
    expect(await complete(['switchyard', 'plugins', 'enable', 'greeter', '--j'])).toEqual(['--json'])
    expect(await complete(['switchyard', 'events', 'tail', '--no'])).toEqual(['--no-outcomes'])
  })

  it('writes zsh and fish scripts covering every command', async () => {
    const zsh = (await runCli(['completion', 'zsh'])).stdout
    expect(zsh).toMatch(/^#compdef switchyard/)
    expect(zsh).toContain("'dlq') echo 'list replay --help'")
    const fish = (await runCli(['completion', 'fish'])).stdout
    expect(fish).toContain("complete -c switchyard -n '__fish_use_subcommand' -a 'plugins'")
    expect(fish).toContain("-n '__fish_seen_subcommand_from emit' -l url")
  })
})
