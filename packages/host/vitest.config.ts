import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    server: {
      deps: {
        // The plugin copies of plugin-host.reload.test.ts are imported by Node itself, as in production, not by
        // Vite's module runner: only then do the reload's module hooks apply. (Other suites' copies import packages
        // such as valibot that only Vite can resolve from a temporary folder.)
        external: [/\/switchyard-reload-[^/]+\/plugins\//],
      },
    },
  },
})
