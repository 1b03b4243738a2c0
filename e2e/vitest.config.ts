import { defineConfig } from 'vitest/config'

// Each file runs several server processes on a 2-core machine: one file at a time, so they do not starve each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
})
