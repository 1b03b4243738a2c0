import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../sign-payload.js'

/** One request the receiver got, with whether its signature verified. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders
  body: string
  signatureValid: boolean
}

/**
 * A real HTTP server on 127.0.0.1 that checks each request's signature with `secret` and answers with the next
 * status of `statuses` (the last one repeats). `delayMs` holds each answer back, to provoke timeouts.
 */
export async function startWebhookReceiver(secret: string, statuses: number[] = [200], delayMs = 0) {
  const received: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const signatureValid = verifySignature(req.headers['switchyard-signature'] as string, body, secret)
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
