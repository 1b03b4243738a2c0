import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newContext, screenshot, seriousViolations, signIn } from '../support/admin-browser.js'
import { ADMIN_TOKEN, type AdminServer, READER_TOKEN, startAdminServer } from '../support/admin-server.js'
import { waitUntil } from '../support/wait-until.js'

let server: AdminServer
let browser: Browser
let failedEventId: string

/** Every page of the navigation, with something on it that shows it rendered its data. */
const PAGES = [
  { link: 'Overview', path: '/admin/', shows: 'Events accepted per second' },
  { link: 'Plugins', path: '/admin/plugins', shows: 'order-notifications' },
  { link: 'Events', path: '/admin/events', shows: 'Explain' },
  { link: 'Dead letters', path: '/admin/dead-letters', shows: 'charge_card_handler' },
  { link: 'Marketplace', path: '/admin/marketplace', shows: 'e2e-greeter' },
  { link: 'Catalog', path: '/admin/catalog', shows: 'notification.sent' },
  { link: 'Config', path: '/admin/config', shows: 'plugin_directories' },
] as const

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  })
}

async function visit(page: Page, target: (typeof PAGES)[number] | { path: string; shows: string }) {
  await page.goto(`${server.url}${target.path}`)
  await page.getByText(target.shows).first().waitFor()
}

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startAdminServer('quality'), launchBrowser()])
  await api('/api/v1/events', {
    method: 'POST',
    body: JSON.stringify({ type: 'order.status_changed', data: { orderId: 'o-1', status: 'shipped' } }),
  })
  const failed = await api('/api/v1/events', {
    method: 'POST',
    body: JSON.stringify({ type: 'payment.charge', data: { orderId: 'o-2' } }),
  })
  failedEventId = ((await failed.json()) as { id: string }).id
  await waitUntil(
    async () => {
      const { deadLetters } = (await (await api('/api/v1/dead-letters')).json()) as { deadLetters: unknown[] }
      return deadLetters.length > 0
    },
    { what: 'the failing event dead-lettered' },
  )
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('admin UI quality', () => {
  it('a read-only token sees every page but no admin buttons, and is refused when forcing one', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signIn(page, server.url, READER_TOKEN)
    for (const target of PAGES) {
      await visit(page, target)
      const buttons = await page.getByRole('button').allTextContents()
      const adminButtons = buttons.filter((text) =>
        /^(Enable|Disable|Reload|Replay|Delete|Install|Upgrade|Uninstall)/.test(text),
      )
      expect(adminButtons, `${target.link} shows admin buttons to a reader`).toEqual([])
    }
    await screenshot(page, 'read-only-plugins')
    const forced = await page.evaluate(async () => {
      const response = await fetch('/api/v1/events/plugins/webhooks/disable', { method: 'POST' })
      return { status: response.status, body: await response.json() }
    })
    expect(forced).toMatchObject({ status: 403, body: { error: { code: 'E_FORBIDDEN' } } })
    await context.close()
  })

  it('has no serious or critical accessibility violations on any page, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await newContext(browser, { colorScheme })
      const page = await context.newPage()
      await page.goto(`${server.url}/admin/`)
      await page.getByLabel('Token').waitFor()
      expect(await seriousViolations(page), `sign-in (${colorScheme})`).toEqual([])
      await signIn(page, server.url, ADMIN_TOKEN)
      const detail = { path: `/admin/events/${failedEventId}`, shows: 'charge_card_handler' }
      for (const target of [...PAGES, detail]) {
        await visit(page, target)
        expect(await seriousViolations(page), `${target.path} (${colorScheme})`).toEqual([])
      }
      await context.close()
    }
  })

  it('works at phone width in dark mode: no sideways scrolling, every page reachable', async () => {
    const context = await newContext(browser, { phone: true, colorScheme: 'dark' })
    const page = await context.newPage()
    await signIn(page, server.url, ADMIN_TOKEN)
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor')
    expect(background).toBe('rgb(20, 23, 26)')
    for (const target of PAGES) {
      await page.getByRole('link', { name: target.link, exact: true }).click()
      await page.getByText(target.shows).first().waitFor()
      // The elements sticking out on the right (tables and code scroll on their own, and are left out).
      const wide = await page.evaluate(`[...document.querySelectorAll('body *')]
                .filter((e) => !e.closest('.table-wrap, pre') && e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(0, 5)`)
      expect(wide, `${target.link} sticks out at phone width`).toEqual([])
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')
      expect(overflow, `${target.link} scrolls sideways at phone width`).toBeLessThanOrEqual(0)
    }
    await visit(page, PAGES[0])
    await screenshot(page, 'phone-dark-overview')
    await visit(page, PAGES[1])
    await screenshot(page, 'phone-dark-plugins')
    await context.close()
  })

  it('is keyboard navigable: a skip link first, then the navigation', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signIn(page, server.url, ADMIN_TOKEN)
    await page.keyboard.press('Tab')
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content')
    await page.keyboard.press('Tab')
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Overview')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Plugins', level: 1 }).waitFor()
    await context.close()
  })
})
