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
    keywords: ['switchyard-plugin'],
    eventPlugin: { entry: './dist/index.js' },
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist'],
    engines: { node: '>=20' },
    scripts: { build: 'tsc -p tsconfig.build.json', test: 'vitest run' },
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
 * ${name}: counts the \`example.*\` events it receives and serves the count at GET /plugins/${name}/count.
 */
export default definePlugin({
  name: '${name}',
  version: '0.1.0',
  description: 'Counts example events',
  permissions: ['events:subscribe', 'http:routes'],
  config: v.object({
    /** Logged with every event. */
    greeting: v.optional(v.string(), 'hello'),
  }),
  setup(ctx) {
    let count = 0
    ctx.on(
      'example.*',
      (event) => {
        count += 1
        ctx.logger.info({ type: event.type, count }, ctx.config.greeting)
      },
      { name: '${handler}' },
    )
    ctx.routes.get('/count', (c) => c.json({ count }))
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
  it('handles example events and serves the count', async () => {
    const host = await createTestHost({ plugins: [plugin], config: { '${name}': { greeting: 'hi' } } })
    try {
      const report = await host.publish('example.created', { id: 1 })
      expect(report.outcomes).toEqual([expect.objectContaining({ handler: '${handler}', status: 'succeeded' })])
      const response = await host.request('/plugins/${name}/count')
      expect(await response.json()).toEqual({ count: 1 })
    } finally {
      await host.stop()
    }
  })
})
`

const readme = (name: string, handler: string): string => `# ${name}

A [Switchyard](https://github.com/switchyard-dev/switchyard) plugin. It subscribes the handler \`${handler}\`
to \`example.*\` events and serves how many it received at \`GET /plugins/${name}/count\`.

## Develop

\`\`\`sh
npm install
npm test        # runs src/index.test.ts against a test host
npm run build   # compiles to dist/
\`\`\`

## Use

Put the package in one of the server's \`plugin_directories\` (or install it as a dependency of the app), then
configure it in \`switchyard.yaml\`:

\`\`\`yaml
plugins:
  ${name}: { enabled: true, config: { greeting: hello } }
\`\`\`
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
