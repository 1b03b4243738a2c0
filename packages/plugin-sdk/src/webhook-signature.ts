import { createHmac, timingSafeEqual } from 'node:crypto'

// Switchyard's signature on outgoing HTTP calls (webhook deliveries, notifications): a protocol receivers verify,
// shared by every plugin that calls one, so it lives in the plugin author's SDK rather than in one plugin.

/** Name of the header that carries the signature of a webhook delivery. */
export const SIGNATURE_HEADER = 'Switchyard-Signature'

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The timestamp is part of the
 * signed text so that a captured delivery cannot be replayed later than the receiver's tolerance.
 *
 * @example
 * ```ts
 * const header = signPayload('{"id":"1"}', 'whsec_0123456789abcdef')
 * // 't=1767225600,v1=5d41402abc4b2a76b9719d911017c592...'
 * ```
 */
export function signPayload(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, `${timestamp}.${body}`)}`
}

/** What `verifySignature` checks against. */
export interface VerifyOptions {
  /** Signatures older or newer than this many seconds are refused. Default 300. */
  toleranceSeconds?: number
  /** Unix seconds to compare the timestamp with; the current time unless given. */
  now?: number
}

/**
 * Checks a `Switchyard-Signature` header against the raw body and the subscription's secret: the receiver side
 * of `signPayload`, for receivers written in Node.js. Compares in constant time and refuses stale timestamps.
 *
 * @example
 * ```ts
 * const ok = verifySignature(req.headers['switchyard-signature'], rawBody, process.env.WEBHOOK_SECRET)
 * if (!ok) return res.writeHead(401).end()
 * ```
 */
export function verifySignature(
  header: string | undefined | null,
  body: string,
  secret: string,
  options: VerifyOptions = {},
): boolean {
  const parsed = parseSignatureHeader(header ?? '')
  if (parsed === undefined) return false
  const now = options.now ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - parsed.timestamp) > (options.toleranceSeconds ?? 300)) return false
  const expected = Buffer.from(hmacHex(secret, `${parsed.timestamp}.${body}`), 'hex')
  return parsed.signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex')
}

// Several v1 entries are allowed so that a sender rotating secrets can sign with both during the overlap.
function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2)
    if (key === 't' && value !== undefined && /^\d+$/.test(value)) timestamp = Number(value)
    if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value)
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures }
}
