import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newContext } from '../support/admin-browser.js'
import { type AdminServer, startAdminServer } from '../support/admin-server.js'

let server: AdminServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startAdminServer('docs'), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('/docs in a browser', () => {
  it('renders the API reference and the plugins’ routes with no request to another host', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    // An air-gapped machine: every request to another origin fails, and is remembered.
    const elsewhere: string[] = []
    const origin = new URL(server.url).origin
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:'))
        return route.continue()
      elsewhere.push(url)
      return route.abort()
    })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${server.url}/docs`)
    // Scalar renders each operation's summary and each tag, plugin tags included, from /openapi.json.
    await page.getByText('Publish an event', { exact: false }).first().waitFor({ timeout: 60_000 })
    // A plugin's tag, with its routes: webhooks serves POST /plugins/webhooks/subscriptions.
    await page.getByText('webhooks', { exact: true }).first().waitFor()
    expect(await page.getByText('Powered by Scalar').count()).toBe(1)
    await page.waitForLoadState('networkidle')
    expect(elsewhere).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })
})
