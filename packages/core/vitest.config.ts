import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Type-level tests (expectTypeOf, @ts-expect-error) fail the run when the types regress.
    typecheck: { enabled: true, include: ['src/**/*.typed.test.ts'], tsconfig: './tsconfig.json' },
  },
})
