import { readFile } from 'node:fs/promises'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newContext, screenshot, signIn } from '../support/admin-browser.js'
import { ADMIN_TOKEN, type AdminServer, startAdminServer } from '../support/admin-server.js'
import { waitUntil } from '../support/wait-until.js'

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

/** Resolves once the event's delivery to `handler` is dead-lettered; the dead letter's id. */
async function deadLetterOf(eventId: string): Promise<string> {
  let id: string | undefined
  await waitUntil(
    async () => {
      const response = await fetch(`${server.url}/api/v1/dead-letters?handler=charge_card_handler`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
      const { deadLetters } = (await response.json()) as {
        deadLetters: { id: string; event: { id: string } }[]
      }
      id = deadLetters.find((letter) => letter.event.id === eventId)?.id
      return id !== undefined
    },
    { what: `a dead letter of event ${eventId}` },
  )
  return id!
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

  it('Plugins shows each plugin, and disable, enable and reload change the state shown', async () => {
    await page.getByRole('link', { name: 'Plugins' }).click()
    const card = page.locator('li.card', {
      has: page.getByRole('heading', { name: 'webhooks', exact: true }),
    })
    await card.getByText('started').first().waitFor()
    await expect(card.textContent()).resolves.toContain('webhook_dispatcher')
    await screenshot(page, 'plugins')

    await card.getByRole('button', { name: 'Disable webhooks' }).click()
    await card.getByRole('button', { name: 'Enable webhooks' }).waitFor()
    await expect(card.locator('.card-head .badge').textContent()).resolves.not.toBe('started')
    await card.getByRole('button', { name: 'Enable webhooks' }).click()
    await card.getByRole('button', { name: 'Disable webhooks' }).waitFor()
    await card.locator('.card-head .badge', { hasText: 'started' }).waitFor()

    await card.getByRole('button', { name: 'Reload webhooks' }).click()
    await card.locator('dd', { hasText: /^1, 0$/ }).waitFor()
  })

  it('Events shows a published event live, opens its deliveries and payload, and explains a draft', async () => {
    await page.getByRole('link', { name: 'Events' }).click()
    await page.getByText('Live', { exact: false }).first().waitFor()
    await page.locator('p[aria-live]', { hasText: /^Live/ }).waitFor()
    const id = await publish('order.status_changed', { orderId: 'o-live', status: 'shipped' })
    const row = page.getByRole('button', { name: new RegExp(`order.status_changed ${id}`) })
    await row.waitFor()
    await screenshot(page, 'events')
    await row.click()
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor()
    await page
      .locator('.timeline li', { hasText: 'order_notification_handler' })
      .getByText('succeeded')
      .waitFor()
    await expect(page.locator('pre').first().textContent()).resolves.toContain('o-live')
    const unrouted = page.locator('.timeline li', { hasText: 'order_fallback_handler' })
    await expect(unrouted.textContent()).resolves.toMatch(
      /unrouted.*route table of this event type did not select/,
    )
    await screenshot(page, 'event-detail')

    await page.getByRole('link', { name: '← Events' }).click()
    await page
      .getByLabel('Draft event')
      .fill(JSON.stringify({ type: 'payment.charge', data: { orderId: 'x' } }))
    await page.getByRole('button', { name: 'Explain' }).click()
    const line = page.locator('tr', { hasText: 'charge_card_handler' })
    await expect(line.locator('td').nth(3).textContent()).resolves.toBe('yes')
  })

  it('Events keeps a burst of 1,000 events in a virtualised list: a screenful of rows in the page', async () => {
    await page.goto(`${server.url}/admin/events`)
    await page.getByLabel('Type pattern').fill('burst.*')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.locator('p[aria-live]', { hasText: /^Live/ }).waitFor()
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => publish('burst.tick', { n: batch * 100 + i })))
    }
    await page.locator('p[aria-live]', { hasText: '1000 events matching' }).waitFor()
    const rows = await page.locator('.stream-list > li').count()
    expect(rows).toBeGreaterThan(5)
    expect(rows).toBeLessThan(60)
    await page.locator('.stream').evaluate('(list) => { list.scrollTop = list.scrollHeight }')
    await page
      .getByRole('button', { name: /burst\.tick/ })
      .last()
      .waitFor()
    expect(await page.locator('.stream-list > li').count()).toBeLessThan(60)
  })

  it("Events shows a failing handler's error with its code in the deliveries timeline", async () => {
    const id = await publish('payment.charge', { orderId: 'o-fail' })
    await page.goto(`${server.url}/admin/events`)
    await page.getByLabel('Event id').fill(id)
    await page.getByRole('button', { name: 'Open' }).click()
    const entry = page.locator('.timeline li', { hasText: 'charge_card_handler' })
    await entry.getByText('dead lettered').waitFor()
    await expect(entry.locator('.delivery-error').textContent()).resolves.toMatch(
      /E_HANDLER.*card declined for order o-fail/,
    )
  })

  it('Events finds past events by type and id in the store, and opens one with its payload and deliveries', async () => {
    const id = await publish('order.status_changed', { orderId: 'o-past', status: 'delivered' })
    await page.goto(`${server.url}/admin/events`)
    await page.getByLabel('Type or pattern').fill('order.*')
    await page.getByLabel('Id contains').fill(id)
    await waitUntil(
      async () => {
        await page.getByRole('button', { name: 'Search' }).click()
        return (await page.getByRole('link', { name: 'order.status_changed' }).count()) === 1
      },
      { what: 'the store to list the event' },
    )
    await page.getByRole('link', { name: 'order.status_changed' }).click()
    await expect(page.locator('pre').first().textContent()).resolves.toContain('o-past')
    await page.locator('.timeline li', { hasText: 'order_fallback_handler' }).getByText('succeeded').waitFor()
  })

  it('Dead letters lists each with its error; replay succeeds and delete removes one', async () => {
    const replayable = await deadLetterOf(
      await publish('payment.charge', { orderId: 'o-replay', failTimes: 2 }),
    )
    const doomed = await deadLetterOf(await publish('payment.charge', { orderId: 'o-doomed' }))
    await page.getByRole('link', { name: 'Dead letters' }).click()
    await page.getByRole('button', { name: `Replay ${replayable}` }).waitFor()
    await expect(page.locator('tbody').textContent()).resolves.toContain('card declined for order o-replay')
    await screenshot(page, 'dead-letters')

    await page.getByRole('button', { name: `Replay ${replayable}` }).click()
    await page.getByRole('button', { name: `Replay ${replayable}` }).waitFor({ state: 'detached' })
    await page
      .getByRole('checkbox', { name: /Select dead letter of payment.charge/ })
      .first()
      .waitFor()
    const row = page.locator('tr', { has: page.getByRole('button', { name: `Delete ${doomed}` }) })
    await row.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Delete 1 selected' }).click()
    await page.getByRole('button', { name: `Delete ${doomed}` }).waitFor({ state: 'detached' })
    const left = await fetch(`${server.url}/api/v1/dead-letters/${doomed}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(left.status).toBe(404)
  })

  it('Marketplace searches the catalog, installs from the local index with progress, uninstalls, shows a failed install', async () => {
    await page.getByRole('link', { name: 'Marketplace' }).click()
    await page.getByRole('heading', { name: 'e2e-greeter' }).waitFor()
    await page.getByLabel('Search').fill('no such plugin')
    await page.getByText('No plugin matches').waitFor()
    await page.getByLabel('Search').fill('greeter')
    await screenshot(page, 'marketplace')
    // Every text the button shows while the install runs: the server's progress steps.
    await page.evaluate(`(() => {
      window.seen = new Set()
      new MutationObserver(() => document.querySelectorAll('button').forEach((b) => window.seen.add(b.textContent)))
        .observe(document.body, { subtree: true, childList: true, characterData: true })
    })()`)
    await page.getByRole('button', { name: 'Install e2e-greeter' }).click()
    await page.getByText('Installed: v1.0.0.').waitFor()
    const shown = (await page.evaluate('[...window.seen]')) as string[]
    expect(shown).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(resolve|download|verify|extract|load)/)]),
    )
    const hello = await fetch(`${server.url}/plugins/e2e-greeter/hello`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(await hello.json()).toEqual({ hello: 'world' })
    await page.getByRole('button', { name: 'Uninstall e2e-greeter' }).click()
    await page.getByText('Not installed.').waitFor()

    await page.getByLabel('Search').fill('broken')
    await page.getByRole('button', { name: 'Install e2e-broken' }).click()
    const refused = page.locator('li.card', { hasText: 'e2e-broken' }).getByRole('alert')
    await expect(refused.textContent()).resolves.toMatch(
      /^E_INTEGRITY: .*integrity mismatch.*nothing was installed/,
    )
  })

  it('Catalog shows declared event types with their schema and publishers', async () => {
    await page.getByRole('link', { name: 'Catalog' }).click()
    const card = page.locator('li.card', { has: page.getByRole('heading', { name: 'notification.sent' }) })
    await expect(card.textContent()).resolves.toContain('order-notifications')
    await card.getByText('JSON Schema of data').click()
    await expect(card.locator('pre').textContent()).resolves.toContain('"type": "object"')
    await screenshot(page, 'catalog')
  })

  it('Config shows the configuration with secrets redacted, and a rejected reload with file:line', async () => {
    await page.getByRole('link', { name: 'Config' }).click()
    const shown = page.locator('pre')
    await expect(shown.textContent()).resolves.toContain('[redacted]')
    await expect(shown.textContent()).resolves.not.toContain(ADMIN_TOKEN)
    await screenshot(page, 'config')

    const good = JSON.stringify(JSON.parse(await readFile(server.configFile, 'utf8')), null, 2)
    await server.writeConfig(good.replace('"port": 0', '"port": "eighty"'))
    await page.getByRole('button', { name: 'Reload configuration' }).click()
    const error = page.getByRole('alert')
    await expect(error.textContent()).resolves.toMatch(/E_CONFIG[\s\S]*switchyard\.yaml:\d+/)
    await screenshot(page, 'config-reload-error')
    await server.writeConfig(good)
    await page.getByRole('button', { name: 'Reload configuration' }).click()
    await page.getByRole('status').filter({ hasText: 'Reloaded.' }).waitFor()
  })
})
