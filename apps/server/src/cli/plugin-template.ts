/** Version ranges the generated package depends on. */
export interface TemplateVersions {
  sdk: string
  testing: string
  /** Hono's types, for `ctx.routes` (the server provides Hono itself at run time). */
  hono: string
  valibot: string
  typescript: string
  vitest: string
  nodeTypes: string
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

const packageJson = (name: string, versions: TemplateVersions): string =>
  json({
    name,
    version: '0.1.0',
    description: `${name}: a Switchyard plugin`,
    license: 'MIT',
    type: 'module',
    keywords: ['switchyard', 'switchyard-plugin'],
    eventPlugin: { entry: './dist/index.js' },
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'README.md'],
    engines: { node: '>=20' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      test: 'vitest run',
      // npm publish and pnpm publish build first, so the package never ships without dist/.
      prepublishOnly: 'npm run build',
    },
    publishConfig: { access: 'public' },
    dependencies: { '@switchyard/plugin-sdk': versions.sdk, valibot: versions.valibot },
    devDependencies: {
      '@switchyard/testing': versions.testing,
      '@types/node': versions.nodeTypes,
      hono: versions.hono,
      typescript: versions.typescript,
      vitest: versions.vitest,
    },
  })

const tsconfig = json({
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    declaration: true,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
})

const tsconfigBuild = json({ extends: './tsconfig.json', exclude: ['src/**/*.test.ts'] })

const indexTs = (
  name: string,
  handler: string,
): string => `import { definePlugin } from '@switchyard/plugin-sdk'
import * as v from 'valibot'

/**
 * ${name}: counts shipped orders (\`order.status_changed\` events whose status is \`shipped\`) in the Prometheus
 * counter \`orders_shipped_total\` and serves the count at GET /plugins/${name}/shipped.
 */
export default definePlugin({
  name: '${name}',
  version: '0.1.0',
  description: 'Counts shipped orders',
  permissions: ['events:subscribe', 'http:routes'],
  config: v.object({
    /** Shown with the count. */
    currency: v.optional(v.string(), 'EUR'),
  }),
  setup(ctx) {
    let shipped = 0
    const counter = ctx.metrics.counter('orders_shipped_total', 'Orders shipped')
    ctx.on<{ status?: string }>(
      'order.status_changed',
      (event) => {
        if (event.data.status !== 'shipped') return
        shipped += 1
        counter.inc()
      },
      { name: '${handler}', timeoutMs: 2000 },
    )
    ctx.routes.get('/shipped', (c) => c.json({ shipped, currency: ctx.config.currency }))
  },
})
`

const testTs = (
  name: string,
  handler: string,
): string => `import { createTestHost } from '@switchyard/testing'
import { describe, expect, it } from 'vitest'
import plugin from './index.js'

describe('${name}', () => {
  it('counts shipped orders and serves the count', async () => {
    const host = await createTestHost({ plugins: [plugin], config: { '${name}': { currency: 'USD' } } })
    try {
      const report = await host.publish('order.status_changed', { orderId: 'A1', status: 'shipped' })
      expect(report.outcomes).toEqual([expect.objectContaining({ handler: '${handler}', status: 'succeeded' })])
      await host.publish('order.status_changed', { orderId: 'A2', status: 'paid' })
      const response = await host.request('/plugins/${name}/shipped')
      expect(await response.json()).toEqual({ shipped: 1, currency: 'USD' })
    } finally {
      await host.stop()
    }
  })
})
`

const readme = (name: string, handler: string): string => `# ${name}

A [Switchyard](https://github.com/switchyard-dev/switchyard) plugin. Its handler \`${handler}\` counts
\`order.status_changed\` events whose status is \`shipped\` (Prometheus counter \`orders_shipped_total\`), and
\`GET /plugins/${name}/shipped\` answers \`{ "shipped": 1, "currency": "EUR" }\`.

## Develop

\`\`\`sh
npm install
npm test        # src/index.test.ts against a test host (@switchyard/testing)
npm run build   # compiles to dist/
\`\`\`

## Use

Put the package in one of the server's \`plugin_directories\` (or install it as a dependency of the app), then
load it into the running server with \`switchyard plugins load <folder>\` (or restart it), and configure it in
\`switchyard.yaml\`:

\`\`\`yaml
plugins:
  ${name}: { enabled: true, config: { currency: EUR } }
\`\`\`

## Publish

\`package.json\` is ready for the registry: \`files\`, \`exports\`, the \`eventPlugin\` entry, and the keyword
\`switchyard-plugin\` the marketplace searches for. \`npm publish\` builds first.
`

/**
 * The files of a new plugin package, path -> content: package.json with the \`eventPlugin\` field, a config
 * schema, a handler, a route, a passing test on `@switchyard/testing`, a build script and a README.
 *
 * @example
 * ```ts
 * const files = pluginTemplate('order-alerts', versions) // { 'package.json': '...', 'src/index.ts': '...', ... }
 * ```
 */
export function pluginTemplate(name: string, versions: TemplateVersions): Record<string, string> {
  const handler = `${name.replaceAll('-', '_')}_handler`
  return {
    'package.json': packageJson(name, versions),
    'tsconfig.json': tsconfig,
    'tsconfig.build.json': tsconfigBuild,
    'src/index.ts': indexTs(name, handler),
    'src/index.test.ts': testTs(name, handler),
    'README.md': readme(name, handler),
    '.gitignore': 'node_modules\ndist\n',
  }
}
