import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newContext, screenshot, signIn } from '../support/admin-browser.js'
import { ADMIN_TOKEN, type AdminServer, startAdminServer } from '../support/admin-server.js'

let server: AdminServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startAdminServer('sign-in'), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('admin UI sign-in', () => {
  it('serves /admin with a strict CSP that forbids framing and inline script', async () => {
    const response = await fetch(`${server.url}/admin/`)
    expect(response.status).toBe(200)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)/)
  })

  it('refuses a wrong token with the reason and shows no page', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/admin/`)
    await expect(page.getByLabel('Token').getAttribute('type')).resolves.toBe('password')
    await screenshot(page, 'sign-in')
    await page.getByLabel('Token').fill('not-a-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toContain('unknown token')
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0)
    expect(await context.cookies()).toEqual([])
    await context.close()
  })

  it('signs in with a good token into an HttpOnly SameSite=Strict cookie, and out again', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signIn(page, server.url, ADMIN_TOKEN)
    await expect(page.locator('.who').textContent()).resolves.toContain('ui-admin')

    const [cookie] = await context.cookies()
    expect(cookie).toMatchObject({
      name: 'switchyard_session',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    })
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000)
    expect(cookie!.value).not.toContain(ADMIN_TOKEN)
    // The token is in no URL and nowhere a script could read it back.
    expect(page.url()).not.toContain(ADMIN_TOKEN)
    const stored = await page.evaluate(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    )
    expect(stored).not.toContain(ADMIN_TOKEN)

    // A reload keeps the session (the cookie), then sign-out ends it on the server too.
    await page.reload()
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    const session = `switchyard_session=${cookie!.value}`
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Token').waitFor()
    expect(await context.cookies()).toEqual([])
    const after = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: session } })
    expect(after.status).toBe(401)
    await context.close()
  })

  it('refuses a state-changing request riding on the cookie from another origin', async () => {
    const signedIn = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    })
    expect(signedIn.status).toBe(200)
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!
    const disable = (origin?: string) =>
      fetch(`${server.url}/api/v1/events/plugins/webhooks/disable`, {
        method: 'POST',
        headers: origin ? { cookie, origin } : { cookie },
      })
    const foreign = await disable('https://evil.example')
    expect(foreign.status).toBe(403)
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('E_CROSS_ORIGIN')
    expect((await disable()).status).toBe(403)
    // Reading with the cookie needs no Origin.
    const plugins = await fetch(`${server.url}/api/v1/events/plugins`, { headers: { cookie } })
    expect(plugins.status).toBe(200)
  })
})
