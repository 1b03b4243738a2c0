import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Most of these tests start a server or CLI process: a second on a quiet machine, several when the CI machine is
    // loaded. A bound for a hung test, not a speed check (speed is measured by `pnpm bench`).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
