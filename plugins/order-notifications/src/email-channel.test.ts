import type { AddressInfo } from 'node:net'
import { createEvent } from '@switchyard/plugin-sdk'
import type { TestHost } from '@switchyard/testing'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { startNotificationsHost } from './test-support/start-notifications-host.js'

const PASSWORD = 'smtp-password-0123'
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

interface Received {
  from: string
  to: string[]
  user: string | undefined
  raw: string
}

/** A real SMTP server on loopback (the smtp-server package) that refuses the first `refusals` messages with 451. */
async function startSmtp(refusals = 0) {
  const received: Received[] = []
  let refused = 0
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'shop' && auth.password === PASSWORD) callback(null, { user: 'shop' })
      else callback(new Error('invalid login'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (refused < refusals) {
          refused++
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }))
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { port: (server.server.address() as AddressInfo).port, received }
}

const start = (config: Record<string, unknown>): Promise<TestHost> => startNotificationsHost(config, cleanup)

const emailConfig = (port: number, extra: Record<string, unknown> = {}) => ({
  channel: 'email',
  templates: { shipped: 'Order {{data.orderId}} is on its way' },
  email: {
    host: '127.0.0.1',
    port,
    from: 'shop@example.com',
    to: ['ops@example.com', 'sales@example.com'],
    user: 'shop',
    pass: PASSWORD,
    timeout_ms: 3000,
    ...extra,
  },
})

const shipped = () => createEvent('order.status_changed', { orderId: 'o-1', status: 'shipped' })

describe('order-notifications: email channel', () => {
  it('sends each notification as an e-mail over SMTP, logged in, to every recipient', async () => {
    const smtp = await startSmtp()
    const host = await start(emailConfig(smtp.port))
    const report = await host.publish(shipped())
    expect(report.outcomes[0]).toMatchObject({ handler: 'order_notification_handler', status: 'succeeded' })
    expect(smtp.received).toHaveLength(1)
    const [mail] = smtp.received
    expect(mail).toMatchObject({
      from: 'shop@example.com',
      to: ['ops@example.com', 'sales@example.com'],
      user: 'shop',
    })
    expect(mail?.raw).toMatch(/^Subject: Order o-1: shipped\r?$/m)
    expect(mail?.raw).toContain('Order o-1 is on its way')
    const sent = host.events.find((event) => event.type === 'notification.sent')
    expect(sent?.data).toMatchObject({ channel: 'email', orderId: 'o-1', message: 'Order o-1 is on its way' })
    // The password is a secret() field: the status shows it redacted.
    const status = host.host.status().find((plugin) => plugin.name === 'order-notifications')
    expect(status?.config).toMatchObject({ email: { user: 'shop', pass: '[redacted]' } })
    expect(JSON.stringify(host.host.status())).not.toContain(PASSWORD)
  })

  it('fails the attempt on a refusal and lets the delivery policy retry it', async () => {
    const smtp = await startSmtp(1)
    const host = await start(emailConfig(smtp.port, { attempts: 2 }))
    const report = await host.publish(shipped())
    expect(report.outcomes[0]).toMatchObject({ status: 'succeeded', attempts: 2 })
    expect(smtp.received).toHaveLength(1)
  })

  it('fails with E_NOTIFICATION_DELIVERY naming the server when the login is refused', async () => {
    const smtp = await startSmtp()
    const host = await start(emailConfig(smtp.port, { pass: 'wrong-password-000', attempts: 1 }))
    const report = await host.publish(shipped())
    expect(report.outcomes[0]?.status).toBe('dead_lettered')
    expect(JSON.stringify(report.outcomes[0]?.error)).toMatch(/smtp:\/\/127\.0\.0\.1:\d+ was not delivered/)
    expect(smtp.received).toHaveLength(0)
  })

  it('refuses an invalid email config, naming each field', async () => {
    await expect(start({ channel: 'email' })).rejects.toThrow(
      /email: expected an email \{ host, from, to \} when channel is email/,
    )
    const bad = start({
      channel: 'email',
      email: { host: '', port: 70_000, from: 'not-an-address', to: [], pass: 'p' },
    })
    await expect(bad).rejects.toThrow(/email\.host: expected an SMTP host name or address/)
    await expect(bad).rejects.toThrow(/email\.port: expected a port from 1 to 65535/)
    await expect(bad).rejects.toThrow(/email\.from: expected an e-mail address/)
    await expect(bad).rejects.toThrow(/email\.to: expected at least one recipient/)
  })
})
