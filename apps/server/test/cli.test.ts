import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from './support/run-cli.js'
import { startTestServer, type TestServer, TOKENS, testConfig, waitFor } from './support/test-server.js'

// Each CLI run is a node process: seconds apiece on a loaded machine.
vi.setConfig({ testTimeout: 60_000 })

let t: TestServer
let env: Record<string, string>

beforeAll(async () => {
  t = await startTestServer(testConfig({ plugins: { recorder: {}, flaky: {}, greeter: {} } }))
  env = { SWITCHYARD_TOKEN: TOKENS.admin, SWITCHYARD_URL: t.url }
})
afterAll(() => t.close())

describe('switchyard CLI against a running server', () => {
  it('emits an event and prints its id', async () => {
    const run = await runCli(['emit', 'order.created', '--data', '{"n":1}'], env)
    expect(run).toMatchObject({ code: 0, stderr: '' })
    const id = run.stdout.trim()
    const res = await waitFor(async () => {
      const r = await t.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })
      return r.status === 200 ? r : undefined
    })
    expect(res.status).toBe(200)
  })

  it('lists plugins, disables and enables one, reloads one', async () => {
    const list = await runCli(['plugins', 'list', '--json', '--url', t.url], {
      SWITCHYARD_TOKEN: TOKENS.read,
    })
    expect(list.code).toBe(0)
    expect((JSON.parse(list.stdout) as { plugins: { name: string }[] }).plugins.map((p) => p.name)).toContain(
      'greeter',
    )
    expect((await runCli(['plugins', 'disable', 'greeter'], env)).code).toBe(0)
    expect((await t.request('/plugins/greeter/hello', { as: 'read' })).status).toBe(404)
    expect((await runCli(['plugins', 'enable', 'greeter'], env)).code).toBe(0)
    expect((await t.request('/plugins/greeter/hello', { as: 'read' })).status).toBe(200)
    expect((await runCli(['plugins', 'reload', 'recorder'], env)).code).toBe(0)
  })

  it('lists and replays dead letters', async () => {
    await runCli(['emit', 'flaky.cli'], env)
    const deadLetter = await waitFor(async () => {
      const run = await runCli(['dlq', 'list', '--json', '--handler', 'flaky_handler', '--limit', '10'], env)
      const { deadLetters } = JSON.parse(run.stdout) as { deadLetters: { id: string }[] }
      return deadLetters[0]
    })
    await t.request('/plugins/flaky/heal', { as: 'publish', method: 'POST' })
    const replay = await runCli(['dlq', 'replay', deadLetter.id, '--json'], env)
    expect(replay.code).toBe(0)
    expect(JSON.parse(replay.stdout)).toMatchObject({ status: 'succeeded' })
  })

  it('exits 1 with the server error code when the server refuses', async () => {
    const run = await runCli(['plugins', 'enable', 'greeter'], {
      SWITCHYARD_TOKEN: TOKENS.read,
      SWITCHYARD_URL: t.url,
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('E_FORBIDDEN')
    const unknown = await runCli(['plugins', 'disable', 'nope'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('E_NOT_FOUND')
  })

  it('exits 1 with a clear message when no server answers', async () => {
    const run = await runCli(['plugins', 'list', '--url', 'http://127.0.0.1:1'], {})
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('cannot reach the server')
  })
})

describe('switchyard CLI arguments', () => {
  it('prints help for every command and sub-command with exit 0', async () => {
    for (const args of [
      ['--help'],
      ['start', '--help'],
      ['emit', '--help'],
      ['plugins', '--help'],
      ['plugins', 'install', '--help'],
      ['dlq', 'list', '-h'],
      ['events', 'tail', '--help'],
      ['config', 'validate', '--help'],
      ['create-plugin', '--help'],
      ['completion', '--help'],
    ]) {
      const run = await runCli(args)
      expect(run.code, args.join(' ')).toBe(0)
      expect(run.stdout, args.join(' ')).toContain('Usage: switchyard')
    }
  }, 30_000)

  it('exits 2 with a clear message on bad arguments', async () => {
    const cases: [string[], string][] = [
      [[], 'E_USAGE: missing command; fix: run "switchyard --help"'],
      [['frobnicate'], "unknown command 'frobnicate'"],
      [['emit'], "missing required argument 'type'"],
      [['emit', 'a.b', '--data', '{nope'], '--data must be JSON'],
      [
        ['emit', 'a.b', '--colour', 'red'],
        `unknown option '--colour'; fix: run "switchyard emit --help" for usage`,
      ],
      [['plugins'], 'missing sub-command; fix: run "switchyard plugins --help"'],
      [['plugins', 'explode'], "unknown command 'explode'"],
      [['plugins', 'enable'], "missing required argument 'name'"],
      [['plugins', 'install'], 'give either NAME or --download-url URL'],
      [['dlq', 'list', '--limit', 'lots'], 'must be an integer from 1 to 1000, got "lots"'],
      [['start', '--port', 'eighty'], 'must be an integer from 0 to 65535'],
      [['create-plugin', 'Bad_Name'], 'expected kebab-case'],
      [['completion', 'powershell'], "'powershell' is invalid for argument 'shell'"],
    ]
    const runs = await Promise.all(cases.map(([args]) => runCli(args)))
    runs.forEach((run, i) => {
      const [args, message] = cases[i]!
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toContain(message)
      // One line: the code, what was wrong and the fix (help text may come before it).
      expect(run.stderr.trim().split('\n').at(-1), args.join(' ')).toMatch(/^switchyard: E_USAGE: .*; fix: /)
    })
  }, 30_000)
})
