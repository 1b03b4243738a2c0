import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

/** Debian's Chromium: Playwright's own browser download does not work on the project's machines. */
export const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
]

/** Where each test run writes its screenshots of the pages (the README shows them). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../apps/admin/screenshots', import.meta.url))

/**
 * Launches headless Chromium; fails with how to install it when it is missing (a browser test never passes by
 * skipping).
 *
 * @example
 * ```ts
 * const browser = await launchBrowser()
 * ```
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does)`,
    )
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
}

/** A fresh browser context (its own cookies) at 1280 px wide, or phone width with `phone`. */
export async function newContext(
  browser: Browser,
  options: { phone?: boolean; colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: options.phone ? { width: 390, height: 844 } : { width: 1280, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  })
}

/** Signs in through the form with `token` and waits for the navigation. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/admin/`)
  await page.getByLabel('Token').fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
}

/** Writes a full-page screenshot of `page` as `<name>.png` into `SCREENSHOTS`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true })
}

/** The serious and critical accessibility violations axe finds on the page, as `id: help (n nodes)` lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}
