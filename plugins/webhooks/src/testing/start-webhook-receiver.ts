import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '@switchyard/plugin-sdk'

/** One request the receiver got, with whether its signature verified. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders
  body: string
  signatureValid: boolean
}

/** A running receiver: its URL, what it got so far, and how to close it. */
export interface WebhookReceiver {
  url: string
  received: ReceivedRequest[]
  close(): Promise<void>
}

/** Checks one request's signature from its headers and raw body. */
export type SignatureCheck = (headers: IncomingHttpHeaders, body: string) => boolean

/**
 * A real HTTP server on 127.0.0.1 for tests of webhook senders: it checks each request's signature (a string is
 * the secret of a `Switchyard-Signature`; a function checks any other scheme, such as Standard Webhooks with the
 * `standardwebhooks` package), answering 401 when it does not verify, and otherwise answers with the next status of `statuses`
 * (the last one repeats). `delayMs` holds each answer back, to provoke timeouts.
 *
 * @example
 * ```ts
 * const hook = await startWebhookReceiver('whsec_0123456789abcdef', [500, 200])
 * // … point a subscription at hook.url and publish …
 * hook.received.map((r) => r.signatureValid) // [true, true]
 * await hook.close()
 * ```
 */
export async function startWebhookReceiver(
  check: string | SignatureCheck,
  statuses: number[] = [200],
  delayMs = 0,
): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const signatureValid =
        typeof check === 'string'
          ? verifySignature(req.headers['switchyard-signature'] as string, body, check)
          : check(req.headers, body)
      received.push({ headers: req.headers, body, signatureValid })
      const status = signatureValid ? (statuses[received.length - 1] ?? statuses.at(-1) ?? 200) : 401
      setTimeout(() => res.writeHead(status).end(), delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
