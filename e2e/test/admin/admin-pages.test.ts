import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newContext, screenshot, signIn } from '../support/admin-browser.js'
import { ADMIN_TOKEN, type AdminServer, startAdminServer } from '../support/admin-server.js'

let server: AdminServer
let browser: Browser
let context: BrowserContext
let page: Page

/** Publishes an event through the public API with the admin token; resolves to its id. */
async function publish(type: string, data: unknown): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type, data }),
  })
  expect(response.status).toBe(202)
  return ((await response.json()) as { id: string }).id
}

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startAdminServer('pages'), launchBrowser()])
  context = await newContext(browser)
  page = await context.newPage()
  await signIn(page, server.url, ADMIN_TOKEN)
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('admin UI pages', () => {
  it('Overview charts what flows, the plugins, the backends and the recent failures', async () => {
    await publish('order.status_changed', { orderId: 'o-1', status: 'shipped' })
    await publish('payment.charge', { orderId: 'o-2' })
    await page.getByRole('link', { name: 'Overview' }).click()
    await page.getByRole('heading', { name: 'Events accepted per second' }).waitFor()
    await page.getByText('card declined for order o-2').waitFor()
    await expect(page.locator('.stat').first().textContent()).resolves.toMatch(/^[1-9]\d* in the last minute/)
    await expect(page.locator('.pairs').textContent()).resolves.toContain('sqlite')
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(3)
    await expect(
      page.getByRole('heading', { name: 'Plugins' }).locator('..').textContent(),
    ).resolves.toContain('order-notifications')
    await screenshot(page, 'overview')
  })
})
