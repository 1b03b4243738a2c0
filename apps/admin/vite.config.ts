import { defineConfig } from 'vite'
import { reportGzipSize } from './build/report-gzip-size.ts'

/** The bar: all of the UI's JavaScript under 120 KB gzip. */
const JS_BUDGET_BYTES = 120 * 1024

export default defineConfig({
  // The server serves the built files at /admin.
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    // The polyfill would be an inline script, which the CSP forbids; every browser we target has modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  plugins: [reportGzipSize(JS_BUDGET_BYTES)],
})
