import { createTransport } from 'nodemailer'
import type { OrderNotificationsConfig } from './config.js'
import type { Channel } from './create-channel.js'
import { NotificationDeliveryError } from './errors.js'
import { renderTemplate } from './render-template.js'

/** The `email` section of the config, present when the channel is `email`. */
export type EmailConfig = NonNullable<OrderNotificationsConfig['email']>

/** An e-mail channel and the way to close its SMTP connections (at plugin stop). */
export interface EmailChannel {
  send: Channel
  close(): void
}

/**
 * The `email` channel: each notification is one e-mail over SMTP (nodemailer), its subject rendered from
 * `email.subject` with the notification's fields (`{{orderId}}`, `{{status}}`) and its text the notification's
 * message. A send is one handler
 * attempt within `timeout_ms`; a refusal or timeout fails the attempt (`E_NOTIFICATION_DELIVERY`) and the
 * handler's delivery policy (`email.attempts`) retries it.
 *
 * @example
 * ```ts
 * const email = createEmailChannel({ host: 'smtp.example.com', port: 587, secure: false, from: 'shop@example.com',
 *   to: ['ops@example.com'], subject: 'Order {{orderId}}', timeout_ms: 10_000, attempts: 3 })
 * await email.send(notification, signal)
 * ```
 */
export function createEmailChannel(config: EmailConfig): EmailChannel {
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user === undefined ? {} : { auth: { user: config.user, pass: config.pass ?? '' } }),
    connectionTimeout: config.timeout_ms,
    greetingTimeout: config.timeout_ms,
    socketTimeout: config.timeout_ms,
  })
  const where = `smtp://${config.host}:${config.port}`
  const send: Channel = async (notification, signal) => {
    const sending = transport.sendMail({
      from: config.from,
      to: config.to,
      subject: renderTemplate(config.subject, notification),
      text: notification.message,
    })
    try {
      await abortable(sending, signal)
    } catch (error) {
      throw new NotificationDeliveryError(where, (error as Error).message)
    }
  }
  return { send, close: () => transport.close() }
}

// nodemailer takes no AbortSignal: the attempt ends when the bus aborts it; the connection times out on its own.
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason ?? new Error('aborted'))
    if (signal.aborted) abort()
    signal.addEventListener('abort', abort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}
